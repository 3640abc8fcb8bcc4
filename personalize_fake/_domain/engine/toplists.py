"""Each trained user's best candidates, computed for all users at training.

A request for a user the version trained on, with nothing recorded since, then only slices
two arrays: the cost of a user's first request no longer includes working out their
affinities. The affinities are those :class:`~.personalization.Affinity` computes for one
user (each history item, weighted by recency, lends its nearest items their similarity),
for every user at once as one sparse product ``H @ N``: ``H`` is users x items holding each
history item's recency weight, ``N`` items x items holding each item's nearest neighbours.
The product is taken over blocks of users so that memory stays bounded, and only the best
:data:`TOP` candidates of each user are kept, ordered as a request orders them (score, then
id), with the sum of all of the user's affinities (a score's denominator). A request that
needs more than a user's :data:`TOP` falls back to computing the user's candidates whole.
"""

from __future__ import annotations

from array import array
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from personalize_fake._domain.engine.neighbours import Neighbours
from personalize_fake._domain.engine.prepare import Floats, Prepared, truncated

TOP = 60
"""Candidates kept per user: a default answer (25) with room for a filter or a promotion."""
BLOCK_USERS = 256
"""Users whose product is taken at once (a block holds up to 1,000 entries a user)."""


@attrs.frozen(eq=False)
class TopLists:
    """User ``u``'s best candidates are ``items[ptr[u]:ptr[u + 1]]``, best first, with their
    ``shares`` of the user's total (truncated as responses show them); ``lowest[u]`` is the
    last one's score, ``sizes[u]`` counts all of the user's candidates and ``affinity[u]``
    sums their affinities. Kept as ``array`` columns: a request reads a few values and two
    slices, which plain arrays serve faster than numpy's."""

    ptr: array[int]
    items: array[int]
    shares: array[float]
    lowest: array[float]
    sizes: array[int]
    affinity: array[float]


def _packed(typecode: str, values: npt.NDArray[Any]) -> array[Any]:
    out = array(typecode)
    out.frombytes(np.ascontiguousarray(values, dtype=out.typecode).tobytes())
    return out


def _history_matrix(prepared: Prepared, weights: Floats) -> sp.csr_matrix:
    """``users x items``: each history item's recency weight (newest first)."""
    ptr = prepared.history_ptr
    lengths = np.diff(ptr)
    position = np.arange(len(prepared.history_items)) - np.repeat(ptr[:-1], lengths)
    return sp.csr_matrix(
        (weights[position], prepared.history_items, ptr),
        shape=(len(prepared.user_ids), len(prepared.item_ids)),
    )


def _neighbour_matrix(neighbours: Neighbours, n_items: int, keep: int) -> sp.csr_matrix:
    """``items x items``: each item's best ``keep`` neighbours and their similarities."""
    starts = neighbours.ptr[:-1]
    lengths = np.minimum(np.diff(neighbours.ptr), keep)
    ends = np.cumsum(lengths)
    at = np.repeat(starts - ends + lengths, lengths) + np.arange(int(lengths.sum()))
    ptr = np.concatenate(([0], ends)).astype(np.int64)
    return sp.csr_matrix(
        (neighbours.weights[at], neighbours.items[at], ptr), shape=(n_items, n_items)
    )


def top_lists(
    prepared: Prepared, neighbours: Neighbours, prior: Floats, weights: Floats, keep: int
) -> TopLists:
    """Every user's best :data:`TOP` candidates (see the module docstring); ``prior`` is
    each item's popularity prior, ``weights`` the recency weights of history positions,
    ``keep`` the neighbours each item lends."""
    users = len(prepared.user_ids)
    history = _history_matrix(prepared, weights)
    near = _neighbour_matrix(neighbours, len(prepared.item_ids), keep)
    items = np.zeros(users * TOP, dtype=np.int32)  # filled block by block, then cut
    shares = np.zeros(users * TOP, dtype=np.float64)
    ptr = np.zeros(users + 1, dtype=np.int64)
    sizes = np.zeros(users, dtype=np.int64)
    affinity = np.zeros(users, dtype=np.float64)
    lowest = np.zeros(users, dtype=np.float64)
    prior_total = float(prior.sum())
    filled = 0
    for start in range(0, users, BLOCK_USERS):
        block = (history[start : start + BLOCK_USERS] @ near).tocsr()
        block.sum_duplicates()
        stop = start + block.shape[0]
        per_row = np.diff(block.indptr)
        row_affinity = np.asarray(block.sum(axis=1)).ravel()
        rows = np.repeat(np.arange(block.shape[0]), per_row)
        total = block.data + prior[block.indices]
        order = np.lexsort((block.indices, -total, rows))
        rank = np.arange(len(order)) - np.repeat(block.indptr[:-1], per_row)
        kept = order[rank < TOP]
        end = filled + len(kept)
        values = total[kept]
        items[filled:end] = block.indices[kept]
        shares[filled:end] = truncated(values / (row_affinity[rows[kept]] + prior_total))
        counts = np.minimum(per_row, TOP)
        ends = np.cumsum(counts)
        ptr[start + 1 : stop + 1] = ptr[start] + ends
        has = counts > 0
        lowest[start:stop][has] = values[ends[has] - 1]
        filled = end
        sizes[start:stop] = per_row
        affinity[start:stop] = row_affinity
    return TopLists(
        _packed("q", ptr),
        _packed("i", items[:filled]),
        _packed("d", shares),
        _packed("d", lowest),
        _packed("q", sizes),
        _packed("d", affinity),
    )
