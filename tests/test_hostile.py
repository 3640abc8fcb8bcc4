"""Hostile input: answered as AWS would, never with an internal error, alike both ways.

The reproductions each fix started from, in-process and over HTTP where a
client can send them, through ``fake.handle()`` where only a raw body can.
"""

from __future__ import annotations

import http.client
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st
from support import INTERACTIONS_SCHEMA

from personalize_fake import PersonalizeFake, Settings, WireRequest, mock_personalize
from personalize_fake._front_door import FrontDoor
from personalize_fake._validation import render
from personalize_fake.server import serving

SERVICES = ("personalize", "personalize-events", "personalize-runtime")
_SESSION = botocore.session.get_session()
MODELS = {service: _SESSION.get_service_model(service) for service in SERVICES}
REGION = "us-east-1"
ACCOUNT = "123456789012"
UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}
JSON_11 = "application/x-amz-json-1.1"
AUTH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/personalize/"
    "aws4_request, SignedHeaders=host, Signature=0"
}


# -- the prepared state: the same resources in both fakes ---------------------------


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:personalize:{REGION}:{ACCOUNT}:{kind}/{name}"


def _schema(name: str, *fields: tuple[str, str]) -> str:
    listed = [{"name": f, "type": t} for f, t in fields]
    return json.dumps({"type": "record", "name": name, "fields": listed, "version": "1.0"})


SCHEMAS = {
    "Interactions": INTERACTIONS_SCHEMA,
    "Users": _schema("Users", ("USER_ID", "string"), ("TIER", "string")),
    "Items": _schema("Items", ("ITEM_ID", "string"), ("GENRE", "string")),
    "Actions": _schema("Actions", ("ACTION_ID", "string"), ("VALUE", "string")),
    "Action_Interactions": _schema(
        "ActionInteractions",
        ("USER_ID", "string"),
        ("ACTION_ID", "string"),
        ("TIMESTAMP", "long"),
        ("EVENT_TYPE", "string"),
    ),
}
GROUP = _arn("dataset-group", "g")
TRACKING_ID = "<tracking id of the prepared event tracker>"
ACTION_TRACKING_ID = "<tracking id of the prepared Action_Interactions dataset>"
TRACKER_ARN = "<ARN of the prepared event tracker>"


def prepare(personalize: Any) -> dict[str, str]:
    """A group with a dataset of each type and an event tracker; what is random, by sentinel."""
    personalize.create_dataset_group(name="g", tags=[{"tagKey": "team", "tagValue": "a"}])
    found = {}
    for kind, schema in SCHEMAS.items():
        schema_arn = personalize.create_schema(name=f"s-{kind.lower()}", schema=schema)
        answer = personalize.create_dataset(
            name=f"d-{kind.lower()}",
            datasetGroupArn=GROUP,
            datasetType=kind,
            schemaArn=schema_arn["schemaArn"],
        )
        if kind == "Action_Interactions":
            dataset = personalize.describe_dataset(datasetArn=answer["datasetArn"])["dataset"]
            found[ACTION_TRACKING_ID] = dataset["trackingId"]
    tracker = personalize.create_event_tracker(name="t", datasetGroupArn=GROUP)
    found[TRACKING_ID] = tracker["trackingId"]
    found[TRACKER_ARN] = tracker["eventTrackerArn"]
    return found


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


