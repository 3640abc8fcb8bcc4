"""Schemas: CreateSchema, DescribeSchema, ListSchemas, DeleteSchema.

A schema is Avro JSON of a record (read by ``_domain.avro``); it has no status and
no tags. Whether its fields fit a dataset type is checked when a dataset uses it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import describe, ensure_new, list_page, timestamps
from personalize_fake._api.registry import operation
from personalize_fake._domain.avro import parse_avro
from personalize_fake._state import lifecycle
from personalize_fake._state.resource import ACTIVE, DELETE, Resource
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import GONE, Chain, Transitions


@attrs.define(eq=False, kw_only=True)
class Schema(Resource):
    KIND: ClassVar[str] = "schema"
    LABEL: ClassVar[str] = "schema"
    TRANSITIONS: ClassVar[Transitions] = Transitions(  # usable at once, gone at once
        Chain("create", (ACTIVE,)), attrs.evolve(DELETE, statuses=(GONE,))
    )

    schema: str
    domain: str | None = None
    fields: dict[str, Any] = attrs.field(init=False, repr=False)
    """Field name -> its Avro type (JSON text), as the schema declares them: derived from
    ``schema`` (never saved: a state file keeps only facts)."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "fields", dict(parse_avro(self.schema)))


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
    lifecycle.begin_delete(state, state.get(Schema, schema_arn))  # datasets using it block it
