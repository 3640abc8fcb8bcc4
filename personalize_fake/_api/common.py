"""Shapes every resource family shares: Describe with lifecycle, paged List, name checks,
and the update chains of resources that update."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Collection, Iterator, Reversible
from typing import Any, TypeVar, cast

from personalize_fake._errors import ResourceAlreadyExists
from personalize_fake._state import lifecycle
from personalize_fake._state.pagination import page
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE_FAILED,
    UPDATE_IN_PROGRESS,
    UPDATE_PENDING,
    Resource,
    now,
)
from personalize_fake._state.rows import Rows
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import Chain, Effect

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
    *,
    newest_first: bool = False,
) -> dict[str, Any]:
    """A List whose optional parent filter (``datasetGroupArn``, ``solutionArn``,
    ``datasetArn``...) narrows it to the resources whose reference ``field`` names that
    parent (through the store's index, by field: the cost is the page's, not the region's;
    an ARN they refer to through another field lists nothing).

    An unknown parent lists nothing (only ListSolutionVersions declares NotFound).
    ``newest_first`` pages the resources in that order (:class:`NewestFirst`).
    """
    found: Collection[R]
    found = state.all(cls) if parent_arn is None else state.referrers(parent_arn, cls, field)
    if newest_first:
        found = NewestFirst(found)
    scope = f"{operation}:{parent_arn}"
    return list_page(state, scope, found, view, key, max_results, next_token)


def create(state: RegionState, resource: R, tags: list[dict[str, Any]] | None) -> R:
    """What every Create does once the request passed its own checks: the tags given are
    checked (TooManyTags, a reserved key), the resource begins its create chain (refused if
    it refers to one being deleted or would pass a limit), is stored, and takes the tags.
    Nothing is stored when any of these refuses."""
    from personalize_fake._api.tagging import apply_tags, check_tags  # about any kind

    check_tags(state, None, tags or [])
    lifecycle.begin_create(state, resource)
    state.add(resource)
    apply_tags(state, resource, tags)
    return resource


def ensure_new(state: RegionState, arn: str) -> None:
    """ResourceAlreadyExists when ``arn`` is taken (names are unique per type)."""
    if arn in state.resources:
        raise ResourceAlreadyExists.for_arn(arn)


# -- updates -----------------------------------------------------------------------------
#
# Every update applies what it asked for when it ends, never before: until then the resource
# keeps serving (and Describe shows) what it had. Solutions, campaigns and recommenders run
# theirs on a summary of its own (``latestSolutionUpdate``...: :func:`update_chains`) while
# the resource keeps its status; metric attributions and datasets move ``status`` itself
# (:func:`status_update_chain`): a metric attribution's shape has no update summary, and a
# dataset's ``latestDatasetUpdate`` shows the dataset's own status while its update runs.

UPDATE_CHAINS = ("update", "update-create")
"""The names of a summary's update chain as ``update_summary_verb`` spells it: UPDATE or
CREATE PENDING / IN_PROGRESS."""


def update_chains(apply: Effect, begins_from: tuple[str, ...]) -> tuple[Chain, Chain]:
    """The chains of an update summary (``latestSolutionUpdate``, ``latestCampaignUpdate``,
    ``latestRecommenderUpdate``), on fields of its own: ``update_status``,
    ``update_failure_reason``, ``update_created``, ``update_updated``. Both spellings, chain
    ``update`` and ``update-create``; one begins (:func:`begin_update`) from the resource
    ``status``es ``begins_from``. Entering its first status starts the summary afresh;
    entering ACTIVE runs ``apply``, which makes the requested values the resource's own (or
    returns a reason the update fails with), and a resource whose creation had failed
    (UpdateCampaign allows CREATE FAILED) is then ACTIVE, without its failure reason."""

    def stamp(state: RegionState, resource: Any) -> None:
        # each step later than the last, to the millisecond, as lifecycle's own times are
        resource.update_updated = max(now(), round((resource.update_updated or 0) + 0.001, 3))

    def begun(state: RegionState, resource: Any) -> None:
        resource.update_created = resource.update_updated = now()
        resource.update_failure_reason = None

    def done(state: RegionState, resource: Any) -> str | None:
        stamp(state, resource)
        reason = apply(state, resource)
        if reason is None and resource.status == CREATE_FAILED:
            lifecycle.recover(state, resource)
        return reason

    chains = []
    for name, verb in zip(UPDATE_CHAINS, ("UPDATE", "CREATE"), strict=True):
        pending, running = f"{verb} PENDING", f"{verb} IN_PROGRESS"
        chains.append(
            Chain(
                name,
                (pending, running, ACTIVE),
                begins_from=begins_from,
                purpose="be updated",
                failed=CREATE_FAILED,
                field="update_status",
                reason_field="update_failure_reason",
                on_enter={pending: begun, running: stamp, ACTIVE: done, CREATE_FAILED: stamp},
            )
        )
    return chains[0], chains[1]


def ensure_can_update(resource: Resource) -> None:
    """ResourceInUse unless an update may begin: the resource's status allows it and no
    update is under way (in either spelling: a state file may hold the other)."""
    for name in UPDATE_CHAINS:
        lifecycle.ensure_can_begin(resource, resource.TRANSITIONS.chain(name))


def begin_update(state: RegionState, resource: Resource) -> None:
    """Begin the update chain the settings spell (after :func:`ensure_can_update`, with the
    requested values set aside on the resource for the chain's ``apply``)."""
    verb = state.settings.update_summary_verb
    lifecycle.begin(state, resource, UPDATE_CHAINS[0] if verb == "UPDATE" else UPDATE_CHAINS[1])


def update_summary(resource: Any) -> dict[str, Any]:
    """The members every ``latest*Update`` shares: status, times, failureReason."""
    out = {
        "status": resource.update_status,
        "creationDateTime": resource.update_created,
        "lastUpdatedDateTime": resource.update_updated,
    }
    if resource.update_failure_reason is not None:
        out["failureReason"] = resource.update_failure_reason
    return out


def status_update_chain(apply: Effect) -> Chain:
    """The update chain of a kind whose ``status`` itself updates (UpdateMetricAttribution;
    UpdateDataset, whose ``latestDatasetUpdate`` follows it): ``status`` moves UPDATE PENDING >
    UPDATE IN_PROGRESS > ACTIVE, from ACTIVE only; entering ACTIVE runs ``apply``, which makes
    the requested values its own. It cannot fail (no source shows such an update failing,
    nor the status it would end in)."""
    return Chain(
        "update",
        (UPDATE_PENDING, UPDATE_IN_PROGRESS, ACTIVE),
        begins_from=(ACTIVE,),
        purpose="be updated",
        on_enter={ACTIVE: apply},
    )


# -- training data -----------------------------------------------------------------------
#
# A solution version and a recommender both fail as training ends on too few interactions;
# one count and one text serve both (each caller frames the text as AWS does for it).


def training_users(rows: Rows | None, event_type: str | None, threshold: str | None) -> list[Any]:
    """The USER_ID of each interaction training uses: of ``event_type`` where given, with an
    EVENT_VALUE of at least ``threshold`` (``eventValueThreshold``, a string) where given.

    Reads columns, not dicts: a million interactions take a fraction of a second.
    """
    if rows is None:
        return []
    users = rows.column("USER_ID")
    keep: list[bool] | None = None
    if event_type:
        keep = [kind == event_type for kind in rows.column("EVENT_TYPE")]
    if threshold is not None:
        try:
            low = float(threshold)
        except ValueError:
            low = float("-inf")
        high_enough = [
            isinstance(value, int | float) and value >= low for value in rows.column("EVENT_VALUE")
        ]
        keep = high_enough if keep is None else list(map(operator.and_, keep, high_enough))
    return users if keep is None else list(itertools.compress(users, keep))


def interactions_below(
    rows: Rows | None, minimum: int, event_type: str | None, threshold: str | None = None
) -> str | None:
    """``Dataset has fewer than <minimum> interactions[ after filtering by event type: X]``
    when the interactions :func:`training_users` keeps are fewer than ``minimum``, else None.

    Without a threshold, events of one type are counted only as far as the minimum: a
    million of them cost no more than 1,000.
    """
    if rows is None:
        found = 0
    elif threshold is None and not event_type:
        found = len(rows)
    elif threshold is None:
        found = sum(1 for _ in itertools.islice(rows.where("EVENT_TYPE", event_type), minimum))
    else:
        found = len(training_users(rows, event_type, threshold))
    if found >= minimum:
        return None
    after = f" after filtering by event type: {event_type}" if event_type else ""
    return f"Dataset has fewer than {minimum} interactions{after}"
