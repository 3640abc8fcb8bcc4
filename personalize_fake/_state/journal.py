"""The state file's journal: each change written as facts as it is made, before it is answered.

While a server keeps a state file, the store's lock is a :class:`StoreLock`.
Handlers and the handle change the store under that lock, and the store
reports every change to the :class:`Journal` (``store.Changes``: a resource
added, removed, or one of its fields or tags set; recorded data; injected
failures; a reset), which keeps it as a note.
When the outermost hold of the lock ends, the notes are encoded into one batch
of SQL writes (still under the lock: only what changed is encoded), the lock is
released, and the thread then waits until its batch is committed, so the call
is answered only once what it changed is in the file. Commits are grouped: the
thread that gets to write commits every batch queued so far in one
transaction, and the threads whose batches it wrote return at once.

A write that fails (a full disk, a value that cannot be encoded) breaks the
journal for good: it is logged at ERROR, the call whose change it was is
answered with a :class:`StateFileError` (the dispatcher answers it as a 500, so
no change is acknowledged that the file lacks), and from then on the lock
itself refuses to be taken (:meth:`StoreLock.__enter__`), so every later call,
a client's retry of the failed one too, is refused before its handler runs:
the change the failed call left in memory never shows. :attr:`Journal.failure`
says what went wrong, for ``/_fake/health`` and the exit status of ``serve``.

Values are JSON, with datetimes (the only non-JSON type the store holds) as
``{"!datetime": iso}``, and the data's own keys that start with ``!`` escaped
with one more, so whatever a user stores reads back as it was (:func:`encode`).
Strings are written with ``\\u`` escapes for what is not ASCII, so every Python
string, an unpaired surrogate too, is written as it is and read back unchanged.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import sqlite3
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs

from personalize_fake._errors import StateFileError
from personalize_fake._state.resource import Resource
from personalize_fake._state.rows import Rows
from personalize_fake._state.store import Store

log = logging.getLogger("personalize_fake.server")

Write = tuple[str, list[tuple[Any, ...]]]
"""One SQL statement and the rows of parameters it is run with (``executemany``)."""

_UPSERT_RESOURCE = (
    "INSERT INTO resources (arn, account, region, kind, fields, tags) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (arn) DO UPDATE SET fields = excluded.fields, tags = excluded.tags"
)  # an update keeps the row's seq: the resource keeps its place in creation order
_DELETE_RESOURCE = "DELETE FROM resources WHERE arn = ?"
_APPEND_RECORDED = (
    "INSERT INTO recorded (stream, dataset_arn, tracking_id, body) VALUES (?, ?, ?, ?)"
)
# Every record is kept, a repeated id's too (a PUT or BULK export writes them all).
_PUT_RECORD = "INSERT INTO records (dataset_arn, key, record_id, body) VALUES (?, ?, ?, ?)"
_CLEAR_RECORDS = "DELETE FROM records WHERE dataset_arn = ?"
_DELETE_RECORD = "DELETE FROM records WHERE dataset_arn = ? AND record_id = ?"
# An import's rows: those of a keyed dataset (Users, Items, Actions) are records with
# source 2 (BULK), kept beside the PUT ones, which a FULL import drops first; those of
# others are rows of stream "bulk" in table recorded, in order with the events, after a
# "bulk-replaced" mark for a FULL import. A data deletion job's users are deleted
# records, or a "deleted" mark.
_PUT_BULK_RECORD = (
    "INSERT INTO records (dataset_arn, key, record_id, body, source) VALUES (?, ?, ?, ?, 2)"
)
_DROP_BULK_RECORDS = "DELETE FROM records WHERE dataset_arn = ? AND source = 2"
_MARK_RECORDED = (
    "INSERT INTO recorded (stream, dataset_arn, tracking_id, body) VALUES (?, ?, ?, '')"
)
# A dataset created again: its rows so far stay readable by tracking ID, set apart.
_RETIRE_RECORDED = (
    "INSERT INTO recorded (stream, dataset_arn, tracking_id, body) VALUES ('retired', ?, '', '')"
)
_PUT_INJECTED = "INSERT OR REPLACE INTO injected_failures (kind, runs) VALUES (?, ?)"
_DELETE_INJECTED = "DELETE FROM injected_failures WHERE kind = ?"
_PUT_META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
_PUT_OBJECT = "INSERT OR REPLACE INTO objects (location, data) VALUES (?, ?)"
_TABLES = ("resources", "recorded", "records", "injected_failures", "objects")


# -- values --------------------------------------------------------------------------

_TAG = "!datetime"
_tagged = threading.local()
"""How many datetimes the encoder of this thread tagged in the value being encoded."""


def _tag(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        _tagged.count += 1
        return {_TAG: value.isoformat()}
    raise TypeError(f"personalize-fake cannot keep a {type(value).__name__} in a state file")


def _escaped(value: Any) -> Any:
    """``value`` with every key starting with ``!`` given one more (``!x`` -> ``!!x``)."""
    if isinstance(value, dict):
        return {
            ("!" + key if key[:1] == "!" else key): _escaped(item) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def _untag(value: dict[str, Any]) -> Any:
    if len(value) == 1 and _TAG in value:
        return datetime.datetime.fromisoformat(value[_TAG])
    return value


def _untag_unescape(value: dict[str, Any]) -> Any:
    if len(value) == 1 and _TAG in value:
        return datetime.datetime.fromisoformat(value[_TAG])
    if any(key[:2] == "!!" for key in value):
        return {(key[1:] if key[:2] == "!!" else key): item for key, item in value.items()}
    return value


_encode = json.JSONEncoder(default=_tag, separators=(",", ":"), check_circular=False).encode
_decode = json.JSONDecoder(object_hook=_untag).decode
_decode_escaped = json.JSONDecoder(object_hook=_untag_unescape).decode


def encode(value: Any) -> str:
    """A stored value as JSON text (ASCII: other characters as ``\\u`` escapes).

    A datetime is ``{"!datetime": iso}``, and a key of the value's own that starts
    with ``!`` gets one more, so no data can pass for a datetime. Finding such a
    key costs a count in C: every ``"!`` in the text but the tags' own means one
    may be there, and only then is the value walked and encoded again.
    """
    _tagged.count = 0
    text = _encode(value)
    if text.count('"!') > _tagged.count:
        text = _encode(_escaped(value))
    return text


def decode(text: str) -> Any:
    """JSON text from :func:`encode` back to the value."""
    if '"!!' in text:  # an escaped key may be there (or a string starting with !!)
        return _decode_escaped(text)
    return _decode(text)


_LAYOUTS: dict[type[Resource], tuple[tuple[str, bool], ...]] = {}


def fields_of(resource: Resource) -> dict[str, Any]:
    """A resource's state: its ``__init__`` fields, but those at their ``None`` default.

    Leaving those out means a field added later with a ``None`` default never
    keeps an older version from reading a newer file.
    """
    cls = type(resource)
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = tuple(
            (f.name, f.default is None) for f in attrs.fields(cls) if f.init
        )
    out = {}
    for name, none_default in layout:
        value = getattr(resource, name)
        if value is None and none_default:
            continue
        out[name] = value
    return out


# -- the lock ------------------------------------------------------------------------


class StoreLock:
    """The store's lock while a journal is attached: the outermost release writes the changes.

    Reentrant, as the plain ``RLock`` it replaces. The batch is encoded while
    the lock is held, and committed after it is released, so other calls go
    on while this one waits for the file.
    """

    def __init__(self, journal: Journal) -> None:
        self.rlock = threading.RLock()
        self._journal = journal
        self._depth = 0  # changed only by the thread holding rlock

    def __enter__(self) -> StoreLock:
        self.rlock.acquire()
        failure = self._journal.failure
        if failure is not None and self._depth == 0:  # refused before anything is changed
            self.rlock.release()
            raise StateFileError(f"refused: {failure}")
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        number = None
        try:
            if self._depth == 1:
                number = self._journal.flush()
        finally:
            self._depth -= 1
            self.rlock.release()
        if number is not None:
            self._journal.sync(number)


# -- the journal ---------------------------------------------------------------------


class Journal:
    """Notes a store's changes and writes them to its state file (see the module docstring).

    Args:
        path: the state file, for messages.
        connection: the open database (``persistence.attach`` opens, checks and loads it).
        store: the store whose changes it writes; the journal attaches itself to it
            (``store.journal``, and a :class:`StoreLock` as ``store.lock``).
    """

    def __init__(self, path: Path, connection: sqlite3.Connection, store: Store) -> None:
        self.path = path
        self.failure: str | None = None
        """Why the file could not be written, once that has happened (then nothing more is)."""
        self._db = connection
        self._store = store
        self._closed = False  # no more changes are taken (guarded by the store's lock)
        self._open = True  # the connection is open (guarded by _write_lock)
        # Notes since the store's lock was taken (guarded by that lock).
        self._notes: list[tuple[Any, ...]] = []
        self._touched: set[int] = set()  # ids of resources with a note in _notes
        # Encoded batches waiting for a commit, numbered in the order the lock was held.
        self._queue: list[list[Write]] = []
        self._queued = 0
        self._queue_lock = threading.Lock()
        # One thread at a time commits everything queued.
        self._write_lock = threading.Lock()
        self._committed = 0
        self.lock = StoreLock(self)
        store.journal = self
        store.lock = self.lock

    # -- notes (the store's lock is held) ------------------------------------------

    def touch(self, resource: Resource) -> None:
        """A resource was added, or one of its fields or tags changed."""
        if id(resource) not in self._touched:
            self._touched.add(id(resource))
            self._notes.append(("resource", resource))

    def removed(self, resource: Resource) -> None:
        self._touched.discard(id(resource))  # added again later: written again, after this
        self._notes.append(("removed", resource.arn))

    def appended(
        self, stream: str, dataset_arn: str, tracking_id: str, rows: list[dict[str, Any]]
    ) -> None:
        self._notes.append(("recorded", stream, dataset_arn, tracking_id, rows))

    def put(self, dataset_arn: str, key: str, rows: list[dict[str, Any]]) -> None:
        self._notes.append(("records", dataset_arn, key, rows))

    def cleared_records(self, dataset_arn: str) -> None:
        self._notes.append(("cleared-records", dataset_arn))

    def loaded(self, dataset_arn: str, rows: Rows, replace: bool) -> None:
        # Encoded now: ``rows`` may become the dataset's container, which a later change
        # in the same hold of the lock (``fake.settle()`` running two imports) extends.
        # Rows an import read from a CSV are strings and numbers: they always encode.
        key = rows.key
        encoded = [(encode(row), None if key is None else row[key]) for row in rows]
        self._notes.append(("loaded", dataset_arn, key, encoded, replace))

    def deleted(self, dataset_arn: str, column: str, values: list[Any]) -> None:
        self._notes.append(("deleted", dataset_arn, column, values))

    def stored_object(self, location: str) -> None:
        self._notes.append(("object", location))

    def injected(self, kind: str) -> None:
        self._notes.append(("injected", kind))

    def cleared(self, store: Store) -> None:
        """Everything was reset: what was noted before no longer matters."""
        self._notes = [("cleared",)]
        self._touched.clear()

    # -- encoding (the store's lock is held) ---------------------------------------

    def flush(self) -> int | None:
        """Encode the notes into one batch and queue it; its number, or None if none.

        Raises:
            StateFileError: when the journal is broken or closed (the change is not
                saved), or a value cannot be encoded (that breaks it).
        """
        if not self._notes:
            return None
        notes, self._notes = self._notes, []
        self._touched.clear()
        if self.failure is not None:
            raise StateFileError(self.failure)
        if self._closed:
            raise StateFileError(f"state file {self.path} is closed; this change was not saved")
        try:
            batch = [write for note in notes for write in self._encode(note)]
        except (TypeError, ValueError, RecursionError) as exc:
            raise self._fail(f"cannot encode a change for state file {self.path}: {exc}") from None
        with self._queue_lock:
            self._queue.append(batch)
            self._queued += 1
            return self._queued

    def _encode(self, note: tuple[Any, ...]) -> list[Write]:
        what = note[0]
        if what == "resource":
            resource: Resource = note[1]
            state = resource.region_state
            if state is None:  # removed after the note: its "removed" note follows
                return []
            tags = state.tags.get(resource.arn)
            row = (
                resource.arn,
                state.account_id,
                state.region,
                resource.KIND,
                encode(fields_of(resource)),
                None if tags is None else encode(tags),
            )
            return [(_UPSERT_RESOURCE, [row])]
        if what == "removed":
            return [(_DELETE_RESOURCE, [(note[1],)])]
        if what == "recorded":
            _, stream, dataset_arn, tracking_id, rows = note
            encoded = [(stream, dataset_arn, tracking_id, encode(r)) for r in rows]
            return [(_APPEND_RECORDED, encoded)]
        if what == "records":
            _, dataset_arn, key, rows = note
            return [(_PUT_RECORD, [(dataset_arn, key, r[key], encode(r)) for r in rows])]
        if what == "loaded":  # an import's rows: see _MARK_RECORDED and _PUT_BULK_RECORD
            _, dataset_arn, key, encoded, replace = note
            loads: list[Write] = []
            if key is None:
                if replace:
                    loads.append((_MARK_RECORDED, [("bulk-replaced", dataset_arn, "")]))
                bulk = [("bulk", dataset_arn, "", body) for body, _ in encoded]
                loads.append((_APPEND_RECORDED, bulk))
                return loads
            if replace:
                loads.append((_DROP_BULK_RECORDS, [(dataset_arn,)]))
            records = [(dataset_arn, key, id_, body) for body, id_ in encoded]
            loads.append((_PUT_BULK_RECORD, records))
            return loads
        if what == "deleted":  # a data deletion job's users
            _, dataset_arn, column, values = note
            container = self._store.rows.get(dataset_arn)
            if container is not None and container.key == column:  # a Users dataset's records
                return [(_DELETE_RECORD, [(dataset_arn, value) for value in values])]
            body = encode({"column": column, "values": values})
            return [(_APPEND_RECORDED, [("deleted", dataset_arn, "", body)])]
        if what == "object":  # the bytes as they are when written (put again: the last)
            data = self._store.objects.get(note[1])
            return [] if data is None else [(_PUT_OBJECT, [(note[1], data)])]
        if what == "cleared-records":
            return [(_CLEAR_RECORDS, [(note[1],)]), (_RETIRE_RECORDED, [(note[1],)])]
        if what == "injected":
            runs = self._store.injected_failures.get(note[1])
            if not runs:
                return [(_DELETE_INJECTED, [(note[1],)])]
            return [(_PUT_INJECTED, [(note[1], encode(runs))])]
        if what == "cleared":
            writes: list[Write] = [(f"DELETE FROM {table}", [()]) for table in _TABLES]
            return [*writes, (_PUT_META, [("secret", self._store.secret.hex())])]
        raise AssertionError(f"unknown note {what!r}")

    # -- committing (the store's lock is not held) -----------------------------------

    def sync(self, number: int) -> None:
        """Return once batch ``number`` is in the file, writing what is queued if need be.

        Raises:
            StateFileError: when it cannot be written (that breaks the journal).
        """
        with self._write_lock:
            if self._committed >= number:
                return
            if self.failure is not None:
                raise StateFileError(self.failure)
            if self._closed:
                raise StateFileError(f"state file {self.path} is closed; a change was not saved")
            self._commit()

    def _commit(self) -> None:
        """Write every queued batch in one transaction (``_write_lock`` is held)."""
        with self._queue_lock:
            batches, self._queue = self._queue, []
            last = self._queued
        if not batches:
            return
        db = self._db
        try:
            db.execute("BEGIN")
            try:
                for batch in batches:
                    for statement, rows in batch:
                        db.executemany(statement, rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise self._fail(f"cannot write state file {self.path}: {exc}") from None
        self._committed = last

    def _fail(self, message: str) -> StateFileError:
        """Break the journal: log why, once, and refuse every later change."""
        if self.failure is None:
            self.failure = (
                f"{message}; every call from then on is refused "
                "(restart the server: it loads what the file holds)"
            )
            log.error("personalize-fake: %s", self.failure)
        return StateFileError(self.failure)

    def close(self) -> None:
        """Write what is queued and close the file; later changes are refused, not saved."""
        with self.lock.rlock:  # no call is between its change and its queued batch
            self._closed = True
        with self._write_lock:
            if not self._open:
                return
            self._open = False
            if self.failure is None:
                with contextlib.suppress(StateFileError):  # logged, and kept in self.failure
                    self._commit()
            try:
                self._db.close()  # the last connection: SQLite checkpoints the WAL into the file
            except sqlite3.Error as exc:
                self._fail(f"cannot close state file {self.path}: {exc}")
