"""The HTTP server: three services on one port, in-process answers, ``/_fake/``.

State files are tested in tests/state/test_state_file.py.

Every test here talks to a real socket on 127.0.0.1 (``serving()`` runs the
server in a thread), through boto3 with ``endpoint_url=`` or through raw
``http.client`` for what no SDK would send. No mock is active, so the botocore
hook passes every call on to the server.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from support import (
    INTERACTIONS_SCHEMA,
    SENT_AT,
    Reply,
    admin,
    client,
    make_dataset,
    send,
    tracker_setup,
)

from personalize_fake import PersonalizeFake, Settings, WireRequest
from personalize_fake.server import MAX_BODY, PersonalizeServer, serving

SCOPE = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{}/personalize/aws4_request, "
SIGNED = SCOPE + "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef"
AUTH = {"Authorization": SIGNED.format("us-east-1")}
JSON_11 = "application/x-amz-json-1.1"
OTHER_ACCOUNT = "111122223333"


def control(url: str, op: str, body: Any = None, **headers: str) -> Reply:
    """A JSON 1.1 control-plane call, signed (not really) for us-east-1."""
    raw = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
    sent = {"Content-Type": JSON_11, "X-Amz-Target": f"AmazonPersonalize.{op}", **AUTH, **headers}
    return send(url, "POST", "/", raw, sent)


def raw_head(path: str, *lines: str, target: str | None = None) -> bytes:
    """A POST's head as a raw client writes it (Host, Authorization, and ``lines``), for
    :func:`raw_exchange`; ``target`` adds a control-plane operation's target and content type."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Authorization: x"]
    if target is not None:
        head += [f"X-Amz-Target: AmazonPersonalize.{target}", f"Content-Type: {JSON_11}"]
    return "\r\n".join([*head, *lines, "", ""]).encode("latin-1")


def raw_exchange(url: str, data: bytes, *, half_close: bool = True) -> bytes:
    """Bytes in, bytes out on a plain socket, for requests http.client will not send."""
    split = urlsplit(url)
    with socket.create_connection((split.hostname, split.port), timeout=10) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def server() -> Iterator[tuple[str, PersonalizeFake]]:
    with serving(lifecycle="instant", dataset_groups_per_region=1000) as served:
        yield served


@pytest.fixture
def url(server: tuple[str, PersonalizeFake]) -> str:
    return server[0]


class TestBoto3:
    def test_tracker_scenario(self) -> None:
        """Setup polled to ACTIVE, put_events, and the events read back over /_fake/."""
        with serving() as (url, fake):  # stepwise: each Describe moves one step
            group, tracking_id = tracker_setup(client("personalize", url))
            client("personalize-events", url).put_events(
                trackingId=tracking_id,
                sessionId="s1",
                userId="u1",
                eventList=[{"eventType": "click", "itemId": "i1", "sentAt": SENT_AT}],
            )
            events = admin(url, "GET", f"events?trackingId={tracking_id}").json["events"]
            assert fake.events(tracking_id)[0]["sentAt"] == SENT_AT
        assert events == [
            {
                "trackingId": tracking_id,
                "sessionId": "s1",
                "userId": "u1",
                "eventType": "click",
                "itemId": "i1",
                "sentAt": "2026-01-01T12:00:00+00:00",
            }
        ]
        assert group.endswith(":dataset-group/shop")

    def test_region_from_the_credential_scope(self, url: str) -> None:
        """A client's region is its signature's: resources and ARNs are per region."""
        west = client("personalize", url, "eu-west-1")
        arn = west.create_dataset_group(name="shop")["datasetGroupArn"]
        assert arn == "arn:aws:personalize:eu-west-1:123456789012:dataset-group/shop"
        assert client("personalize", url).list_dataset_groups()["datasetGroups"] == []

    def test_account_from_the_option(self) -> None:
        """The account is the server's option, whatever the credentials."""
        with serving(account_id=OTHER_ACCOUNT) as (url, _):
            arn = client("personalize", url).create_dataset_group(name="g")["datasetGroupArn"]
        assert f":{OTHER_ACCOUNT}:" in arn

    def test_modeled_errors(self, url: str) -> None:
        """Errors reach boto3 as the service's codes, messages and statuses."""
        personalize = client("personalize", url)
        with pytest.raises(personalize.exceptions.ResourceNotFoundException) as exc:
            personalize.describe_schema(schemaArn="arn:aws:personalize:us-east-1:1:schema/x")
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "schema/x does not exist" in exc.value.response["Error"]["Message"]

    def test_events_and_runtime_on_the_same_port(self, url: str) -> None:
        """personalize-events and personalize-runtime are routed by path on the same port."""
        events = client("personalize-events", url)
        with pytest.raises(ClientError) as exc:
            events.put_events(
                trackingId="nope", sessionId="s", eventList=[{"eventType": "c", "sentAt": SENT_AT}]
            )
        assert exc.value.response["Error"]["Code"] == "InvalidInputException"
        runtime = client("personalize-runtime", url)
        campaign = "arn:aws:personalize:us-east-1:123456789012:campaign/c"
        with pytest.raises(ClientError) as exc:
            runtime.get_recommendations(campaignArn=campaign, userId="u1")
        assert exc.value.response["Error"]["Code"] != "UnknownOperationException"

    def test_paginator(self, url: str) -> None:
        """boto3's paginators follow the server's tokens."""
        personalize = client("personalize", url)
        for index in range(5):
            personalize.create_dataset_group(name=f"g{index}")
        pages = personalize.get_paginator("list_dataset_groups").paginate(
            PaginationConfig={"PageSize": 2}
        )
        assert sum(len(page["datasetGroups"]) for page in pages) == 5

    def test_describe_round_trip_is_fast(self, url: str) -> None:
        """A kept-alive boto3 call costs about a millisecond, not a delayed-ACK 40 ms."""
        personalize = client("personalize", url)
        arn = personalize.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
        personalize.describe_schema(schemaArn=arn)
        started = time.perf_counter()
        for _ in range(20):
            personalize.describe_schema(schemaArn=arn)
        assert (time.perf_counter() - started) / 20 < 0.02


