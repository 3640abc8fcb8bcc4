"""User personalization, personalized ranking and user segmentation: a user's affinity to
each item, from what co-occurs with the items of their history.

A user's history is their newest :data:`~.prepare.HISTORY` distinct items: what they did
after training first (``Query.recent``, the real-time events User-Personalization,
Personalized-Ranking, "Recommended for you" and "Top picks" use at once), then what
training saw. Each history item, weighted by its recency, lends its
:data:`AFFINITY_NEIGHBOURS` nearest items their similarity; an item's affinity is the sum.
Every item also gets a popularity prior (:data:`PRIOR` times its count over the largest
count), so a cold user gets popular items and every item's score is positive. The score is
the item's share of the total over the catalogue (a softmax-like distribution, as
User-Personalization's scores are: they sum to 1 over all items, so a response's sum to at
most 1); ranking normalises over the input list instead, as Personalized-Ranking does.

A user's candidates are computed once per (user, number of recent events) and kept in a
bounded cache: a request then only walks a sorted array. The cache assumes a user's recent
events only grow, which is how events recorded after training accumulate.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Sequence

import attrs
import numpy as np

from personalize_fake._domain.engine.data import Query, Scored
from personalize_fake._domain.engine.neighbours import Neighbours
from personalize_fake._domain.engine.popularity import order
from personalize_fake._domain.engine.prepare import (
    HISTORY,
    Floats,
    Ints,
    Prepared,
    recency_weights,
    truncate,
    truncate_all,
)
from personalize_fake._domain.engine.toplists import TopLists, top_lists

PRIOR = 1e-3
"""The popularity prior's weight next to co-occurrence similarities (which are at most 1)."""
AFFINITY_NEIGHBOURS = 20
"""How many of each history item's neighbours lend it affinity."""
CACHE = 1024
"""Users whose candidates are kept between requests."""
_EMPTY = np.zeros(0, dtype=np.int64)
_NONES = itertools.repeat(None)
_WEIGHTS = recency_weights(HISTORY + 1)


@attrs.frozen(eq=False)
class Profile:
    """A user's candidates: the items near their history, ascending, with their affinity;
    and the same ranked best first (ties by id) with their scores (affinity plus prior)."""

    items: Ints
    affinity: Floats
    ranked: list[int]
    scores: list[float]
    members: frozenset[int]
    total: float
    """Affinity plus prior summed over the whole catalogue: the scores' denominator."""
    shares: list[float]
    """``scores`` over ``total``, truncated as responses show them (computed at once)."""


