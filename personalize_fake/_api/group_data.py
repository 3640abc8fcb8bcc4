"""A dataset group's data as the runtime reads it per request: the newest record of an item,
user or action, and each user's interactions (filters; events since training).

:class:`UserEvents` indexes a dataset's interactions by user as sequence numbers
(``Rows.appended`` order), 8 bytes an interaction; each use reads only the rows added since
the last, and a drop (FULL import, deletion job) starts it over.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from personalize_fake._api.answers import fields_of, normalised, text
from personalize_fake._api.datasets import Dataset
from personalize_fake._domain.fields import Field
from personalize_fake._domain.filters import DatasetType
from personalize_fake._state.columns import MISSING
from personalize_fake._state.rows import PUT, Rows
from personalize_fake._state.store import RegionState

FILTER_HISTORY = {"INTERACTIONS": 100, "ACTION_INTERACTIONS": 300}
"""Interactions per user and event type a filter considers, the newest (developer guide)."""
KEYS = {"ITEMS": "ITEM_ID", "USERS": "USER_ID", "ACTIONS": "ACTION_ID"}


class UserEvents:
    """A dataset's interactions by user, from sequence number ``start`` on."""

    def __init__(self, rows: Rows, id_column: str, start: int) -> None:
        self.rows = rows
        self.id_column = id_column
        self.start = start
        self.generation = rows.generation
        self.read = rows.position(start)  # rows read so far (by index)
        self.by_user: dict[Any, array[int]] = {}

    def fresh(self, start: int) -> bool:
        return self.generation == self.rows.generation and self.start <= start

    def update(self) -> None:
        """Index the rows added since the last use."""
        rows = self.rows
        sources = rows.sources
        end = len(sources)
        if end == self.read:
            return
        users = rows.column_raw("USER_ID", self.read, end)
        by_user = self.by_user
        for offset, user in enumerate(users):
            index = self.read + offset
            if sources[index] and user is not MISSING:
                found = by_user.get(user)
                if found is None:
                    found = by_user[user] = array("Q")
                found.append(rows.sequence(index))
        self.read = end

    def of(self, user: str, since: int = 0, put_only: bool = False) -> list[tuple[str, str]]:
        """The user's live (id, event type) from sequence ``since`` on, oldest first;
        ``put_only``: those personalize-events recorded, not those imported."""
        rows, found = self.rows, self.by_user.get(user)
        if found is None:
            return []
        sources = rows.sources
        out = []
        for number in found:
            if number < since:
                continue
            index = rows.position(number)
            source = sources[index]
            if source and (source == PUT or not put_only):
                kind = rows.value("EVENT_TYPE", index)
                out.append((text(rows.value(self.id_column, index)), text(kind)))
        return out


def user_events(state: RegionState, dataset_arn: str, start: int, action: bool) -> UserEvents:
    """The index of ``dataset_arn``'s interactions by user from sequence ``start`` on."""
    rows = state.store.rows.get(dataset_arn)
    if rows is None:
        rows = Rows()
    key = f"events:{dataset_arn}"
    cache = state.store.engine
    found = cache.get(key)
    if not isinstance(found, UserEvents) or found.rows is not rows or not found.fresh(start):
        found = cache[key] = UserEvents(rows, "ACTION_ID" if action else "ITEM_ID", start)
    found.update()
    return found


class GroupData:
    """A dataset group's data as filters read it (``filter_eval.FilterData``), for one
    request: its datasets now (a filter or metadata reads what the group holds, not only
    what a version trained on), records looked up one by one through each one's index."""

    def __init__(self, state: RegionState, group_arn: str) -> None:
        self.state = state
        self.group_arn = group_arn
        self._fields: dict[str, tuple[Field, ...]] = {}

    @functools.cached_property
    def datasets(self) -> dict[str, str]:
        """The group's datasets as they are now (read only when a request needs data)."""
        found = self.state.referrers(self.group_arn, Dataset)
        return {d.dataset_type: d.arn for d in found}

    def record(self, dataset: DatasetType, id: str) -> Mapping[str, Any] | None:
        arn = self.datasets.get(dataset, "")
        rows = self.state.store.rows.get(arn)
        if rows is None or dataset not in KEYS:
            return None
        row = rows.newest_row(id)
        if row is None:
            return None
        fields = self._fields.get(dataset)
        if fields is None:
            fields = self._fields[dataset] = fields_of(self.state, arn)
        return normalised(row, fields)

    def ids(self, dataset: DatasetType) -> set[str]:
        """Every id of the Items, Users or Actions dataset."""
        rows = self.state.store.rows.get(self.datasets.get(dataset, ""))
        return {str(i) for i in rows.ids()} if rows is not None else set()

    def interacted(
        self, dataset: Literal["INTERACTIONS", "ACTION_INTERACTIONS"], user: str
    ) -> Sequence[tuple[str, str]]:
        arn = self.datasets.get(dataset)
        if arn is None:
            return ()
        index = user_events(self.state, arn, 0, dataset == "ACTION_INTERACTIONS")
        kept: dict[str, int] = {}
        out = []
        most = FILTER_HISTORY[dataset]
        for item, kind in reversed(index.of(user)):  # newest first, at most 100 a type
            seen = kept.get(kind.lower(), 0)
            if seen < most:
                kept[kind.lower()] = seen + 1
                out.append((item, kind))
        return out
