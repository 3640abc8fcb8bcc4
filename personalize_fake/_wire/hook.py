"""The botocore adapter: a ``before-call`` handler that answers Personalize calls.

``before-call`` fires after botocore has validated and serialized a request
and before it signs or sends it; a handler that returns ``(http, parsed)``
replaces the whole round trip, which is what botocore's ``Stubber`` does too.
The handler is added to botocore's built-in handlers at import, so every
session made afterwards carries it (and so clients made before ``start()``);
while no mock is active it returns ``None`` and the call goes on untouched.

Clients of sessions made *before* the import lack the handler; while any mock
is active ``Endpoint.make_request`` is wrapped so their Personalize calls are
answered the same way instead of reaching the network (and unwrapped after).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.endpoint import Endpoint

from personalize_fake._model.catalog import SERVICE_NAMES, catalog
from personalize_fake._wire.dispatch import DEFAULT_REGION, Dispatcher, WireRequest
from personalize_fake._wire.parse import parse

EVENTS = tuple(f"before-call.{service}" for service in SERVICE_NAMES)
UNIQUE_ID = "personalize-fake"

_active: list[Dispatcher] = []
"""Dispatchers of the started mocks, innermost last (owned by activation)."""


class _Body:
    """The ``raw`` of an AWSResponse: lets ``http.content`` read the body."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body


class FakeHTTPResponse(AWSResponse):  # type: ignore[misc]
    """The ``http`` botocore's after-call handlers see; headers and ``raw`` made only when read.

    Building botocore's case-insensitive ``HeadersDict`` costs a few µs that
    almost no caller spends: the fast parse path does not need it.
    """

    def __init__(self, url: str | None, status_code: int, headers: dict[str, str], body: bytes):
        self.url = url
        self.status_code = status_code
        self._content = body
        self._plain_headers = headers
        self._headers: HeadersDict | None = None
        self._raw: Any = None

    @property
    def raw(self) -> Any:
        if self._raw is None:
            self._raw = _Body(self._content)
        return self._raw

    @raw.setter
    def raw(self, value: Any) -> None:
        self._raw = value

    @property
    def headers(self) -> HeadersDict:
        if self._headers is None:
            self._headers = HeadersDict(self._plain_headers)
        return self._headers

    @headers.setter
    def headers(self, value: Any) -> None:
        self._headers = HeadersDict(value)


def before_call(
    model: Any, params: dict[str, Any], context: dict[str, Any], **kwargs: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """Answer a serialized Personalize request from the innermost active mock."""
    try:
        dispatcher = _active[-1]
    except IndexError:  # no mock active: let botocore carry on
        return None
    return answer(dispatcher, model, params, context.get("client_region"))


def answer(
    dispatcher: Dispatcher, model: Any, params: dict[str, Any], region: str | None
) -> tuple[AWSResponse, dict[str, Any]]:
    """Hand botocore's serialized request to the dispatcher; return ``(http, parsed)``."""
    body = params["body"]
    if isinstance(body, str):
        body = body.encode()
    request = WireRequest(
        params["method"],
        params["url_path"],
        params["headers"],
        body or b"",
        region or DEFAULT_REGION,
    )
    response = dispatcher.handle(request)
    http = FakeHTTPResponse(params.get("url"), response.status, response.headers, response.body)
    op = response.operation or catalog().operation(model.service_model.service_name, model.name)
    return http, parse(op, response, http)


def _guarded_make_request(
    endpoint: Endpoint, operation_model: Any, request_dict: dict[str, Any]
) -> Any:
    """``Endpoint.make_request`` while a mock is active: the net under the hook.

    A client made from a session that existed before ``personalize_fake`` was
    imported never got the ``before-call`` handler; its Personalize calls
    arrive here instead of the network, and are answered all the same.
    """
    if operation_model.service_model.service_name in SERVICE_NAMES:
        try:
            dispatcher = _active[-1]
        except IndexError:
            pass
        else:
            region = request_dict.get("context", {}).get("client_region")
            return answer(dispatcher, operation_model, request_dict, region)
    return _ORIGINAL_MAKE_REQUEST(endpoint, operation_model, request_dict)


_ORIGINAL_MAKE_REQUEST = Endpoint.make_request
_lock = threading.Lock()


def push(dispatcher: Dispatcher) -> None:
    """Make ``dispatcher`` the innermost active one; the first also spreads the net."""
    with _lock:
        if not _active:
            Endpoint.make_request = _guarded_make_request
        _active.append(dispatcher)


def pop(dispatcher: Dispatcher) -> None:
    """Remove ``dispatcher`` (even out of order); the last one out takes the net away."""
    with _lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is dispatcher:
                del _active[index]
                break
        if not _active and Endpoint.make_request is _guarded_make_request:
            Endpoint.make_request = _ORIGINAL_MAKE_REQUEST


def _install() -> None:
    """Register the handler for sessions to come and for boto3's existing default session."""
    handler: Callable[..., Any] = before_call
    for event in EVENTS:
        if (event, handler) not in botocore.handlers.BUILTIN_HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.append((event, handler))
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 else None
    if session is not None:
        for event in EVENTS:
            session._session.register(event, handler, unique_id=f"{UNIQUE_ID}-{event}")


_install()
