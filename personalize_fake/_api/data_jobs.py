"""Dataset import and export jobs (Create, Describe, List); data deletion jobs are in
``data_deletion``.

A job is named by its whole ARN resource id (``dataset-import-job/<name>``), cannot be
deleted, and goes with its dataset; while it runs it keeps that from being deleted. Its
work is the effect of its last status (``transitions``): an import job reads its CSV and
loads the rows where it would become ACTIVE, an export job writes its CSV; a problem with
the data ends it CREATE FAILED with a reason naming file, line and column, and nothing of
a failed job is loaded. Objects are read and written through ``_state.objects`` (objects
handed to the fake, or a faked S3).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
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
from personalize_fake._api.datasets import Dataset, schema_fields
from personalize_fake._api.metric_attributions import MetricAttribution
from personalize_fake._api.registry import operation
from personalize_fake._domain.csv_import import CsvError, header_of, read_csv, write_csv
from personalize_fake._errors import InvalidInput, ServiceError
from personalize_fake._state import lifecycle, objects
from personalize_fake._state.columns import MISSING
from personalize_fake._state.limits import IN_FLIGHT, Limit
from personalize_fake._state.objects import ObjectError
from personalize_fake._state.references import CASCADE, Reference
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE,
    Resource,
)
from personalize_fake._state.rows import BULK, PUT, Rows, layout_of
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Transitions

KEYS = {"USERS": "USER_ID", "ITEMS": "ITEM_ID", "ACTIONS": "ACTION_ID"}
"""The column identifying a record of each keyed dataset type (the newest is the record)."""
NOT_EXPORTED = frozenset({"ACTIONS", "ACTION_INTERACTIONS"})
SOURCES = {"BULK": (BULK,), "PUT": (PUT,), "ALL": (PUT, BULK)}


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused: reading a million rows allocates millions
    of lists and dicts, none in a cycle, and each collection they trigger walks them all
    (it doubles the time of a large import). Restored as it was, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(state: RegionState, job: DatasetImportJob) -> str | None:
    """Entering ACTIVE: read and check every file, then load the rows (or fail, loading none)."""
    dataset = state.resources.get(job.dataset_arn)
    if not isinstance(dataset, Dataset):  # cannot happen while it runs: it blocks the delete
        return f"The dataset {job.dataset_arn} no longer exists."
    failed = f"Failed to create a data import job for {dataset.dataset_type.lower()} dataset. "
    try:
        found = objects.read(state.store, job.data_location, state.region)
    except ObjectError as exc:
        return failed + str(exc)
    if objects.is_prefix(job.data_location):  # "every CSV in it": not _SUCCESS, manifests...
        found = [(name, data) for name, data in found if name.lower().endswith(".csv")]
        if not found:
            return failed + f"No CSV file (a key ending in .csv) is under {job.data_location}."
    fields = schema_fields(state, dataset)
    layout = layout_of(fields)
    floats = frozenset(name for name, kind in layout.items() if kind in ("time", "number"))
    staged = Rows(layout, KEYS.get(dataset.dataset_type))
    header = header_of(found[0][1])
    try:
        with no_collection():
            for name, data in found:
                for chunk in read_csv(
                    name, data, fields, absent=MISSING, floats=floats, header=header
                ):
                    staged.extend(chunk, BULK)
                    staged.flush()  # the chunk's dicts are freed
    except CsvError as exc:
        return failed + str(exc)
    least = state.settings.import_min_interactions
    if (
        dataset.dataset_type == "INTERACTIONS"
        and state.settings.minimum_training_data  # one switch for a test with tiny data
        and len(staged) < least
    ):
        return failed + (
            f"{job.data_location} holds {len(staged)} interaction records; an import job must "
            f"bring at least {least} (the fake's import_min_interactions setting)."
        )
    state.store.load_bulk(dataset.arn, staged, replace=job.import_mode == "FULL")
    return None


@attrs.define(eq=False, kw_only=True)
class DatasetImportJob(Resource):
    KIND: ClassVar[str] = "dataset-import-job"
    LABEL: ClassVar[str] = "dataset import job"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("dataset_arn", CASCADE, blocks_while_creating=True),
    )
    LIMITS: ClassVar[tuple[Limit, ...]] = (Limit("import_jobs_in_progress", IN_FLIGHT),)
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        attrs.evolve(CREATE, on_enter={ACTIVE: _import})
    )

    dataset_arn: str
    data_location: str
    import_mode: str = "FULL"
    role_arn: str | None = None
    publish_attribution_metrics_to_s3: bool | None = None


def _export(state: RegionState, job: DatasetExportJob) -> str | None:
    """Entering ACTIVE: write the dataset's rows of the job's ingestion mode as one CSV."""
    dataset = state.resources.get(job.dataset_arn)
    if not isinstance(dataset, Dataset):
        return f"The dataset {job.dataset_arn} no longer exists."
    rows = state.store.rows.get(dataset.arn)
    selected: Iterable[dict[str, Any]] = ()
    if rows is not None and job.ingestion_mode == "ALL" and rows.key is not None:
        selected = map(rows.row, rows.newest())  # the newest record of each id
    elif rows is not None:  # every record of the source(s), a repeated id's too
        wanted = SOURCES[job.ingestion_mode]
        selected = (rows.row(i) for i, source in enumerate(rows.sources) if source in wanted)
    data = write_csv(schema_fields(state, dataset), selected)
    path = job.job_output["s3DataDestination"]["path"]
    location = f"{path.rstrip('/')}/{job.name}/part-00000.csv"
    try:
        objects.write(state.store, location, data, state.region)
    except ObjectError as exc:
        return f"Failed to export the {dataset.dataset_type.lower()} dataset: {exc}"
    return None


@attrs.define(eq=False, kw_only=True)
class DatasetExportJob(Resource):
    KIND: ClassVar[str] = "dataset-export-job"
    LABEL: ClassVar[str] = "dataset export job"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("dataset_arn", CASCADE, blocks_while_creating=True),
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        attrs.evolve(CREATE, on_enter={ACTIVE: _export})
    )

    dataset_arn: str
    ingestion_mode: str = "PUT"
    role_arn: str
    job_output: dict[str, Any]


# -- dataset import jobs -------------------------------------------------------------


def location_of(data_source: dict[str, Any] | None) -> str:
    """A request's ``dataSource.dataLocation``, InvalidInput unless it is ``s3://<bucket>/``."""
    return objects.check_location((data_source or {}).get("dataLocation", ""))


