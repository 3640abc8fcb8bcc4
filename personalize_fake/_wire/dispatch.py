"""The one request path: a wire request in, a wire response out.

wire request -> operation (JSON 1.1 by ``X-Amz-Target``, REST-JSON by method
and path) -> decode -> validate against the input shape -> handler -> encode.
With ``Settings.check_responses`` the handler's answer is checked against the
output shape too (a violation is the fake's bug: 500 InternalFailure, logged);
the switch picks the bindings once per dispatcher, so unchecked calls pay nothing.
The botocore hook, an HTTP server and a ``requests`` interceptor are all thin
adapters over :meth:`Dispatcher.handle`, so every entry point behaves alike.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from botocore import xform_name

from personalize_fake._api.registry import Handler, load_handlers
from personalize_fake._domain.codec import decode, encode
from personalize_fake._errors import (
    NotImplementedOperation,
    SerializationError,
    ServiceError,
    StateFileError,
    UnknownOperation,
)
from personalize_fake._model.catalog import Catalog, Operation, catalog
from personalize_fake._model.validation import (
    UNMODELED,
    message,
    refuse_invalid,
    validator,
    violations,
)
from personalize_fake._state.store import Store

log = logging.getLogger("personalize_fake")

JSON_11 = "application/x-amz-json-1.1"
REST_JSON = "application/json"
DEFAULT_REGION = "us-east-1"

may_hold_surrogate: Callable[[bytes], object] = re.compile(rb"\\u[dD][89a-fA-F]").search
"""Whether a raw JSON body may decode to a surrogate (None: it cannot; a paired one hits too).

boto3's bodies are ASCII (``ensure_ascii``), so an unpaired surrogate arrives only as a
``\\uD800``-``\\uDFFF`` escape: one scan of the body spares the yes/no pass a scan of
every string, and a body it hits goes through the message pass, which checks them."""


def request_ids() -> Callable[[], str]:
    """A source of UUID4-shaped request IDs: a random prefix per source and a counter.

    Unique within a fake and unlikely to repeat across fakes, at a fraction of
    ``uuid.uuid4``'s cost, which every call would pay: the counter is formatted
    by ``map`` and ``str.format`` in C, with no Python frame per ID. (Its 12 hex
    digits run out after 2**48 IDs.)
    """
    text = secrets.token_hex(10)
    prefix = f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{'89ab'[int(text[16], 16) % 4]}{text[17:20]}-"
    return map(f"{prefix}{{:012x}}".format, itertools.count()).__next__


@attrs.define
class WireRequest:
    """A request as it travels: method, path, headers, body, and the region it was sent to.

    Treat it as immutable (it is a plain slotted class because it is built on every call).
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    region: str = DEFAULT_REGION


@attrs.define
class WireResponse:
    """A response as it travels back.

    ``document`` is the JSON value ``body`` encodes (``None`` for an empty
    body), kept so an in-process adapter need not decode what was just encoded.
    """

    status: int
    headers: dict[str, str]
    body: bytes
    document: dict[str, Any] | None = None
    operation: Operation | None = None


@attrs.frozen
class _Bound:
    """An operation joined to its handler, with everything per-call work can precompute."""

    operation: Operation
    handler: Handler | None
    keywords: dict[str, str]
    content_type: str
    validate: Callable[[dict[str, Any]], None] | None
    """The input shape's validation (None: the operation takes no input)."""


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value by case-insensitive name (an exact-case hit is the fast path)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, found in headers.items():
        if key.lower() == lowered:
            return found
    return None


@functools.cache
def bind(op: Operation) -> _Bound:
    """An operation joined to its handler, once per process (not per mock)."""
    members = op.input_shape.members if op.input_shape is not None else {}
    return _Bound(
        operation=op,
        handler=load_handlers().get(op.python_name),
        keywords={name: xform_name(name) for name in members},
        content_type=JSON_11 if op.protocol == "json" else REST_JSON,
        validate=validator(op.input_shape) if op.input_shape is not None else None,
    )


@functools.cache
def bind_checked(op: Operation) -> _Bound:
    """:func:`bind`, with the handler's answers checked against the output shape."""
    bound = bind(op)
    if bound.handler is None:
        return bound
    return attrs.evolve(bound, handler=checked(op, bound.handler))


MODEL_DEFECTS = {
    ("DescribeDatasetImportJob", "datasetImportJob.roleArn"),
    ("DescribeDatasetExportJob", "datasetExportJob.roleArn"),
}
"""Output members whose model is wrong, left out of the check: these ``roleArn`` members are of
the personalize ``Arn`` shape, whose pattern no IAM role ARN (what the request's
``RoleArn`` takes, and the service answers back) can satisfy."""


class InvalidAnswer(Exception):
    """A handler answered what the operation's output shape does not allow: a bug in the fake."""


def checked(op: Operation, handler: Handler) -> Handler:
    """``handler``, raising :class:`InvalidAnswer` for an answer its output shape refuses."""
    shape = op.output_shape

    from personalize_fake._model.coverage import newer_than_model  # only when checking

    # A botocore older than the fake: a member newer than its model is no bug, the service
    # answers old SDKs with it too (they drop it).
    newer = bool(newer_than_model())

    def answer(state: Any, **arguments: Any) -> dict[str, Any] | None:
        result = handler(state, **arguments)
        if shape is not None:
            problems = violations(shape, result or {}, closed=True)
            problems = [
                p
                for p in problems
                if (op.name, p[1]) not in MODEL_DEFECTS and not (newer and p[2] == UNMODELED)
            ]
        else:  # the wire carries no body: whatever the handler meant to say would be lost
            problems = [(result, "", "The operation answers nothing")] if result else []
        if problems:
            shape_name = shape.name if shape is not None else "(none)"
            raise InvalidAnswer(
                f"{op.name} answered what its output shape {shape_name} does not allow: "
                f"{message(problems)}"
            )
        return result

    return answer


