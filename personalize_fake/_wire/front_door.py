"""What an HTTP endpoint checks before the dispatcher, as AWS's front end does.

A request with no ``Authorization`` is refused, the region is read from the
SigV4 credential scope (signatures are not checked), a JSON 1.1 call must say
it is JSON, and a body over :data:`MAX_BODY` is refused. Shared by the HTTP
server and the ``requests`` interception, so both answer alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from personalize_fake._wire.dispatch import (
    DEFAULT_REGION,
    JSON_11,
    REST_JSON,
    Dispatcher,
    WireRequest,
    WireResponse,
    error_response,
    header,
    request_ids,
)

MAX_BODY = 10 * 1024 * 1024
"""The largest request body answered (10 MiB); a larger one is 413."""

_CREDENTIAL = re.compile(r"Credential=[^/,\s]*/\d{8}/([a-z0-9-]+)/")
_QUERY_CREDENTIAL = re.compile(r"^[^/]*/\d{8}/([a-z0-9-]+)/")
_JSON_TYPES = frozenset({JSON_11, "application/x-amz-json-1.0", REST_JSON})


def region_of(headers: Mapping[str, str], path: str) -> str:
    """The region of a SigV4 credential scope (header or presigned query), else us-east-1."""
    authorization = header(headers, "Authorization")
    if authorization is not None:
        match = _CREDENTIAL.search(authorization)
        if match:
            return match.group(1)
    query = path.partition("?")[2].partition("#")[0]  # urlsplit raises on a path like "//["
    if "X-Amz-Credential=" in query:
        for key, value in parse_qsl(query):
            if key == "X-Amz-Credential":
                match = _QUERY_CREDENTIAL.match(value)
                if match:
                    return match.group(1)
    return DEFAULT_REGION


class FrontDoor:
    """What an HTTP endpoint checks before the dispatcher; shared by the server and ``requests``.

    Args:
        dispatcher: the dispatcher that answers what passes (or give one per call).
    """

    def __init__(self, dispatcher: Dispatcher | None = None) -> None:
        self.dispatcher = dispatcher
        self._request_id = request_ids()

    def answer(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        region: str | None = None,
        *,
        dispatcher: Dispatcher | None = None,
    ) -> WireResponse:
        """Answer one HTTP request to a Personalize endpoint.

        Args:
            region: the region the endpoint is in; by default the credential scope's.
            dispatcher: the dispatcher to answer with, instead of the front door's own.
        """
        dispatcher = dispatcher or self.dispatcher
        if dispatcher is None:
            raise TypeError("FrontDoor.answer needs a dispatcher")
        json_11 = header(headers, "X-Amz-Target") is not None
        if header(headers, "Authorization") is None and "X-Amz-Credential=" not in path:
            return self.error(
                json_11, 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if json_11:
            content_type = header(headers, "Content-Type")
            media = (content_type or JSON_11).split(";", 1)[0].strip().lower()
            if media not in _JSON_TYPES:
                return self.error(
                    True,
                    400,
                    "UnknownOperationException",
                    f"Content-Type {content_type!r} is not {JSON_11}.",
                )
        if len(body) > MAX_BODY:
            return self.too_large(json_11, len(body))
        request = WireRequest(method, path, headers, body, region or region_of(headers, path))
        return dispatcher.handle(request)

    def too_large(self, json_11: bool, length: int) -> WireResponse:
        """413 for a body of ``length`` bytes."""
        return self.error(
            json_11,
            413,
            "RequestEntityTooLargeException",
            f"Request body of {length} bytes is larger than the {MAX_BODY} bytes allowed.",
        )

    def error(self, json_11: bool, status: int, code: str, message: str) -> WireResponse:
        """An error in the shape of the protocol: ``__type`` for JSON 1.1, a header for REST."""
        return error_response(json_11, status, code, message, self._request_id())
