"""What serves a runtime request: a campaign's deployed version or a recommender, its model,
and the rules of its recipe (which ids a request needs, whether metadata may be asked for).

Shared by the three runtime operations and by batch jobs, which answer each input line as
a request to the version they name. What a campaign or recommender serves is worked out
once and kept until it changes (its status, version, configuration or training), so a
request does little more than a lookup before asking the model.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import attrs

from personalize_fake._api.answers import Source, datasets_of, freeze, model
from personalize_fake._api.campaigns import Campaign
from personalize_fake._api.recommenders import Recommender
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._domain.engine.data import Config, Model
from personalize_fake._domain.recipes import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    POPULAR_ITEMS,
    USER_PERSONALIZATION,
    Recipe,
    recipe,
)
from personalize_fake._errors import InvalidInput, ResourceNotFound, ServiceError
from personalize_fake._state import store as store_module
from personalize_fake._state.resource import ACTIVE
from personalize_fake._state.store import RegionState, Store

METADATA_BUILT_IN = frozenset({"aws-user-personalization-v2", "aws-semantic-similarity"})
"""Recipes whose campaigns give metadata without ``enableMetadataWithRecommendations``."""
REAL_TIME = frozenset({USER_PERSONALIZATION, PERSONALIZED_RANKING, PERSONALIZED_ACTIONS})
"""Recipe types whose models use a user's events recorded after training at once (all but
popularity-count, which AWS says needs a new version)."""


@attrs.frozen(slots=False)  # cached properties
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

    @functools.cached_property
    def real_time(self) -> str | None:
        """The dataset whose events recorded after training count at once, None for the
        recipes that see them only in a new version."""
        if self.recipe.recipe_type in REAL_TIME and self.recipe.name != "aws-popularity-count":
            return self.source.interactions_arn
        return None

    @functools.cached_property
    def timed(self) -> bool:
        """Whether its answers depend on the request's time (actions expire, trends age)."""
        return self.recipe.recipe_type in (PERSONALIZED_ACTIONS, POPULAR_ITEMS)


def _cid(arn: str) -> str:
    return hashlib.sha256(arn.encode()).hexdigest()[:6]


def _not_active(state: RegionState, label: str, arn: str, status: str) -> ServiceError:
    message = f"The {label} {arn} is not ACTIVE (its status is {status})."
    if state.settings.runtime_not_active_error == "ResourceNotFoundException":
        return ResourceNotFound(message)
    return InvalidInput(message)


def _recipe(arn: str) -> Recipe:
    found = recipe(arn)
    if found is None:  # only a forged state file names a recipe outside the catalogue
        raise ResourceNotFound.for_arn(arn)
    return found


def version_source(version: SolutionVersion) -> Source:
    """What ``version`` trained on."""
    found = _recipe(version.recipe_arn)
    threshold = (version.solution_config or {}).get("eventValueThreshold")
    params = (version.solution_config or {}).get("algorithmHyperParameters") or {}
    config = Config(
        found.name,
        version.event_type,
        float(threshold) if threshold not in (None, "") else None,
        dict(params),  # only what the solution set: the engine's defaults suit small data
    )
    return Source(
        config,
        datasets_of(version.dataset_arns),
        dict(version.trained_rows or {}),
        version.training_ended or version.updated,
        "ACTION_INTERACTIONS" if found.recipe_type == PERSONALIZED_ACTIONS else "INTERACTIONS",
    )


def recommender_source(recommender: Recommender) -> Source:
    """What ``recommender`` trained on."""
    return Source(
        Config(_recipe(recommender.recipe_arn).name),
        datasets_of(recommender.dataset_arns),
        dict(recommender.trained_rows or {}),
        recommender.training_ended or recommender.updated,
    )


def served_version(state: RegionState, version: SolutionVersion, config: dict[str, Any]) -> Served:
    """A version answering directly (a batch job), with the job's configuration."""
    return Served(
        version.arn,
        version.arn,
        version.dataset_group_arn,
        _recipe(version.recipe_arn),
        version_source(version),
        config,
        _cid(version.arn),
    )


def _kept(state: RegionState, arn: str, stamp: tuple[Any, ...]) -> Served | None:
    found = state.store.engine.get(f"served:{arn}")
    if found is not None and found[0] == stamp:
        served: Served = found[1]
        return served
    return None


def campaign(state: RegionState, arn: str) -> Served:
    """The ACTIVE campaign at ``arn`` and the version it deploys."""
    found = state.get(Campaign, arn)
    if found.status != ACTIVE:
        raise _not_active(state, "campaign", arn, found.status)
    version = state.resources.get(found.solution_version_arn)
    if not isinstance(version, SolutionVersion):
        raise ResourceNotFound.for_arn(found.solution_version_arn)
    stamp = (id(found), id(version), version.training_ended, id(found.campaign_config))
    served = _kept(state, arn, stamp)
    if served is None:
        served = Served(
            arn,
            version.arn,
            found.dataset_group_arn,
            _recipe(version.recipe_arn),
            version_source(version),
            dict(found.campaign_config or {}),
            _cid(arn),
        )
        state.store.engine[f"served:{arn}"] = (stamp, served)
    return served


def recommender(state: RegionState, arn: str) -> Served:
    """The ACTIVE recommender at ``arn``."""
    found = state.get(Recommender, arn)
    if found.status != ACTIVE:
        raise _not_active(state, "recommender", arn, found.status)
    stamp = (id(found), found.training_ended, id(found.recommender_config))
    served = _kept(state, arn, stamp)
    if served is None:
        served = Served(
            arn,
            arn,
            found.dataset_group_arn,
            _recipe(found.recipe_arn),
            recommender_source(found),
            dict(found.recommender_config or {}),
            _cid(arn),
        )
        state.store.engine[f"served:{arn}"] = (stamp, served)
    return served


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


def _before_drop(store: Store, dataset_arn: str) -> None:
    """Rows of ``dataset_arn`` are about to be dropped: take the training data of the
    versions and recommenders trained on them that have no model yet."""
    found = store.find(dataset_arn)
    if found is None:
        return
    state = found[0]
    sources: list[tuple[str, Source]] = []
    for version in state.referrers(dataset_arn, SolutionVersion, "dataset_arns"):
        if version.trained_rows and version.trained_rows.get(dataset_arn):
            sources.append((version.arn, version_source(version)))
    for made in state.referrers(dataset_arn, Recommender, "dataset_arns"):
        if made.trained_rows and made.trained_rows.get(dataset_arn):
            sources.append((made.arn, recommender_source(made)))
    freeze(state, sources)


store_module.BEFORE_DROP.append(_before_drop)
