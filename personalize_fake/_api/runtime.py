"""The personalize-runtime service: GetRecommendations, GetPersonalizedRanking,
GetActionRecommendations.

Each request is answered the same way (:func:`answer`, which batch jobs use for each input
line too): the campaign's or recommender's model ranks candidates (or a test's declared
answer does), a domain use case drops what the user bought or watched, the request's filter
keeps what it passes, a promotion takes its share of the slots from candidates its own filter
passes, and the first ``numResults`` are returned with the metadata asked for. Which ids a
request needs follows the recipe (``Recipe.user_id``/``item_id``). See docs/runtime.md.
"""

from __future__ import annotations

import itertools
import random
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from personalize_fake._api.answer_items import (
    item_of,
    place,
    plain_items,
    promoted_count,
    wanted_columns,
)
from personalize_fake._api.answers import declared
from personalize_fake._api.filters import Filter
from personalize_fake._api.group_data import GroupData, user_events
from personalize_fake._api.registry import operation
from personalize_fake._api.serving import Served, target
from personalize_fake._api.serving import campaign as served_campaign
from personalize_fake._domain.engine.data import Query, Scored
from personalize_fake._domain.filters import reads_current_item, reads_current_user
from personalize_fake._domain.recipes import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    RELATED_ITEMS,
    USER_SEGMENTATION,
)
from personalize_fake._errors import InvalidInput
from personalize_fake._state.resource import ACTIVE, now
from personalize_fake._state.store import RegionState

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
DEFAULT_ACTIONS = 5
MAX_ACTIONS = 100
"""The documented defaults and maxima (developer guide, quotas; API reference)."""

_OPERATION_FOR = {
    PERSONALIZED_RANKING: "GetPersonalizedRanking",
    PERSONALIZED_ACTIONS: "GetActionRecommendations",
    USER_SEGMENTATION: "a batch segment job (CreateBatchSegmentJob)",
}
_IDS = random.Random(secrets.randbits(128))
"""Where recommendation ids' digits come from: unique, not secret, cheaper than urandom."""
Predicate = Callable[[str], bool]
Ranking = Callable[[], Iterator[Scored]]
"""Candidates best first, afresh at each call (a promotion walks them twice)."""


def recommendation_id(served: Served) -> str:
    """``RID-``, 25 fresh characters shaped like a UUID's last 25, ``-CID-`` and the
    resource's six hex digits: 40 characters, as real responses show."""
    digits = f"{_IDS.getrandbits(88):022x}"  # a UUID's last 25 characters: 2-4-4-12 hex
    return f"RID-{digits[:2]}-{digits[2:6]}-{digits[6:10]}-{digits[10:]}-CID-{served.cid}"


def _require_ids(served: Served, user_id: str | None, item_id: str | None) -> None:
    """The ids the recipe or use case needs."""
    recipe = served.recipe
    what = f"{'use case' if recipe.domain else 'recipe'} {recipe.name}"
    if recipe.item_id == "required" and item_id is None:
        raise InvalidInput(f"itemId is required for recommendations from the {what}.")
    if recipe.user_id == "required" and user_id is None:
        raise InvalidInput(f"userId is required for recommendations from the {what}.")


def _filter(
    state: RegionState,
    served: Served,
    filter_arn: str | None,
    values: Mapping[str, str] | None,
    *,
    user: str | None,
    item: str | None,
    data: GroupData,
    member: str = "filterArn",
) -> Predicate | None:
    """The request's (or a promotion's) filter as a predicate on candidate ids."""
    if filter_arn is None:
        if values:
            raise InvalidInput(f"filterValues are given without a filter ({member}).")
        return None
    found = state.get(Filter, filter_arn)
    if found.dataset_group_arn != served.group_arn:
        raise InvalidInput(
            f"Filter {filter_arn} belongs to dataset group {found.dataset_group_arn}, not to "
            f"{served.group_arn}, which {served.arn} is of."
        )
    if found.status != ACTIVE:
        raise InvalidInput(f"Filter {filter_arn} is not ACTIVE (its status is {found.status}).")
    tree = found.tree
    wanted = "ActionID" if served.recipe.recipe_type == PERSONALIZED_ACTIONS else "ItemID"
    if tree.target != wanted:
        raise InvalidInput(
            f"Filter {filter_arn} filters {tree.target}; {served.arn} returns {wanted}s."
        )
    if user is None and reads_current_user(tree):
        raise InvalidInput(
            f"userId is required with filter {filter_arn}: it reads the current user's "
            "interactions or fields."
        )
    if reads_current_item(tree) and served.recipe.recipe_type != RELATED_ITEMS:
        raise InvalidInput(
            f"Filter {filter_arn} names CurrentItem, which only related-items recipes and use "
            f"cases take; {served.recipe.name} is {served.recipe.recipe_type}."
        )
    from personalize_fake._domain.filter_eval import compile_filter  # a FilterValueError is
    # an InvalidInput

    return compile_filter(tree, values or {}, data, user=user, item=item, action=None)


