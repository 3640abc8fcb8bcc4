"""Where answers come from: the models trained for solution versions and recommenders, the
data they and filters read, and the answers a test declared.

A version trains on the rows its datasets held when it became ACTIVE (the first
``trained_rows`` live rows of each: rows are only appended, unless a FULL import or a
deletion job drops some, after which the first that many stand for them). The model is
built on first use, not at training's end: a test that never asks for recommendations never
pays for one (nor imports numpy), and a restarted server builds it again from the same rows.
Models are kept in ``store.engine`` by the ARN of what serves them.

What happened after training (events recorded since, a user's newest interactions for a
filter) is read through :class:`UserEvents`, an index of a dataset's interactions by user
that grows with the rows and is rebuilt when rows are dropped.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from personalize_fake._api.datasets import Dataset
from personalize_fake._api.schemas import Schema
from personalize_fake._domain.engine.data import (
    Config,
    Interactions,
    Model,
    Scored,
    TrainingData,
)
from personalize_fake._domain.fields import Field, typed_fields
from personalize_fake._domain.filters import DatasetType
from personalize_fake._domain.members import property_key
from personalize_fake._state.rows import MISSING, Rows
from personalize_fake._state.store import RegionState

FILTER_HISTORY = {"INTERACTIONS": 100, "ACTION_INTERACTIONS": 300}
"""Interactions per user and event type a filter considers, the newest (developer guide)."""

_KEYS = {"ITEMS": "ITEM_ID", "USERS": "USER_ID", "ACTIONS": "ACTION_ID"}


@attrs.frozen
class Source:
    """What one model trains on: the datasets (type -> ARN), how many live rows of each
    it may read, the time training ended, and the recipe and settings."""

    config: Config
    datasets: Mapping[str, str]
    rows: Mapping[str, int]
    """Live rows of each dataset ARN when training ended (absent: every row)."""
    ended: float
    training_type: str = "INTERACTIONS"
    """The dataset it learns from: INTERACTIONS, or ACTION_INTERACTIONS (Next-Best-Action)."""

    @property
    def interactions_arn(self) -> str | None:
        return self.datasets.get(self.training_type)

    @property
    def cutoff(self) -> int:
        """How many live interactions training read: the later ones are "recent"."""
        arn = self.interactions_arn
        return self.rows.get(arn, 0) if arn is not None else 0


def group_datasets(state: RegionState, group_arn: str) -> dict[str, str]:
    """The group's datasets: dataset type -> ARN."""
    return {d.dataset_type: d.arn for d in state.referrers(group_arn, Dataset)}


def _interactions(rows: Rows | None, stop: int | None, action: bool) -> Interactions:
    item_column = "ACTION_ID" if action else "ITEM_ID"
    if rows is None or len(rows) == 0:
        return Interactions(array("I"), array("I"), array("d"), array("I"), array("d"), [], [], [])
    users, user_ids = rows.encoded("USER_ID", 0, stop)
    items, item_ids = rows.encoded(item_column, 0, stop)
    kinds, kind_names = rows.encoded("EVENT_TYPE", 0, stop)
    times = [math.nan if t is MISSING else float(t) for t in rows.column("TIMESTAMP")[:stop]]
    values = [
        math.nan if v is MISSING or not isinstance(v, int | float) else float(v)
        for v in rows.column("EVENT_VALUE")[:stop]
    ]
    return Interactions(
        users,
        items,
        array("d", times),
        kinds,
        array("d", values),
        [_text(v) for v in user_ids],
        [_text(v) for v in item_ids],
        [_text(v) for v in kind_names],
    )


def _text(value: Any) -> str:
    return "" if value is MISSING else str(value)


def fields_of(state: RegionState, dataset_arn: str | None) -> tuple[Field, ...]:
    """The typed fields of a dataset's schema (none for an unknown dataset)."""
    dataset = state.resources.get(dataset_arn or "")
    schema = state.resources.get(dataset.schema_arn) if isinstance(dataset, Dataset) else None
    return typed_fields(schema.schema) if isinstance(schema, Schema) else ()


