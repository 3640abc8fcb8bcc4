"""The dispatcher at the wire: what any adapter (hook, server) sends and gets back."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from personalize_fake import PersonalizeFake, WireRequest, mock_personalize
from personalize_fake._api.registry import HANDLERS
from personalize_fake._wire.dispatch import forget_bindings

JSON_11 = {"Content-Type": "application/x-amz-json-1.1"}


def control(op: str, body: dict[str, Any] | bytes, **headers: str) -> WireRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return WireRequest(
        "POST", "/", {**JSON_11, "X-Amz-Target": f"AmazonPersonalize.{op}", **headers}, raw
    )


def rest(path: str, body: dict[str, Any]) -> WireRequest:
    return WireRequest(
        "POST", path, {"Content-Type": "application/json"}, json.dumps(body).encode()
    )


class TestJson11:
    def test_success(self, personalize_fake: PersonalizeFake) -> None:
        """A control-plane answer is 200 JSON 1.1 with a request ID."""
        response = personalize_fake.handle(control("CreateDatasetGroup", {"name": "g"}))
        assert response.status == 200
        assert response.headers["content-type"] == "application/x-amz-json-1.1"
        assert len(response.headers["x-amzn-requestid"]) == 36
        assert json.loads(response.body)["datasetGroupArn"].endswith(":dataset-group/g")

    def test_error_shape(self, personalize_fake: PersonalizeFake) -> None:
        """Errors are HTTP 400 with {"__type": code, "message": ...}."""
        response = personalize_fake.handle(
            control("DescribeSchema", {"schemaArn": "arn:aws:personalize:us-east-1:1:schema/x"})
        )
        assert response.status == 400
        body = json.loads(response.body)
        assert body["__type"] == "ResourceNotFoundException"
        assert "schema/x" in body["message"]
        assert "x-amzn-requestid" in response.headers

    def test_target_header_any_case(self, personalize_fake: PersonalizeFake) -> None:
        """Header names are case-insensitive, as HTTP says."""
        request = WireRequest("POST", "/", {"x-amz-target": "AmazonPersonalize.ListSchemas"}, b"{}")
        assert personalize_fake.handle(request).status == 200

    def test_unknown_target(self, personalize_fake: PersonalizeFake) -> None:
        """A target no operation has is UnknownOperationException, 400."""
        response = personalize_fake.handle(control("MakeCoffee", {}))
        assert response.status == 400
        assert json.loads(response.body)["__type"] == "UnknownOperationException"

    @pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"[" * 100_000])
    def test_body_not_a_json_object(self, personalize_fake: PersonalizeFake, body: bytes) -> None:
        """A body that is not a JSON object is SerializationException, 400."""
        response = personalize_fake.handle(control("ListSchemas", body))
        assert response.status == 400
        assert json.loads(response.body)["__type"] == "SerializationException"

    def test_empty_body_is_an_empty_request(self, personalize_fake: PersonalizeFake) -> None:
        """No body at all reads as {} (then validation speaks for required members)."""
        response = personalize_fake.handle(control("CreateSchema", b""))
        body = json.loads(response.body)
        assert body["__type"] == "InvalidInputException"
        assert body["message"].startswith("2 validation errors detected: Value null at 'name'")


class TestRestJson:
    def test_error_type_header(self, personalize_fake: PersonalizeFake) -> None:
        """REST-JSON errors carry x-amzn-ErrorType and a {"message"} body."""
        response = personalize_fake.handle(
            rest(
                "/events",
                {
                    "trackingId": "t",
                    "sessionId": "s",
                    "eventList": [{"eventType": "c", "sentAt": 1}],
                },
            )
        )
        assert response.status == 400
        assert response.headers["x-amzn-errortype"] == "InvalidInputException"
        assert set(json.loads(response.body)) == {"message"}

    def test_status_from_the_model(self, personalize_fake: PersonalizeFake) -> None:
        """ResourceNotFound on the events service is HTTP 404, as its model says."""
        arn = "arn:aws:personalize:us-east-1:123456789012:dataset/g/ITEMS"
        response = personalize_fake.handle(
            rest("/items", {"datasetArn": arn, "items": [{"itemId": "i"}]})
        )
        assert response.status == 404
        assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"

    def test_unknown_path(self, personalize_fake: PersonalizeFake) -> None:
        """A path no operation has is a 404 UnknownOperationException."""
        response = personalize_fake.handle(rest("/nowhere", {}))
        assert response.status == 404
        assert response.headers["x-amzn-errortype"] == "UnknownOperationException"

    def test_query_string_ignored_for_routing(self, personalize_fake: PersonalizeFake) -> None:
        """Routing uses the path only."""
        response = personalize_fake.handle(rest("/events?x=1", {}))
        assert response.headers["x-amzn-errortype"] == "InvalidInputException"


class TestNotImplemented:
    def test_names_the_operation(
        self, unanswered: tuple[str, str], personalize_fake: PersonalizeFake
    ) -> None:
        """An operation the fake lacks answers a clear error naming it: never a silent success."""
        name, method = unanswered
        client = boto3.client("personalize", region_name="us-east-1")
        with pytest.raises(client.exceptions.ClientError) as exc:
            getattr(client, method)()
        assert exc.value.response["Error"]["Code"] == "NotImplementedException"
        assert name in exc.value.response["Error"]["Message"]


def test_a_bug_in_the_fake_is_a_500_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """An exception inside a handler is answered as InternalFailure (500) and logged."""

    def broken(state: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setitem(HANDLERS, "list_schemas", broken)
    forget_bindings()  # mocks started from here on bind the broken handler
    try:
        with mock_personalize() as fake:
            response = fake.handle(control("ListSchemas", {}))
    finally:
        monkeypatch.undo()
        forget_bindings()
    assert response.status == 500
    assert json.loads(response.body)["__type"] == "InternalFailure"
    assert "ZeroDivisionError" in caplog.text
