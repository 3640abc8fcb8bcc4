"""The recommendation engine by itself: each recipe family's answers follow from tiny
hand-made data (no boto3, no store)."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from personalize_fake._domain.engine import (
    FAMILIES,
    Config,
    Interactions,
    Model,
    Query,
    TrainingData,
    train,
)
from personalize_fake._domain.recipes import catalogue

Row = tuple[Any, ...]
"""(user, item, time[, event type[, value]])."""


def training(
    rows: Iterable[Row],
    items: Mapping[str, Mapping[str, Any]] | None = None,
    actions: Mapping[str, Mapping[str, Any]] | None = None,
    now: float = 0.0,
) -> TrainingData:
    """Training data from rows of (user, item, time, event type, value)."""
    users: dict[str, int] = {}
    item_ids: dict[str, int] = {}
    events: dict[str, int] = {}
    columns: dict[str, list[Any]] = {k: [] for k in ("u", "i", "t", "e", "v")}
    for row in rows:
        user, item, when = row[:3]
        event = row[3] if len(row) > 3 else "click"
        value = row[4] if len(row) > 4 else math.nan
        columns["u"].append(users.setdefault(user, len(users)))
        columns["i"].append(item_ids.setdefault(item, len(item_ids)))
        columns["t"].append(float(when))
        columns["e"].append(events.setdefault(event, len(events)))
        columns["v"].append(float(value))
    interactions = Interactions(
        users=columns["u"],
        items=columns["i"],
        times=columns["t"],
        event_types=columns["e"],
        values=columns["v"],
        user_ids=list(users),
        item_ids=list(item_ids),
        event_type_names=list(events),
    )
    return TrainingData(interactions, items=items or {}, actions=actions or {}, now=now)


def baskets(*histories: tuple[str, str]) -> list[Row]:
    """Rows from (user, "item item ...") pairs, each user's items at times 1, 2, 3..."""
    return [
        (user, item, when)
        for user, items in histories
        for when, item in enumerate(items.split(), 1)
    ]


def ranked(model: Model, **query: Any) -> list[str]:
    """The ids a model answers, best first."""
    return [item for item, _ in model.recommend(Query(**query))]


def scored(model: Model, **query: Any) -> list[tuple[str, float | None]]:
    return list(model.recommend(Query(**query)))


# -- popularity --------------------------------------------------------------------------


def test_popularity_count_puts_the_most_interacted_item_first() -> None:
    """Interactions are counted per item (repeats count, every user); ties go by id."""
    rows = baskets(("u1", "b a c"), ("u2", "c b"), ("u3", "c c d"))
    model = train(Config("aws-popularity-count"), training(rows))
    assert ranked(model, user="u1") == ["c", "b", "a", "d"]
    assert not model.scored
    assert {score for _, score in scored(model, user="u1")} == {None}


def test_popularity_count_ignores_recent_events() -> None:
    """Events after training change nothing until a new version (as AWS documents)."""
    model = train(Config("aws-popularity-count"), training(baskets(("u1", "a a b"))))
    assert ranked(model, user="u1", recent=[("b", "click")] * 5) == ["a", "b"]


def test_trending_now_weighs_recent_events_by_the_discovery_frequency() -> None:
    """With a 2-hour half-life two events 10 hours newer beat five old ones; with a day's
    half-life the five still win."""
    hour = 3600.0
    rows = [(f"u{k}", "old", 0.0) for k in range(5)] + [(f"v{k}", "new", 10 * hour) for k in (1, 2)]
    assert ranked(train(Config("aws-trending-now"), training(rows))) == ["new", "old"]
    daily = Config("aws-trending-now", hyperparameters={"trend_discovery_frequency": "1 day"})
    assert ranked(train(daily, training(rows))) == ["old", "new"]


def test_domain_best_sellers_count_purchases_only() -> None:
    """ "Best sellers" trains on Purchase events, whatever is viewed more."""
    rows = [
        ("u1", "viewed", 1, "View"),
        ("u2", "viewed", 2, "View"),
        ("u1", "bought", 3, "Purchase"),
    ]
    model = train(Config("aws-ecomm-popular-items-by-purchases"), training(rows))
    assert ranked(model, user="u1") == ["bought"]
    views = train(Config("aws-ecomm-popular-items-by-views"), training(rows))
    assert ranked(views, user="u1") == ["viewed"]


