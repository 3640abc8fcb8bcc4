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
:func:`write_output`'s, the recommendation engine's hook. A job cannot be deleted: it goes
with its solution version (and so with its solution), which it keeps from being deleted
while in flight, as it does its filter.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

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
from personalize_fake._api.filters import Filter
from personalize_fake._api.registry import operation
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._api.tagging import check_tags
from personalize_fake._domain.recipes import (
    PERSONALIZED_ACTIONS,
    POPULAR_ITEMS,
    USER_SEGMENTATION,
)
from personalize_fake._errors import InvalidInput
from personalize_fake._settings import Settings
from personalize_fake._state import lifecycle, objects
from personalize_fake._state.limits import IN_FLIGHT, Limit
from personalize_fake._state.objects import ObjectError
from personalize_fake._state.references import CASCADE, KEEP, Reference
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE,
    Resource,
)
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Transitions

DEFAULT_RESULTS = 25
"""``numResults`` when the request gives none (the console's default, for both kinds)."""
USER_PERSONALIZATION_RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
SIMILAR_ITEMS_RECIPE = "arn:aws:personalize:::recipe/aws-similar-items"
EXPLORATION_KEYS = ("explorationWeight", "explorationItemAgeCutOff")
NOT_BATCH = {
    USER_SEGMENTATION: "use CreateBatchSegmentJob for a USER_SEGMENTATION recipe",
    POPULAR_ITEMS: "you can't get batch recommendations with the Trending-Now recipe",
    PERSONALIZED_ACTIONS: "you can't get batch recommendations with the Next-Best-Action recipe",
}
"""Recipe types a batch inference job refuses, and why."""


def write_output(state: RegionState, job: BatchJob, inputs: list[tuple[str, bytes]]) -> str | None:
    """THE RECOMMENDATION ENGINE'S HOOK (next issue): write the job's output; until then, nothing.

    Called where the job becomes ACTIVE, once its input was read and checked: ``inputs`` are
    ``(s3 location, bytes)`` of each input object in key order. The engine should write, for
    each, ``<jobOutput path>/<input file name>.out`` through ``objects.write`` (one JSON line
    per input line: ``{"input": ..., "output": {...}, "error": null}``, the real forms in
    docs/batch.md), using the version's training rows (``SolutionVersion.trained_rows``),
    ``job.num_results``, ``job.filter_arn`` and the inference job's config and mode. Return a
    failure reason to end the job CREATE FAILED, or None.
    """
    return None


def _run(state: RegionState, job: BatchJob) -> str | None:
    """Entering ACTIVE: read and check the input, then let the engine write the output."""
    label = job.LABEL
    try:
        inputs = objects.read(state.store, job.input_path, state.region)
    except ObjectError as exc:
        return f"Failed to create the {label}: cannot read its input. {exc}"
    settings = state.settings
    if len(inputs) > settings.batch_input_max_files:
        return (
            f"Failed to create the {label}: {job.input_path} holds {len(inputs)} input files; "
            f"a batch job reads at most {settings.batch_input_max_files}."
        )
    size = sum(len(data) for _, data in inputs)
    if size > settings.batch_input_max_bytes:
        return (
            f"Failed to create the {label}: its input {job.input_path} is {size} bytes; a "
            f"batch job reads at most {settings.batch_input_max_bytes}."
        )
    problem = job.input_problem(state, inputs)
    if problem is not None:
        return f"Failed to create the {label}: {problem}"
    return write_output(state, job, inputs)


