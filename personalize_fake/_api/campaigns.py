"""Campaigns: CreateCampaign, DescribeCampaign, ListCampaigns, UpdateCampaign, DeleteCampaign.

A campaign deploys one ACTIVE solution version, named by its ARN or as
``<solution ARN>/$LATEST`` (the solution's newest ACTIVE version then). Its
``solutionVersionArn`` always reads the version it deploys, never ``$LATEST``; with
``syncWithLatestSolutionVersion`` it moves to each version of its solution that becomes
ACTIVE. UpdateCampaign moves ``latestCampaignUpdate`` through a chain of its own field
while the campaign stays ACTIVE and keeps serving its old version and configuration; they
change when that update is ACTIVE (``latestCampaignUpdate.solutionVersionArn`` shows what
was asked, ``$LATEST`` included). A campaign keeps its version, and so its solution, from
being deleted.
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
    list_under,
    status_fields,
    timestamps,
    update_chains,
    update_summary,
)
from personalize_fake._api.registry import operation
from personalize_fake._api.solution_versions import TRAINED, SolutionVersion, newest_versions
from personalize_fake._api.solutions import Solution
from personalize_fake._errors import InvalidInput, ResourceInUse
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import LIVE, Limit
from personalize_fake._state.references import KEEP, Reference
from personalize_fake._state.resource import ACTIVE, CREATE_FAILED, Resource, now
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Transitions

LATEST = "/$LATEST"


def _apply_update(state: RegionState, campaign: Campaign) -> str | None:
    """The update is ACTIVE: the campaign deploys what it asked for from now on."""
    requested = campaign.update_version_arn or campaign.requested_version_arn
    version = state.resources.get(campaign.update_deployed_arn or "")
    if requested.endswith(LATEST) and isinstance(version, SolutionVersion):
        version = _newest_active(state, version.solution_arn) or version  # trained meanwhile
    if not isinstance(version, SolutionVersion):
        return f"Solution version {requested} no longer exists."
    try:
        state.refer(campaign, "solution_arn", version.solution_arn)
        state.refer(campaign, "solution_version_arn", version.arn)
    except ResourceInUse as exc:  # its solution's deletion began meanwhile
        return exc.message
    campaign.requested_version_arn = requested
    campaign.min_provisioned_tps = campaign.update_tps
    campaign.campaign_config = campaign.update_config
    return None


@attrs.define(eq=False, kw_only=True)
class Campaign(Resource):
    KIND: ClassVar[str] = "campaign"
    LABEL: ClassVar[str] = "campaign"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("solution_version_arn"),
        Reference("solution_arn"),
        Reference("dataset_group_arn", KEEP),  # what the per-group limit counts
    )
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit("campaigns_per_dataset_group", LIVE, "dataset_group_arn"),
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        *update_chains(_apply_update, (ACTIVE, CREATE_FAILED))
    )

    solution_version_arn: str
    """The version it deploys (resolved from ``$LATEST``): what recommendations come from."""
    solution_arn: str
    dataset_group_arn: str
    requested_version_arn: str
    """What was asked for: a version ARN, or ``<solution ARN>/$LATEST``."""
    min_provisioned_tps: int = 1
    campaign_config: dict[str, Any] | None = None
    update_status: str | None = None
    """``latestCampaignUpdate``: None until the first UpdateCampaign."""
    update_failure_reason: str | None = None
    update_created: float | None = None
    update_updated: float | None = None
    update_version_arn: str | None = None
    update_deployed_arn: str | None = None
    update_tps: int = 1
    """What the update deploys with: its own minProvisionedTPS, else the campaign's."""
    update_config: dict[str, Any] | None = None

    @property
    def synced(self) -> bool:
        return bool((self.campaign_config or {}).get("syncWithLatestSolutionVersion"))


def _newest_active(state: RegionState, solution_arn: str) -> SolutionVersion | None:
    for version in newest_versions(state, solution_arn):
        if version.status == ACTIVE:
            return version
    return None


def _deployable(state: RegionState, requested: str) -> SolutionVersion:
    """The ACTIVE version ``requested`` names: itself, or a solution's newest ACTIVE one; its
    solution must be ACTIVE too (a campaign must not deploy a version being deleted)."""
    if requested.endswith(LATEST):
        solution = state.get(Solution, requested.removesuffix(LATEST))
        lifecycle.require_active(solution)  # not being deleted
        newest = _newest_active(state, solution.arn)
        if newest is not None:
            return newest
        raise ResourceInUse(
            f"The solution {solution.arn} has no ACTIVE solution version to deploy."
        )
    version = state.get(SolutionVersion, requested)
    lifecycle.require_active(version)
    lifecycle.require_active(state.get(Solution, version.solution_arn))  # not being deleted
    return version


