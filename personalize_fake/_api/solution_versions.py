"""Solution versions: CreateSolutionVersion, DescribeSolutionVersion, ListSolutionVersions,
StopSolutionVersionCreation.

A version is one training of its solution. Its ARN is the solution's with eight hex digits
(``solution/<name>/<8 hex>``: there is no solution-version resource type). It keeps what the
recommendation engine and batch jobs need: the recipe and its type, the training mode, the
dataset group, the dataset it trained on and when training ended (the rows it may use are
those present then). Whether the data was enough (AWS's minimum: 1,000 interactions, 25 users
with 2 or more) is judged as training ends, on entering ACTIVE; too little ends it CREATE
FAILED with AWS's reason. Versions cannot be deleted: they go with their solution, which
they keep from being deleted while in flight.
"""

from __future__ import annotations

import collections
import secrets
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    NewestFirst,
    create,
    describe,
    interactions_below,
    list_under,
    status_fields,
    timestamps,
    training_users,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import Dataset, dataset_arn
from personalize_fake._api.registry import operation
from personalize_fake._api.solutions import Solution, auto_ml_recipe, training_dataset_type
from personalize_fake._domain.recipes import recipe
from personalize_fake._errors import InvalidInput, ResourceNotFound
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import IN_FLIGHT, Limit
from personalize_fake._state.references import CASCADE, KEEP, Reference
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE_FAILED,
    CREATE_IN_PROGRESS,
    CREATE_PENDING,
    Resource,
    now,
)
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Chain, Transitions

CREATE_STOPPING = "CREATE STOPPING"
CREATE_STOPPED = "CREATE STOPPED"

MINIMUM_INTERACTIONS = 1000
MINIMUM_USERS = 25
"""AWS's minimum training data for a solution version: interactions (after the event type
and value filters), and users with at least 2 of them. Fixed, not settings: tests with tiny
data turn the whole check off (``minimum_training_data=False``), and a recommender's
minimum, which AWS words differently, is its own setting (``recommender_min_interactions``)."""

TRAINED: list[Callable[[RegionState, SolutionVersion], None]] = []
"""Called when a version becomes ACTIVE (campaigns synced with the latest version move on)."""


def too_little_data(state: RegionState, version: SolutionVersion) -> str | None:
    """AWS's failure reason when the version's training data is below the minimum, else None."""
    rows = state.store.rows.get(version.interactions_dataset_arn or "")
    threshold = (version.solution_config or {}).get("eventValueThreshold")
    short = interactions_below(rows, MINIMUM_INTERACTIONS, version.event_type, threshold)
    if short is not None:
        return f"Create failed. {short}."
    counts = collections.Counter(training_users(rows, version.event_type, threshold))
    if sum(1 for count in counts.values() if count >= 2) < MINIMUM_USERS:
        return (
            f"Create failed. Dataset has fewer than {MINIMUM_USERS} users with at least 2 "
            "interactions each."
        )
    return None


def _trained(state: RegionState, version: SolutionVersion) -> str | None:
    """Entering ACTIVE: judge the data, then note when training ended and what it found."""
    if state.settings.minimum_training_data:
        reason = too_little_data(state, version)
        if reason is not None:
            return reason
    version.training_ended = now()
    version.trained_rows = {  # where each dataset's rows stood: the rows before it trained
        arn: rows.appended if (rows := state.store.rows.get(arn)) is not None else 0
        for arn in version.dataset_arns
    }
    version.training_hours = round((version.training_ended - version.created) / 3600, 3)
    found = recipe(version.recipe_arn)
    if version.perform_hpo and found is not None:
        tuned = {hp.name: hp.default for hp in found.hyperparameters if hp.tunable}
        version.tuned_hpo_params = tuned or None
    solution = state.resources.get(version.solution_arn)
    if isinstance(solution, Solution) and solution.perform_auto_ml:
        solution.best_recipe_arn = version.recipe_arn
    for hook in TRAINED:
        hook(state, version)
    return None


@attrs.define(eq=False, kw_only=True)
class SolutionVersion(Resource):
    KIND: ClassVar[str] = "solution-version"
    LABEL: ClassVar[str] = "solution version"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (  # while training or stopping, they stay
        Reference("solution_arn", CASCADE, blocks_while_creating=True),
        Reference("dataset_arns", KEEP, blocks_while_creating=True),
    )
    LIMITS: ClassVar[tuple[Limit, ...]] = (Limit("solution_versions_in_progress", IN_FLIGHT),)
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        Chain(
            "create",
            (CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE),
            failed=CREATE_FAILED,
            on_enter={ACTIVE: _trained},
        ),
        Chain(
            "stop",  # StopSolutionVersionCreation; from CREATE PENDING straight to STOPPED
            (CREATE_STOPPING, CREATE_STOPPED),
            begins_from=(CREATE_PENDING, CREATE_IN_PROGRESS),
            purpose="stop its creation",
            enters_at={CREATE_PENDING: CREATE_STOPPED},
        ),
    )

    solution_arn: str
    dataset_group_arn: str
    recipe_arn: str
    """The recipe it trains with (AutoML's pick, for an AutoML solution)."""
    recipe_type: str
    """USER_PERSONALIZATION, RELATED_ITEMS, USER_SEGMENTATION... (what batch jobs check)."""
    training_mode: str = "FULL"
    training_type: str = "MANUAL"
    """AUTOMATIC for an AUTOTRAIN version, else MANUAL."""
    interactions_dataset_arn: str | None = None
    """The dataset it trains on: Interactions, or Action_Interactions for Next-Best-Action."""
    dataset_arns: tuple[str, ...] = ()
    """Every dataset of the group when it was created (their deletion waits for it)."""
    perform_hpo: bool = False
    perform_auto_ml: bool = False
    perform_incremental_update: bool = False
    event_type: str | None = None
    solution_config: dict[str, Any] | None = None
    training_ended: float | None = None
    """When it became ACTIVE: the rows it may use are those its datasets held then."""
    trained_rows: dict[str, int] | None = None
    """Each dataset's ``Rows.appended`` when training ended, by dataset ARN: the rows added
    before that mark are the ones it trained on (``_api.answers``)."""
    training_hours: float | None = None
    tuned_hpo_params: dict[str, str] | None = None