def _auto_filter(served: Served, user: str | None, data: GroupData) -> Predicate | None:
    """A domain use case's own exclusion: items the user bought (or watched), newest 100."""
    kind = served.recipe.auto_filter
    if kind is None or user is None:
        return None
    wanted = kind.lower()
    done = {i for i, k in data.interacted("INTERACTIONS", user) if k.lower() == wanted}
    return (lambda candidate: candidate not in done) if done else None


def _recent(state: RegionState, served: Served, user: str | None) -> list[tuple[str, str]]:
    """What the user did through personalize-events after training ended, for the recipes
    that use it at once."""
    arn = served.real_time
    if arn is None or user is None:
        return []
    rows = state.store.rows.get(arn)
    if rows is None:
        return []
    mark = served.source.mark
    if rows.appended == mark:  # nothing recorded since training
        return []
    action = served.source.training_type == "ACTION_INTERACTIONS"
    return user_events(state, arn, mark, action).of(user, mark, put_only=True)


def ranking(state: RegionState, served: Served, query: Query) -> tuple[Ranking, bool]:
    """Where candidates come from (a declared answer, else the model), and whether their
    scores are shown (a declared score always is)."""
    answer = declared(state, served.arn, query.user, query.item)
    if answer is not None:
        return (lambda: iter(answer)), True
    model = served.model(state)
    return (lambda: model.recommend(query)), model.scored


def _take(candidates: Iterable[Scored], keep: Sequence[Predicate], count: int) -> list[Scored]:
    """The first ``count`` candidates every check in ``keep`` passes."""
    if count <= 0:
        return []
    if not keep:
        return list(itertools.islice(candidates, count))
    if len(keep) == 1:
        return list(itertools.islice((c for c in candidates if keep[0](c[0])), count))
    passing = (c for c in candidates if all(check(c[0]) for check in keep))
    return list(itertools.islice(passing, count))


