"""The wire's JSON: request bodies decoded, response bodies encoded, at C speed.

Every call decodes one body and encodes one. ``json.loads`` and ``json.dumps``
build a scanner or an encoder object per call and run two regular expressions
around it; here both are built once, which saves about a microsecond a call.
The results are the standard library's own (same C code, same output), with
two differences a hostile request can tell:

* ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON, and AWS's parser
  (Jackson) refuses them; so does :func:`decode`.
* How deep a document the C decoder can hold depends on how deep the caller's
  stack already is (it counts against the recursion limit), so the same body
  would decode in the HTTP server's shallow thread and fail under pytest and
  botocore. A body that exhausts the stack is decoded again from a fresh
  thread, the shallowest stack there is: whether it decodes depends on the
  body alone, wherever it came from.

:func:`encode` never fails on text: a string holding an unpaired surrogate
(which UTF-8 cannot carry) is written with ``?`` in its place, as Java's UTF-8
encoder writes it.
"""

from __future__ import annotations

import json
import json.encoder
import json.scanner
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# The C accelerators are undeclared in typeshed (and absent on some interpreters).
_c_make_scanner: Any = getattr(json.scanner, "c_make_scanner", None)
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_c_encode_basestring: Any = getattr(json.encoder, "c_encode_basestring", None)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number")


_decoder = json.JSONDecoder(parse_constant=_not_json)
_scan = _c_make_scanner(_decoder) if _c_make_scanner is not None else None
_WHITESPACE = " \t\n\r"

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_c_encode = (
    _c_make_encoder(
        None,  # no circularity check: handlers answer trees
        _encoder.default,  # a non-JSON value: the standard TypeError
        _c_encode_basestring,
        None,
        ":",
        ",",
        False,
        False,
        True,
    )
    if _c_make_encoder is not None and _c_encode_basestring is not None
    else None
)
"""``_encoder``'s one-shot C encoder, as ``JSONEncoder.encode`` builds it on every call."""

_UNPAIRED = re.compile("[\ud800-\udfff]")
"""A surrogate code point: in a decoded string every one is unpaired (JSON's pairs are joined)."""


def _decode_here(text: str) -> Any:
    if _scan is not None:
        try:
            value, end = _scan(text, 0)
        except StopIteration:  # leading whitespace or no value: the full decoder says which
            pass
        else:
            if end == len(text) or not text[end:].strip(_WHITESPACE):
                return value
    return _decoder.decode(text)


def decode(text: str) -> Any:
    """A JSON text's value; ``ValueError`` if it is not one, ``RecursionError`` if it nests
    deeper than a fresh thread's stack holds (996 levels under the default recursion limit)."""
    try:
        return _decode_here(text)
    except RecursionError:
        return _in_fresh_thread(_decode_here, text)


def _in_fresh_thread(function: Callable[[str], T], text: str) -> T:
    """``function(text)`` run from a new thread, its exception (if any) raised here.

    For recursive work on user-controlled depth: a new thread starts at the
    bottom of its stack, so the result does not depend on the caller's depth.
    """
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, function(text)))
        except BaseException as exc:  # carried back to the caller
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="personalize-fake decode", daemon=True)
    thread.start()
    thread.join()
    ok, result = outcome[0]
    if not ok:
        raise result
    return result  # type: ignore[no-any-return]


def encode(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """``value`` as compact UTF-8 JSON; ``default`` turns other values into JSON ones
    (plain JSON types only without it: the wire's fast path).

    An unpaired surrogate in a string is written as ``?``: see :func:`printable`.
    """
    if default is not None:
        text = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=default).encode(
            value
        )
    elif _c_encode is not None:
        text = "".join(_c_encode(value, 0))
    else:
        text = _encoder.encode(value)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def printable(text: str) -> str:
    """``text`` with each unpaired surrogate shown as ``?``, as Java's UTF-8 encoder shows it."""
    if text.isascii():  # O(1) in CPython: the common case costs nothing
        return text
    return _UNPAIRED.sub("?", text)


def has_unpaired(text: str) -> bool:
    """Whether ``text`` holds an unpaired surrogate (which no UTF-8 text can carry)."""
    return not text.isascii() and _UNPAIRED.search(text) is not None
