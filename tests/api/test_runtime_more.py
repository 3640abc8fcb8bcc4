"""Recommenders, next best action, GetSolutionMetrics and batch job output, through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from shop import RECIPE, Shop, code

from personalize_fake import PersonalizeFake

pytestmark = pytest.mark.personalize_fake(
    lifecycle="instant", minimum_training_data=False, recommender_min_interactions=0
)
ROLE = "arn:aws:iam::123456789012:role/personalize"


# -- recommenders -------------------------------------------------------------------------


def _recommender(shop: Shop, use_case: str, name: str = "r") -> str:
    arn: str = shop.personalize.create_recommender(
        name=name, datasetGroupArn=shop.group, recipeArn=RECIPE + use_case
    )["recommenderArn"]
    return arn


def _ids(shop: Shop, recommender: str, **request: Any) -> list[str]:
    answer = shop.runtime.get_recommendations(recommenderArn=recommender, **request)
    return [i["itemId"] for i in answer["itemList"]]


def test_recommended_for_you_drops_what_the_user_bought(
    personalize_fake: PersonalizeFake,
) -> None:
    """ECOMMERCE "Recommended for you" filters out the user's purchases by itself and shows
    no scores."""
    shop = Shop("store", domain="ECOMMERCE")
    shop.click("u1", "c", event_type="Purchase")
    recommender = _recommender(shop, "aws-ecomm-recommended-for-you")
    items = shop.runtime.get_recommendations(recommenderArn=recommender, userId="u1")["itemList"]
    ids = [i["itemId"] for i in items]
    assert "c" not in ids
    assert ids
    assert all("score" not in i for i in items)


def test_recommended_for_you_drops_a_purchase_recorded_after_it_trained(
    personalize_fake: PersonalizeFake,
) -> None:
    """A purchase recorded once "Recommended for you" is ACTIVE leaves its answer at once."""
    shop = Shop("store", domain="ECOMMERCE")
    recommender = _recommender(shop, "aws-ecomm-recommended-for-you")
    assert "b" in _ids(shop, recommender, userId="u6")
    shop.click("u6", "b", event_type="Purchase")
    assert "b" not in _ids(shop, recommender, userId="u6")


def test_top_picks_drops_what_the_user_watched(personalize_fake: PersonalizeFake) -> None:
    """VIDEO_ON_DEMAND "Top picks for you" drops the user's Watch items by itself, those
    recorded after it trained too; a click is not a watch."""
    shop = Shop("videos", domain="VIDEO_ON_DEMAND")
    shop.click("u6", "b", event_type="Watch")
    recommender = _recommender(shop, "aws-vod-top-picks")
    found = _ids(shop, recommender, userId="u6")
    assert "b" not in found
    assert "c" in found
    shop.click("u6", "c", event_type="Watch")
    assert "c" not in _ids(shop, recommender, userId="u6")


def test_customers_who_viewed_x_drops_what_the_user_bought(
    personalize_fake: PersonalizeFake,
) -> None:
    """ECOMMERCE "Customers who viewed X also viewed" drops the requesting user's purchases."""
    shop = Shop("store", domain="ECOMMERCE")
    for user in ("v1", "v2", "v3"):
        shop.click(user, "a", "b", "c", event_type="View")
    recommender = _recommender(shop, "aws-ecomm-customers-who-viewed-x-also-viewed")
    assert "b" in _ids(shop, recommender, itemId="a", userId="u5")
    shop.click("u5", "b", event_type="Purchase")
    found = _ids(shop, recommender, itemId="a", userId="u5")
    assert "b" not in found
    assert "c" in found
    assert "b" in _ids(shop, recommender, itemId="a", userId="u4")


def test_most_viewed_counts_view_events_only(personalize_fake: PersonalizeFake) -> None:
    """ECOMMERCE "Most viewed" ranks by View events, not by other event types."""
    shop = Shop("store", domain="ECOMMERCE")
    for n in range(3):
        shop.click(f"viewer{n}", "e", event_type="View")
    recommender = _recommender(shop, "aws-ecomm-popular-items-by-views")
    items = shop.runtime.get_recommendations(recommenderArn=recommender, userId="u1")
    assert items["itemList"][0]["itemId"] == "e"