def _check_sync(requested: str, config: dict[str, Any] | None) -> None:
    if (config or {}).get("syncWithLatestSolutionVersion") and not requested.endswith(LATEST):
        raise InvalidInput(
            "With syncWithLatestSolutionVersion, solutionVersionArn must name the solution in "
            f"SolutionArn/$LATEST format, not {requested}."
        )


def _sync(state: RegionState, version: SolutionVersion) -> None:
    """A version became ACTIVE: campaigns synced with its solution deploy it, unless they
    deploy a newer one already (a version not yet stored is the newest)."""
    for campaign in list(state.references.referrers(version.solution_arn, Campaign.KIND)):
        assert isinstance(campaign, Campaign)
        if not campaign.synced or campaign.solution_version_arn == version.arn:
            continue
        current = state.resources.get(campaign.solution_version_arn)
        if version.region_state is None or current is None or version._rank > current._rank:
            state.refer(campaign, "solution_version_arn", version.arn)
            campaign.updated = max(now(), campaign.updated)


TRAINED.append(_sync)


def _summary(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "campaignArn": campaign.arn,
        **status_fields(campaign, with_failure=True),
        **timestamps(campaign),
    }


def _full(campaign: Campaign) -> dict[str, Any]:
    out: dict[str, Any] = {
        **_summary(campaign),
        "solutionVersionArn": campaign.solution_version_arn,
        "minProvisionedTPS": campaign.min_provisioned_tps,
    }
    if campaign.campaign_config:
        out["campaignConfig"] = campaign.campaign_config
    if campaign.update_status is not None:
        update: dict[str, Any] = {
            "solutionVersionArn": campaign.update_version_arn,
            "minProvisionedTPS": campaign.update_tps,
            **update_summary(campaign),
        }
        if campaign.update_config:
            update["campaignConfig"] = campaign.update_config
        out["latestCampaignUpdate"] = update
    return {"campaign": out}


@operation
def create_campaign(
    state: RegionState,
    *,
    name: str,
    solution_version_arn: str,
    min_provisioned_tps: int | None = None,
    campaign_config: dict[str, Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    arn = state.arn(Campaign.KIND, name)
    ensure_new(state, arn)
    _check_sync(solution_version_arn, campaign_config)
    version = _deployable(state, solution_version_arn)
    campaign = Campaign(
        arn=arn,
        name=name,
        solution_version_arn=version.arn,
        solution_arn=version.solution_arn,
        dataset_group_arn=version.dataset_group_arn,
        requested_version_arn=solution_version_arn,
        min_provisioned_tps=1 if min_provisioned_tps is None else min_provisioned_tps,
        campaign_config=campaign_config or None,
    )
    create(state, campaign, tags)
    return {"campaignArn": arn}


@operation
def describe_campaign(state: RegionState, *, campaign_arn: str) -> dict[str, Any]:
    return describe(state, Campaign, campaign_arn, _full)


@operation
def list_campaigns(
    state: RegionState,
    *,
    solution_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        Campaign,
        "ListCampaigns",
        "solution_arn",
        solution_arn,
        _summary,
        "campaigns",
        max_results,
        next_token,
    )


@operation
def update_campaign(
    state: RegionState,
    *,
    campaign_arn: str,
    solution_version_arn: str | None = None,
    min_provisioned_tps: int | None = None,
    campaign_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    campaign = state.get(Campaign, campaign_arn)
    ensure_can_update(campaign)
    requested = solution_version_arn or campaign.requested_version_arn
    config = campaign.campaign_config if campaign_config is None else campaign_config or None
    _check_sync(requested, config)
    version = _deployable(state, requested)
    campaign.update_version_arn = requested
    campaign.update_deployed_arn = version.arn
    campaign.update_tps = min_provisioned_tps or campaign.min_provisioned_tps
    campaign.update_config = config
    begin_update(state, campaign)
    return {"campaignArn": campaign.arn}


@operation
def delete_campaign(state: RegionState, *, campaign_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(Campaign, campaign_arn))