# -- related items -----------------------------------------------------------------------

SHOP = baskets(
    ("u1", "x y"),
    ("u2", "x y z"),
    ("u3", "x y"),
    ("u4", "z w"),
    ("u5", "w p"),
    ("u6", "p p p q"),
)


def test_sims_answers_what_co_occurs_with_the_item_first_then_popular_items() -> None:
    """y (with x three times) first, z (once) next; the rest follow by popularity; x itself
    never."""
    model = train(Config("aws-sims"), training(SHOP))
    answer = ranked(model, item="x")
    assert answer[:2] == ["y", "z"]
    assert "x" not in answer
    assert sorted(answer) == ["p", "q", "w", "y", "z"]
    assert answer[2] == "p"


def test_sims_for_an_unknown_item_answers_popular_items() -> None:
    model = train(Config("aws-sims"), training(SHOP))
    assert ranked(model, item="never-seen")[:3] == ["p", "x", "y"]


def test_sims_ignores_recent_events_and_does_not_score() -> None:
    model = train(Config("aws-sims"), training(SHOP))
    before = scored(model, item="x", user="u9")
    after = scored(model, item="x", user="u9", recent=[("q", "click"), ("x", "click")])
    assert before == after
    assert {score for _, score in before} == {None}


def test_sims_min_cointeraction_count_when_set() -> None:
    """With min_cointeraction_count 2, z (once with x) is no neighbour: popular items come
    right after y."""
    config = Config("aws-sims", hyperparameters={"min_cointeraction_count": "2"})
    assert ranked(train(config, training(SHOP)), item="x")[:2] == ["y", "p"]


def test_customers_who_viewed_uses_view_events_only() -> None:
    rows = [
        ("u1", "x", 1, "View"),
        ("u1", "y", 2, "View"),
        ("u2", "x", 1, "Purchase"),
        ("u2", "z", 2, "Purchase"),
    ]
    model = train(Config("aws-ecomm-customers-who-viewed-x-also-viewed"), training(rows))
    assert ranked(model, item="x", user="u1") == ["y"]


def test_similar_items_relates_items_by_shared_metadata_too() -> None:
    """A cold item sharing x's genre follows x's co-occurring items, before unrelated ones."""
    items = {
        "x": {"ITEM_ID": "x", "GENRE": "Drama|War"},
        "cold": {"ITEM_ID": "cold", "GENRE": "drama", "PRICE": 3.0},
        "p": {"ITEM_ID": "p", "GENRE": "Comedy"},
    }
    model = train(Config("aws-similar-items"), training(SHOP, items=items))
    answer = ranked(model, item="x")
    assert answer[:3] == ["y", "cold", "z"]
    assert train(Config("aws-sims"), training(SHOP, items=items)).recommend(Query(item="cold"))


def test_semantic_similarity_relates_items_by_shared_words() -> None:
    items = {
        "x": {"ITEM_ID": "x", "DESCRIPTION": "A quiet story about the sea"},
        "sea": {"ITEM_ID": "sea", "DESCRIPTION": "The sea and its storms"},
        "car": {"ITEM_ID": "car", "DESCRIPTION": "Fast cars"},
    }
    rows = baskets(("u1", "car car"), ("u2", "x"))
    model = train(Config("aws-semantic-similarity"), training(rows, items=items))
    assert ranked(model, item="x") == ["sea", "car"]


# -- user personalization ----------------------------------------------------------------


def test_user_personalization_ranks_a_users_neighbours_items_above_unrelated_ones() -> None:
    """u1 has x: y (with x for three users) and z (once) come before w, p and q."""
    model = train(Config("aws-user-personalization"), training(SHOP))
    answer = ranked(model, user="u1")
    assert answer.index("y") < answer.index("z") < min(answer.index(k) for k in "wpq")


def test_user_personalization_cold_user_gets_popular_items() -> None:
    model = train(Config("aws-user-personalization"), training(SHOP))
    assert ranked(model, user="nobody")[:3] == ["p", "x", "y"]


def test_user_personalization_uses_recent_events_at_once() -> None:
    """A new user who clicked w gets what co-occurs with w (z and p) first."""
    model = train(Config("aws-user-personalization"), training(SHOP))
    assert ranked(model, user="new", recent=[("w", "click")])[:2] == ["p", "z"]
    assert ranked(model, user="new")[:2] == ["p", "x"]


