"""Data deletion jobs: CreateDataDeletionJob, DescribeDataDeletionJob, ListDataDeletionJobs.

A job reads a CSV of one ``USER_ID`` column (one object, or every object under a prefix,
through ``_state.objects``) and, where it would become COMPLETED, drops every row of those
users from the datasets of its group: imported and recorded interactions, users, action
interactions. It goes PENDING > IN_PROGRESS > COMPLETED | FAILED (no CREATE prefix); a
bad input ends it FAILED, deleting nothing. Like the other data jobs it is named by its
ARN resource id, cannot be deleted, and keeps its group from being deleted while it runs.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    create,
    describe,
    ensure_new,
    list_under,
    status_fields,
    timestamps,
)
from personalize_fake._api.data_jobs import location_of
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import Dataset
from personalize_fake._api.registry import operation
from personalize_fake._domain.csv_import import CsvError, read_csv
from personalize_fake._domain.fields import Field
from personalize_fake._state import lifecycle, limits, objects
from personalize_fake._state.limits import Limit
from personalize_fake._state.objects import ObjectError
from personalize_fake._state.references import CASCADE, Reference
from personalize_fake._state.resource import DELETE, Resource
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Chain, Transitions

PENDING = "PENDING"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
USER_IDS = (Field("USER_ID", "string"),)
"""The one column of a data deletion job's input."""


def _delete_users(state: RegionState, job: DataDeletionJob) -> str | None:
    """Entering COMPLETED: drop every row of the listed users from the group's datasets."""
    failed = "Failed to delete the users' data. "
    try:
        found = objects.read(state.store, job.data_location, state.region)
    except ObjectError as exc:
        return failed + str(exc)
    size = sum(len(data) for _, data in found)
    most = state.settings.data_deletion_max_bytes
    if size > most:
        return failed + f"The input is {size} bytes; a data deletion job reads at most {most}."
    users: set[str] = set()
    try:
        for name, data in found:
            for chunk in read_csv(name, data, USER_IDS):
                users.update(row["USER_ID"] for row in chunk)
    except CsvError as exc:
        return failed + str(exc)
    deleted = 0
    for dataset in list(state.referrers(job.dataset_group_arn, Dataset)):
        deleted += state.store.delete_where(dataset.arn, "USER_ID", users)
    job.num_deleted = deleted
    return None


@attrs.define(eq=False, kw_only=True)
class DataDeletionJob(Resource):
    KIND: ClassVar[str] = "data-deletion-job"
    LABEL: ClassVar[str] = "data deletion job"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("dataset_group_arn", CASCADE, blocks_while_creating=True),
    )
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit("data_deletion_jobs_pending", limits.PENDING, "dataset_group_arn"),
    )
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        Chain(
            "create",
            (PENDING, IN_PROGRESS, COMPLETED),
            failed=FAILED,
            on_enter={COMPLETED: _delete_users},
        ),
        DELETE,
    )

    dataset_group_arn: str
    data_location: str
    role_arn: str
    num_deleted: int | None = None


def _deletion_summary(job: DataDeletionJob) -> dict[str, Any]:
    return {
        "dataDeletionJobArn": job.arn,
        "datasetGroupArn": job.dataset_group_arn,
        "jobName": job.name,
        **status_fields(job, with_failure=True),
        **timestamps(job),
    }


def _deletion_full(job: DataDeletionJob) -> dict[str, Any]:
    out = {
        **_deletion_summary(job),
        "dataSource": {"dataLocation": job.data_location},
        "roleArn": job.role_arn,
    }
    if job.num_deleted is not None:
        out["numDeleted"] = job.num_deleted
    return {"dataDeletionJob": out}


@operation
def create_data_deletion_job(
    state: RegionState,
    *,
    job_name: str,
    dataset_group_arn: str,
    data_source: dict[str, Any],
    role_arn: str,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    group = state.get(DatasetGroup, dataset_group_arn)
    location = location_of(data_source)
    lifecycle.require_active(group)
    arn = state.arn(DataDeletionJob.KIND, job_name)
    ensure_new(state, arn)
    job = DataDeletionJob(
        arn=arn,
        name=job_name,
        dataset_group_arn=group.arn,
        data_location=location,
        role_arn=role_arn,
    )
    create(state, job, tags)
    return {"dataDeletionJobArn": arn}


@operation
def describe_data_deletion_job(state: RegionState, *, data_deletion_job_arn: str) -> dict[str, Any]:
    return describe(state, DataDeletionJob, data_deletion_job_arn, _deletion_full)


@operation
def list_data_deletion_jobs(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    """Newest first, as the API reference documents (the only List that says its order)."""
    return list_under(
        state,
        DataDeletionJob,
        "ListDataDeletionJobs",
        "dataset_group_arn",
        dataset_group_arn,
        _deletion_summary,
        "dataDeletionJobs",
        max_results,
        next_token,
        newest_first=True,
    )
