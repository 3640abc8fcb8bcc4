"""Filters, promotions and declared answers at runtime, through boto3 (tests/shop.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from shop import Shop

from personalize_fake import PersonalizeFake

pytestmark = pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)


@pytest.fixture
def shop(personalize_fake: PersonalizeFake) -> Shop:
    return Shop()


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


# -- filters ----------------------------------------------------------------------------


def test_an_event_type_filter_drops_what_the_user_clicked(shop: Shop) -> None:
    """``EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")`` removes u3's own items."""
    campaign = shop.campaign("aws-popularity-count")
    seen = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    assert shop.recommend(campaign, userId="u3", filterArn=seen)[:2] == ["d", "e"]


def test_a_filter_sees_events_recorded_after_training(shop: Shop) -> None:
    """Events put after the version trained count for filters at once."""
    campaign = shop.campaign("aws-popularity-count")
    seen = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    shop.click("u6", "b")
    assert shop.recommend(campaign, userId="u6", filterArn=seen)[:2] == ["c", "d"]


def test_an_items_filter_with_a_placeholder(shop: Shop) -> None:
    """``INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)`` keeps the genre the request names,
    its value quoted as AWS requires."""
    campaign = shop.campaign("aws-popularity-count")
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)")
    found = shop.recommend(campaign, userId="u1", filterArn=genre, filterValues={"GENRE": '"y"'})
    assert found[:2] == ["b", "d"]
    assert set(found) <= {"b", "d", "f"}


def test_a_numeric_filter(shop: Shop) -> None:
    """``Items.PRICE < $MAX`` compares numbers; an unquoted number is taken."""
    campaign = shop.campaign("aws-popularity-count")
    cheap = shop.filter("INCLUDE ItemID WHERE Items.PRICE < $MAX")
    found = shop.recommend(campaign, userId="u1", filterArn=cheap, filterValues={"MAX": "12"})
    assert found == ["a", "b"]


def test_a_missing_include_value_is_invalid_input(shop: Shop) -> None:
    """An INCLUDE filter's placeholder needs its value."""
    campaign = shop.campaign("aws-popularity-count")
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)")
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign, userId="u1", filterArn=genre)
    assert _code(refused) == "InvalidInputException"
    assert "GENRE" in str(refused.value)


def test_a_filter_of_another_group_is_invalid_input(personalize_fake: PersonalizeFake) -> None:
    """A filter must belong to the campaign's dataset group."""
    shop, other = Shop("one"), Shop("two")
    campaign = shop.campaign("aws-popularity-count")
    foreign = other.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign, userId="u1", filterArn=foreign)
    assert _code(refused) == "InvalidInputException"


def test_a_filter_fills_the_answer_from_further_down(shop: Shop) -> None:
    """Filtered-out items leave no gap: ``numResults`` items still come, if there are."""
    campaign = shop.campaign("aws-popularity-count")
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)")
    found = shop.recommend(
        campaign, userId="u1", numResults=2, filterArn=genre, filterValues={"GENRE": '"x"'}
    )
    assert found == ["a", "c"]


# -- promotions -------------------------------------------------------------------------


def test_a_promotion_takes_its_share_marked_with_its_name(shop: Shop) -> None:
    """60% of 4 results rounds to 2 promoted items of the promotion's filter, marked with
    ``promotionName``, in their own order; the rest are the request's."""
    campaign = shop.campaign("aws-popularity-count")
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)")
    items = shop.runtime.get_recommendations(
        campaignArn=campaign,
        userId="u1",
        numResults=4,
        promotions=[
            {
                "name": "ys",
                "percentPromotedItems": 60,
                "filterArn": genre,
                "filterValues": {"GENRE": '"y"'},
            }
        ],
    )["itemList"]
    promoted = [i["itemId"] for i in items if i.get("promotionName") == "ys"]
    others = [i["itemId"] for i in items if "promotionName" not in i]
    assert promoted == ["b", "d"]
    assert others == ["a", "c"]


def test_a_promotion_is_placed_the_same_way_each_time(shop: Shop) -> None:
    """Promoted positions are drawn from the request, so an answer repeats."""
    campaign = shop.campaign("aws-popularity-count")
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)")
    promotion = {
        "name": "p",
        "percentPromotedItems": 50,
        "filterArn": genre,
        "filterValues": {"GENRE": '"y"'},
    }
    answers = [
        shop.runtime.get_recommendations(
            campaignArn=campaign, userId="u1", numResults=4, promotions=[promotion]
        )["itemList"]
        for _ in range(2)
    ]
    assert answers[0] == answers[1]


# -- declared answers -------------------------------------------------------------------


def test_a_declared_answer_wins_over_the_model(
    shop: Shop, personalize_fake: PersonalizeFake
) -> None:
    """What a test declares for a user is what that user gets; others get the model's."""
    campaign = shop.campaign("aws-user-personalization")
    personalize_fake.declare(campaign, [("f", 0.9), ("e", 0.1)], user="u1")
    items = shop.runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"]
    assert items == [{"itemId": "f", "score": 0.9}, {"itemId": "e", "score": 0.1}]
    assert shop.recommend(campaign, userId="u2")[0] != "f"


def test_declared_answers_for_items_and_by_default(
    shop: Shop, personalize_fake: PersonalizeFake
) -> None:
    """An item's declaration answers that item; the default answers every other request."""
    campaign = shop.campaign("aws-sims")
    personalize_fake.declare(campaign, ["e", "d"], item="a")
    personalize_fake.declare(campaign, ["f"])
    assert shop.recommend(campaign, itemId="a") == ["e", "d"]
    assert shop.recommend(campaign, itemId="b") == ["f"]
    personalize_fake.forget_declared(campaign)
    assert shop.recommend(campaign, itemId="a")[0] == "b"


def test_declared_answers_pass_through_filters_and_num_results(
    shop: Shop, personalize_fake: PersonalizeFake
) -> None:
    """A declared answer is filtered and cut like a computed one."""
    campaign = shop.campaign("aws-user-personalization")
    personalize_fake.declare(campaign, ["a", "b", "c", "d", "e"], user="u6")
    seen = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    assert shop.recommend(campaign, userId="u6", filterArn=seen, numResults=2) == ["b", "c"]


def test_declaring_for_an_unknown_arn_fails_loudly(personalize_fake: PersonalizeFake) -> None:
    """A declaration needs a campaign or recommender the fake holds."""
    with pytest.raises(KeyError, match="no campaign or recommender"):
        personalize_fake.declare("arn:aws:personalize:us-east-1:123456789012:campaign/x", ["a"])


def test_a_declared_ranking_orders_the_input_list(
    shop: Shop, personalize_fake: PersonalizeFake
) -> None:
    """A ranking campaign orders ``inputList`` by the declaration, the others last unscored."""
    campaign = shop.campaign("aws-personalized-ranking")
    personalize_fake.declare(campaign, [("d", 0.7), ("a", 0.3)], user="u1")
    ranked = shop.runtime.get_personalized_ranking(
        campaignArn=campaign, userId="u1", inputList=["a", "b", "d"]
    )["personalizedRanking"]
    assert ranked == [
        {"itemId": "d", "score": 0.7},
        {"itemId": "a", "score": 0.3},
        {"itemId": "b"},
    ]
