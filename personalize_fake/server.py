"""The fake behind an HTTP endpoint: ``personalize-fake serve``, and :func:`serving` for tests.

One port answers all three services, routed as real clients send them: the
control plane by ``X-Amz-Target: AmazonPersonalize.*`` (JSON 1.1), events and
runtime by REST path. Everything goes to the same dispatcher as the botocore
hook, so a request gets the same status, headers and body either way, after
the checks of :class:`~personalize_fake._front_door.FrontDoor` (authorization
present, region from the credential scope, body size). Paths under
``/_fake/`` are the admin surface (``_admin``), never an AWS path.

>>> from personalize_fake.server import serving
>>> with serving(lifecycle="instant") as (url, fake):
...     ...  # boto3.client("personalize", endpoint_url=url, ...)
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from personalize_fake import _persistence
from personalize_fake._admin import ADMIN_PREFIX, Admin
from personalize_fake._dispatch import WireResponse
from personalize_fake._front_door import MAX_BODY, FrontDoor
from personalize_fake._handle import PersonalizeFake
from personalize_fake._journal import Journal
from personalize_fake._settings import Settings

__all__ = ["DEFAULT_PORT", "MAX_BODY", "FrontDoor", "PersonalizeServer", "serving"]

log = logging.getLogger("personalize_fake.server")

DEFAULT_PORT = 4567
_DRAIN_LIMIT = 64 * 1024 * 1024
"""A refused body up to this size is read and dropped, so the client sees the 413."""

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


class _Handler(BaseHTTPRequestHandler):
    """Reads method, path, headers and body; writes the wire response; logs one line."""

    server: _HTTPServer
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
            if urlsplit(self.path).path.startswith(ADMIN_PREFIX):
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
        if length is not None and length > MAX_BODY:
            self.close_connection = True
            self._send(self._too_large(length), "-", time.perf_counter())
            return False
        return super().handle_expect_100()

    # -- body --------------------------------------------------------------------

    def _declared_length(self) -> int | None:
        raw = self.headers.get("Content-Length")
        if raw is None or not raw.strip().isdigit():
            return None
        return int(raw)

    def _too_large(self, length: int) -> WireResponse:
        json_11 = self.headers.get("X-Amz-Target") is not None
        return self.server.owner.front.too_large(json_11, length)

    def _body(self) -> bytes | None:
        """The request body, or None when an error has been answered instead."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        length = self._declared_length()
        if length is None:
            self.send_error(400, f"Content-Length {raw!r} is not a number of bytes.")
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
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.send_error(400, "Malformed chunked body.")
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                self.close_connection = True
                self._send(self._too_large(total), "-", time.perf_counter())
                return None
            chunk = self.rfile.read(size)
            self.rfile.readline(1024)
            if len(chunk) < size:
                self.send_error(400, "The chunked body ended early.")
                return None
            chunks.append(chunk)

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


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], owner: PersonalizeServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

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


class PersonalizeServer:
    """The fake on an HTTP port: the three services, and the admin surface under ``/_fake/``.

    The port is bound when the server is made; :meth:`start` serves from a
    background thread, :meth:`serve_forever` from the calling one.

    Args:
        settings: options of the fake (those of ``mock_personalize``).
        host: the address to listen on.
        port: the port; 0 picks a free one (see :attr:`url`).
        state_file: where state is kept across restarts (an SQLite file, created
            when missing): loaded now, and each change is in it before the call
            that made it is answered (see ``_persistence``).

    Raises:
        personalize_fake._persistence.StateFileError: when ``state_file``
            cannot be opened or loaded (it is then left as it is).
        OSError: when the address cannot be bound.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        state_file: str | Path | None = None,
    ) -> None:
        self.fake = PersonalizeFake(settings or Settings())
        self.front = FrontDoor(self.fake.dispatcher)
        self.admin = Admin(self)
        self.state_file = Path(state_file) if state_file is not None else None
        self._journal: Journal | None = None
        self._thread: threading.Thread | None = None
        self._http = _HTTPServer((host, port), self)
        try:
            if self.state_file is not None:
                self._journal = _persistence.attach(self.state_file, self.fake.store)
        except BaseException:
            self._http.server_close()
            raise

    def __repr__(self) -> str:
        return f"<PersonalizeServer {self.url} {self.fake!r}>"

    @property
    def url(self) -> str:
        """The endpoint URL, e.g. ``http://127.0.0.1:4567``."""
        host, port = self._http.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def state_file_failure(self) -> str | None:
        """Why the state file could not be written, once that has happened (else None)."""
        return self._journal.failure if self._journal is not None else None

    def serve_forever(self) -> None:
        """Answer requests in this thread until :meth:`stop` (from another thread)."""
        self._http.serve_forever(poll_interval=0.05)

    def start(self) -> PersonalizeServer:
        """Answer requests from a background thread; returns the server."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.serve_forever, name=f"personalize-fake {self.url}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, hang up on open connections, and close the state file."""
        if self._thread is not None:
            # A thread already gone (a daemon at interpreter exit) would never
            # acknowledge shutdown(): only ask a living one.
            if self._thread.is_alive():
                self._http.shutdown()
                self._thread.join(timeout=10)
            self._thread = None
        self.close()

    def close(self) -> None:
        """Release the port and connections and close the state file (after serve_forever)."""
        self._http.server_close()
        self._http.close_connections()
        if self._journal is not None:
            self._journal.close()

    def __enter__(self) -> PersonalizeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def serving(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    state_file: str | Path | None = None,
    **options: Any,
) -> Iterator[tuple[str, PersonalizeFake]]:
    """Serve a fresh fake from a background thread for the ``with`` block.

    ``with serving(lifecycle="instant") as (url, fake):`` gives the endpoint
    URL (for ``endpoint_url=``, the AWS CLI's ``--endpoint-url``, or any SDK)
    and the fake's handle, to read recorded data and steer lifecycles.

    Args:
        host: the address to listen on.
        port: the port; by default a free one.
        state_file: keep state in this file (see :class:`PersonalizeServer`).
        **options: fields of :class:`~personalize_fake.Settings`.

    Raises:
        TypeError: for an option that does not exist.
        ValueError: for an option value the setting does not accept.
    """
    server = PersonalizeServer(
        Settings.from_options(options), host=host, port=port, state_file=state_file
    )
    server.start()
    try:
        yield server.url, server.fake
    finally:
        server.stop()
