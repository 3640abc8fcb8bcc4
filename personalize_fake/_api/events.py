"""The personalize-events service: PutEvents, PutUsers, PutItems, PutActions, PutActionInteractions.

Each call is checked whole before anything is recorded, so a rejected call
records nothing. What is recorded becomes rows of the dataset it feeds (the
tracker's group's Interactions dataset, the Action_Interactions dataset of the
tracking ID, the dataset named), with the members a schema names as its
fields (``userId`` as ``USER_ID``, ``sentAt`` as ``TIMESTAMP`` in epoch
seconds...) and the others by their wire names. The handle reads them back as
sent (``fake.events(tracking_id)``, ``fake.items(dataset_arn)``...: ``members.as_sent``).
"""

from __future__ import annotations

import datetime
from typing import Any

from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import Dataset, dataset_arn, schema_fields
from personalize_fake._api.event_trackers import EventTracker
from personalize_fake._api.registry import operation
from personalize_fake._domain.codec import decode
from personalize_fake._domain.members import RECORD_COLUMNS, as_row
from personalize_fake._errors import InvalidInput, ResourceInUse, ResourceNotFound, ServiceError
from personalize_fake._state.resource import ACTIVE
from personalize_fake._state.store import RegionState

RESERVED_NAMES = ("userId", "sessionId", "eventType", "timestamp", "recommendationId", "impression")
RESERVED_EVENT_KEYS = frozenset(k.lower() for k in RESERVED_NAMES)
"""Keys event properties may not use (case-insensitive), per the PutEvents reference."""


_SURELY_VALID = (
    datetime.datetime(2, 1, 1, tzinfo=datetime.timezone.utc).timestamp(),
    datetime.datetime(9998, 12, 31, tzinfo=datetime.timezone.utc).timestamp(),
)
"""Epoch seconds any datetime holds; only times outside get the exact (slower) check."""


def _utc(epoch: float, items: str, index: int, member: str) -> float:
    """An epoch-seconds timestamp as a float, once checked to be a datetime (the reader
    makes it one); InvalidInput when out of range.

    The member's path (``eventList.3.member.sentAt``) is only built for the message. A time
    well inside datetime's range (years 2 to 9998) is taken without building one: every
    event of every PutEvents call passes here.
    """
    if _SURELY_VALID[0] < epoch < _SURELY_VALID[1]:
        return float(epoch)
    try:
        datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        where = f"{items}.{index}.member.{member}"
        raise InvalidInput(f"Value '{epoch}' at '{where}' is not a valid timestamp.") from None
    return float(epoch)


def _properties(text: str, where: str, reserved: frozenset[str] = frozenset()) -> None:
    """``properties`` must be a JSON object string, without reserved keys.

    Decoded as the wire's bodies are (no NaN; a deep value judged the same whatever
    the caller's stack depth)."""
    try:
        parsed = decode(text)
    except (ValueError, RecursionError):
        raise InvalidInput("Error parsing properties json") from None
    if not isinstance(parsed, dict):
        raise InvalidInput(f"Error parsing properties json: '{where}' must be a JSON object.")
    clashes = sorted(k for k in parsed if k.lower() in reserved)
    if clashes:
        listed = ", ".join(sorted(RESERVED_NAMES))
        raise InvalidInput(
            f"'{where}' cannot contain the reserved key(s) {', '.join(clashes)} "
            f"(case-insensitive: {listed})."
        )


def _interactions_dataset(state: RegionState, group_arn: str) -> Dataset | None:
    group = state.resources.get(group_arn)
    if not isinstance(group, DatasetGroup):
        return None
    found = state.resources.get(dataset_arn(state, group, "INTERACTIONS"))
    return found if isinstance(found, Dataset) else None