def _import_summary(job: DatasetImportJob) -> dict[str, Any]:
    return {
        "datasetImportJobArn": job.arn,
        "jobName": job.name,
        **status_fields(job, with_failure=True),
        **timestamps(job),
        "importMode": job.import_mode,
    }


def _import_full(job: DatasetImportJob) -> dict[str, Any]:
    out = {
        **_import_summary(job),
        "datasetArn": job.dataset_arn,
        "dataSource": {"dataLocation": job.data_location},
    }
    if job.role_arn is not None:
        out["roleArn"] = job.role_arn
    if job.publish_attribution_metrics_to_s3 is not None:
        out["publishAttributionMetricsToS3"] = job.publish_attribution_metrics_to_s3
    return {"datasetImportJob": out}


def _check_publishing(state: RegionState, dataset: Dataset) -> None:
    """``publishAttributionMetricsToS3`` needs the group's metric attribution to have an
    ``s3DataDestination`` to publish to: InvalidInput otherwise."""
    attributions = state.referrers(dataset.dataset_group_arn, MetricAttribution)
    if not any((a.metrics_output_config or {}).get("s3DataDestination") for a in attributions):
        raise InvalidInput(
            f"publishAttributionMetricsToS3 needs a metric attribution with an "
            f"s3DataDestination in its metricsOutputConfig in dataset group "
            f"{dataset.dataset_group_arn}; the group has none."
        )