def test_user_personalization_recent_events_of_another_type_do_not_count() -> None:
    model = train(Config("aws-user-personalization", event_type="click"), training(SHOP))
    assert ranked(model, user="new", recent=[("w", "buy")]) == ranked(model, user="new")


def test_user_personalization_scores_are_a_distribution_over_the_catalogue() -> None:
    """Every item once, each score in (0, 1], all summing to at most 1, 7 significant
    digits, best first."""
    model = train(Config("aws-user-personalization"), training(SHOP))
    answer = scored(model, user="u2")
    scores = [s for _, s in answer]
    assert sorted(i for i, _ in answer) == ["p", "q", "w", "x", "y", "z"]
    assert all(s is not None and 0 < s <= 1 for s in scores)
    assert 0.999 < math.fsum(s for s in scores if s is not None) <= 1
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert all(s == float(f"{s:.7g}") for s in scores)  # type: ignore[str-format]


def test_answers_are_deterministic_and_ties_break_by_id() -> None:
    """Items nothing separates come in id order, in every run."""
    rows = baskets(("u1", "b"), ("u2", "a"), ("u3", "c"))
    for recipe in ("aws-user-personalization", "aws-popularity-count", "aws-sims"):
        model = train(Config(recipe), training(rows))
        assert ranked(model, user="u9", item="zz") == ["a", "b", "c"], recipe
    first = scored(train(Config("aws-user-personalization"), training(SHOP)), user="u3")
    assert first == scored(train(Config("aws-user-personalization"), training(SHOP)), user="u3")


def test_domain_recommended_for_you_does_not_score() -> None:
    """Unscored; u1's newest item y goes with x most (the auto-filter is the caller's)."""
    model = train(Config("aws-ecomm-recommended-for-you"), training(SHOP))
    answer = scored(model, user="u1")
    assert {s for _, s in answer} == {None}
    assert answer[0][0] == "x"


def test_event_value_threshold_drops_low_valued_interactions() -> None:
    rows = [
        ("u1", "a", 1, "click", 0.2),
        ("u2", "a", 1, "click", 0.1),
        ("u3", "b", 1, "click", 0.9),
    ]
    model = train(Config("aws-popularity-count", event_value_threshold=0.5), training(rows))
    assert ranked(model, user="u1") == ["b"]


# -- personalized ranking ----------------------------------------------------------------


def test_ranking_reorders_the_input_by_affinity_with_unknown_items_last_unscored() -> None:
    """Every input item once (a duplicate keeps its first place), known items by the user's
    affinity, scored over the input list; unknown ones appended in input order, unscored."""
    model = train(Config("aws-personalized-ranking"), training(SHOP))
    inputs = ["new2", "q", "y", "new1", "z", "q"]
    answer = scored(model, user="u1", items=inputs)
    assert [i for i, _ in answer] == ["y", "z", "q", "new2", "new1"]
    scores = [s for _, s in answer[:3]]
    assert all(s is not None and 0 < s <= 1 for s in scores)
    assert 0.999 < math.fsum(s for s in scores if s is not None) <= 1
    assert [s for _, s in answer[3:]] == [None, None]


def test_ranking_uses_recent_events() -> None:
    model = train(Config("aws-personalized-ranking"), training(SHOP))
    assert ranked(model, user="new", items=["x", "p"])[0] == "p"
    assert ranked(model, user="new", items=["x", "p"], recent=[("y", "click")])[0] == "x"


# -- next best action --------------------------------------------------------------------


def _action_rows(taken: dict[str, int], not_taken: dict[str, int]) -> list[Row]:
    rows: list[Row] = []
    for action, count in taken.items():
        rows += [(f"t{action}{k}", action, k, "TAKEN") for k in range(count)]
    for action, count in not_taken.items():
        rows += [(f"n{action}{k}", action, k, "NOT_TAKEN") for k in range(count)]
    return rows


