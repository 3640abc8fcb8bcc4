"""``personalize-fake serve`` (or ``python -m personalize_fake serve``): the fake on a port."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from importlib import metadata

from personalize_fake._settings import Lifecycle, Settings, settings_from_text
from personalize_fake._state.persistence import StateFileError
from personalize_fake._wire.guard import TOKEN_VARIABLE
from personalize_fake.server import DEFAULT_PORT, MAX_BODY, PersonalizeServer

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _version() -> str:
    """The installed distribution's version (the package does not repeat it in a constant)."""
    try:
        return metadata.version("personalize-fake")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "(not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="personalize-fake",
        description="A fake of Amazon Personalize for tests (personalize, -events, -runtime).",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = commands.add_parser(
        "serve",
        help="answer the three Personalize services on one HTTP port",
        description=(
            "Answer personalize, personalize-events and personalize-runtime on one port "
            "(point any SDK's endpoint URL at it), with an admin surface under /_fake/. "
            "Requests need an Authorization header (any SigV4 signature; none is checked); "
            f"bodies over {MAX_BODY // (1024 * 1024)} MiB are refused."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port to listen on (%(default)s); 0 picks a free one and prints it",
    )
    serve.add_argument(
        "--lifecycle",
        choices=[m.value for m in Lifecycle],
        default=Lifecycle.STEPWISE.value,
        help="how resources move through their statuses (%(default)s)",
    )
    serve.add_argument(
        "--account-id",
        default=Settings().account_id,
        help="the 12-digit account every resource belongs to (%(default)s)",
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        help="keep state in this SQLite file across restarts (created if missing; every change "
        "is written before it is answered)",
    )
    serve.add_argument(
        "--allow-host",
        metavar="NAME",
        action="append",
        default=[],
        help=(
            "a name clients address the server by (a docker-compose service name), besides IP "
            "addresses, localhost and --host; repeat for more; '*' allows any"
        ),
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help=(
            "a token every /_fake/ request must carry as 'Authorization: Bearer TOKEN' "
            f"(default: ${TOKEN_VARIABLE}, which keeps it out of the process list)"
        ),
    )
    serve.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        dest="settings",
        help=(
            "any other setting of docs/settings.md (a limit, an open question's answer); "
            "repeat for more, e.g. --set minimum_training_data=false"
        ),
    )
    return parser


def _settings(arguments: argparse.Namespace) -> Settings:
    """The options given: ``--lifecycle``, ``--account-id`` and each ``--set NAME=VALUE``."""
    options = {"lifecycle": arguments.lifecycle, "account_id": arguments.account_id}
    for assignment in arguments.settings:
        name, equals, value = assignment.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"--set takes NAME=VALUE, not {assignment!r}")
        name = name.strip().replace("-", "_")
        if name in ("lifecycle", "account_id"):
            raise ValueError(f"set {name} with --{name.replace('_', '-')}, not --set")
        options[name] = value
    return settings_from_text(options)


def serve(arguments: argparse.Namespace) -> int:
    """Serve until the first SIGINT or SIGTERM, then stop cleanly; returns the exit status.

    The signal handler only notes the signal: requests are answered from a
    thread of the server's, and this thread waits for a note, then stops the
    server. A handler that raised instead could land anywhere, and where
    socketserver catches exceptions (while a connection is accepted) the stop
    was lost. Once the stop has begun, SIGINT has Python's own handler again,
    so a second Ctrl-C cuts short a stop that takes long (exit status 130).
    """
    received: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    for signum in _STOP_SIGNALS:  # even where the shell started us ignoring SIGINT
        signal.signal(signum, lambda signum, frame: received.append(signum))
    try:
        return _serve(arguments, received)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve(arguments: argparse.Namespace, received: list[int]) -> int:
    try:
        settings = _settings(arguments)
    except (ValueError, TypeError) as exc:
        print(f"personalize-fake: error: {exc}", file=sys.stderr)
        return 2
    token = arguments.admin_token
    if token is None:
        token = os.environ.get(TOKEN_VARIABLE)  # set but empty is an error, not "no token"
    handler = logging.StreamHandler(sys.stderr)  # before the server, which may warn
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("personalize_fake")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # one line per request
    try:
        return _run(arguments, settings, token, received)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _run(
    arguments: argparse.Namespace, settings: Settings, token: str | None, received: list[int]
) -> int:
    try:
        server = PersonalizeServer(
            settings,
            host=arguments.host,
            port=arguments.port,
            state_file=arguments.state_file,
            allow_hosts=arguments.allow_host,
            admin_token=token,
        )
    except StateFileError as exc:
        print(f"personalize-fake: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # an allowed host or admin token that cannot work
        print(f"personalize-fake: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{arguments.host}:{arguments.port}"
        print(f"personalize-fake: error: cannot listen on {where}: {exc}", file=sys.stderr)
        return 1
    details = f"lifecycle {settings.lifecycle.value}, account {settings.account_id}"
    if arguments.state_file:
        details += f", state file {arguments.state_file}"
    if token is not None:
        details += ", /_fake/ needs the admin token"
    print(f"personalize-fake serving on {server.url} ({details}); Ctrl-C stops", flush=True)
    try:
        server.start()
        while not received and server.running:
            time.sleep(0.1)  # a signal's note is seen within this
    finally:
        # The stop may wait for the serving thread (10 s at most) and the state file:
        # a second Ctrl-C interrupts it, where this thread is, as Python's handler does.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        interrupted = _stop(server)
    if interrupted:
        return 130
    if not received:
        print("personalize-fake: error: the server stopped unexpectedly", file=sys.stderr)
        return 1
    print("personalize-fake stopped", flush=True)
    failure = server.state_file_failure
    if failure is not None:  # logged when it happened; said again where the exit status is seen
        print(f"personalize-fake: error: {failure}", file=sys.stderr)
        return 1
    return 0


def _stop(server: PersonalizeServer) -> bool:
    """Stop the server; False, or True when a second Ctrl-C cut the stop short."""
    try:
        server.stop()
    except KeyboardInterrupt:
        print(
            "personalize-fake: stop interrupted (second Ctrl-C); the state file keeps "
            "every change that was acknowledged",
            file=sys.stderr,
        )
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """The ``personalize-fake`` console command; returns the exit status."""
    arguments = _parser().parse_args(argv)
    return serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
