"""Hostile input: answered as AWS would, never with an internal error, alike both ways.

The reproductions each fix started from, in-process and over HTTP where a
client can send them, through ``fake.handle()`` where only a raw body can.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
import pytest

from personalize_fake import PersonalizeFake, Settings, WireRequest

SERVICES = ("personalize", "personalize-events", "personalize-runtime")
_SESSION = botocore.session.get_session()
MODELS = {service: _SESSION.get_service_model(service) for service in SERVICES}
REGION = "us-east-1"
JSON_11 = "application/x-amz-json-1.1"


# -- raw bodies: what no SDK sends, through fake.handle() and a socket ---------------


def _target(service: str, operation: str) -> tuple[str, str, dict[str, str]]:
    model = MODELS[service].operation_model(operation)
    if model.metadata["protocol"] == "json":
        prefix = model.metadata["targetPrefix"]
        return "POST", "/", {"Content-Type": JSON_11, "X-Amz-Target": f"{prefix}.{operation}"}
    return model.http["method"], model.http["requestUri"], {"Content-Type": "application/json"}


def _deep_call(depth: int, function: Callable[[], Any]) -> Any:
    """``function()`` called ``depth`` frames down, as a test deep in pytest and botocore is."""
    return function() if depth == 0 else _deep_call(depth - 1, function)


# -- the reproductions ---------------------------------------------------------------


def _settings() -> Settings:
    return Settings(lifecycle="instant")


class TestDepth:
    def test_deep_body_is_answered_alike_from_any_stack_depth(self) -> None:
        """A body nested 950 deep decodes whether the caller is shallow or 400 frames down."""
        fake = PersonalizeFake(_settings())
        target, path, headers = _target("personalize", "ListDatasetGroups")
        body = ('{"x": ' + "[" * 950 + "]" * 950 + "}").encode()
        request = WireRequest(target, path, headers, body, REGION)
        shallow = fake.handle(request)
        deep = _deep_call(400, lambda: fake.handle(request))
        assert (deep.status, deep.document) == (shallow.status, shallow.document)
        assert shallow.status == 200

    def test_body_nested_beyond_any_stack_is_a_serialization_error(self) -> None:
        """Nested 5,000 deep: SerializationException, not an internal error."""
        fake = PersonalizeFake(_settings())
        target, path, headers = _target("personalize", "ListDatasetGroups")
        body = ('{"x": ' + "[" * 5000 + "]" * 5000 + "}").encode()
        response = fake.handle(WireRequest(target, path, headers, body, REGION))
        assert (response.status, response.document and response.document["__type"]) == (
            400,
            "SerializationException",
        )


class TestNumbers:
    @pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
    def test_non_standard_numbers_are_a_serialization_error(self, constant: str) -> None:
        """NaN and Infinity are not JSON: SerializationException, as Jackson refuses them."""
        fake = PersonalizeFake(_settings())
        target, path, headers = _target("personalize", "ListDatasetGroups")
        body = f'{{"maxResults": {constant}}}'.encode()
        response = fake.handle(WireRequest(target, path, headers, body, REGION))
        assert response.status == 400
        assert response.document == {
            "__type": "SerializationException",
            "message": f"Request body is not valid JSON: {constant} is not a JSON number.",
        }
