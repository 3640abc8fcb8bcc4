"""Offline evaluation as AWS documents it for GetSolutionMetrics: the held-out split and the
ranking metrics, as pure functions of ids, times and rankings.

The split (developer guide, "Evaluating a solution version"): 10% of users are held out;
training sees the other users' interactions and the oldest 90% of each held-out user's;
the newest 10% of a held-out user's interactions are what a recommendation for them should
find. Which users are held out follows from their ids alone (a hash, not a random draw),
so the same data gives the same numbers in every run.

The metrics follow the guide's definitions: ``precision_at_K`` (relevant items in the top
K, over K), ``normalized_discounted_cumulative_gain_at_K`` (each relevant item weighted
``1 / log(1 + position)``, over the best such sum the relevant items allow; the guide's
worked example gives 0.6241 for hits at positions 2 and 5 of 5),
``mean_reciprocal_rank_at_25`` (1 over the rank of the first relevant item in the top 25,
0 without one), ``coverage`` (the share of the catalogue's items that were recommended),
each averaged over the held-out users; and for USER_SEGMENTATION ``hits_at_1_percent`` and
``recall_at_1_percent`` (relevant users among the top 1% of users ranked for an item).

The recommendation engine (``engine.offline``) takes the same split over arrays, trains on
it and asks these for the numbers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

import attrs

HOLDOUT_USERS = 0.10
"""The share of users held out for testing."""
HOLDOUT_INTERACTIONS = 0.10
"""The newest share of a held-out user's interactions that testing scores against."""
CUTOFFS = (5, 10, 25)
"""The K of ``precision_at_K`` and ``normalized_discounted_cumulative_gain_at_K``."""
RANK_CUTOFF = 25
"""The K of ``mean_reciprocal_rank_at_25``."""


@attrs.frozen
class Interaction:
    """One interaction as evaluation needs it: who, what, when."""

    user: str
    item: str
    time: float


@attrs.frozen
class Split:
    """Training interactions, and per held-out user the history a recommendation may use
    and the newest interactions it should find."""

    train: tuple[Interaction, ...]
    history: Mapping[str, tuple[Interaction, ...]]
    held_out: Mapping[str, frozenset[str]]


def _rank_key(user: str) -> bytes:
    return hashlib.sha256(user.encode()).digest()


def held_out_users(users: Iterable[str], share: float = HOLDOUT_USERS) -> frozenset[str]:
    """The users testing holds out: ``share`` of them (at least one of two or more), those
    whose ids hash lowest, so the choice depends on the ids alone."""
    distinct = sorted(set(users), key=_rank_key)
    if len(distinct) < 2:
        return frozenset()
    count = max(1, math.floor(len(distinct) * share))
    return frozenset(distinct[:count])


def split(interactions: Iterable[Interaction]) -> Split:
    """Split interactions as AWS's evaluation does (see the module docstring). A held-out
    user keeps at least one interaction for history and one to find; a user with a single
    interaction is not held out."""
    by_user: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        by_user.setdefault(interaction.user, []).append(interaction)
    testable = [user for user, rows in by_user.items() if len(rows) >= 2]
    chosen = held_out_users(testable)
    train: list[Interaction] = []
    history: dict[str, tuple[Interaction, ...]] = {}
    held_out: dict[str, frozenset[str]] = {}
    for user, rows in by_user.items():
        if user not in chosen:
            train.extend(rows)
            continue
        ordered = sorted(rows, key=lambda r: (r.time, r.item))
        newest = max(1, math.floor(len(ordered) * HOLDOUT_INTERACTIONS))
        kept, found = ordered[:-newest], ordered[-newest:]
        train.extend(kept)
        history[user] = tuple(kept)
        held_out[user] = frozenset(r.item for r in found)
    return Split(tuple(train), history, held_out)


def precision_at(ranked: Sequence[Hashable], relevant: frozenset[Hashable], k: int) -> float:
    """Relevant items among the top ``k``, over ``k``."""
    return sum(1 for item in ranked[:k] if item in relevant) / k


def ndcg_at(ranked: Sequence[Hashable], relevant: frozenset[Hashable], k: int) -> float:
    """Discounted gain of the relevant items in the top ``k`` (``1 / log(1 + position)``),
    over the gain of the best ranking of them; 0 when nothing is relevant."""
    if not relevant:
        return 0.0
    gain = sum(
        1 / math.log(1 + position)
        for position, item in enumerate(ranked[:k], 1)
        if item in relevant
    )
    best = sum(1 / math.log(1 + position) for position in range(1, min(k, len(relevant)) + 1))
    return gain / best


def reciprocal_rank_at(
    ranked: Sequence[Hashable], relevant: frozenset[Hashable], k: int = RANK_CUTOFF
) -> float:
    """1 over the position of the first relevant item in the top ``k``; 0 without one."""
    for position, item in enumerate(ranked[:k], 1):
        if item in relevant:
            return 1 / position
    return 0.0


def coverage(recommended: Iterable[Hashable], catalogue: Iterable[Hashable]) -> float:
    """The share of the catalogue's distinct items that were recommended."""
    items = set(catalogue)
    return len(items & set(recommended)) / len(items) if items else 0.0


def ranking_metrics(
    rankings: Mapping[str, Sequence[str]],
    held_out: Mapping[str, frozenset[str]],
    catalogue: Iterable[str],
) -> dict[str, float]:
    """The metrics GetSolutionMetrics reports for a recipe that ranks items, from each
    held-out user's ranking (at least 25 long to be scored fairly) and what they went on to
    interact with; averaged over the held-out users, 0 for each when there is none."""
    users = [user for user in held_out if user in rankings]
    out: dict[str, float] = {}
    recommended: set[str] = set()
    for user in users:
        recommended.update(rankings[user][:RANK_CUTOFF])
    out["coverage"] = coverage(recommended, catalogue)
    count = len(users) or 1
    out[f"mean_reciprocal_rank_at_{RANK_CUTOFF}"] = (
        sum(reciprocal_rank_at(rankings[u], held_out[u]) for u in users) / count
    )
    for k in CUTOFFS:
        out[f"normalized_discounted_cumulative_gain_at_{k}"] = (
            sum(ndcg_at(rankings[u], held_out[u], k) for u in users) / count
        )
        out[f"precision_at_{k}"] = sum(precision_at(rankings[u], held_out[u], k) for u in users) / (
            count
        )
    return out


def segmentation_metrics(
    rankings: Mapping[str, Sequence[str]],
    relevant: Mapping[str, frozenset[str]],
    population: int,
    catalogue: Iterable[str],
) -> dict[str, float]:
    """USER_SEGMENTATION's metrics: for each item, the users ranked for it and those who
    went on to interact with it. K is 1% of the ``population`` of users (at least 1);
    ``hits_at_1_percent`` is the mean count of relevant users in the top K (it can exceed
    1), ``recall_at_1_percent`` that count over the item's relevant users."""
    k = max(1, math.ceil(population / 100))
    items = [item for item in relevant if item in rankings and relevant[item]]
    count = len(items) or 1
    hits = [sum(1 for user in rankings[i][:k] if user in relevant[i]) for i in items]
    return {
        "coverage": coverage(items, catalogue),
        "hits_at_1_percent": sum(hits) / count,
        "recall_at_1_percent": sum(h / len(relevant[i]) for h, i in zip(hits, items, strict=True))
        / count,
    }
