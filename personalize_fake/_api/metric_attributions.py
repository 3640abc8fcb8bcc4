"""Metric attributions: Create, Describe, List, Update, DeleteMetricAttribution and
ListMetricAttributionMetrics.

A dataset group has at most one; it reports up to 10 metrics, each an expression over the
events of one type: ``SAMPLECOUNT()`` or ``SUM(<Interactions|Items>.<numeric column>)``,
checked against the group's schemas at the call. Its Interactions dataset must have an
``EVENT_TYPE`` column. Metrics are not part of its Describe (the model has no member for
them): ListMetricAttributionMetrics lists them. It carries no tags (the model takes none).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, ClassVar

import attrs

from personalize_fake._api.common import (
    create,
    describe,
    ensure_new,
    list_under,
    status_fields,
    status_update_chain,
    timestamps,
)
from personalize_fake._api.dataset_groups import DatasetGroup
from personalize_fake._api.datasets import Dataset, dataset_arn
from personalize_fake._api.registry import operation
from personalize_fake._api.schemas import Schema
from personalize_fake._errors import InvalidInput, ResourceAlreadyExists
from personalize_fake._model.catalog import catalog
from personalize_fake._state import lifecycle
from personalize_fake._state.limits import LIVE, Limit
from personalize_fake._state.pagination import page
from personalize_fake._state.references import Reference
from personalize_fake._state.resource import Resource
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Transitions

NUMERIC = frozenset({"int", "long", "float", "double"})
SUM = re.compile(r"\s*SUM\(\s*([A-Za-z_]+)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", re.I)
SAMPLECOUNT = re.compile(r"\s*SAMPLECOUNT\(\s*\)\s*", re.I)
SUMMED = frozenset({"INTERACTIONS", "ITEMS"})
"""The dataset types ``SUM`` may read (written in any case in an expression)."""


def _apply_update(state: RegionState, attribution: MetricAttribution) -> None:
    """The update is ACTIVE: its metrics and output config are the attribution's own."""
    if attribution.update_metrics is not None:
        attribution.metrics = attribution.update_metrics
    if attribution.update_output_config is not None:
        attribution.metrics_output_config = attribution.update_output_config
    attribution.update_metrics = attribution.update_output_config = None


@attrs.define(eq=False, kw_only=True)
class MetricAttribution(Resource):
    KIND: ClassVar[str] = "metric-attribution"
    LABEL: ClassVar[str] = "metric attribution"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("dataset_group_arn"),)
    LIMITS: ClassVar[tuple[Limit, ...]] = (  # one per group; no source shows AWS's error code
        Limit(1, LIVE, "dataset_group_arn", code="duplicate_metric_attribution_error"),
    )
    TRANSITIONS: ClassVar[Transitions] = Resource.TRANSITIONS.replacing(
        status_update_chain(_apply_update)  # metrics added or removed, output moved
    )

    dataset_group_arn: str
    metrics: list[dict[str, str]]
    """``{eventType, metricName, expression}`` each, in the order they were added."""
    metrics_output_config: dict[str, Any]
    update_metrics: list[dict[str, str]] | None = None
    """What an update under way asked for: its metrics, and its output config (or None)."""
    update_output_config: dict[str, Any] | None = None


def _summary(attribution: MetricAttribution) -> dict[str, Any]:
    return {
        "name": attribution.name,
        "metricAttributionArn": attribution.arn,
        **status_fields(attribution, with_failure=True),
        **timestamps(attribution),
    }


def _full(attribution: MetricAttribution) -> dict[str, Any]:
    return {
        "metricAttribution": {
            **_summary(attribution),
            "datasetGroupArn": attribution.dataset_group_arn,
            "metricsOutputConfig": attribution.metrics_output_config,
        }
    }


def _schema_fields(state: RegionState, group: DatasetGroup, dataset_type: str) -> dict[str, Any]:
    """The fields of the group's dataset of a type (upper-case name -> Avro type text), or
    InvalidInput naming what is missing."""
    dataset = state.resources.get(dataset_arn(state, group, dataset_type))
    if not isinstance(dataset, Dataset):
        raise InvalidInput(
            f"Dataset group {group.arn} has no {dataset_type.title()} dataset; "
            "create it before the metric attribution."
        )
    schema = state.get(Schema, dataset.schema_arn)
    return {name.upper(): kind for name, kind in schema.fields.items()}


def _check_expression(state: RegionState, group: DatasetGroup, metric: dict[str, str]) -> None:
    expression = metric["expression"]
    if SAMPLECOUNT.fullmatch(expression):
        return
    found = SUM.fullmatch(expression)
    if found is None:
        raise InvalidInput(
            f"Invalid expression {expression!r} of metric {metric['metricName']!r}: "
            "expected SAMPLECOUNT() or SUM(<Interactions|Items>.<column>)."
        )
    dataset_type = found.group(1).upper()
    if dataset_type not in SUMMED:
        raise InvalidInput(
            f"Invalid expression {expression!r} of metric {metric['metricName']!r}: SUM reads "
            f"a column of the Interactions or Items dataset, not {found.group(1)!r}."
        )
    column = found.group(2).upper()
    fields = _schema_fields(state, group, dataset_type)
    kind = fields.get(column)
    if kind is None:
        raise InvalidInput(
            f"Invalid expression {expression!r} of metric {metric['metricName']!r}: the "
            f"{dataset_type.title()} dataset's schema has no column {found.group(2)!r}."
        )
    types = set(_types(kind))
    if not types & NUMERIC or types - NUMERIC - {"null"}:
        raise InvalidInput(
            f"Invalid expression {expression!r} of metric {metric['metricName']!r}: column "
            f"{found.group(2)!r} is {kind}; SUM needs a numeric column (int, long, float, double)."
        )


