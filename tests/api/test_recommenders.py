"""Recommenders through boto3: Domain groups and their use cases, limits, the training-data
check, stop/start and update chains, deletion and what it blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from support import client

from personalize_fake import PersonalizeFake, mock_personalize
from personalize_fake.server import serving

RECIPE = "arn:aws:personalize:::recipe/"
FOR_YOU = f"{RECIPE}aws-ecomm-recommended-for-you"
BY_VIEWS = f"{RECIPE}aws-ecomm-popular-items-by-views"
TOP_PICKS = f"{RECIPE}aws-vod-top-picks"
NO_DATA = pytest.mark.personalize_fake(recommender_min_interactions=0)
INSTANT = pytest.mark.personalize_fake(lifecycle="instant", recommender_min_interactions=0)
MANUAL = pytest.mark.personalize_fake(lifecycle="manual", recommender_min_interactions=0)

INTERACTIONS = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
            {"name": "EVENT_TYPE", "type": "string"},
        ],
        "version": "1.0",
    }
)


def domain_group(
    personalize: Any, fake: PersonalizeFake, name: str = "shop", domain: str = "ECOMMERCE"
) -> str:
    """An ACTIVE Domain dataset group, with no dataset."""
    group: str = personalize.create_dataset_group(name=name, domain=domain)["datasetGroupArn"]
    fake.settle(group)
    return group


def with_interactions(personalize: Any, fake: PersonalizeFake, group: str) -> tuple[str, str]:
    """An ACTIVE Interactions dataset (with EVENT_TYPE) and an event tracker in ``group``:
    the dataset's ARN and the tracking ID."""
    domain = personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["domain"]
    schema = personalize.create_schema(name="interactions", schema=INTERACTIONS, domain=domain)
    dataset: str = personalize.create_dataset(
        name="interactions",
        schemaArn=schema["schemaArn"],
        datasetGroupArn=group,
        datasetType="Interactions",
    )["datasetArn"]
    tracker = personalize.create_event_tracker(name="web", datasetGroupArn=group)
    fake.settle()
    return dataset, tracker["trackingId"]


def put(events: Any, tracking_id: str, event_type: str, count: int) -> None:
    """``count`` events of a type, by two users."""
    for start in range(0, count, 10):
        events.put_events(
            trackingId=tracking_id,
            userId=f"u{start % 2}",
            sessionId="s",
            eventList=[
                {"eventType": event_type, "itemId": f"i{n}", "sentAt": 1_700_000_000 + n}
                for n in range(start, min(start + 10, count))
            ],
        )


def create(personalize: Any, group: str, name: str = "for-you", recipe: str = FOR_YOU,
           **extra: Any) -> str:  # fmt: skip
    arn: str = personalize.create_recommender(
        name=name, datasetGroupArn=group, recipeArn=recipe, **extra
    )["recommenderArn"]
    return arn


def statuses(personalize: Any, arn: str, key: str = "status") -> list[str]:
    """What a polling loop sees until the chain it polls has ended (at most 6 polls)."""
    seen = []
    for _ in range(6):
        recommender = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        value = recommender[key]["status"] if key != "status" else recommender["status"]
        seen.append(value)
        if value in ("ACTIVE", "INACTIVE", "CREATE FAILED"):
            break
    return seen