def answer(
    state: RegionState,
    served: Served,
    *,
    user_id: str | None = None,
    item_id: str | None = None,
    num_results: int = DEFAULT_RESULTS,
    filter_arn: str | None = None,
    filter_values: Mapping[str, str] | None = None,
    promotions: Sequence[Mapping[str, Any]] | None = None,
    columns: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Items for one GetRecommendations request (or batch input line), as ``itemList``."""
    data = GroupData(state, served.group_arn)
    keep = _filter(state, served, filter_arn, filter_values, user=user_id, item=item_id, data=data)
    when = now() if served.timed else 0.0
    query = Query(user_id, item_id, recent=_recent(state, served, user_id), now=when)
    candidates, scores = ranking(state, served, query)
    auto = _auto_filter(served, user_id, data)
    checks = [c for c in (auto, keep) if c is not None]
    if not promotions:
        found = _take(candidates(), checks, num_results)
        if columns:
            return [item_of(s, None, data, columns, scores) for s in found]
        return plain_items(found, scores)
    promotion = promotions[0]
    if promotion.get("filterArn") is None:
        raise InvalidInput("A promotion needs a filterArn: the filter that picks its items.")
    lift = _filter(
        state,
        served,
        promotion["filterArn"],
        promotion.get("filterValues"),
        user=user_id,
        item=item_id,
        data=data,
        member="promotions.filterArn",
    )
    assert lift is not None
    wanted = promoted_count(
        num_results, int(promotion.get("percentPromotedItems") or 0), state.settings
    )
    promoted = _take(candidates(), [c for c in (auto, lift) if c is not None], wanted)
    lifted = {s[0] for s in promoted}
    checks.append(lambda candidate: candidate not in lifted)
    rest = _take(candidates(), checks, num_results - len(promoted))
    name = str(promotion.get("name") or "")
    placed = place(served, f"{user_id}|{item_id}", rest, promoted, name)
    return [item_of(s, p, data, columns, scores) for s, p in placed]


def rank(
    state: RegionState,
    served: Served,
    *,
    user_id: str,
    input_list: Sequence[str],
    filter_arn: str | None = None,
    filter_values: Mapping[str, str] | None = None,
    columns: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """``input_list`` ordered for the user (one GetPersonalizedRanking, or batch line)."""
    data = GroupData(state, served.group_arn)
    keep = _filter(state, served, filter_arn, filter_values, user=user_id, item=None, data=data)
    query = Query(
        user_id, items=tuple(input_list), recent=_recent(state, served, user_id), now=now()
    )
    answer = declared(state, served.arn, user_id, None)
    if answer is not None:  # the declared order of the inputs, then the others unscored
        position = {item: n for n, (item, _) in enumerate(answer)}
        scores = dict(answer)
        inputs = list(dict.fromkeys(input_list))
        known = sorted((i for i in inputs if i in position), key=position.__getitem__)
        found: Iterable[Scored] = [
            *((i, scores[i]) for i in known),
            *((i, None) for i in inputs if i not in position),
        ]
    else:
        found = served.model(state).recommend(query)
    taken = _take(found, [keep] if keep else [], len(input_list))
    return [item_of(s, None, data, columns, True) for s in taken]


def _type_check(served: Served, operation_name: str) -> None:
    kind = served.recipe.recipe_type
    right = _OPERATION_FOR.get(kind, "GetRecommendations")
    if right != operation_name:
        raise InvalidInput(
            f"{served.arn} serves a {kind} recipe ({served.recipe.name}); use {right} for it, "
            f"not {operation_name}."
        )


@operation
def get_recommendations(
    state: RegionState,
    *,
    campaign_arn: str | None = None,
    recommender_arn: str | None = None,
    item_id: str | None = None,
    user_id: str | None = None,
    num_results: int | None = None,
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    promotions: list[dict[str, Any]] | None = None,
    metadata_columns: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    served = target(state, campaign_arn, recommender_arn)
    _type_check(served, "GetRecommendations")
    count = DEFAULT_RESULTS if num_results is None else num_results
    if count > MAX_RESULTS:
        raise InvalidInput(f"numResults must be at most {MAX_RESULTS}, not {count}.")
    columns = wanted_columns(state, served, metadata_columns, count, "numResults")
    if promotions and served.recipe.name == "aws-vod-trending-now":
        raise InvalidInput("The Trending now use case does not support promotions.")
    _require_ids(served, user_id, item_id)
    items = answer(
        state,
        served,
        user_id=user_id,
        item_id=item_id if served.recipe.item_id != "not used" else None,
        num_results=count,
        filter_arn=filter_arn,
        filter_values=filter_values,
        promotions=promotions,
        columns=columns,
    )
    return {"itemList": items, "recommendationId": recommendation_id(served)}


@operation
def get_personalized_ranking(
    state: RegionState,
    *,
    campaign_arn: str,
    input_list: list[str],
    user_id: str,
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    metadata_columns: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    served = served_campaign(state, campaign_arn)
    _type_check(served, "GetPersonalizedRanking")
    if len(input_list) > MAX_RESULTS:
        raise InvalidInput(f"inputList holds {len(input_list)} items; at most {MAX_RESULTS}.")
    columns = wanted_columns(state, served, metadata_columns, len(input_list), "inputList's length")
    ranked = rank(
        state,
        served,
        user_id=user_id,
        input_list=input_list,
        filter_arn=filter_arn,
        filter_values=filter_values,
        columns=columns,
    )
    return {"personalizedRanking": ranked, "recommendationId": recommendation_id(served)}


@operation
def get_action_recommendations(
    state: RegionState,
    *,
    campaign_arn: str | None = None,
    user_id: str | None = None,
    num_results: int | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
) -> dict[str, Any]:
    if campaign_arn is None:
        raise InvalidInput("campaignArn is required: the Next-Best-Action campaign to ask.")
    served = served_campaign(state, campaign_arn)
    _type_check(served, "GetActionRecommendations")
    if user_id is None:
        raise InvalidInput(f"userId is required for action recommendations from {campaign_arn}.")
    count = DEFAULT_ACTIONS if num_results is None else num_results
    if count > MAX_ACTIONS:
        raise InvalidInput(f"numResults must be at most {MAX_ACTIONS}, not {count}.")
    data = GroupData(state, served.group_arn)
    keep = _filter(state, served, filter_arn, filter_values, user=user_id, item=None, data=data)
    query = Query(user_id, recent=_recent(state, served, user_id), now=now())
    candidates, _ = ranking(state, served, query)
    found = _take(candidates(), [keep] if keep else [], count)
    actions = [{"actionId": a, "score": 0.0 if s is None else s} for a, s in found]
    return {"actionList": actions, "recommendationId": recommendation_id(served)}
