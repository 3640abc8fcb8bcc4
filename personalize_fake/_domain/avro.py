"""Avro schemas as Personalize reads them: a record's fields, and which dataset types they fit.

Pure functions of the schema's text: the handlers of ``_api.schemas`` and ``_api.datasets``
call them, and they raise the InvalidInput AWS answers, with the reason in its message.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from personalize_fake._domain.codec import decode
from personalize_fake._errors import InvalidInput

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "INTERACTIONS": ("USER_ID", "ITEM_ID", "TIMESTAMP"),
    "USERS": ("USER_ID",),
    "ITEMS": ("ITEM_ID",),
    "ACTIONS": ("ACTION_ID",),
    "ACTION_INTERACTIONS": ("USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"),
}
"""Fields a schema must have to back each dataset type (developer guide, custom datasets)."""

REQUIRED_TYPES = {
    "USER_ID": "string",
    "ITEM_ID": "string",
    "ACTION_ID": "string",
    "EVENT_TYPE": "string",
    "TIMESTAMP": "long",
}
"""The Avro type each required field must have (not nullable: every record needs it)."""

METADATA_REQUIRED = frozenset({"USERS", "ITEMS", "ACTIONS"})
"""Dataset types whose schema needs at least one metadata field besides its id (developer guide:
custom dataset and schema requirements; Actions dataset schema requirements)."""

MAX_DEPTH = 100
"""How deeply a schema's JSON may nest arrays and objects: our choice, not AWS's.

Neither the Avro specification nor Personalize's documentation sets a limit.
100 is far beyond any real schema (each nested record adds four levels: its
type object, its fields array, a field object, its type) and shallow enough
that nothing walking the schema afterwards can run out of stack. A schema
too deep for the JSON decoder itself (about 1,000 levels) is deeper than this
too, and is refused with the same message.
"""
_TOO_DEEP = f"Schema nests arrays and objects deeper than {MAX_DEPTH} levels."


def _too_deep(document: Any) -> bool:
    """Whether ``document`` nests arrays and objects more than :data:`MAX_DEPTH` deep (a loop)."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return False


AVRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""An Avro name (Avro specification, "Names"): a record's name (each dot-separated part of a
full name) and a field's name."""


def _check_name(name: Any, what: str) -> str:
    """``name`` if it is an Avro name, else InvalidInput saying which name and why."""
    if not isinstance(name, str) or not name:
        raise InvalidInput(f"Schema {what} must have a name.")
    parts = name.split(".") if what == "record" else [name]
    if not all(AVRO_NAME.fullmatch(part) for part in parts):
        raise InvalidInput(
            f"Schema {what} name {json.dumps(name)} is not an Avro name: it must start with a "
            "letter or an underscore and hold only letters, digits and underscores"
            + (" (dots separate the parts of a full name)." if what == "record" else ".")
        )
    return name


@functools.lru_cache(maxsize=256)
def parse_avro(text: str) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field of an Avro record schema, or InvalidInput saying what is wrong."""
    try:
        document = decode(text)  # NaN and Infinity are not JSON
    except ValueError as exc:
        raise InvalidInput(f"Schema is not valid JSON: {exc}.") from None
    except RecursionError:  # too deep for the decoder: deeper than MAX_DEPTH
        raise InvalidInput(_TOO_DEEP) from None
    if _too_deep(document):
        raise InvalidInput(_TOO_DEEP)
    if not isinstance(document, dict) or document.get("type") != "record":
        raise InvalidInput('Schema must be an Avro record: {"type": "record", ...}.')
    _check_name(document.get("name"), "record")
    fields = document.get("fields")
    if not isinstance(fields, list) or not fields:
        raise InvalidInput("Schema must have a non-empty list of fields.")
    found: dict[str, Any] = {}
    for field in fields:
        if not (isinstance(field, dict) and isinstance(field.get("name"), str) and "type" in field):
            raise InvalidInput(f"Schema field {field!r} must have a name and a type.")
        name = _check_name(field["name"], "field")
        if name in found:
            raise InvalidInput(f"Schema field {name} appears twice.")
        found[name] = json.dumps(field["type"])  # hashable, for the cache
    return tuple(found.items())


def check_fits(schema_arn: str, fields: Mapping[str, str], dataset_type: str) -> None:
    """InvalidInput unless the schema's ``fields`` (from :func:`parse_avro`) are those the
    dataset type needs; ``schema_arn`` names the schema in the message."""
    missing = [f for f in REQUIRED_FIELDS[dataset_type] if f not in fields]
    if missing:
        raise InvalidInput(
            f"Schema {schema_arn} does not fit a dataset of type {dataset_type}: "
            f"missing required field(s) {', '.join(missing)}."
        )
    for name in REQUIRED_FIELDS[dataset_type]:
        declared = json.loads(fields[name])
        if declared != REQUIRED_TYPES[name]:
            raise InvalidInput(
                f"Schema {schema_arn} does not fit a dataset of type {dataset_type}: field "
                f"{name} must be of type {REQUIRED_TYPES[name]!r}, not {json.dumps(declared)}."
            )
    if dataset_type in METADATA_REQUIRED and len(fields) < 2:
        raise InvalidInput(
            f"Schema {schema_arn} for a dataset of type {dataset_type} needs at least one "
            "metadata field besides the id."
        )
