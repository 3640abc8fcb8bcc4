"""State of one active mock: resources per account and region, and recorded data.

The resource base class and the statuses most kinds share are in ``resource`` (and
importable from here, where handlers have always found them).

Nothing here is module-global: each mock owns one :class:`Store`, and one lock
serialises every operation on it, so threaded tests lose nothing.

Every change goes through a method here (or sets a resource's attribute, which
:meth:`Resource.__setattr__` watches), so a server's state file
(``journal``) sees each one without handlers having to remember it. With no
state file attached, the only cost is a ``journal is None`` test.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol, cast

import attrs

from personalize_fake._domain.fields import Field
from personalize_fake._domain.members import ACTION_INTERACTION_COLUMNS, EVENT_COLUMNS
from personalize_fake._errors import ResourceNotFound
from personalize_fake._settings import Settings
from personalize_fake._state.limits import Tally, scopes
from personalize_fake._state.references import ReferenceIndex, refuse_dangling
from personalize_fake._state.resource import (
    R,
    Resource,
)
from personalize_fake._state.rows import BATCH, BULK, PUT, Rows, layout_of

STREAM_COLUMNS = {"events": EVENT_COLUMNS, "action_interactions": ACTION_INTERACTION_COLUMNS}
"""How each recorded stream's members are renamed to its dataset's columns."""


def partition_of(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@attrs.define(eq=False)
class RegionState:
    """Everything one account owns in one region.

    ``resources`` and ``tags`` are the facts; ``kinds``, ``references`` and
    ``tracking_ids`` are indexes over them, kept by :meth:`add` and :meth:`remove` only
    (and rebuilt by them on load), so no call needs to look at every resource.
    """

    store: Store
    account_id: str
    region: str
    resources: dict[str, Resource] = attrs.Factory(dict)
    """Every resource by ARN, in creation order."""
    tags: dict[str, dict[str, str]] = attrs.Factory(dict)
    kinds: dict[str, dict[str, Resource]] = attrs.Factory(dict)
    """Resources by ``KIND``, then by ARN, in creation order."""
    references: ReferenceIndex = attrs.Factory(ReferenceIndex)
    """Who refers to whom, from each class's ``REFERENCES``."""
    tracking_ids: dict[str, Resource] = attrs.Factory(dict)
    """Resources by the tracking ID they issue (event trackers, Action_Interactions datasets)."""
    tally: Tally = attrs.Factory(Tally)
    """How many resources of each kind with ``LIMITS`` are in each status, per scope."""
    _ranks: int = 0
    """How many resources were ever added: the next one's ``_rank``."""

    @property
    def settings(self) -> Settings:
        return self.store.settings

    def arn(self, kind: str, resource_id: str) -> str:
        partition = partition_of(self.region)
        return f"arn:{partition}:personalize:{self.region}:{self.account_id}:{kind}/{resource_id}"

    def add(self, resource: R) -> R:
        """Store a resource; the region's first registers the region in the store.

        A fact, checked by nothing: a new resource's rules (a reference to one being
        deleted, a limit) are ``lifecycle.begin_create``'s, so a state file's load restores
        what was, whatever has happened to the resources it refers to since."""
        regions = self.store.regions
        key = (self.account_id, self.region)
        if key not in regions:
            regions[key] = self
        self.resources[resource.arn] = resource
        kind = self.kinds.get(resource.KIND)
        if kind is None:
            kind = self.kinds[resource.KIND] = {}
        kind[resource.arn] = resource
        if resource.REFERENCES:
            self.references.link(resource)
        if resource.tracking_id is not None:
            self.tracking_ids[resource.tracking_id] = resource
        if resource.LIMITS:
            self.tally.add(resource, resource.status)
        self._ranks += 1
        resource._rank = self._ranks
        resource._region = self
        if self.store.journal is not None:
            self.store.journal.touch(resource)
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

    def all(self, cls: type[R]) -> Collection[R]:
        """Resources of one type in creation order (a live view: copy it to change the store
        while going through it)."""
        return cast("dict[str, R]", self.kinds.get(cls.KIND, {})).values()

    def referrers(self, target_arn: str, cls: type[R], field: str | None = None) -> Collection[R]:
        """Resources of type ``cls`` that refer to ``target_arn`` (a dataset group's datasets,
        a solution's versions) through ``field`` (or any of their references), in creation
        order (a live view, as :meth:`all`)."""
        return cast("Collection[R]", self.references.referrers(target_arn, cls.KIND, field))

    def blockers(self, resource: Resource) -> list[Resource]:
        """What keeps ``resource`` from being deleted, by the referrers' ``REFERENCES``."""
        return self.references.blockers(resource)

    def ensure_referable(self, resource: Resource) -> None:
        """ResourceInUse if ``resource`` would block (by its ``REFERENCES``) the deletion of
        a resource whose deletion is under way (``references.refuse_dangling``)."""
        refuse_dangling(self.resources, resource)

    def refer(self, resource: Resource, field: str, value: str | tuple[str, ...] | None) -> None:
        """Point a reference field elsewhere (UpdateDataset's schema, UpdateCampaign's version),
        keeping the indexes true; set reference fields of a stored resource only through this.
        ResourceInUse, changing nothing, if the new target is being deleted.
        """
        if self.resources.get(resource.arn) is not resource:
            setattr(resource, field, value)
            return
        refuse_dangling(self.resources, resource, {field: value})
        counted = resource.LIMITS and field in scopes(resource.LIMITS)
        if counted:
            self.tally.add(resource, resource.status, -1)
        self.references.move(resource, field, value)
        if counted:
            self.tally.add(resource, resource.status)

    def remove(self, resource: Resource) -> None:
        """Forget a resource and its tags, and the resources its ``REFERENCES`` rules delete
        with it (what was recorded stays readable)."""
        for dependant in self.references.cascaded(resource):
            self._forget(dependant)
        self._forget(resource)

    def _forget(self, resource: Resource) -> None:
        if self.resources.get(resource.arn) is not resource:
            return
        del self.resources[resource.arn]
        kind = self.kinds[resource.KIND]
        del kind[resource.arn]
        if not kind:
            del self.kinds[resource.KIND]
        if resource.REFERENCES:
            self.references.unlink(resource)
        self.tags.pop(resource.arn, None)
        if resource.tracking_id is not None:
            self.tracking_ids.pop(resource.tracking_id, None)
        if resource.LIMITS:
            self.tally.add(resource, resource.status, -1)
        resource._region = None
        if self.store.journal is not None:
            self.store.journal.removed(resource)

    def tag(self, resource: Resource, tags: dict[str, str]) -> None:
        """Add or replace tags on a resource."""
        self.tags.setdefault(resource.arn, {}).update(tags)
        if self.store.journal is not None:
            self.store.journal.touch(resource)

    def untag(self, resource: Resource, keys: list[str]) -> None:
        """Remove tags from a resource (keys it does not carry are ignored)."""
        current = self.tags.get(resource.arn, {})
        for key in keys:
            current.pop(key, None)
        if self.store.journal is not None:
            self.store.journal.touch(resource)