def _without_request_id(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in ("x-amzn-requestid", "date")}


SAME_ANSWER_CASES = [
    pytest.param("POST", "/", "CreateDatasetGroup", b'{"name":"shop"}', id="create"),
    pytest.param("POST", "/", "CreateDatasetGroup", b'{"name":"shop"}', id="already-exists"),
    pytest.param("POST", "/", "ListSchemas", b"{}", id="list"),
    pytest.param("POST", "/", "CreateDatasetGroup", b'{"name":"bad name"}', id="invalid"),
    pytest.param("POST", "/", "CreateDatasetGroup", b"{nope", id="malformed"),
    pytest.param("POST", "/", "MakeCoffee", b"{}", id="unknown-target"),
    pytest.param("POST", "/events", None, b'{"trackingId":"t"}', id="rest-invalid"),
    pytest.param("POST", "/items", None, b"{}", id="rest-missing-members"),
    pytest.param("GET", "/nowhere", None, b"", id="unknown-path"),
]


class TestSameAnswer:
    def test_as_in_process(self) -> None:
        """Each request gets the status, headers and body that fake.handle() gives it."""
        in_process = PersonalizeFake(Settings(lifecycle="instant"))
        with serving(lifecycle="instant") as (url, _):
            for case in SAME_ANSWER_CASES:
                method, path, op, body = case.values
                headers = {"Content-Type": JSON_11, **AUTH}
                if op is not None:
                    headers["X-Amz-Target"] = f"AmazonPersonalize.{op}"
                else:
                    headers["Content-Type"] = "application/json"
                served = send(url, method, path, body, headers)
                expected = in_process.handle(WireRequest(method, path, headers, body))
                assert (served.status, served.body) == (expected.status, expected.body), case.id
                assert _without_request_id(served.headers) == _without_request_id(
                    expected.headers
                ), case.id
                assert set(served.headers) - set(expected.headers) == {"date"}, case.id


class TestFrontDoor:
    def test_no_authorization_json_11(self, url: str) -> None:
        """No Authorization header: 403 MissingAuthenticationTokenException, as AWS answers."""
        reply = send(
            url,
            "POST",
            "/",
            b"{}",
            {"Content-Type": JSON_11, "X-Amz-Target": "AmazonPersonalize.ListSchemas"},
        )
        assert reply.status == 403
        assert reply.json == {
            "__type": "MissingAuthenticationTokenException",
            "message": "Missing Authentication Token",
        }
        assert reply.headers["content-type"] == JSON_11

    def test_no_authorization_rest(self, url: str) -> None:
        """On a REST path the code is in x-amzn-ErrorType and the body is {"message"}."""
        reply = send(url, "POST", "/events", b"{}", {"Content-Type": "application/json"})
        assert reply.status == 403
        assert reply.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
        assert reply.json == {"message": "Missing Authentication Token"}

    def test_presigned_query_counts_as_authentication(self, url: str) -> None:
        """A presigned URL's X-Amz-Credential authenticates, and gives the region."""
        credential = "AKIDEXAMPLE%2F20260101%2Fap-south-1%2Fpersonalize%2Faws4_request"
        headers = {"Content-Type": JSON_11, "X-Amz-Target": "AmazonPersonalize.CreateSchema"}
        body = json.dumps({"name": "s", "schema": INTERACTIONS_SCHEMA}).encode()
        reply = send(url, "POST", f"/?X-Amz-Credential={credential}", body, headers)
        assert reply.status == 200
        assert ":ap-south-1:" in reply.json["schemaArn"]

    def test_unreadable_scope_means_us_east_1(self, url: str) -> None:
        """An Authorization header without a SigV4 scope is accepted, for us-east-1."""
        reply = control(url, "CreateDatasetGroup", {"name": "g"}, Authorization="Bearer x")
        assert ":us-east-1:" in reply.json["datasetGroupArn"]

    def test_signatures_are_not_checked(self, url: str) -> None:
        """Any signature passes: the fake has no secret keys to check it with."""
        reply = control(url, "ListSchemas", Authorization=SIGNED.format("eu-west-1") + "00")
        assert reply.status == 200


