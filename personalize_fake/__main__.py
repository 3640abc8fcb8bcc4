"""``personalize-fake serve`` (or ``python -m personalize_fake serve``): the fake on a port."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from personalize_fake._persistence import StateFileError
from personalize_fake._settings import Lifecycle, Settings
from personalize_fake.server import DEFAULT_PORT, MAX_BODY, PersonalizeServer


class _Stop(Exception):
    """Raised in the main thread by SIGINT or SIGTERM."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="personalize-fake",
        description="A fake of Amazon Personalize for tests (personalize, -events, -runtime).",
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
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def serve(arguments: argparse.Namespace) -> int:
    try:
        settings = Settings(lifecycle=arguments.lifecycle, account_id=arguments.account_id)
    except ValueError as exc:
        print(f"personalize-fake: error: {exc}", file=sys.stderr)
        return 2
    try:
        server = PersonalizeServer(
            settings, host=arguments.host, port=arguments.port, state_file=arguments.state_file
        )
    except StateFileError as exc:
        print(f"personalize-fake: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{arguments.host}:{arguments.port}"
        print(f"personalize-fake: error: cannot listen on {where}: {exc}", file=sys.stderr)
        return 1
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("personalize_fake")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # one line per request
    signal.signal(signal.SIGINT, _stop)  # even where the shell started us ignoring SIGINT
    signal.signal(signal.SIGTERM, _stop)
    details = f"lifecycle {settings.lifecycle.value}, account {settings.account_id}"
    if arguments.state_file:
        details += f", state file {arguments.state_file}"
    print(f"personalize-fake serving on {server.url} ({details}); Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        server.close()
        logger.removeHandler(handler)
    print("personalize-fake stopped", flush=True)
    failure = server.state_file_failure
    if failure is not None:  # logged when it happened; said again where the exit status is seen
        print(f"personalize-fake: error: {failure}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The ``personalize-fake`` console command; returns the exit status."""
    arguments = _parser().parse_args(argv)
    return serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
