"""Next-Best-Action (``aws-next-best-action``): actions ranked by how likely the user is to
take them, trained on Action_Interactions (TAKEN, NOT_TAKEN, VIEWED).

An action's propensity is its take rate: TAKEN over all of its interactions. The user's
own interactions with it (training's and the request's recent events) count
:data:`OWN_WEIGHT` times over, so what a user keeps taking rises for them. Actions known
only from the Actions dataset are candidates too, at 0. Ties go to the higher Actions
``VALUE``, then the id. As AWS documents, every score is 0.0 until training saw at least
:data:`MINIMUM` TAKEN and :data:`MINIMUM` NOT_TAKEN or VIEWED interactions (the order
still follows take rates); the scores are propensities, each in [0, 1], not a
distribution. Expired actions (``ACTION_EXPIRATION_TIMESTAMP`` before the request) are
dropped, and so is an action the user took within its ``REPEAT_FREQUENCY`` days before
the request (a recent event counts as taken at the request's time).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from personalize_fake._domain.engine.data import Query, Scored, TrainingData
from personalize_fake._domain.engine.prepare import truncate

MINIMUM = 50
"""The TAKEN, and the NOT_TAKEN or VIEWED, interactions needed before scores are non-zero."""
OWN_WEIGHT = 5.0
"""How many times a user's own interaction with an action counts in their take rate."""
TAKEN = "TAKEN"
COUNTED = frozenset({"TAKEN", "NOT_TAKEN", "VIEWED"})
DAY = 86400.0


def _number(record: Mapping[str, Any], field: str) -> float | None:
    for key, value in record.items():
        if key.upper() == field:
            try:
                number = float(value)
            except (TypeError, ValueError):
                return None
            return number if math.isfinite(number) else None
    return None


class ActionModel:
    """Actions by propensity, for one user at a time."""

    scored = True

    def __init__(self, data: TrainingData) -> None:
        inter = data.interactions
        names = [name.upper() for name in inter.event_type_names]
        events = np.asarray(inter.event_types, dtype=np.int64)
        taken = np.isin(events, [k for k, n in enumerate(names) if n == TAKEN])
        counted = np.isin(events, [k for k, n in enumerate(names) if n in COUNTED])
        raw = np.asarray(inter.items, dtype=np.int64)
        size = max(len(inter.item_ids), 1)
        taken_count = np.bincount(raw[taken], minlength=size).tolist()
        total_count = np.bincount(raw[counted], minlength=size).tolist()
        self.ready = int(taken.sum()) >= MINIMUM and int((counted & ~taken).sum()) >= MINIMUM
        self.global_counts: dict[str, tuple[float, float]] = {
            name: (float(t), float(n))
            for name, t, n in zip(inter.item_ids, taken_count, total_count, strict=False)
            if n
        }
        self.actions = sorted(set(self.global_counts) | set(data.actions))
        self.value = {a: _number(data.actions.get(a, {}), "VALUE") or 0.0 for a in self.actions}
        self.expiry = {
            a: _number(data.actions.get(a, {}), "ACTION_EXPIRATION_TIMESTAMP") for a in self.actions
        }
        self.repeat = {
            a: _number(data.actions.get(a, {}), "REPEAT_FREQUENCY") for a in self.actions
        }
        self._by_user = self._user_events(data, taken, counted)
        self.ranked = self._rank({})

    @staticmethod
    def _user_events(
        data: TrainingData, taken: npt.NDArray[np.bool_], counted: npt.NDArray[np.bool_]
    ) -> dict[str, list[tuple[str, bool, float]]]:
        """Each user's counted interactions as (action, taken, time): a dict, as action
        interactions are far fewer than item interactions."""
        inter = data.interactions
        users = np.asarray(inter.users, dtype=np.int64)[counted].tolist()
        items = np.asarray(inter.items, dtype=np.int64)[counted].tolist()
        times = np.asarray(inter.times, dtype=np.float64)[counted].tolist()
        took = taken[counted].tolist()
        out: dict[str, list[tuple[str, bool, float]]] = {}
        for u, i, t, k in zip(users, items, times, took, strict=True):
            out.setdefault(inter.user_ids[u], []).append((inter.item_ids[i], bool(k), t))
        return out

    def _propensity(self, action: str, own: Mapping[str, tuple[float, float]]) -> float:
        taken, total = self.global_counts.get(action, (0.0, 0.0))
        own_taken, own_total = own.get(action, (0.0, 0.0))
        total += OWN_WEIGHT * own_total
        return (taken + OWN_WEIGHT * own_taken) / total if total else 0.0

    def _rank(self, own: Mapping[str, tuple[float, float]]) -> list[tuple[str, float]]:
        scored = [(a, self._propensity(a, own)) for a in self.actions]
        scored.sort(key=lambda pair: (-pair[1], -self.value[pair[0]], pair[0]))
        return scored

    def recommend(self, query: Query) -> Iterator[Scored]:
        events = list(self._by_user.get(query.user or "", ()))
        events += [
            (a, e.upper() == TAKEN, query.now) for a, e in query.recent if e.upper() in COUNTED
        ]
        own: dict[str, tuple[float, float]] = {}
        last_taken: dict[str, float] = {}
        for action, took, when in events:
            t, n = own.get(action, (0.0, 0.0))
            own[action] = (t + took, n + 1)
            if took:
                last_taken[action] = max(when, last_taken.get(action, when))
        ranked = self._rank(own) if own else self.ranked
        return self._answer(ranked, last_taken, query.now)

    def _answer(
        self, ranked: list[tuple[str, float]], last_taken: Mapping[str, float], now: float
    ) -> Iterator[Scored]:
        for action, propensity in ranked:
            expiry = self.expiry.get(action)
            if expiry is not None and expiry < now:
                continue
            days = self.repeat.get(action)
            took = last_taken.get(action)
            if days is not None and took is not None and 0 <= now - took < days * DAY:
                continue
            yield action, truncate(propensity) if self.ready else 0.0

    def segment(self, items: Collection[str]) -> list[str]:
        raise ValueError("a next-best-action model does not segment users")
