"""The handle a test holds: read what was recorded, move resources along.

``with mock_personalize() as fake`` and the ``personalize_fake`` fixture give
a :class:`PersonalizeFake`. Everything it returns is a copy, so a test cannot
change the fake's state by accident.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from personalize_fake._api.registry import load_handlers
from personalize_fake._domain.csv_import import whole
from personalize_fake._domain.members import as_record, as_sent
from personalize_fake._settings import Settings
from personalize_fake._state import lifecycle
from personalize_fake._state.objects import split as split_location
from personalize_fake._state.resource import KINDS, Resource
from personalize_fake._state.rows import PUT
from personalize_fake._state.store import RegionState, Store
from personalize_fake._wire.dispatch import Dispatcher, WireRequest, WireResponse


def _resource_kinds() -> set[str]:
    """Kinds whose creation can fail (not schemas, which are usable at once)."""
    load_handlers()  # imports every resource module, so every kind is known
    return {kind for kind, cls in KINDS.items() if cls.TRANSITIONS.chain("create").failed}


def _declared_entry(entry: Any) -> tuple[str, float | None]:
    """One entry of a declared ranking as (id, score or None)."""
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, Mapping):
        identity = entry.get("itemId", entry.get("actionId"))
        score = entry.get("score")
    elif isinstance(entry, tuple | list) and len(entry) == 2:
        identity, score = entry
    else:
        raise ValueError(f"a declared answer holds ids, (id, score) pairs or dicts, not {entry!r}")
    number = isinstance(score, int | float) and not isinstance(score, bool)
    if not isinstance(identity, str) or not identity or not (score is None or number):
        raise ValueError(f"a declared answer's entry is an id and a score, not {entry!r}")
    if score is not None and not math.isfinite(score):
        raise ValueError(f"a declared score is a finite number, not {score!r}")
    return identity, None if score is None else float(score)


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    """A row as an export writes it: a whole ``TIMESTAMP`` as an int."""
    stamp = row.get("TIMESTAMP")
    if isinstance(stamp, float):
        row["TIMESTAMP"] = whole(stamp)
    return row


class PersonalizeFake:
    """State of one active mock, and control over it.

    Args:
        settings: the options the mock was started with.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings)
        self.dispatcher = Dispatcher(self.store)

    def __repr__(self) -> str:
        resources = sum(len(s.resources) for s in self.store.regions.values())
        return f"<PersonalizeFake lifecycle={self.settings.lifecycle.value} resources={resources}>"

    # -- recorded data ---------------------------------------------------------

    def events(self, tracking_id: str) -> list[dict[str, Any]]:
        """Events PutEvents recorded for ``tracking_id``, in arrival order.

        Each is the event's own fields plus the call's ``trackingId``,
        ``sessionId`` and ``userId``; ``sentAt`` is a UTC ``datetime``.
        """
        with self.store.lock:
            return [as_sent(row) for row in self.store.recorded("events", tracking_id)]

    def action_interactions(self, tracking_id: str) -> list[dict[str, Any]]:
        """Action interactions PutActionInteractions recorded for ``tracking_id``, in order."""
        with self.store.lock:
            found = self.store.recorded("action_interactions", tracking_id)
            return [as_sent(row, "timestamp") for row in found]

    def users(self, dataset_arn: str) -> list[dict[str, Any]]:
        """The users of a Users dataset: the newest record of each ``userId``, put (PutUsers)
        or imported, in the order they were last written."""
        return self._records(dataset_arn)

    def items(self, dataset_arn: str) -> list[dict[str, Any]]:
        """The items of an Items dataset: the newest record of each ``itemId``, put (PutItems)
        or imported, in the order they were last written."""
        return self._records(dataset_arn)

    def actions(self, dataset_arn: str) -> list[dict[str, Any]]:
        """The actions of an Actions dataset: the newest record of each ``actionId``, put
        (PutActions) or imported, in the order they were last written."""
        return self._records(dataset_arn)

    def _records(self, dataset_arn: str) -> list[dict[str, Any]]:
        """Each record as PutUsers/PutItems/PutActions sends one: a put record as it was
        sent, an imported one with its fields as ``properties`` (``members.as_record``)."""
        with self.store.lock:
            rows = self.store.rows.get(dataset_arn)
            if rows is None:
                return []
            key, sources = rows.key or "", rows.sources
            return [
                as_sent(rows.row(i)) if sources[i] == PUT else as_record(rows.row(i), key)
                for i in rows.newest()
            ]

    def interactions(self, dataset_arn: str) -> list[dict[str, Any]]:
        """Every row of a dataset (an Interactions dataset's, or any other's), in order: those
        import jobs loaded and those personalize-events recorded, by column name
        (``USER_ID``, ``ITEM_ID``, ``TIMESTAMP`` in epoch seconds...), as an export writes
        them; recorded events keep their other members (``sessionId``...) too."""
        with self.store.lock:
            return [_columns(row) for row in self.store.rows.get(dataset_arn, ())]

    # -- objects jobs read and write ---------------------------------------------

    def put_object(self, location: str, data: bytes | str) -> None:
        """Hand the fake the object at ``location`` (``s3://bucket/key``) that an import,
        deletion or batch job reads, when no S3 fake (moto) holds it. Text is stored as UTF-8."""
        try:
            key = split_location(location)[1]
        except ValueError:
            key = ""
        if not key or key.endswith("/"):
            raise ValueError(f"an object's location is s3://bucket/key, not {location!r}")
        body = data.encode() if isinstance(data, str) else bytes(data)
        with self.store.lock:
            self.store.put_object(location, body)

    def objects(self, prefix: str = "s3://") -> dict[str, bytes]:
        """The objects the fake holds under ``prefix``, by location: those handed to it and
        those export jobs wrote while no S3 fake was active."""
        with self.store.lock:
            held = self.store.objects.items()
            return {name: data for name, data in sorted(held) if name.startswith(prefix)}

    # -- lifecycle control -----------------------------------------------------

    def _find(self, arn: str) -> tuple[RegionState, Resource]:
        found = self.store.find(arn)
        if found is None:
            raise KeyError(f"no resource {arn} in this fake")
        return found

    def status(self, arn: str) -> str:
        """The current status of the resource at ``arn`` (without advancing it)."""
        with self.store.lock:
            return self._find(arn)[1].status

    def advance(self, arn: str) -> str:
        """Move a resource one step; return its new status, or ``"DELETED"`` once gone."""
        with self.store.lock:
            state, resource = self._find(arn)
            return lifecycle.advance(state, resource)

    def settle(self, arn: str | None = None) -> None:
        """Run one resource (or every resource) to the end of its create or delete."""
        with self.store.lock:
            if arn is not None:
                targets = [self._find(arn)]
            else:
                targets = [
                    (s, r) for s in self.store.regions.values() for r in s.resources.values()
                ]
            for state, resource in targets:
                while not lifecycle.settled(resource) and resource.arn in state.resources:
                    lifecycle.advance(state, resource)

    def fail(self, arn: str, reason: str = "Injected failure.") -> None:
        """End the creation of ``arn`` in ``CREATE FAILED`` with ``failureReason`` = ``reason``."""
        with self.store.lock:
            lifecycle.fail(*self._find(arn), reason)

    def fail_next(self, kind: str, reason: str = "Injected failure.", *, times: int = 1) -> None:
        """Make the next ``times`` creations of ``kind`` end in ``CREATE FAILED`` with ``reason``.

        ``kind`` is a resource class's ``KIND`` (the registry of kinds): ``dataset-group``,
        ``dataset``, ``event-tracker``, ``filter``, ``solution``, ``solution-version``,
        ``campaign``, ``recommender``, ``metric-attribution``, ``dataset-import-job``,
        ``dataset-export-job``, ``data-deletion-job``, and the batch jobs' kinds. Only
        creations fail: an update under way is failed with :meth:`fail`. The creation call
        itself succeeds, as the service's does; the failure shows where the resource would
        have become ACTIVE (at once in ``instant`` mode).

        Raises:
            ValueError: for a kind whose creation cannot fail (a schema) or that does not
                exist, naming the kinds it takes.
        """
        if times < 1:
            raise ValueError(f"times must be at least 1, not {times}")
        kinds = _resource_kinds()
        if kind not in kinds:
            raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(sorted(kinds))}")
        with self.store.lock:
            self.store.inject_failures(kind, reason, times)

    # -- declared answers ------------------------------------------------------

    def declare(
        self,
        arn: str,
        answer: Iterable[str | tuple[str, float | None] | Mapping[str, Any]],
        *,
        user: str | None = None,
        item: str | None = None,
    ) -> None:
        """Declare what the campaign or recommender at ``arn`` answers: for ``user``, for
        ``item``, or (neither given) by default; a user's declaration wins over an item's,
        both over the default, and any declaration over the trained model.

        ``answer`` is the ranking, best first: item (or action) ids, ``(id, score)`` pairs,
        or ``{"itemId": ..., "score": ...}`` dicts; an id named twice counts once, where it
        came first. Declared answers still pass through the request's filter, promotions and
        ``numResults``; a ranking campaign orders its
        ``inputList`` by it, the inputs it does not name last and unscored.

        Raises:
            KeyError: no campaign or recommender at ``arn`` in this fake.
            ValueError: both ``user`` and ``item`` given, or an entry that is not an id.
        """
        if user is not None and item is not None:
            raise ValueError("declare for a user or for an item, not both")
        first: dict[str, float | None] = {}
        for identity, score in map(_declared_entry, answer):
            first.setdefault(identity, score)  # an id named twice counts where it came first
        ranking = tuple(first.items())
        with self.store.lock:
            found = self.store.find(arn)
            kinds = ("campaign", "recommender")
            if found is None or found[1].KIND not in kinds:
                raise KeyError(f"no campaign or recommender {arn} in this fake")
            created = found[1].created
            entry = self.store.declared.get(arn)
            if entry is None or entry[0] != created:
                entry = self.store.declared[arn] = (created, {})
            if user is not None:
                entry[1][("user", user)] = ranking
            elif item is not None:
                entry[1][("item", item)] = ranking
            else:
                entry[1][("default", None)] = ranking

    def forget_declared(self, arn: str | None = None) -> None:
        """Forget what was declared for ``arn`` (or for every ARN): the model answers again."""
        with self.store.lock:
            if arn is None:
                self.store.declared.clear()
            else:
                self.store.declared.pop(arn, None)

    # -- raw access --------------------------------------------------------------

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one wire request, as any adapter (hook, server) does."""
        return self.dispatcher.handle(request)
