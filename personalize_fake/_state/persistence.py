"""A store on disk: the server's ``--state-file``, so state survives a restart, or a crash.

The file is an SQLite database (standard library) of facts, one row each: a
resource (its fields and tags, in creation order), an event or action
interaction, or a row an import job loaded, with the dataset it feeds
(append-only, with marks where a dataset created again set its rows apart, a FULL
import dropped the imported ones, a data deletion job dropped its users'), a stored
user, item or action record (PUT or imported: every one, a repeated id's too), an
``s3://`` object handed to the fake or written by an export, a count of injected
failures, and the store's secret. Indexes (kinds, references, tracking IDs, the map
of regions, which rows each tracking ID recorded) are never saved: loading adds each
resource to its region again, in creation order, and records each row again, which
rebuilds them, so what was one object before a restart is one object after. A region
is saved only through its resources: one with nothing in it leaves no trace.

:func:`attach` checks and loads the file and attaches a
:class:`~personalize_fake._state.journal.Journal`, which writes each change as it is
made. The database is in WAL mode with ``synchronous=NORMAL``: a committed
change survives the server being killed (``kill -9``), but not a power cut or
an operating system crash, which may lose the last commits (never corrupt the
file). It is opened with an exclusive lock, so a second server cannot use it
at the same time.

A file that cannot be read is a :class:`StateFileError` that names the file
and what is wrong; it is never changed or replaced.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import attrs

from personalize_fake._api.registry import load_handlers
from personalize_fake._errors import ServiceError, StateFileError
from personalize_fake._state.journal import Journal, decode
from personalize_fake._state.resource import KINDS, Resource, watch_changes
from personalize_fake._state.rows import BULK, PUT
from personalize_fake._state.store import Store

__all__ = ["APPLICATION_ID", "FORMAT", "VERSION", "StateFileError", "attach"]

FORMAT = "personalize-fake state"
APPLICATION_ID = 0x50464B53  # "PFKS", in the SQLite header: this file is ours
VERSION = 5
"""Bumped whenever a file written by this version cannot be read by an older one.
Version 1 was one JSON document, rewritten whole after each change; version 2 kept
recorded events by tracking ID only, not by the dataset they feed; version 3 had no
imported rows (streams bulk, bulk-replaced, deleted) and no objects; version 4 kept one
record per id of a Users, Items or Actions dataset, whatever its source."""

SCHEMA = f"""
BEGIN;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resources (
    seq INTEGER PRIMARY KEY,  -- creation order
    arn TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,       -- the resource type in its ARN: dataset-group, dataset...
    fields TEXT NOT NULL,     -- JSON object: the resource's fields
    tags TEXT                 -- JSON object, or NULL: no tags
);
CREATE TABLE recorded (
    seq INTEGER PRIMARY KEY,  -- arrival order
    stream TEXT NOT NULL,     -- events | action_interactions | retired (the dataset's rows
                              -- were set aside: it was created again) | bulk (a row an
                              -- import job loaded) | bulk-replaced (a FULL import dropped
                              -- the BULK rows) | deleted (body: the column and values of
                              -- the rows a data deletion job dropped)
    dataset_arn TEXT NOT NULL,
    tracking_id TEXT NOT NULL,
    body TEXT NOT NULL        -- JSON object: one row (an event or action interaction)
);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,  -- order of writing (every record is kept, a repeated id's too)
    dataset_arn TEXT NOT NULL,
    key TEXT NOT NULL,        -- the column identifying a record: USER_ID, ITEM_ID...
    record_id TEXT NOT NULL,
    body TEXT NOT NULL,       -- JSON object: one row (a user, item or action)
    source INTEGER NOT NULL DEFAULT 1  -- 1: PutUsers, PutItems, PutActions; 2: an import
);
CREATE INDEX records_by_id ON records (dataset_arn, record_id);
CREATE TABLE objects (        -- objects handed to the fake, and exports it wrote
    location TEXT PRIMARY KEY,  -- s3://bucket/key
    data BLOB NOT NULL
);
CREATE TABLE injected_failures (
    kind TEXT PRIMARY KEY,
    runs TEXT NOT NULL        -- JSON: [[reason, how many], ...] in the order they apply
);
INSERT INTO meta (key, value) VALUES ('format', '{FORMAT}'), ('secret', '{{secret}}');
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {VERSION};
COMMIT;
"""

BUSY_TIMEOUT = 0.5
"""Seconds to wait for a state file another process holds (one that is just stopping)."""


def attach(path: Path, store: Store) -> Journal:
    """Open the state file at ``path`` (created if missing), load it into ``store``, and
    attach a journal that writes every change from now on.

    Raises:
        StateFileError: when the file cannot be opened, is not a state file this
            version reads, or holds something that cannot be loaded.
    """
    _refuse_json(path)
    watch_changes()
    try:
        # The journal's own locks serialise every use, from whichever request thread.
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise StateFileError(f"cannot open state file {path}: {exc}") from None
    try:
        db.execute("PRAGMA locking_mode = EXCLUSIVE")  # taken at the first read, held to close
        if _check(db, path):
            _load(db, path, store)
        else:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA.format(secret=store.secret.hex()))
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise _corrupt(path, "it cannot be put in WAL mode")
        db.execute("PRAGMA synchronous = NORMAL")
        try:  # a file that can be read but not written fails now, not at the first change
            db.execute("UPDATE meta SET value = value WHERE key = 'format'")
        except sqlite3.Error as exc:
            raise StateFileError(f"cannot write state file {path}: {exc}") from None
    except sqlite3.Error as exc:
        db.close()
        raise _unreadable(path, exc) from None
    except BaseException:
        db.close()
        raise
    return Journal(path, db, store)


def _refuse_json(path: Path) -> None:
    """A JSON state file of an older personalize-fake is named as such, not as garbage."""
    try:
        with path.open("rb") as stream:
            start = stream.read(4096)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateFileError(f"cannot read state file {path}: {exc.strerror or exc}") from None
    if start.lstrip().startswith(b"{") and FORMAT.encode() in start:
        raise StateFileError(
            f"state file {path} is in the JSON format of personalize-fake before state files "
            f"were SQLite (format version 1); this version reads format version {VERSION} "
            "only. It was left as it is: move it away to start with no state"
        )


def _unreadable(path: Path, exc: sqlite3.Error) -> StateFileError:
    text = str(exc)
    if "locked" in text:
        return StateFileError(
            f"state file {path} is in use by another process (another personalize-fake serve?)"
        )
    if "unable to open" in text or "readonly" in text:
        return StateFileError(f"cannot open state file {path}: {text}")
    if "not a database" in text:
        text = "not a personalize-fake state file (not an SQLite database)"
    return _corrupt(path, text)


def _corrupt(path: Path, why: str) -> StateFileError:
    return StateFileError(
        f"state file {path} is corrupt or incompatible: {why}; "
        "it was left as it is (move it away to start with no state)"
    )


def _check(db: sqlite3.Connection, path: Path) -> bool:
    """True for a state file this version reads; False for a new (empty) database."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    if application_id != APPLICATION_ID:
        if application_id == 0 and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
            return False  # a new file (or an empty one): made a state file now
        raise _corrupt(path, "not a personalize-fake state file (another SQLite database)")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != VERSION:
        raise _corrupt(
            path, f"format version {version}; this personalize-fake reads version {VERSION}"
        )
    return True