@attrs.define(eq=False, kw_only=True)
class BatchJob(Resource):
    """What a batch inference job and a batch segment job share (no ``KIND``: not a kind)."""

    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("solution_version_arn", CASCADE, blocks_while_creating=True),
        Reference("filter_arn", KEEP, blocks_while_creating=True),
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        attrs.evolve(CREATE, on_enter={ACTIVE: _run})
    )
    ARN_MEMBER: ClassVar[str]
    """The member naming its ARN (``batchInferenceJobArn``)."""
    FILTER_TARGET: ClassVar[str]
    """What a filter it uses must filter: ``ItemID`` (recommendations) or ``UserID``."""

    solution_version_arn: str
    job_input: dict[str, Any]
    job_output: dict[str, Any]
    role_arn: str
    num_results: int = DEFAULT_RESULTS
    filter_arn: str | None = None

    @property
    def input_path(self) -> str:
        path: str = self.job_input["s3DataSource"]["path"]
        return path

    @classmethod
    def most_results(cls, settings: Settings) -> int:
        raise NotImplementedError

    @classmethod
    def check_recipe(cls, version: SolutionVersion) -> None:
        """InvalidInput unless the version's recipe type is one this kind of job takes."""
        raise NotImplementedError

    def input_problem(self, state: RegionState, inputs: list[tuple[str, bytes]]) -> str | None:
        """What is wrong with the input for this kind of job, beyond the shared limits."""
        return None

    def summary(self) -> dict[str, Any]:
        return {
            self.ARN_MEMBER: self.arn,
            "jobName": self.name,
            **status_fields(self, with_failure=True),
            **timestamps(self),
            "solutionVersionArn": self.solution_version_arn,
        }

    def details(self) -> dict[str, Any]:
        out = {
            **self.summary(),
            "numResults": self.num_results,
            "jobInput": self.job_input,
            "jobOutput": self.job_output,
            "roleArn": self.role_arn,
        }
        if self.filter_arn is not None:
            out["filterArn"] = self.filter_arn
        return out


@attrs.define(eq=False, kw_only=True)
class BatchInferenceJob(BatchJob):
    KIND: ClassVar[str] = "batch-inference-job"
    LABEL: ClassVar[str] = "batch inference job"
    LIMITS: ClassVar[tuple[Limit, ...]] = (Limit("batch_inference_jobs_in_progress", IN_FLIGHT),)
    ARN_MEMBER: ClassVar[str] = "batchInferenceJobArn"
    FILTER_TARGET: ClassVar[str] = "ItemID"

    batch_inference_job_config: dict[str, Any] | None = None
    batch_inference_job_mode: str = "BATCH_INFERENCE"
    theme_generation_config: dict[str, Any] | None = None

    @classmethod
    def most_results(cls, settings: Settings) -> int:
        return settings.batch_inference_max_results

    @classmethod
    def check_recipe(cls, version: SolutionVersion) -> None:
        why = NOT_BATCH.get(version.recipe_type)
        if why is not None:
            raise InvalidInput(
                f"Solution version {version.arn} was trained with {version.recipe_arn} "
                f"({version.recipe_type}): {why}."
            )

    def input_problem(self, state: RegionState, inputs: list[tuple[str, bytes]]) -> str | None:
        if self.batch_inference_job_mode != "THEME_GENERATION":
            return None
        records = sum(_records(data) for _, data in inputs)
        most = state.settings.theme_generation_max_records
        if records > most:
            return (
                f"{self.input_path} holds {records} input records; a THEME_GENERATION job "
                f"takes at most {most}."
            )
        return None

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "batchInferenceJobMode": self.batch_inference_job_mode}

    def details(self) -> dict[str, Any]:
        out = super().details()
        if self.batch_inference_job_config is not None:
            out["batchInferenceJobConfig"] = self.batch_inference_job_config
        if self.theme_generation_config is not None:
            out["themeGenerationConfig"] = self.theme_generation_config
        return out


@attrs.define(eq=False, kw_only=True)
class BatchSegmentJob(BatchJob):
    KIND: ClassVar[str] = "batch-segment-job"
    LABEL: ClassVar[str] = "batch segment job"
    LIMITS: ClassVar[tuple[Limit, ...]] = (Limit("batch_segment_jobs_in_progress", IN_FLIGHT),)
    ARN_MEMBER: ClassVar[str] = "batchSegmentJobArn"
    FILTER_TARGET: ClassVar[str] = "UserID"

    @classmethod
    def most_results(cls, settings: Settings) -> int:
        return settings.batch_segment_max_results

    def input_problem(self, state: RegionState, inputs: list[tuple[str, bytes]]) -> str | None:
        """Item-Affinity reads at most 500 items a file, Item-Attribute-Affinity 10 queries."""
        version = state.resources.get(self.solution_version_arn)
        if not isinstance(version, SolutionVersion):  # cannot happen: it goes with its version
            return f"the solution version {self.solution_version_arn} no longer exists."
        settings = state.settings
        if version.recipe_arn.endswith("/aws-item-attribute-affinity"):
            most, what = settings.segment_attribute_queries_per_file, "queries"
        else:
            most, what = settings.segment_items_per_file, "items"
        for name, data in inputs:
            records = _records(data)
            if records > most:
                return (
                    f"{name} holds {records} input records; a batch segment job of "
                    f"{version.recipe_arn} reads at most {most} {what} a file."
                )
        return None

    @classmethod
    def check_recipe(cls, version: SolutionVersion) -> None:
        if version.recipe_type != USER_SEGMENTATION:
            raise InvalidInput(
                f"Solution version {version.arn} was trained with {version.recipe_arn} "
                f"({version.recipe_type}): a batch segment job needs a USER_SEGMENTATION "
                "recipe (aws-item-affinity or aws-item-attribute-affinity); use "
                "CreateBatchInferenceJob for recommendations."
            )


