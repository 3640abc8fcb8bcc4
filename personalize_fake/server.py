"""The fake behind an HTTP endpoint: ``personalize-fake serve``, and :func:`serving` for tests.

One port answers all three services, routed as real clients send them: the
control plane by ``X-Amz-Target: AmazonPersonalize.*`` (JSON 1.1), events and
runtime by REST path. Everything goes to the same dispatcher as the botocore
hook, so a request gets the same status, headers and body either way, after
the checks of :class:`~personalize_fake._wire.guard.Guard` (who may send it: the
``Host``, no other site's web page, the admin token) and of
:class:`~personalize_fake._wire.front_door.FrontDoor` (authorization present, region
from the credential scope, body size). Paths under ``/_fake/`` are the admin
surface (``_wire.admin``), never an AWS path. Reading and answering HTTP is ``_wire.http_server``'s.

>>> from personalize_fake.server import serving
>>> with serving(lifecycle="instant") as (url, fake):
...     ...  # boto3.client("personalize", endpoint_url=url, ...)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from personalize_fake._handle import PersonalizeFake
from personalize_fake._settings import Settings
from personalize_fake._state import persistence
from personalize_fake._state.journal import Journal
from personalize_fake._wire.admin import Admin
from personalize_fake._wire.front_door import MAX_BODY, FrontDoor
from personalize_fake._wire.http_server import HTTPServer

__all__ = ["DEFAULT_PORT", "MAX_BODY", "FrontDoor", "PersonalizeServer", "serving"]

DEFAULT_PORT = 4567


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
            that made it is answered (see ``_state.persistence``).
        allow_hosts: names clients may address the server by (the ``Host``
            header) besides IP addresses, ``localhost`` and ``host``; ``"*"``: any.
        admin_token: when set, every ``/_fake/`` request must carry
            ``Authorization: Bearer <admin_token>``.

    Listening beyond loopback logs a warning. See docs/server.md, "Who can reach what".

    Raises:
        personalize_fake._state.persistence.StateFileError: when ``state_file``
            cannot be opened or loaded (it is then left as it is).
        OSError: when the address cannot be bound.
        ValueError: for an allowed host that is not a host name, or an admin
            token that is empty or not visible ASCII.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        state_file: str | Path | None = None,
        allow_hosts: Iterable[str] = (),
        admin_token: str | None = None,
    ) -> None:
        self.fake = PersonalizeFake(settings or Settings())
        self.front = FrontDoor(self.fake.dispatcher)
        self.admin = Admin(self)
        self.state_file = Path(state_file) if state_file is not None else None
        self._journal: Journal | None = None
        self._thread: threading.Thread | None = None
        self._serving = False
        self._http = HTTPServer((host, port), self, allow_hosts, admin_token)
        try:
            if self.state_file is not None:
                self._journal = persistence.attach(self.state_file, self.fake.store)
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
        self._serving = True
        try:
            self._http.serve_forever(poll_interval=0.05)
        finally:
            self._serving = False

    @property
    def running(self) -> bool:
        """Whether it answers requests (after :meth:`start`, or in :meth:`serve_forever`)."""
        thread = self._thread
        return self._serving or (thread is not None and thread.is_alive())

    def start(self) -> PersonalizeServer:
        """Answer requests from a background thread; returns the server."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.serve_forever, name=f"personalize-fake {self.url}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, hang up on open connections, and close the state file.

        Whichever thread runs :meth:`serve_forever`, it returns within 50 ms.
        """
        if self._thread is not None:
            # A thread already gone (a daemon at interpreter exit) would never
            # acknowledge shutdown(): only ask a living one.
            if self._thread.is_alive():
                self._http.shutdown()
                self._thread.join(timeout=10)
            self._thread = None
        elif self._serving:  # serve_forever() in a thread of the caller's
            self._http.shutdown()
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
    allow_hosts: Iterable[str] = (),
    admin_token: str | None = None,
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
        allow_hosts: more names clients may address it by (see :class:`PersonalizeServer`).
        admin_token: a bearer token every ``/_fake/`` request must carry.
        **options: fields of :class:`~personalize_fake.Settings`.

    Raises:
        TypeError: for an option that does not exist.
        ValueError: for an option value the setting does not accept, a bad
            allowed host or admin token.
    """
    server = PersonalizeServer(
        Settings.from_options(options),
        host=host,
        port=port,
        state_file=state_file,
        allow_hosts=allow_hosts,
        admin_token=admin_token,
    )
    server.start()
    try:
        yield server.url, server.fake
    finally:
        server.stop()