class TestCreate:
    @NO_DATA
    def test_polled_to_active(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """The ARN is recommender/<name>; polling sees the create chain; Describe shows the
        group, the use case and the default configuration."""
        group = domain_group(personalize, personalize_fake)
        arn = create(personalize, group)
        assert arn == "arn:aws:personalize:us-east-1:123456789012:recommender/for-you"
        assert statuses(personalize, arn) == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
        recommender = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert recommender["datasetGroupArn"] == group
        assert recommender["recipeArn"] == FOR_YOU
        assert recommender["recommenderConfig"] == {"minRecommendationRequestsPerSecond": 1}
        assert "latestRecommenderUpdate" not in recommender
        assert "failureReason" not in recommender

    @INSTANT
    def test_config_is_kept(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """The recommenderConfig given is shown as given (the rate defaulting to 1)."""
        group = domain_group(personalize, personalize_fake)
        config = {
            "itemExplorationConfig": {"explorationWeight": "0.5"},
            "trainingDataConfig": {"excludedDatasetColumns": {"Interactions": ["EVENT_TYPE"]}},
            "enableMetadataWithRecommendations": True,
        }
        arn = create(personalize, group, recommenderConfig=config)
        shown = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert shown["recommenderConfig"] == {**config, "minRecommendationRequestsPerSecond": 1}

    @INSTANT
    def test_custom_group_is_refused(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A Custom dataset group is InvalidInput with the text AWS answers."""
        group = personalize.create_dataset_group(name="custom")["datasetGroupArn"]
        with pytest.raises(personalize.exceptions.InvalidInputException) as caught:
            create(personalize, group)
        assert "Please use a domains-specific Dataset Group to create the Recommender" in str(
            caught.value
        )
        assert personalize.list_recommenders()["recommenders"] == []

    @INSTANT
    @pytest.mark.parametrize(
        ("recipe", "says"),
        [(TOP_PICKS, "a VIDEO_ON_DEMAND use case"), (f"{RECIPE}aws-sims", "a custom recipe")],
    )
    def test_recipe_of_another_domain_is_refused(
        self, personalize: Any, personalize_fake: PersonalizeFake, recipe: str, says: str
    ) -> None:
        """Only a use case of the group's own domain: another domain's, or a custom recipe,
        is InvalidInput saying which it is."""
        group = domain_group(personalize, personalize_fake)
        with pytest.raises(personalize.exceptions.InvalidInputException, match=says):
            create(personalize, group, recipe=recipe)

    @INSTANT
    def test_unknown_group_or_recipe(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An unknown dataset group or recipe is ResourceNotFound naming it."""
        missing = "arn:aws:personalize:us-east-1:123456789012:dataset-group/none"
        with pytest.raises(personalize.exceptions.ResourceNotFoundException, match=missing):
            create(personalize, missing)
        group = domain_group(personalize, personalize_fake)
        with pytest.raises(personalize.exceptions.ResourceNotFoundException, match="aws-nope"):
            create(personalize, group, recipe=f"{RECIPE}aws-nope")

    @MANUAL
    def test_group_must_be_active(self, personalize: Any) -> None:
        """A group still being created is ResourceInUse naming its status."""
        group = personalize.create_dataset_group(name="shop", domain="ECOMMERCE")
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="CREATE PENDING"):
            create(personalize, group["datasetGroupArn"])

    @INSTANT
    def test_name_taken(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """Recommender names are unique in a region: ResourceAlreadyExists naming the ARN."""
        group = domain_group(personalize, personalize_fake)
        arn = create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException, match=arn):
            create(personalize, group, recipe=BY_VIEWS)

    @INSTANT
    def test_tags(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """Tags given at creation are listed; a recommender can be tagged and untagged."""
        group = domain_group(personalize, personalize_fake)
        arn = create(personalize, group, tags=[{"tagKey": "team", "tagValue": "ml"}])
        personalize.tag_resource(resourceArn=arn, tags=[{"tagKey": "env", "tagValue": "dev"}])
        tags = personalize.list_tags_for_resource(resourceArn=arn)["tags"]
        assert {t["tagKey"]: t["tagValue"] for t in tags} == {"team": "ml", "env": "dev"}

    @NO_DATA
    def test_fail_next(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """fail_next("recommender") ends the next creation CREATE FAILED with the reason."""
        group = domain_group(personalize, personalize_fake)
        personalize_fake.fail_next("recommender", "No capacity.")
        arn = create(personalize, group)
        assert statuses(personalize, arn)[-1] == "CREATE FAILED"
        found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert found["failureReason"] == "No capacity."


class TestLimits:
    @pytest.mark.personalize_fake(
        lifecycle="instant", recommender_min_interactions=0, recommenders_per_dataset_group=2
    )
    def test_per_dataset_group(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """More recommenders than a group may hold is LimitExceeded; another group is free,
        and a failed one does not count."""
        group = domain_group(personalize, personalize_fake)
        personalize_fake.fail_next("recommender")
        create(personalize, group, "failed")
        create(personalize, group, "a")
        create(personalize, group, "b", recipe=BY_VIEWS)
        limit = personalize.exceptions.LimitExceededException
        with pytest.raises(limit, match="More than 2 resources in ACTIVE"):
            create(personalize, group, "c")
        other = domain_group(personalize, personalize_fake, "other")
        create(personalize, other, "c")

    @pytest.mark.personalize_fake(
        lifecycle="instant", recommender_min_interactions=0, recommenders_per_region=3
    )
    def test_per_region(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """More recommenders than a region may hold is LimitExceeded; a deletion frees one."""
        groups = [domain_group(personalize, personalize_fake, f"g{n}") for n in range(2)]
        arns = [create(personalize, groups[n % 2], f"r{n}") for n in range(3)]
        with pytest.raises(personalize.exceptions.LimitExceededException, match="More than 3"):
            create(personalize, groups[1], "r3")
        personalize.delete_recommender(recommenderArn=arns[0])
        create(personalize, groups[1], "r3")

    def test_defaults(self, personalize_fake: PersonalizeFake) -> None:
        """By default a group holds 5 recommenders and a region 15, as the docs say."""
        assert personalize_fake.settings.recommenders_per_dataset_group == 5
        assert personalize_fake.settings.recommenders_per_region == 15


class TestTrainingData:
    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_no_data_fails_with_aws_reason(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """By default a use case needs 1,000 interactions of its event type: with none, the
        recommender ends CREATE FAILED with the developer guide's reason."""
        group = domain_group(personalize, personalize_fake)
        with_interactions(personalize, personalize_fake, group)
        arn = create(personalize, group, recipe=BY_VIEWS)
        found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert found["status"] == "CREATE FAILED"
        assert found["failureReason"] == (
            "Dataset has fewer than 1000 interactions after filtering by event type: View"
        )

    @pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)
    def test_one_switch_turns_every_data_minimum_off(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """``minimum_training_data=False``, the switch for solution versions, lets a recommender
        be made without data too: a test with tiny data sets one option, not two."""
        group = domain_group(personalize, personalize_fake)
        with_interactions(personalize, personalize_fake, group)
        arn = create(personalize, group, recipe=BY_VIEWS)
        assert personalize.describe_recommender(recommenderArn=arn)["recommender"]["status"] == (
            "ACTIVE"
        )

    @pytest.mark.personalize_fake(recommender_min_interactions=3)
    def test_counted_by_event_type(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Most viewed counts View events only; Recommended for you counts every event."""
        group = domain_group(personalize, personalize_fake)
        _, tracking_id = with_interactions(personalize, personalize_fake, group)
        put(events, tracking_id, "Purchase", 5)
        views = create(personalize, group, "views", recipe=BY_VIEWS)
        anything = create(personalize, group, "anything")
        assert statuses(personalize, views)[-1] == "CREATE FAILED"
        assert statuses(personalize, anything)[-1] == "ACTIVE"
        put(events, tracking_id, "View", 3)
        personalize.delete_recommender(recommenderArn=views)
        personalize_fake.settle(views)
        views = create(personalize, group, "views", recipe=BY_VIEWS)
        assert statuses(personalize, views)[-1] == "ACTIVE"

    @pytest.mark.personalize_fake(lifecycle="instant", recommender_min_interactions=1)
    def test_without_interactions_dataset(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A group with no Interactions dataset has no interactions: the creation fails."""
        group = domain_group(personalize, personalize_fake)
        arn = create(personalize, group)
        found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert found["failureReason"] == "Dataset has fewer than 1 interactions."


class TestStopStart:
    @NO_DATA
    def test_stepwise(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """Stop polls STOP PENDING > STOP IN_PROGRESS > INACTIVE; start polls START PENDING >
        START IN_PROGRESS > ACTIVE; each answers the recommender's ARN."""
        arn = create(personalize, domain_group(personalize, personalize_fake))
        personalize_fake.settle(arn)
        assert personalize.stop_recommender(recommenderArn=arn)["recommenderArn"] == arn
        assert statuses(personalize, arn) == ["STOP PENDING", "STOP IN_PROGRESS", "INACTIVE"]
        assert personalize.start_recommender(recommenderArn=arn)["recommenderArn"] == arn
        assert statuses(personalize, arn) == ["START PENDING", "START IN_PROGRESS", "ACTIVE"]

    @MANUAL
    def test_manual(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """In manual mode a stop waits for the handle, one step at a time."""
        arn = create(personalize, domain_group(personalize, personalize_fake))
        personalize_fake.settle(arn)
        personalize.stop_recommender(recommenderArn=arn)
        assert statuses(personalize, arn)[:2] == ["STOP PENDING", "STOP PENDING"]
        assert personalize_fake.advance(arn) == "STOP IN_PROGRESS"
        assert personalize_fake.advance(arn) == "INACTIVE"

    @INSTANT
    def test_wrong_status_is_refused(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Start only from INACTIVE, stop only from ACTIVE: ResourceInUse naming the status."""
        arn = create(personalize, domain_group(personalize, personalize_fake))
        with pytest.raises(personalize.exceptions.ResourceInUseException) as caught:
            personalize.start_recommender(recommenderArn=arn)
        assert caught.value.response["Error"]["Message"] == (
            f"The recommender {arn} must be INACTIVE to be started (current status: ACTIVE)."
        )
        personalize.stop_recommender(recommenderArn=arn)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="INACTIVE"):
            personalize.stop_recommender(recommenderArn=arn)

    @INSTANT
    def test_unknown(self, personalize: Any) -> None:
        """Start, stop, update and delete of an unknown recommender are ResourceNotFound."""
        arn = "arn:aws:personalize:us-east-1:123456789012:recommender/none"
        for call in (personalize.start_recommender, personalize.stop_recommender,
                     personalize.delete_recommender, personalize.describe_recommender):  # fmt: skip
            with pytest.raises(personalize.exceptions.ResourceNotFoundException, match=arn):
                call(recommenderArn=arn)
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.update_recommender(recommenderArn=arn, recommenderConfig={})


class TestUpdate:
    @pytest.mark.parametrize("verb", ["UPDATE", "CREATE"])
    def test_stepwise(self, verb: str) -> None:
        """The update moves latestRecommenderUpdate through its chain, spelled as
        update_summary_verb says, while the recommender stays ACTIVE on its old
        configuration; the new one applies at ACTIVE."""
        with mock_personalize(recommender_min_interactions=0, update_summary_verb=verb) as fake:
            personalize = boto3.client("personalize", region_name="us-east-1")
            arn = create(personalize, domain_group(personalize, fake))
            fake.settle(arn)
            new = {"minRecommendationRequestsPerSecond": 5}
            out = personalize.update_recommender(recommenderArn=arn, recommenderConfig=new)
            assert out["recommenderArn"] == arn
            seen = []
            for _ in range(3):
                found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
                seen.append(
                    (
                        found["status"],
                        found["latestRecommenderUpdate"]["status"],
                        found["recommenderConfig"]["minRecommendationRequestsPerSecond"],
                    )
                )
        assert seen == [
            ("ACTIVE", f"{verb} PENDING", 1),
            ("ACTIVE", f"{verb} IN_PROGRESS", 1),
            ("ACTIVE", "ACTIVE", 5),
        ]
        update = found["latestRecommenderUpdate"]
        assert update["recommenderConfig"] == new
        assert update["creationDateTime"] <= update["lastUpdatedDateTime"]

    @MANUAL
    def test_refused_while_updating_or_stopped(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A second update while one runs, or an update of an INACTIVE recommender, is
        ResourceInUse; nothing changes."""
        arn = create(personalize, domain_group(personalize, personalize_fake))
        personalize_fake.settle(arn)
        personalize.update_recommender(recommenderArn=arn, recommenderConfig={})
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="UPDATE PENDING"):
            personalize.update_recommender(
                recommenderArn=arn, recommenderConfig={"minRecommendationRequestsPerSecond": 9}
            )
        personalize_fake.settle(arn)
        personalize.stop_recommender(recommenderArn=arn)
        personalize_fake.settle(arn)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="INACTIVE"):
            personalize.update_recommender(recommenderArn=arn, recommenderConfig={})
        found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert found["latestRecommenderUpdate"]["recommenderConfig"] == DEFAULT

    @MANUAL
    def test_failed_update_keeps_the_old_config(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A failed update shows CREATE FAILED and its reason in latestRecommenderUpdate; the
        recommender stays ACTIVE on its configuration and can be updated again."""
        arn = create(personalize, domain_group(personalize, personalize_fake))
        personalize_fake.settle(arn)
        config = {"minRecommendationRequestsPerSecond": 7}
        personalize.update_recommender(recommenderArn=arn, recommenderConfig=config)
        personalize_fake.fail(arn, "Bad columns.")
        found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert found["status"] == "ACTIVE"
        assert found["recommenderConfig"] == DEFAULT
        assert found["latestRecommenderUpdate"]["status"] == "CREATE FAILED"
        assert found["latestRecommenderUpdate"]["failureReason"] == "Bad columns."
        assert "failureReason" not in found
        personalize.update_recommender(recommenderArn=arn, recommenderConfig=config)
        personalize_fake.settle(arn)
        found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
        assert found["recommenderConfig"] == config
        assert "failureReason" not in found["latestRecommenderUpdate"]


DEFAULT = {"minRecommendationRequestsPerSecond": 1}


class TestDelete:
    @NO_DATA
    def test_polled_until_gone(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """Delete polls DELETE PENDING > DELETE IN_PROGRESS, then ResourceNotFound."""
        arn = create(personalize, domain_group(personalize, personalize_fake))
        personalize_fake.settle(arn)
        personalize.delete_recommender(recommenderArn=arn)
        seen = []
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            for _ in range(4):
                found = personalize.describe_recommender(recommenderArn=arn)["recommender"]
                seen.append(found["status"])
        assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
        assert personalize.list_recommenders()["recommenders"] == []

    @MANUAL
    def test_from_inactive_and_failed_not_while_moving(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Deletable when ACTIVE, INACTIVE or CREATE FAILED; not while created or stopped."""
        group = domain_group(personalize, personalize_fake)
        arn = create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="INACTIVE"):
            personalize.delete_recommender(recommenderArn=arn)
        personalize_fake.settle(arn)
        personalize.stop_recommender(recommenderArn=arn)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="STOP PENDING"):
            personalize.delete_recommender(recommenderArn=arn)
        personalize_fake.settle(arn)
        personalize.delete_recommender(recommenderArn=arn)
        personalize_fake.settle(arn)
        failed = create(personalize, group, "failed")
        personalize_fake.fail(failed)
        personalize.delete_recommender(recommenderArn=failed)
        assert personalize_fake.settle() is None
        assert personalize.list_recommenders()["recommenders"] == []

    @INSTANT
    def test_blocks_its_dataset_group(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A dataset group with a recommender cannot be deleted: ResourceInUse names it."""
        group = domain_group(personalize, personalize_fake)
        arn = create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match=arn):
            personalize.delete_dataset_group(datasetGroupArn=group)
        personalize.delete_recommender(recommenderArn=arn)
        personalize.delete_dataset_group(datasetGroupArn=group)

    @MANUAL
    def test_blocks_a_dataset_while_it_trains(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A dataset cannot be deleted while a recommender on it is being created."""
        group = domain_group(personalize, personalize_fake)
        dataset, _ = with_interactions(personalize, personalize_fake, group)
        arn = create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match=arn):
            personalize.delete_dataset(datasetArn=dataset)
        personalize_fake.settle(arn)
        personalize.delete_dataset(datasetArn=dataset)


class TestList:
    @INSTANT
    def test_by_group_and_paged(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """ListRecommenders lists all or one group's, oldest first, in pages; a summary
        carries the group, the use case and the configuration."""
        shop = domain_group(personalize, personalize_fake)
        vod = domain_group(personalize, personalize_fake, "vod", "VIDEO_ON_DEMAND")
        create(personalize, shop, "a")
        create(personalize, vod, "b", recipe=TOP_PICKS)
        create(personalize, shop, "c", recipe=BY_VIEWS)
        listed = personalize.list_recommenders(datasetGroupArn=shop)["recommenders"]
        assert [r["name"] for r in listed] == ["a", "c"]
        assert listed[1]["recipeArn"] == BY_VIEWS
        assert listed[1]["recommenderConfig"] == DEFAULT
        assert listed[1]["status"] == "ACTIVE"
        page = personalize.list_recommenders(maxResults=2)
        rest = personalize.list_recommenders(maxResults=2, nextToken=page["nextToken"])
        assert [r["name"] for r in page["recommenders"] + rest["recommenders"]] == ["a", "b", "c"]

    @INSTANT
    def test_only_by_the_group_it_names(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """datasetGroupArn naming a dataset the recommenders trained on lists none."""
        shop = domain_group(personalize, personalize_fake)
        dataset, _ = with_interactions(personalize, personalize_fake, shop)
        create(personalize, shop, "a")
        assert personalize.list_recommenders(datasetGroupArn=dataset)["recommenders"] == []


class TestRestart:
    def test_state_file_keeps_recommenders_mid_chain(self, tmp_path: Path) -> None:
        """A server restarted while a recommender stops and another updates brings both back
        as they were (config, pending update, tags, references) and finishes their chains."""
        path = tmp_path / "state.db"
        options = {"lifecycle": "manual", "recommender_min_interactions": 0, "state_file": path}
        with serving(**options) as (url, fake):
            personalize = client("personalize", url)
            group = domain_group(personalize, fake)
            stopping = create(personalize, group, tags=[{"tagKey": "k", "tagValue": "v"}])
            updating = create(personalize, group, "views", recipe=BY_VIEWS)
            fake.settle()
            personalize.stop_recommender(recommenderArn=stopping)
            config = {"minRecommendationRequestsPerSecond": 4}
            personalize.update_recommender(recommenderArn=updating, recommenderConfig=config)
            before = {
                arn: personalize.describe_recommender(recommenderArn=arn)["recommender"]
                for arn in (stopping, updating)
            }
        with serving(**options) as (url, fake):
            personalize = client("personalize", url)
            for arn, was in before.items():
                assert personalize.describe_recommender(recommenderArn=arn)["recommender"] == was
            tags = personalize.list_tags_for_resource(resourceArn=stopping)["tags"]
            assert tags == [{"tagKey": "k", "tagValue": "v"}]
            fake.settle()
            assert fake.status(stopping) == "INACTIVE"
            found = personalize.describe_recommender(recommenderArn=updating)["recommender"]
            assert found["recommenderConfig"] == config
            with pytest.raises(personalize.exceptions.ResourceInUseException, match="views"):
                personalize.delete_dataset_group(datasetGroupArn=group)
