"""A test can make creations fail: at once on a known ARN, or ahead of time by kind."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_fake import PersonalizeFake

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"


def statuses(personalize: Any, count: int) -> list[str]:
    return [
        personalize.describe_dataset_group(datasetGroupArn=GROUP)["datasetGroup"]["status"]
        for _ in range(count)
    ]


def test_fail_next_in_stepwise_mode(personalize: Any, personalize_fake: PersonalizeFake) -> None:
    """A doomed group polls CREATE PENDING, IN_PROGRESS, then CREATE FAILED with the reason."""
    personalize_fake.fail_next("dataset-group", "Insufficient privileges for the KMS key.")
    personalize.create_dataset_group(name="shop")
    assert statuses(personalize, 4) == [
        "CREATE PENDING",
        "CREATE IN_PROGRESS",
        "CREATE FAILED",
        "CREATE FAILED",
    ]
    group = personalize.describe_dataset_group(datasetGroupArn=GROUP)["datasetGroup"]
    assert group["failureReason"] == "Insufficient privileges for the KMS key."


@pytest.mark.personalize_fake(lifecycle="instant")
def test_fail_next_in_instant_mode(personalize: Any, personalize_fake: PersonalizeFake) -> None:
    """In instant mode the doomed creation is CREATE FAILED at once; the one after is fine."""
    personalize_fake.fail_next("dataset-group")
    personalize.create_dataset_group(name="shop")
    assert statuses(personalize, 1) == ["CREATE FAILED"]
    personalize.create_dataset_group(name="other")
    assert personalize_fake.status(GROUP.replace("shop", "other")) == "ACTIVE"


@pytest.mark.personalize_fake(lifecycle="instant")
def test_a_failed_parent_blocks_children(
    personalize: Any, personalize_fake: PersonalizeFake
) -> None:
    """A tracker on a group whose creation failed is refused: the group is not ACTIVE."""
    personalize_fake.fail_next("dataset-group")
    personalize.create_dataset_group(name="shop")
    with pytest.raises(personalize.exceptions.ResourceInUseException):
        personalize.create_event_tracker(name="t", datasetGroupArn=GROUP)


@pytest.mark.personalize_fake(lifecycle="instant")
def test_times_and_kind(personalize: Any, personalize_fake: PersonalizeFake) -> None:
    """times=2 dooms the next two creations of that kind only."""
    personalize_fake.fail_next("event-tracker", times=2)
    for name in ("a", "b", "c"):
        personalize.create_dataset_group(name=name)
    arns = [
        personalize.create_event_tracker(name=f"t{n}", datasetGroupArn=GROUP.replace("shop", n))[
            "eventTrackerArn"
        ]
        for n in ("a", "b", "c")
    ]
    assert [personalize_fake.status(a) for a in arns] == [
        "CREATE FAILED",
        "CREATE FAILED",
        "ACTIVE",
    ]


def test_unknown_kind(personalize_fake: PersonalizeFake) -> None:
    """A kind the fake does not create is a ValueError listing the known ones."""
    with pytest.raises(ValueError, match="dataset-group"):
        personalize_fake.fail_next("datasetgroup")
    with pytest.raises(ValueError):
        personalize_fake.fail_next("schema")  # schemas have no status to fail


def test_times_must_be_positive(personalize_fake: PersonalizeFake) -> None:
    """fail_next with times < 1 is a ValueError, not a silent no-op."""
    with pytest.raises(ValueError, match="at least 1"):
        personalize_fake.fail_next("dataset", times=0)
