"""What every resource is: the base class, the statuses and chains most kinds share, and
the registry of kinds a state file rebuilds resources from.

Kept apart from the store (``store``) so that a resource class reads alone: its fields,
its ``REFERENCES`` and its ``TRANSITIONS``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

from personalize_fake._state.limits import Limit
from personalize_fake._state.references import Reference
from personalize_fake._state.transitions import GONE, Chain, Transitions, remove

if TYPE_CHECKING:
    from personalize_fake._state.store import RegionState

CREATE_PENDING = "CREATE PENDING"
CREATE_IN_PROGRESS = "CREATE IN_PROGRESS"
ACTIVE = "ACTIVE"
CREATE_FAILED = "CREATE FAILED"
DELETE_PENDING = "DELETE PENDING"
DELETE_IN_PROGRESS = "DELETE IN_PROGRESS"
UPDATE_PENDING = "UPDATE PENDING"
UPDATE_IN_PROGRESS = "UPDATE IN_PROGRESS"

CREATE = Chain("create", (CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE), failed=CREATE_FAILED)
"""How most kinds are created; a failure injected for the kind ends it CREATE FAILED."""
DELETE = Chain(
    "delete",
    (DELETE_PENDING, DELETE_IN_PROGRESS, GONE),
    begins_from=(ACTIVE, CREATE_FAILED),
    purpose="be deleted",
    on_enter={GONE: remove},
)
"""How most kinds are deleted: gone after DELETE IN_PROGRESS."""


def now() -> float:
    """Epoch seconds to the millisecond, the precision the service reports times in."""
    return round(time.time(), 3)


@attrs.define(eq=False, kw_only=True)
class Resource:
    """A resource the account owns; subclasses add what their Describe shows.

    Once a state file is attached in the process (:func:`watch_changes`), setting
    any field of a stored resource notes it for its store's journal, so no handler
    has to remember to.
    """

    KIND: ClassVar[str]
    """The resource type in its ARN, e.g. ``dataset-group``."""
    LABEL: ClassVar[str]
    """How messages name it, e.g. ``dataset group``."""
    TRANSITIONS: ClassVar[Transitions] = Transitions(CREATE, DELETE)
    """Its status chains (``transitions``): every kind has a ``create`` and a ``delete``."""
    REFERENCES: ClassVar[tuple[Reference, ...]] = ()
    """The fields holding ARNs it refers to, and what its deletion rules are (``references``)."""
    LIMITS: ClassVar[tuple[Limit, ...]] = ()
    """How many of it may count at once, per parent or region (``limits``)."""

    _region: RegionState | None = attrs.field(default=None, init=False, repr=False)
    """Where it is stored (set by :meth:`RegionState.add`): not state, never saved.
    First, so that it is set before any field ``__init__`` sets through the watcher."""
    _rank: int = attrs.field(default=0, init=False, repr=False)
    """Its place in its region's creation order (set by :meth:`RegionState.add`, never saved:
    adding in creation order on load gives the same order)."""
    arn: str
    name: str
    status: str = CREATE_PENDING
    created: float = attrs.field(factory=now)
    updated: float = attrs.field(default=attrs.Factory(lambda self: self.created, takes_self=True))
    failure_reason: str | None = None
    doomed: str | None = None
    """A failure the test injected: the creation ends CREATE FAILED with this reason."""
    tracking_id: str | None = None
    """The tracking ID it issues, if any (event trackers, Action_Interactions datasets)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # attrs.define replaces each class by a slotted copy; only that copy,
        # the class in use, is registered (the original may linger until collected).
        super().__init_subclass__(**kwargs)
        if "KIND" in cls.__dict__ and "__slots__" in cls.__dict__:
            KINDS[cls.KIND] = cls

    @property
    def region_state(self) -> RegionState | None:
        """The region that holds it, or None once removed (or before it is added)."""
        return self._region


def _watching_setattr(self: Resource, name: str, value: Any) -> None:
    object.__setattr__(self, name, value)
    region = self._region
    if region is not None and region.store.journal is not None and name != "_region":
        region.store.journal.touch(self)


def watch_changes() -> None:
    """From now on, in this process, a field set on a stored resource reaches its store's
    journal (a no-op for a store without one).

    Installed when the first state file is attached, not before: a watching
    ``__setattr__`` would cost every in-process mock, which never has a journal
    (constructing a resource 0.9 -> 2 µs, setting a field 0.03 -> 0.17 µs).
    Subclasses inherit it (attrs writes a ``__setattr__`` of its own only for
    fields with validators or converters on set, and resources have none; the
    state-file tests would show a change missed).
    """
    Resource.__setattr__ = _watching_setattr  # type: ignore[assignment, method-assign]


R = TypeVar("R", bound=Resource)

KINDS: dict[str, type[Resource]] = {}
"""Every resource class by its ``KIND`` (filled as resource modules are imported)."""
