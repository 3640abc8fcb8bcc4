"""User segmentation (``aws-item-affinity``, ``aws-item-attribute-affinity``): the users
most likely to interact with some items, for batch segment jobs.

A user's affinity to a set of items is that of their history to it: each history item
(weighted by recency, as for user personalization) counts :data:`DIRECT` when it is one of
the items and its similarity to each of them otherwise. Users are ranked by it, best
first, ties by id; users with no affinity follow in id order, so a job asking for more
users than relate to the items still gets as many as exist. For the attribute recipe the
caller resolves the attribute query to the items it matches.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import numpy as np
import scipy.sparse as sp

from personalize_fake._domain.engine.data import Query, Scored
from personalize_fake._domain.engine.neighbours import Neighbours
from personalize_fake._domain.engine.prepare import HISTORY, Ints, Prepared, recency_weights

DIRECT = 10.0
"""What having interacted with one of the items counts, next to similarities (at most 1)."""


class SegmentModel:
    """Users ranked for items; it does not recommend."""

    scored = False

    def __init__(self, prepared: Prepared, neighbours: Neighbours) -> None:
        self.prepared = prepared.slim()
        n_items = len(prepared.item_ids)
        self.similar = neighbours.matrix(n_items).T.tocsr()
        """``similar[i, h]``: how much history item ``h`` says about item ``i``."""
        ptr = prepared.history_ptr
        rank = np.arange(len(prepared.history_items)) - np.repeat(ptr[:-1], np.diff(ptr))
        self.histories = sp.csr_matrix(
            (recency_weights(HISTORY)[rank], prepared.history_items, ptr),
            shape=(len(prepared.user_ids), n_items),
        )

    def ranked_users(self, items: Collection[str]) -> Ints:
        """User indexes best first for ``items`` (unknown items are ignored)."""
        index = self.prepared.item_index
        wanted = np.asarray(sorted({index[i] for i in items if i in index}), dtype=np.int64)
        n_items = len(self.prepared.item_ids)
        lent = np.asarray(self.similar[wanted].sum(axis=0), dtype=np.float64).ravel()
        lent = lent if len(lent) == n_items else np.zeros(n_items)
        lent[wanted] += DIRECT
        affinity = self.histories @ lent
        return np.argsort(-affinity, kind="stable").astype(np.int64)

    def segment(self, items: Collection[str]) -> list[str]:
        users = self.prepared.user_ids
        return [users[u] for u in self.ranked_users(items).tolist()]

    def recommend(self, query: Query) -> Iterator[Scored]:
        raise ValueError("a user-segmentation model only segments users (batch segment jobs)")
