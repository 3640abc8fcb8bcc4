"""Popular items: the same answer for everyone, fixed at training.

``aws-popularity-count`` and the domain most-viewed / best-sellers / most-popular use cases
count interactions per item (repeats count, all users). ``aws-trending-now`` and VOD
trending-now weigh each interaction by how recent it is: an exponential decay of its age,
measured back from the newest interaction trained on, with a half-life of the recipe's
``trend_discovery_frequency`` (2 hours by default). An item whose interactions are all
recent thus outranks one with more but older ones, which is what "trending" means, and
with no recent interaction at all the order falls back to plain counts (AWS: "popular
items only"). Neither scores, and neither reads a request's recent events (AWS needs a new
version for popularity-count; the fake treats trending the same way).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

import numpy as np

from personalize_fake._domain.engine.data import Query, Scored
from personalize_fake._domain.engine.prepare import Floats, Ints, Prepared

TREND_PERIOD = 2 * 3600.0
"""The default ``trend_discovery_frequency`` (2 hours), the trend's half-life."""

_UNITS = {"minute": 60.0, "hour": 3600.0, "day": 86400.0}


def trend_period(raw: str | None) -> float:
    """``trend_discovery_frequency`` ("30 minutes", "1 hour", "2 hours", "1 day"...) in
    seconds; the default when absent or unreadable."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(minute|hour|day)s?\s*", (raw or "").lower())
    if match is None:
        return TREND_PERIOD
    return float(match.group(1)) * _UNITS[match.group(2)] or TREND_PERIOD


def order(weights: Floats) -> Ints:
    """Item indexes by weight, heaviest first, ties by id (index order)."""
    return np.argsort(-weights, kind="stable").astype(np.int64)


def trending_weights(prepared: Prepared, period: float) -> Floats:
    """Each item's interactions weighted by ``0.5 ** (age / period)``, plus a vanishing
    share of its plain count so that items no recent event separates keep count order."""
    counts = prepared.counts
    if not len(prepared.times):
        return counts
    age = prepared.times.max() - prepared.times
    decayed = np.bincount(
        prepared.items, weights=np.exp2(-age / period), minlength=len(prepared.item_ids)
    )
    return decayed + counts * 1e-9


class PopularityModel:
    """The items in one fixed order, unscored."""

    scored = False

    def __init__(self, prepared: Prepared, weights: Floats) -> None:
        ids = prepared.item_ids
        self.ranked: list[Scored] = [(ids[k], None) for k in order(weights).tolist()]

    def recommend(self, query: Query) -> Iterator[Scored]:
        return iter(self.ranked)

    def segment(self, items: Collection[str]) -> list[str]:
        raise ValueError("a popularity model does not segment users")
