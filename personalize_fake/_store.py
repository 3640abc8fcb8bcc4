"""State of one active mock: resources per account and region, and recorded data.

Nothing here is module-global: each mock owns one :class:`Store`, and one lock
serialises every operation on it, so threaded tests lose nothing.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar

import attrs

from personalize_fake._errors import ResourceNotFound
from personalize_fake._settings import Settings

CREATE_PENDING = "CREATE PENDING"
CREATE_IN_PROGRESS = "CREATE IN_PROGRESS"
ACTIVE = "ACTIVE"
CREATE_FAILED = "CREATE FAILED"
DELETE_PENDING = "DELETE PENDING"
DELETE_IN_PROGRESS = "DELETE IN_PROGRESS"


def now() -> float:
    """Epoch seconds to the millisecond, the precision the service reports times in."""
    return round(time.time(), 3)


@attrs.define(eq=False, kw_only=True)
class Resource:
    """A resource the account owns; subclasses add what their Describe shows."""

    KIND: ClassVar[str]
    """The resource type in its ARN, e.g. ``dataset-group``."""
    LABEL: ClassVar[str]
    """How messages name it, e.g. ``dataset group``."""
    CREATE_CHAIN: ClassVar[tuple[str, ...]] = (CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE)
    DELETE_CHAIN: ClassVar[tuple[str, ...]] = (DELETE_PENDING, DELETE_IN_PROGRESS)

    arn: str
    name: str
    status: str = CREATE_PENDING
    created: float = attrs.field(factory=now)
    updated: float = attrs.field(default=attrs.Factory(lambda self: self.created, takes_self=True))
    failure_reason: str | None = None
    dataset_group_arn: str | None = None
    """The dataset group the resource belongs to, if any (it keeps the group from deletion)."""
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
    def deleting(self) -> bool:
        return self.status in self.DELETE_CHAIN


R = TypeVar("R", bound=Resource)

KINDS: dict[str, type[Resource]] = {}
"""Every resource class by its ``KIND`` (filled as resource modules are imported)."""


def partition_of(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@attrs.define(eq=False)
class RegionState:
    """Everything one account owns in one region."""

    store: Store
    account_id: str
    region: str
    resources: dict[str, Resource] = attrs.Factory(dict)
    tags: dict[str, dict[str, str]] = attrs.Factory(dict)
    tracking_ids: dict[str, Resource] = attrs.Factory(dict)
    """Resources by the tracking ID they issue (event trackers, Action_Interactions datasets)."""

    @property
    def settings(self) -> Settings:
        return self.store.settings

    def arn(self, kind: str, resource_id: str) -> str:
        partition = partition_of(self.region)
        return f"arn:{partition}:personalize:{self.region}:{self.account_id}:{kind}/{resource_id}"

    def add(self, resource: R) -> R:
        self.resources[resource.arn] = resource
        if resource.tracking_id is not None:
            self.tracking_ids[resource.tracking_id] = resource
        return resource

    def tracked(self, cls: type[R], tracking_id: str) -> R | None:
        """The resource of type ``cls`` that issued ``tracking_id``, if any."""
        found = self.tracking_ids.get(tracking_id)
        return found if isinstance(found, cls) else None

    def get(self, cls: type[R], arn: str) -> R:
        """The resource of type ``cls`` at ``arn``, or ResourceNotFound."""
        found = self.resources.get(arn)
        if not isinstance(found, cls):
            raise ResourceNotFound.for_arn(arn)
        return found

    def all(self, cls: type[R]) -> Iterator[R]:
        """Resources of one type in creation order."""
        for resource in self.resources.values():
            if isinstance(resource, cls):
                yield resource

    def remove(self, resource: Resource) -> None:
        """Forget a resource and its tags (what was recorded stays readable)."""
        self.resources.pop(resource.arn, None)
        self.tags.pop(resource.arn, None)
        if resource.tracking_id is not None:
            self.tracking_ids.pop(resource.tracking_id, None)


@attrs.define(eq=False)
class Store:
    """All state of one mock: regions, recorded data, and the lock guarding them."""

    settings: Settings
    lock: threading.RLock = attrs.Factory(threading.RLock)
    regions: dict[tuple[str, str], RegionState] = attrs.Factory(dict)
    secret: bytes = attrs.Factory(lambda: secrets.token_bytes(16))
    events: dict[str, list[dict[str, Any]]] = attrs.Factory(dict)
    """PutEvents records by tracking ID, in arrival order."""
    action_interactions: dict[str, list[dict[str, Any]]] = attrs.Factory(dict)
    """PutActionInteractions records by tracking ID, in arrival order."""
    records: dict[str, dict[str, dict[str, Any]]] = attrs.Factory(dict)
    """PutUsers/PutItems/PutActions records by dataset ARN, then by id."""
    injected_failures: dict[str, list[str]] = attrs.Factory(dict)
    """Failure reasons waiting for the next creations of a resource kind (``fail_next``)."""

    def region(self, region: str, account_id: str | None = None) -> RegionState:
        key = (account_id or self.settings.account_id, region)
        state = self.regions.get(key)
        if state is None:
            state = self.regions[key] = RegionState(self, key[0], region)
        return state

    def find(self, arn: str) -> tuple[RegionState, Resource] | None:
        """The resource at ``arn`` in whichever account and region holds it."""
        for state in self.regions.values():
            resource = state.resources.get(arn)
            if resource is not None:
                return state, resource
        return None
