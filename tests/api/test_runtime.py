"""GetRecommendations and GetPersonalizedRanking through boto3: answers that follow the data
put in (tests/shop.py), real-time events, the input rules of each recipe, numResults,
metadata, recommendation ids and the errors."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError
from shop import Shop, code

from personalize_fake import PersonalizeFake

pytestmark = pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)


# -- answers follow the data ------------------------------------------------------------


def test_popularity_count_puts_the_most_clicked_item_first_without_scores(shop: Shop) -> None:
    """aws-popularity-count ranks by interactions (ties by id) and shows no score."""
    campaign = shop.campaign("aws-popularity-count")
    answer = shop.runtime.get_recommendations(campaignArn=campaign, userId="u1")
    assert [i["itemId"] for i in answer["itemList"]][:5] == ["a", "b", "c", "d", "e"]
    assert all("score" not in item for item in answer["itemList"])


def test_sims_puts_what_co_occurs_with_the_item_first(shop: Shop) -> None:
    """aws-sims answers the item most often interacted with alongside ``itemId`` first,
    never the item itself, and no scores."""
    campaign = shop.campaign("aws-sims")
    answer = shop.runtime.get_recommendations(campaignArn=campaign, itemId="a")
    ids = [i["itemId"] for i in answer["itemList"]]
    assert ids[0] == "b"
    assert "a" not in ids
    assert all("score" not in item for item in answer["itemList"])
    assert shop.recommend(campaign, itemId="e")[0] == "d"


def test_user_personalization_ranks_neighbours_items_above_unrelated_ones(shop: Shop) -> None:
    """u6 clicked only ``a``; users who clicked ``a`` also clicked ``b``, so ``b`` comes
    before ``d`` and ``e``, which no one who clicked ``a`` touched."""
    campaign = shop.campaign("aws-user-personalization")
    ids = shop.recommend(campaign, userId="u6")
    assert ids.index("b") < ids.index("d")
    assert ids.index("b") < ids.index("e")


def test_user_personalization_scores_lie_in_0_1_and_sum_to_at_most_1(shop: Shop) -> None:
    """Each item carries a score in [0, 1], best first, summing to at most 1."""
    campaign = shop.campaign("aws-user-personalization")
    items = shop.runtime.get_recommendations(campaignArn=campaign, userId="u4")["itemList"]
    scores = [item["score"] for item in items]
    assert all(0 <= s <= 1 for s in scores)
    assert sum(scores) <= 1 + 1e-6
    assert scores == sorted(scores, reverse=True)


def test_a_cold_user_gets_popular_items(shop: Shop) -> None:
    """A user the version never saw gets the most popular item first."""
    campaign = shop.campaign("aws-user-personalization")
    assert shop.recommend(campaign, userId="stranger")[0] == "a"


def test_an_event_after_training_changes_a_new_users_answer_at_once(shop: Shop) -> None:
    """A new user who clicks ``d`` after training gets what co-occurs with ``d`` (``c``,
    ``e``) ahead of the popular ``a``, without a new version."""
    campaign = shop.campaign("aws-user-personalization")
    before = shop.recommend(campaign, userId="newbie")
    shop.click("newbie", "d")
    after = shop.recommend(campaign, userId="newbie")
    assert before[0] == "a"
    assert after.index("c") < after.index("a") or after.index("e") < after.index("a")


def test_sims_needs_a_new_version_to_see_new_events(shop: Shop) -> None:
    """SIMS answers from its training: events recorded later change nothing until the next
    version."""
    campaign = shop.campaign("aws-sims")
    before = shop.recommend(campaign, itemId="f")
    for n in range(5):
        shop.click(f"fan{n}", "f", "e")
    assert shop.recommend(campaign, itemId="f") == before


def test_the_same_request_gets_the_same_items(shop: Shop) -> None:
    """Answers are deterministic: only the recommendation id changes between calls."""
    campaign = shop.campaign("aws-user-personalization")
    first = shop.runtime.get_recommendations(campaignArn=campaign, userId="u3")
    second = shop.runtime.get_recommendations(campaignArn=campaign, userId="u3")
    assert first["itemList"] == second["itemList"]
    assert first["recommendationId"] != second["recommendationId"]


def test_trending_now_needs_no_user(shop: Shop) -> None:
    """aws-trending-now answers a request with neither id, popular items and no scores."""
    campaign = shop.campaign("aws-trending-now")
    items = shop.runtime.get_recommendations(campaignArn=campaign)["itemList"]
    assert items
    assert all("score" not in item for item in items)


# -- personalized ranking ---------------------------------------------------------------


def test_ranking_keeps_every_input_once_and_appends_unknown_items_unscored(shop: Shop) -> None:
    """GetPersonalizedRanking reorders ``inputList``: every item once, the known ones scored
    (summing to at most 1), the ones training never saw last and without a score."""
    campaign = shop.campaign("aws-personalized-ranking")
    ranked = shop.runtime.get_personalized_ranking(
        campaignArn=campaign, userId="u6", inputList=["zz", "e", "b", "d"]
    )["personalizedRanking"]
    assert sorted(i["itemId"] for i in ranked) == ["b", "d", "e", "zz"]
    assert ranked[-1] == {"itemId": "zz"}
    assert ranked[0]["itemId"] == "b"
    assert sum(i["score"] for i in ranked[:-1]) <= 1 + 1e-6


def test_ranking_needs_a_ranking_campaign(shop: Shop) -> None:
    """GetRecommendations on a ranking campaign, or ranking on another one, is refused and
    names the right operation."""
    ranking = shop.campaign("aws-personalized-ranking")
    with pytest.raises(ClientError) as refused:
        shop.runtime.get_recommendations(campaignArn=ranking, userId="u1")
    assert code(refused) == "InvalidInputException"
    assert "GetPersonalizedRanking" in str(refused.value)
    sims = shop.campaign("aws-sims")
    with pytest.raises(ClientError) as refused:
        shop.runtime.get_personalized_ranking(campaignArn=sims, userId="u1", inputList=["a"])
    assert "GetRecommendations" in str(refused.value)


# -- inputs -----------------------------------------------------------------------------


def test_num_results_defaults_to_25_and_bounds_the_answer(
    personalize_fake: PersonalizeFake,
) -> None:
    """25 items unless ``numResults`` says otherwise; above 500 is refused."""
    shop = Shop()
    for start in range(0, 40, 10):
        shop.click("many", *(f"extra{n:02}" for n in range(start, start + 10)))
    campaign = shop.campaign("aws-popularity-count")
    assert len(shop.recommend(campaign, userId="u1")) == 25
    assert len(shop.recommend(campaign, userId="u1", numResults=3)) == 3
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign, userId="u1", numResults=501)
    assert code(refused) == "InvalidInputException"


def test_zero_results_answer_an_empty_list(shop: Shop) -> None:
    """``numResults=0`` answers an empty ``itemList``."""
    campaign = shop.campaign("aws-popularity-count")
    assert shop.recommend(campaign, userId="u1", numResults=0) == []


@pytest.mark.parametrize(
    ("recipe", "request_", "missing"),
    [
        ("aws-user-personalization", {"itemId": "a"}, "userId"),
        ("aws-popularity-count", {}, "userId"),
        ("aws-sims", {"userId": "u1"}, "itemId"),
    ],
)
def test_each_recipe_needs_its_ids(
    shop: Shop, recipe: str, request_: dict[str, str], missing: str
) -> None:
    """A user-personalization request needs ``userId``, a related-items one ``itemId``."""
    campaign = shop.campaign(recipe)
    with pytest.raises(ClientError) as refused:
        shop.runtime.get_recommendations(campaignArn=campaign, **request_)
    assert code(refused) == "InvalidInputException"
    assert missing in str(refused.value)


def test_exactly_one_of_campaign_and_recommender(shop: Shop) -> None:
    """Neither, or both, is InvalidInput."""
    campaign = shop.campaign("aws-popularity-count")
    for request in ({}, {"campaignArn": campaign, "recommenderArn": campaign}):
        with pytest.raises(ClientError) as refused:
            shop.runtime.get_recommendations(userId="u1", **request)
        assert code(refused) == "InvalidInputException"


def test_an_unknown_campaign_is_not_found(shop: Shop) -> None:
    """An ARN no campaign has is ResourceNotFound."""
    arn = "arn:aws:personalize:us-east-1:123456789012:campaign/none"
    with pytest.raises(ClientError) as refused:
        shop.runtime.get_recommendations(campaignArn=arn, userId="u1")
    assert code(refused) == "ResourceNotFoundException"


@pytest.mark.personalize_fake(lifecycle="manual", minimum_training_data=False)
def test_a_campaign_not_active_is_refused(personalize_fake: PersonalizeFake) -> None:
    """A campaign still being created is InvalidInput by default."""
    shop = Shop(fake=personalize_fake)
    version = shop.version("aws-popularity-count")
    personalize_fake.settle()
    campaign = shop.personalize.create_campaign(name="c", solutionVersionArn=version)
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign["campaignArn"], userId="u1")
    assert code(refused) == "InvalidInputException"
    assert "CREATE PENDING" in str(refused.value)


@pytest.mark.personalize_fake(
    lifecycle="manual",
    minimum_training_data=False,
    runtime_not_active_error="ResourceNotFoundException",
)
def test_the_error_for_a_campaign_not_active_is_a_setting(
    personalize_fake: PersonalizeFake,
) -> None:
    """``runtime_not_active_error`` picks the other declared code."""
    shop = Shop(fake=personalize_fake)
    version = shop.version("aws-popularity-count")
    personalize_fake.settle()
    campaign = shop.personalize.create_campaign(name="c", solutionVersionArn=version)
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign["campaignArn"], userId="u1")
    assert code(refused) == "ResourceNotFoundException"


@pytest.mark.personalize_fake(lifecycle="manual", minimum_training_data=False)
def test_a_campaign_being_updated_answers_from_its_old_version(
    personalize_fake: PersonalizeFake,
) -> None:
    """While UpdateCampaign to a newer version is in progress the campaign answers from the
    version it deployed; once the update settles, from the new one."""
    shop = Shop(fake=personalize_fake)
    version = shop.version("aws-popularity-count")
    campaign = shop.personalize.create_campaign(name="c", solutionVersionArn=version)
    personalize_fake.settle()
    arn = campaign["campaignArn"]
    assert shop.recommend(arn, userId="u1")[0] == "a"
    for n in range(5):
        shop.click(f"fan{n}", "e")
    solution = shop.personalize.describe_solution_version(solutionVersionArn=version)
    newer = shop.personalize.create_solution_version(
        solutionArn=solution["solutionVersion"]["solutionArn"]
    )["solutionVersionArn"]
    personalize_fake.settle(newer)
    shop.personalize.update_campaign(campaignArn=arn, solutionVersionArn=newer)
    updating = shop.personalize.describe_campaign(campaignArn=arn)["campaign"]
    assert updating["latestCampaignUpdate"]["status"] != "ACTIVE"
    assert shop.recommend(arn, userId="u1")[0] == "a"
    personalize_fake.settle()
    assert shop.recommend(arn, userId="u1")[0] == "e"


# -- metadata and recommendation ids ----------------------------------------------------


def test_metadata_columns_come_lower_cased_with_text_values(shop: Shop) -> None:
    """``metadataColumns`` gives each item's columns by lower-case name, values as strings,
    as real responses show."""
    campaign = shop.campaign("aws-popularity-count", enableMetadataWithRecommendations=True)
    items = shop.runtime.get_recommendations(
        campaignArn=campaign,
        userId="u1",
        numResults=2,
        metadataColumns={"ITEMS": ["GENRE", "PRICE"]},
    )["itemList"]
    assert items[0] == {"itemId": "a", "metadata": {"genre": "x", "price": "10.0"}}


def test_metadata_needs_it_enabled_and_at_most_50_results(shop: Shop) -> None:
    """Without ``enableMetadataWithRecommendations``, or with more than 50 results, a
    request for metadata is refused."""
    plain = shop.campaign("aws-popularity-count", "plain")
    columns = {"ITEMS": ["GENRE"]}
    with pytest.raises(ClientError) as refused:
        shop.recommend(plain, userId="u1", metadataColumns=columns)
    assert "enableMetadataWithRecommendations" in str(refused.value)
    rich = shop.campaign("aws-popularity-count", "rich", enableMetadataWithRecommendations=True)
    with pytest.raises(ClientError) as refused:
        shop.recommend(rich, userId="u1", metadataColumns=columns, numResults=51)
    assert code(refused) == "InvalidInputException"


def test_metadata_columns_must_be_columns_of_the_items_schema(shop: Shop) -> None:
    """A column the Items schema lacks is InvalidInput, and the message names it."""
    campaign = shop.campaign("aws-popularity-count", enableMetadataWithRecommendations=True)
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign, userId="u1", metadataColumns={"ITEMS": ["GENRE", "COLOUR"]})
    assert code(refused) == "InvalidInputException"
    assert "COLOUR" in str(refused.value)


def test_recommendation_ids_are_40_characters_with_a_cid_per_campaign(shop: Shop) -> None:
    """``RID-<25>-CID-<6 hex>``: 40 characters, the CID the same for one campaign and
    different for another."""
    one = shop.campaign("aws-popularity-count", "one")
    two = shop.campaign("aws-popularity-count", "two")
    ids = [
        shop.runtime.get_recommendations(campaignArn=c, userId="u1")["recommendationId"]
        for c in (one, one, two)
    ]
    for rid in ids:
        assert len(rid) == 40
        assert re.fullmatch(r"RID-[0-9a-f-]{25}-CID-[0-9a-f]{6}", rid)
    assert ids[0][-6:] == ids[1][-6:] != ids[2][-6:]