def _send(url: str, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
    host, port = url.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _deep_call(depth: int, function: Callable[[], Any]) -> Any:
    """``function()`` called ``depth`` frames down, as a test deep in pytest and botocore is."""
    return function() if depth == 0 else _deep_call(depth - 1, function)


TEXT = st.lists(st.characters() | st.sampled_from("\ud800\udbff\udc00\udfff"), max_size=8).map(
    "".join
)
"""Strings with unpaired surrogates now and then (``st.text`` leaves them out)."""
JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
).map(lambda value: json.dumps(value).encode())


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from(["POST", "GET", "PUT", "DELETE", "HEAD", "post", ""]),
    st.sampled_from(["/", "/events", "/recommendations", "//[", "/?X-Amz-Credential=a/b"])
    | st.text(max_size=20),
    st.dictionaries(
        st.sampled_from(["X-Amz-Target", "x-amz-target", "Content-Type", "Authorization", "X"]),
        st.sampled_from(["AmazonPersonalize.ListSchemas", JSON_11, AUTH["Authorization"]])
        | st.text(max_size=30),
        max_size=4,
    ),
    JSON_TEXT | st.binary(max_size=40),
)
def test_front_door_never_raises(
    method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    """Any method, path, headers and body: an answer below 500, never an exception."""
    door = FrontDoor(PersonalizeFake(Settings(lifecycle="instant")).dispatcher)
    assert door.answer(method, path, headers, body).status < 500


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


class TestUnpairedSurrogates:
    @pytest.mark.parametrize(
        ("service", "operation", "params", "path"),
        [
            ("personalize", "create_dataset_group", {"name": "\ud800"}, "name"),
            ("personalize", "list_dataset_groups", {"nextToken": "\ud800"}, "nextToken"),
            ("personalize", "create_dataset_group", {"name": "g", "domain": "\ud800"}, "domain"),
            (
                "personalize",
                "create_schema",
                {"name": "s", "schema": "{}", "domain": "\udc00"},
                "domain",
            ),
            (
                "personalize",
                "create_dataset",
                {
                    "name": "d",
                    "schemaArn": _arn("schema", "s"),
                    "datasetGroupArn": GROUP,
                    "datasetType": "Interactions\ud800",
                },
                "datasetType",
            ),
            (
                "personalize-events",
                "put_events",
                {
                    "trackingId": "t\ud800",
                    "sessionId": "s",
                    "eventList": [{"eventType": "c", "sentAt": 1}],
                },
                "trackingId",
            ),
        ],
    )
    def test_refused_with_question_mark(
        self,
        clients: tuple[dict[str, Any], PersonalizeFake],
        service: str,
        operation: str,
        params: Any,
        path: str,
    ) -> None:
        """An unpaired surrogate is InvalidInputException naming the member, shown as '?'."""
        client = clients[0][service]
        response = _error(lambda: getattr(client, operation)(**params))
        assert response["Error"]["Code"] == "InvalidInputException"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        message = response["Error"]["Message"]
        assert message.startswith("1 validation error detected: Value '")
        assert f"at '{path}' failed to satisfy constraint" in message
        assert "?" in message and "\ufffd" not in message

    def test_a_stored_value_is_refused_not_kept(
        self, clients: tuple[dict[str, Any], PersonalizeFake]
    ) -> None:
        """put_events(sessionId="s\\ud800") to a live tracker records nothing."""
        made, fake = clients
        tracking_id = prepare(made["personalize"])[TRACKING_ID]
        response = _error(
            lambda: made["personalize-events"].put_events(
                trackingId=tracking_id,
                sessionId="s\ud800",
                eventList=[{"eventType": "click", "sentAt": 1704067200}],
            )
        )
        assert response["Error"] == {
            "Code": "InvalidInputException",
            "Message": "1 validation error detected: Value 's?' at 'sessionId' failed to "
            "satisfy constraint: Member must not contain an unpaired surrogate",
        }
        assert fake.events(tracking_id) == []

    def test_sensitive_member_is_redacted(
        self, clients: tuple[dict[str, Any], PersonalizeFake]
    ) -> None:
        """A surrogate in a sensitive member names it but shows the redaction, not the value."""
        made = clients[0]
        tracking_id = prepare(made["personalize"])[TRACKING_ID]
        response = _error(
            lambda: made["personalize-events"].put_events(
                trackingId=tracking_id,
                sessionId="s",
                eventList=[{"eventType": "click", "sentAt": 1704067200, "itemId": "\udfff"}],
            )
        )
        assert response["Error"]["Message"] == (
            "1 validation error detected: Value '*** Sensitive Data Redacted ***' at "
            "'eventList.1.member.itemId' failed to satisfy constraint: Member must not contain "
            "an unpaired surrogate"
        )

    def test_paired_surrogates_are_text(
        self, clients: tuple[dict[str, Any], PersonalizeFake]
    ) -> None:
        """A character outside the BMP (a surrogate pair on the wire) is recorded as sent."""
        made, fake = clients
        tracking_id = prepare(made["personalize"])[TRACKING_ID]
        made["personalize-events"].put_events(
            trackingId=tracking_id,
            sessionId="s\U0001f600",
            eventList=[{"eventType": "click", "sentAt": 1704067200}],
        )
        assert [e["sessionId"] for e in fake.events(tracking_id)] == ["s\U0001f600"]


class TestDepth:
    def test_deep_wrong_typed_value(self, clients: tuple[dict[str, Any], PersonalizeFake]) -> None:
        """A name nested 350 lists deep is a type error, the value shown whole."""
        response = _error(lambda: clients[0]["personalize"].create_dataset_group(name=_nested(350)))
        assert response["Error"] == {
            "Code": "InvalidInputException",
            "Message": f"1 validation error detected: Value '{'[' * 350}x{']' * 350}' at 'name' "
            "failed to satisfy constraint: Member must be of type string",
        }

    def test_deeply_nested_schema(self, clients: tuple[dict[str, Any], PersonalizeFake]) -> None:
        """A schema of 19,000 '[' (within the member's 20,000 characters) is InvalidInput."""
        made, fake = clients
        response = _error(lambda: made["personalize"].create_schema(name="s", schema="[" * 19000))
        assert response["Error"]["Code"] == "InvalidInputException"
        assert "deeper than 100 levels" in response["Error"]["Message"]
        assert not any(state.resources for state in fake.store.regions.values())

    def test_schema_nested_past_the_limit(
        self, clients: tuple[dict[str, Any], PersonalizeFake]
    ) -> None:
        """Valid JSON nested 101 deep is refused; 100 deep is parsed (and judged as Avro)."""
        personalize = clients[0]["personalize"]
        deep = '{"type": "record", "name": "x", "fields": [{"name": "A", "type": %s}]}'
        too_deep = deep % ("[" * 98 + '"string"' + "]" * 98)
        response = _error(lambda: personalize.create_schema(name="s", schema=too_deep))
        assert response["Error"]["Message"] == (
            "Schema nests arrays and objects deeper than 100 levels."
        )
        fits = deep % ("[" * 97 + '"string"' + "]" * 97)
        assert "schemaArn" in personalize.create_schema(name="s", schema=fits)

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

    def test_botocore_nan_is_refused(self, clients: tuple[dict[str, Any], PersonalizeFake]) -> None:
        """eventValue=float("nan") is refused and records nothing, however botocore writes it:
        a bare NaN (older botocore) is not JSON, the string "NaN" (newer) is not a float."""
        made, fake = clients
        tracking_id = prepare(made["personalize"])[TRACKING_ID]
        event = {"eventType": "click", "sentAt": 1, "eventValue": float("nan")}
        params = {"trackingId": tracking_id, "sessionId": "s", "eventList": [event]}
        model = MODELS["personalize-events"].operation_model("PutEvents")
        body = create_serializer("rest-json", False).serialize_to_request(params, model)["body"]
        bare = b'"eventValue":NaN' in body.replace(b" ", b"")
        response = _error(lambda: made["personalize-events"].put_events(**params))
        expected = "SerializationException" if bare else "InvalidInputException"
        assert response["Error"]["Code"] == expected
        assert fake.events(tracking_id) == []

    def test_schema_with_nan(self, clients: tuple[dict[str, Any], PersonalizeFake]) -> None:
        """A schema whose JSON holds NaN is InvalidInputException; nothing is created."""
        schema = '{"type": "record", "name": "x", "fields": [{"name": "A", "type": "double", '
        schema += '"default": NaN}]}'
        response = _error(lambda: clients[0]["personalize"].create_schema(name="s", schema=schema))
        assert response["Error"] == {
            "Code": "InvalidInputException",
            "Message": "Schema is not valid JSON: NaN is not a JSON number.",
        }

    def test_overflowing_float_is_refused_not_stored(self) -> None:
        """An eventValue of 1e999 (infinite as a double) is refused; nothing is recorded."""
        with mock_personalize(lifecycle="instant") as fake:
            tracking_id = prepare(boto3.client("personalize", region_name=REGION))[TRACKING_ID]
            _, path, headers = _target("personalize-events", "PutEvents")
            event = {"eventType": "c", "sentAt": 1, "eventValue": 1.5}
            body = json.dumps({"trackingId": tracking_id, "sessionId": "s", "eventList": [event]})
            body = body.replace("1.5", "1e999")
            response = fake.handle(WireRequest("POST", path, headers, body.encode(), REGION))
            assert response.headers["x-amzn-errortype"] == "InvalidInputException"
            assert response.document == {
                "message": "1 validation error detected: Value '*** Sensitive Data Redacted ***' "
                "at 'eventList.1.member.eventValue' failed to satisfy constraint: "
                "Member must be a finite number"
            }
            assert fake.events(tracking_id) == []

    def test_huge_int_is_rendered(self) -> None:
        """An int beyond the int-to-str digit limit still renders, in full, in a message."""
        assert sys.get_int_max_str_digits() < 5001
        assert render([10**5000]) == "[1" + "0" * 5000 + "]"


class TestMethods:
    def test_json_11_takes_only_post(self) -> None:
        """GET / with a CreateDatasetGroup target is UnknownOperationException; nothing made."""
        with serving(lifecycle="instant") as (url, fake):
            headers = {
                "Content-Type": JSON_11,
                "X-Amz-Target": "AmazonPersonalize.CreateDatasetGroup",
                **AUTH,
            }
            for method in ("GET", "PUT", "DELETE"):
                status, body = _send(url, method, "/", headers, b'{"name": "shop"}')
                in_process = fake.handle(
                    WireRequest(method, "/", headers, b'{"name": "shop"}', REGION)
                )
                assert (status, json.loads(body)) == (in_process.status, in_process.document)
                assert in_process.document == {
                    "__type": "UnknownOperationException",
                    "message": "Operation AmazonPersonalize.CreateDatasetGroup takes POST, "
                    f"not {method}.",
                }
                assert status == 400
            assert not any(state.resources for state in fake.store.regions.values())
