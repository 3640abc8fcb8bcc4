"""Solutions through boto3: recipes, AutoML, training data, limits, updates and deletes."""

from __future__ import annotations

from typing import Any

import pytest
from support import (
    INTERACTIONS_SCHEMA,
    USER_PERSONALIZATION,
    make_dataset,
    record_interactions,
    trained_setup,
)

from personalize_fake import PersonalizeFake

pytestmark = pytest.mark.personalize_fake(lifecycle="instant")

RECIPE = "arn:aws:personalize:::recipe/"
GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"
SOLUTION = "arn:aws:personalize:us-east-1:123456789012:solution/picks"


def interactions_group(
    personalize: Any, name: str = "shop", fake: PersonalizeFake | None = None
) -> tuple[str, str]:
    """A group with an Interactions dataset and an event tracker, each settled through
    ``fake`` when given (stepwise and manual modes); returns (group, tracking ID)."""

    def settle() -> None:
        if fake is not None:
            fake.settle()

    group = personalize.create_dataset_group(name=name)["datasetGroupArn"]
    settle()
    schema = personalize.create_schema(name=f"{name}-s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    personalize.create_dataset(
        name=f"{name}-d", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )
    tracking_id = personalize.create_event_tracker(name=name, datasetGroupArn=group)["trackingId"]
    settle()
    return group, tracking_id


@pytest.fixture
def group(personalize: Any, events: Any) -> str:
    """An ACTIVE group with a few recorded interactions (enough to create a solution)."""
    arn, tracking_id = interactions_group(personalize)
    record_interactions(events, tracking_id, users=2, per_user=2)
    return arn


def create(personalize: Any, group: str, **extra: Any) -> str:
    arguments = {"name": "picks", "datasetGroupArn": group, "recipeArn": USER_PERSONALIZATION}
    arn: str = personalize.create_solution(**{**arguments, **extra})["solutionArn"]
    return arn


def error(exc: Any) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


