"""Solutions: CreateSolution, DescribeSolution, ListSolutions, UpdateSolution, DeleteSolution.

A solution is a training configuration: a recipe of the AWS-owned catalogue (or AutoML's
pick among USER_PERSONALIZATION recipes) and the dataset group it trains on. It blocks its
group's deletion; deleting it deletes its versions (``solution_versions``). UpdateSolution
moves ``latestSolutionUpdate`` through a chain of its own field, the solution staying
ACTIVE; the new settings show on the solution once that update is ACTIVE.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    begin_update,
    create,
    describe,
    ensure_can_update,
    ensure_new,
    list_under,
    timestamps,
    update_chains,
    update_summary,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import dataset_arn
from personalize_fake._api.registry import operation
from personalize_fake._domain.recipes import (
    AUTO_ML_DEFAULT,
    PERSONALIZED_ACTIONS,
    USER_PERSONALIZATION,
    Recipe,
    recipe,
)
from personalize_fake._errors import InvalidInput, ResourceNotFound
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import LIVE, Limit
from personalize_fake._state.references import Reference
from personalize_fake._state.resource import (
    ACTIVE,
    Resource,
)
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Transitions


def _apply_update(state: RegionState, solution: Solution) -> None:
    solution.perform_auto_training = solution.update_auto_training
    solution.perform_incremental_update = solution.update_incremental
    config = dict(solution.solution_config or {})
    config.update(solution.update_config or {})
    solution.solution_config = config or None


@attrs.define(eq=False, kw_only=True)
class Solution(Resource):
    KIND: ClassVar[str] = "solution"
    LABEL: ClassVar[str] = "solution"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("dataset_group_arn"),)
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit("solutions_per_dataset_group", LIVE, "dataset_group_arn"),
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        *update_chains(_apply_update, (ACTIVE,))
    )

    dataset_group_arn: str
    recipe_arn: str | None = None
    """None under AutoML until a version has picked one (``best_recipe_arn``)."""
    perform_hpo: bool = False
    perform_auto_ml: bool = False
    perform_auto_training: bool = True
    perform_incremental_update: bool = False
    event_type: str | None = None
    solution_config: dict[str, Any] | None = None
    best_recipe_arn: str | None = None
    """AutoML's pick (``autoMLResult``), once a version trained."""
    update_status: str | None = None
    """``latestSolutionUpdate``: None until the first UpdateSolution."""
    update_failure_reason: str | None = None
    update_created: float | None = None
    update_updated: float | None = None
    update_config: dict[str, Any] | None = None
    update_auto_training: bool = True
    update_incremental: bool = False


def _summary(solution: Solution) -> dict[str, Any]:
    out = {
        "name": solution.name,
        "solutionArn": solution.arn,
        "status": solution.status,
        **timestamps(solution),
    }
    if solution.recipe_arn:
        out["recipeArn"] = solution.recipe_arn
    return out


def _full(state: RegionState) -> Any:
    # The versions' module imports this one (a version is of a solution): imported here.
    from personalize_fake._api.solution_versions import newest_versions, version_summary

    def view(solution: Solution) -> dict[str, Any]:
        out: dict[str, Any] = {
            **_summary(solution),
            "datasetGroupArn": solution.dataset_group_arn,
            "performHPO": solution.perform_hpo,
            "performAutoML": solution.perform_auto_ml,
            "performAutoTraining": solution.perform_auto_training,
            "performIncrementalUpdate": solution.perform_incremental_update,
        }
        if solution.event_type:
            out["eventType"] = solution.event_type
        if solution.solution_config:
            out["solutionConfig"] = solution.solution_config
        if solution.best_recipe_arn:
            out["autoMLResult"] = {"bestRecipeArn": solution.best_recipe_arn}
        latest = next(newest_versions(state, solution.arn), None)
        if latest is not None:
            out["latestSolutionVersion"] = version_summary(latest)
        if solution.update_status is not None:
            update: dict[str, Any] = {
                **update_summary(solution),
                "performAutoTraining": solution.update_auto_training,
                "performIncrementalUpdate": solution.update_incremental,
            }
            if solution.update_config:
                update["solutionUpdateConfig"] = solution.update_config
            out["latestSolutionUpdate"] = update
        return {"solution": out}

    return view


def training_dataset_type(found: Recipe) -> str:
    """The dataset a recipe trains on: action interactions for Next-Best-Action, else
    item interactions."""
    if found.recipe_type == PERSONALIZED_ACTIONS:
        return "ACTION_INTERACTIONS"
    return "INTERACTIONS"


def _required_types(found: Recipe) -> tuple[str, ...]:
    if found.recipe_type == PERSONALIZED_ACTIONS:
        return ("ACTIONS", "ACTION_INTERACTIONS")
    return ("INTERACTIONS",)


def _check_recipe(arn: str) -> Recipe:
    found = recipe(arn)
    if found is None:
        raise ResourceNotFound.for_arn(arn)
    if found.domain is not None:
        raise InvalidInput(
            f"Recipe {arn} is a {found.domain} domain use case: use it in CreateRecommender "
            "on a Domain dataset group, not in CreateSolution."
        )
    return found


def _incremental(recipe_arn: str | None) -> bool:
    """Whether the recipe takes ``performIncrementalUpdate``."""
    found = recipe(recipe_arn or "")
    return found is not None and found.incremental


