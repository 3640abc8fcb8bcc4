"""GetSolutionMetrics, honestly: a model of the same configuration trained on
:mod:`..evaluation`'s split of the data, and asked for each held-out user.

The split is :func:`..evaluation.split`'s (10% of users by id hash; their newest 10% of
interactions held out), computed here over arrays: at a million interactions an object per
interaction costs seconds and hundreds of megabytes. It is taken over the interactions the
training reads (the solution's or use case's event type, the value threshold). What each
family is asked for a held-out user, with the history it kept:

- user personalization, popularity, trending: its recommendations for the user;
- personalized ranking: the whole catalogue ranked for the user (its order is the
  user-personalization order of the same affinity);
- related items: the recommendations for the user's newest kept item;
- Next-Best-Action: the actions recommended to the user (relevant: the actions of the
  user's held-out interactions; AWS documents no metric of its own for this recipe);
- user segmentation: for each of the :data:`SEGMENT_ITEMS` items most held-out users went
  on to interact with, the users ranked for it (``hits_at_1_percent``,
  ``recall_at_1_percent`` and ``coverage`` of those items).

Metrics are rounded to 4 decimals; the same data and configuration give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import cast

import attrs
import numpy as np
import numpy.typing as npt

from personalize_fake._domain import evaluation
from personalize_fake._domain.engine.data import Config, Interactions, Query, TrainingData
from personalize_fake._domain.engine.personalization import PersonalizationModel, RankingModel
from personalize_fake._domain.engine.prepare import Ints, keep_mask
from personalize_fake._domain.engine.segments import SegmentModel
from personalize_fake._domain.engine.training import (
    ACTIONS,
    RELATED,
    SEGMENTS,
    SEMANTIC,
    SIMILAR,
    event_type,
    family,
)
from personalize_fake._domain.engine.training import train as train_model

SEGMENT_ITEMS = 200
"""How many items segmentation's metrics rank users for (one ranking of every user each)."""
DIGITS = 4


@attrs.frozen(eq=False)
class ArraySplit:
    """:func:`..evaluation.split` over arrays: which interactions training keeps, and per
    held-out user the ids it kept (oldest first) and went on to interact with."""

    train: npt.NDArray[np.bool_]
    history: dict[str, list[str]]
    held_out: dict[str, frozenset[str]]


def split(data: TrainingData, keep: npt.NDArray[np.bool_]) -> ArraySplit:
    """The held-out split of the interactions ``keep`` marks (see the module docstring)."""
    inter = data.interactions
    users = np.asarray(inter.users, dtype=np.int32)
    items = np.asarray(inter.items, dtype=np.int32)
    times = np.asarray(inter.times, dtype=np.float64)
    rows = np.flatnonzero(keep)
    counts = np.bincount(users[rows], minlength=len(inter.user_ids))
    testable = [inter.user_ids[u] for u in np.flatnonzero(counts >= 2).tolist()]
    chosen = evaluation.held_out_users(testable)
    train = np.ones(len(users), dtype=bool)
    history: dict[str, list[str]] = {}
    held_out: dict[str, frozenset[str]] = {}
    if not chosen:
        return ArraySplit(train, history, held_out)
    user_index = {name: k for k, name in enumerate(inter.user_ids)}
    mask = np.zeros(len(inter.user_ids), dtype=bool)
    mask[[user_index[u] for u in chosen]] = True
    rows = rows[mask[users[rows]]]
    names = inter.item_ids
    by_name = np.empty(len(names), dtype=np.int64)
    by_name[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    rows = rows[np.lexsort((by_name[items[rows]], times[rows], users[rows]))]
    who = users[rows]
    start = np.searchsorted(who, who, side="left")
    size = np.searchsorted(who, who, side="right") - start
    newest = np.maximum(1, np.floor(size * evaluation.HOLDOUT_INTERACTIONS)).astype(np.int64)
    found = np.arange(len(rows)) - start >= size - newest
    train[rows[found]] = False
    for row, is_found in zip(rows.tolist(), found.tolist(), strict=True):
        user = inter.user_ids[users[row]]
        if is_found:
            held_out[user] = held_out.get(user, frozenset()) | {names[items[row]]}
        else:
            history.setdefault(user, []).append(names[items[row]])
    return ArraySplit(train, history, held_out)


def _subset(data: TrainingData, rows: Ints) -> TrainingData:
    inter = data.interactions

    def take(column: Sequence[float] | Sequence[int], dtype: type) -> Sequence[float]:
        return cast("Sequence[float]", np.asarray(column, dtype=dtype)[rows])

    return attrs.evolve(
        data,
        interactions=Interactions(
            users=cast("Sequence[int]", take(inter.users, np.int32)),
            items=cast("Sequence[int]", take(inter.items, np.int32)),
            times=take(inter.times, np.float64),
            event_types=cast("Sequence[int]", take(inter.event_types, np.int32)),
            values=take(inter.values, np.float64),
            user_ids=inter.user_ids,
            item_ids=inter.item_ids,
            event_type_names=inter.event_type_names,
        ),
    )


def metrics(config: Config, data: TrainingData) -> dict[str, float]:
    """The offline metrics of ``config`` on ``data`` (see the module docstring)."""
    kind = family(config.recipe)
    events = None if kind == ACTIONS else event_type(config)
    keep = keep_mask(data, events, config.event_value_threshold)
    parts = split(data, keep)
    model = train_model(config, _subset(data, np.flatnonzero(parts.train)))
    inter = data.interactions
    catalogue = {inter.item_ids[k] for k in np.unique(np.asarray(inter.items)[keep]).tolist()}
    if kind not in (ACTIONS, SEGMENTS):
        catalogue.update(data.items)
    if isinstance(model, SegmentModel):
        found = _segmentation(model, parts, catalogue)
    else:
        if isinstance(model, RankingModel):
            model = PersonalizationModel(model.affinity, scored=True)
        rankings: dict[str, list[str]] = {}
        for user, history in parts.history.items():
            query = Query(user=user, now=data.now)
            if kind in (RELATED, SIMILAR, SEMANTIC):
                query = Query(user=user, item=history[-1], now=data.now)
            answer: Iterator[tuple[str, float | None]] = model.recommend(query)
            rankings[user] = [item for item, _ in islice(answer, evaluation.RANK_CUTOFF)]
        found = evaluation.ranking_metrics(rankings, parts.held_out, catalogue)
    return {name: round(value, DIGITS) for name, value in found.items()}


def _segmentation(model: SegmentModel, parts: ArraySplit, catalogue: set[str]) -> dict[str, float]:
    relevant: dict[str, set[str]] = {}
    for user, items in parts.held_out.items():
        for item in items:
            relevant.setdefault(item, set()).add(user)
    chosen = sorted(relevant, key=lambda item: (-len(relevant[item]), item))[:SEGMENT_ITEMS]
    population = len(model.prepared.user_ids)
    k = max(1, math.ceil(population / 100))
    users = model.prepared.user_ids
    rankings = {
        item: [users[u] for u in model.ranked_users({item})[:k].tolist()] for item in chosen
    }
    return evaluation.segmentation_metrics(
        rankings, {item: frozenset(relevant[item]) for item in chosen}, population, catalogue
    )