class Changes(Protocol):
    """What a store reports each change to, while one is attached (a state file's journal).

    Every method is called with the store's lock held, after the change is made.
    """

    def touch(self, resource: Resource) -> None:
        """A resource was added, or one of its fields or tags changed."""

    def removed(self, resource: Resource) -> None:
        """A resource (and its tags) was forgotten."""

    def appended(
        self, stream: str, dataset_arn: str, tracking_id: str, rows: list[dict[str, Any]]
    ) -> None:
        """Rows were appended to a dataset by ``events`` or ``action_interactions`` calls."""

    def put(self, dataset_arn: str, key: str, rows: list[dict[str, Any]]) -> None:
        """Rows were stored in a dataset, replacing those with the same ``key`` column."""

    def loaded(self, dataset_arn: str, rows: Rows, replace: bool) -> None:
        """An import job loaded ``rows`` (BULK) into a dataset, after dropping its BULK rows
        when ``replace``."""

    def deleted(self, dataset_arn: str, column: str, values: list[Any]) -> None:
        """A dataset's rows whose ``column`` holds one of ``values`` were dropped."""

    def stored_object(self, location: str) -> None:
        """An object was put at ``location`` (``Store.objects``)."""

    def cleared_records(self, dataset_arn: str) -> None:
        """A dataset's rows were set aside for new ones (readable by tracking ID still)."""

    def injected(self, kind: str) -> None:
        """The failures waiting for creations of ``kind`` changed."""

    def cleared(self, store: Store) -> None:
        """The whole store was reset."""


BEFORE_DROP: list[Callable[[Store, str], None]] = []
"""Called with a dataset's ARN before any of its rows are dropped (a FULL import, a deletion
job, the dataset made again): the runtime takes what its versions trained on first."""


