"""Datasets: CreateDataset, DescribeDataset, ListDatasets, UpdateDataset, DeleteDataset.

A dataset's ARN is keyed on its group and type (``dataset/<group>/<TYPE>``), so
a group holds at most one dataset of each type. UpdateDataset gives an Items or Users
dataset a schema that keeps every field of its old one and adds only nullable fields.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    create,
    describe,
    ensure_new,
    list_under,
    status_fields,
    status_update_chain,
    timestamps,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.registry import operation
from personalize_fake._api.schemas import Schema
from personalize_fake._domain.avro import REQUIRED_FIELDS, check_fits
from personalize_fake._domain.fields import Field, typed_fields
from personalize_fake._errors import InvalidInput
from personalize_fake._state import lifecycle
from personalize_fake._state.references import Reference
from personalize_fake._state.resource import (
    ACTIVE,
    UPDATE_IN_PROGRESS,
    UPDATE_PENDING,
    Resource,
    now,
)
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Transitions

CUSTOM_ONLY = frozenset({"ACTIONS", "ACTION_INTERACTIONS"})
"""Dataset types a Domain dataset group cannot hold."""


def _updated(state: RegionState, dataset: Dataset) -> None:
    """The update chain ends: the new schema is the dataset's, ``latestDatasetUpdate`` shows
    when."""
    if dataset.update_schema_arn is not None:
        state.refer(dataset, "schema_arn", dataset.update_schema_arn)
        state.refer(dataset, "update_schema_arn", None)
    if dataset.latest_update is not None:
        dataset.latest_update = {**dataset.latest_update, "updated": dataset.updated}


@attrs.define(eq=False, kw_only=True)
class Dataset(Resource):
    KIND: ClassVar[str] = "dataset"
    LABEL: ClassVar[str] = "dataset"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("dataset_group_arn"),  # being deleted counts
        Reference("schema_arn"),
        Reference("update_schema_arn"),  # the schema an update under way will give it
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        status_update_chain(_updated)  # UpdateDataset: a new schema
    )

    dataset_group_arn: str
    dataset_type: str
    schema_arn: str
    latest_update: dict[str, Any] | None = None
    """The last UpdateDataset: ``schemaArn``, and its ``created`` and ``updated`` times."""
    update_schema_arn: str | None = None
    """While an update runs, the schema it gives the dataset when it ends."""


def _summary(dataset: Dataset) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "datasetArn": dataset.arn,
        "datasetType": dataset.dataset_type,
        **status_fields(dataset, with_failure=False),
        **timestamps(dataset),
    }


def _full(dataset: Dataset) -> dict[str, Any]:
    out = {
        **_summary(dataset),
        "datasetGroupArn": dataset.dataset_group_arn,
        "schemaArn": dataset.schema_arn,
    }
    if dataset.tracking_id:
        out["trackingId"] = dataset.tracking_id
    update = dataset.latest_update
    if update is not None:
        under_way = dataset.status in (UPDATE_PENDING, UPDATE_IN_PROGRESS)
        out["latestDatasetUpdate"] = {
            "schemaArn": update["schemaArn"],
            "status": dataset.status if under_way else ACTIVE,
            "creationDateTime": update["created"],
            "lastUpdatedDateTime": dataset.updated if under_way else update["updated"],
        }
    return {"dataset": out}


def schema_fields(state: RegionState, dataset: Dataset) -> tuple[Field, ...]:
    """The typed fields of the dataset's schema now (none if the schema is gone)."""
    schema = state.resources.get(dataset.schema_arn)
    return typed_fields(schema.schema) if isinstance(schema, Schema) else ()


def dataset_arn(state: RegionState, group: DatasetGroup, dataset_type: str) -> str:
    """Where a group's dataset of a type lives: ``dataset/<group name>/<TYPE>``."""
    return state.arn(Dataset.KIND, f"{group.name}/{dataset_type}")


def dataset_type_of(value: str) -> str:
    """The canonical (upper-case) dataset type; the service accepts any case."""
    canonical = value.upper()
    if canonical not in REQUIRED_FIELDS:
        allowed = "Interactions | Items | Users | Actions | Action_Interactions"
        raise InvalidInput(f"Invalid dataset type {value!r}; expected one of {allowed}.")
    return canonical


