"""Filters, promotions and declared answers at runtime, through boto3 (tests/shop.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from shop import GENRES, Shop, code

from personalize_fake import PersonalizeFake

pytestmark = pytest.mark.personalize_fake(lifecycle="instant", minimum_training_data=False)


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
    assert code(refused) == "InvalidInputException"
    assert "GENRE" in str(refused.value)


def test_a_filter_of_another_group_is_invalid_input(personalize_fake: PersonalizeFake) -> None:
    """A filter must belong to the campaign's dataset group."""
    shop, other = Shop("one"), Shop("two")
    campaign = shop.campaign("aws-popularity-count")
    foreign = other.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign, userId="u1", filterArn=foreign)
    assert code(refused) == "InvalidInputException"


def test_a_filter_fills_the_answer_from_further_down(shop: Shop) -> None:
    """Filtered-out items leave no gap: ``numResults`` items still come, if there are."""
    campaign = shop.campaign("aws-popularity-count")
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)")
    found = shop.recommend(
        campaign, userId="u1", numResults=2, filterArn=genre, filterValues={"GENRE": '"x"'}
    )
    assert found == ["a", "c"]


USER_FILTERS = [
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    'EXCLUDE ItemID WHERE Items.GENRE IN ("x") IF CurrentUser.AGE > 18',
]


@pytest.mark.parametrize("expression", USER_FILTERS)
@pytest.mark.parametrize("as_promotion", [False, True], ids=["request", "promotion"])
def test_a_filter_reading_the_user_needs_a_user_id(
    shop: Shop, expression: str, as_promotion: bool
) -> None:
    """A filter on Interactions or with ``IF CurrentUser`` is InvalidInput without a
    ``userId``, as the request's filter and as a promotion's."""
    campaign = shop.campaign("aws-trending-now")
    user = shop.filter(expression)
    request: dict[str, Any] = (
        {"promotions": [{"name": "p", "percentPromotedItems": 50, "filterArn": user}]}
        if as_promotion
        else {"filterArn": user}
    )
    assert shop.recommend(campaign, userId="u1", **request)
    with pytest.raises(ClientError) as refused:
        shop.recommend(campaign, **request)
    assert code(refused) == "InvalidInputException"
    assert "userId" in str(refused.value)


@pytest.mark.parametrize("as_promotion", [False, True], ids=["request", "promotion"])
def test_a_current_item_filter_needs_a_related_items_campaign(
    shop: Shop, as_promotion: bool
) -> None:
    """``CurrentItem`` on a campaign that takes no item is InvalidInput; on SIMS it keeps
    the items of the request's item's genre."""
    same = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE")
    request: dict[str, Any] = (
        {"promotions": [{"name": "p", "percentPromotedItems": 50, "filterArn": same}]}
        if as_promotion
        else {"filterArn": same}
    )
    sims = shop.campaign("aws-sims")
    items = shop.runtime.get_recommendations(campaignArn=sims, itemId="a", **request)["itemList"]
    kept = [i["itemId"] for i in items if "promotionName" in i or not as_promotion]
    assert kept
    assert all(GENRES[i] == "x" for i in kept)
    popular = shop.campaign("aws-popularity-count")
    with pytest.raises(ClientError) as refused:
        shop.recommend(popular, userId="u1", itemId="a", **request)
    assert code(refused) == "InvalidInputException"
    assert "CurrentItem" in str(refused.value)


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


def _genre_promotion(shop: Shop, percent: int, genre: str = "y") -> dict[str, Any]:
    """A promotion of ``percent`` of the slots to items of ``genre``."""
    genres = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", name="genres")
    return {
        "name": "p",
        "percentPromotedItems": percent,
        "filterArn": genres,
        "filterValues": {"GENRE": f'"{genre}"'},
    }


def test_a_promotion_is_placed_by_the_request_not_always_first(shop: Shop) -> None:
    """Promoted positions follow the request: the same request places them the same way,
    and over several users they are not always the first positions."""
    campaign = shop.campaign("aws-popularity-count")
    promotion = _genre_promotion(shop, 50)
    placements = set()
    for user in ("u1", "u2", "u3", "u4", "u5", "u6", "new1", "new2"):
        answers = [
            shop.runtime.get_recommendations(
                campaignArn=campaign, userId=user, numResults=4, promotions=[promotion]
            )["itemList"]
            for _ in range(2)
        ]
        assert answers[0] == answers[1]
        placements.add(tuple(n for n, i in enumerate(answers[0]) if "promotionName" in i))
    assert len(placements) > 1
    assert all(len(p) == 2 for p in placements)


