"""What a trained version answers from as the data changes after it: imports, deletions,
events recorded later, datasets added later, and a server restart (tests/shop.py)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from shop import INTERACTIONS, ITEMS, RECIPE, START, Shop

from personalize_fake import PersonalizeFake
from personalize_fake.server import serving

FAKE = pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)
ROLE = "arn:aws:iam::123456789012:role/personalize"
HEADER = "USER_ID,ITEM_ID,EVENT_TYPE,TIMESTAMP\n"


def _clicks(user_prefix: str, item: str, count: int) -> str:
    return HEADER + "".join(f"{user_prefix}{n},{item},click,{START + n}\n" for n in range(count))


def _import(shop: Shop, fake: PersonalizeFake, name: str, csv: str, mode: str) -> None:
    fake.put_object(f"s3://bucket/{name}.csv", csv)
    shop.personalize.create_dataset_import_job(
        jobName=name,
        datasetArn=shop.datasets["Interactions"],
        dataSource={"dataLocation": f"s3://bucket/{name}.csv"},
        roleArn=ROLE,
        importMode=mode,
    )


# -- a version keeps the data it trained on ---------------------------------------------


@FAKE
def test_a_full_import_after_training_changes_no_version_asked_before_or_after(
    personalize_fake: PersonalizeFake,
) -> None:
    """Popularity-count trained on 20 clicks of ``z`` answers ``z`` first after a FULL import
    of 30 clicks of ``y``, never ``y``, whether first asked before the import or after it."""
    shop = Shop()
    _import(shop, personalize_fake, "one", _clicks("v", "z", 20), "FULL")
    asked_before = shop.campaign("aws-popularity-count", "before")
    asked_after = shop.campaign("aws-popularity-count", "after")
    assert shop.recommend(asked_before, userId="u1")[0] == "z"
    _import(shop, personalize_fake, "two", _clicks("w", "y", 30), "FULL")
    for campaign in (asked_before, asked_after):
        found = shop.recommend(campaign, userId="u1")
        assert found[0] == "z"
        assert "y" not in found


@FAKE
def test_a_deletion_job_after_training_changes_no_sims_answer(
    personalize_fake: PersonalizeFake,
) -> None:
    """SIMS trained while u1-u3 (who clicked ``a`` with ``b``) were there answers the same
    after a data deletion job drops them, asked first before the job or after it."""
    shop = Shop()
    asked_before = shop.campaign("aws-sims", "before")
    asked_after = shop.campaign("aws-sims", "after")
    trained = shop.recommend(asked_before, itemId="a")
    assert trained[0] == "b"
    personalize_fake.put_object("s3://bucket/gone.csv", "USER_ID\nu1\nu2\nu3\n")
    job = shop.personalize.create_data_deletion_job(
        jobName="gone",
        datasetGroupArn=shop.group,
        dataSource={"dataLocation": "s3://bucket/gone.csv"},
        roleArn=ROLE,
    )["dataDeletionJobArn"]
    described = shop.personalize.describe_data_deletion_job(dataDeletionJobArn=job)
    assert described["dataDeletionJob"]["numDeleted"] > 0
    assert shop.recommend(asked_after, itemId="a") == trained
    assert shop.recommend(asked_before, itemId="a") == trained


@FAKE
def test_after_a_full_import_a_new_users_events_still_count_at_once(
    personalize_fake: PersonalizeFake,
) -> None:
    """A FULL import after training does not hide the events recorded since: a new user who
    clicks ``d`` gets what co-occurs with ``d`` from User-Personalization."""
    shop = Shop()
    _import(shop, personalize_fake, "one", _clicks("v", "z", 20), "FULL")
    campaign = shop.campaign("aws-user-personalization")
    assert shop.recommend(campaign, userId="newbie", numResults=3)[0] == "z"
    _import(shop, personalize_fake, "two", _clicks("v", "z", 2), "FULL")
    shop.click("newbie", "d")
    assert shop.recommend(campaign, userId="newbie", numResults=3)[0] in ("c", "e")


@FAKE
def test_a_version_trained_on_no_interactions_ignores_later_events(
    personalize_fake: PersonalizeFake,
) -> None:
    """Popularity-count trained on an empty Interactions dataset does not pick up the
    events recorded after training."""
    personalize = boto3.client("personalize", region_name="us-east-1")
    events = boto3.client("personalize-events", region_name="us-east-1")
    runtime = boto3.client("personalize-runtime", region_name="us-east-1")
    group = personalize.create_dataset_group(name="empty")["datasetGroupArn"]
    schema = personalize.create_schema(name="interactions", schema=INTERACTIONS)["schemaArn"]
    personalize.create_dataset(
        name="interactions", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )
    tracking = personalize.create_event_tracker(name="web", datasetGroupArn=group)["trackingId"]
    solution = personalize.create_solution(
        name="popular", datasetGroupArn=group, recipeArn=RECIPE + "aws-popularity-count"
    )["solutionArn"]
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    campaign = personalize.create_campaign(name="popular", solutionVersionArn=version)
    for n, item in enumerate(("late", "later")):
        events.put_events(
            trackingId=tracking,
            userId="u",
            sessionId="u",
            eventList=[{"eventType": "click", "itemId": item, "sentAt": START + n}],
        )
        answer = runtime.get_recommendations(campaignArn=campaign["campaignArn"], userId="u")
        assert answer["itemList"] == []


@FAKE
def test_an_items_dataset_added_after_training_gives_metadata(
    personalize_fake: PersonalizeFake,
) -> None:
    """Metadata reads the group's Items dataset as it is now: one created after the version
    trained gives its columns at once."""
    personalize = boto3.client("personalize", region_name="us-east-1")
    events = boto3.client("personalize-events", region_name="us-east-1")
    runtime = boto3.client("personalize-runtime", region_name="us-east-1")
    group = personalize.create_dataset_group(name="later")["datasetGroupArn"]
    schema = personalize.create_schema(name="interactions", schema=INTERACTIONS)["schemaArn"]
    personalize.create_dataset(
        name="interactions", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )
    tracking = personalize.create_event_tracker(name="web", datasetGroupArn=group)["trackingId"]
    events.put_events(
        trackingId=tracking,
        userId="u",
        sessionId="u",
        eventList=[{"eventType": "click", "itemId": "a", "sentAt": START}],
    )
    solution = personalize.create_solution(
        name="popular", datasetGroupArn=group, recipeArn=RECIPE + "aws-popularity-count"
    )["solutionArn"]
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    campaign = personalize.create_campaign(
        name="popular",
        solutionVersionArn=version,
        campaignConfig={"enableMetadataWithRecommendations": True},
    )["campaignArn"]
    items_schema = personalize.create_schema(name="items", schema=ITEMS)["schemaArn"]
    items = personalize.create_dataset(
        name="items", schemaArn=items_schema, datasetGroupArn=group, datasetType="Items"
    )["datasetArn"]
    events.put_items(
        datasetArn=items,
        items=[{"itemId": "a", "properties": json.dumps({"genre": "x", "price": 5.0})}],
    )
    answer = runtime.get_recommendations(
        campaignArn=campaign, userId="u", metadataColumns={"ITEMS": ["GENRE"]}
    )
    assert answer["itemList"] == [{"itemId": "a", "metadata": {"genre": "x"}}]


# -- events recorded after training -------------------------------------------------------


@FAKE
def test_popularity_count_ignores_events_after_training(personalize_fake: PersonalizeFake) -> None:
    """Five new users clicking ``e`` after training (``e`` would lead with 6 clicks) leave
    popularity-count's answer as it was, whether first asked before the clicks or after."""
    shop = Shop()
    asked_before = shop.campaign("aws-popularity-count", "before")
    asked_after = shop.campaign("aws-popularity-count", "after")
    trained = shop.recommend(asked_before, userId="u1")
    assert trained == ["a", "b", "c", "d", "e"]
    for n in range(5):
        shop.click(f"fan{n}", "e")
    assert shop.recommend(asked_after, userId="u1") == trained
    assert shop.recommend(asked_before, userId="u1") == trained


