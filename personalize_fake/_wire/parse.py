"""What botocore's response parser would make of a wire response, only faster.

botocore's parser costs about 50 µs a call, more than the whole budget the fake
has. A success response's body is JSON the dispatcher just encoded from
``document``, so the parsed result is ``document`` walked once against the
output shape, as botocore walks it: modeled members only, in member order,
nulls dropped, timestamps through botocore's own timestamp parser, blobs
base64-decoded, and for REST-JSON the scalar coercions botocore's
RestJSONParser applies (``int``, ``float``, ``ensure_boolean``: a ``score`` of
``1`` arrives as ``1.0``). Each structure gets a generated function, built once.
Errors, which are rare, go through botocore's real parser.
``tests/wire/test_parse.py`` proves both agree, key order included, on every output
shape of the three services.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import time
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.model import ListShape, MapShape, Shape, ShapeResolver, StructureShape
from botocore.parsers import ResponseParser, create_parser
from botocore.utils import ensure_boolean, parse_timestamp
from dateutil.tz import tzlocal

from personalize_fake._model.catalog import Operation
from personalize_fake._wire.dispatch import WireResponse

Convert = Callable[[Any], Any]

_COERCIONS: dict[str, tuple[Convert, Any]] = {
    "integer": (int, "7"),
    "long": (int, "7"),
    "float": (float, 1),
    "double": (float, 1),
    "boolean": (ensure_boolean, "true"),
}
"""Each scalar type's candidate coercion, and a wire value it would change."""


def _rest_scalars() -> dict[str, Convert]:
    """What the installed botocore's REST-JSON parser does to scalars, found by asking it.

    A synthetic response holding one member of each type, each a value the coercion
    would change, goes through botocore's own parser; a type is coerced if its value
    comes back as the coercion makes it (botocore 1.34 coerces only integers, newer
    releases floats and booleans too; its JSON 1.1 parser keeps them as they are). Asked,
    not read from the parser's class, so the fast path follows botocore wherever its
    handlers live.
    """
    resolver = ShapeResolver(
        {
            "Probe": {"type": "structure", "members": {t: {"shape": t} for t in _COERCIONS}},
            **{type_name: {"type": type_name} for type_name in _COERCIONS},
        }
    )
    body = json.dumps({type_name: sent for type_name, (_, sent) in _COERCIONS.items()})
    response = {"status_code": 200, "headers": {}, "body": body.encode()}
    parsed = create_parser("rest-json").parse(response, resolver.get_shape_by_name("Probe"))
    found: dict[str, Convert] = {}
    for type_name, (convert, sent) in _COERCIONS.items():
        expected = convert(sent)
        got = parsed.get(type_name)
        if type(got) is type(expected) and got == expected:
            found[type_name] = convert
    return found


_REST_SCALARS = _rest_scalars()
"""The scalar coercions of the installed botocore's REST-JSON parser (see ``_rest_scalars``)."""


def _identity(value: Any) -> Any:
    return value


_LOCAL = tzlocal()
_FIXED = (
    datetime.timezone(datetime.timedelta(seconds=-time.timezone))
    if not time.daylight or time.altzone == time.timezone
    else None
)
"""The local zone as dateutil's tzlocal sees it, when that is one constant offset (no DST)."""


@functools.lru_cache(maxsize=8192)
def _epoch(value: float) -> datetime.datetime:
    """botocore's ``parse_timestamp(value)`` for an epoch number, cached."""
    if _FIXED is not None:
        # tzlocal without DST has one offset: the same wall time, offset and
        # fold as dateutil's pure-Python fromutc gives, at C speed.
        return datetime.datetime.fromtimestamp(value, _FIXED).replace(tzinfo=_LOCAL)
    parsed: datetime.datetime = parse_timestamp(value)
    return parsed


def _timestamp(value: Any) -> Any:
    if value.__class__ is float or value.__class__ is int:  # what the dispatcher writes
        try:
            return _epoch(value)
        except (OverflowError, OSError, ValueError):
            pass
    return parse_timestamp(value)