def test_zero_results_with_a_promotion_answer_an_empty_list(shop: Shop) -> None:
    """``numResults=0`` answers nothing, a promotion or not."""
    campaign = shop.campaign("aws-popularity-count")
    promotion = _genre_promotion(shop, 50)
    assert shop.recommend(campaign, userId="u1", numResults=0, promotions=[promotion]) == []


def test_a_promotion_its_filter_starves_gives_what_it_can(shop: Shop) -> None:
    """75% of 4 slots is 3, but of genre ``y`` the model knows only ``b`` and ``d``: the
    promotion takes those two and the request fills the other two slots."""
    campaign = shop.campaign("aws-popularity-count")
    items = shop.runtime.get_recommendations(
        campaignArn=campaign, userId="u1", numResults=4, promotions=[_genre_promotion(shop, 75)]
    )["itemList"]
    promoted = [i["itemId"] for i in items if "promotionName" in i]
    others = [i["itemId"] for i in items if "promotionName" not in i]
    assert promoted == ["b", "d"]
    assert others == ["a", "c"]


@pytest.mark.parametrize(
    "promoted",
    [
        pytest.param(
            counts,
            marks=pytest.mark.personalize_fake(
                lifecycle="instant", minimum_training_data=False, promotion_rounding=rounding
            ),
            id=rounding,
        )
        for rounding, counts in (("down", [1, 1]), ("nearest", [2, 1]), ("up", [2, 2]))
    ],
)
def test_promotion_rounding_is_a_setting(shop: Shop, promoted: list[int]) -> None:
    """Of 5 slots, 30% is 1.5 and 25% is 1.25: ``promotion_rounding`` "down" promotes 1 and
    1, "nearest" 2 and 1, "up" 2 and 2."""
    campaign = shop.campaign("aws-popularity-count")
    promotion = _genre_promotion(shop, 0)
    counts = []
    for percent in (30, 25):
        items = shop.runtime.get_recommendations(
            campaignArn=campaign,
            userId="u1",
            numResults=5,
            promotions=[{**promotion, "percentPromotedItems": percent}],
        )["itemList"]
        assert len(items) == 5
        counts.append(sum("promotionName" in i for i in items))
    assert counts == promoted


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


def test_a_declared_answer_names_each_item_once(
    shop: Shop, personalize_fake: PersonalizeFake
) -> None:
    """An id declared twice is answered once, at its first position with its first score,
    promoted or not."""
    campaign = shop.campaign("aws-user-personalization")
    personalize_fake.declare(campaign, [("f", 0.5), ("e", 0.3), ("f", 0.2)], user="u1")
    items = shop.runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"]
    assert items == [{"itemId": "f", "score": 0.5}, {"itemId": "e", "score": 0.3}]
    promoted = shop.runtime.get_recommendations(
        campaignArn=campaign, userId="u1", numResults=3, promotions=[_genre_promotion(shop, 50)]
    )["itemList"]
    assert sorted(i["itemId"] for i in promoted) == ["e", "f"]


def test_a_users_declaration_beats_an_items(shop: Shop, personalize_fake: PersonalizeFake) -> None:
    """With both declared, a request naming the user and the item gets the user's."""
    campaign = shop.campaign("aws-sims")
    personalize_fake.declare(campaign, ["e"], item="a")
    personalize_fake.declare(campaign, ["d"], user="u1")
    assert shop.recommend(campaign, itemId="a", userId="u1") == ["d"]
    assert shop.recommend(campaign, itemId="a", userId="u2") == ["e"]


def test_a_declaration_goes_with_its_campaign(
    shop: Shop, personalize_fake: PersonalizeFake
) -> None:
    """A campaign deleted and created again at the same ARN answers from its model, not
    from what was declared for the one before."""
    campaign = shop.campaign("aws-popularity-count", "c")
    version = shop.personalize.describe_campaign(campaignArn=campaign)["campaign"][
        "solutionVersionArn"
    ]
    personalize_fake.declare(campaign, ["f"])
    assert shop.recommend(campaign, userId="u1") == ["f"]
    shop.personalize.delete_campaign(campaignArn=campaign)
    again = shop.personalize.create_campaign(name="c", solutionVersionArn=version)["campaignArn"]
    assert again == campaign
    assert shop.recommend(again, userId="u1") == ["a", "b", "c", "d", "e"]