J = TypeVar("J", bound=BatchJob)


def _records(data: bytes) -> int:
    """The JSON Lines records of an input file: its lines that are not blank."""
    return sum(1 for line in data.splitlines() if line.strip())


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
) -> tuple[str, SolutionVersion, int]:
    """What both Creates check first: a new name, the paths' form, the version (exists, is
    ACTIVE, has a recipe this kind takes), the filter and ``numResults``."""
    arn = state.arn(cls.KIND, job_name)
    ensure_new(state, arn)
    _check_path(job_input["s3DataSource"]["path"], "input")
    _check_path(job_output["s3DataDestination"]["path"], "output")
    version = state.get(SolutionVersion, solution_version_arn)
    lifecycle.require_active(version)
    cls.check_recipe(version)
    _check_filter(state, cls, version, filter_arn)
    return arn, version, _results(cls, state.settings, num_results)


def _begin(state: RegionState, job: J, tags: list[dict[str, Any]] | None) -> J:
    """What both Creates end with: tags, then the job starts (its class's ``LIMITS``, jobs
    in flight per region, checked as it begins)."""
    check_tags(state, None, tags or [])
    create(state, job, tags)
    return job


def _check_exploration(version: SolutionVersion, config: dict[str, Any] | None) -> None:
    """``itemExplorationConfig``: User-Personalization's ``explorationWeight`` (0 to 1) and
    ``explorationItemAgeCutOff`` (days, above 0), nothing else and no other recipe."""
    exploration = (config or {}).get("itemExplorationConfig")
    if not exploration:
        return
    if version.recipe_arn != USER_PERSONALIZATION_RECIPE:
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
    if version.recipe_arn != SIMILAR_ITEMS_RECIPE:
        raise InvalidInput(
            "batchInferenceJobMode THEME_GENERATION needs a solution version of the "
            f"Similar-Items recipe ({SIMILAR_ITEMS_RECIPE}); {version.arn} was trained with "
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
    cls = BatchInferenceJob
    arn, version, results = _prepare(
        state, cls, job_name, solution_version_arn, filter_arn, num_results, job_input, job_output
    )
    mode = batch_inference_job_mode or "BATCH_INFERENCE"
    _check_exploration(version, batch_inference_job_config)
    _check_themes(state, version, mode, theme_generation_config)
    job = BatchInferenceJob(
        arn=arn,
        name=job_name,
        solution_version_arn=version.arn,
        job_input=job_input,
        job_output=job_output,
        role_arn=role_arn,
        num_results=results,
        filter_arn=filter_arn,
        batch_inference_job_config=batch_inference_job_config,
        batch_inference_job_mode=mode,
        theme_generation_config=theme_generation_config,
    )
    _begin(state, job, tags)
    return {"batchInferenceJobArn": arn}


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
    cls = BatchSegmentJob
    arn, version, results = _prepare(
        state, cls, job_name, solution_version_arn, filter_arn, num_results, job_input, job_output
    )
    job = BatchSegmentJob(
        arn=arn,
        name=job_name,
        solution_version_arn=version.arn,
        job_input=job_input,
        job_output=job_output,
        role_arn=role_arn,
        num_results=results,
        filter_arn=filter_arn,
    )
    _begin(state, job, tags)
    return {"batchSegmentJobArn": arn}


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