@operation
def create_dataset_import_job(
    state: RegionState,
    *,
    job_name: str,
    dataset_arn: str,
    data_source: dict[str, Any],
    role_arn: str | None = None,
    tags: list[dict[str, Any]] | None = None,
    import_mode: str | None = None,
    publish_attribution_metrics_to_s3: bool | None = None,
) -> dict[str, Any]:
    dataset = state.get(Dataset, dataset_arn)
    location = location_of(data_source)
    lifecycle.require_active(dataset)
    arn = state.arn(DatasetImportJob.KIND, job_name)
    ensure_new(state, arn)
    mode = import_mode or "FULL"
    jobs = state.referrers(dataset.arn, DatasetImportJob)
    if mode == "INCREMENTAL" and not any(job.status == ACTIVE for job in jobs):
        raise ServiceError(
            f"Dataset {dataset.arn} has no bulk records yet: its first import must use "
            "importMode FULL; INCREMENTAL appends to an earlier import.",
            code=state.settings.incremental_before_full_error,
        )
    if publish_attribution_metrics_to_s3:
        _check_publishing(state, dataset)
    job = DatasetImportJob(
        arn=arn,
        name=job_name,
        dataset_arn=dataset.arn,
        data_location=location,
        import_mode=mode,
        role_arn=role_arn,
        publish_attribution_metrics_to_s3=publish_attribution_metrics_to_s3,
    )
    create(state, job, tags)
    return {"datasetImportJobArn": arn}


@operation
def describe_dataset_import_job(
    state: RegionState, *, dataset_import_job_arn: str
) -> dict[str, Any]:
    return describe(state, DatasetImportJob, dataset_import_job_arn, _import_full)


@operation
def list_dataset_import_jobs(
    state: RegionState,
    *,
    dataset_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        DatasetImportJob,
        "ListDatasetImportJobs",
        "dataset_arn",
        dataset_arn,
        _import_summary,
        "datasetImportJobs",
        max_results,
        next_token,
    )


# -- dataset export jobs -------------------------------------------------------------


def _export_summary(job: DatasetExportJob) -> dict[str, Any]:
    return {
        "datasetExportJobArn": job.arn,
        "jobName": job.name,
        **status_fields(job, with_failure=True),
        **timestamps(job),
    }


def _export_full(job: DatasetExportJob) -> dict[str, Any]:
    return {
        "datasetExportJob": {
            **_export_summary(job),
            "datasetArn": job.dataset_arn,
            "ingestionMode": job.ingestion_mode,
            "roleArn": job.role_arn,
            "jobOutput": job.job_output,
        }
    }


@operation
def create_dataset_export_job(
    state: RegionState,
    *,
    job_name: str,
    dataset_arn: str,
    role_arn: str,
    job_output: dict[str, Any],
    ingestion_mode: str | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    dataset = state.get(Dataset, dataset_arn)
    objects.check_location(job_output["s3DataDestination"]["path"])
    if dataset.dataset_type in NOT_EXPORTED:
        raise InvalidInput(
            f"Dataset {dataset.arn} is an {dataset.dataset_type} dataset: only Interactions, "
            "Items and Users datasets can be exported."
        )
    lifecycle.require_active(dataset)
    arn = state.arn(DatasetExportJob.KIND, job_name)
    ensure_new(state, arn)
    job = DatasetExportJob(
        arn=arn,
        name=job_name,
        dataset_arn=dataset.arn,
        ingestion_mode=ingestion_mode or "PUT",
        role_arn=role_arn,
        job_output=job_output,
    )
    create(state, job, tags)
    return {"datasetExportJobArn": arn}


@operation
def describe_dataset_export_job(
    state: RegionState, *, dataset_export_job_arn: str
) -> dict[str, Any]:
    return describe(state, DatasetExportJob, dataset_export_job_arn, _export_full)


@operation
def list_dataset_export_jobs(
    state: RegionState,
    *,
    dataset_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        DatasetExportJob,
        "ListDatasetExportJobs",
        "dataset_arn",
        dataset_arn,
        _export_summary,
        "datasetExportJobs",
        max_results,
        next_token,
    )