@pytest.mark.personalize_fake(
    lifecycle="manual", minimum_training_data=False, recommender_min_interactions=0
)
def test_a_stopped_recommender_answers_nothing(personalize_fake: PersonalizeFake) -> None:
    """After StopRecommender, requests are refused until it is started again."""
    shop = Shop("store", domain="ECOMMERCE", fake=personalize_fake)
    recommender = _recommender(shop, "aws-ecomm-popular-items-by-views")
    personalize_fake.settle(recommender)
    shop.personalize.stop_recommender(recommenderArn=recommender)
    personalize_fake.settle(recommender)
    with pytest.raises(ClientError) as refused:
        shop.runtime.get_recommendations(recommenderArn=recommender, userId="u1")
    assert code(refused) == "InvalidInputException"
    assert "INACTIVE" in str(refused.value)


# -- next best action ---------------------------------------------------------------------

ACTIONS = json.dumps(
    {
        "type": "record",
        "name": "Actions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "ACTION_ID", "type": "string"},
            {"name": "VALUE", "type": "int"},
            {"name": "ACTION_EXPIRATION_TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)
ACTION_INTERACTIONS = json.dumps(
    {
        "type": "record",
        "name": "ActionInteractions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ACTION_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
            {"name": "EVENT_TYPE", "type": "string"},
        ],
        "version": "1.0",
    }
)


def _actions_campaign(shop: Shop) -> str:
    c = shop.personalize
    for kind, schema in (("Actions", ACTIONS), ("Action_Interactions", ACTION_INTERACTIONS)):
        arn = c.create_schema(name=kind.lower(), schema=schema)["schemaArn"]
        shop.datasets[kind] = c.create_dataset(
            name=kind.lower(), schemaArn=arn, datasetGroupArn=shop.group, datasetType=kind
        )["datasetArn"]
    shop.events.put_actions(
        datasetArn=shop.datasets["Actions"],
        actions=[
            {"actionId": "gold", "properties": json.dumps({"value": 5})},
            {"actionId": "silver", "properties": json.dumps({"value": 3})},
            {
                "actionId": "expired",
                "properties": json.dumps({"value": 9, "actionExpirationTimestamp": 1}),
            },
        ],
    )
    tracking = c.describe_dataset(datasetArn=shop.datasets["Action_Interactions"])["dataset"][
        "trackingId"
    ]
    taken = {"gold": 8, "silver": 2, "expired": 9}
    interactions = []
    for action, count in taken.items():
        for n in range(10):
            interactions.append(
                {
                    "actionId": action,
                    "userId": f"u{n}",
                    "sessionId": f"u{n}",
                    "eventType": "TAKEN" if n < count else "NOT_TAKEN",
                    "timestamp": 1_700_000_000 + n,
                }
            )
    for start in range(0, len(interactions), 10):
        shop.events.put_action_interactions(
            trackingId=tracking, actionInteractions=interactions[start : start + 10]
        )
    return shop.campaign("aws-next-best-action")


def test_next_best_action_ranks_by_take_rate_and_drops_expired_actions(
    personalize_fake: PersonalizeFake,
) -> None:
    """Actions come in order of how often they were taken; an expired one never comes."""
    shop = Shop()
    campaign = _actions_campaign(shop)
    answer = shop.runtime.get_action_recommendations(campaignArn=campaign, userId="u1")
    ids = [a["actionId"] for a in answer["actionList"]]
    assert ids == ["gold", "silver"]
    assert len(answer["recommendationId"]) == 40


# -- GetSolutionMetrics -------------------------------------------------------------------

RANKING_METRICS = {
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5",
    "precision_at_10",
    "precision_at_25",
}


def test_solution_metrics_are_the_documented_ones_and_repeat(
    personalize_fake: PersonalizeFake,
) -> None:
    """An ACTIVE version reports AWS's offline metrics, each in [0, 1]; the same data gives
    the same numbers in a second version."""
    shop = Shop()
    for n in range(30):
        shop.click(f"extra{n}", "a", "b", "c" if n % 2 else "d", "e")
    one = shop.version("aws-user-personalization", "one")
    two = shop.version("aws-user-personalization", "two")
    first = shop.personalize.get_solution_metrics(solutionVersionArn=one)
    second = shop.personalize.get_solution_metrics(solutionVersionArn=two)
    assert first["solutionVersionArn"] == one
    assert set(first["metrics"]) == RANKING_METRICS
    assert all(0 <= v <= 1 for v in first["metrics"].values())
    assert first["metrics"] == second["metrics"]


@pytest.mark.personalize_fake(lifecycle="manual", minimum_training_data=False)
def test_solution_metrics_need_an_active_version(personalize_fake: PersonalizeFake) -> None:
    """A version still training has no metrics yet."""
    shop = Shop(fake=personalize_fake)
    solution = shop.personalize.create_solution(
        name="s", datasetGroupArn=shop.group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]
    personalize_fake.settle(solution)
    version = shop.personalize.create_solution_version(solutionArn=solution)
    with pytest.raises(ClientError) as refused:
        shop.personalize.get_solution_metrics(solutionVersionArn=version["solutionVersionArn"])
    assert code(refused) == "ResourceInUseException"


# -- batch output -------------------------------------------------------------------------


def _lines(fake: PersonalizeFake, location: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in fake.objects(location)[location].splitlines()]


def test_a_batch_inference_job_writes_each_lines_answer(
    personalize_fake: PersonalizeFake,
) -> None:
    """Each input line gets the runtime's answer in ``<output>/<input name>.out``; a line
    that is not JSON gets an ``error``, and the job still succeeds."""
    shop = Shop()
    version = shop.version("aws-sims")
    personalize_fake.put_object("s3://b/in/items.json", b'{"itemId": "a"}\nnot json\n')
    job = shop.personalize.create_batch_inference_job(
        jobName="j",
        solutionVersionArn=version,
        numResults=2,
        jobInput={"s3DataSource": {"path": "s3://b/in/items.json"}},
        jobOutput={"s3DataDestination": {"path": "s3://b/out/"}},
        roleArn=ROLE,
    )["batchInferenceJobArn"]
    described = shop.personalize.describe_batch_inference_job(batchInferenceJobArn=job)
    assert described["batchInferenceJob"]["status"] == "ACTIVE"
    good, bad = _lines(personalize_fake, "s3://b/out/items.json.out")
    assert good == {
        "input": {"itemId": "a"},
        "output": {"recommendedItems": ["b", "c"]},
        "error": None,
    }
    assert bad["input"] == "not json"
    assert bad["error"]


def test_batch_output_goes_to_moto_s3(personalize_fake: PersonalizeFake) -> None:
    """With moto's S3 active, the output is an object there, read back through boto3."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bench")
        s3.put_object(Bucket="bench", Key="in/users.json", Body=b'{"userId": "u6"}\n')
        shop = Shop()
        version = shop.version("aws-user-personalization")
        shop.personalize.create_batch_inference_job(
            jobName="j",
            solutionVersionArn=version,
            jobInput={"s3DataSource": {"path": "s3://bench/in/users.json"}},
            jobOutput={"s3DataDestination": {"path": "s3://bench/out/"}},
            roleArn=ROLE,
        )
        body = s3.get_object(Bucket="bench", Key="out/users.json.out")["Body"].read()
    line = json.loads(body)
    assert line["input"] == {"userId": "u6"}
    assert line["output"]["recommendedItems"][0] == "b"
    assert len(line["output"]["scores"]) == len(line["output"]["recommendedItems"])


def test_a_batch_segment_job_writes_users_for_each_item(
    personalize_fake: PersonalizeFake,
) -> None:
    """Item-Affinity: each item's line lists the users most drawn to it, first those who
    interacted with it."""
    shop = Shop()
    version = shop.version("aws-item-affinity")
    personalize_fake.put_object("s3://b/in/items.json", b'{"itemId": "d"}\n')
    shop.personalize.create_batch_segment_job(
        jobName="j",
        solutionVersionArn=version,
        numResults=2,
        jobInput={"s3DataSource": {"path": "s3://b/in/items.json"}},
        jobOutput={"s3DataDestination": {"path": "s3://b/out/"}},
        roleArn=ROLE,
    )
    (line,) = _lines(personalize_fake, "s3://b/out/items.json.out")
    assert line["input"] == {"itemId": "d"}
    assert sorted(line["output"]["usersList"]) == ["u4", "u5"]
