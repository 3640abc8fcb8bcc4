"""Shapes every resource family shares: Describe with lifecycle, paged List, name checks."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Reversible
from typing import Any, TypeVar, cast

from personalize_fake._errors import ResourceAlreadyExists
from personalize_fake._state import lifecycle
from personalize_fake._state.pagination import page
from personalize_fake._state.resource import Resource
from personalize_fake._state.store import RegionState

R = TypeVar("R", bound=Resource)


def timestamps(resource: Resource) -> dict[str, Any]:
    return {"creationDateTime": resource.created, "lastUpdatedDateTime": resource.updated}


def status_fields(resource: Resource, *, with_failure: bool) -> dict[str, Any]:
    """``status``, and ``failureReason`` of a failed creation where the shape has that member.

    Only some shapes model ``failureReason`` (DatasetGroup does; Dataset and
    EventTracker do not), and the wire carries only modeled members.
    """
    fields: dict[str, Any] = {"status": resource.status}
    if with_failure and resource.failure_reason is not None:
        fields["failureReason"] = resource.failure_reason
    return fields


def describe(
    state: RegionState, cls: type[R], arn: str, view: Callable[[R], dict[str, Any]]
) -> dict[str, Any]:
    """Answer with the resource as it is now, then let the lifecycle move it on."""
    resource = state.get(cls, arn)
    answer = view(resource)
    lifecycle.observed(state, resource)
    return answer


def list_page(
    state: RegionState,
    scope: str,
    resources: Collection[R],
    view: Callable[[R], dict[str, Any]],
    key: str,
    max_results: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    """One page of summaries under ``key``, with ``nextToken`` when more remain."""
    items, extra = page(state, scope, resources, max_results, next_token)
    return {key: [view(r) for r in items], **extra}


class NewestFirst(Collection[R]):
    """A live collection read newest first, for a List documented in that order: paging it
    walks as far as the page, never copying the whole collection."""

    __slots__ = ("_items",)

    def __init__(self, items: Collection[R]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[R]:
        return reversed(cast("Reversible[R]", self._items))

    def __contains__(self, item: object) -> bool:
        return item in self._items


def list_under(
    state: RegionState,
    cls: type[R],
    operation: str,
    field: str,
    parent_arn: str | None,
    view: Callable[[R], dict[str, Any]],
    key: str,
    max_results: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    """A List whose optional parent filter (``datasetGroupArn``, ``solutionArn``,
    ``datasetArn``...) narrows it to the resources whose reference ``field`` names that
    parent (through the store's index, by field: the cost is the page's, not the region's;
    an ARN they refer to through another field lists nothing).

    An unknown parent lists nothing (only ListSolutionVersions declares NotFound).
    """
    found = state.all(cls) if parent_arn is None else state.referrers(parent_arn, cls, field)
    scope = f"{operation}:{parent_arn}"
    return list_page(state, scope, found, view, key, max_results, next_token)


def ensure_new(state: RegionState, arn: str) -> None:
    """ResourceAlreadyExists when ``arn`` is taken (names are unique per type)."""
    if arn in state.resources:
        raise ResourceAlreadyExists.for_arn(arn)
