"""Schemas: CreateSchema, DescribeSchema, ListSchemas, DeleteSchema.

A schema is Avro JSON of a record; it has no status and no tags. Whether its
fields fit a dataset type is checked when a dataset uses it.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, ClassVar

import attrs

from personalize_fake._errors import InvalidInput, ResourceInUse
from personalize_fake._json import decode
from personalize_fake._registry import operation
from personalize_fake._store import ACTIVE, RegionState, Resource
from personalize_fake.resources._common import describe, ensure_new, list_page, timestamps

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


@attrs.define(eq=False, kw_only=True)
class Schema(Resource):
    KIND: ClassVar[str] = "schema"
    LABEL: ClassVar[str] = "schema"
    CREATE_CHAIN: ClassVar[tuple[str, ...]] = (ACTIVE,)

    schema: str
    domain: str | None = None
    fields: dict[str, Any] = attrs.field(init=False, repr=False)
    """Field name -> its Avro type (JSON text), as the schema declares them: derived from
    ``schema`` (never saved: a state file keeps only facts)."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "fields", dict(parse_avro(self.schema)))


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


def check_fits(schema: Schema, dataset_type: str) -> None:
    """InvalidInput unless the schema has the fields the dataset type needs."""
    missing = [f for f in REQUIRED_FIELDS[dataset_type] if f not in schema.fields]
    if missing:
        raise InvalidInput(
            f"Schema {schema.arn} does not fit a dataset of type {dataset_type}: "
            f"missing required field(s) {', '.join(missing)}."
        )
    for name in REQUIRED_FIELDS[dataset_type]:
        declared = json.loads(schema.fields[name])
        if declared != REQUIRED_TYPES[name]:
            raise InvalidInput(
                f"Schema {schema.arn} does not fit a dataset of type {dataset_type}: field "
                f"{name} must be of type {REQUIRED_TYPES[name]!r}, not {json.dumps(declared)}."
            )
    if dataset_type in METADATA_REQUIRED and len(schema.fields) < 2:
        raise InvalidInput(
            f"Schema {schema.arn} for a dataset of type {dataset_type} needs at least one "
            "metadata field besides the id."
        )


def _summary(schema: Schema) -> dict[str, Any]:
    out = {"name": schema.name, "schemaArn": schema.arn, **timestamps(schema)}
    if schema.domain:
        out["domain"] = schema.domain
    return out


def _full(schema: Schema) -> dict[str, Any]:
    return {"schema": {**_summary(schema), "schema": schema.schema}}


@operation
def create_schema(
    state: RegionState, *, name: str, schema: str, domain: str | None = None
) -> dict[str, Any]:
    arn = state.arn(Schema.KIND, name)
    ensure_new(state, arn)
    state.add(Schema(arn=arn, name=name, schema=schema, domain=domain, status=ACTIVE))
    return {"schemaArn": arn}


@operation
def describe_schema(state: RegionState, *, schema_arn: str) -> dict[str, Any]:
    return describe(state, Schema, schema_arn, _full)


@operation
def list_schemas(
    state: RegionState, *, next_token: str | None = None, max_results: int | None = None
) -> dict[str, Any]:
    schemas = state.all(Schema)
    return list_page(state, "ListSchemas", schemas, _summary, "schemas", max_results, next_token)


@operation
def delete_schema(state: RegionState, *, schema_arn: str) -> None:
    schema = state.get(Schema, schema_arn)
    users = [
        r.arn for r in state.resources.values() if getattr(r, "schema_arn", None) == schema.arn
    ]
    if users:
        raise ResourceInUse(f"Schema {schema.arn} is used by dataset(s) {', '.join(users)}.")
    state.remove(schema)