def _types(kind: str) -> list[str]:
    """The Avro type names of a field's declared type (``"long"``, ``["null","double"]``)."""
    declared = json.loads(kind)
    declared = declared if isinstance(declared, list) else [declared]
    return [t.get("type", "") if isinstance(t, dict) else str(t) for t in declared]


def _check_metrics(
    state: RegionState,
    group: DatasetGroup,
    kept: list[dict[str, str]],
    added: list[dict[str, str]],
) -> None:
    """The metrics an attribution would have: names unique, each new expression valid
    against the group's schemas."""
    seen = {m["metricName"] for m in kept}
    for metric in added:
        name = metric["metricName"]
        if name in seen:
            raise InvalidInput(f"Metric name {name!r} is given twice; metric names are unique.")
        seen.add(name)
        _check_expression(state, group, metric)


@functools.cache
def max_metrics() -> int:
    """The most metrics an attribution has: the model's bound on ``MetricAttributes`` (10).
    The dispatcher holds CreateMetricAttribution's list to it; an update's kept and added
    metrics together only the handler can count."""
    shape = catalog().services["personalize"].shape_for("MetricAttributes")
    return int(shape.metadata["max"])


def _check_interactions(state: RegionState, group: DatasetGroup) -> None:
    """The group's Interactions dataset must exist and have an EVENT_TYPE column."""
    if "EVENT_TYPE" not in _schema_fields(state, group, "INTERACTIONS"):
        raise InvalidInput(
            f"The Interactions dataset of dataset group {group.arn} has no EVENT_TYPE column; "
            "a metric attribution needs one."
        )


def _metric(given: dict[str, Any]) -> dict[str, str]:
    return {k: given[k] for k in ("eventType", "metricName", "expression")}


@operation
def create_metric_attribution(
    state: RegionState,
    *,
    name: str,
    dataset_group_arn: str,
    metrics: list[dict[str, Any]],
    metrics_output_config: dict[str, Any],
) -> dict[str, Any]:
    group = state.get(DatasetGroup, dataset_group_arn)
    arn = state.arn(MetricAttribution.KIND, name)
    ensure_new(state, arn)
    lifecycle.require_active(group)
    _check_interactions(state, group)
    chosen = [_metric(m) for m in metrics]
    _check_metrics(state, group, [], chosen)
    attribution = MetricAttribution(
        arn=arn,
        name=name,
        dataset_group_arn=group.arn,
        metrics=chosen,
        metrics_output_config=metrics_output_config,
    )
    create(state, attribution, None)  # the model gives metric attributions no tags
    return {"metricAttributionArn": arn}


@operation
def describe_metric_attribution(
    state: RegionState, *, metric_attribution_arn: str
) -> dict[str, Any]:
    return describe(state, MetricAttribution, metric_attribution_arn, _full)


@operation
def list_metric_attributions(
    state: RegionState,
    *,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    return list_under(
        state,
        MetricAttribution,
        "ListMetricAttributions",
        "dataset_group_arn",
        dataset_group_arn,
        _summary,
        "metricAttributions",
        max_results,
        next_token,
    )


@operation
def list_metric_attribution_metrics(
    state: RegionState,
    *,
    metric_attribution_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    """An unknown attribution lists nothing (the operation declares no ResourceNotFound)."""
    if metric_attribution_arn is None:
        raise InvalidInput("ListMetricAttributionMetrics needs a metricAttributionArn.")
    attribution = state.resources.get(metric_attribution_arn)
    metrics = attribution.metrics if isinstance(attribution, MetricAttribution) else []
    scope = f"ListMetricAttributionMetrics:{metric_attribution_arn}"
    shown, extra = page(state, scope, metrics, max_results, next_token)
    return {"metrics": [dict(m) for m in shown], **extra}


@operation
def update_metric_attribution(
    state: RegionState,
    *,
    metric_attribution_arn: str | None = None,
    add_metrics: list[dict[str, Any]] | None = None,
    remove_metrics: list[str] | None = None,
    metrics_output_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if metric_attribution_arn is None:
        raise InvalidInput("UpdateMetricAttribution needs a metricAttributionArn.")
    attribution = state.get(MetricAttribution, metric_attribution_arn)
    lifecycle.ensure_can_begin(attribution, attribution.TRANSITIONS.chain("update"))
    group = state.get(DatasetGroup, attribution.dataset_group_arn)
    names = [m["metricName"] for m in attribution.metrics]
    for name in remove_metrics or []:
        if name not in names:
            raise InvalidInput(
                f"Metric attribution {attribution.arn} has no metric {name!r} to remove; "
                f"it has {', '.join(names) or 'none'}."
            )
    kept = [m for m in attribution.metrics if m["metricName"] not in set(remove_metrics or [])]
    added = [_metric(m) for m in add_metrics or []]
    for metric in added:
        if any(m["metricName"] == metric["metricName"] for m in kept):
            raise ResourceAlreadyExists(
                f"Metric attribution {attribution.arn} already has a metric named "
                f"{metric['metricName']!r}."
            )
    total, limit = len(kept) + len(added), max_metrics()
    if total > limit:
        raise InvalidInput(
            f"A metric attribution can have at most {limit} metrics; this one would have {total}."
        )
    _check_metrics(state, group, kept, added)
    attribution.update_metrics = kept + added
    attribution.update_output_config = metrics_output_config
    lifecycle.begin(state, attribution, "update")
    return {"metricAttributionArn": attribution.arn}


@operation
def delete_metric_attribution(state: RegionState, *, metric_attribution_arn: str) -> None:
    lifecycle.begin_delete(state, state.get(MetricAttribution, metric_attribution_arn))
