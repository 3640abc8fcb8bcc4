"""The wire's JSON: request bodies decoded, response bodies encoded, at C speed.

Every call decodes one body and encodes one. ``json.loads`` and ``json.dumps``
build a scanner or an encoder object per call and run two regular expressions
around it; here both are built once, which saves about a microsecond a call.
The results are the standard library's own (same C code, same output).
"""

from __future__ import annotations

import json
import json.encoder
import json.scanner
from typing import Any

# The C accelerators are undeclared in typeshed (and absent on some interpreters).
_c_make_scanner: Any = getattr(json.scanner, "c_make_scanner", None)
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_c_encode_basestring: Any = getattr(json.encoder, "c_encode_basestring", None)

_decoder = json.JSONDecoder()
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


def decode(text: str) -> Any:
    """A JSON text's value; ``ValueError`` (``JSONDecodeError``) if it is not one."""
    if _scan is not None:
        try:
            value, end = _scan(text, 0)
        except StopIteration:  # leading whitespace or no value: the full decoder says which
            pass
        else:
            if end == len(text) or not text[end:].strip(_WHITESPACE):
                return value
    return _decoder.decode(text)


def encode(value: Any) -> bytes:
    """``value`` (plain JSON types only) as compact UTF-8 JSON."""
    if _c_encode is not None:
        return "".join(_c_encode(value, 0)).encode()
    return _encoder.encode(value).encode()
