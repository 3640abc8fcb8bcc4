"""Solution versions through boto3: training modes, the minimum data, stopping, limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from support import (
    INTERACTIONS_SCHEMA,
    USER_PERSONALIZATION,
    record_interactions,
    trained_setup,
)

from personalize_fake import PersonalizeFake
from personalize_fake._model.coverage import newer_than_model

pytestmark = pytest.mark.personalize_fake(lifecycle="instant")

RECIPE = "arn:aws:personalize:::recipe/"
SOLUTION = "arn:aws:personalize:us-east-1:123456789012:solution/shop"
VERSION = re.compile(r"arn:aws:personalize:us-east-1:123456789012:solution/shop/([0-9a-f]{8})")


def setup(
    personalize: Any,
    events: Any,
    fake: PersonalizeFake,
    users: int = 25,
    per_user: int = 40,
    event_type: str = "click",
    **solution: Any,
) -> str:
    """A settled group with ``users * per_user`` recorded interactions and an ACTIVE solution
    ``shop`` (User-Personalization unless ``solution`` says); returns the solution ARN."""
    group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
    fake.settle()
    schema = personalize.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    personalize.create_dataset(
        name="d", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )
    tracking_id = personalize.create_event_tracker(name="t", datasetGroupArn=group)["trackingId"]
    fake.settle()
    record_interactions(events, tracking_id, users, per_user, event_type)
    arguments = {"name": "shop", "datasetGroupArn": group, "recipeArn": USER_PERSONALIZATION}
    arn: str = personalize.create_solution(**{**arguments, **solution})["solutionArn"]
    fake.settle(arn)
    return arn


def train(personalize: Any, solution: str = SOLUTION, **extra: Any) -> str:
    arn: str = personalize.create_solution_version(solutionArn=solution, **extra)[
        "solutionVersionArn"
    ]
    return arn


def describe(personalize: Any, arn: str) -> dict[str, Any]:
    found: dict[str, Any] = personalize.describe_solution_version(solutionVersionArn=arn)[
        "solutionVersion"
    ]
    return found


def message(exc: Any) -> str:
    text: str = exc.value.response["Error"]["Message"]
    return text


class TestCreate:
    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_trains_to_active(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A version polls CREATE PENDING > IN_PROGRESS > ACTIVE and shows its training."""
        solution = setup(personalize, events, personalize_fake)
        arn = train(personalize)
        match = VERSION.fullmatch(arn)
        assert match is not None
        statuses = [describe(personalize, arn)["status"] for _ in range(3)]
        assert statuses == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
        version = describe(personalize, arn)
        assert version["name"] == match.group(1)
        assert version["solutionArn"] == solution
        assert version["recipeArn"] == USER_PERSONALIZATION
        assert version["datasetGroupArn"].endswith("dataset-group/shop")
        assert (version["trainingMode"], version["trainingType"]) == ("FULL", "MANUAL")
        assert version["trainingHours"] >= 0
        assert "failureReason" not in version

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_keeps_what_the_engine_needs(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An ACTIVE version records its recipe type, training dataset, and the rows and time
        its training ended with (rows recorded later are not its)."""
        setup(personalize, events, personalize_fake)
        arn = train(personalize)
        personalize_fake.settle(arn)
        found = personalize_fake.store.find(arn)
        assert found is not None
        version: Any = found[1]
        interactions = personalize.list_datasets()["datasets"][0]["datasetArn"]
        assert (version.recipe_type, version.training_mode) == ("USER_PERSONALIZATION", "FULL")
        assert version.interactions_dataset_arn == interactions
        assert version.trained_rows == {interactions: 1000}
        assert version.training_ended >= version.created

    def test_training_hours_only_once_trained(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """trainingHours is absent from a version that did not train."""
        setup(personalize, events, personalize_fake)
        personalize_fake.fail_next("solution-version", "Injected.")
        arn = train(personalize)
        version = describe(personalize, arn)
        assert (version["status"], version["failureReason"]) == ("CREATE FAILED", "Injected.")
        assert "trainingHours" not in version

    def test_name_is_kept(self, personalize: Any, events: Any, personalize_fake: Any) -> None:
        """A name given to CreateSolutionVersion is its name."""
        setup(personalize, events, personalize_fake)
        assert describe(personalize, train(personalize, name="weekly"))["name"] == "weekly"

    def test_latest_version_on_the_solution(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """DescribeSolution shows the newest version's summary."""
        setup(personalize, events, personalize_fake)
        train(personalize)
        newest = train(personalize)
        latest = personalize.describe_solution(solutionArn=SOLUTION)["solution"][
            "latestSolutionVersion"
        ]
        assert latest["solutionVersionArn"] == newest
        assert latest["status"] == "ACTIVE"
        older = newer_than_model()  # a botocore whose summary has no trainingMode drops it
        assert latest.get("trainingMode", "FULL" if older else None) == "FULL"

    def test_hpo_shows_tuned_parameters(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """With performHPO the version shows the recipe's tunable hyperparameters."""
        setup(personalize, events, personalize_fake, performHPO=True)
        tuned = describe(personalize, train(personalize))["tunedHPOParams"]
        assert set(tuned["algorithmHyperParameters"]) == {
            "hidden_dimension",
            "bptt",
            "recency_mask",
        }

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_solution_must_be_active(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A solution still being created is ResourceInUse."""
        setup(personalize, events, personalize_fake)
        personalize.delete_solution(solutionArn=SOLUTION)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            train(personalize)
        assert "DELETE PENDING" in message(exc)

    def test_unknown_solution(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """An unknown solution is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            train(personalize)

    @pytest.mark.personalize_fake(lifecycle="manual", solution_versions_in_progress=2)
    def test_limit_in_progress(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """More versions in training than the setting allows is LimitExceeded."""
        setup(personalize, events, personalize_fake)
        first = train(personalize)
        train(personalize)
        with pytest.raises(personalize.exceptions.LimitExceededException) as exc:
            train(personalize)
        assert message(exc) == "More than 2 resources with PENDING or IN_PROGRESS status."
        personalize_fake.settle(first)
        train(personalize)

    @pytest.mark.personalize_fake(lifecycle="manual", solution_versions_in_progress=1)
    def test_limit_counts_a_stopping_version(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A version CREATE STOPPING still counts as in progress; once stopped it does not."""
        setup(personalize, events, personalize_fake)
        first = train(personalize)
        personalize_fake.advance(first)
        personalize.stop_solution_version_creation(solutionVersionArn=first)
        assert describe(personalize, first)["status"] == "CREATE STOPPING"
        with pytest.raises(personalize.exceptions.LimitExceededException):
            train(personalize)
        personalize_fake.settle(first)
        train(personalize)


class TestMinimumData:
    def test_enough(self, personalize: Any, events: Any, personalize_fake: Any) -> None:
        """1,000 interactions, 25 users with 2 or more: ACTIVE."""
        setup(personalize, events, personalize_fake)
        assert describe(personalize, train(personalize))["status"] == "ACTIVE"

    def test_too_few_interactions(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """999 interactions end CREATE FAILED with AWS's reason."""
        setup(personalize, events, personalize_fake, users=27, per_user=37)
        version = describe(personalize, train(personalize))
        assert version["status"] == "CREATE FAILED"
        assert version["failureReason"] == (
            "Create failed. Dataset has fewer than 1000 interactions."
        )

    def test_too_few_users(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Plenty of interactions from 24 users end CREATE FAILED with AWS's reason."""
        setup(personalize, events, personalize_fake, users=24, per_user=50)
        version = describe(personalize, train(personalize))
        assert version["failureReason"] == (
            "Create failed. Dataset has fewer than 25 users with at least 2 interactions each."
        )

    def test_event_type_filters(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Only the solution's eventType counts, and the reason says so."""
        setup(personalize, events, personalize_fake, eventType="buy")
        version = describe(personalize, train(personalize))
        assert version["failureReason"] == (
            "Create failed. Dataset has fewer than 1000 interactions after filtering by event "
            "type: buy."
        )

    def test_event_value_threshold_filters(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Events below solutionConfig.eventValueThreshold (or without a value) do not count."""
        config = {"eventValueThreshold": "0.5"}
        setup(personalize, events, personalize_fake, solutionConfig=config)
        version = describe(personalize, train(personalize))
        assert "fewer than 1000 interactions" in version["failureReason"]

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_data_recorded_while_training_counts(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """The data is judged as training ends: what arrives while it trains counts."""
        setup(personalize, events, personalize_fake, users=24, per_user=42)
        arn = train(personalize)
        tracking_id = personalize.list_event_trackers()["eventTrackers"][0]["eventTrackerArn"]
        tracking_id = personalize.describe_event_tracker(eventTrackerArn=tracking_id)[
            "eventTracker"
        ]["trackingId"]
        events.put_events(
            trackingId=tracking_id,
            sessionId="late",
            userId="late",
            eventList=[{"eventType": "click", "itemId": "i", "sentAt": 1.0}] * 2,
        )
        personalize_fake.settle(arn)
        assert personalize_fake.status(arn) == "ACTIVE"

    @pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)
    def test_setting_off(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """minimum_training_data=False trains on a single interaction."""
        setup(personalize, events, personalize_fake, users=1, per_user=1)
        assert describe(personalize, train(personalize))["status"] == "ACTIVE"


class TestTrainingModes:
    def test_update_needs_an_active_full_version(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """UPDATE is refused before a FULL version is ACTIVE, taken after."""
        setup(personalize, events, personalize_fake)
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            train(personalize, trainingMode="UPDATE")
        assert "trainingMode FULL" in message(exc)
        train(personalize)
        version = describe(personalize, train(personalize, trainingMode="UPDATE"))
        assert (version["trainingMode"], version["status"]) == ("UPDATE", "ACTIVE")

    def test_update_only_for_user_personalization(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """UPDATE with another recipe is InvalidInput naming the recipe."""
        setup(personalize, events, personalize_fake, recipeArn=RECIPE + "aws-sims")
        train(personalize)
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            train(personalize, trainingMode="UPDATE")
        assert RECIPE + "aws-sims" in message(exc)

    def test_autotrain(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """AUTOTRAIN makes an AUTOMATIC version; refused once auto-training is off."""
        setup(personalize, events, personalize_fake)
        version = describe(personalize, train(personalize, trainingMode="AUTOTRAIN"))
        assert (version["trainingMode"], version["trainingType"]) == ("AUTOTRAIN", "AUTOMATIC")
        personalize.update_solution(solutionArn=SOLUTION, performAutoTraining=False)
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            train(personalize, trainingMode="AUTOTRAIN")
        assert "performAutoTraining" in message(exc)


class TestStop:
    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_stop_while_pending(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Stopped while CREATE PENDING, a version is CREATE STOPPED at once, and stays."""
        setup(personalize, events, personalize_fake)
        arn = train(personalize)
        personalize.stop_solution_version_creation(solutionVersionArn=arn)
        assert describe(personalize, arn)["status"] == "CREATE STOPPED"
        personalize_fake.settle()
        assert describe(personalize, arn)["status"] == "CREATE STOPPED"
        listed = personalize.list_solution_versions(solutionArn=SOLUTION)["solutionVersions"]
        assert [v["status"] for v in listed] == ["CREATE STOPPED"]

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_stop_while_in_progress(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Stopped while CREATE IN_PROGRESS, a version polls CREATE STOPPING, CREATE STOPPED."""
        setup(personalize, events, personalize_fake)
        arn = train(personalize)
        assert describe(personalize, arn)["status"] == "CREATE PENDING"  # then IN_PROGRESS
        personalize.stop_solution_version_creation(solutionVersionArn=arn)
        seen = [describe(personalize, arn)["status"] for _ in range(3)]
        assert seen == ["CREATE STOPPING", "CREATE STOPPED", "CREATE STOPPED"]

    @pytest.mark.parametrize("lifecycle", ["instant", "manual"])
    def test_refused_once_finished(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, lifecycle: str
    ) -> None:
        """Stopping an ACTIVE (or stopped) version is ResourceInUse naming its status."""
        setup(personalize, events, personalize_fake)
        arn = train(personalize)
        personalize_fake.settle(arn)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.stop_solution_version_creation(solutionVersionArn=arn)
        assert message(exc) == (
            f"The solution version {arn} must be CREATE PENDING or CREATE IN_PROGRESS to stop "
            "its creation (current status: ACTIVE)."
        )

    def test_unknown_version(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """Stopping an unknown version is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.stop_solution_version_creation(solutionVersionArn=SOLUTION + "/0000abcd")


class TestInFlight:
    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_blocks_solution_and_datasets_while_training(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A version in training keeps its solution and its group's datasets from deletion;
        stopping (until stopped) too."""
        setup(personalize, events, personalize_fake)
        arn = train(personalize)
        dataset = personalize.list_datasets()["datasets"][0]["datasetArn"]
        personalize_fake.advance(arn)
        personalize.stop_solution_version_creation(solutionVersionArn=arn)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.delete_solution(solutionArn=SOLUTION)
        assert f"solution version {arn} (CREATE STOPPING)" in message(exc)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.delete_dataset(datasetArn=dataset)
        assert f"solution version {arn} (CREATE STOPPING)" in message(exc)
        personalize_fake.settle(arn)
        personalize.delete_dataset(datasetArn=dataset)
        personalize.delete_solution(solutionArn=SOLUTION)
        personalize_fake.settle()
        assert personalize.list_solution_versions()["solutionVersions"] == []


class TestList:
    def test_by_solution(self, personalize: Any, events: Any) -> None:
        """ListSolutionVersions narrows to a solution, oldest first."""
        _, solution, first = trained_setup(personalize, events, "a")
        second = train(personalize, solution)
        trained_setup(personalize, events, "b")
        listed = personalize.list_solution_versions(solutionArn=solution)["solutionVersions"]
        assert [v["solutionVersionArn"] for v in listed] == [first, second]
        assert len(personalize.list_solution_versions()["solutionVersions"]) == 3

    def test_unknown_solution(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """An unknown solutionArn is ResourceNotFound (the one List that declares it)."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.list_solution_versions(solutionArn=SOLUTION)

    def test_tags(self, personalize: Any, events: Any, personalize_fake: Any) -> None:
        """Tags given at creation are listed."""
        setup(personalize, events, personalize_fake)
        arn = train(personalize, tags=[{"tagKey": "k", "tagValue": "v"}])
        tags = personalize.list_tags_for_resource(resourceArn=arn)["tags"]
        assert tags == [{"tagKey": "k", "tagValue": "v"}]
