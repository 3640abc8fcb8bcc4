"""Shared fixtures: clients that can never reach AWS, and common setup helpers.

Every fake this suite starts checks its answers against the output shapes
(``Settings.check_responses``): set in the environment before any mock is made, so
mocks made every way, and ``personalize-fake serve`` subprocesses, inherit it.
"""

from __future__ import annotations

import os
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