def _record(row: dict[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    """A record by its schema's column names: a put record's ``properties`` (``numRatings``)
    opened and named as the schema names them (``NUM_RATINGS``)."""
    properties = row.pop("properties", None)
    if isinstance(properties, str):
        try:
            opened = json.loads(properties)
        except ValueError:
            opened = None
        if isinstance(opened, dict):
            names = {property_key(f.name): f.name for f in fields}
            for name, value in opened.items():
                row[names.get(property_key(name)) or name] = value
    return row


def records(
    rows: Rows | None, key: str, stop: int | None = None, fields: tuple[Field, ...] = ()
) -> dict[str, dict[str, Any]]:
    """The newest record of each id among a keyed dataset's rows (the first ``stop`` live),
    fields by the schema's column names."""
    if rows is None:
        return {}
    newest = rows.newest()
    if stop is not None and stop < len(rows):
        sources = rows.sources
        live = [i for i in range(len(sources)) if sources[i]][:stop]
        seen: dict[str, int] = {}
        for i in live:
            seen[str(rows.row(i).get(key))] = i
        newest = sorted(seen.values())
    out: dict[str, dict[str, Any]] = {}
    for i in newest:
        row = rows.row(i)
        if key in row:
            out[str(row[key])] = _record(row, fields)
    return out


def training_data(state: RegionState, source: Source) -> TrainingData:
    """The rows ``source`` trained on, as the engine reads them."""
    rows = state.store.rows
    data: dict[str, Any] = {}
    for kind, key in _KEYS.items():
        arn = source.datasets.get(kind)
        found = rows.get(arn or "")
        stop = source.rows.get(arn or "")
        data[kind.lower()] = records(found, key, stop, fields_of(state, arn))
    arn = source.interactions_arn or ""
    interactions = _interactions(
        rows.get(arn), source.rows.get(arn), source.training_type == "ACTION_INTERACTIONS"
    )
    return TrainingData(interactions, now=source.ended, **data)


def model(state: RegionState, key: str, source: Source) -> Model:
    """The model serving ``key`` (a version's or recommender's ARN), trained on first use."""
    cache = state.store.engine
    found = cache.get(key)
    if found is not None and found[0] == source:
        kept: Model = found[1]
        return kept
    from personalize_fake._domain.engine import train  # numpy: only once a model is needed

    for gone in [k for k in cache if state.store.find(k[k.find("arn:") :]) is None]:
        del cache[gone]  # what a deleted resource left (model, metrics, index): freed now
    trained = train(source.config, training_data(state, source))
    cache[key] = (source, trained)
    return trained


# -- what happened since: interactions by user ------------------------------------------


class UserEvents:
    """A dataset's live interactions by user, from live row ``start`` on: (live row number,
    item or action id, event type), oldest first. It reads only rows added since its last
    use, and starts over when rows were dropped or an earlier start is asked for."""

    def __init__(self, rows: Rows, id_column: str, start: int) -> None:
        self.rows = rows
        self.id_column = id_column
        self.start = start
        self.generation = rows.generation
        self.read = 0  # raw rows read
        self.live = 0  # live rows seen
        self.by_user: dict[str, list[tuple[int, str, str]]] = {}

    def fresh(self, start: int) -> bool:
        return self.generation == self.rows.generation and self.start <= start

    def update(self) -> None:
        rows = self.rows
        sources = rows.sources
        end = len(sources)
        if end == self.read:
            return
        users = rows.column_raw("USER_ID")[self.read :] if self.read else rows.column_raw("USER_ID")
        ids = rows.column_raw(self.id_column)[self.read :]
        kinds = rows.column_raw("EVENT_TYPE")[self.read :]
        by_user, start, live = self.by_user, self.start, self.live
        for offset in range(end - self.read):
            if not sources[self.read + offset]:
                continue
            if live >= start:
                user = users[offset]
                if user is not MISSING:
                    kind = kinds[offset]
                    entry = (live, _text(ids[offset]), _text(kind))
                    by_user.setdefault(str(user), []).append(entry)
            live += 1
        self.read, self.live = end, live

    def of(self, user: str, since: int = 0) -> list[tuple[str, str]]:
        """The user's (id, event type) from live row ``since`` on, oldest first."""
        return [(i, kind) for n, i, kind in self.by_user.get(user, ()) if n >= since]


def user_events(state: RegionState, dataset_arn: str, start: int, action: bool) -> UserEvents:
    """The index of ``dataset_arn``'s interactions by user from live row ``start`` on."""
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


# -- what filters read ---------------------------------------------------------------------


class GroupData:
    """A dataset group's data as filters read it (``filter_eval.FilterData``): newest
    records of items, users and actions, and each user's newest interactions."""

    def __init__(self, state: RegionState, datasets: Mapping[str, str]) -> None:
        self.state = state
        self.datasets = datasets
        self._records: dict[str, dict[str, dict[str, Any]]] = {}

    def record(self, dataset: DatasetType, id: str) -> Mapping[str, Any] | None:
        found = self._records.get(dataset)
        if found is None:
            key = _KEYS.get(dataset)
            arn = self.datasets.get(dataset, "")
            rows = self.state.store.rows.get(arn)
            fields = fields_of(self.state, arn)
            found = self._records[dataset] = records(rows, key, None, fields) if key else {}
        return found.get(id)

    def ids(self, dataset: DatasetType) -> set[str]:
        """Every id of the Items, Users or Actions dataset."""
        self.record(dataset, "")
        return set(self._records.get(dataset, {}))

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


# -- answers a test declared ----------------------------------------------------------


def declared(
    state: RegionState, arn: str, user: str | None, item: str | None
) -> list[Scored] | None:
    """What a test declared ``arn`` answers for this user, or item, or by default."""
    found = state.store.declared.get(arn)
    if not found:
        return None
    keys: list[tuple[str, str | None]] = [("default", None)]
    if item is not None:
        keys.insert(0, ("item", item))
    if user is not None:
        keys.insert(0, ("user", user))
    for key in keys:
        answer = found.get(key)
        if answer is not None:
            return list(answer)
    return None