@FAKE
def test_trending_now_ranks_recent_interactions_above_older_ones(
    personalize_fake: PersonalizeFake,
) -> None:
    """Ten clicks of ``old`` a day before the shop's clicks count for less than the four
    recent clicks of ``a``: trending puts ``old`` after every recently clicked item."""
    shop = Shop()
    for n in range(10):
        shop.events.put_events(
            trackingId=shop.tracking_id,
            userId=f"past{n}",
            sessionId=f"past{n}",
            eventList=[{"eventType": "click", "itemId": "old", "sentAt": START - 86_400 + n}],
        )
    popular = shop.campaign("aws-popularity-count")
    assert shop.recommend(popular, userId="u1")[0] == "old"
    trending = shop.campaign("aws-trending-now")
    found = shop.recommend(trending)
    assert found[0] == "a"
    assert found[-1] == "old"
    assert sorted(found) == ["a", "b", "c", "d", "e", "old"]


# -- a server restart ---------------------------------------------------------------------


def test_a_state_file_restart_gives_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server started again on its state file answers as before, for a version trained
    before the restart and a new user's events recorded after training."""
    path = tmp_path / "fake.db"
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # its clients go to the server only
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    with serving(lifecycle="instant", minimum_training_data=False, state_file=path) as (url, _):
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        shop = Shop()
        personal = shop.campaign("aws-user-personalization")
        popular = shop.campaign("aws-popularity-count")
        shop.click("newbie", "d")
        before = [
            shop.runtime.get_recommendations(campaignArn=personal, userId="newbie")["itemList"],
            shop.recommend(popular, userId="u1"),
        ]
    with serving(lifecycle="instant", minimum_training_data=False, state_file=path) as (url, _):
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        runtime = boto3.client("personalize-runtime", region_name="us-east-1")
        after = [
            runtime.get_recommendations(campaignArn=personal, userId="newbie")["itemList"],
            [
                i["itemId"]
                for i in runtime.get_recommendations(campaignArn=popular, userId="u1")["itemList"]
            ],
        ]
    assert after == before
    assert before[0][0]["itemId"] in ("c", "e")
