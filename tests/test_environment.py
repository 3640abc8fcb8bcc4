"""While a mock is active, making a client never searches the network for credentials."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.httpsession import URLLib3Session

from personalize_fake import mock_personalize

NAME = "AWS_EC2_METADATA_DISABLED"


@pytest.fixture(autouse=True)
def metadata_service(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every HTTP request botocore sends; the variable starts unset."""
    asked: list[str] = []

    def record(self: Any, request: Any) -> Any:
        asked.append(request.url)
        raise EndpointConnectionError(endpoint_url=request.url)

    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.setattr(URLLib3Session, "send", record)
    return asked


def test_no_metadata_lookup_while_active(metadata_service: list[str]) -> None:
    """On a machine without credentials a client is made and used with no network lookup."""
    with mock_personalize():
        client = boto3.session.Session().client("personalize", region_name="us-east-1")
        assert client.list_schemas()["schemas"] == []
    assert metadata_service == []
    assert NAME not in os.environ


def test_an_explicit_setting_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value the environment already has is neither replaced nor removed."""
    monkeypatch.setenv(NAME, "false")
    with mock_personalize():
        assert os.environ[NAME] == "false"
    assert os.environ[NAME] == "false"


def test_can_be_turned_off(metadata_service: list[str]) -> None:
    """disable_instance_metadata=False leaves botocore's credential search as it is."""
    with mock_personalize(disable_instance_metadata=False):
        boto3.session.Session().client("personalize", region_name="us-east-1")
        assert NAME not in os.environ
    assert metadata_service, "botocore did not look for instance metadata credentials"


def test_nested_mocks_in_any_order() -> None:
    """The setting stays while any mock is active and goes with the last, whichever stops first."""
    outer, inner = mock_personalize(), mock_personalize()
    outer.start()
    inner.start()
    outer.stop()
    assert os.environ[NAME] == "true"
    inner.stop()
    assert NAME not in os.environ
