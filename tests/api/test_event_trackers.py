"""Event trackers through boto3: one per dataset group, ARNs, tracking IDs, lifecycle."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from personalize_fake import PersonalizeFake, mock_personalize

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"


@pytest.fixture
def group(personalize: Any, personalize_fake: PersonalizeFake) -> str:
    personalize.create_dataset_group(name="shop")
    personalize_fake.settle(GROUP)
    return GROUP


@pytest.fixture
def other_group(personalize: Any, personalize_fake: PersonalizeFake) -> str:
    """A second ACTIVE dataset group, ``other``."""
    personalize.create_dataset_group(name="other")
    other = GROUP.replace("shop", "other")
    personalize_fake.settle(other)
    return other


class TestCreate:
    def test_arn_and_tracking_id(self, personalize: Any, group: str) -> None:
        """The ARN ends in 8 lowercase hex digits, not the name; the tracking ID is a UUID4."""
        out = personalize.create_event_tracker(name="web", datasetGroupArn=group)
        assert re.fullmatch(
            r"arn:aws:personalize:us-east-1:123456789012:event-tracker/[0-9a-f]{8}",
            out["eventTrackerArn"],
        )
        assert uuid.UUID(out["trackingId"]).version == 4

    def test_one_per_group(self, personalize: Any, group: str) -> None:
        """A second tracker on the same group is ResourceAlreadyExists, and nothing is created."""
        personalize.create_event_tracker(name="web", datasetGroupArn=group)
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException) as exc:
            personalize.create_event_tracker(name="app", datasetGroupArn=group)
        assert "only one event tracker" in str(exc.value)
        assert len(personalize.list_event_trackers()["eventTrackers"]) == 1

    def test_duplicate_tracker_error_is_a_setting(self) -> None:
        """The code of the one-tracker rule can be switched to LimitExceeded."""
        import boto3

        with mock_personalize(
            lifecycle="instant", duplicate_event_tracker_error="LimitExceededException"
        ):
            client = boto3.client("personalize", region_name="us-east-1")
            client.create_dataset_group(name="shop")
            client.create_event_tracker(name="web", datasetGroupArn=GROUP)
            with pytest.raises(client.exceptions.LimitExceededException):
                client.create_event_tracker(name="app", datasetGroupArn=GROUP)

    def test_name_unique(self, personalize: Any, group: str, other_group: str) -> None:
        """Tracker names are unique in an account and region."""
        other = other_group
        personalize.create_event_tracker(name="web", datasetGroupArn=group)
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException):
            personalize.create_event_tracker(name="web", datasetGroupArn=other)

    def test_taken_name_is_reported_before_the_group_rule(
        self, personalize: Any, group: str, other_group: str
    ) -> None:
        """A name taken on another group is ResourceAlreadyExists naming that tracker."""
        other = other_group
        personalize.create_event_tracker(name="first", datasetGroupArn=group)
        taken = personalize.create_event_tracker(name="taken", datasetGroupArn=other)
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException) as exc:
            personalize.create_event_tracker(name="taken", datasetGroupArn=group)
        assert exc.value.response["Error"]["Message"] == (
            f"Another resource with Arn {taken['eventTrackerArn']} already exists."
        )

    def test_group_missing(self, personalize: Any) -> None:
        """A dataset group that does not exist is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.create_event_tracker(name="web", datasetGroupArn=GROUP)

    def test_group_not_active(self, personalize: Any) -> None:
        """A dataset group still being created is ResourceInUse."""
        personalize.create_dataset_group(name="shop")
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.create_event_tracker(name="web", datasetGroupArn=GROUP)


class TestDescribe:
    def test_polls_to_active(self, personalize: Any, group: str) -> None:
        """Describe shows the whole tracker and walks CREATE PENDING > IN_PROGRESS > ACTIVE."""
        out = personalize.create_event_tracker(name="web", datasetGroupArn=group)
        statuses = []
        while not statuses or statuses[-1] != "ACTIVE":
            tracker = personalize.describe_event_tracker(eventTrackerArn=out["eventTrackerArn"])[
                "eventTracker"
            ]
            statuses.append(tracker["status"])
        assert statuses == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
        assert tracker["trackingId"] == out["trackingId"]
        assert tracker["datasetGroupArn"] == group
        assert tracker["accountId"] == "123456789012"
        assert tracker["name"] == "web"

    def test_list_has_no_tracking_id(self, personalize: Any, group: str) -> None:
        """EventTrackerSummary has no trackingId and no datasetGroupArn, as in the model."""
        personalize.create_event_tracker(name="web", datasetGroupArn=group)
        (summary,) = personalize.list_event_trackers(datasetGroupArn=group)["eventTrackers"]
        assert "trackingId" not in summary
        assert "datasetGroupArn" not in summary
        assert personalize.list_event_trackers(datasetGroupArn=GROUP + "x")["eventTrackers"] == []


class TestDelete:
    def test_delete_sequence_frees_the_group(
        self, personalize: Any, group: str, personalize_fake: PersonalizeFake
    ) -> None:
        """Deleting goes DELETE PENDING > DELETE IN_PROGRESS > gone; then a new tracker fits."""
        arn = personalize.create_event_tracker(name="web", datasetGroupArn=group)["eventTrackerArn"]
        personalize_fake.settle(arn)
        personalize.delete_event_tracker(eventTrackerArn=arn)
        seen = [
            personalize.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]["status"]
            for _ in range(2)
        ]
        assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_event_tracker(eventTrackerArn=arn)
        personalize.create_event_tracker(name="web", datasetGroupArn=group)

    def test_not_while_creating(self, personalize: Any, group: str) -> None:
        """A tracker mid-creation cannot be deleted."""
        arn = personalize.create_event_tracker(name="web", datasetGroupArn=group)["eventTrackerArn"]
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_event_tracker(eventTrackerArn=arn)

    def test_failed_tracker_can_be_deleted(
        self, personalize: Any, group: str, personalize_fake: PersonalizeFake
    ) -> None:
        """A CREATE FAILED tracker can be deleted."""
        arn = personalize.create_event_tracker(name="web", datasetGroupArn=group)["eventTrackerArn"]
        personalize_fake.fail(arn, "boom")
        personalize.delete_event_tracker(eventTrackerArn=arn)
        assert personalize_fake.status(arn) == "DELETE PENDING"


class TestManualLifecycle:
    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_nothing_moves_until_the_test_says(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Manual: Describe never advances; fake.advance moves one step at a time."""
        personalize.create_dataset_group(name="shop")
        for _ in range(3):
            personalize.describe_dataset_group(datasetGroupArn=GROUP)
        assert personalize_fake.status(GROUP) == "CREATE PENDING"
        assert personalize_fake.advance(GROUP) == "CREATE IN_PROGRESS"
        assert personalize_fake.advance(GROUP) == "ACTIVE"
        assert personalize_fake.advance(GROUP) == "ACTIVE"

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_fail_only_while_creating(
        self, personalize_fake: PersonalizeFake, personalize: Any
    ) -> None:
        """A settled resource cannot be failed; an unknown ARN is a KeyError."""
        personalize.create_dataset_group(name="shop")
        personalize_fake.settle()
        with pytest.raises(ValueError, match="only a resource being created"):
            personalize_fake.fail(GROUP, "late")
        with pytest.raises(KeyError):
            personalize_fake.status(GROUP + "x")
