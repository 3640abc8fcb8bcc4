"""Related items: ``aws-sims``, ``aws-similar-items``, ``aws-semantic-similarity`` and the
domain "customers who viewed X", "frequently bought together", "because you watched X"
and "more like X".

An item's answer is its neighbours (:mod:`.neighbours`: items that users interacted with
together, popularity discounted as SIMS's ``popularity_discount_factor`` says), then the
popular items to fill up, as SIMS does "in the absence of sufficient user behavior data";
an ``itemId`` unknown to training gets the popular items alone (what AWS does there is not
public). The query item itself is never returned. Similar-items and "more like X" also
count shared categorical metadata (each Items field value, ``|``-separated values apart,
is a token two items may share); semantic-similarity counts shared words of the items'
text fields. SIMS's ``min_cointeraction_count`` is honoured when the solution sets it;
left unset it is 1, not AWS's 3, which would hide every pair in the handful of
interactions a test records. None scores, and none reads a request's recent events (SIMS needs a new
version to learn from them).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from personalize_fake._domain.engine.data import Query, Scored
from personalize_fake._domain.engine.neighbours import Neighbours
from personalize_fake._domain.engine.popularity import order
from personalize_fake._domain.engine.prepare import Floats, Prepared

SKIPPED_FIELDS = frozenset({"ITEM_ID", "CREATION_TIMESTAMP"})
"""Items fields that say nothing about what an item is like."""
_WORD = re.compile(r"[^\W_]{3,}")


def metadata_tokens(items: Mapping[str, Mapping[str, Any]], words: bool) -> dict[str, set[str]]:
    """Each item's tokens: ``FIELD=value`` per categorical value (``words`` False), or the
    lower-cased words of three letters or more of its text (``words`` True)."""
    tokens: dict[str, set[str]] = {}
    for item, record in items.items():
        found: set[str] = set()
        for field, value in record.items():
            if field.upper() in SKIPPED_FIELDS or value is None or isinstance(value, bool):
                continue
            text = str(value)
            if words:
                if isinstance(value, str):
                    found.update(w.lower() for w in _WORD.findall(text))
            elif isinstance(value, str):
                found.update(f"{field.upper()}={v.strip().lower()}" for v in text.split("|"))
        tokens[item] = found
    return tokens


def token_features(prepared: Prepared, tokens: Mapping[str, set[str]]) -> sp.csr_matrix:
    """``tokens x items``: 1 where an item has the token (tokens only one item has are
    left out: they relate nothing)."""
    index = prepared.item_index
    rows: list[int] = []
    cols: list[int] = []
    vocabulary: dict[str, int] = {}
    for item, found in tokens.items():
        column = index.get(item)
        if column is None:
            continue
        for token in found:
            rows.append(vocabulary.setdefault(token, len(vocabulary)))
            cols.append(column)
    matrix = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(vocabulary), len(prepared.item_ids))
    )
    shared = np.flatnonzero(np.diff(matrix.indptr) > 1)
    return sp.csr_matrix(matrix[shared])


class RelatedModel:
    """An item's neighbours, then popular items; unscored."""

    scored = False

    def __init__(self, prepared: Prepared, neighbours: Neighbours, weights: Floats) -> None:
        self.item_ids = prepared.item_ids
        self.item_index = prepared.item_index
        self.neighbours = neighbours
        self.popular: list[int] = order(weights).tolist()

    def recommend(self, query: Query) -> Iterator[Scored]:
        item = self.item_index.get(query.item) if query.item is not None else None
        return self._walk(item)

    def _walk(self, item: int | None) -> Iterator[Scored]:
        ids = self.item_ids
        seen: set[int] = set()
        if item is not None:
            seen.add(item)
            for k in self.neighbours.of(item).tolist():
                seen.add(k)
                yield ids[k], None
        for k in self.popular:
            if k not in seen:
                yield ids[k], None

    def segment(self, items: Collection[str]) -> list[str]:
        raise ValueError("a related-items model does not segment users")
