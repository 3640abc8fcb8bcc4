"""Batch inference and batch segment jobs (Create, Describe, List of each).

Both kinds run from an ACTIVE solution version (no campaign), read JSON Lines from an
``s3://`` input and write ``<input file>.out`` under their output path. They share one
base class and one creation path; what differs is the recipe types they take (a segment
job needs USER_SEGMENTATION, an inference job refuses it and Trending-Now and
Next-Best-Action) and what an inference job adds (its config, mode and theme generation).

Their lifecycle is the one real jobs report, ``CREATE PENDING > CREATE IN_PROGRESS >
ACTIVE | CREATE FAILED`` (not the model docstring's ``PENDING``/``IN PROGRESS``). The input
object is looked for when the job runs, as AWS does (the call only checks the path's
form): entering ACTIVE reads it, and a missing or unreadable input, or one over the
limits, ends the job CREATE FAILED with a reason naming the object. Writing the output is
``batch_resources.write_output``'s, the recommendation engine's hook. A job cannot be
deleted: it goes with its solution version (and so with its solution), which it keeps from
being deleted while in flight, as it does its filter. The resources are ``batch_resources``'.
"""

from __future__ import annotations

from typing import Any

from personalize_fake._api.batch_resources import (
    DEFAULT_RESULTS,
    BatchInferenceJob,
    BatchJob,
    BatchSegmentJob,
)
from personalize_fake._api.common import (
    create,
    describe,
    ensure_new,
    list_under,
)
from personalize_fake._api.datasets import Dataset, schema_fields
from personalize_fake._api.filters import Filter
from personalize_fake._api.registry import operation
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._domain.recipes import catalogue, recipe
from personalize_fake._errors import InvalidInput
from personalize_fake._settings import Settings
from personalize_fake._state import lifecycle, objects
from personalize_fake._state.store import RegionState

EXPLORATION_KEYS = ("explorationWeight", "explorationItemAgeCutOff")


# -- creation --------------------------------------------------------------------------


def _check_path(path: str, which: str) -> None:
    """InvalidInput ``Invalid S3 <which> path`` (the service's text) unless ``s3://bucket/...``."""
    try:
        objects.check_location(path)
    except InvalidInput:
        raise InvalidInput(
            f"Invalid S3 {which} path: {path!r} is not s3://<bucket>/<key or prefix>."
        ) from None


def _check_filter(
    state: RegionState, cls: type[BatchJob], version: SolutionVersion, filter_arn: str | None
) -> None:
    """The filter exists (ResourceNotFound), is ACTIVE (ResourceInUse), is of the version's
    dataset group and filters what the job returns (InvalidInput)."""
    if filter_arn is None:
        return
    found = state.get(Filter, filter_arn)
    lifecycle.require_active(found)
    if found.dataset_group_arn != version.dataset_group_arn:
        raise InvalidInput(
            f"Filter {found.arn} belongs to dataset group {found.dataset_group_arn}, not to "
            f"{version.dataset_group_arn}, the dataset group of solution version {version.arn}."
        )
    target = found.tree.target
    if target != cls.FILTER_TARGET:
        what = "users" if cls.FILTER_TARGET == "UserID" else "items"
        raise InvalidInput(
            f"Filter {found.arn} filters by {target}; a {cls.LABEL} returns {what}, so its "
            f"filter must INCLUDE or EXCLUDE {cls.FILTER_TARGET}."
        )


def _results(cls: type[BatchJob], settings: Settings, num_results: int | None) -> int:
    if num_results is None:
        return DEFAULT_RESULTS
    most = cls.most_results(settings)
    if not 1 <= num_results <= most:
        raise InvalidInput(
            f"numResults must be from 1 to {most} for a {cls.LABEL}, not {num_results}."
        )
    return num_results


def _prepare(
    state: RegionState,
    cls: type[BatchJob],
    job_name: str,
    solution_version_arn: str,
    filter_arn: str | None,
    num_results: int | None,
    job_input: dict[str, Any],
    job_output: dict[str, Any],
    role_arn: str,
) -> tuple[SolutionVersion, dict[str, Any]]:
    """What both Creates check first: a new name, the paths' form, the version (exists, is
    ACTIVE, has a recipe this kind takes), the filter and ``numResults``; returns the version
    and the fields every batch job has."""
    arn = state.arn(cls.KIND, job_name)
    ensure_new(state, arn)
    _check_path(job_input["s3DataSource"]["path"], "input")
    _check_path(job_output["s3DataDestination"]["path"], "output")
    version = state.get(SolutionVersion, solution_version_arn)
    lifecycle.require_active(version)
    cls.check_recipe(version)
    _check_filter(state, cls, version, filter_arn)
    fields = {
        "arn": arn,
        "name": job_name,
        "solution_version_arn": version.arn,
        "job_input": job_input,
        "job_output": job_output,
        "role_arn": role_arn,
        "num_results": _results(cls, state.settings, num_results),
        "filter_arn": filter_arn,
    }
    return version, fields


