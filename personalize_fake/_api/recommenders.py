"""Recommenders: Create, Describe, List, Update, Delete, Start and StopRecommender.

A recommender serves one use case (a domain recipe) of a Domain dataset group. Besides the
create and delete chains it stops (``STOP PENDING > STOP IN_PROGRESS > INACTIVE``) and
starts again (``START PENDING > START IN_PROGRESS > ACTIVE``); an update moves a summary of
its own (``latestRecommenderUpdate``, the create chain's statuses) while the recommender
stays ACTIVE on its old configuration, which the new one replaces once the update is ACTIVE.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    begin_update,
    create,
    describe,
    ensure_can_update,
    ensure_new,
    interactions_below,
    list_under,
    status_fields,
    timestamps,
    update_chains,
    update_summary,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import Dataset, dataset_arn
from personalize_fake._api.registry import operation
from personalize_fake._domain.recipes import recipe as catalogue_recipe
from personalize_fake._errors import InvalidInput, ResourceNotFound
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import LIVE, Limit
from personalize_fake._state.references import KEEP, Reference
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE,
    CREATE_FAILED,
    DELETE,
    Resource,
    now,
)
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Chain, Transitions

INACTIVE = "INACTIVE"
DEFAULT_CONFIG = {"minRecommendationRequestsPerSecond": 1}
"""What a recommender's configuration holds unless given: the documented default rate."""


def _training(state: RegionState, recommender: Recommender) -> str | None:
    """Entering ACTIVE: the training AWS does, which fails on too few interactions (the
    developer guide's text), as ``recommender_min_interactions`` says; like a solution
    version's, the check is off with ``minimum_training_data=False``."""
    recommender.training_ended = now()
    recommender.trained_rows = {
        arn: rows.appended if (rows := state.store.rows.get(arn)) is not None else 0
        for arn in recommender.dataset_arns
    }
    minimum = state.settings.recommender_min_interactions
    if minimum == 0 or not state.settings.minimum_training_data:
        return None
    group = state.resources.get(recommender.dataset_group_arn)
    rows = None
    if isinstance(group, DatasetGroup):
        rows = state.store.rows.get(dataset_arn(state, group, "INTERACTIONS"))
    recipe = catalogue_recipe(recommender.recipe_arn)
    event_type = recipe.event_type if recipe is not None else None
    short = interactions_below(rows, minimum, event_type)
    # the developer guide's text ends with a full stop only without an event type
    return f"{short}." if short is not None and event_type is None else short


def _update_done(state: RegionState, recommender: Recommender) -> None:
    """The new configuration replaces the old one only once its update is ACTIVE."""
    if recommender.update_config is not None:
        recommender.recommender_config = recommender.update_config


@attrs.define(eq=False, kw_only=True)
class Recommender(Resource):
    KIND: ClassVar[str] = "recommender"
    LABEL: ClassVar[str] = "recommender"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("dataset_group_arn"),
        Reference("dataset_arns", KEEP, blocks_while_creating=True),  # it trains on them
    )
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit("recommenders_per_dataset_group", LIVE, "dataset_group_arn"),
        Limit("recommenders_per_region", LIVE),
    )
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        attrs.evolve(CREATE, on_enter={ACTIVE: _training}),
        attrs.evolve(DELETE, begins_from=(ACTIVE, CREATE_FAILED, INACTIVE)),
        Chain(
            "stop",
            ("STOP PENDING", "STOP IN_PROGRESS", INACTIVE),
            begins_from=(ACTIVE,),
            purpose="be stopped",
        ),
        Chain(
            "start",
            ("START PENDING", "START IN_PROGRESS", ACTIVE),
            begins_from=(INACTIVE,),
            purpose="be started",
        ),
        *update_chains(_update_done, (ACTIVE,)),
    )

    dataset_group_arn: str
    recipe_arn: str
    recommender_config: dict[str, Any]
    dataset_arns: tuple[str, ...] = ()
    """The group's datasets when it was created: a dataset cannot be deleted while it trains."""
    update_config: dict[str, Any] | None = None
    update_status: str | None = None
    update_failure_reason: str | None = None
    update_created: float | None = None
    update_updated: float | None = None
    training_ended: float | None = None
    """When it became ACTIVE: its model trains on the rows its datasets held then."""
    trained_rows: dict[str, int] | None = None
    """Each dataset's ``Rows.appended`` when training ended, by dataset ARN."""


