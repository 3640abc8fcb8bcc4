"""Campaigns through boto3: deploying versions, $LATEST and sync, updates, limits, deletes;
and solutions, versions and campaigns across a server restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import client, record_interactions, trained_setup

from personalize_fake import PersonalizeFake
from personalize_fake.server import serving

pytestmark = pytest.mark.personalize_fake(lifecycle="instant")

CAMPAIGN = "arn:aws:personalize:us-east-1:123456789012:campaign/live"


@pytest.fixture
def trained(personalize: Any, events: Any) -> tuple[str, str, str]:
    """An instant-mode group, solution and ACTIVE version (group, solution, version)."""
    return trained_setup(personalize, events)


def describe(personalize: Any, arn: str = CAMPAIGN) -> dict[str, Any]:
    found: dict[str, Any] = personalize.describe_campaign(campaignArn=arn)["campaign"]
    return found


def message(exc: Any) -> str:
    text: str = exc.value.response["Error"]["Message"]
    return text


def train(personalize: Any, solution: str) -> str:
    arn: str = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    return arn


class TestCreate:
    def test_deploys_a_version(self, personalize: Any, trained: tuple[str, str, str]) -> None:
        """A campaign deploys its version with minProvisionedTPS 1 unless told."""
        version = trained[2]
        arn = personalize.create_campaign(name="live", solutionVersionArn=version)["campaignArn"]
        assert arn == CAMPAIGN
        campaign = describe(personalize)
        assert campaign["solutionVersionArn"] == version
        assert (campaign["minProvisionedTPS"], campaign["status"]) == (1, "ACTIVE")
        assert "campaignConfig" not in campaign and "latestCampaignUpdate" not in campaign

    def test_config_and_tps_kept(self, personalize: Any, trained: tuple[str, str, str]) -> None:
        """campaignConfig and minProvisionedTPS read back as given."""
        config = {
            "itemExplorationConfig": {"explorationWeight": "0.9", "explorationItemAgeCutOff": "7"},
            "enableMetadataWithRecommendations": True,
        }
        personalize.create_campaign(
            name="live", solutionVersionArn=trained[2], minProvisionedTPS=5, campaignConfig=config
        )
        campaign = describe(personalize)
        assert (campaign["minProvisionedTPS"], campaign["campaignConfig"]) == (5, config)

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_stepwise_statuses(self, personalize: Any, events: Any) -> None:
        """Polling sees CREATE PENDING, CREATE IN_PROGRESS, ACTIVE."""
        with_instant_training = trained_setup_stepwise(personalize, events)
        personalize.create_campaign(name="live", solutionVersionArn=with_instant_training)
        seen = [describe(personalize)["status"] for _ in range(3)]
        assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_version_must_be_active(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A version still training is ResourceInUse naming its status."""
        version = trained_setup_stepwise(personalize, events, personalize_fake, settle=False)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.create_campaign(name="live", solutionVersionArn=version)
        assert "CREATE PENDING" in message(exc)

    def test_unknown_version(self, personalize: Any, trained: tuple[str, str, str]) -> None:
        """An unknown version is ResourceNotFound; a taken name ResourceAlreadyExists."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.create_campaign(name="live", solutionVersionArn=trained[1] + "/0000abcd")
        personalize.create_campaign(name="live", solutionVersionArn=trained[2])
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException):
            personalize.create_campaign(name="live", solutionVersionArn=trained[2])

    @pytest.mark.personalize_fake(lifecycle="instant", campaigns_per_dataset_group=2)
    def test_limit_per_group(self, personalize: Any, trained: tuple[str, str, str]) -> None:
        """More campaigns on a group's solutions than the setting allows: AWS's LimitExceeded."""
        for name in ("a", "b"):
            personalize.create_campaign(name=name, solutionVersionArn=trained[2])
        with pytest.raises(personalize.exceptions.LimitExceededException) as exc:
            personalize.create_campaign(name="c", solutionVersionArn=trained[2])
        assert message(exc) == (
            "Cannot create a campaign. More than 2 resources in ACTIVE state. "
            "Please delete some and try again."
        )

    def test_tags(self, personalize: Any, trained: tuple[str, str, str]) -> None:
        """Tags given at creation are listed."""
        tags = [{"tagKey": "k", "tagValue": "v"}]
        personalize.create_campaign(name="live", solutionVersionArn=trained[2], tags=tags)
        assert personalize.list_tags_for_resource(resourceArn=CAMPAIGN)["tags"] == tags


def trained_setup_stepwise(
    personalize: Any, events: Any, fake: PersonalizeFake | None = None, settle: bool = True
) -> str:
    """``trained_setup`` in a mode that moves only when told: everything settled through
    ``fake`` (or by polling when None) but the version unless ``settle``."""
    from support import INTERACTIONS_SCHEMA, USER_PERSONALIZATION

    def wait(describe_call: Any, key: str, **arn: str) -> None:
        if fake is not None:
            fake.settle(next(iter(arn.values())))
        for _ in range(5):
            if describe_call(**arn)[key]["status"] == "ACTIVE":
                return

    group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
    wait(personalize.describe_dataset_group, "datasetGroup", datasetGroupArn=group)
    schema = personalize.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    dataset = personalize.create_dataset(
        name="d", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    wait(personalize.describe_dataset, "dataset", datasetArn=dataset)
    tracker = personalize.create_event_tracker(name="t", datasetGroupArn=group)
    wait(
        personalize.describe_event_tracker,
        "eventTracker",
        eventTrackerArn=tracker["eventTrackerArn"],
    )
    record_interactions(events, tracker["trackingId"])
    solution = personalize.create_solution(
        name="shop", datasetGroupArn=group, recipeArn=USER_PERSONALIZATION
    )["solutionArn"]
    wait(personalize.describe_solution, "solution", solutionArn=solution)
    version = train(personalize, solution)
    if settle:
        wait(personalize.describe_solution_version, "solutionVersion", solutionVersionArn=version)
    return version


class TestLatest:
    def test_latest_deploys_the_newest_active_version(
        self, personalize: Any, trained: tuple[str, str, str]
    ) -> None:
        """<solution>/$LATEST deploys the newest ACTIVE version; its ARN reads that version."""
        _, solution, _ = trained
        newest = train(personalize, solution)
        personalize.create_campaign(name="live", solutionVersionArn=f"{solution}/$LATEST")
        assert describe(personalize)["solutionVersionArn"] == newest

    def test_sync_needs_latest(self, personalize: Any, trained: tuple[str, str, str]) -> None:
        """syncWithLatestSolutionVersion with a version ARN is InvalidInput."""
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            personalize.create_campaign(
                name="live",
                solutionVersionArn=trained[2],
                campaignConfig={"syncWithLatestSolutionVersion": True},
            )
        assert "SolutionArn/$LATEST" in message(exc)

    def test_synced_campaign_follows_new_versions(
        self, personalize: Any, trained: tuple[str, str, str]
    ) -> None:
        """A synced campaign deploys each new ACTIVE version; an unsynced one stays."""
        _, solution, first = trained
        personalize.create_campaign(
            name="live",
            solutionVersionArn=f"{solution}/$LATEST",
            campaignConfig={"syncWithLatestSolutionVersion": True},
        )
        personalize.create_campaign(name="pinned", solutionVersionArn=f"{solution}/$LATEST")
        newest = train(personalize, solution)
        assert describe(personalize)["solutionVersionArn"] == newest
        assert describe(personalize, CAMPAIGN.replace("live", "pinned"))["solutionVersionArn"] == (
            first
        )

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_an_older_version_finishing_late_is_not_deployed(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A synced campaign never moves back to an older version that trains later."""
        first = trained_setup_stepwise(personalize, events, personalize_fake)
        solution = first.rsplit("/", 1)[0]
        personalize.create_campaign(
            name="live",
            solutionVersionArn=f"{solution}/$LATEST",
            campaignConfig={"syncWithLatestSolutionVersion": True},
        )
        personalize_fake.settle(CAMPAIGN)
        older, newer = train(personalize, solution), train(personalize, solution)
        personalize_fake.settle(newer)
        personalize_fake.settle(older)
        assert describe(personalize)["solutionVersionArn"] == newer

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_latest_needs_an_active_version(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """$LATEST of a solution with no ACTIVE version is ResourceInUse."""
        version = trained_setup_stepwise(personalize, events, personalize_fake, settle=False)
        solution = version.rsplit("/", 1)[0]
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.create_campaign(name="live", solutionVersionArn=f"{solution}/$LATEST")
        assert "no ACTIVE solution version" in message(exc)


class TestUpdate:
    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_update_switches_when_active(self, personalize: Any, events: Any) -> None:
        """latestCampaignUpdate polls UPDATE PENDING > IN_PROGRESS > ACTIVE while the campaign
        stays ACTIVE on its old version; the new one is deployed at the end."""
        first = trained_setup_stepwise(personalize, events)
        solution = first.rsplit("/", 1)[0]
        personalize.create_campaign(name="live", solutionVersionArn=first)
        for _ in range(3):
            describe(personalize)
        second = train(personalize, solution)
        for _ in range(3):
            personalize.describe_solution_version(solutionVersionArn=second)
        config = {"enableMetadataWithRecommendations": True}
        personalize.update_campaign(
            campaignArn=CAMPAIGN,
            solutionVersionArn=second,
            minProvisionedTPS=4,
            campaignConfig=config,
        )
        seen = []
        for _ in range(3):
            campaign = describe(personalize)
            update = campaign["latestCampaignUpdate"]
            seen.append((campaign["status"], update["status"], campaign["solutionVersionArn"]))
        assert seen == [
            ("ACTIVE", "UPDATE PENDING", first),
            ("ACTIVE", "UPDATE IN_PROGRESS", first),
            ("ACTIVE", "ACTIVE", second),
        ]
        assert (update["solutionVersionArn"], update["minProvisionedTPS"]) == (second, 4)
        assert update["campaignConfig"] == config
        assert (campaign["minProvisionedTPS"], campaign["campaignConfig"]) == (4, config)

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_update_repairs_a_failed_campaign(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A CREATE FAILED campaign may be updated; it stays CREATE FAILED while the update
        runs and is ACTIVE, without its failureReason, once the update is."""
        version = trained_setup_stepwise(personalize, events)
        personalize_fake.fail_next("campaign", "Out of capacity.")
        personalize.create_campaign(name="live", solutionVersionArn=version)
        personalize_fake.settle(CAMPAIGN)
        assert describe(personalize)["status"] == "CREATE FAILED"
        personalize.update_campaign(campaignArn=CAMPAIGN, minProvisionedTPS=2)
        seen = [
            (c["status"], c["latestCampaignUpdate"]["status"], c.get("failureReason"))
            for c in (describe(personalize) for _ in range(3))
        ]
        assert seen == [
            ("CREATE FAILED", "UPDATE PENDING", "Out of capacity."),
            ("CREATE FAILED", "UPDATE IN_PROGRESS", "Out of capacity."),
            ("ACTIVE", "ACTIVE", None),
        ]
        campaign = describe(personalize)
        assert (campaign["status"], campaign["minProvisionedTPS"]) == ("ACTIVE", 2)
        assert "failureReason" not in campaign
        assert personalize.list_campaigns()["campaigns"][0]["status"] == "ACTIVE"

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_one_update_at_a_time(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """UpdateCampaign while creating or while an update runs is ResourceInUse."""
        version = trained_setup_stepwise(personalize, events, personalize_fake)
        personalize.create_campaign(name="live", solutionVersionArn=version)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.update_campaign(campaignArn=CAMPAIGN, minProvisionedTPS=2)
        assert "must be ACTIVE or CREATE FAILED" in message(exc)
        personalize_fake.settle(CAMPAIGN)
        personalize.update_campaign(campaignArn=CAMPAIGN, minProvisionedTPS=2)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.update_campaign(campaignArn=CAMPAIGN, minProvisionedTPS=3)
        assert "UPDATE PENDING" in message(exc)
        personalize_fake.settle(CAMPAIGN)
        assert describe(personalize)["minProvisionedTPS"] == 2

    def test_update_to_latest_with_sync(
        self, personalize: Any, trained: tuple[str, str, str]
    ) -> None:
        """An update to $LATEST with sync shows $LATEST in the update, the version on top."""
        _, solution, version = trained
        personalize.create_campaign(name="live", solutionVersionArn=version)
        newest = train(personalize, solution)
        personalize.update_campaign(
            campaignArn=CAMPAIGN,
            solutionVersionArn=f"{solution}/$LATEST",
            campaignConfig={"syncWithLatestSolutionVersion": True},
        )
        campaign = describe(personalize)
        assert campaign["latestCampaignUpdate"]["solutionVersionArn"] == f"{solution}/$LATEST"
        assert campaign["solutionVersionArn"] == newest
        third = train(personalize, solution)
        assert describe(personalize)["solutionVersionArn"] == third

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_update_to_latest_deploys_what_is_newest_when_it_ends(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An update to $LATEST deploys the newest ACTIVE version as the update ends, one
        trained while it ran included."""
        first = trained_setup_stepwise(personalize, events, personalize_fake)
        solution = first.rsplit("/", 1)[0]
        personalize.create_campaign(name="live", solutionVersionArn=first)
        personalize_fake.settle(CAMPAIGN)
        personalize.update_campaign(campaignArn=CAMPAIGN, solutionVersionArn=f"{solution}/$LATEST")
        newer = train(personalize, solution)
        personalize_fake.settle(newer)
        assert describe(personalize)["solutionVersionArn"] == first  # not synced: it waits
        personalize_fake.settle(CAMPAIGN)
        assert describe(personalize)["solutionVersionArn"] == newer

    def test_update_sync_needs_latest(
        self, personalize: Any, trained: tuple[str, str, str]
    ) -> None:
        """Turning sync on with a version ARN is InvalidInput, and nothing changes."""
        personalize.create_campaign(name="live", solutionVersionArn=trained[2])
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.update_campaign(
                campaignArn=CAMPAIGN, campaignConfig={"syncWithLatestSolutionVersion": True}
            )
        assert "latestCampaignUpdate" not in describe(personalize)

    def test_unknown_campaign(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """UpdateCampaign of an unknown ARN is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.update_campaign(campaignArn=CAMPAIGN, minProvisionedTPS=2)


class TestDelete:
    def test_blocks_its_solution_until_deleted(
        self, personalize: Any, trained: tuple[str, str, str]
    ) -> None:
        """A campaign keeps its solution from deletion, naming the campaign; not after."""
        _, solution, version = trained
        personalize.create_campaign(name="live", solutionVersionArn=version)
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.delete_solution(solutionArn=solution)
        assert message(exc) == (
            f"Cannot delete solution {solution}: it is in use by campaign {CAMPAIGN} (ACTIVE). "
            "Delete them first."
        )
        personalize.delete_campaign(campaignArn=CAMPAIGN)
        personalize.delete_solution(solutionArn=solution)
        assert personalize.list_solutions()["solutions"] == []

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_delete_sequence(self, personalize: Any, events: Any) -> None:
        """DELETE PENDING, DELETE IN_PROGRESS, then gone."""
        version = trained_setup_stepwise(personalize, events)
        personalize.create_campaign(name="live", solutionVersionArn=version)
        for _ in range(3):
            describe(personalize)
        personalize.delete_campaign(campaignArn=CAMPAIGN)
        assert [describe(personalize)["status"] for _ in range(2)] == [
            "DELETE PENDING",
            "DELETE IN_PROGRESS",
        ]
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            describe(personalize)

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_nothing_deploys_a_solution_being_deleted(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """While its solution's deletion is under way, its version (or $LATEST) cannot be
        deployed by a new campaign or an update: ResourceInUse, and the deletion ends."""
        from support import USER_PERSONALIZATION

        version = trained_setup_stepwise(personalize, events, personalize_fake)
        solution = version.rsplit("/", 1)[0]
        group = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"
        other = personalize.create_solution(
            name="other", datasetGroupArn=group, recipeArn=USER_PERSONALIZATION
        )["solutionArn"]
        personalize_fake.settle()
        second = train(personalize, other)
        personalize_fake.settle()
        personalize.create_campaign(name="live", solutionVersionArn=second)
        personalize_fake.settle()
        personalize.delete_solution(solutionArn=solution)
        for requested in (version, solution + "/$LATEST"):
            with pytest.raises(personalize.exceptions.ResourceInUseException):
                personalize.create_campaign(name="late", solutionVersionArn=requested)
            with pytest.raises(personalize.exceptions.ResourceInUseException):
                personalize.update_campaign(campaignArn=CAMPAIGN, solutionVersionArn=requested)
        personalize_fake.settle()
        assert [s["name"] for s in personalize.list_solutions()["solutions"]] == ["other"]
        assert [c["name"] for c in personalize.list_campaigns()["campaigns"]] == ["live"]
        assert describe(personalize)["solutionVersionArn"] == second


class TestList:
    def test_by_solution(self, personalize: Any, events: Any) -> None:
        """ListCampaigns narrows to a solution; failureReason shows for a failed campaign."""
        _, solution, version = trained_setup(personalize, events, "a")
        _, _, other = trained_setup(personalize, events, "b")
        personalize.create_campaign(name="one", solutionVersionArn=version)
        personalize.create_campaign(name="two", solutionVersionArn=other)
        listed = personalize.list_campaigns(solutionArn=solution)["campaigns"]
        assert [c["name"] for c in listed] == ["one"]
        assert len(personalize.list_campaigns()["campaigns"]) == 2
        assert personalize.list_campaigns(solutionArn=version)["campaigns"] == []

    def test_failed_campaign_shows_its_reason(
        self, personalize: Any, personalize_fake: PersonalizeFake, trained: tuple[str, str, str]
    ) -> None:
        """fail_next("campaign") ends the next one CREATE FAILED with its reason."""
        personalize_fake.fail_next("campaign", "Out of capacity.")
        personalize.create_campaign(name="live", solutionVersionArn=trained[2])
        listed = personalize.list_campaigns()["campaigns"][0]
        assert (listed["status"], listed["failureReason"]) == ("CREATE FAILED", "Out of capacity.")


@pytest.mark.parametrize("lifecycle", ["instant", "stepwise", "manual"])
def test_pipeline_in_every_mode(lifecycle: str) -> None:
    """Train, deploy, update and clean up in dependency order, polling, in each mode."""
    import boto3

    from personalize_fake import mock_personalize

    with mock_personalize(lifecycle=lifecycle) as fake:
        personalize = boto3.client("personalize", region_name="us-east-1")
        events = boto3.client("personalize-events", region_name="us-east-1")

        def wait(describe_call: Any, key: str, **arn: str) -> None:
            for _ in range(5):
                if lifecycle == "manual":
                    fake.settle(next(iter(arn.values())))
                if describe_call(**arn)[key]["status"] == "ACTIVE":
                    return
            raise AssertionError(f"{arn} never became ACTIVE")

        version = trained_setup_stepwise(
            personalize, events, fake if lifecycle == "manual" else None
        )
        solution = version.rsplit("/", 1)[0]
        personalize.create_campaign(name="live", solutionVersionArn=version)
        wait(personalize.describe_campaign, "campaign", campaignArn=CAMPAIGN)
        newer = train(personalize, solution)
        wait(personalize.describe_solution_version, "solutionVersion", solutionVersionArn=newer)
        personalize.update_campaign(campaignArn=CAMPAIGN, solutionVersionArn=newer)
        for _ in range(5):
            if lifecycle == "manual":
                fake.settle(CAMPAIGN)
            campaign = describe(personalize)
            if campaign["latestCampaignUpdate"]["status"] == "ACTIVE":
                break
        assert describe(personalize)["solutionVersionArn"] == newer
        personalize.delete_campaign(campaignArn=CAMPAIGN)
        fake.settle()
        personalize.delete_solution(solutionArn=solution)
        fake.settle()
        assert personalize.list_solution_versions()["solutionVersions"] == []
        assert personalize.list_campaigns()["campaigns"] == []


def test_training_and_deployment_survive_a_restart(tmp_path: Path) -> None:
    """Solutions, versions (stopped ones too), campaigns and their updates read the same after
    a restart, and the references still block and cascade."""
    path = tmp_path / "state.db"
    with serving(lifecycle="instant", state_file=path) as (url, _):
        personalize = client("personalize", url)
        events = client("personalize-events", url)
        _, solution, version = trained_setup(personalize, events)
        personalize.update_solution(solutionArn=solution, performAutoTraining=False)
        personalize.create_campaign(
            name="live",
            solutionVersionArn=f"{solution}/$LATEST",
            campaignConfig={"syncWithLatestSolutionVersion": True},
            tags=[{"tagKey": "k", "tagValue": "v"}],
        )
        personalize.update_campaign(campaignArn=CAMPAIGN, minProvisionedTPS=3)
        before = {
            "solution": personalize.describe_solution(solutionArn=solution)["solution"],
            "version": personalize.describe_solution_version(solutionVersionArn=version),
            "versions": personalize.list_solution_versions()["solutionVersions"],
            "campaign": describe(personalize),
        }
    with serving(lifecycle="instant", state_file=path) as (url, _):
        personalize = client("personalize", url)
        after = {
            "solution": personalize.describe_solution(solutionArn=solution)["solution"],
            "version": personalize.describe_solution_version(solutionVersionArn=version),
            "versions": personalize.list_solution_versions()["solutionVersions"],
            "campaign": describe(personalize),
        }
        for value in (*before.values(), *after.values()):
            if isinstance(value, dict):
                value.pop("ResponseMetadata", None)
        assert after == before
        assert personalize.list_tags_for_resource(resourceArn=CAMPAIGN)["tags"] == [
            {"tagKey": "k", "tagValue": "v"}
        ]
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_solution(solutionArn=solution)
        newer = train(personalize, solution)  # ACTIVE: the 1,000 interactions came back too
        assert (
            personalize.describe_solution_version(solutionVersionArn=newer)["solutionVersion"][
                "status"
            ]
            == "ACTIVE"
        )
        assert describe(personalize)["solutionVersionArn"] == newer
        personalize.delete_campaign(campaignArn=CAMPAIGN)
        personalize.delete_solution(solutionArn=solution)
        assert personalize.list_solution_versions()["solutionVersions"] == []