def test_next_best_action_ranks_by_take_rate_with_zero_scores_below_the_threshold() -> None:
    """b (2 of 3 taken) before a (1 of 3); below 50 and 50 every score is 0.0; an action
    known only from the Actions dataset comes last."""
    rows = _action_rows({"a": 1, "b": 2}, {"a": 2, "b": 1})
    model = train(Config("aws-next-best-action"), training(rows, actions={"c": {"VALUE": 1}}))
    assert scored(model, user="u") == [("b", 0.0), ("a", 0.0), ("c", 0.0)]


def test_next_best_action_scores_are_propensities_once_trained_enough() -> None:
    rows = _action_rows({"a": 20, "b": 40}, {"a": 40, "b": 20})
    model = train(Config("aws-next-best-action"), training(rows))
    assert scored(model, user="u") == [("b", 0.6666666), ("a", 0.3333333)]


def test_next_best_action_ties_go_to_the_higher_value_then_the_id() -> None:
    rows = _action_rows({"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 1})
    actions = {"a": {"VALUE": 1}, "b": {"VALUE": 5}, "c": {"VALUE": "1"}}
    model = train(Config("aws-next-best-action"), training(rows, actions=actions))
    assert ranked(model, user="u") == ["b", "a", "c"]


def test_next_best_action_drops_expired_actions_and_recently_taken_repeats() -> None:
    day = 86400.0
    rows = [
        *_action_rows({"a": 2, "b": 1, "c": 1}, {"b": 1, "c": 1}),
        ("me", "c", 9 * day, "TAKEN"),
    ]
    actions = {
        "a": {"ACTION_EXPIRATION_TIMESTAMP": 5 * day},
        "c": {"REPEAT_FREQUENCY": 2},
        "d": {"REPEAT_FREQUENCY": 2},
    }
    model = train(Config("aws-next-best-action"), training(rows, actions=actions))
    assert ranked(model, user="me", now=4 * day) == ["a", "c", "b", "d"]
    assert ranked(model, user="me", now=10 * day) == ["b", "d"]
    assert ranked(model, user="me", now=12 * day) == ["c", "b", "d"]
    assert ranked(model, user="me", now=12 * day, recent=[("d", "TAKEN")]) == ["c", "b"]


def test_next_best_action_blends_the_users_own_take_rate() -> None:
    """A user who keeps not taking b sees a first."""
    rows = [*_action_rows({"a": 1, "b": 2}, {"a": 2, "b": 1}), ("me", "b", 9, "NOT_TAKEN")]
    model = train(Config("aws-next-best-action"), training(rows))
    assert ranked(model, user="someone") == ["b", "a"]
    assert ranked(model, user="me") == ["a", "b"]


# -- segmentation ------------------------------------------------------------------------


def test_segmentation_ranks_users_by_affinity_to_the_items() -> None:
    """Users who had z first (u2, u4, by id), then those whose history goes with z (x, w),
    then the rest by id."""
    model = train(Config("aws-item-affinity"), training(SHOP))
    users = model.segment({"z", "unknown"})
    assert users[:2] == ["u2", "u4"]
    assert set(users[2:5]) == {"u1", "u3", "u5"}
    assert users[5:] == ["u6"]
    with pytest.raises(ValueError):
        model.recommend(Query(user="u1"))


# -- the catalogue -----------------------------------------------------------------------


def test_every_recipe_of_the_catalogue_has_a_model_and_unknown_names_fail() -> None:
    names = {r.name for r in catalogue().recipes.values()}
    assert names == set(FAMILIES)
    with pytest.raises(ValueError, match="aws-nothing"):
        train(Config("aws-nothing"), training(SHOP))


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_recipe_trains_on_empty_data(name: str) -> None:
    """No interactions: a model that answers nothing (or the Actions dataset's actions)."""
    model = train(Config(name), training([]))
    if FAMILIES[name] == "segments":
        assert model.segment({"x"}) == []
    elif FAMILIES[name] == "ranking":
        assert scored(model, user="u", items=["a"]) == [("a", None)]
    else:
        assert ranked(model, user="u", item="x") == []


def test_the_contract_imports_without_numpy() -> None:
    """``import personalize_fake`` and the engine's contract (``engine.data``) load no
    numpy or scipy: the API imports those only when a version is first trained."""
    code = (
        "import sys, personalize_fake, personalize_fake._domain.engine.data; "
        "print(*sorted(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
    assert "personalize_fake._domain.engine.data" in loaded
    assert not {"numpy", "scipy"} & loaded
