"""Each item's nearest items, precomputed at training: the co-occurrence (and metadata)
similarity every item-to-item and user-to-item answer reads.

Items are described by a sparse ``features x items`` matrix ``F``: one row per user (1
where the user's capped history holds the item) and, for the metadata-aware recipes, one
row per metadata token. ``F.T @ F`` counts, for each pair of items, the users (and tokens)
they share. The similarity divides that count by ``(n_i * n_j) ** alpha`` where ``n`` is an
item's own count: SIMS's ``popularity_discount_factor`` (alpha 0.5 is cosine similarity; 0
keeps raw counts, so popular items dominate). Only the best :data:`NEIGHBOURS` of each item
are kept, best first, ties by id, in CSR form. The product is computed over blocks of items
so that memory stays bounded whatever the catalogue's size.
"""

from __future__ import annotations

import attrs
import numpy as np
import scipy.sparse as sp

from personalize_fake._domain.engine.prepare import Floats, Ints, Prepared

NEIGHBOURS = 100
"""The neighbours kept per item (SIMS answers beyond them with popular items)."""
BLOCK_ENTRIES = 250_000
"""About how many pair entries one block of the product may hold."""


@attrs.frozen(eq=False)
class Neighbours:
    """Item ``i``'s neighbours are ``items[ptr[i]:ptr[i + 1]]``, best first, with their
    similarities in ``weights``."""

    ptr: Ints
    items: Ints
    weights: Floats

    def of(self, item: int) -> Ints:
        return self.items[self.ptr[item] : self.ptr[item + 1]]

    def matrix(self, n_items: int) -> sp.csr_matrix:
        """As a sparse ``items x items`` matrix."""
        return sp.csr_matrix((self.weights, self.items, self.ptr), shape=(n_items, n_items))


def user_features(prepared: Prepared) -> sp.csr_matrix:
    """``users x items``: 1 where a user's capped history holds the item."""
    ptr = prepared.history_ptr
    return sp.csr_matrix(
        (np.ones(len(prepared.history_items)), prepared.history_items, ptr),
        shape=(len(prepared.user_ids), len(prepared.item_ids)),
    )


def neighbours(
    features: sp.csr_matrix,
    alpha: float = 0.5,
    min_count: float = 1.0,
    keep: int = NEIGHBOURS,
) -> Neighbours:
    """The top ``keep`` neighbours of every item (see the module docstring); pairs sharing
    fewer than ``min_count`` features are not neighbours."""
    features = sp.csr_matrix(features, dtype=np.float64)
    n = features.shape[1]
    own = np.bincount(features.indices, weights=features.data**2, minlength=n)  # no copy
    scale = np.zeros(n)
    np.power(own, -alpha, out=scale, where=own > 0)
    by_item = features.T.tocsr()
    step = max(1, BLOCK_ENTRIES // max(n, 1))
    ptrs: list[Ints] = [np.zeros(1, dtype=np.int64)]
    cols: list[Ints] = []
    vals: list[Floats] = []
    total = 0
    for start in range(0, n, step):
        block = sp.csr_matrix(by_item[start : start + step] @ features)
        block.sort_indices()
        ptr, col, val = _top(block, start, scale, min_count, keep)
        ptrs.append(ptr[1:] + total)
        total += len(col)
        cols.append(col)
        vals.append(val)
    return Neighbours(
        np.concatenate(ptrs),
        np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
        np.concatenate(vals) if vals else np.zeros(0),
    )


def _top(
    block: sp.csr_matrix, start: int, scale: Floats, min_count: float, keep: int
) -> tuple[Ints, Ints, Floats]:
    """The best ``keep`` entries of each row of one block, best first, ties by column."""
    lengths = np.diff(block.indptr)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    cols = block.indices.astype(np.int64)
    counts = block.data
    values = counts * scale[rows + start] * scale[cols]
    wanted = (cols != rows + start) & (counts >= min_count) & (values > 0)
    for row in np.flatnonzero(lengths > keep).tolist():
        a, b = block.indptr[row], block.indptr[row + 1]
        segment = np.where(wanted[a:b], values[a:b], -1.0)
        if np.count_nonzero(segment > 0) <= keep:
            continue
        kth = np.partition(segment, len(segment) - keep)[len(segment) - keep]
        above = segment > kth
        tied = segment == kth
        wanted[a:b] = above | (tied & (np.cumsum(tied) <= keep - np.count_nonzero(above)))
    rows, cols, values = rows[wanted], cols[wanted], values[wanted]
    order = np.lexsort((cols, -values, rows))
    ptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=len(lengths)))))
    return ptr.astype(np.int64), cols[order], values[order]