class TestCreate:
    def test_describe_shows_what_was_asked_and_the_defaults(
        self, personalize: Any, group: str
    ) -> None:
        """A new solution: its recipe and group, auto-training on, HPO and AutoML off."""
        arn = create(personalize, group, eventType="click")
        assert arn == SOLUTION
        solution = personalize.describe_solution(solutionArn=arn)["solution"]
        assert solution["recipeArn"] == USER_PERSONALIZATION
        assert solution["datasetGroupArn"] == group
        assert solution["eventType"] == "click"
        assert solution["status"] == "ACTIVE"
        assert (solution["performAutoTraining"], solution["performHPO"]) == (True, False)
        assert solution["performAutoML"] is False
        assert "latestSolutionVersion" not in solution
        assert "latestSolutionUpdate" not in solution

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_stepwise_statuses(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Polling sees CREATE PENDING, CREATE IN_PROGRESS, ACTIVE."""
        arn, tracking_id = interactions_group(personalize, fake=personalize_fake)
        record_interactions(events, tracking_id, users=1, per_user=1)
        solution = create(personalize, arn)
        seen = [personalize.describe_solution(solutionArn=solution)["solution"]["status"]]
        seen += [personalize.describe_solution(solutionArn=solution)["solution"]["status"]]
        seen += [personalize.describe_solution(solutionArn=solution)["solution"]["status"]]
        assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]

    def test_recipe_or_auto_ml(self, personalize: Any, group: str) -> None:
        """recipeArn is required without performAutoML and refused with it."""
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            personalize.create_solution(name="picks", datasetGroupArn=group)
        assert "recipeArn is required" in error(exc)[1]
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, group, performAutoML=True)
        assert "omit recipeArn" in error(exc)[1]
        assert personalize.list_solutions()["solutions"] == []

    def test_unknown_recipe(self, personalize: Any, group: str) -> None:
        """A recipe the catalogue lacks is ResourceNotFound naming it."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException) as exc:
            create(personalize, group, recipeArn=RECIPE + "aws-nonesuch")
        assert RECIPE + "aws-nonesuch" in error(exc)[1]

    def test_domain_recipe_refused(self, personalize: Any, group: str) -> None:
        """A domain use case is for CreateRecommender, not CreateSolution."""
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, group, recipeArn=RECIPE + "aws-ecomm-recommended-for-you")
        assert "CreateRecommender" in error(exc)[1]

    def test_auto_ml(self, personalize: Any, events: Any) -> None:
        """AutoML: HPO reads true, and the recipe it settles on shows once a version trained."""
        trained_setup(personalize, events, "other")  # a trained group: 1,000 interactions
        other = "arn:aws:personalize:us-east-1:123456789012:dataset-group/other"
        listed = [RECIPE + "aws-user-personalization-v2", USER_PERSONALIZATION]
        arn = personalize.create_solution(
            name="auto",
            datasetGroupArn=other,
            performAutoML=True,
            solutionConfig={
                "autoMLConfig": {"metricName": "precision_at_25", "recipeList": listed}
            },
        )["solutionArn"]
        solution = personalize.describe_solution(solutionArn=arn)["solution"]
        assert solution["performHPO"] is True
        assert "recipeArn" not in solution and "autoMLResult" not in solution
        version = personalize.create_solution_version(solutionArn=arn)["solutionVersionArn"]
        described = personalize.describe_solution_version(solutionVersionArn=version)
        assert described["solutionVersion"]["recipeArn"] == listed[0]
        solution = personalize.describe_solution(solutionArn=arn)["solution"]
        assert solution["autoMLResult"] == {"bestRecipeArn": listed[0]}

    def test_auto_ml_searches_user_personalization_recipes_only(
        self, personalize: Any, group: str
    ) -> None:
        """A recipe of another type in AutoML's recipeList is InvalidInput."""
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            personalize.create_solution(
                name="auto",
                datasetGroupArn=group,
                performAutoML=True,
                solutionConfig={"autoMLConfig": {"recipeList": [RECIPE + "aws-sims"]}},
            )
        assert "RELATED_ITEMS" in error(exc)[1]

    def test_incremental_update_only_for_semantic_similarity(
        self, personalize: Any, group: str
    ) -> None:
        """performIncrementalUpdate is refused for other recipes, taken for Semantic-Similarity."""
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, group, performIncrementalUpdate=True)
        assert "aws-semantic-similarity" in error(exc)[1]
        arn = create(
            personalize,
            group,
            recipeArn=RECIPE + "aws-semantic-similarity",
            performIncrementalUpdate=True,
        )
        described = personalize.describe_solution(solutionArn=arn)["solution"]
        assert described["performIncrementalUpdate"] is True

    @pytest.mark.parametrize("expression", ["rate(0 days)", "rate(31 days)"])
    def test_auto_training_schedule_bounds(
        self, personalize: Any, group: str, expression: str
    ) -> None:
        """An auto-training rate outside 1 to 30 days is InvalidInput."""
        config = {"autoTrainingConfig": {"schedulingExpression": expression}}
        with pytest.raises(personalize.exceptions.InvalidInputException):
            create(personalize, group, solutionConfig=config)

    def test_event_value_threshold_is_a_number(self, personalize: Any, group: str) -> None:
        """An eventValueThreshold that is not a number is InvalidInput."""
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, group, solutionConfig={"eventValueThreshold": "high"})
        assert "'high' is not a number" in error(exc)[1]

    def test_solution_config_is_kept(self, personalize: Any, group: str) -> None:
        """solutionConfig reads back as given."""
        config = {
            "eventValueThreshold": "0.5",
            "algorithmHyperParameters": {"hidden_dimension": "64"},
            "autoTrainingConfig": {"schedulingExpression": "rate(3 days)"},
        }
        arn = create(personalize, group, solutionConfig=config)
        assert (
            personalize.describe_solution(solutionArn=arn)["solution"]["solutionConfig"] == config
        )

    def test_duplicate_name(self, personalize: Any, group: str) -> None:
        """A name taken in the region is ResourceAlreadyExists."""
        create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException):
            create(personalize, group)

    def test_missing_group(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """An unknown dataset group is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            create(personalize, GROUP)

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_group_must_be_active(self, personalize: Any) -> None:
        """A group still being created is ResourceInUse."""
        personalize.create_dataset_group(name="shop")
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            create(personalize, GROUP)
        assert "CREATE PENDING" in error(exc)[1]

    def test_needs_an_interactions_dataset(self, personalize: Any) -> None:
        """A group without an Interactions dataset cannot train a solution."""
        personalize.create_dataset_group(name="shop")
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, GROUP)
        assert "must contain an INTERACTIONS dataset" in error(exc)[1]

    def test_needs_interactions_recorded_or_imported(self, personalize: Any) -> None:
        """An empty Interactions dataset is AWS's InvalidInput."""
        interactions_group(personalize)
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, GROUP)
        assert error(exc)[1] == (
            "Dataset group must contain an INTERACTIONS dataset with successfully completed "
            "dataset import job or EVENT_INTERACTIONS"
        )

    @pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)
    def test_empty_dataset_taken_with_the_minimum_off(self, personalize: Any) -> None:
        """minimum_training_data=False lets a solution be created before any data."""
        interactions_group(personalize)
        assert create(personalize, GROUP) == SOLUTION

    @pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)
    def test_next_best_action_needs_action_datasets(self, personalize: Any) -> None:
        """aws-next-best-action needs Actions and Action_Interactions datasets in the group."""
        interactions_group(personalize)
        nba = RECIPE + "aws-next-best-action"
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            create(personalize, GROUP, recipeArn=nba)
        assert "ACTIONS dataset" in error(exc)[1]
        make_dataset(personalize, GROUP, "Actions", ["ACTION_ID", "VALUE"])
        fields = ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"]
        make_dataset(personalize, GROUP, "Action_Interactions", fields)
        assert create(personalize, GROUP, recipeArn=nba) == SOLUTION

    @pytest.mark.personalize_fake(lifecycle="instant", solutions_per_dataset_group=2)
    def test_limit_per_group(self, personalize: Any, group: str) -> None:
        """More solutions than the setting allows is LimitExceeded; failed ones do not count."""
        create(personalize, group, name="one")
        create(personalize, group, name="two")
        with pytest.raises(personalize.exceptions.LimitExceededException) as exc:
            create(personalize, group, name="three")
        assert error(exc)[1] == (
            "Cannot create a solution. More than 2 resources in ACTIVE state. "
            "Please delete some and try again."
        )
        personalize.delete_solution(solutionArn=SOLUTION.replace("picks", "two"))
        create(personalize, group, name="three")

    def test_tags(self, personalize: Any, group: str) -> None:
        """Tags given at creation are listed."""
        arn = create(personalize, group, tags=[{"tagKey": "team", "tagValue": "recs"}])
        tags = personalize.list_tags_for_resource(resourceArn=arn)["tags"]
        assert tags == [{"tagKey": "team", "tagValue": "recs"}]