class TestRobustness:
    """Bad requests get AWS-shaped errors, never a traceback or a hang; the server goes on."""

    @pytest.fixture(autouse=True)
    def _still_serving(self, url: str, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
        caplog.set_level(logging.DEBUG, logger="personalize_fake")
        yield
        assert admin(url, "GET", "health").json["status"] == "ok"
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    def test_malformed_json(self, url: str) -> None:
        reply = control(url, "ListSchemas", b"{not json")
        assert (reply.status, reply.json["__type"]) == (400, "SerializationException")

    def test_json_that_is_not_an_object(self, url: str) -> None:
        reply = control(url, "ListSchemas", b"[1, 2]")
        assert (reply.status, reply.json["__type"]) == (400, "SerializationException")

    def test_wrong_content_type(self, url: str) -> None:
        """JSON 1.1 sent as text/plain is refused as AWS does: no protocol for it."""
        reply = control(url, "ListSchemas", **{"Content-Type": "text/plain"})
        assert (reply.status, reply.json["__type"]) == (400, "UnknownOperationException")
        assert "text/plain" in reply.json["message"]

    def test_unknown_target(self, url: str) -> None:
        reply = control(url, "MakeCoffee")
        assert (reply.status, reply.json["__type"]) == (400, "UnknownOperationException")

    def test_unknown_path(self, url: str) -> None:
        reply = send(url, "POST", "/nowhere", b"{}", AUTH)
        assert reply.status == 404
        assert reply.headers["x-amzn-errortype"] == "UnknownOperationException"

    def test_missing_body(self, url: str) -> None:
        """No body at all is an empty request: validation names what is missing."""
        headers = {"Content-Type": JSON_11, "X-Amz-Target": "AmazonPersonalize.CreateSchema"}
        reply = send(url, "POST", "/", None, {**headers, **AUTH})
        assert (reply.status, reply.json["__type"]) == (400, "InvalidInputException")
        assert "Value null at 'name'" in reply.json["message"]

    def test_oversized_body(self, url: str) -> None:
        """A body over 10 MiB is 413 in the protocol's error shape, and the connection closes."""
        body = b"{" + b" " * MAX_BODY + b"}"
        reply = control(url, "ListSchemas", body)
        assert reply.status == 413
        assert reply.json["__type"] == "RequestEntityTooLargeException"
        assert reply.headers["connection"] == "close"

    def test_oversized_body_announced_with_expect_100(self, url: str) -> None:
        """With Expect: 100-continue the 413 comes before the body is sent."""
        head = raw_head("/events", f"Content-Length: {MAX_BODY + 1}", "Expect: 100-continue")
        answer = raw_exchange(url, head)
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert b"x-amzn-errortype: RequestEntityTooLargeException" in answer

    def test_body_shorter_than_announced(self, url: str) -> None:
        """A body that ends early is a 400 at once, not a wait for bytes that never come."""
        head = raw_head("/", "Content-Length: 100", target="ListSchemas")
        started = time.perf_counter()
        answer = raw_exchange(url, head + b"{}")
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert time.perf_counter() - started < 5

    @pytest.mark.parametrize("expect", [(), ("Expect: 100-continue",)], ids=["plain", "expect"])
    @pytest.mark.parametrize(
        "value",
        ["lots", "\xb2", "1\xb2", "-1", "+5", "1_0", "0x10", "1 0", "", "9" * 20],
        ids=[
            "word",
            "superscript",
            "digit-superscript",
            "minus",
            "plus",
            "underscore",
            "hex",
            "space",
            "empty",
            "20-digits",
        ],
    )
    def test_content_length_not_a_number(
        self, url: str, value: str, expect: tuple[str, ...]
    ) -> None:
        """Only 1 to 19 ASCII digits are a Content-Length: anything else is a JSON 400,
        answered (with Expect: 100-continue too) before any body is read."""
        answer = raw_exchange(url, raw_head("/events", f"Content-Length: {value}", *expect))
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"x-amzn-errortype: BadRequest" in answer
        assert b"100 Continue" not in answer

    def test_chunked_body(self, url: str) -> None:
        """A chunked body is read like any other."""
        body = b'{"name":"chunked"}'
        head = raw_head(
            "/", "Transfer-Encoding: chunked", "Connection: close", target="CreateDatasetGroup"
        )
        chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
        answer = raw_exchange(url, head + chunked)
        assert answer.startswith(b"HTTP/1.1 200 ")
        assert b"dataset-group/chunked" in answer

    @pytest.mark.parametrize(
        "size",
        [b"-1", b"-0", b"0x10", b"+10", b"1_0", b"1 0", b"zz", b"", b"1" + b"0" * 16],
        ids=[
            "negative",
            "minus-zero",
            "0x",
            "plus",
            "underscore",
            "space",
            "garbage",
            "empty",
            "huge",
        ],
    )
    def test_malformed_chunk_size(self, url: str, size: bytes) -> None:
        """A chunk size that is not hex digits is a 400 at once; a -1 never reads "to the end"."""
        body = b'{"name":"chunk"}'  # 16 bytes: 0x10, +10 and 1_0 would be read as its size
        head = raw_head("/", "Transfer-Encoding: chunked", target="CreateDatasetGroup")
        chunked = size + b"\r\n" + body + b"\r\n0\r\n\r\n"
        answer = raw_exchange(url, head + chunked, half_close=False)
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"x-amzn-errortype: BadRequest" in answer

    def test_chunked_body_over_the_cap(self, url: str) -> None:
        """Chunks adding up to more than 10 MiB are a 413 before the one that crosses is read."""
        head = raw_head("/events", "Transfer-Encoding: chunked")
        half = MAX_BODY // 2 + 1
        chunk = f"{half:x}\r\n".encode() + b" " * half + b"\r\n"
        answer = raw_exchange(url, head + chunk + f"{half:x}\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert b"x-amzn-errortype: RequestEntityTooLargeException" in answer

    def test_chunk_longer_than_its_size(self, url: str) -> None:
        head = raw_head("/events", "Transfer-Encoding: chunked")
        answer = raw_exchange(url, head + b"2\r\n{}}\r\n0\r\n\r\n", half_close=False)
        assert answer.startswith(b"HTTP/1.1 400 ")

    def test_endless_trailers(self, url: str) -> None:
        """Trailer lines are bounded as header lines are, not read for as long as they come."""
        head = raw_head("/events", "Transfer-Encoding: chunked") + b"2\r\n{}\r\n0\r\n"
        trailers = b"X-Trailer: 1\r\n" * 101
        answer = raw_exchange(url, head + trailers, half_close=False)
        assert answer.startswith(b"HTTP/1.1 400 ")

    def test_garbage_request_line(self, url: str) -> None:
        """Not HTTP at all: a JSON 400, not http.server's HTML page."""
        answer = raw_exchange(url, b"\x16\x03\x01 hello there\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"application/json" in answer
        assert b"<html" not in answer.lower()

    def test_unsupported_method(self, url: str) -> None:
        answer = raw_exchange(url, b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 501 ")
        assert b"x-amzn-errortype: NotImplemented" in answer

    def test_head_has_no_body(self, url: str) -> None:
        reply = send(url, "HEAD", "/_fake/health")
        assert reply.status == 200
        assert reply.body == b""
        assert int(reply.headers["content-length"]) > 0

    def test_concurrent_clients(self, url: str) -> None:
        """Clients in many threads are all served, while another holds an idle connection."""
        split = urlsplit(url)
        idle = socket.create_connection((split.hostname, split.port), timeout=10)
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                personalize = client("personalize", url)
                for index in range(10):
                    personalize.create_dataset_group(name=f"w{worker}-{index}")
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        idle.close()
        assert not errors
        assert len(client("personalize", url).list_dataset_groups()["datasetGroups"]) == 80


class TestAdmin:
    def test_health(self, url: str) -> None:
        assert admin(url, "GET", "health").json == {
            "status": "ok",
            "lifecycle": "instant",
            "accountId": "123456789012",
        }

    @pytest.mark.parametrize(
        "body",
        [
            b'{"arn": "\\ud800"}',
            b'{"arn": NaN}',
            b"[" * 5000 + b"]" * 5000,
            b'{"arn": "\xff"}',
        ],
        ids=["unpaired-surrogate", "nan", "deep", "not-utf8"],
    )
    def test_hostile_bodies_are_answered_not_crashed(self, url: str, body: bytes) -> None:
        """An admin body no client should send gets a JSON answer below 500, never a crash."""
        reply = send(url, "POST", "/_fake/status", body, {"Content-Type": "application/json"})
        assert 400 <= reply.status < 500
        assert reply.json["__type"] in ("BadRequest", "ResourceNotFound")

    def test_a_reason_it_could_not_keep_is_refused(self, url: str) -> None:
        """A failure reason holding an unpaired surrogate is refused, not stored."""
        personalize = client("personalize", url)
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        body = b'{"arn": "%s", "reason": "bad \\ud800"}' % arn.encode()
        reply = send(url, "POST", "/_fake/fail", body, {"Content-Type": "application/json"})
        assert (reply.status, reply.json["__type"]) == (400, "BadRequest")
        assert "unpaired surrogate" in reply.json["message"]

    def test_reset(self, url: str) -> None:
        """POST /_fake/reset forgets every resource and record."""
        personalize = client("personalize", url)
        personalize.create_dataset_group(name="g")
        assert admin(url, "POST", "reset").status == 200
        assert personalize.list_dataset_groups()["datasetGroups"] == []

    def test_recorded_records(self, url: str) -> None:
        """Users, items and actions put into datasets are read back by dataset ARN."""
        personalize = client("personalize", url)
        events = client("personalize-events", url)
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        users = make_dataset(personalize, group, "Users", ["USER_ID", "AGE"])
        items = make_dataset(personalize, group, "Items", ["ITEM_ID", "GENRE"])
        actions = make_dataset(personalize, group, "Actions", ["ACTION_ID", "VALUE"])
        events.put_users(datasetArn=users, users=[{"userId": "u1", "properties": '{"age": "7"}'}])
        events.put_items(datasetArn=items, items=[{"itemId": "i1"}])
        events.put_actions(datasetArn=actions, actions=[{"actionId": "a1"}])
        assert admin(url, "GET", f"users?datasetArn={users}").json == {
            "users": [{"userId": "u1", "properties": '{"age": "7"}'}]
        }
        assert admin(url, "POST", "items", {"datasetArn": items}).json == {
            "items": [{"itemId": "i1"}]
        }
        assert admin(url, "GET", f"actions?datasetArn={actions}").json == {
            "actions": [{"actionId": "a1"}]
        }

    def test_action_interactions(self, url: str) -> None:
        personalize = client("personalize", url)
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        fields = ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"]
        dataset = make_dataset(personalize, group, "Action_Interactions", fields)
        tracking_id = personalize.describe_dataset(datasetArn=dataset)["dataset"]["trackingId"]
        client("personalize-events", url).put_action_interactions(
            trackingId=tracking_id,
            actionInteractions=[
                {"actionId": "a1", "sessionId": "s", "eventType": "TAKEN", "timestamp": SENT_AT}
            ],
        )
        (recorded,) = admin(url, "GET", f"action-interactions?trackingId={tracking_id}").json[
            "actionInteractions"
        ]
        assert recorded["timestamp"] == "2026-01-01T12:00:00+00:00"

    def test_lifecycle_control(self) -> None:
        """status, advance, fail and settle steer resources of a manual-lifecycle server."""
        with serving(lifecycle="manual") as (url, _):
            personalize = client("personalize", url)
            first = personalize.create_dataset_group(name="a")["datasetGroupArn"]
            second = personalize.create_dataset_group(name="b")["datasetGroupArn"]
            assert admin(url, "GET", f"status?arn={first}").json == {
                "arn": first,
                "status": "CREATE PENDING",
            }
            assert admin(url, "POST", "advance", {"arn": first}).json["status"] == (
                "CREATE IN_PROGRESS"
            )
            failed = admin(url, "POST", "fail", {"arn": first, "reason": "no role"}).json
            assert failed == {"arn": first, "status": "CREATE FAILED"}
            group = personalize.describe_dataset_group(datasetGroupArn=first)["datasetGroup"]
            assert group["failureReason"] == "no role"
            assert admin(url, "POST", "settle", {"arn": second}).json["status"] == "ACTIVE"
            assert admin(url, "POST", "settle").json == {}

    def test_fail_next(self, url: str) -> None:
        """POST /_fake/fail-next makes the next creation of a kind fail, with the reason."""
        reply = admin(url, "POST", "fail-next", {"kind": "dataset-group", "reason": "quota"})
        assert reply.status == 200
        personalize = client("personalize", url)
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        group = personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
        assert (group["status"], group["failureReason"]) == ("CREATE FAILED", "quota")

    @pytest.mark.parametrize(
        ("method", "path", "body", "status", "code"),
        [
            ("GET", "coffee", None, 404, "NotFound"),
            ("GET", "reset", None, 405, "MethodNotAllowed"),
            ("DELETE", "events", None, 405, "MethodNotAllowed"),
            ("GET", "events", None, 400, "BadRequest"),
            ("POST", "advance", {"arn": 7}, 400, "BadRequest"),
            ("POST", "fail", {"arn": "arn:aws:personalize:us-east-1:1:schema/x"}, 404, None),
            ("POST", "fail-next", {"kind": "spaceship"}, 400, "BadRequest"),
            ("POST", "fail-next", {"kind": "dataset", "times": 0}, 400, "BadRequest"),
            ("POST", "fail-next", {"kind": "dataset", "times": 1001}, 400, "BadRequest"),
            ("POST", "fail-next", {"kind": "dataset", "times": 10**7}, 400, "BadRequest"),
            ("POST", "fail-next", {"kind": "dataset", "times": True}, 400, "BadRequest"),
            ("POST", "fail-next", {"kind": "dataset", "reason": "x" * 1001}, 400, "BadRequest"),
            ("POST", "fail", {"arn": "a", "reason": "x" * 1001}, 400, "BadRequest"),
        ],
        ids=[
            "unknown",
            "write-by-get",
            "bad-method",
            "missing-param",
            "not-a-string",
            "no-arn",
            "unknown-kind",
            "no-times",
            "too-many-times",
            "ten-million-times",
            "times-true",
            "long-reason",
            "long-fail-reason",
        ],
    )
    def test_errors(
        self, url: str, method: str, path: str, body: Any, status: int, code: str | None
    ) -> None:
        """Admin mistakes are JSON errors that say what was wrong."""
        reply = admin(url, method, path, body)
        assert reply.status == status
        assert code is None or reply.json["__type"] == code
        assert reply.json["message"]

    def test_fail_next_at_its_bound(self, url: str) -> None:
        """fail-next takes up to 1,000 creations at once."""
        reply = admin(url, "POST", "fail-next", {"kind": "dataset", "times": 1000})
        assert reply.status == 200

    def test_unknown_endpoint_lists_the_known_ones(self, url: str) -> None:
        assert "/_fake/events" in admin(url, "GET", "coffee").json["message"]

    def test_fail_an_active_resource(self, url: str) -> None:
        """Failing what is not being created is a 409 that says why."""
        arn = client("personalize", url).create_dataset_group(name="g")["datasetGroupArn"]
        reply = admin(url, "POST", "fail", {"arn": arn})
        assert reply.status == 409
        assert "ACTIVE" in reply.json["message"]

    def test_body_not_json(self, url: str) -> None:
        reply = send(url, "POST", "/_fake/settle", b"{nope", {"Content-Type": "application/json"})
        assert (reply.status, reply.json["__type"]) == (400, "BadRequest")

    def test_no_authorization_needed(self, url: str) -> None:
        """The admin surface is not AWS: it takes no signature."""
        assert send(url, "GET", "/_fake/health").status == 200


PRESIGNED = "X-Amz-Credential=a%2F20260101%2Fus-east-1%2Fpersonalize%2Faws4_request"
"""A presigned URL's query: authentication that needs no header, so a web page can send it."""


def groups(url: str) -> list[str]:
    names = control(url, "ListDatasetGroups").json["datasetGroups"]
    return [g["name"] for g in names]


class TestWhoCanReach:
    """Host, Origin, Content-Type and token checks: what a web page, or the network, can do."""

    def test_a_page_cannot_reset_the_fake(self, url: str) -> None:
        """The issue's case: a cross-site text/plain POST to /_fake/reset wipes nothing."""
        control(url, "CreateDatasetGroup", {"name": "kept"})
        headers = {"Content-Type": "text/plain", "Origin": "http://evil.example"}
        reply = send(url, "POST", "/_fake/reset", b"{}", headers)
        assert reply.status == 403
        assert reply.json["__type"] == "CrossOriginRequestRefused"
        assert groups(url) == ["kept"]

    @pytest.mark.parametrize(
        "marks",
        [
            {"Origin": "http://evil.example"},
            {"Origin": "null"},
            {"Origin": "http://127.0.0.1:1"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
        ],
        ids=["other-site", "opaque", "other-port", "cross-site", "same-site"],
    )
    @pytest.mark.parametrize("where", ["admin", "presigned", "signed"])
    def test_browser_requests_from_other_origins(
        self, url: str, marks: dict[str, str], where: str
    ) -> None:
        """A request a browser marks as from another origin is refused, admin or AWS path."""
        body = json.dumps({"name": "g"}).encode()
        if where == "admin":
            reply = send(url, "POST", "/_fake/settle", None, marks)
        elif where == "presigned":
            target = {"X-Amz-Target": "AmazonPersonalize.CreateDatasetGroup"}
            reply = send(url, "POST", f"/?{PRESIGNED}", body, {**target, **marks})
        else:
            reply = control(url, "CreateDatasetGroup", body, **marks)
        assert reply.status == 403
        code = reply.headers.get("x-amzn-errortype") or reply.json["__type"]
        assert code == "CrossOriginRequestRefused"
        assert groups(url) == []

    @pytest.mark.parametrize("path", ["/", "/events", "/_fake/reset"])
    def test_no_preflight_is_granted(self, url: str, path: str) -> None:
        """A page must ask (CORS preflight) before sending Authorization or JSON: never granted."""
        asked = {
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-amz-target",
        }
        reply = send(url, "OPTIONS", path, None, asked)
        assert reply.status == 403
        assert not [name for name in reply.headers if name.startswith("access-control-")]

    @pytest.mark.parametrize(
        "marks",
        [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": "own"}],
        ids=["same-origin", "typed-url", "own-origin"],
    )
    def test_browser_requests_from_the_servers_own_origin(
        self, url: str, marks: dict[str, str]
    ) -> None:
        """A browser on the server's own origin (a URL typed in, say) is answered."""
        if marks.get("Origin") == "own":
            marks = {"Origin": url}
        assert send(url, "GET", "/_fake/health", None, marks).status == 200

    @pytest.mark.parametrize(
        "host",
        [
            "evil.example",
            "evil.example:4567",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "127.1",
            "::1",
            "a b",
        ],
    )
    @pytest.mark.parametrize("where", ["admin", "aws"])
    def test_foreign_host(self, url: str, host: str, where: str) -> None:
        """A Host that is not an address of the server (DNS rebinding sends its own) is 403."""
        if where == "admin":
            reply = send(url, "GET", "/_fake/health", None, {"Host": host})
            assert reply.json["__type"] == "HostNotAllowed"
        else:
            reply = control(url, "ListDatasetGroups", Host=host)
            assert reply.json["__type"] == "HostNotAllowed"
        assert reply.status == 403
        assert "--allow-host" in reply.json["message"]

    @pytest.mark.parametrize(
        "host",
        [
            "localhost",
            "LOCALHOST:1234",
            "localhost.",
            "127.0.0.1",
            "[::1]:80",
            "10.1.2.3",
            "[fe80::1]",
        ],
    )
    def test_addresses_of_the_server(self, url: str, host: str) -> None:
        """IP addresses and localhost are answered, whatever the port (a mapped one, say)."""
        assert send(url, "GET", "/_fake/health", None, {"Host": host}).status == 200
        assert control(url, "ListDatasetGroups", Host=host).status == 200

    def test_no_host_header(self, url: str) -> None:
        """An HTTP/1.0 request without Host (no browser sends one) is answered."""
        answer = raw_exchange(url, b"GET /_fake/health HTTP/1.0\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 ")

    def test_two_host_headers(self, url: str) -> None:
        head = b"GET /_fake/health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"
        assert raw_exchange(url, head).startswith(b"HTTP/1.1 400 ")

    def test_boto3_by_localhost(self, url: str) -> None:
        """boto3 with endpoint_url=http://localhost:PORT (Host: localhost:PORT) works."""
        port = urlsplit(url).port
        personalize = client("personalize", f"http://localhost:{port}")
        personalize.create_dataset_group(name="g")
        assert len(personalize.list_dataset_groups()["datasetGroups"]) == 1

    def test_allowed_host_names(self) -> None:
        """allow_hosts adds names (a docker-compose service name); others are still refused."""
        with serving(allow_hosts=["fake", "Other.Example."]) as (url, _):
            for host in ("fake:4567", "FAKE", "other.example", "fake."):
                assert send(url, "GET", "/_fake/health", None, {"Host": host}).status == 200
            assert send(url, "GET", "/_fake/health", None, {"Host": "fake2"}).status == 403

    def test_the_host_it_listens_on_by_name(self) -> None:
        with serving(host="localhost") as (url, _):
            assert send(url, "GET", "/_fake/health", None, {"Host": "localhost"}).status == 200

    def test_any_host(self) -> None:
        with serving(allow_hosts=["*"]) as (url, _):
            reply = send(url, "GET", "/_fake/health", None, {"Host": "evil.example"})
            assert reply.status == 200

    @pytest.mark.parametrize("entry", ["fake:4567", "a b", "", "http://fake", "-fake"])
    def test_bad_allowed_host(self, entry: str) -> None:
        with pytest.raises(ValueError, match="allowed host"):
            PersonalizeServer(port=0, allow_hosts=[entry])

    def test_allowed_hosts_as_one_string(self) -> None:
        """allow_hosts="fake" would be four one-letter names: a TypeError says so."""
        with pytest.raises(TypeError, match="list of names"):
            PersonalizeServer(port=0, allow_hosts="fake")

    @pytest.mark.parametrize(
        "content_type",
        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
    )
    def test_admin_posts_a_page_may_send(self, url: str, content_type: str) -> None:
        """Forms and text/plain (what a page may post without asking) are 415, state kept."""
        control(url, "CreateDatasetGroup", {"name": "kept"})
        reply = send(url, "POST", "/_fake/reset", b"{}", {"Content-Type": content_type})
        assert reply.status == 415
        assert reply.json["__type"] == "UnsupportedMediaType"
        assert groups(url) == ["kept"]

    def test_admin_body_without_content_type(self, url: str) -> None:
        reply = send(url, "POST", "/_fake/fail-next", b'{"kind": "dataset"}')
        assert (reply.status, reply.json["__type"]) == (415, "UnsupportedMediaType")

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Content-Type": "application/json"},
            {"Content-Type": "Application/JSON; charset=utf-8"},
        ],
        ids=["none", "json", "json-charset"],
    )
    def test_admin_posts_that_pass(self, url: str, headers: dict[str, str]) -> None:
        """No body (curl -X POST), or a body declared JSON, is answered."""
        body = b"{}" if headers else None
        assert send(url, "POST", "/_fake/reset", body, headers).status == 200


TOKEN = "s3cret-T0ken_~"


class TestAdminToken:
    @pytest.fixture
    def url(self) -> Iterator[str]:
        with serving(lifecycle="instant", admin_token=TOKEN) as (url, _):
            yield url

    @pytest.mark.parametrize("path", ["health", "events?trackingId=t", "coffee"])
    def test_missing(self, url: str, path: str) -> None:
        """Without the token every /_fake/ request is 401, unknown endpoints too."""
        reply = admin(url, "GET", path)
        assert (reply.status, reply.json["__type"]) == (401, "AdminTokenRequired")
        assert reply.headers["www-authenticate"].startswith("Bearer")

    def test_a_sigv4_signature_is_not_the_token(self, url: str) -> None:
        reply = admin(url, "POST", "reset", **AUTH)
        assert (reply.status, reply.json["__type"]) == (401, "AdminTokenRequired")

    @pytest.mark.parametrize("given", ["wrong", TOKEN + "x", TOKEN[:-1], "", "s3cret-T0ken_\u00e9"])
    def test_wrong(self, url: str, given: str) -> None:
        authorization = f"Bearer {given}".encode().decode("latin-1")
        reply = admin(url, "POST", "reset", Authorization=authorization)
        assert (reply.status, reply.json["__type"]) == (403, "AdminTokenInvalid")

    @pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
    def test_right(self, url: str, scheme: str) -> None:
        control(url, "CreateDatasetGroup", {"name": "gone"})
        reply = admin(url, "POST", "reset", {}, Authorization=f"{scheme} {TOKEN}")
        assert reply.status == 200
        assert groups(url) == []

    def test_aws_operations_do_not_need_it(self, url: str) -> None:
        """boto3 calls sign as usual: the token guards /_fake/ only."""
        personalize = client("personalize", url)
        personalize.create_dataset_group(name="g")
        assert len(personalize.list_dataset_groups()["datasetGroups"]) == 1

    @pytest.mark.parametrize("token", ["", "two words", "caf\u00e9", "tab\t"])
    def test_bad_token(self, token: str) -> None:
        with pytest.raises(ValueError, match="admin token"):
            PersonalizeServer(port=0, admin_token=token)


class TestBeyondLoopback:
    def test_warns_when_listening_on_every_interface(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """0.0.0.0 logs a warning: who can reach it, and the token that guards /_fake/."""
        server = PersonalizeServer(host="0.0.0.0", port=0)
        server.close()
        (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert "beyond this machine" in record.getMessage()
        assert "--admin-token" in record.getMessage()

    def test_with_a_token_the_warning_says_so(self, caplog: pytest.LogCaptureFixture) -> None:
        server = PersonalizeServer(host="0.0.0.0", port=0, admin_token=TOKEN)
        server.close()
        (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert "/_fake/ needs the admin token" in record.getMessage()

    @pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
    def test_no_warning_on_loopback(self, caplog: pytest.LogCaptureFixture, host: str) -> None:
        PersonalizeServer(host=host, port=0).close()
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_stop_ends_serve_forever_in_a_thread_of_ones_own() -> None:
    """stop() from another thread makes serve_forever() return, whichever thread runs it."""
    server = PersonalizeServer(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert send(server.url, "GET", "/_fake/health").status == 200
        assert server.running
    finally:
        server.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert not server.running


def test_a_server_never_stopped_does_not_hang_interpreter_exit(tmp_path: Path) -> None:
    """A serving() block left open (a crashed test) lets the interpreter exit, not hang."""
    script = tmp_path / "left_open.py"
    script.write_text(
        "from personalize_fake.server import serving\n"
        "url, fake = serving(lifecycle='instant').__enter__()\n"
        "print(url)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:")