def _check_exploration(version: SolutionVersion, config: dict[str, Any] | None) -> None:
    """``itemExplorationConfig``: User-Personalization's ``explorationWeight`` (0 to 1) and
    ``explorationItemAgeCutOff`` (days, above 0), nothing else and no other recipe."""
    exploration = (config or {}).get("itemExplorationConfig")
    if not exploration:
        return
    found = recipe(version.recipe_arn)
    if found is None or not found.explores:
        raise InvalidInput(
            "itemExplorationConfig is for solution versions of the User-Personalization "
            f"recipe; {version.arn} was trained with {version.recipe_arn}."
        )
    for key, value in exploration.items():
        if key not in EXPLORATION_KEYS:
            raise InvalidInput(
                f"itemExplorationConfig has no {key!r}; it takes {' and '.join(EXPLORATION_KEYS)}."
            )
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        fits = 0 <= number <= 1 if key == "explorationWeight" else number > 0
        if not fits:
            bounds = "from 0 to 1" if key == "explorationWeight" else "a number of days above 0"
            raise InvalidInput(f"itemExplorationConfig {key} must be {bounds}, not {value!r}.")


def _check_themes(
    state: RegionState, version: SolutionVersion, mode: str, config: dict[str, Any] | None
) -> None:
    """THEME_GENERATION: a Similar-Items version, ``themeGenerationConfig`` naming a string
    column of the group's Items dataset, which has a textual field; the config only then."""
    if mode != "THEME_GENERATION":
        if config is not None:
            raise InvalidInput(
                "themeGenerationConfig is only for a job whose batchInferenceJobMode is "
                "THEME_GENERATION."
            )
        return
    found = recipe(version.recipe_arn)
    if found is None or not found.themes:
        themed = catalogue().arns(lambda r: r.themes)
        raise InvalidInput(
            "batchInferenceJobMode THEME_GENERATION needs a solution version of the "
            f"Similar-Items recipe ({themed}); {version.arn} was trained with "
            f"{version.recipe_arn}."
        )
    if config is None:
        raise InvalidInput(
            "batchInferenceJobMode THEME_GENERATION needs themeGenerationConfig naming the "
            "Items dataset's item name column (fieldsForThemeGeneration.itemName)."
        )
    column = config["fieldsForThemeGeneration"]["itemName"]
    items = next(
        (
            d
            for d in state.referrers(version.dataset_group_arn, Dataset)
            if d.dataset_type == "ITEMS"
        ),
        None,
    )
    if items is None:
        raise InvalidInput(
            f"Theme generation needs an Items dataset in {version.dataset_group_arn}; it has none."
        )
    fields = schema_fields(state, items)
    named = next((f for f in fields if f.name == column), None)
    if named is None or named.kind != "string":
        raise InvalidInput(
            f"themeGenerationConfig itemName {column!r} must name a string column of the Items "
            f"dataset {items.arn}."
        )
    if not any(f.textual for f in fields):
        raise InvalidInput(
            f"Theme generation needs a textual field in the Items dataset {items.arn} "
            '(a string field with "textual": true).'
        )


# -- batch inference jobs --------------------------------------------------------------


@operation
def create_batch_inference_job(
    state: RegionState,
    *,
    job_name: str,
    solution_version_arn: str,
    job_input: dict[str, Any],
    job_output: dict[str, Any],
    role_arn: str,
    filter_arn: str | None = None,
    num_results: int | None = None,
    batch_inference_job_config: dict[str, Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
    batch_inference_job_mode: str | None = None,
    theme_generation_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    version, fields = _prepare(
        state,
        BatchInferenceJob,
        job_name,
        solution_version_arn,
        filter_arn,
        num_results,
        job_input,
        job_output,
        role_arn,
    )
    mode = batch_inference_job_mode or "BATCH_INFERENCE"
    _check_exploration(version, batch_inference_job_config)
    _check_themes(state, version, mode, theme_generation_config)
    job = BatchInferenceJob(
        **fields,
        batch_inference_job_config=batch_inference_job_config,
        batch_inference_job_mode=mode,
        theme_generation_config=theme_generation_config,
    )
    create(state, job, tags)
    return {"batchInferenceJobArn": job.arn}


@operation
def describe_batch_inference_job(
    state: RegionState, *, batch_inference_job_arn: str
) -> dict[str, Any]:
    return describe(
        state,
        BatchInferenceJob,
        batch_inference_job_arn,
        lambda job: {"batchInferenceJob": job.details()},
    )


@operation
def list_batch_inference_jobs(
    state: RegionState,
    *,
    solution_version_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        BatchInferenceJob,
        "ListBatchInferenceJobs",
        "solution_version_arn",
        solution_version_arn,
        BatchInferenceJob.summary,
        "batchInferenceJobs",
        max_results,
        next_token,
    )


# -- batch segment jobs ----------------------------------------------------------------


@operation
def create_batch_segment_job(
    state: RegionState,
    *,
    job_name: str,
    solution_version_arn: str,
    job_input: dict[str, Any],
    job_output: dict[str, Any],
    role_arn: str,
    filter_arn: str | None = None,
    num_results: int | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    _, fields = _prepare(
        state,
        BatchSegmentJob,
        job_name,
        solution_version_arn,
        filter_arn,
        num_results,
        job_input,
        job_output,
        role_arn,
    )
    job = BatchSegmentJob(**fields)
    create(state, job, tags)
    return {"batchSegmentJobArn": job.arn}


@operation
def describe_batch_segment_job(state: RegionState, *, batch_segment_job_arn: str) -> dict[str, Any]:
    return describe(
        state,
        BatchSegmentJob,
        batch_segment_job_arn,
        lambda job: {"batchSegmentJob": job.details()},
    )


@operation
def list_batch_segment_jobs(
    state: RegionState,
    *,
    solution_version_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        BatchSegmentJob,
        "ListBatchSegmentJobs",
        "solution_version_arn",
        solution_version_arn,
        BatchSegmentJob.summary,
        "batchSegmentJobs",
        max_results,
        next_token,
    )
