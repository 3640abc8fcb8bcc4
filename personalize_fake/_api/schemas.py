"""Schemas: CreateSchema, DescribeSchema, ListSchemas, DeleteSchema.

A schema is Avro JSON of a record; it has no status and no tags. Whether its
fields fit a dataset type is checked when a dataset uses it.
"""

from __future__ import annotations

import functools
import json
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import describe, ensure_new, list_page, timestamps
from personalize_fake._api.registry import operation
from personalize_fake._domain.codec import decode
from personalize_fake._errors import InvalidInput, ResourceInUse
from personalize_fake._state.store import ACTIVE, RegionState, Resource

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
    fields: dict[str, Any]
    """Field name -> its Avro type, as the schema declares them."""
    domain: str | None = None


MAX_DEPTH = 100
"""How deeply a schema's JSON may nest arrays and objects.

Far beyond any real schema (each nested record adds four levels), and shallow
enough that nothing walking the schema afterwards can run out of stack.
"""


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


@functools.lru_cache(maxsize=256)
def parse_avro(text: str) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field of an Avro record schema, or InvalidInput saying what is wrong."""
    try:
        document = decode(text)  # NaN and Infinity are not JSON
    except ValueError as exc:
        raise InvalidInput(f"Schema is not valid JSON: {exc}.") from None
    except RecursionError:
        raise InvalidInput(
            f"Schema is not valid JSON: it nests arrays and objects deeper than {MAX_DEPTH} levels."
        ) from None
    if _too_deep(document):
        raise InvalidInput(f"Schema nests arrays and objects deeper than {MAX_DEPTH} levels.")
    if not isinstance(document, dict) or document.get("type") != "record":
        raise InvalidInput('Schema must be an Avro record: {"type": "record", ...}.')
    if not isinstance(document.get("name"), str) or not document["name"]:
        raise InvalidInput("Schema must have a record name.")
    fields = document.get("fields")
    if not isinstance(fields, list) or not fields:
        raise InvalidInput("Schema must have a non-empty list of fields.")
    found: dict[str, Any] = {}
    for field in fields:
        if not (isinstance(field, dict) and isinstance(field.get("name"), str) and "type" in field):
            raise InvalidInput(f"Schema field {field!r} must have a name and a type.")
        if field["name"] in found:
            raise InvalidInput(f"Schema field {field['name']} appears twice.")
        found[field["name"]] = json.dumps(field["type"])  # hashable, for the cache
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
    fields = dict(parse_avro(schema))
    state.add(
        Schema(arn=arn, name=name, schema=schema, fields=fields, domain=domain, status=ACTIVE)
    )
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
