"""The botocore adapter: a ``before-call`` handler that answers Personalize calls.

``before-call`` fires after botocore has validated and serialized a request
and before it signs or sends it; a handler that returns ``(http, parsed)``
replaces the whole round trip, which is what botocore's ``Stubber`` does too.
The handler is added to botocore's built-in handlers at import, so every
session made afterwards carries it (and so clients made before ``start()``);
while no mock is active it returns ``None`` and the call goes on untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSResponse, HeadersDict

from personalize_fake._dispatch import DEFAULT_REGION, Dispatcher, WireRequest
from personalize_fake._model import SERVICE_NAMES, catalog
from personalize_fake._parse import parse

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
    """The ``http`` botocore's after-call handlers see; headers are built only when read.

    Building botocore's case-insensitive ``HeadersDict`` costs a few µs that
    almost no caller spends: the fast parse path does not need it.
    """

    def __init__(self, url: str | None, status_code: int, headers: dict[str, str], body: bytes):
        self.url = url
        self.status_code = status_code
        self.raw = _Body(body)
        self._content = body
        self._plain_headers = headers
        self._headers: HeadersDict | None = None

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
    if not _active:
        return None
    dispatcher = _active[-1]
    body = params["body"]
    if isinstance(body, str):
        body = body.encode()
    request = WireRequest(
        params["method"],
        params["url_path"],
        params["headers"],
        body or b"",
        context.get("client_region") or DEFAULT_REGION,
    )
    response = dispatcher.handle(request)
    http = FakeHTTPResponse(params.get("url"), response.status, response.headers, response.body)
    op = response.operation or catalog().operation(model.service_model.service_name, model.name)
    return http, parse(op, response, http)


def push(dispatcher: Dispatcher) -> None:
    _active.append(dispatcher)


def pop(dispatcher: Dispatcher) -> None:
    # Remove this one even when mocks stop out of order.
    for index in range(len(_active) - 1, -1, -1):
        if _active[index] is dispatcher:
            del _active[index]
            return


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
