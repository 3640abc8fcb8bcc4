"""How the personalize-events members become a dataset's fields, and back.

A member a schema field stands for (``userId`` for ``USER_ID``, ``sentAt`` for
``TIMESTAMP``...) is stored under the field's name, so recorded events and
imported rows share columns; the other members (``sessionId``, ``properties``,
``impression``...) keep their wire names. Timestamps are stored as epoch seconds
and read back as UTC datetimes, as the handle has always shown them.

A user, item or action record's ``properties`` hold its other fields, each under the
field's name in camel case (``numRatings`` for ``NUM_RATINGS``); a key matches a field
whatever its case and underscores (:func:`property_key`), as the service maps them. An
imported record reads back in that shape too (:func:`as_record`), and an export writes
a put record's properties as fields the same way.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

EVENT_COLUMNS = {
    "userId": "USER_ID",
    "itemId": "ITEM_ID",
    "sentAt": "TIMESTAMP",
    "eventType": "EVENT_TYPE",
    "eventValue": "EVENT_VALUE",
}
"""The PutEvents members (and the call's ``userId``) that are Interactions schema fields."""
ACTION_INTERACTION_COLUMNS = {
    "userId": "USER_ID",
    "actionId": "ACTION_ID",
    "timestamp": "TIMESTAMP",
    "eventType": "EVENT_TYPE",
}
"""The PutActionInteractions members that are Action_Interactions schema fields."""
RECORD_COLUMNS = {"userId": "USER_ID", "itemId": "ITEM_ID", "actionId": "ACTION_ID"}
"""The PutUsers/PutItems/PutActions id members, Users/Items/Actions schema fields."""


def as_row(sent: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """A member as sent, renamed to its dataset's columns.

    Copied whole (in C), then only the few renamed members it has are moved: every
    PutEvents call does this for each of its events."""
    row = dict(sent)
    for name, column in columns.items():
        if name in row:
            row[column] = row.pop(name)
    return row


def property_key(name: str) -> str:
    """What matches a property to a schema field: ``numRatings`` and ``NUM_RATINGS`` are
    both ``numratings``."""
    return name.replace("_", "").lower()


def property_name(field: str) -> str:
    """A schema field as a property names it: ``NUM_RATINGS`` is ``numRatings``."""
    first, *rest = field.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


def as_record(row: dict[str, Any], key: str) -> dict[str, Any]:
    """An imported user, item or action row as PutUsers/PutItems/PutActions would send it:
    its id under the wire name (``itemId``), its other fields as a ``properties`` JSON
    object by camel-case name (left out when it has none)."""
    out = {}
    properties = {}
    for name, value in row.items():
        if name == key:
            out[_WIRE_NAMES.get(name, name)] = value
        else:
            properties[property_name(name)] = value
    if properties:
        out["properties"] = json.dumps(properties)
    return out


def as_sent(row: dict[str, Any], time_member: str = "sentAt") -> dict[str, Any]:
    """A dataset row as its member was sent: wire names, and ``TIMESTAMP`` as a UTC datetime
    named ``time_member`` (``sentAt`` for events, ``timestamp`` for action interactions)."""
    out = {}
    for name, value in row.items():
        if name == "TIMESTAMP":
            out[time_member] = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
        else:
            out[_WIRE_NAMES.get(name, name)] = value
    return out


_WIRE_NAMES = {
    column: member
    for columns in (EVENT_COLUMNS, ACTION_INTERACTION_COLUMNS, RECORD_COLUMNS)
    for member, column in columns.items()
}