def _check_domain(schema: Schema, group: DatasetGroup) -> None:
    """InvalidInput unless the schema is of the dataset group's domain (or both of none)."""
    if schema.domain != group.domain:
        raise InvalidInput(
            f"Schema {schema.arn} (domain {schema.domain or 'none'}) does not match dataset group "
            f"{group.arn} (domain {group.domain or 'none'})."
        )


@operation
def create_dataset(
    state: RegionState,
    *,
    name: str,
    schema_arn: str,
    dataset_group_arn: str,
    dataset_type: str,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    kind = dataset_type_of(dataset_type)
    group = state.get(DatasetGroup, dataset_group_arn)
    schema = state.get(Schema, schema_arn)
    lifecycle.require_active(group)
    arn = dataset_arn(state, group, kind)
    ensure_new(state, arn)
    if group.domain and kind in CUSTOM_ONLY:
        raise InvalidInput(f"A {group.domain} domain dataset group cannot have a {kind} dataset.")
    _check_domain(schema, group)
    check_fits(schema.arn, schema.fields, kind)
    dataset = Dataset(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        dataset_type=kind,
        schema_arn=schema.arn,
        tracking_id=str(uuid.uuid4()) if kind == "ACTION_INTERACTIONS" else None,
    )
    create(state, dataset, tags)
    state.store.clear_records(arn)  # a dataset made again at the same ARN starts empty
    return {"datasetArn": arn}


@operation
def describe_dataset(state: RegionState, *, dataset_arn: str) -> dict[str, Any]:
    return describe(state, Dataset, dataset_arn, _full)


@operation
def list_datasets(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        Dataset,
        "ListDatasets",
        "dataset_group_arn",
        dataset_group_arn,
        _summary,
        "datasets",
        max_results,
        next_token,
    )


UPDATABLE = frozenset({"ITEMS", "USERS"})
"""The dataset types UpdateDataset takes (the developer guide: Items and Users only)."""


def _check_replacement(dataset: Dataset, old: tuple[Field, ...], new: Schema) -> None:
    """InvalidInput unless ``new`` keeps every old field as it was and adds nullable ones."""
    fields = {field.name: field for field in typed_fields(new.schema)}
    for field in old:
        kept = fields.pop(field.name, None)
        if kept != field:
            why = "drops" if kept is None else "changes the type or attributes of"
            raise InvalidInput(
                f"Schema {new.arn} {why} the field {field.name} of dataset {dataset.arn}'s "
                "schema: a replacement schema keeps every field, with its type and attributes."
            )
    required = [name for name, field in fields.items() if not field.nullable]
    if required:
        raise InvalidInput(
            f"Schema {new.arn} adds the field(s) {', '.join(required)} without allowing null: "
            "fields a replacement schema adds must be nullable."
        )


@operation
def update_dataset(state: RegionState, *, dataset_arn: str, schema_arn: str) -> dict[str, Any]:
    dataset = state.get(Dataset, dataset_arn)
    schema = state.get(Schema, schema_arn)
    if dataset.dataset_type not in UPDATABLE:
        raise InvalidInput(
            f"Dataset {dataset.arn} is an {dataset.dataset_type} dataset: only Items and Users "
            "datasets can take a replacement schema."
        )
    lifecycle.ensure_can_begin(dataset, dataset.TRANSITIONS.chain("update"))
    group = state.get(DatasetGroup, dataset.dataset_group_arn)
    _check_domain(schema, group)
    check_fits(schema.arn, schema.fields, dataset.dataset_type)
    _check_replacement(dataset, schema_fields(state, dataset), schema)
    state.refer(dataset, "update_schema_arn", schema.arn)
    started = now()
    dataset.latest_update = {"schemaArn": schema.arn, "created": started, "updated": started}
    lifecycle.begin(state, dataset, "update")
    return {"datasetArn": dataset.arn}


@operation
def delete_dataset(state: RegionState, *, dataset_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(Dataset, dataset_arn))