def _before_drop(store: Store, dataset_arn: str) -> None:
    for hook in BEFORE_DROP:
        hook(store, dataset_arn)


_TRANSIENT = {"transient": True}
"""Metadata of Store fields that are not state (options, lock, journal): never saved or reset."""


@attrs.define(eq=False)
class Store:
    """All state of one mock: regions, recorded data, and the lock guarding them."""

    settings: Settings = attrs.field(metadata=_TRANSIENT)
    lock: AbstractContextManager[Any] = attrs.field(factory=threading.RLock, metadata=_TRANSIENT)
    """Held by every operation; with a state file attached, its release writes the changes."""
    journal: Changes | None = attrs.field(default=None, metadata=_TRANSIENT)
    """The state file's journal, when a server keeps one (``persistence.attach``)."""
    regions: dict[tuple[str, str], RegionState] = attrs.Factory(dict)
    secret: bytes = attrs.Factory(lambda: secrets.token_bytes(16))
    rows: dict[str, Rows] = attrs.Factory(dict)
    """Each dataset's rows by its ARN: events, action interactions, users, items, actions."""
    streams: dict[tuple[str, str], list[Rows]] = attrs.Factory(dict)
    """Index: the rows each (stream, tracking ID) recorded into, in order (a dataset created
    again at the same ARN has new rows; the old stay readable by tracking ID)."""
    objects: dict[str, bytes] = attrs.Factory(dict)
    """Objects by ``s3://`` location: those a test handed the fake, and job outputs written
    while no S3 is faked (``objects``)."""
    engine: dict[str, Any] = attrs.Factory(dict)
    """Trained models by the ARN that serves them, and the runtime's indexes of rows
    (``_api.answers``): built again from the rows when needed, never saved."""
    declared: dict[str, tuple[float, dict[tuple[str, str | None], tuple[Any, ...]]]] = (
        attrs.Factory(dict)
    )
    """Answers a test declared, by campaign or recommender ARN: the resource's creation time
    (a resource made again at the ARN has none), and the rankings by ("user", id), ("item",
    id) or ("default", None) (``PersonalizeFake.declare``)."""
    injected_failures: dict[str, list[tuple[str, int]]] = attrs.Factory(dict)
    """Failures waiting for the next creations of a resource kind (``fail_next``), as runs of
    (reason, how many): a count, so ``times=10**7`` costs no more than ``times=1``."""

    def region(self, region: str, account_id: str | None = None) -> RegionState:
        """The state of an account in a region; one with nothing in it yet is not kept.

        Only :meth:`RegionState.add` registers a region (every other change, tags
        or a removal, is to a resource already in one), so calls in made-up
        regions that store nothing cost no memory, and no state file row.
        """
        key = (account_id or self.settings.account_id, region)
        state = self.regions.get(key)
        if state is None:
            return RegionState(self, key[0], region)
        return state

    def find(self, arn: str) -> tuple[RegionState, Resource] | None:
        """The resource at ``arn`` in whichever account and region holds it."""
        for state in self.regions.values():
            resource = state.resources.get(arn)
            if resource is not None:
                return state, resource
        return None

    # -- recorded data -----------------------------------------------------------

    def dataset_rows(
        self, dataset_arn: str, fields: tuple[Field, ...] = (), key: str | None = None
    ) -> Rows:
        """The rows of a dataset, a new empty container (laid out for ``fields``) if none."""
        rows = self.rows.get(dataset_arn)
        if rows is None:
            rows = self.rows[dataset_arn] = Rows(layout_of(fields), key)
        return rows

    def record(
        self,
        stream: str,
        dataset_arn: str,
        tracking_id: str,
        rows: list[dict[str, Any]],
        fields: tuple[Field, ...] = (),
    ) -> None:
        """Append PutEvents (``stream`` ``events``) or PutActionInteractions
        (``action_interactions``) rows, each with its ``trackingId``, to a dataset.

        The rows are the members as they came (``itemId``, ``sentAt`` as epoch seconds...):
        the container renames them to the dataset's columns (``members.EVENT_COLUMNS``), and
        so does a state file's replay of them."""
        container = self.dataset_rows(dataset_arn, fields)
        container.extend(rows, PUT, STREAM_COLUMNS[stream])
        found = self.streams.setdefault((stream, tracking_id), [])
        if not found or found[-1] is not container:
            found.append(container)
        if self.journal is not None:
            self.journal.appended(stream, dataset_arn, tracking_id, rows)

    def recorded(self, stream: str, tracking_id: str) -> Iterator[dict[str, Any]]:
        """The rows one tracking ID recorded, in arrival order, those of a dataset since
        created again at the same ARN first."""
        for rows in self.streams.get((stream, tracking_id), ()):
            yield from rows.where("trackingId", tracking_id)

    def put_records(
        self,
        dataset_arn: str,
        key: str,
        records: list[dict[str, Any]],
        fields: tuple[Field, ...] = (),
    ) -> None:
        """Add PutUsers/PutItems/PutActions rows, identified by their ``key`` column: each is
        kept (a PUT export writes them all); the newest of an id is the record."""
        self.dataset_rows(dataset_arn, fields, key).extend(records)
        if self.journal is not None:
            self.journal.put(dataset_arn, key, records)

    def clear_records(self, dataset_arn: str) -> None:
        """Start a dataset's rows afresh (one made again at the same ARN starts empty); what
        tracking IDs recorded in the old rows stays readable through :meth:`recorded`."""
        if dataset_arn in self.rows:
            _before_drop(self, dataset_arn)
        if self.rows.pop(dataset_arn, None) is not None and self.journal is not None:
            self.journal.cleared_records(dataset_arn)

    def load_bulk(self, dataset_arn: str, staged: Rows, replace: bool) -> None:
        """Add an import job's rows (``staged``: laid out as the dataset's, every row BULK).

        ``replace`` (a FULL import) first drops the dataset's BULK rows, keeping the PUT ones
        personalize-events recorded (events, and users, items or actions put one by one). A
        dataset left with no rows takes ``staged`` itself (no copy: a million imported rows
        are not converted twice).
        """
        existing = self.rows.get(dataset_arn)
        if existing is not None and replace and len(existing):
            _before_drop(self, dataset_arn)
            existing.drop(BULK)
        if existing is None or existing.appended == 0:  # nothing was ever there to mark
            self.rows[dataset_arn] = staged
        else:
            rows = iter(staged)
            while chunk := list(itertools.islice(rows, BATCH)):
                existing.extend(chunk, BULK)
        if self.journal is not None:
            self.journal.loaded(dataset_arn, staged, replace)

    def delete_where(self, dataset_arn: str, column: str, values: Collection[Any]) -> int:
        """Drop a dataset's rows whose ``column`` holds one of ``values`` (a data deletion
        job's users); return how many."""
        rows = self.rows.get(dataset_arn)
        if rows is not None and len(rows):
            _before_drop(self, dataset_arn)
        if rows is None:
            return 0
        dropped = rows.drop_where(column, values)
        if dropped and self.journal is not None:
            self.journal.deleted(dataset_arn, column, sorted(values))
        return dropped

    def put_object(self, location: str, data: bytes) -> None:
        """Hold an object at an ``s3://`` location (handed to the fake, or a job's output)."""
        self.objects[location] = data
        if self.journal is not None:
            self.journal.stored_object(location)

    # -- injected failures -------------------------------------------------------

    def inject_failures(self, kind: str, reason: str, times: int) -> None:
        """Make the next ``times`` creations of ``kind`` fail with ``reason``."""
        runs = self.injected_failures.setdefault(kind, [])
        if runs and runs[-1][0] == reason:
            runs[-1] = (reason, runs[-1][1] + times)
        else:
            runs.append((reason, times))
        if self.journal is not None:
            self.journal.injected(kind)

    def take_injected_failure(self, kind: str) -> str | None:
        """The reason the next creation of ``kind`` fails with, if one is waiting (used up)."""
        runs = self.injected_failures.get(kind)
        if not runs:
            return None
        reason, times = runs[0]
        if times > 1:
            runs[0] = (reason, times - 1)
        elif len(runs) > 1:
            del runs[0]
        else:
            del self.injected_failures[kind]
        if self.journal is not None:
            self.journal.injected(kind)
        return reason

    # -- all of it ---------------------------------------------------------------

    def clear(self) -> None:
        """Empty the store as a fresh one is (a new secret too); options, lock and journal stay."""
        fresh = Store(self.settings)
        with self.lock:
            for state in self.regions.values():
                for resource in state.resources.values():
                    resource._region = None  # a stale reference must not write a ghost row
            for field in attrs.fields(Store):
                if not field.metadata.get("transient"):
                    setattr(self, field.name, getattr(fresh, field.name))
            if self.journal is not None:
                self.journal.cleared(self)
