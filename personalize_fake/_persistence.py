"""A store on disk: the server's ``--state-file``, so state survives a restart.

The whole :class:`~personalize_fake._store.Store` is written as one JSON
document, generically: every attrs field of the store, of each region and of
each resource is written by name, and read back through the class's own
``__init__``. Resource classes are found by their ``KIND`` (every subclass of
``Resource`` the handlers define), so a new resource family needs no code here.
Values JSON cannot hold are tagged one-key objects: ``{"!datetime": iso}``,
``{"!bytes": base64}``, ``{"!tuple": [...]}``, ``{"!items": [[key, value], ...]}``
(a dict whose keys are not all plain strings) and
``{"!kind": "dataset", "fields": {...}}`` (an attrs instance). A field that
holds ``None`` and defaults to ``None`` is left out, so adding such a field
never keeps an older version from reading a newer file.

Writes are atomic (a temporary file beside the target, then ``os.replace``)
and batched: :class:`Saver` writes at most one ``delay`` after a change, and
once more when it is closed. A file that cannot be read is an error that
names the file and what is wrong; it is never replaced silently.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import attrs

from personalize_fake._registry import load_handlers
from personalize_fake._store import KINDS, RegionState, Resource, Store

log = logging.getLogger("personalize_fake.server")

FORMAT = "personalize-fake state"
VERSION = 1
"""Bumped whenever a file written by this version cannot be read by an older one."""

TRANSIENT = frozenset({"settings", "lock", "journal"})
"""Store fields that are not state: the options come from the command line."""

_REGION = "region-state"


class StateFileError(Exception):
    """A state file that cannot be loaded (or written): says which file and why."""


def _classes() -> dict[str, type[Any]]:
    """Every class a state file may name: resources by their ``KIND``, and regions."""
    load_handlers()  # imports every resource module, so every kind is known
    return {_REGION: RegionState, **KINDS}


# -- encoding ------------------------------------------------------------------


def _encode(value: Any, store: Store) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v, store) for v in value]
    if isinstance(value, tuple):
        return {"!tuple": [_encode(v, store) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("!") for k in value):
            return {k: _encode(v, store) for k, v in value.items()}
        return {"!items": [[_encode(k, store), _encode(v, store)] for k, v in value.items()]}
    if isinstance(value, datetime.datetime):
        return {"!datetime": value.isoformat()}
    if isinstance(value, bytes):
        return {"!bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, RegionState):
        kind = _REGION
    elif isinstance(value, Resource):
        kind = type(value).KIND
    else:
        raise TypeError(f"personalize-fake cannot persist a {type(value).__name__}: {value!r}")
    fields = {}
    for f in attrs.fields(type(value)):
        if not f.init:  # not state (a resource's back-reference to its region)
            continue
        member = getattr(value, f.name)
        if member is store:  # the back-reference of a region
            continue
        if member is None and f.default is None:  # the default: an older reader may lack it
            continue
        fields[f.name] = _encode(member, store)
    return {"!kind": kind, "fields": fields}


def snapshot(store: Store) -> dict[str, Any]:
    """The store as a JSON-ready document (call it holding ``store.lock``)."""
    state = {
        f.name: _encode(getattr(store, f.name), store)
        for f in attrs.fields(Store)
        if f.name not in TRANSIENT
    }
    return {"format": FORMAT, "version": VERSION, "store": state}


# -- decoding ------------------------------------------------------------------


def _build(cls: type[Any], fields: dict[str, Any], store: Store) -> Any:
    known = {f.name: f for f in attrs.fields(cls)}
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    arguments = {known[name].alias: value for name, value in fields.items()}
    if cls is RegionState:
        arguments["store"] = store
    try:
        return cls(**arguments)
    except TypeError as exc:
        raise ValueError(f"cannot rebuild a {cls.__name__}: {exc}") from None


def _decode(value: Any, store: Store, classes: dict[str, type[Any]]) -> Any:
    if isinstance(value, list):
        return [_decode(v, store, classes) for v in value]
    if not isinstance(value, dict):
        return value
    tags = [k for k in value if k.startswith("!")]
    if not tags:
        return {k: _decode(v, store, classes) for k, v in value.items()}
    tag = tags[0]
    payload = value[tag]
    if tag == "!tuple":
        return tuple(_decode(v, store, classes) for v in payload)
    if tag == "!items":
        return {_decode(k, store, classes): _decode(v, store, classes) for k, v in payload}
    if tag == "!datetime":
        return datetime.datetime.fromisoformat(payload)
    if tag == "!bytes":
        return base64.b64decode(payload, validate=True)
    if tag == "!kind":
        cls = classes.get(payload)
        if cls is None:
            raise ValueError(f"unknown resource kind {payload!r}")
        fields = {k: _decode(v, store, classes) for k, v in value["fields"].items()}
        return _build(cls, fields, store)
    raise ValueError(f"unknown tag {tag!r}")


def restore(store: Store, document: dict[str, Any]) -> None:
    """Replace the store's state by what ``document`` (from :func:`snapshot`) holds.

    Raises:
        ValueError: when the document is not a state this version can read.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'not a personalize-fake state file (no "format": "{FORMAT}")')
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"format version {version!r}; this personalize-fake reads {VERSION}")
    state = document.get("store")
    if not isinstance(state, dict):
        raise ValueError('"store" must be an object')
    names = {f.name for f in attrs.fields(Store)} - TRANSIENT
    unknown = sorted(set(state) - names)
    if unknown:
        raise ValueError(f"unknown store field(s) {', '.join(unknown)}")
    try:
        decoded = {name: _decode(value, store, _classes()) for name, value in state.items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed value: {exc!r}") from None
    fresh = Store(store.settings)
    for name, value in decoded.items():
        expected = type(getattr(fresh, name))
        if not isinstance(value, expected):
            raise ValueError(
                f"store field {name} is a {type(value).__name__}, not a {expected.__name__}"
            )
    with store.lock:
        reset(store)
        for name, value in decoded.items():
            setattr(store, name, value)


def reset(store: Store) -> None:
    """Empty the store: every field but the options and the lock as a fresh store has it."""
    store.clear()


# -- files -----------------------------------------------------------------------


def load(path: Path, store: Store) -> bool:
    """Load ``path`` into ``store``; ``False`` when there is no such file (state stays empty).

    Raises:
        StateFileError: when the file exists but cannot be read as a state file.
    """
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StateFileError(f"cannot read state file {path}: {exc.strerror or exc}") from None
    if not text.strip():
        raise StateFileError(f"state file {path} is empty; remove it to start with no state")
    try:
        restore(store, json.loads(text))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise StateFileError(
            f"state file {path} is corrupt or incompatible: {exc}; "
            "it was left as it is (move it away to start with no state)"
        ) from None
    return True


def write(path: Path, store: Store) -> None:
    """Write the store to ``path`` atomically: a temporary file, then ``os.replace``.

    Raises:
        StateFileError: when the file cannot be written.
    """
    with store.lock:
        document = snapshot(store)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StateFileError(f"cannot write state file {path}: {exc.strerror or exc}") from None


class Saver:
    """Writes a store to its file in the background, at most ``delay`` seconds after a change.

    Args:
        store: the store to save.
        path: the state file.
        delay: how long changes are gathered before one write.
    """

    def __init__(self, store: Store, path: Path, delay: float = 0.05) -> None:
        self.store = store
        self.path = path
        self.delay = delay
        self._condition = threading.Condition()
        self._dirty = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="personalize-fake-saver")
        self._thread.daemon = True
        self._thread.start()

    def changed(self) -> None:
        """Note a change: the file is written within ``delay``."""
        with self._condition:
            self._dirty = True
            self._condition.notify()

    def close(self) -> None:
        """Write any pending change now and stop the background thread."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._dirty or self._closed)
                if not self._dirty:
                    return
                if not self._closed:  # gather what follows; close() cuts the wait short
                    self._condition.wait_for(lambda: self._closed, timeout=self.delay)
                self._dirty = False
            try:
                write(self.path, self.store)
            except StateFileError as exc:
                log.error("%s", exc)