def version_summary(version: SolutionVersion) -> dict[str, Any]:
    """A SolutionVersionSummary (ListSolutionVersions, ``latestSolutionVersion``)."""
    return {
        "solutionVersionArn": version.arn,
        **status_fields(version, with_failure=True),
        "trainingMode": version.training_mode,
        "trainingType": version.training_type,
        **timestamps(version),
    }


def newest_versions(state: RegionState, solution_arn: str) -> Iterator[SolutionVersion]:
    """The solution's versions, newest first (walking the index backwards, no copy)."""
    return iter(NewestFirst(state.referrers(solution_arn, SolutionVersion, "solution_arn")))


def _full(version: SolutionVersion) -> dict[str, Any]:
    out: dict[str, Any] = {
        **version_summary(version),
        "name": version.name,
        "solutionArn": version.solution_arn,
        "performHPO": version.perform_hpo,
        "performAutoML": version.perform_auto_ml,
        "performIncrementalUpdate": version.perform_incremental_update,
        "recipeArn": version.recipe_arn,
        "datasetGroupArn": version.dataset_group_arn,
    }
    if version.event_type:
        out["eventType"] = version.event_type
    if version.solution_config:
        out["solutionConfig"] = version.solution_config
    if version.training_hours is not None:
        out["trainingHours"] = version.training_hours
    if version.tuned_hpo_params:
        out["tunedHPOParams"] = {"algorithmHyperParameters": version.tuned_hpo_params}
    return {"solutionVersion": out}


def _check_mode(state: RegionState, solution: Solution, recipe_arn: str, mode: str) -> None:
    if mode == "UPDATE":
        found = recipe(recipe_arn)
        if found is None or not found.updatable:
            raise InvalidInput(
                "trainingMode UPDATE is only for solutions of the User-Personalization (or "
                f"legacy HRNN-Coldstart) recipe, not {recipe_arn}."
            )
        if not any(
            v.status == ACTIVE and v.training_mode == "FULL"
            for v in state.referrers(solution.arn, SolutionVersion)
        ):
            raise InvalidInput(
                f"trainingMode UPDATE needs an ACTIVE solution version of {solution.arn} "
                "trained with trainingMode FULL."
            )
    elif mode == "AUTOTRAIN" and not solution.perform_auto_training:
        raise InvalidInput(
            f"trainingMode AUTOTRAIN needs a solution with performAutoTraining; {solution.arn} "
            "has it off."
        )


@operation
def create_solution_version(
    state: RegionState,
    *,
    solution_arn: str,
    name: str | None = None,
    training_mode: str | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    solution = state.get(Solution, solution_arn)
    lifecycle.require_active(solution)
    found = (
        auto_ml_recipe(solution.solution_config)
        if solution.perform_auto_ml
        else recipe(solution.recipe_arn or "")
    )
    if found is None:  # a solution names a catalogued recipe: only a forged state file lacks one
        raise ResourceNotFound.for_arn(str(solution.recipe_arn))
    mode = training_mode or "FULL"
    _check_mode(state, solution, found.arn, mode)
    group = state.get(DatasetGroup, solution.dataset_group_arn)
    suffix = secrets.token_hex(4)
    arn = state.arn(Solution.KIND, f"{solution.name}/{suffix}")
    while arn in state.resources:
        suffix = secrets.token_hex(4)
        arn = state.arn(Solution.KIND, f"{solution.name}/{suffix}")
    version = SolutionVersion(
        arn=arn,
        name=name or suffix,  # AWS showed "<solution>/<hex>", which the model's pattern forbids
        solution_arn=solution.arn,
        dataset_group_arn=group.arn,
        recipe_arn=found.arn,
        recipe_type=found.recipe_type,
        training_mode=mode,
        training_type="AUTOMATIC" if mode == "AUTOTRAIN" else "MANUAL",
        interactions_dataset_arn=dataset_arn(state, group, training_dataset_type(found)),
        dataset_arns=tuple(d.arn for d in state.referrers(group.arn, Dataset)),
        perform_hpo=solution.perform_hpo,
        perform_auto_ml=solution.perform_auto_ml,
        perform_incremental_update=solution.perform_incremental_update,
        event_type=solution.event_type,
        solution_config=solution.solution_config,
    )
    create(state, version, tags)
    return {"solutionVersionArn": arn}


@operation
def describe_solution_version(state: RegionState, *, solution_version_arn: str) -> dict[str, Any]:
    return describe(state, SolutionVersion, solution_version_arn, _full)


@operation
def list_solution_versions(
    state: RegionState,
    *,
    solution_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    if solution_arn is not None:
        state.get(Solution, solution_arn)  # the one List that declares ResourceNotFound
    return list_under(
        state,
        SolutionVersion,
        "ListSolutionVersions",
        "solution_arn",
        solution_arn,
        version_summary,
        "solutionVersions",
        max_results,
        next_token,
    )


@operation
def stop_solution_version_creation(state: RegionState, *, solution_version_arn: str) -> None:
    lifecycle.begin(state, state.get(SolutionVersion, solution_version_arn), "stop")
