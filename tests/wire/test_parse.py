"""The fast response parser stands in for botocore's: prove them equal on every output shape.

``personalize_fake._wire.parse.parse`` skips botocore's parser for success responses
and walks the document it already holds. Every test here feeds the same wire
response to both and demands the same result, down to the Python types.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.parsers import create_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalize_fake import WireRequest, WireResponse
from personalize_fake._model.catalog import Operation, catalog
from personalize_fake._wire.parse import parse

OPERATIONS = sorted(catalog().operations(), key=lambda op: (op.service, op.name))
WITH_OUTPUT = [op for op in OPERATIONS if op.output_shape is not None]
WITHOUT_OUTPUT = [op for op in OPERATIONS if op.output_shape is None]
CONTENT_TYPE = {"json": "application/x-amz-json-1.1", "rest-json": "application/json"}

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _id(op: Operation) -> str:
    return f"{op.service}.{op.name}"


# -- strategies for JSON documents of a shape ---------------------------------

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
FLOATS = st.floats(allow_nan=False) | st.integers(-(2**53), 2**53)
EPOCHS = st.floats(min_value=0, max_value=4e9) | st.integers(min_value=0, max_value=4_000_000_000)


@functools.cache
def documents(shape: Shape) -> st.SearchStrategy[Any]:
    """JSON values of ``shape`` as a service might send them: nulls, unknown keys and all."""
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        members = {
            member.serialization.get("name", name): st.none() | documents(member)
            for name, member in shape.members.items()
        }
        unknown = st.dictionaries(
            st.text(max_size=8).filter(lambda key: key not in members), JSON_SCALARS, max_size=2
        )
        known = st.fixed_dictionaries({}, optional=members)
        return st.builds(lambda extra, doc: {**extra, **doc}, unknown, known)
    if isinstance(shape, ListShape):
        return st.lists(st.none() | documents(shape.member), max_size=3)
    if isinstance(shape, MapShape):
        values = documents(shape.value)
        if shape.value.type_name in ("string", "double", "structure"):
            values = st.none() | values  # botocore keeps a null here; it would crash on others
        return st.dictionaries(documents(shape.key), values, max_size=3)
    if kind == "string":
        return st.sampled_from(shape.enum) | st.text(max_size=10) if shape.enum else st.text()
    if kind in ("integer", "long"):
        return st.integers()
    if kind in ("float", "double"):
        return FLOATS
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return EPOCHS
    raise AssertionError(f"no strategy for {kind} shape {shape.name}: extend documents()")


# -- the two parsers ------------------------------------------------------------


def wire(op: Operation, status: int, document: Any, body: bytes | None = None) -> WireResponse:
    headers = {"x-amzn-requestid": str(uuid.uuid4()), "content-type": CONTENT_TYPE[op.protocol]}
    if body is None:
        body = b"" if document is None else json.dumps(document).encode()
    headers["content-length"] = str(len(body))
    return WireResponse(status, headers, body, document, op)


def both(op: Operation, response: WireResponse) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the fast result, botocore's result plus RetryAttempts) for one wire response."""
    http = AWSResponse(
        "https://personalize.us-east-1.amazonaws.com/", response.status, response.headers, None
    )
    fast = parse(op, response, http)
    expected = create_parser(op.protocol).parse(
        {
            "status_code": response.status,
            "headers": http.headers,
            "body": response.body,
            "context": {"operation_name": op.name},
        },
        op.output_shape,
    )
    expected["ResponseMetadata"]["RetryAttempts"] = 0
    return fast, expected