class Affinity:
    """What the three families share: histories, neighbours, priors, and the cache."""

    def __init__(self, prepared: Prepared, neighbours: Neighbours, event_type: str | None) -> None:
        self.prepared = prepared.slim()
        self.neighbours = neighbours
        self.event_type = event_type
        counts = prepared.counts
        self.prior: Floats = PRIOR * counts / counts.max() if len(counts) else counts
        self.prior_total = float(self.prior.sum())
        self.popular: list[int] = order(self.prior).tolist()
        self.prior_list: list[float] = self.prior.tolist()
        self.prior_most = float(self.prior.max()) if len(self.prior) else 0.0
        self.popular_shares = (
            truncate_all(self.prior[self.popular] / self.prior_total) if self.prior_total else []
        )
        self._cache: dict[tuple[str, int], Profile] = {}

    def history(self, query: Query) -> Ints:
        """The user's history as the module docstring says (newest first, each once)."""
        prepared = self.prepared
        user = prepared.user_index.get(query.user) if query.user is not None else None
        trained = prepared.history(user) if user is not None else _EMPTY
        if not query.recent:
            return trained
        index = prepared.item_index
        wanted = self.event_type
        recent = [
            index[item]
            for item, event in reversed(query.recent)
            if item in index and (wanted is None or event == wanted)
        ]
        merged = list(dict.fromkeys([*recent, *trained.tolist()]))[:HISTORY]
        return np.asarray(merged, dtype=np.int64)

    def profile(self, query: Query) -> Profile:
        """The user's candidates, cached by (user, number of recent events)."""
        key = None if query.user is None else (query.user, len(query.recent))
        found = self._cache.get(key) if key is not None else None
        if found is not None:
            return found
        found = self._compute(self.history(query))
        if key is not None:
            if len(self._cache) >= CACHE:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _compute(self, history: Ints) -> Profile:
        nb = self.neighbours
        starts = nb.ptr[history]
        lengths = np.minimum(nb.ptr[history + 1] - starts, AFFINITY_NEIGHBOURS)
        count = int(lengths.sum())
        if not count:
            return Profile(
                _EMPTY, np.zeros(0, dtype=np.float64), [], [], frozenset(), self.prior_total, []
            )
        ends = np.cumsum(lengths)
        at = np.repeat(starts - ends + lengths, lengths) + np.arange(count)
        lent = np.repeat(_WEIGHTS[: len(history)], lengths) * nb.weights[at]
        items, inverse = np.unique(nb.items[at], return_inverse=True)
        affinity = np.asarray(np.bincount(inverse.ravel(), weights=lent), dtype=np.float64)
        scores = affinity + self.prior[items]
        best = np.argsort(-scores, kind="stable")
        total = float(affinity.sum()) + self.prior_total
        ranked = items[best].tolist()
        ordered = scores[best]
        shares = truncate_all(ordered / total)
        return Profile(items, affinity, ranked, ordered.tolist(), frozenset(ranked), total, shares)

    def ranked(self, query: Query, tops: TopLists | None = None) -> Iterator[tuple[int, float]]:
        """Every item best first with its share of the total (truncated), lazily: the user's
        candidates merged with the popular items that are not among them (scored by prior
        alone). With ``tops``, a trained user with nothing recorded since starts from their
        precomputed best candidates."""
        found = self.top(query, tops) if tops is not None else None
        if found is None:
            return self._whole(query)
        ranked, shares, rest = found
        return itertools.chain(zip(ranked, shares, strict=True), rest)

    def top(
        self, query: Query, tops: TopLists
    ) -> tuple[list[int], list[float], Iterator[tuple[int, float]]] | None:
        """A trained user's precomputed best candidates with their shares, and (lazily) what
        follows them; None when the user is not one, has events since training, or a popular
        item could outrank one of them."""
        if query.recent or query.user is None:
            return None
        user = self.prepared.user_index.get(query.user)
        if user is None:
            return None
        start, end = tops.ptr[user], tops.ptr[user + 1]
        if start == end or tops.lowest[user] <= self.prior_most:
            return None
        ranked = tops.items[start:end].tolist()
        return ranked, tops.shares[start:end].tolist(), self._after_top(user, query, tops, ranked)

    def _after_top(
        self, user: int, query: Query, tops: TopLists, ranked: list[int]
    ) -> Iterator[tuple[int, float]]:
        """What follows a user's best candidates: the rest of the whole computation, or
        (when they were all of them) the popular items not among them."""
        if tops.sizes[user] > len(ranked):
            yield from itertools.islice(self._whole(query), len(ranked), None)
            return
        taken, prior = set(ranked), self.prior_list
        total = tops.affinity[user] + self.prior_total
        for k in self.popular:
            if k not in taken:
                yield k, truncate(prior[k] / total)

    def _whole(self, query: Query) -> Iterator[tuple[int, float]]:
        """The user's candidates worked out whole (cached), merged with popular items."""
        profile = self.profile(query)
        if not profile.ranked:  # a user with no history: the popular items, shares ready
            return zip(self.popular, self.popular_shares, strict=True)
        return self._merged(profile.ranked, profile.scores, profile.shares, profile.total)

    def _merged(
        self,
        ranked: list[int],
        scores: list[float],
        shares: list[float],
        total: float,
        tail: bool = True,
    ) -> Iterator[tuple[int, float]]:
        """Candidates (best first, with their scores and shares) merged with the popular
        items not among them; ``tail``: the popular items left once they are all given."""
        prior = self.prior_list
        taken = set(ranked)
        popular = (k for k in self.popular if k not in taken)
        next_popular = next(popular, None)
        for item, score, share in zip(ranked, scores, shares, strict=True):
            while next_popular is not None and (
                prior[next_popular] > score
                or (prior[next_popular] == score and next_popular < item)
            ):
                yield next_popular, truncate(prior[next_popular] / total)
                next_popular = next(popular, None)
            yield item, share
        while tail and next_popular is not None:
            yield next_popular, truncate(prior[next_popular] / total)
            next_popular = next(popular, None)

    def ranking(self, query: Query, inputs: Sequence[str]) -> list[Scored]:
        """``inputs`` (each once, at its first place) by the user's affinity, scored by their
        share of the known inputs' total; items unknown to training last, unscored."""
        index = self.prepared.item_index
        distinct = list(dict.fromkeys(inputs))
        known = np.asarray([index[i] for i in distinct if i in index], dtype=np.int64)
        unknown: list[Scored] = [(i, None) for i in distinct if i not in index]
        if not len(known):
            return unknown
        profile = self.profile(query)
        scores = self.prior[known].copy()
        at = np.searchsorted(profile.items, known)
        hit = at < len(profile.items)
        hit[hit] = profile.items[at[hit]] == known[hit]
        scores[hit] += profile.affinity[at[hit]]
        ids = self.prepared.item_ids
        best = np.lexsort((known, -scores))
        shares = (scores / scores.sum()).tolist()
        return [(ids[known[k]], truncate(shares[k])) for k in best.tolist()] + unknown


class PersonalizationModel:
    """User-Personalization (v1, v2, HRNN), "Recommended for you", "Top picks for you"."""

    def __init__(self, affinity: Affinity, scored: bool) -> None:
        self.affinity = affinity
        self.scored = scored
        self.tops = top_lists(
            affinity.prepared, affinity.neighbours, affinity.prior, _WEIGHTS, AFFINITY_NEIGHBOURS
        )

    def recommend(self, query: Query) -> Iterator[Scored]:
        ids = self.affinity.prepared.item_ids
        found = self.affinity.top(query, self.tops)
        if found is not None:  # the head in C (zip, map), the rest only if it is asked for
            ranked, shares, rest = found
            head = zip(
                map(ids.__getitem__, ranked), shares if self.scored else _NONES, strict=False
            )
            return itertools.chain(head, self._named(rest))
        return self._named(self.affinity.ranked(query))

    def _named(self, ranked: Iterator[tuple[int, float]]) -> Iterator[Scored]:
        ids = self.affinity.prepared.item_ids
        if self.scored:
            return ((ids[k], s) for k, s in ranked)
        return ((ids[k], None) for k, _ in ranked)

    def segment(self, items: Collection[str]) -> list[str]:
        raise ValueError("a user-personalization model does not segment users")


class RankingModel:
    """Personalized-Ranking (v1, v2): ``query.items`` reordered for the user."""

    scored = True

    def __init__(self, affinity: Affinity) -> None:
        self.affinity = affinity

    def recommend(self, query: Query) -> Iterator[Scored]:
        return iter(self.affinity.ranking(query, query.items or ()))

    def segment(self, items: Collection[str]) -> list[str]:
        raise ValueError("a personalized-ranking model does not segment users")
