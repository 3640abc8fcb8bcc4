"""What each item of a runtime answer carries: its score, the promotion that placed it, the
metadata asked for; and where a promotion's items go.

Real responses show metadata by lower-cased column name with every value as text
(``{"price": "130.0"}``), omit ``score`` where the recipe does not score, and mark promoted
items with ``promotionName``. How ``percentPromotedItems`` is rounded is not documented
(``promotion_rounding``); a real response promoted 3 of 5 items at 60%.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from personalize_fake._api.answers import fields_of
from personalize_fake._api.group_data import GroupData
from personalize_fake._api.serving import Served
from personalize_fake._domain.engine.data import Scored
from personalize_fake._errors import InvalidInput
from personalize_fake._settings import Settings
from personalize_fake._state.store import RegionState

MAX_WITH_METADATA = 50
MAX_METADATA_COLUMNS = 10
"""The documented limits with ``metadataColumns``: results (or inputs), and columns."""

_ROUNDING = {
    "nearest": lambda x: math.floor(x + 0.5),
    "down": math.floor,
    "up": math.ceil,
}


def promoted_count(count: int, percent: int, settings: Settings) -> int:
    """``percentPromotedItems`` of ``count`` slots, rounded as ``promotion_rounding`` says,
    at least one of one or more (a promotion asked for gets a slot); none of none."""
    if count <= 0:
        return 0
    rounded = int(_ROUNDING[settings.promotion_rounding](count * percent / 100))
    return max(1, min(count, rounded))


def place(
    served: Served, key: str, rest: list[Scored], promoted: list[Scored], name: str
) -> list[tuple[Scored, str | None]]:
    """Promoted items at positions drawn from the request's own seed (so an answer repeats;
    AWS: "positioned randomly relative to other recommended items"), in their own order;
    the others fill the rest in theirs."""
    total = len(rest) + len(promoted)
    seed = random.Random(f"{served.arn}|{key}|{total}")
    chosen = set(seed.sample(range(total), len(promoted)))
    others, lifted = iter(rest), iter(promoted)
    return [
        (next(lifted), name) if position in chosen else (next(others), None)
        for position in range(total)
    ]


def wanted_columns(
    state: RegionState,
    served: Served,
    columns: Mapping[str, Sequence[str]] | None,
    count: int,
    limit: str,
) -> list[str]:
    """The Items columns a request asks for, once checked: metadata enabled, only ITEMS, at
    most 10 columns of the Items schema, at most 50 results (``limit`` names the member)."""
    if not columns:
        return []
    if not served.metadata:
        raise InvalidInput(
            f"metadataColumns need {served.arn} to have enableMetadataWithRecommendations in "
            "its configuration."
        )
    unknown = sorted(set(columns) - {"ITEMS"})
    if unknown:
        raise InvalidInput(f"metadataColumns take only the ITEMS dataset, not {unknown[0]}.")
    names = list(columns["ITEMS"])
    if len(names) > MAX_METADATA_COLUMNS:
        raise InvalidInput(
            f"metadataColumns name {len(names)} columns; at most {MAX_METADATA_COLUMNS}."
        )
    items = GroupData(state, served.group_arn).datasets.get("ITEMS")
    fields = {f.name.upper() for f in fields_of(state, items)}
    for name in names:
        if name.upper() not in fields:
            known = ", ".join(sorted(fields)) or "none: the dataset group has no Items dataset"
            raise InvalidInput(
                f"metadataColumns name {name!r}, which is not a column of the Items dataset "
                f"({known})."
            )
    if count > MAX_WITH_METADATA:
        raise InvalidInput(f"{limit} must be at most {MAX_WITH_METADATA} with metadataColumns.")
    return names


def _metadata(data: GroupData, item: str, columns: Sequence[str]) -> dict[str, str]:
    """The item's columns as real responses show them: names lower-cased, values as text."""
    record = data.record("ITEMS", item) or {}
    by_name = {name.upper(): value for name, value in record.items()}
    out = {}
    for column in columns:
        value = by_name.get(column.upper())
        if value is not None:
            out[column.lower()] = str(value)
    return out


def item_of(
    scored: Scored, promotion: str | None, data: GroupData, columns: Sequence[str], scores: bool
) -> dict[str, Any]:
    """One ``PredictedItem``: ``itemId``, and ``score``, ``promotionName``, ``metadata`` where
    they apply."""
    out: dict[str, Any] = {"itemId": scored[0]}
    if scores and scored[1] is not None:
        out["score"] = scored[1]
    if promotion is not None:
        out["promotionName"] = promotion
    if columns:
        out["metadata"] = _metadata(data, scored[0], columns)
    return out


def plain_items(found: list[Scored], scores: bool) -> list[dict[str, Any]]:
    """:func:`item_of` for every item of an answer without promotion or metadata: the
    common answer, built in one comprehension rather than a call an item."""
    if not scores:
        return [{"itemId": i} for i, _ in found]
    return [{"itemId": i} if s is None else {"itemId": i, "score": s} for i, s in found]