def _build(cls: type[Resource], fields: Any) -> Resource:
    if not isinstance(fields, dict):
        raise ValueError("its fields are not a JSON object")
    known = {f.name: f for f in attrs.fields(cls) if f.init}
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ValueError(f"a {cls.__name__} has no field(s) {', '.join(unknown)}")
    try:
        return cls(**{str(known[name].alias): value for name, value in fields.items()})
    except (TypeError, ServiceError) as exc:  # ServiceError: what it derives is invalid
        raise ValueError(f"cannot rebuild a {cls.__name__}: {exc}") from None


def _object(text: str) -> dict[str, Any]:
    value = decode(text)
    if not isinstance(value, dict):
        raise ValueError(f"{type(value).__name__} where a JSON object belongs")
    return value


def _runs(text: str) -> list[tuple[str, int]]:
    runs = decode(text)
    if not isinstance(runs, list) or not all(
        isinstance(r, list)
        and len(r) == 2
        and isinstance(r[0], str)
        and isinstance(r[1], int)
        and r[1] > 0
        for r in runs
    ):
        raise ValueError("injected failures are not [[reason, count], ...]")
    return [(reason, times) for reason, times in runs]


def _load(db: sqlite3.Connection, path: Path, store: Store) -> None:
    """Fill ``store`` from the file's facts; every index is rebuilt by adding to it."""
    load_handlers()  # imports every resource module, so every kind is known
    where = "table meta"
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        store.secret = bytes.fromhex(meta["secret"])
        rows = db.execute(
            "SELECT seq, arn, account, region, kind, fields, tags FROM resources ORDER BY seq"
        )
        for seq, arn, account, region, kind, fields, tags in rows:
            where = f"row {seq} of table resources"
            cls = KINDS.get(kind)
            if cls is None:
                raise ValueError(f"unknown resource kind {kind!r}")
            resource = _build(cls, decode(fields))
            if resource.arn != arn:
                raise ValueError(f"the resource's ARN is {resource.arn}, not {arn}")
            state = store.region(region, account)
            state.add(resource)
            if tags is not None:
                state.tags[arn] = _object(tags)
        rows = db.execute(
            "SELECT seq, stream, dataset_arn, tracking_id, body FROM recorded ORDER BY seq"
        )
        for seq, stream, dataset_arn, tracking_id, body in rows:
            where = f"row {seq} of table recorded"
            if stream == "retired":
                store.clear_records(dataset_arn)
            elif stream in ("events", "action_interactions"):
                store.record(stream, dataset_arn, tracking_id, [_object(body)])
            elif stream == "bulk":
                store.dataset_rows(dataset_arn).append(_object(body), BULK)
            elif stream == "bulk-replaced":
                if dataset_arn in store.rows:
                    store.rows[dataset_arn].drop(BULK)
            elif stream == "deleted":
                dropped = _object(body)
                if dataset_arn in store.rows:
                    store.rows[dataset_arn].drop_where(dropped["column"], dropped["values"])
            else:
                raise ValueError(f"unknown stream {stream!r}")
        rows = db.execute("SELECT seq, dataset_arn, key, body, source FROM records ORDER BY seq")
        for seq, dataset_arn, key, body, source in rows:
            where = f"row {seq} of table records"
            if source not in (PUT, BULK):
                raise ValueError(f"unknown source {source!r}")
            store.dataset_rows(dataset_arn, key=key).append(_object(body), source)
        for location, data in db.execute("SELECT location, data FROM objects"):
            where = f"object {location}"
            store.objects[location] = bytes(data)
        for kind, runs in db.execute("SELECT kind, runs FROM injected_failures"):
            where = f"injected failures of {kind}"
            store.injected_failures[kind] = _runs(runs)
    except RecursionError:
        raise _corrupt(path, f"{where}: JSON nested too deeply to read") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _corrupt(path, f"{where}: {exc!r}") from None
