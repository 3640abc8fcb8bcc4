"""Datasets: CreateDataset, DescribeDataset, ListDatasets, DeleteDataset.

A dataset's ARN is keyed on its group and type (``dataset/<group>/<TYPE>``), so
a group holds at most one dataset of each type.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    describe,
    ensure_new,
    list_under,
    status_fields,
    timestamps,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.registry import operation
from personalize_fake._api.schemas import Schema
from personalize_fake._api.tagging import apply_tags, check_tags
from personalize_fake._domain.avro import REQUIRED_FIELDS, check_fits
from personalize_fake._errors import InvalidInput
from personalize_fake._state import lifecycle
from personalize_fake._state.references import Reference
from personalize_fake._state.store import (
    ACTIVE,
    UPDATE_IN_PROGRESS,
    UPDATE_PENDING,
    RegionState,
    Resource,
)
from personalize_fake._state.transitions import Chain, Transitions

CUSTOM_ONLY = frozenset({"ACTIONS", "ACTION_INTERACTIONS"})
"""Dataset types a Domain dataset group cannot hold."""


@attrs.define(eq=False, kw_only=True)
class Dataset(Resource):
    KIND: ClassVar[str] = "dataset"
    LABEL: ClassVar[str] = "dataset"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("dataset_group_arn"),  # being deleted counts
        Reference("schema_arn"),
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        Chain(
            "update",  # UpdateDataset: a new schema
            (UPDATE_PENDING, UPDATE_IN_PROGRESS, ACTIVE),
            begins_from=(ACTIVE,),
            purpose="be updated",
        )
    )

    dataset_group_arn: str
    dataset_type: str
    schema_arn: str


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
    return {"dataset": out}


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
    if schema.domain != group.domain:
        raise InvalidInput(
            f"Schema {schema.arn} (domain {schema.domain or 'none'}) does not match dataset group "
            f"{group.arn} (domain {group.domain or 'none'})."
        )
    check_fits(schema.arn, schema.fields, kind)
    check_tags(state, None, tags or [])
    dataset = Dataset(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        dataset_type=kind,
        schema_arn=schema.arn,
        tracking_id=str(uuid.uuid4()) if kind == "ACTION_INTERACTIONS" else None,
    )
    lifecycle.begin_create(state, dataset)
    state.add(dataset)
    state.store.clear_records(arn)  # a dataset made again at the same ARN starts empty
    apply_tags(state, dataset, tags)
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
        dataset_group_arn,
        _summary,
        "datasets",
        max_results,
        next_token,
    )


@operation
def delete_dataset(state: RegionState, *, dataset_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(Dataset, dataset_arn))
