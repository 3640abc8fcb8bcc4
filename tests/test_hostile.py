"""Hostile input: answered as AWS would, never with an internal error, alike both ways.

The reproductions each fix started from, in-process and over HTTP where a
client can send them, through ``fake.handle()`` where only a raw body can.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from personalize_fake import PersonalizeFake, Settings, WireRequest, mock_personalize
from personalize_fake._validation import render
from personalize_fake.server import serving

SERVICES = ("personalize", "personalize-events", "personalize-runtime")
_SESSION = botocore.session.get_session()
MODELS = {service: _SESSION.get_service_model(service) for service in SERVICES}
REGION = "us-east-1"
UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}
JSON_11 = "application/x-amz-json-1.1"


# -- inputs generated from the input shapes ------------------------------------------


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


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


@pytest.fixture(params=["in-process", "http"])
def clients(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Any], PersonalizeFake]]:
    """Clients (validation off) of a fresh fake with lifecycle="instant", either way."""
    if request.param == "in-process":
        with mock_personalize(lifecycle="instant") as fake:
            yield {s: boto3.client(s, region_name=REGION, config=UNCHECKED) for s in SERVICES}, fake
    else:
        with serving(lifecycle="instant") as (url, fake):
            made = {
                s: boto3.client(
                    s, endpoint_url=url, region_name=REGION, config=UNCHECKED, **CREDENTIALS
                )
                for s in SERVICES
            }
            yield made, fake


def _settings() -> Settings:
    return Settings(lifecycle="instant")


def _error(request: Callable[[], Any]) -> dict[str, Any]:
    """The error response of a request that must fail."""
    with pytest.raises(ClientError) as caught:
        request()
    response: dict[str, Any] = caught.value.response
    return response


class TestDepth:
    def test_deep_wrong_typed_value(self, clients: tuple[dict[str, Any], PersonalizeFake]) -> None:
        """A name nested 350 lists deep is a type error, the value shown whole."""
        response = _error(lambda: clients[0]["personalize"].create_dataset_group(name=_nested(350)))
        assert response["Error"] == {
            "Code": "InvalidInputException",
            "Message": f"1 validation error detected: Value '{'[' * 350}x{']' * 350}' at 'name' "
            "failed to satisfy constraint: Member must be of type string",
        }

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

    def test_huge_int_is_rendered(self) -> None:
        """An int beyond the int-to-str digit limit still renders, in full, in a message."""
        assert sys.get_int_max_str_digits() < 5001
        assert render([10**5000]) == "[1" + "0" * 5000 + "]"