@operation
def put_events(
    state: RegionState,
    *,
    tracking_id: str,
    session_id: str,
    event_list: list[dict[str, Any]],
    user_id: str | None = None,
) -> None:
    tracker = state.tracked(EventTracker, tracking_id)
    if tracker is None or tracker.status != ACTIVE:
        why = "does not exist" if tracker is None else f"is {tracker.status}, not ACTIVE"
        raise ServiceError(
            f"The event tracker with tracking ID {tracking_id} {why} in this account and region.",
            code=state.settings.inactive_tracking_id_error,
        )
    interactions = _interactions_dataset(state, tracker.dataset_group_arn)
    if interactions is None or interactions.status != ACTIVE:
        why = "no" if interactions is None else f"no ACTIVE (it is {interactions.status})"
        raise InvalidInput(
            f"Dataset group {tracker.dataset_group_arn} has {why} Interactions dataset "
            "to record events in."
        )
    # The events are this call's own (decoded from its body): each is completed in place
    # and recorded as it is; the rows' container renames members to columns.
    for index, event in enumerate(event_list, 1):
        if "properties" in event:
            where = f"eventList.{index}.member.properties"
            _properties(event["properties"], where, RESERVED_EVENT_KEYS)
        event["sentAt"] = _utc(event["sentAt"], "eventList", index, "sentAt")
        event["trackingId"] = tracking_id
        event["sessionId"] = session_id
        if user_id is not None:
            event["userId"] = user_id
    fields = schema_fields(state, interactions)
    state.store.record("events", interactions.arn, tracking_id, event_list, fields)


def _put_records(
    state: RegionState,
    dataset_arn: str,
    dataset_type: str,
    member: str,
    id_key: str,
    records: list[dict[str, Any]],
) -> None:
    """Upsert records by id into an ACTIVE dataset of the given type."""
    dataset = state.get(Dataset, dataset_arn)
    if dataset.dataset_type != dataset_type:
        raise InvalidInput(
            f"Dataset {dataset_arn} is of type {dataset.dataset_type}, not {dataset_type}."
        )
    if dataset.status != ACTIVE:
        raise ResourceInUse(f"Dataset {dataset_arn} is {dataset.status}, not ACTIVE.")
    for index, record in enumerate(records, 1):
        if "properties" in record:
            _properties(record["properties"], f"{member}.{index}.member.properties")
    rows = [as_row(record, RECORD_COLUMNS) for record in records]
    key = RECORD_COLUMNS[id_key]
    state.store.put_records(dataset_arn, key, rows, schema_fields(state, dataset))


@operation
def put_users(state: RegionState, *, dataset_arn: str, users: list[dict[str, Any]]) -> None:
    _put_records(state, dataset_arn, "USERS", "users", "userId", users)


@operation
def put_items(state: RegionState, *, dataset_arn: str, items: list[dict[str, Any]]) -> None:
    _put_records(state, dataset_arn, "ITEMS", "items", "itemId", items)


@operation
def put_actions(state: RegionState, *, dataset_arn: str, actions: list[dict[str, Any]]) -> None:
    _put_records(state, dataset_arn, "ACTIONS", "actions", "actionId", actions)


@operation
def put_action_interactions(
    state: RegionState, *, tracking_id: str, action_interactions: list[dict[str, Any]]
) -> None:
    dataset = state.tracked(Dataset, tracking_id)
    if dataset is None:
        raise ResourceNotFound(
            f"No Action_Interactions dataset has tracking ID {tracking_id} "
            "in this account and region."
        )
    if dataset.status != ACTIVE:
        raise ResourceInUse(f"Dataset {dataset.arn} is {dataset.status}, not ACTIVE.")
    for index, interaction in enumerate(action_interactions, 1):
        where = f"actionInteractions.{index}.member"
        if "properties" in interaction:
            _properties(interaction["properties"], f"{where}.properties", RESERVED_EVENT_KEYS)
        timestamp = _utc(interaction["timestamp"], "actionInteractions", index, "timestamp")
        interaction["timestamp"] = timestamp
        interaction["trackingId"] = tracking_id
    fields = schema_fields(state, dataset)
    state.store.record("action_interactions", dataset.arn, tracking_id, action_interactions, fields)