def forget_bindings() -> None:
    """Drop the per-process bindings (for tests that swap a handler in)."""
    bind.cache_clear()
    bind_checked.cache_clear()


class Dispatcher:
    """Answers wire requests from one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        # The handler modules load when the first mock starts, not inside its first call:
        # measured, a process that imported them in the middle of a botocore call answers
        # every later call ~2 µs slower (create_schema + describe_schema 1.53x the Stubber,
        # against 1.46x). Once imported, this costs a few µs a mock.
        load_handlers()
        self.store = store
        self._catalog: Catalog = catalog()
        self._request_id = request_ids()
        self._bind = bind_checked if store.settings.check_responses else bind

    def route(self, request: WireRequest) -> Operation:
        """The operation a request is for, or UnknownOperation.

        REST-JSON paths are tried first (JSON 1.1 always posts to ``/``), which
        spares events and runtime calls a case-insensitive header search.
        """
        path = request.path
        if "?" in path:
            path = path.partition("?")[0]
        if path != "/":
            op = self._catalog.by_route.get((request.method.upper(), path))
            if op is not None:
                return op
        target = header(request.headers, "X-Amz-Target")
        if target is not None:
            op = self._catalog.by_target.get(target)
            if op is None:
                raise UnknownOperation(f"Unknown operation {target}.")
            method = request.method
            if method != op.method and method.upper() != op.method:  # as the model states
                raise UnknownOperation(f"Operation {target} takes {op.method}, not {method}.")
            return op
        raise UnknownOperation(f"No Personalize operation at {request.method} {path}.")

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one request; every failure becomes an AWS-shaped error response."""
        request_id = self._request_id()
        op: Operation | None = None
        try:
            op = self.route(request)
            bound = self._bind(op)  # built on the operation's first call, not at start-up
            document = self._decode(request.body)
            if bound.validate is not None:
                if may_hold_surrogate(request.body) is None:
                    bound.validate(document)
                else:  # almost never: the pass that also checks every string for surrogates
                    assert op.input_shape is not None
                    refuse_invalid(op.input_shape, document)
            if bound.handler is None:
                raise NotImplementedOperation(op.service, op.name)
            keywords = bound.keywords
            arguments = {}
            for key, value in document.items():  # a loop: a comprehension costs a function call
                keyword = keywords.get(key)
                if keyword is not None:
                    arguments[keyword] = value
            with self.store.lock:
                state = self.store.region(request.region)
                result = bound.handler(state, **arguments)
            return self._success(bound, result, request_id)
        except ServiceError as error:
            return self._error(op, request, error, request_id)
        except InvalidAnswer as exc:  # a bug in the fake, found by Settings.check_responses
            log.error("personalize-fake: %s", exc)
            internal = ServiceError(f"personalize-fake internal error: {exc}", "InternalFailure")
            return self._error(op, request, internal, request_id, status=500)
        except StateFileError as exc:  # the server's state file failed: not a bug, no traceback
            log.error("personalize-fake refused %s: %s", op.name if op else request.path, exc)
            internal = ServiceError(f"personalize-fake internal error: {exc!r}", "InternalFailure")
            return self._error(op, request, internal, request_id, status=500)
        except Exception as exc:  # a bug in the fake: answer like AWS, log the traceback
            log.exception("personalize-fake failed on %s", op.name if op else request.path)
            internal = ServiceError(f"personalize-fake internal error: {exc!r}", "InternalFailure")
            return self._error(op, request, internal, request_id, status=500)

    @staticmethod
    def _decode(body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        try:
            document = decode(body.decode())
        except ValueError as exc:  # UnicodeDecodeError included
            raise SerializationError(f"Request body is not valid JSON: {exc}.") from None
        except RecursionError:
            raise SerializationError(
                "Request body nests arrays and objects too deeply to decode."
            ) from None
        if not isinstance(document, dict):
            raise SerializationError("Request body must be a JSON object.")
        return document

    def _success(
        self, bound: _Bound, result: dict[str, Any] | None, request_id: str
    ) -> WireResponse:
        if bound.operation.output_shape is None:
            body, result = b"", None
        else:
            result = result or {}
            body = encode(result)
        headers = {
            "x-amzn-requestid": request_id,
            "content-type": bound.content_type,
            "content-length": str(len(body)),
        }
        return WireResponse(200, headers, body, result, bound.operation)

    def _error(
        self,
        op: Operation | None,
        request: WireRequest,
        error: ServiceError,
        request_id: str,
        status: int | None = None,
    ) -> WireResponse:
        json_11 = (
            op.protocol == "json" if op else header(request.headers, "X-Amz-Target") is not None
        )
        if op is None and isinstance(error, UnknownOperation) and not json_11:
            status = status or 404
        if status is None:
            service = op.service if op else "personalize"
            status = self._catalog.status_for(service, error.code)
        return error_response(json_11, status, error.code, error.message, request_id, op)


def error_response(
    json_11: bool,
    status: int,
    code: str,
    message: str,
    request_id: str,
    operation: Operation | None = None,
) -> WireResponse:
    """An error as the protocol carries it: ``__type`` for JSON 1.1, a header for REST-JSON."""
    headers = {"x-amzn-requestid": request_id}
    document: dict[str, Any]
    if json_11:
        document = {"__type": code, "message": message}
        headers["content-type"] = JSON_11
    else:
        document = {"message": message}
        headers["content-type"] = REST_JSON
        headers["x-amzn-errortype"] = code
    body = encode(document)
    headers["content-length"] = str(len(body))
    return WireResponse(status, headers, body, document, operation)
