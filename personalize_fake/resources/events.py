"""The personalize-events service: PutEvents, PutUsers, PutItems, PutActions, PutActionInteractions.

Each call is checked whole before anything is recorded, so a rejected call
records nothing. Recorded data lives on the store and is read through the
handle (``fake.events(tracking_id)``, ``fake.items(dataset_arn)``...).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from personalize_fake._errors import InvalidInput, ResourceInUse, ResourceNotFound, ServiceError
from personalize_fake._registry import operation
from personalize_fake._store import ACTIVE, RegionState
from personalize_fake.resources.datasets import Dataset
from personalize_fake.resources.event_trackers import by_tracking_id

RESERVED_EVENT_KEYS = frozenset(
    k.lower() for k in ("userId", "sessionId", "eventType", "timestamp", "recommendationId", "impression")
)
"""Keys event properties may not use (case-insensitive), per the PutEvents reference."""


def _utc(epoch: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


def _properties(text: str, reserved: frozenset[str] = frozenset()) -> None:
    """``properties`` must be a JSON object string, without reserved keys."""
    try:
        parsed = json.loads(text)
    except ValueError:
        raise InvalidInput("Error parsing properties json") from None
    if not isinstance(parsed, dict):
        raise InvalidInput("Error parsing properties json: properties must be a JSON object.")
    clashes = sorted(k for k in parsed if k.lower() in reserved)
    if clashes:
        raise InvalidInput(f"Event properties cannot contain reserved key(s): {', '.join(clashes)}.")


@operation
def put_events(
    state: RegionState,
    *,
    tracking_id: str,
    session_id: str,
    event_list: list[dict[str, Any]],
    user_id: str | None = None,
) -> None:
    tracker = by_tracking_id(state, tracking_id)
    if tracker is None or tracker.status != ACTIVE:
        why = "does not exist" if tracker is None else f"is {tracker.status}, not ACTIVE"
        raise ServiceError(
            f"The event tracker with tracking ID {tracking_id} {why} in this account and region.",
            code=state.settings.inactive_tracking_id_error,
        )
    interactions = state.resources.get(
        tracker.dataset_group_arn.replace(":dataset-group/", ":dataset/", 1) + "/INTERACTIONS"
    )
    if not isinstance(interactions, Dataset) or interactions.status != ACTIVE:
        raise InvalidInput(
            f"Dataset group {tracker.dataset_group_arn} has no ACTIVE Interactions dataset "
            "to record events in."
        )
    for event in event_list:
        if "properties" in event:
            _properties(event["properties"], RESERVED_EVENT_KEYS)
    call = {"trackingId": tracking_id, "sessionId": session_id}
    if user_id is not None:
        call["userId"] = user_id
    records = [{**call, **event, "sentAt": _utc(event["sentAt"])} for event in event_list]
    state.store.events.setdefault(tracking_id, []).extend(records)


def _put_records(
    state: RegionState, dataset_arn: str, dataset_type: str, id_key: str, records: list[dict[str, Any]]
) -> None:
    """Upsert records by id into an ACTIVE dataset of the given type."""
    dataset = state.get(Dataset, dataset_arn)
    if dataset.dataset_type != dataset_type:
        raise InvalidInput(
            f"Dataset {dataset_arn} is of type {dataset.dataset_type}, not {dataset_type}."
        )
    if dataset.status != ACTIVE:
        raise ResourceInUse(f"Dataset {dataset_arn} is {dataset.status}, not ACTIVE.")
    for record in records:
        if "properties" in record:
            _properties(record["properties"])
    stored = state.store.records.setdefault(dataset_arn, {})
    for record in records:
        stored.pop(record[id_key], None)  # a replaced record moves to the end
        stored[record[id_key]] = dict(record)


@operation
def put_users(state: RegionState, *, dataset_arn: str, users: list[dict[str, Any]]) -> None:
    _put_records(state, dataset_arn, "USERS", "userId", users)


@operation
def put_items(state: RegionState, *, dataset_arn: str, items: list[dict[str, Any]]) -> None:
    _put_records(state, dataset_arn, "ITEMS", "itemId", items)


@operation
def put_actions(state: RegionState, *, dataset_arn: str, actions: list[dict[str, Any]]) -> None:
    _put_records(state, dataset_arn, "ACTIONS", "actionId", actions)


@operation
def put_action_interactions(
    state: RegionState, *, tracking_id: str, action_interactions: list[dict[str, Any]]
) -> None:
    dataset = next(
        (d for d in state.all(Dataset) if d.tracking_id == tracking_id),
        None,
    )
    if dataset is None:
        raise ResourceNotFound(
            f"No Action interactions dataset has tracking ID {tracking_id} in this account and region."
        )
    if dataset.status != ACTIVE:
        raise ResourceInUse(f"Dataset {dataset.arn} is {dataset.status}, not ACTIVE.")
    for interaction in action_interactions:
        if "properties" in interaction:
            _properties(interaction["properties"], RESERVED_EVENT_KEYS)
    records = [
        {"trackingId": tracking_id, **i, "timestamp": _utc(i["timestamp"])}
        for i in action_interactions
    ]
    state.store.action_interactions.setdefault(tracking_id, []).extend(records)
