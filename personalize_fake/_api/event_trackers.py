"""Event trackers: CreateEventTracker, DescribeEventTracker, ListEventTrackers, DeleteEventTracker.

Only one event tracker can be associated with a dataset group; its ARN ends in
eight hex digits (not its name) and its tracking ID is a UUID.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import create, describe, list_under, status_fields, timestamps
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.registry import operation
from personalize_fake._errors import ResourceAlreadyExists, ServiceError
from personalize_fake._state import lifecycle
from personalize_fake._state.references import Reference
from personalize_fake._state.resource import Resource
from personalize_fake._state.store import RegionState


@attrs.define(eq=False, kw_only=True)
class EventTracker(Resource):
    KIND: ClassVar[str] = "event-tracker"
    LABEL: ClassVar[str] = "event tracker"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("dataset_group_arn"),)

    dataset_group_arn: str
    tracking_id: str
    account_id: str


def _summary(tracker: EventTracker) -> dict[str, Any]:
    return {
        "name": tracker.name,
        "eventTrackerArn": tracker.arn,
        **status_fields(tracker, with_failure=False),
        **timestamps(tracker),
    }


def _full(tracker: EventTracker) -> dict[str, Any]:
    return {
        "eventTracker": {
            **_summary(tracker),
            "accountId": tracker.account_id,
            "trackingId": tracker.tracking_id,
            "datasetGroupArn": tracker.dataset_group_arn,
        }
    }


@operation
def create_event_tracker(
    state: RegionState,
    *,
    name: str,
    dataset_group_arn: str,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    group = state.get(DatasetGroup, dataset_group_arn)
    for tracker in state.all(EventTracker):  # a taken name before the one-per-group rule
        if tracker.name == name:
            raise ResourceAlreadyExists.for_arn(tracker.arn)
    for tracker in state.referrers(group.arn, EventTracker):
        raise ServiceError(
            f"Dataset group {group.arn} already has an event tracker ({tracker.arn}); "
            "only one event tracker can be associated with a dataset group.",
            code=state.settings.duplicate_event_tracker_error,
        )
    lifecycle.require_active(group)
    arn = state.arn(EventTracker.KIND, secrets.token_hex(4))
    while arn in state.resources:  # 1 in 4 billion, but never two trackers at one ARN
        arn = state.arn(EventTracker.KIND, secrets.token_hex(4))
    tracker = EventTracker(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        tracking_id=str(uuid.uuid4()),
        account_id=state.account_id,
    )
    create(state, tracker, tags)
    return {"eventTrackerArn": arn, "trackingId": tracker.tracking_id}


@operation
def describe_event_tracker(state: RegionState, *, event_tracker_arn: str) -> dict[str, Any]:
    return describe(state, EventTracker, event_tracker_arn, _full)


@operation
def list_event_trackers(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        EventTracker,
        "ListEventTrackers",
        "dataset_group_arn",
        dataset_group_arn,
        _summary,
        "eventTrackers",
        max_results,
        next_token,
    )


@operation
def delete_event_tracker(state: RegionState, *, event_tracker_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(EventTracker, event_tracker_arn))
