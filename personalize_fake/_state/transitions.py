"""Statuses as data: the chains each resource class moves through, and what entering one does.

A resource class declares its ``TRANSITIONS``: named chains (``create``, ``delete``,
``update``, ``stop``, ``start``, ``stop-creation``...), each a sequence of statuses of one
field (``status`` unless it says otherwise: an update summary such as
``latestCampaignUpdate`` moves a field of its own), ending in its last status, with the
status a failure ends it in (if it can fail), the statuses it may begin from, and effects
run when a status is entered (an import job entering ACTIVE loads its rows; a deletion
entering :data:`GONE` removes the resource)::

    Transitions(CREATE, DELETE, Chain("update", (UPDATE_PENDING, UPDATE_IN_PROGRESS, ACTIVE),
                                      begins_from=(ACTIVE,), purpose="be updated"))

``lifecycle`` drives every chain the same way under every mode, so a new kind declares
data and writes no status code. Knowing which chain is running needs no state of its own:
a status before a chain's end belongs to that chain alone (checked here), so the field's
value says which chain runs and where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from personalize_fake._state.resource import Resource
    from personalize_fake._state.store import RegionState

GONE = "DELETED"
"""The end of a deletion: entering it removes the resource (:func:`remove`); ``advance``
reports it once the resource has disappeared."""

Effect = Callable[["RegionState", Any], "str | None"]
"""Run when a status is entered, with the region and the resource (of the declaring class,
hence ``Any``); a reason it returns fails the chain instead (an import whose file does not
parse ends CREATE FAILED), where the chain has a failure status."""

_NO_EFFECTS: Mapping[str, Effect] = MappingProxyType({})
_NO_SHORTCUTS: Mapping[str, str] = MappingProxyType({})


def remove(state: RegionState, resource: Resource) -> None:
    """The effect of entering :data:`GONE`: the resource (and what goes with it) is removed."""
    state.remove(resource)


@attrs.frozen(eq=False)
class Chain:
    """One named sequence of statuses a resource moves through, and its rules."""

    name: str
    statuses: tuple[str, ...]
    """In order; the last is where it ends (ACTIVE, INACTIVE, :data:`GONE`...)."""
    begins_from: tuple[str, ...] = ()
    """Values of the resource's ``status`` the chain may begin from; empty: any (a create
    chain begins only when the resource is made, whatever this says)."""
    purpose: str = ""
    """How a refusal says what was asked: "The dataset ... must be ACTIVE to {purpose}"."""
    failed: str | None = None
    """The status a failure ends it in (CREATE FAILED, FAILED), or None: it cannot fail."""
    field: str = "status"
    """The resource attribute the chain moves."""
    reason_field: str = "failure_reason"
    """The attribute a failure's reason is written to."""
    on_enter: Mapping[str, Effect] = _NO_EFFECTS
    """Effects by the status (or failure status) whose entry runs them."""
    enters_at: Mapping[str, str] = _NO_SHORTCUTS
    """Where the chain starts when begun from a status, if not at its first (a version's
    creation stopped while CREATE PENDING goes straight to CREATE STOPPED)."""

    def __attrs_post_init__(self) -> None:
        if not self.statuses:
            raise ValueError(f"chain {self.name!r} has no statuses")
        for start in self.enters_at.values():
            if start not in self.statuses:
                raise ValueError(f"chain {self.name!r} cannot start at {start!r}")
        for status in self.on_enter:
            if status not in self.statuses and status != self.failed:
                raise ValueError(f"chain {self.name!r} never enters {status!r}")

    @property
    def end(self) -> str:
        return self.statuses[-1]

    def start(self, current: str) -> str:
        """The status the chain starts in when begun from the ``current`` status."""
        return self.enters_at.get(current, self.statuses[0])


def _in_flight(chains: tuple[Chain, ...], create: Chain | None) -> frozenset[str]:
    if create is None:
        return frozenset()
    creating = set(create.statuses[:-1])
    found = set(creating)
    for chain in chains:
        if chain.field == "status" and chain.begins_from and creating.issuperset(chain.begins_from):
            found.update(chain.statuses[:-1])
    return frozenset(found)


class Transitions:
    """The chains of one resource class, indexed so a running one is found in one lookup."""

    __slots__ = ("_by_name", "_running", "_status_only", "chains", "deleting", "in_flight")

    def __init__(self, *chains: Chain) -> None:
        self.chains = chains
        self._by_name = {chain.name: chain for chain in chains}
        if len(self._by_name) != len(chains):
            raise ValueError("two chains share a name")
        running: dict[str, dict[str, tuple[Chain, int]]] = {"status": {}}
        for chain in chains:
            table = running.setdefault(chain.field, {})
            for position, status in enumerate(chain.statuses[:-1]):
                if status in table:
                    other = table[status][0].name
                    raise ValueError(
                        f"{status!r} is under way in both {other!r} and {chain.name!r}"
                    )
                table[status] = (chain, position)
        self._running = {field: table for field, table in running.items() if table}
        self._status_only = running["status"] if len(running) == 1 else None
        delete = self._by_name.get("delete")
        self.deleting = frozenset(delete.statuses[:-1] if delete is not None else ())
        """Statuses of a deletion under way: nothing new may come to depend on the resource."""
        self.in_flight = _in_flight(chains, self._by_name.get("create"))
        """Statuses of a creation still under way: the create chain's before its end, and those
        of chains that begin only from them (a version's CREATE STOPPING). What keeps a job's
        parents from deletion, and what "PENDING or IN_PROGRESS" limits count."""

    def __repr__(self) -> str:
        return f"Transitions({', '.join(chain.name for chain in self.chains)})"

    def chain(self, name: str) -> Chain:
        """The chain called ``name``; a KeyError names the ones there are."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no {name!r} chain; there are {', '.join(self._by_name)}") from None

    def has(self, name: str) -> bool:
        return name in self._by_name

    def replacing(self, *chains: Chain) -> Transitions:
        """These chains, with the given ones replacing those of the same name or added."""
        by_name = dict(self._by_name)
        for chain in chains:
            by_name[chain.name] = chain
        return Transitions(*by_name.values())

    def running(self, resource: Resource) -> tuple[tuple[Chain, int], ...]:
        """Each chain under way on ``resource`` (the one moving ``status`` first), with the
        position of the status it is at. Called after every stepwise Describe: one lookup
        for the usual class whose chains all move ``status``."""
        if self._status_only is not None:
            found = self._status_only.get(resource.status)
            return () if found is None else (found,)
        return tuple(
            found
            for field, table in self._running.items()
            if (found := table.get(getattr(resource, field))) is not None
        )

    def under_way(self, resource: Resource, chain: Chain) -> bool:
        """Whether ``chain`` is running on ``resource``."""
        found = self._running.get(chain.field, {}).get(getattr(resource, chain.field))
        return found is not None and found[0] is chain
