"""Filters: CreateFilter, DescribeFilter, ListFilters, DeleteFilter.

CreateFilter parses the expression (``_domain.filter_parser``) and checks it against the
schemas of the datasets its dataset group holds (``_domain.filters.schema_problem``). The
filter stores its expression's text, verbatim as Describe shows it; its tree
(:attr:`Filter.tree`, what the runtime evaluates) is parsed again from that text on first
use and cached, so a state file keeps only the text. A filter keeps its dataset group from
being deleted; it moves through the usual create chain (``CREATE PENDING > CREATE
IN_PROGRESS > ACTIVE``: real clients poll for ACTIVE or CREATE FAILED) and delete chain.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import attrs
from botocore.model import MapShape

from personalize_fake._api.common import (
    create,
    describe,
    ensure_new,
    list_under,
    status_fields,
    timestamps,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import Dataset
from personalize_fake._api.registry import operation
from personalize_fake._api.schemas import Schema
from personalize_fake._domain.fields import Field, typed_fields
from personalize_fake._domain.filter_parser import parse_filter
from personalize_fake._domain.filters import DISPLAY, FilterTree, Rules, schema_problem
from personalize_fake._errors import InvalidInput, LimitExceeded, ServiceError
from personalize_fake._model.catalog import catalog
from personalize_fake._settings import Settings
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import LIVE, Limit, live
from personalize_fake._state.references import Reference
from personalize_fake._state.resource import ACTIVE, Resource
from personalize_fake._state.store import RegionState


@attrs.define(eq=False, kw_only=True)
class Filter(Resource):
    KIND: ClassVar[str] = "filter"
    LABEL: ClassVar[str] = "filter"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("dataset_group_arn"),)
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit("filters_per_dataset_group", LIVE, "dataset_group_arn"),
    )

    dataset_group_arn: str
    filter_expression: str

    @property
    def tree(self) -> FilterTree:
        """The parsed expression, what the runtime evaluates (parsed once per text, without
        the creation-time limits, so a filter made under other settings still reads)."""
        return parse_filter(self.filter_expression)


def _summary(item: Filter) -> dict[str, Any]:
    return {
        "name": item.name,
        "filterArn": item.arn,
        "datasetGroupArn": item.dataset_group_arn,
        **status_fields(item, with_failure=True),
        **timestamps(item),
    }


def _full(item: Filter) -> dict[str, Any]:
    return {"filter": {**_summary(item), "filterExpression": item.filter_expression}}


@functools.cache
def filter_values_bounds() -> tuple[int, int]:
    """The most entries personalize-runtime's ``filterValues`` holds, and its keys' longest
    length, as the runtime model states them (25 and 50): a filter cannot use more
    placeholders, or longer names, than a request could give values for."""
    shape = catalog().services["personalize-runtime"].shape_for("FilterValues")
    assert isinstance(shape, MapShape)
    return int(shape.metadata["max"]), int(shape.key.metadata["max"])


def rules(settings: Settings) -> Rules:
    """The limits CreateFilter parses with, from the fake's settings and the runtime model
    (the expression's length the dispatcher has checked against the model already)."""
    entries, name_length = filter_values_bounds()
    placeholders = settings.filter_placeholders_per_filter
    return Rules(
        max_fields=settings.filter_fields_per_filter,
        max_placeholders=entries if placeholders is None else placeholders,
        max_placeholder_name=name_length,
        singular_names=settings.filter_singular_dataset_names,
    )


def _inactive(state: RegionState, resource: Resource) -> None:
    """CreateFilter's answer for a dataset group or dataset that is not ACTIVE."""
    if resource.status != ACTIVE:
        raise ServiceError(
            f"The {resource.LABEL} {resource.arn} is not in ACTIVE state "
            f"(current status: {resource.status}).",
            code=state.settings.filter_inactive_dataset_group_error,
        )


def _schemas(
    state: RegionState, group: DatasetGroup, tree: FilterTree
) -> dict[str, tuple[Field, ...]]:
    """Dataset type -> typed fields of the group's datasets; those the tree names must be
    ACTIVE."""
    named = {dataset for dataset, _ in tree.fields()}
    schemas: dict[str, tuple[Field, ...]] = {}
    for dataset in state.referrers(group.arn, Dataset):
        if dataset.dataset_type in named:
            _inactive(state, dataset)
        schema = state.get(Schema, dataset.schema_arn)
        schemas[dataset.dataset_type] = typed_fields(schema.schema)
    return schemas


def _check_fields(state: RegionState, group: DatasetGroup, tree: FilterTree) -> None:
    """The group's live filters, with this one, name at most
    ``filter_fields_per_dataset_group`` distinct fields (how many filters it may hold is one
    of ``Filter.LIMITS``, which counts the same live ones)."""
    filters = state.referrers(group.arn, Filter, "dataset_group_arn")
    used = {field for f in filters if live(f) for field in f.tree.fields()}
    added = [field for field in tree.fields() if field not in used]
    limit = state.settings.filter_fields_per_dataset_group
    if added and len(used) + len(added) > limit:
        names = ", ".join(f"{DISPLAY[dataset]}.{name}" for dataset, name in added)
        raise LimitExceeded(
            f"The filters of dataset group {group.arn} would use {len(used) + len(added)} "
            f"distinct dataset fields ({names} added); a dataset group's filters can use at "
            f"most {limit}."
        )


@operation
def create_filter(
    state: RegionState,
    *,
    name: str,
    dataset_group_arn: str,
    filter_expression: str,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    tree = parse_filter(filter_expression, rules(state.settings))
    group = state.get(DatasetGroup, dataset_group_arn)
    arn = state.arn(Filter.KIND, name)
    ensure_new(state, arn)
    _inactive(state, group)
    _check_fields(state, group, tree)
    problem = schema_problem(tree, _schemas(state, group, tree), group.arn)
    if problem is not None and state.settings.filter_schema_errors == "raise":
        raise InvalidInput(problem)
    item = Filter(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        filter_expression=filter_expression,
        doomed=problem,  # "fail": it ends CREATE FAILED with the reason
    )
    create(state, item, tags)
    return {"filterArn": arn}


@operation
def describe_filter(state: RegionState, *, filter_arn: str) -> dict[str, Any]:
    return describe(state, Filter, filter_arn, _full)


@operation
def list_filters(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        Filter,
        "ListFilters",
        "dataset_group_arn",
        dataset_group_arn,
        _summary,
        "Filters",
        max_results,
        next_token,
    )


@operation
def delete_filter(state: RegionState, *, filter_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(Filter, filter_arn))