class TestList:
    def test_by_group(self, personalize: Any, events: Any, group: str) -> None:
        """ListSolutions narrows to a dataset group; an unknown group lists nothing."""
        create(personalize, group, name="a")
        other, tracking_id = interactions_group(personalize, "other")
        record_interactions(events, tracking_id, users=1, per_user=1)
        create(personalize, other, name="b")
        listed = personalize.list_solutions(datasetGroupArn=group)["solutions"]
        assert [s["name"] for s in listed] == ["a"]
        assert listed[0]["recipeArn"] == USER_PERSONALIZATION
        assert len(personalize.list_solutions()["solutions"]) == 2
        assert personalize.list_solutions(datasetGroupArn=GROUP + "x")["solutions"] == []

    def test_describe_unknown(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """DescribeSolution of an unknown ARN is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_solution(solutionArn=SOLUTION)


class TestUpdate:
    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_update_moves_its_own_summary(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """latestSolutionUpdate goes UPDATE PENDING > IN_PROGRESS > ACTIVE; the solution stays
        ACTIVE and takes the new settings at the end."""
        arn, tracking_id = interactions_group(personalize, fake=personalize_fake)
        record_interactions(events, tracking_id, users=1, per_user=1)
        solution = create(personalize, arn)
        for _ in range(3):
            personalize.describe_solution(solutionArn=solution)
        config = {"autoTrainingConfig": {"schedulingExpression": "rate(3 days)"}}
        personalize.update_solution(
            solutionArn=solution, performAutoTraining=False, solutionUpdateConfig=config
        )
        seen = []
        for _ in range(3):
            described = personalize.describe_solution(solutionArn=solution)["solution"]
            update = described["latestSolutionUpdate"]
            seen.append((described["status"], update["status"], described["performAutoTraining"]))
        assert seen == [
            ("ACTIVE", "UPDATE PENDING", True),
            ("ACTIVE", "UPDATE IN_PROGRESS", True),
            ("ACTIVE", "ACTIVE", False),
        ]
        assert update["performAutoTraining"] is False
        assert update["solutionUpdateConfig"] == config
        assert described["solutionConfig"] == config
        assert update["lastUpdatedDateTime"] > update["creationDateTime"]

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_one_update_at_a_time(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An update while one is under way is ResourceInUse, and changes nothing."""
        arn, tracking_id = interactions_group(personalize, fake=personalize_fake)
        record_interactions(events, tracking_id, users=1, per_user=1)
        solution = create(personalize, arn)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.update_solution(solutionArn=solution, performAutoTraining=False)
        assert "CREATE PENDING" in error(exc)[1]
        personalize_fake.settle(solution)
        personalize.update_solution(solutionArn=solution, performAutoTraining=False)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.update_solution(solutionArn=solution, performAutoTraining=True)
        assert "UPDATE PENDING" in error(exc)[1]
        personalize_fake.settle(solution)
        described = personalize.describe_solution(solutionArn=solution)["solution"]
        assert described["performAutoTraining"] is False

    @pytest.mark.personalize_fake(lifecycle="manual", update_summary_verb="CREATE")
    def test_create_words_setting(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """update_summary_verb="CREATE" spells the update as the model's docstrings do."""
        arn, tracking_id = interactions_group(personalize, fake=personalize_fake)
        record_interactions(events, tracking_id, users=1, per_user=1)
        solution = create(personalize, arn)
        personalize_fake.settle(solution)
        personalize.update_solution(solutionArn=solution, performAutoTraining=False)
        described = personalize.describe_solution(solutionArn=solution)["solution"]
        assert described["latestSolutionUpdate"]["status"] == "CREATE PENDING"
        assert personalize_fake.advance(solution) == "ACTIVE"  # the solution's own status
        update = personalize.describe_solution(solutionArn=solution)["solution"]
        assert update["latestSolutionUpdate"]["status"] == "CREATE IN_PROGRESS"

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_failed_update_keeps_the_old_settings(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """fake.fail on an update ends it CREATE FAILED with the reason; nothing changes."""
        arn, tracking_id = interactions_group(personalize, fake=personalize_fake)
        record_interactions(events, tracking_id, users=1, per_user=1)
        solution = create(personalize, arn)
        personalize_fake.settle(solution)
        personalize.update_solution(solutionArn=solution, performAutoTraining=False)
        personalize_fake.fail(solution, "no")
        described = personalize.describe_solution(solutionArn=solution)["solution"]
        assert described["latestSolutionUpdate"]["status"] == "CREATE FAILED"
        assert described["latestSolutionUpdate"]["failureReason"] == "no"
        assert described["performAutoTraining"] is True

    def test_unknown_solution(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """UpdateSolution of an unknown ARN is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.update_solution(solutionArn=SOLUTION, performAutoTraining=False)


class TestDelete:
    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_delete_sequence(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """DELETE PENDING, DELETE IN_PROGRESS, then gone."""
        arn, tracking_id = interactions_group(personalize, fake=personalize_fake)
        record_interactions(events, tracking_id, users=1, per_user=1)
        solution = create(personalize, arn)
        personalize_fake.settle(solution)
        personalize.delete_solution(solutionArn=solution)
        seen = [personalize.describe_solution(solutionArn=solution)["solution"]["status"]]
        seen += [personalize.describe_solution(solutionArn=solution)["solution"]["status"]]
        assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_solution(solutionArn=solution)

    def test_blocks_its_dataset_group(self, personalize: Any, group: str) -> None:
        """A dataset group with a solution cannot be deleted; the message names the solution."""
        arn = create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.delete_dataset_group(datasetGroupArn=group)
        assert f"solution {arn} (ACTIVE)" in error(exc)[1]

    def test_deletes_its_versions(self, personalize: Any, events: Any) -> None:
        """Deleting a solution deletes its versions."""
        _, solution, version = trained_setup(personalize, events)
        personalize.delete_solution(solutionArn=solution)
        assert personalize.list_solution_versions()["solutionVersions"] == []
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_solution_version(solutionVersionArn=version)