@functools.cache
def converter(shape: Shape, protocol: str = "json") -> Convert:
    """The conversion of one output shape, built once per shape, protocol and process."""
    return _build(shape, protocol, set())


def _build(shape: Shape, protocol: str, visiting: set[str]) -> Convert:
    if shape.type_name == "timestamp":
        return _timestamp
    if shape.type_name == "blob":
        return base64.b64decode
    if isinstance(shape, StructureShape):
        return _structure(shape, protocol, visiting)
    if isinstance(shape, ListShape):
        item = _build(shape.member, protocol, visiting)
        if item is _identity:
            return list
        return lambda value: [None if v is None else item(v) for v in value]
    if isinstance(shape, MapShape):
        key, val = _build(shape.key, protocol, visiting), _build(shape.value, protocol, visiting)
        if key is _identity and val is _identity:
            return dict
        return lambda value: {key(k): None if v is None else val(v) for k, v in value.items()}
    if protocol == "rest-json":
        return _REST_SCALARS.get(shape.type_name, _identity)
    return _identity


def _structure(shape: StructureShape, protocol: str, visiting: set[str]) -> Convert:
    """A function generated for the structure: one ``get`` per member, in member order.

    That is botocore's own walk (so the result's keys come in the same order),
    with each member's conversion bound as a constant and plain members copied.
    """
    if shape.is_document_type:
        return _identity
    if shape.name in visiting:  # recursive shape: resolve lazily at call time
        return lambda value: converter(shape, protocol)(value)
    visiting = visiting | {shape.name}
    lines = ["def convert_structure(v):", "    out = {}", "    get = v.get"]
    constants: dict[str, Convert] = {}
    for name, member in shape.members.items():
        wire = member.serialization.get("name", name)
        convert = _build(member, protocol, visiting)
        if convert is _identity:
            value = "x"
        else:
            constant = f"_c{len(constants)}"
            constants[constant] = convert
            value = f"{constant}(x)"
        lines += [
            f"    x = get({wire!r})",
            "    if x is not None:",
            f"        out[{name!r}] = {value}",
        ]
    lines.append("    return out")
    namespace: dict[str, Any] = dict(constants)
    code = compile("\n".join(lines), f"<personalize-fake convert {shape.name}>", "exec")
    exec(code, namespace)
    function: Convert = namespace["convert_structure"]
    return function


@functools.cache
def _botocore_parser(protocol: str) -> ResponseParser:
    return create_parser(protocol)


@functools.cache
def _success_converter(op: Operation) -> Convert | None:
    """The conversion of ``op``'s successful output, looked up once per operation."""
    return converter(op.output_shape, op.protocol) if op.output_shape is not None else None


def parse(op: Operation, response: WireResponse, http: AWSResponse) -> dict[str, Any]:
    """The parsed result botocore would return for ``response`` (plus RetryAttempts)."""
    if response.status < 300 and (response.document is not None or not response.body):
        convert = _success_converter(op)
        members: dict[str, Any] = convert(response.document or {}) if convert is not None else {}
        headers = response.headers
        metadata = {
            "RequestId": headers["x-amzn-requestid"],
            "HTTPStatusCode": response.status,
            "HTTPHeaders": dict(headers),  # the dispatcher's names are lower-case
            "RetryAttempts": 0,
        }
        if op.protocol == "json":  # botocore's JSON 1.1 parser adds the metadata last...
            members["ResponseMetadata"] = metadata
            return members
        return {"ResponseMetadata": metadata, **members}  # ...its REST-JSON parser first
    parsed: dict[str, Any] = _botocore_parser(op.protocol).parse(
        {
            "status_code": response.status,
            "headers": http.headers,
            "body": response.body,
            "context": {"operation_name": op.name},
        },
        op.output_shape,
    )
    parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return parsed
