"""What a batch job is: the batch inference and batch segment job resources, how a job runs
when it becomes ACTIVE (its input read and checked), and the recommendation engine's hook
that writes its output (:func:`write_output`). The six operations are ``batch_jobs``'.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    status_fields,
    timestamps,
)
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._domain.recipes import (
    PERSONALIZED_ACTIONS,
    POPULAR_ITEMS,
    USER_SEGMENTATION,
)
from personalize_fake._errors import InvalidInput
from personalize_fake._settings import Settings
from personalize_fake._state import objects
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
NOT_BATCH = {
    USER_SEGMENTATION: "use CreateBatchSegmentJob for a USER_SEGMENTATION recipe",
    POPULAR_ITEMS: "you can't get batch recommendations with the Trending-Now recipe",
    PERSONALIZED_ACTIONS: "you can't get batch recommendations with the Next-Best-Action recipe",
}
"""Recipe types a batch inference job refuses, and why."""


def write_output(state: RegionState, job: BatchJob, inputs: list[tuple[str, bytes]]) -> str | None:
    """Write the job's output (``batch_output``: each input line answered by the engine that
    answers the runtime); a failure reason ends the job CREATE FAILED."""
    from personalize_fake._api.batch_output import write  # it needs the runtime's modules

    return write(state, job, inputs)


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


def _records(data: bytes) -> int:
    """The JSON Lines records of an input file: its lines that are not blank."""
    return sum(1 for line in data.splitlines() if line.strip())
