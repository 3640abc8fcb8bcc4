"""Shared fixtures: clients that can never reach AWS, and common setup helpers.

Every fake this suite starts checks its answers against the output shapes
(``Settings.check_responses``): set in the environment before any mock is made, so
mocks made every way, and ``personalize-fake serve`` subprocesses, inherit it.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.endpoint
import pytest
from support import SERVERS, ReachedNetwork

from personalize_fake import PersonalizeFake
from personalize_fake._settings import CHECK_RESPONSES_VARIABLE

os.environ[CHECK_RESPONSES_VARIABLE] = "1"

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def _needs_newer_model(error: BaseException) -> str | None:
    """What a failure shows the installed botocore lacks (an operation of a client, a request
    member), when it is older than the fake (``coverage.newer_than_model``): the test was
    written against the newest models, where the suite's first run holds it."""
    from botocore.exceptions import ParamValidationError

    from personalize_fake._model.coverage import newer_than_model

    if not newer_than_model():
        return None
    text = str(error)
    if isinstance(error, AttributeError):
        found = re.search(r"'(?:Personalize\w*)' object has no attribute '(\w+)'", text)
        return found.group(1) if found else None
    if isinstance(error, ParamValidationError):  # unknown, or once required, members
        return text.splitlines()[-1].strip()
    if isinstance(error, KeyError) and error.args and error.args[0] not in _modeled_members():
        return f"{error.args[0]} in an answer"  # a member the installed model drops
    found = re.search(r"Value '([^']*)' at '([^']+)' .*Member must satisfy enum value set", text)
    if found:  # an enum value the fake's validation, from the installed model, does not know
        return f"{found.group(2)}={found.group(1)}"
    return None


@functools.cache
def _modeled_members() -> frozenset[str]:
    """Every member name of every shape of the installed models of the three services."""
    from personalize_fake._model.catalog import catalog

    names: set[str] = set()
    for op in catalog().operations():
        for shape in (op.input_shape, op.output_shape):
            _members(shape, names, set())
    return frozenset(names)


def _members(shape: Any, names: set[str], seen: set[str]) -> None:
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    for name, member in getattr(shape, "members", {}).items():
        names.add(name)
        _members(member, names, seen)
    for inner in (getattr(shape, "member", None), getattr(shape, "value", None)):
        _members(inner, names, seen)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With a botocore older than the fake (the lowest-versions run), a test failing because
    the installed model lacks the operation or member it calls is skipped, saying which."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and call.excinfo is not None:
        missing = _needs_newer_model(call.excinfo.value)
        if missing is not None:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1], f"needs {missing}: newer botocore")


@pytest.fixture(autouse=True)
def _no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    """No credentials, no config, no instance metadata: a call the fake missed cannot be signed."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore may send to this machine (the fake's server, moto's) and nowhere else."""
    send = botocore.endpoint.Endpoint._send

    def guarded(self: Any, request: Any) -> Any:
        host = request.url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if host not in LOOPBACK:
            raise ReachedNetwork(request.url)
        return send(self, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", guarded)


@pytest.fixture(autouse=True)
def _no_orphans() -> Iterator[None]:
    """A test that fails between starting a server and stopping it leaves no server behind."""
    yield
    while SERVERS:
        process = SERVERS.pop()
        if process.poll() is None:
            process.kill()
        if process.stdout is not None and not process.stdout.closed:  # not yet read to its end
            process.communicate()


@pytest.fixture
def personalize(personalize_fake: PersonalizeFake) -> Any:
    return boto3.client("personalize", region_name="us-east-1")


@pytest.fixture
def events(personalize_fake: PersonalizeFake) -> Any:
    return boto3.client("personalize-events", region_name="us-east-1")


@pytest.fixture
def unanswered(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A personalize operation that needs no arguments, unanswered for the test as one newer
    than the fake would be (its handler out of the registry): (name, client method). The
    fake answers every operation of its models, so a newer botocore's is the only way to
    meet one."""
    from personalize_fake._api.registry import HANDLERS, load_handlers
    from personalize_fake._wire.dispatch import forget_bindings

    load_handlers()
    monkeypatch.delitem(HANDLERS, "list_recipes")
    forget_bindings()  # mocks started from here on see the registry without it
    yield "ListRecipes", "list_recipes"
    monkeypatch.undo()
    forget_bindings()