def auto_ml_recipe(config: dict[str, Any] | None) -> Recipe:
    """The recipe AutoML will settle on: the first of ``recipeList``, each of which must be
    a USER_PERSONALIZATION recipe (the default list is aws-user-personalization alone)."""
    listed = ((config or {}).get("autoMLConfig") or {}).get("recipeList") or []
    for arn in listed:
        found = _check_recipe(arn)
        if found.recipe_type != USER_PERSONALIZATION:
            raise InvalidInput(
                f"AutoML searches USER_PERSONALIZATION recipes only; {arn} is {found.recipe_type}."
            )
    chosen = recipe(listed[0] if listed else AUTO_ML_DEFAULT)
    assert chosen is not None
    return chosen


_RATE = re.compile(r"rate\((\d+) days?\)")


def check_auto_training(config: dict[str, Any] | None) -> None:
    """``autoTrainingConfig.schedulingExpression`` names 1 to 30 days (the model checks only
    its pattern)."""
    expression = ((config or {}).get("autoTrainingConfig") or {}).get("schedulingExpression")
    if expression is None:
        return
    match = _RATE.fullmatch(expression)
    if match is None or not 1 <= int(match.group(1)) <= 30:
        raise InvalidInput(
            f"Invalid schedulingExpression {expression!r}: use rate(<1 to 30> days), "
            "for example rate(7 days)."
        )


def _check_threshold(config: dict[str, Any] | None) -> None:
    """``eventValueThreshold`` is a string (the model's type) holding a number."""
    threshold = (config or {}).get("eventValueThreshold")
    try:
        if threshold is not None:
            float(threshold)
    except ValueError:
        raise InvalidInput(f"eventValueThreshold {threshold!r} is not a number.") from None


def check_training_datasets(state: RegionState, group: DatasetGroup, found: Recipe) -> None:
    """The group holds the datasets the recipe trains on and, with ``minimum_training_data``,
    interactions in them (imported or recorded): AWS's InvalidInput otherwise."""
    for kind in _required_types(found):
        arn = dataset_arn(state, group, kind)
        if arn not in state.resources:
            raise InvalidInput(
                f"Dataset group {group.arn} must contain an {kind} dataset to train with "
                f"recipe {found.arn}."
            )
    if not state.settings.minimum_training_data:
        return
    kind = training_dataset_type(found)
    rows = state.store.rows.get(dataset_arn(state, group, kind))
    if rows is None or not len(rows):
        raise InvalidInput(
            f"Dataset group must contain an {kind} dataset with successfully completed dataset "
            "import job or EVENT_INTERACTIONS"
        )


@operation
def create_solution(
    state: RegionState,
    *,
    name: str,
    dataset_group_arn: str,
    perform_hpo: bool | None = None,
    perform_auto_ml: bool | None = None,
    perform_auto_training: bool | None = None,
    perform_incremental_update: bool | None = None,
    recipe_arn: str | None = None,
    event_type: str | None = None,
    solution_config: dict[str, Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    group = state.get(DatasetGroup, dataset_group_arn)
    arn = state.arn(Solution.KIND, name)
    ensure_new(state, arn)
    lifecycle.require_active(group)
    if perform_auto_ml:
        if recipe_arn is not None:
            raise InvalidInput("With performAutoML, omit recipeArn: AutoML picks the recipe.")
        found = auto_ml_recipe(solution_config)
    elif recipe_arn is None:
        raise InvalidInput("recipeArn is required when performAutoML is false.")
    else:
        found = _check_recipe(recipe_arn)
    if perform_incremental_update and not found.incremental:
        raise InvalidInput(
            "performIncrementalUpdate is supported only for solutions that use the "
            f"aws-semantic-similarity recipe, not {found.arn}."
        )
    check_auto_training(solution_config)
    _check_threshold(solution_config)
    check_training_datasets(state, group, found)
    solution = Solution(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        recipe_arn=recipe_arn,
        perform_hpo=bool(perform_hpo or perform_auto_ml),  # always true under AutoML
        perform_auto_ml=bool(perform_auto_ml),
        perform_auto_training=perform_auto_training is not False,
        perform_incremental_update=bool(perform_incremental_update),
        event_type=event_type,
        solution_config=solution_config or None,
    )
    create(state, solution, tags)
    return {"solutionArn": arn}


@operation
def describe_solution(state: RegionState, *, solution_arn: str) -> dict[str, Any]:
    return describe(state, Solution, solution_arn, _full(state))


@operation
def list_solutions(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        Solution,
        "ListSolutions",
        "dataset_group_arn",
        dataset_group_arn,
        _summary,
        "solutions",
        max_results,
        next_token,
    )


@operation
def update_solution(
    state: RegionState,
    *,
    solution_arn: str,
    perform_auto_training: bool | None = None,
    perform_incremental_update: bool | None = None,
    solution_update_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    solution = state.get(Solution, solution_arn)
    if perform_incremental_update and not _incremental(solution.recipe_arn):
        raise InvalidInput(
            "performIncrementalUpdate is supported only for solutions that use the "
            f"aws-semantic-similarity recipe, not {solution.recipe_arn}."
        )
    check_auto_training(solution_update_config)
    ensure_can_update(solution)
    solution.update_config = solution_update_config or None
    solution.update_auto_training = (
        solution.perform_auto_training if perform_auto_training is None else perform_auto_training
    )
    solution.update_incremental = (
        solution.perform_incremental_update
        if perform_incremental_update is None
        else perform_incremental_update
    )
    begin_update(state, solution)
    return {"solutionArn": solution.arn}


@operation
def delete_solution(state: RegionState, *, solution_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(Solution, solution_arn))