def assert_same(got: Any, expected: Any, path: str = "") -> None:
    """Equal values of identical types all the way down (``1 == 1.0`` is not enough).

    Keys must also come in the same order, so a result prints as botocore's does.
    """
    assert type(got) is type(expected), f"{path or '<top>'}: {got!r} != {expected!r}"
    if isinstance(expected, dict):
        assert list(got) == list(expected), f"{path or '<top>'}: keys differ or are out of order"
        for key in expected:
            assert_same(got[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(got) == len(expected), f"{path}: lengths differ"
        for index, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_same(a, b, f"{path}[{index}]")
    else:
        assert got == expected, f"{path}: {got!r} != {expected!r}"


# -- success responses ------------------------------------------------------------


class TestSuccess:
    @pytest.mark.parametrize("op", WITH_OUTPUT, ids=_id)
    @FAST
    @given(data=st.data())
    def test_fast_path_equals_botocore_on_every_output_shape(
        self, op: Operation, data: st.DataObject
    ) -> None:
        """Any document of the output shape parses exactly as botocore's parser parses it."""
        assert op.output_shape is not None
        document = data.draw(documents(op.output_shape))
        fast, expected = both(op, wire(op, 200, document))
        assert_same(fast, expected)

    @pytest.mark.parametrize("op", WITH_OUTPUT, ids=_id)
    def test_empty_body_of_an_output_shape(self, op: Operation) -> None:
        """An empty body (no document) parses to no members, as botocore has it."""
        fast, expected = both(op, wire(op, 200, None))
        assert_same(fast, expected)
        assert set(fast) == {"ResponseMetadata"}

    @pytest.mark.parametrize("op", WITHOUT_OUTPUT, ids=_id)
    @pytest.mark.parametrize("document", [None, {}], ids=["empty-body", "empty-object"])
    def test_operations_without_output(self, op: Operation, document: Any) -> None:
        """Delete, Stop and the events Put calls answer ``{}`` or nothing; both parse alike."""
        fast, expected = both(op, wire(op, 200, document))
        assert_same(fast, expected)

    def test_response_metadata(self) -> None:
        """RequestId, status, lower-cased headers and RetryAttempts 0, as a client returns them."""
        op = catalog().operation("personalize", "CreateSchema")
        response = wire(op, 200, {"schemaArn": "arn:aws:personalize:us-east-1:1:schema/s"})
        fast, _ = both(op, response)
        assert fast["ResponseMetadata"] == {
            "RequestId": response.headers["x-amzn-requestid"],
            "HTTPStatusCode": 200,
            "HTTPHeaders": {k.lower(): v for k, v in response.headers.items()},
            "RetryAttempts": 0,
        }

    def test_timestamps_become_aware_datetimes(self) -> None:
        """Epoch numbers in a Describe come back as timezone-aware datetimes."""
        op = catalog().operation("personalize", "DescribeDatasetGroup")
        doc = {"datasetGroup": {"creationDateTime": 1554304597.806, "lastUpdatedDateTime": 0}}
        fast, expected = both(op, wire(op, 200, doc))
        assert_same(fast, expected)
        created = fast["datasetGroup"]["creationDateTime"]
        assert isinstance(created, datetime.datetime)
        assert created.tzinfo is not None
        assert created.timestamp() == pytest.approx(1554304597.806)

    def test_rest_json_numbers_are_coerced_like_botocore(self) -> None:
        """A runtime score sent as an integer reaches the caller as the installed botocore
        makes it (a float from the releases whose REST-JSON parser coerces floats)."""
        op = catalog().operation("personalize-runtime", "GetRecommendations")
        doc = {"itemList": [{"itemId": "i", "score": 1}], "recommendationId": "r"}
        fast, expected = both(op, wire(op, 200, doc))
        assert_same(fast, expected)
        assert fast["itemList"][0]["score"] == 1.0
        assert type(fast["itemList"][0]["score"]) is type(expected["itemList"][0]["score"])

    def test_result_does_not_alias_the_document(self) -> None:
        """Mutating a parsed result cannot reach the document the fake answered with."""
        op = catalog().operation("personalize-runtime", "GetRecommendations")
        doc = {"itemList": [{"itemId": "i", "metadata": {"k": "v"}}]}
        fast, _ = both(op, wire(op, 200, doc))
        fast["itemList"][0]["metadata"]["k"] = "changed"
        fast["itemList"].append({"itemId": "j"})
        assert doc == {"itemList": [{"itemId": "i", "metadata": {"k": "v"}}]}

    @pytest.mark.parametrize("op", WITH_OUTPUT[:1] + WITH_OUTPUT[-1:], ids=_id)
    def test_body_without_document_goes_through_botocore(self, op: Operation) -> None:
        """An adapter that hands over only bytes still gets botocore's exact answer."""
        response = WireResponse(200, wire(op, 200, None).headers, b'{"unknown": 1}', None, op)
        fast, expected = both(op, response)
        assert_same(fast, expected)


# -- error responses ----------------------------------------------------------------

CODES = st.sampled_from(
    [
        "InvalidInputException",
        "ResourceNotFoundException",
        "com.amazonaws.personalize#ResourceInUseException",
        "LimitExceededException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
        "NotImplementedException",
    ]
)
MESSAGES = st.text(max_size=30)


@st.composite
def error_responses(draw: st.DrawFn, op: Operation) -> WireResponse:
    code, message = draw(CODES), draw(MESSAGES)
    status = draw(st.sampled_from([400, 404, 409, 429, 500, 503]))
    key = draw(st.sampled_from(["message", "Message"]))
    if op.protocol == "json":
        document: dict[str, Any] = {"__type": code, key: message}
        response = wire(op, status, document)
    else:
        document = {key: message}
        if draw(st.booleans()):
            document["code"] = code
        response = wire(op, status, document)
        if draw(st.booleans()):
            response.headers["x-amzn-errortype"] = code
    if draw(st.booleans()):  # a body the error parser sees as text, or none at all
        body = draw(st.sampled_from([b"", b"<html><body>Service Unavailable</body></html>"]))
        response = WireResponse(status, response.headers, body, None, op)
    return response


ONE_PER_PROTOCOL = [
    catalog().operation("personalize", "CreateEventTracker"),
    catalog().operation("personalize", "DeleteDatasetGroup"),
    catalog().operation("personalize-events", "PutEvents"),
    catalog().operation("personalize-runtime", "GetRecommendations"),
]


class TestErrors:
    @pytest.mark.parametrize("op", ONE_PER_PROTOCOL, ids=_id)
    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_error_responses_parse_as_botocore_parses_them(
        self, op: Operation, data: st.DataObject
    ) -> None:
        """Errors of both protocols, any status, code form or body, parse like botocore's."""
        fast, expected = both(op, data.draw(error_responses(op)))
        assert_same(fast, expected)

    @pytest.mark.parametrize(
        ("service", "target", "path", "status"),
        [
            ("personalize", "AmazonPersonalize.CreateEventTracker", "/", 400),
            ("personalize-events", None, "/events", 400),
            ("personalize-runtime", None, "/personalize-ranking", 400),
        ],
    )
    def test_errors_the_dispatcher_answers(
        self, service: str, target: str | None, path: str, status: int
    ) -> None:
        """A rejected request's wire error parses to InvalidInputException and its message."""
        from personalize_fake import mock_personalize

        headers = {"X-Amz-Target": target} if target else {}
        with mock_personalize() as fake:
            response = fake.handle(WireRequest("POST", path, headers, b"{}"))
        assert response.operation is not None
        assert response.operation.service == service
        fast, expected = both(response.operation, response)
        assert_same(fast, expected)
        assert fast["Error"]["Code"] == "InvalidInputException"
        assert "validation error" in fast["Error"]["Message"]
        assert "failed to satisfy constraint: Member must not be null" in fast["Error"]["Message"]
        assert fast["ResponseMetadata"]["HTTPStatusCode"] == status
