"""The HTTP layer of the server: reading requests, guarding, answering, one log line each.

:class:`HTTPServer` is Python's threaded HTTP server with a connection set (so
a stop can hang up on idle keep-alive connections) and the
:class:`~personalize_fake._wire.guard.Guard`; its handler reads a request (bounded:
:data:`~personalize_fake._wire.front_door.MAX_BODY`), lets the guard refuse it, and
hands it to the admin surface or the front door of its owner, a
:class:`~personalize_fake.server.PersonalizeServer`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from personalize_fake._wire.admin import ADMIN_PREFIX
from personalize_fake._wire.dispatch import WireResponse
from personalize_fake._wire.front_door import MAX_BODY
from personalize_fake._wire.guard import Guard, Refusal, exposure_warning

if TYPE_CHECKING:
    from personalize_fake.server import PersonalizeServer

log = logging.getLogger("personalize_fake.server")

_DRAIN_LIMIT = 64 * 1024 * 1024
"""A refused body up to this size is read and dropped, so the client sees the 413."""
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
"""A chunk size: hex digits only (16 at most, so int() stays cheap; any that big is a 413)."""
_MAX_TRAILERS = 100
_LENGTH = re.compile(r"[0-9]{1,19}")
"""A Content-Length: ASCII digits only (``str.isdigit`` also takes ``²``, which int() refuses),
19 at most (any that big is a 413)."""
MALFORMED = -1
"""What :meth:`Handler._declared_length` gives for a Content-Length that is not a number."""

_ERROR_CODES = {
    400: "BadRequest",
    500: "InternalFailure",
    408: "RequestTimeout",
    413: "RequestEntityTooLargeException",
    414: "RequestURITooLong",
    431: "RequestHeaderFieldsTooLarge",
    501: "NotImplemented",
    505: "HTTPVersionNotSupported",
}


class Handler(BaseHTTPRequestHandler):
    """Reads method, path, headers and body; writes the wire response; logs one line."""

    server: HTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs: 40 ms a call
    timeout = 60  # seconds a connection may sit idle, or a body take to arrive

    def do_POST(self) -> None:
        started = time.perf_counter()
        try:
            body = self._body()
            if body is None:
                return
            owner = self.server.owner
            admin = urlsplit(self.path).path.startswith(ADMIN_PREFIX)
            refusal = self.server.guard.check(self.headers, admin, body)
            if refusal is not None:
                response = self._refuse(refusal, admin)
                label = f"refused:{refusal.code}"
            elif admin:
                response = owner.admin.answer(self.command, self.path, body)
                label = "admin"
            else:
                headers = dict(self.headers.items())
                response = owner.front.answer(self.command, self.path, headers, body)
                op = response.operation
                label = f"{op.service}.{op.name}" if op else "-"
        except OSError:  # the client went away (or a read timed out) mid-request
            self.close_connection = True
            return
        except Exception:  # a bug in the fake: answer 500, keep serving
            log.exception("personalize-fake server failed on %s %s", self.command, self.path)
            self.send_error(500, "personalize-fake internal error; see the server log.")
            return
        self._send(response, label, started)

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_POST

    def handle_expect_100(self) -> bool:
        length = self._declared_length()
        if length == MALFORMED:
            self._bad_length()
            return False
        if length is not None and length > MAX_BODY:
            self.close_connection = True
            self._send(self._too_large(length), "-", time.perf_counter())
            return False
        return super().handle_expect_100()

    def _refuse(self, refusal: Refusal, admin: bool) -> WireResponse:
        """A refusal in the shape of what was asked: the admin surface's, or the protocol's."""
        owner = self.server.owner
        if admin:
            response = owner.admin.error(refusal.status, refusal.code, refusal.message)
        else:
            json_11 = self.headers.get("X-Amz-Target") is not None
            response = owner.front.error(json_11, refusal.status, refusal.code, refusal.message)
        response.headers.update(refusal.headers)
        return response

    # -- body --------------------------------------------------------------------

    def _declared_length(self) -> int | None:
        """The Content-Length: None when there is none, :data:`MALFORMED` when not a number."""
        raw = self.headers.get("Content-Length")
        if raw is None:
            return None
        digits = raw.strip(" \t")
        return int(digits) if _LENGTH.fullmatch(digits) else MALFORMED

    def _bad_length(self) -> None:
        raw = self.headers.get("Content-Length", "")
        self.send_error(400, f"Content-Length {raw[:40]!r} is not a number of bytes.")

    def _too_large(self, length: int) -> WireResponse:
        json_11 = self.headers.get("X-Amz-Target") is not None
        return self.server.owner.front.too_large(json_11, length)

    def _body(self) -> bytes | None:
        """The request body, or None when an error has been answered instead."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked()
        length = self._declared_length()
        if length is None:
            return b""
        if length == MALFORMED:
            self._bad_length()
            return None
        if length > MAX_BODY:
            self.close_connection = True
            remaining = length if length <= _DRAIN_LIMIT else 0
            while remaining:  # read it, so the client is not cut off mid-send
                chunk = self.rfile.read(min(1 << 20, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
            self._send(self._too_large(length), "-", time.perf_counter())
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            self.send_error(400, f"The body ended after {len(body)} of {length} bytes.")
            return None
        return body

    def _chunked(self) -> bytes | None:
        """A chunked body, its sizes checked strictly so it can never exceed :data:`MAX_BODY`.

        Python's ``int(x, 16)`` also takes ``-1``, ``0x10``, ``+a`` and ``1_0``;
        a ``-1`` read "to the end", however long. Only hex digits are sizes here.
        """
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                self.send_error(400, "The chunked body ended early.")
                return None
            digits = line.split(b";", 1)[0].strip(b" \t\r\n")
            if not _CHUNK_SIZE.fullmatch(digits):
                self.send_error(400, f"Malformed chunk size {digits[:40]!r}.")
                return None
            size = int(digits, 16)
            if size == 0:
                return b"".join(chunks) if self._trailers() else None
            total += size
            if total > MAX_BODY:
                self.close_connection = True
                self._send(self._too_large(total), "-", time.perf_counter())
                return None
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                self.send_error(400, "The chunked body ended early or a chunk overran its size.")
                return None
            chunks.append(chunk)

    def _trailers(self) -> bool:
        """Skip the trailer section (as many lines as http.server allows headers)."""
        for _ in range(_MAX_TRAILERS):
            if self.rfile.readline(1024) in (b"\r\n", b"\n", b""):
                return True
        self.send_error(400, f"More than {_MAX_TRAILERS} trailer lines.")
        return False

    # -- answer ----------------------------------------------------------------

    def _send(self, response: WireResponse, label: str, started: float) -> None:
        try:
            self.send_response_only(response.status)
            self.send_header("Date", self.date_time_string())
            for name, value in response.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:  # the client went away
            self.close_connection = True
        log.info(
            "%s %s %s %s %d %.1fms",
            self.client_address[0],
            self.command or "-",
            getattr(self, "path", "-"),
            label,
            response.status,
            (time.perf_counter() - started) * 1000,
        )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method...) as JSON, not HTML."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # an unreadable request line: answer in HTTP/1.x
            self.request_version = "HTTP/1.0"
        text = message or self.responses.get(code, ("Error",))[0]
        error = self.server.owner.front.error(
            False, code, _ERROR_CODES.get(code, "BadRequest"), text
        )
        self._send(error, "-", time.perf_counter())

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.client_address[0], *args)


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        owner: PersonalizeServer,
        allow_hosts: Iterable[str],
        admin_token: str | None,
    ) -> None:
        self.guard = Guard(address[0], allow_hosts, admin_token)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, Handler)
        warning = exposure_warning(self.server_address, admin_token is not None)
        if warning is not None:
            log.warning("%s", warning)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on every open connection (idle keep-alive ones included)."""
        with self._connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("error serving %s", client_address, exc_info=True)
