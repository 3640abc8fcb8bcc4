"""Dataset groups: Create, Describe, List and DeleteDatasetGroup."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    create,
    describe,
    ensure_new,
    list_page,
    status_fields,
    timestamps,
)
from personalize_fake._api.registry import operation
from personalize_fake._errors import InvalidInput
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import LIVE, Limit
from personalize_fake._state.resource import DELETE, DELETE_PENDING, Resource
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import GONE, Transitions


@attrs.define(eq=False, kw_only=True)
class DatasetGroup(Resource):
    KIND: ClassVar[str] = "dataset-group"
    LABEL: ClassVar[str] = "dataset group"
    LIMITS: ClassVar[tuple[Limit, ...]] = (Limit("dataset_groups_per_region", LIVE),)
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        attrs.evolve(DELETE, statuses=(DELETE_PENDING, GONE))  # no DELETE IN_PROGRESS
    )

    role_arn: str | None = None
    kms_key_arn: str | None = None
    domain: str | None = None


def _summary(group: DatasetGroup) -> dict[str, Any]:
    out = {
        "name": group.name,
        "datasetGroupArn": group.arn,
        **status_fields(group, with_failure=True),
        **timestamps(group),
    }
    if group.domain:
        out["domain"] = group.domain
    return out


def _full(group: DatasetGroup) -> dict[str, Any]:
    out = _summary(group)
    if group.role_arn:
        out["roleArn"] = group.role_arn
    if group.kms_key_arn:
        out["kmsKeyArn"] = group.kms_key_arn
    return {"datasetGroup": out}


@operation
def create_dataset_group(
    state: RegionState,
    *,
    name: str,
    role_arn: str | None = None,
    kms_key_arn: str | None = None,
    domain: str | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    arn = state.arn(DatasetGroup.KIND, name)
    ensure_new(state, arn)
    if role_arn and not kms_key_arn:
        raise InvalidInput("A roleArn is only valid when a kmsKeyArn is also given.")
    group = DatasetGroup(
        arn=arn, name=name, role_arn=role_arn, kms_key_arn=kms_key_arn, domain=domain
    )
    create(state, group, tags)
    out: dict[str, Any] = {"datasetGroupArn": arn}
    if domain:
        out["domain"] = domain
    return out


@operation
def describe_dataset_group(state: RegionState, *, dataset_group_arn: str) -> dict[str, Any]:
    return describe(state, DatasetGroup, dataset_group_arn, _full)


@operation
def list_dataset_groups(
    state: RegionState, *, next_token: str | None = None, max_results: int | None = None
) -> dict[str, Any]:
    groups = state.all(DatasetGroup)
    return list_page(
        state, "ListDatasetGroups", groups, _summary, "datasetGroups", max_results, next_token
    )


@operation
def delete_dataset_group(state: RegionState, *, dataset_group_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(DatasetGroup, dataset_group_arn))