def _config(given: dict[str, Any] | None) -> dict[str, Any]:
    return {**DEFAULT_CONFIG, **(given or {})}


def _summary(recommender: Recommender) -> dict[str, Any]:
    return {
        "name": recommender.name,
        "recommenderArn": recommender.arn,
        "datasetGroupArn": recommender.dataset_group_arn,
        "recipeArn": recommender.recipe_arn,
        "recommenderConfig": recommender.recommender_config,
        **status_fields(recommender, with_failure=False),
        **timestamps(recommender),
    }


def _full(recommender: Recommender) -> dict[str, Any]:
    out = {**_summary(recommender), **status_fields(recommender, with_failure=True)}
    if recommender.update_status is not None:
        update = {"recommenderConfig": recommender.update_config, **update_summary(recommender)}
        out["latestRecommenderUpdate"] = update
    return {"recommender": out}


@operation
def create_recommender(
    state: RegionState,
    *,
    name: str,
    dataset_group_arn: str,
    recipe_arn: str,
    recommender_config: dict[str, Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    group = state.get(DatasetGroup, dataset_group_arn)
    recipe = catalogue_recipe(recipe_arn)
    if recipe is None:
        raise ResourceNotFound.for_arn(recipe_arn)
    arn = state.arn(Recommender.KIND, name)
    ensure_new(state, arn)
    if group.domain is None:
        raise InvalidInput(
            f"Dataset group {group.arn} is a Custom dataset group. "
            "Please use a domains-specific Dataset Group to create the Recommender."
        )
    if recipe.domain != group.domain:
        kind = f"a {recipe.domain} use case" if recipe.domain else "a custom recipe"
        raise InvalidInput(
            f"Recipe {recipe.arn} is {kind}; dataset group {group.arn} is a {group.domain} "
            f"dataset group: a recommender needs one of its {group.domain} use cases."
        )
    lifecycle.require_active(group)
    recommender = Recommender(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        recipe_arn=recipe.arn,
        recommender_config=_config(recommender_config),
        dataset_arns=tuple(d.arn for d in state.referrers(group.arn, Dataset)),
    )
    create(state, recommender, tags)
    return {"recommenderArn": arn}


@operation
def describe_recommender(state: RegionState, *, recommender_arn: str) -> dict[str, Any]:
    return describe(state, Recommender, recommender_arn, _full)


@operation
def list_recommenders(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        Recommender,
        "ListRecommenders",
        "dataset_group_arn",
        dataset_group_arn,
        _summary,
        "recommenders",
        max_results,
        next_token,
    )


@operation
def update_recommender(
    state: RegionState, *, recommender_arn: str, recommender_config: dict[str, Any]
) -> dict[str, Any]:
    recommender = state.get(Recommender, recommender_arn)
    ensure_can_update(recommender)
    recommender.update_config = _config(recommender_config)
    begin_update(state, recommender)
    return {"recommenderArn": recommender.arn}


@operation
def start_recommender(state: RegionState, *, recommender_arn: str) -> dict[str, Any]:
    recommender = state.get(Recommender, recommender_arn)
    lifecycle.begin(state, recommender, "start")
    return {"recommenderArn": recommender.arn}


@operation
def stop_recommender(state: RegionState, *, recommender_arn: str) -> dict[str, Any]:
    recommender = state.get(Recommender, recommender_arn)
    lifecycle.begin(state, recommender, "stop")
    return {"recommenderArn": recommender.arn}


@operation
def delete_recommender(state: RegionState, *, recommender_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(Recommender, recommender_arn))
