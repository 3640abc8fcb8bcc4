"""Shared fixtures: clients that can never reach AWS, and common setup helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from personalize_fake import PersonalizeFake


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


@pytest.fixture
def personalize(personalize_fake: PersonalizeFake) -> Any:
    return boto3.client("personalize", region_name="us-east-1")


@pytest.fixture
def events(personalize_fake: PersonalizeFake) -> Any:
    return boto3.client("personalize-events", region_name="us-east-1")
