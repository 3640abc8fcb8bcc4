"""Limits as data: how many resources of a kind may count at once, per parent or per region.

A resource class declares its limits (``Resource.LIMITS``)::

    LIMITS = (Limit("solutions_per_dataset_group", LIVE, scope="dataset_group_arn"),)
    LIMITS = (Limit("solution_versions_in_progress", IN_FLIGHT),)  # per region

and ``lifecycle.begin_create`` checks them (:func:`check`) before anything happens, with
AWS's words: "Cannot create a campaign. More than 5 resources in ACTIVE state. Please delete
some and try again." for a limit of live resources, "More than 5 resources with PENDING or
IN_PROGRESS status." for one of creations under way. Which statuses count comes from the
class's ``TRANSITIONS``, not from lists kept by hand.

Counting costs the same whatever the region holds: :class:`Tally` keeps, for each kind
with limits, how many resources are in each status per scope (the region, or the parent a
limit's ``scope`` field names). ``RegionState.add``, ``_forget`` and ``refer`` keep it, and
``lifecycle`` wherever it moves a status; a state file rebuilds it by adding each resource.
"""

from __future__ import annotations

import enum
import functools
from typing import TYPE_CHECKING

import attrs

from personalize_fake._errors import LimitExceeded, ServiceError

if TYPE_CHECKING:
    from personalize_fake._settings import Settings
    from personalize_fake._state.resource import Resource
    from personalize_fake._state.transitions import Transitions

REGION = ""
"""The scope key of a limit over the whole region (an account's resources in it)."""


class Counted(enum.Enum):
    """Which resources a limit counts, and how AWS's message says so."""

    LIVE = "in ACTIVE state"
    """Every status but a failed creation's and a deletion's (ACTIVE, being created or
    updated, a stopped recommender...): "resources in ACTIVE state"."""
    IN_FLIGHT = "with PENDING or IN_PROGRESS status"
    """Creations under way (``Transitions.in_flight``: a version's CREATE STOPPING too)."""
    PENDING = "with PENDING status"
    """Creations not begun: the create chain's first status (a data deletion job's PENDING)."""

    def statuses(self, transitions: Transitions) -> tuple[frozenset[str], bool]:
        """The statuses this counts, or (with True) those it leaves out of every status."""
        return _statuses(self, transitions)


@functools.cache
def _statuses(counted: Counted, transitions: Transitions) -> tuple[frozenset[str], bool]:
    create = transitions.chain("create")
    if counted is Counted.IN_FLIGHT:
        return transitions.in_flight, False
    if counted is Counted.PENDING:
        return frozenset({create.statuses[0]}), False
    gone = {create.failed} if create.failed else set()
    if transitions.has("delete"):
        gone.update(transitions.chain("delete").statuses)
    return frozenset(gone), True


def live(resource: Resource) -> bool:
    """Whether ``resource`` counts as live (:attr:`Counted.LIVE`): not a failed creation and
    not being deleted, by its class's ``TRANSITIONS`` (what a rule over the live ones of a
    kind asks of each, as a limit counts them)."""
    gone, _ = _statuses(Counted.LIVE, resource.TRANSITIONS)
    return resource.status not in gone


LIVE = Counted.LIVE
IN_FLIGHT = Counted.IN_FLIGHT
PENDING = Counted.PENDING


@attrs.frozen
class Limit:
    """At most ``most`` resources of the declaring class counted as ``counted`` says, per
    ``scope``."""

    most: str | int
    """The ``Settings`` field holding the limit (documented in docs/settings.md), or a fixed
    number (a dataset group's one metric attribution)."""
    counted: Counted
    scope: str | None = None
    """The reference field naming the parent counted under (``dataset_group_arn``); None:
    the region."""
    code: str | None = None
    """The ``Settings`` field naming the error code, where no source shows AWS's; else
    LimitExceededException."""

    def value(self, settings: Settings) -> int:
        if isinstance(self.most, int):
            return self.most
        found: int = getattr(settings, self.most)
        return found


@functools.cache
def scopes(limits: tuple[Limit, ...]) -> tuple[str | None, ...]:
    """The scope fields a class's ``LIMITS`` count under (None: the region), once each."""
    return tuple(dict.fromkeys(limit.scope for limit in limits))


@attrs.define(eq=False)
class Tally:
    """(scope, ``KIND``) -> status -> how many resources, for kinds that declare limits."""

    counts: dict[tuple[str, str], dict[str, int]] = attrs.Factory(dict)

    def _keys(self, resource: Resource) -> list[tuple[str, str]]:
        keys = []
        for scope in scopes(resource.LIMITS):
            key = REGION if scope is None else getattr(resource, scope)
            if key is not None:
                keys.append((key, resource.KIND))
        return keys

    def add(self, resource: Resource, status: str, delta: int = 1) -> None:
        """Count ``resource`` in ``status`` (``delta`` -1: no longer)."""
        for key in self._keys(resource):
            by_status = self.counts.setdefault(key, {})
            left = by_status.get(status, 0) + delta
            if left:
                by_status[status] = left
            else:
                del by_status[status]
                if not by_status:
                    del self.counts[key]

    def moved(self, resource: Resource, old: str, new: str) -> None:
        """``resource`` went from status ``old`` to ``new``."""
        if old != new:
            self.add(resource, old, -1)
            self.add(resource, new)

    def count(self, key: tuple[str, str], counted: Counted, transitions: Transitions) -> int:
        by_status = self.counts.get(key)
        if not by_status:
            return 0
        statuses, leave_out = counted.statuses(transitions)
        if leave_out:
            return sum(n for status, n in by_status.items() if status not in statuses)
        return sum(by_status.get(status, 0) for status in statuses)


def check(tally: Tally, settings: Settings, resource: Resource) -> None:
    """LimitExceeded (or the code the limit's setting names), in AWS's words, when a new
    ``resource`` would pass one of its class's limits."""
    for limit in resource.LIMITS:
        key = REGION if limit.scope is None else getattr(resource, limit.scope)
        most = limit.value(settings)
        if tally.count((key, resource.KIND), limit.counted, resource.TRANSITIONS) < most:
            continue
        if limit.counted is LIVE:
            message = (
                f"Cannot create a {resource.LABEL}. More than {most} resources in ACTIVE "
                "state. Please delete some and try again."
            )
        else:
            message = f"More than {most} resources {limit.counted.value}."
        if limit.code is None:
            raise LimitExceeded(message)
        raise ServiceError(message, code=getattr(settings, limit.code))
