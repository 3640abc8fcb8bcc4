"""Where answers come from: the models trained for solution versions and recommenders, the
rows they train on, and the answers a test declared.

A version trains on the rows its datasets held when it became ACTIVE: it notes each
dataset's ``Rows.appended`` then (``trained_rows``), and the rows added before that mark
are its training data. The model is built on first use, not at training's end: a test that
never asks for recommendations never pays for one (nor imports numpy). A FULL import or a
deletion job drops rows; before it does, the training data of every version and recommender
that reads the dataset and has no model yet is taken (:func:`freeze`), so what a version
answers never depends on when it was first asked. A restarted server builds models again
from the rows as replayed (after a drop, the rows left of those the version trained on).
Models are kept in ``store.engine`` by the ARN of the version or recommender they serve.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from personalize_fake._api.datasets import Dataset, schema_fields
from personalize_fake._domain.engine.data import (
    Config,
    Interactions,
    Model,
    Scored,
    TrainingData,
)
from personalize_fake._domain.fields import Field
from personalize_fake._domain.members import property_key
from personalize_fake._state.columns import MISSING
from personalize_fake._state.rows import Rows
from personalize_fake._state.store import RegionState

_KEYS = {"ITEMS": "ITEM_ID", "USERS": "USER_ID", "ACTIONS": "ACTION_ID"}


@attrs.frozen
class Source:
    """What one model trains on: the datasets (type -> ARN), where each one's rows stood
    when training ended, when that was, and the recipe and settings."""

    config: Config
    datasets: Mapping[str, str]
    marks: Mapping[str, int]
    """Each dataset's ``Rows.appended`` when training ended, by ARN: the rows it trained on
    came before the mark; the events recorded after it are "recent"."""
    ended: float
    training_type: str = "INTERACTIONS"
    """The dataset it learns from: INTERACTIONS, or ACTION_INTERACTIONS (Next-Best-Action)."""

    @property
    def interactions_arn(self) -> str | None:
        return self.datasets.get(self.training_type)

    @property
    def mark(self) -> int:
        """The training dataset's mark: interactions recorded from it on are recent."""
        return self.marks.get(self.interactions_arn or "", 0)


def datasets_of(arns: Sequence[str]) -> dict[str, str]:
    """Dataset type -> ARN of the datasets ``arns`` names (``dataset/<group>/<TYPE>``)."""
    return {arn.rsplit("/", 1)[-1]: arn for arn in arns}


def marks(state: RegionState, arns: Sequence[str]) -> dict[str, int]:
    """Where each dataset's rows stand now (``Rows.appended``; 0 without rows)."""
    rows = state.store.rows
    return {arn: found.appended if (found := rows.get(arn)) is not None else 0 for arn in arns}


def _interactions(rows: Rows | None, stop: int | None, action: bool) -> Interactions:
    item_column = "ACTION_ID" if action else "ITEM_ID"
    if rows is None or len(rows) == 0:
        return Interactions(array("I"), array("I"), array("d"), array("I"), array("d"), [], [], [])
    users, user_ids = rows.encoded("USER_ID", stop)
    items, item_ids = rows.encoded(item_column, stop)
    kinds, kind_names = rows.encoded("EVENT_TYPE", stop)
    times = rows.floats("TIMESTAMP", stop)
    values = rows.floats("EVENT_VALUE", stop)
    return Interactions(
        users,
        items,
        times,
        kinds,
        values,
        [text(v) for v in user_ids],
        [text(v) for v in item_ids],
        [text(v) for v in kind_names],
    )


def text(value: Any) -> str:
    """A column's value as the engine's id tables hold it: "" for a missing one."""
    return "" if value is MISSING else str(value)


def fields_of(state: RegionState, dataset_arn: str | None) -> tuple[Field, ...]:
    """The typed fields of a dataset's schema, by the dataset's ARN (none for an unknown
    dataset)."""
    dataset = state.resources.get(dataset_arn or "")
    return schema_fields(state, dataset) if isinstance(dataset, Dataset) else ()


def normalised(row: dict[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
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
    """The newest record of each id among a keyed dataset's live rows before index
    ``stop``, fields by the schema's column names."""
    if rows is None:
        return {}
    if stop is None or stop >= len(rows.sources):
        newest = rows.newest()
    else:
        sources = rows.sources
        last = {}
        for i, value in enumerate(rows.column_raw(key, 0, stop)):
            if sources[i]:
                last[value] = i
        newest = sorted(last.values())
    out: dict[str, dict[str, Any]] = {}
    for i in newest:
        row = rows.row(i)
        if key in row:
            out[str(row[key])] = normalised(row, fields)
    return out


def training_data(state: RegionState, source: Source) -> TrainingData:
    """The rows ``source`` trained on, as the engine reads them: taken before a drop
    (:func:`freeze`), else read now."""
    frozen = state.store.engine.get(f"data:{_marks_key(source)}")
    if isinstance(frozen, TrainingData):
        return frozen
    rows = state.store.rows
    data: dict[str, Any] = {}
    for kind, key in _KEYS.items():
        arn = source.datasets.get(kind, "")
        found = rows.get(arn)
        stop = found.position(source.marks.get(arn, 0)) if found is not None else None
        data[kind.lower()] = records(found, key, stop, fields_of(state, arn))
    arn = source.interactions_arn or ""
    found = rows.get(arn)
    stop = found.position(source.marks.get(arn, 0)) if found is not None else None
    interactions = _interactions(found, stop, source.training_type == "ACTION_INTERACTIONS")
    return TrainingData(interactions, now=source.ended, **data)


def _marks_key(source: Source) -> str:
    """What two sources share training data by: the same datasets at the same marks."""
    return json.dumps([source.training_type, sorted(source.marks.items())])


def freeze(state: RegionState, sources: Sequence[tuple[str, Source]]) -> None:
    """Take the training data of those ``(key, source)`` with no model yet, before rows
    they trained on are dropped (versions trained on the same rows share it)."""
    cache = state.store.engine
    for key, source in sources:
        built = cache.get(key)
        if built is not None and built[0] == source:
            continue
        name = f"data:{_marks_key(source)}"
        if name not in cache:
            cache[name] = training_data(state, source)


def _owner(key: str) -> str:
    """The ARN a ``store.engine`` entry belongs to (``served:<arn>``, ``<arn>``...), or ""
    for what no one resource owns (training data taken before a drop)."""
    kind, _, rest = key.partition(":")
    if kind in ("served", "events", "metrics"):
        return rest
    return key if kind == "arn" else ""


def model(state: RegionState, key: str, source: Source) -> Model:
    """The model serving ``key`` (a version's or recommender's ARN), trained on first use."""
    cache = state.store.engine
    found = cache.get(key)
    if found is not None and (found[0] is source or found[0] == source):
        kept: Model = found[1]
        return kept
    from personalize_fake._domain.engine import train  # numpy: only once a model is needed

    for gone in [k for k in cache if _owner(k) and state.store.find(_owner(k)) is None]:
        del cache[gone]  # what a deleted resource left (model, metrics, index): freed now
    trained = train(source.config, training_data(state, source))
    cache[key] = (source, trained)
    return trained


# -- answers a test declared ----------------------------------------------------------


def declared(
    state: RegionState, arn: str, user: str | None, item: str | None
) -> list[Scored] | None:
    """What a test declared ``arn`` answers for this user, or item, or by default."""
    entry = state.store.declared.get(arn)
    if entry is None:
        return None
    resource = state.resources.get(arn)
    if resource is None or entry[0] != resource.created:
        del state.store.declared[arn]  # declared for a resource deleted since (ARNs repeat)
        return None
    found = entry[1]
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
