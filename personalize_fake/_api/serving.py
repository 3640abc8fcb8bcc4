"""What serves a runtime request: a campaign's deployed version or a recommender, its model,
and the rules of its recipe (which ids a request needs, whether metadata may be asked for).

Shared by the three runtime operations and by batch jobs, which answer each input line as
a request to the version they name.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs

from personalize_fake._api.answers import Source, group_datasets, model
from personalize_fake._api.campaigns import Campaign
from personalize_fake._api.recommenders import Recommender
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._domain.engine.data import Config, Model
from personalize_fake._domain.recipes import (
    PERSONALIZED_ACTIONS,
    Recipe,
    recipe,
)
from personalize_fake._errors import InvalidInput, ResourceNotFound, ServiceError
from personalize_fake._state.resource import ACTIVE
from personalize_fake._state.store import RegionState

METADATA_BUILT_IN = frozenset({"aws-user-personalization-v2", "aws-semantic-similarity"})
"""Recipes whose campaigns give metadata without ``enableMetadataWithRecommendations``."""


@attrs.frozen
class Served:
    """A campaign or recommender ready to answer, and what it was trained as."""

    arn: str
    key: str
    """What its model is kept under: the deployed version's ARN, or the recommender's."""
    group_arn: str
    recipe: Recipe
    source: Source
    config: dict[str, Any]
    """The campaign's or recommender's configuration."""
    cid: str
    """The ``CID-`` part of its recommendation ids: six hex digits fixed per resource."""

    def model(self, state: RegionState) -> Model:
        return model(state, self.key, self.source)

    @property
    def metadata(self) -> bool:
        return bool(self.config.get("enableMetadataWithRecommendations")) or (
            self.recipe.name in METADATA_BUILT_IN
        )


def _cid(arn: str) -> str:
    return hashlib.sha256(arn.encode()).hexdigest()[:6]


def _not_active(state: RegionState, label: str, arn: str, status: str) -> ServiceError:
    message = f"The {label} {arn} is not ACTIVE (its status is {status})."
    if state.settings.runtime_not_active_error == "ResourceNotFoundException":
        return ResourceNotFound(message)
    return InvalidInput(message)


def version_source(state: RegionState, version: SolutionVersion) -> Source:
    """What ``version`` trained on."""
    found = recipe(version.recipe_arn)
    threshold = (version.solution_config or {}).get("eventValueThreshold")
    params = ((version.solution_config or {}).get("algorithmHyperParameters")) or {}
    config = Config(
        found.name if found is not None else version.recipe_arn.rsplit("/", 1)[-1],
        version.event_type,
        float(threshold) if threshold not in (None, "") else None,
        dict(params),  # only what the solution set: the engine's defaults suit small data
    )
    datasets = group_datasets(state, version.dataset_group_arn)
    actions = found is not None and found.recipe_type == PERSONALIZED_ACTIONS
    return Source(
        config,
        datasets,
        dict(version.trained_rows or {}),
        version.training_ended or version.updated,
        "ACTION_INTERACTIONS" if actions else "INTERACTIONS",
    )


def served_version(state: RegionState, version: SolutionVersion, config: dict[str, Any]) -> Served:
    """A version answering directly (a batch job), with the job's configuration."""
    return Served(
        version.arn,
        version.arn,
        version.dataset_group_arn,
        _recipe(version.recipe_arn),
        version_source(state, version),
        config,
        _cid(version.arn),
    )


def campaign(state: RegionState, arn: str) -> Served:
    """The ACTIVE campaign at ``arn`` and the version it deploys."""
    found = state.get(Campaign, arn)
    if found.status != ACTIVE:
        raise _not_active(state, "campaign", arn, found.status)
    version = state.resources.get(found.solution_version_arn)
    if not isinstance(version, SolutionVersion):
        raise ResourceNotFound.for_arn(found.solution_version_arn)
    return Served(
        arn,
        version.arn,
        found.dataset_group_arn,
        _recipe(version.recipe_arn),
        version_source(state, version),
        dict(found.campaign_config or {}),
        _cid(arn),
    )


def recommender(state: RegionState, arn: str) -> Served:
    """The ACTIVE recommender at ``arn``."""
    found = state.get(Recommender, arn)
    if found.status != ACTIVE:
        raise _not_active(state, "recommender", arn, found.status)
    use_case = _recipe(found.recipe_arn)
    source = Source(
        Config(use_case.name),
        group_datasets(state, found.dataset_group_arn),
        dict(found.trained_rows or {}),
        found.training_ended or found.updated,
    )
    return Served(
        arn,
        arn,
        found.dataset_group_arn,
        use_case,
        source,
        dict(found.recommender_config or {}),
        _cid(arn),
    )


def _recipe(arn: str) -> Recipe:
    found = recipe(arn)
    if found is None:  # only a forged state file names a recipe outside the catalogue
        raise ResourceNotFound.for_arn(arn)
    return found


def target(state: RegionState, campaign_arn: str | None, recommender_arn: str | None) -> Served:
    """Exactly one of a campaign and a recommender, ready to answer."""
    if (campaign_arn is None) == (recommender_arn is None):
        raise InvalidInput(
            "Provide exactly one of campaignArn and recommenderArn."
            if campaign_arn is None
            else "campaignArn and recommenderArn cannot both be given; provide exactly one."
        )
    if campaign_arn is not None:
        return campaign(state, campaign_arn)
    assert recommender_arn is not None
    return recommender(state, recommender_arn)
