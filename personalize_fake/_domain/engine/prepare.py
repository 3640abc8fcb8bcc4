"""The training data as numpy arrays every model family starts from.

Ids are renumbered so that index order is id order (string order): sorting by score with a
stable sort then breaks ties by id for free, which keeps every answer deterministic. Each
user's history (newest first, each item once) is capped at :data:`HISTORY` items: recent
behaviour is what the real recipes weigh most, and the cap bounds the co-occurrence pairs a
heavy user generates (``HISTORY ** 2``) so training stays fast at a million interactions.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from personalize_fake._domain.engine.data import Config, TrainingData

_T = TypeVar("_T", bound=np.generic)

HISTORY = 50
"""The newest distinct items of a user's history that training and requests use."""

Ints = npt.NDArray[np.int64]
Index = npt.NDArray[np.int32]
"""Per-interaction indexes: 4 bytes each, as a million interactions are many."""
Floats = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class Prepared:
    """Interactions renumbered by id order, and each user's capped history."""

    item_ids: list[str]
    """The catalogue, in id order: every item trained on (and any extra item asked for)."""
    user_ids: list[str]
    item_index: dict[str, int]
    user_index: dict[str, int]
    users: Index
    """Per kept interaction, the user's index (as are ``items`` and ``times``)."""
    items: Index
    times: Floats
    history_ptr: Ints
    """User ``u``'s history is ``history_items[history_ptr[u]:history_ptr[u + 1]]``."""
    history_items: Ints
    """Newest first, each item once, at most :data:`HISTORY` per user."""

    @property
    def counts(self) -> Floats:
        """Interactions per item (repeats count), in catalogue order."""
        return np.bincount(self.items, minlength=len(self.item_ids)).astype(np.float64)

    def slim(self) -> Prepared:
        """The same without the per-interaction columns: what a trained model keeps."""
        none = np.zeros(0, dtype=np.int32)
        return attrs.evolve(self, users=none, items=none, times=np.zeros(0))

    def history(self, user: int) -> Ints:
        return self.history_items[self.history_ptr[user] : self.history_ptr[user + 1]]


def _sorted_table(ids: list[str]) -> tuple[list[str], dict[str, int]]:
    ordered = sorted(ids)
    return ordered, {k: n for n, k in enumerate(ordered)}


def keep_mask(
    data: TrainingData, event_type: str | None, threshold: float | None
) -> npt.NDArray[np.bool_]:
    """Which interactions a training reads: of ``event_type`` only (None: all), and not
    valued below ``threshold`` (an interaction without a value is kept)."""
    inter = data.interactions
    keep = np.ones(len(inter.users), dtype=bool)
    if event_type is not None:
        codes = [k for k, name in enumerate(inter.event_type_names) if name == event_type]
        keep &= np.isin(np.asarray(inter.event_types, dtype=np.int64), codes)
    if threshold is not None:
        values = np.asarray(inter.values, dtype=np.float64)
        keep &= ~(values < threshold)
    return keep


def prepare(
    data: TrainingData,
    keep: npt.NDArray[np.bool_],
    extra_items: Iterable[str] = (),
    history: int = HISTORY,
) -> Prepared:
    """Renumber the kept interactions by id order and build each user's capped history."""
    inter = data.interactions
    everything = bool(keep.all())
    raw_users = _column(inter.users, np.int32, keep, everything)
    raw_items = _column(inter.items, np.int32, keep, everything)
    times = _column(inter.times, np.float64, keep, everything)
    item_ids, item_table = _renumber(raw_items, inter.item_ids, extra_items)
    user_ids, user_table = _renumber(raw_users, inter.user_ids, ())
    item_index = {k: n for n, k in enumerate(item_ids)}
    user_index = {k: n for n, k in enumerate(user_ids)}
    users, items = user_table[raw_users], item_table[raw_items]
    ptr, hist = _histories(users, items, times, len(user_ids), len(item_ids), history)
    return Prepared(item_ids, user_ids, item_index, user_index, users, items, times, ptr, hist)


def _column(
    values: Sequence[Any], dtype: type[_T], keep: npt.NDArray[np.bool_], everything: bool
) -> npt.NDArray[_T]:
    """A column as a numpy array: an ``array`` of the same item size is read in place (a
    million interactions are not copied to be renumbered)."""
    if isinstance(values, array) and values.itemsize == np.dtype(dtype).itemsize and len(values):
        kind = "d" if np.dtype(dtype).kind == "f" else values.typecode
        column = np.frombuffer(values, dtype=kind).view(dtype) if kind == values.typecode else None
        if column is not None:
            return column if everything else column[keep]
    column = np.asarray(values, dtype=dtype)
    return column if everything else column[keep]


def _renumber(raw: Index, names: Sequence[str], extra: Iterable[str]) -> tuple[list[str], Index]:
    """The ids ``raw`` uses (plus ``extra``) in id order, and a table from the raw index to
    the new one (-1 for ids not kept)."""
    used = np.unique(raw)
    ids = {names[k] for k in used.tolist()}
    ids.update(extra)
    ordered, position = _sorted_table(list(ids))
    table = np.full(max(len(names), 1), -1, dtype=np.int32)
    table[used] = [position[names[k]] for k in used.tolist()]
    return ordered, table


def _histories(
    users: Index, items: Index, times: Floats, n_users: int, n_items: int, cap: int
) -> tuple[Ints, Ints]:
    """Each user's distinct items, newest first (a later-recorded interaction is newer at
    equal times), capped at ``cap``: as (pointers, items)."""
    if not len(users) or cap <= 0:
        return np.zeros(n_users + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((-np.arange(len(users), dtype=np.int32), -times, users))
    u, it = users[order], items[order]
    del order
    keys = u.astype(np.int64)
    keys *= max(n_items, 1)
    keys += it
    _, first = np.unique(keys, return_index=True)
    del keys
    first.sort()
    u, distinct = u[first], it[first].astype(np.int64)
    counts = np.bincount(u, minlength=n_users)
    start = np.concatenate(([0], np.cumsum(counts)))
    rank = np.arange(len(u)) - start[u]
    capped = rank < cap
    ptr = np.concatenate(([0], np.cumsum(np.minimum(counts, cap)))).astype(np.int64)
    return ptr, distinct[capped]


def recency_weights(length: int) -> Floats:
    """How much each history position counts (newest first): 0.95 per step back, so the
    newest item counts most and the 50th still counts about a tenth."""
    return np.power(0.95, np.arange(length, dtype=np.float64))


def hyperparameter(config: Config, name: str, default: float) -> float:
    """A numeric hyperparameter of the solution, or ``default`` when absent or malformed."""
    raw = config.hyperparameters.get(name)
    try:
        value = float(raw) if raw is not None else default
    except ValueError:
        return default
    return value if math.isfinite(value) else default


def truncated(scores: Floats) -> Floats:
    """:func:`truncate` of every score at once (a user's candidates are many)."""
    positive = scores > 0
    safe = np.where(positive, scores, 1.0)
    scale = np.power(10.0, 6 - np.floor(np.log10(safe)))
    return np.where(positive, np.floor(safe * scale) / scale, 0.0)


def truncate_all(scores: Floats) -> list[float]:
    """:func:`truncated`, as a list of floats."""
    return [float(v) for v in truncated(scores).tolist()]


def truncate(score: float) -> float:
    """A score to 7 significant digits, as real responses show them, rounded towards zero
    so that scores summing to at most 1 still do after rounding."""
    if score <= 0.0:
        return 0.0
    scale = 10.0 ** (6 - math.floor(math.log10(score)))
    return math.floor(score * scale) / scale
