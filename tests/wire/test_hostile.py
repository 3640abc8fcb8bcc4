"""Hostile input: every operation answers as AWS would, never with an internal error.

The property tests send generated requests for every operation of the three
models, valid-looking and broken (unpaired surrogates, huge and non-finite
numbers, wrong types, deep nesting, over-long strings and lists, forged tokens),
in-process (``mock_personalize``) and over HTTP (``serving()``), each to a fake
prepared the same way, and hold both answers to the same status, error code and
message, no 5xx, and nothing changed by a rejected call. What no SDK sends (NaN
tokens, overflowing numbers, surrogate escapes, unknown members, bodies nested
thousands deep, other HTTP methods) goes raw through ``fake.handle()`` and a
socket. The targeted tests below them are the reproductions each fix started from.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.loaders import create_loader
from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
)
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from support import INTERACTIONS_SCHEMA

from personalize_fake import PersonalizeFake, Settings, WireRequest, mock_personalize
from personalize_fake._api.registry import load_handlers
from personalize_fake._model.validation import render
from personalize_fake._state.store import Store
from personalize_fake._wire.front_door import FrontDoor
from personalize_fake.server import serving

SERVICES = ("personalize", "personalize-events", "personalize-runtime")
_LOADER = create_loader()  # not a Session: that would read the environment's AWS profile
MODELS = {s: ServiceModel(_LOADER.load_service_model(s, "service-2"), s) for s in SERVICES}
OPERATIONS = [(service, name) for service in SERVICES for name in MODELS[service].operation_names]
REGION = "us-east-1"
ACCOUNT = "123456789012"
UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}
JSON_11 = "application/x-amz-json-1.1"
AUTH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/personalize/"
    "aws4_request, SignedHeaders=host, Signature=0"
}

EXAMPLES = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure shows its example; shrinking one takes
    # minutes (each try is two fakes' worth of calls)
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

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
ARNS = [
    GROUP,
    _arn("schema", "s-interactions"),
    _arn("dataset", "g/INTERACTIONS"),
    _arn("dataset", "g/USERS"),
    _arn("dataset", "g/ITEMS"),
    _arn("dataset", "g/ACTIONS"),
    _arn("dataset", "g/ACTION_INTERACTIONS"),
    TRACKER_ARN,
    _arn("dataset-group", "missing"),
    "arn:aws:iam::123456789012:role/personalize",
    "arn:aws:kms:us-east-1:123456789012:key/k",
    "not an arn",
]


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


def _init_field(field: attrs.Attribute[Any], value: Any) -> bool:
    """A resource's own facts: its init fields (not the back-reference to its region)."""
    return field.init


def fingerprint(store: Store) -> dict[str, str]:
    """Everything a call could change, field by field of the Store (reprs: NaN equals itself).

    Regions holding nothing are left out: whether a failed call may create one is
    another question than whether it changed state.
    """
    found = {}
    for field in attrs.fields(Store):
        if field.name in ("settings", "lock", "secret"):
            continue
        value = getattr(store, field.name)
        if field.name == "regions":
            value = {
                key: (
                    [
                        repr(attrs.asdict(r, recurse=False, filter=_init_field))
                        for r in state.resources.values()
                    ],
                    state.tags,
                    sorted(state.tracking_ids),
                )
                for key, state in value.items()
                if state.resources or state.tags or state.tracking_ids
            }
        found[field.name] = repr(value)
    return found


# -- inputs generated from the input shapes ------------------------------------------


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = st.one_of(
    st.sampled_from(["\ud800", "s\ud800", "\udfff", "a\udc00b", "\ud83d", "\U0001f600"]),
    st.sampled_from([10**30, -(10**30), 2**63, 10**4000, 10**5000]),
    st.sampled_from([1e308, float("inf"), float("-inf"), float("nan"), -0.0]),
    st.sampled_from([True, 0, -1, "x", "", [], {}, ["x"], {"k": "v"}, {"\ud800": 1}]),
    st.sampled_from([40, 350, 700, 2000]).map(_nested),
    st.sampled_from([257, 1501, 20001]).map(lambda size: "a" * size),
)
"""Values no member accepts, or only barely: any of them may stand in for any member."""

TOKENS = st.sampled_from(
    ["", "AAAA", "AAAAAAAAAAAAAAAAAAAAAAAA", "bm9wZQ==", "a" * 1500, "!!", "\ud800"]
)


def _text(low: int, high: int) -> st.SearchStrategy[str]:
    """A name-like string within the member's lengths (most patterns accept these)."""
    first = st.sampled_from("abcdefghijklmnopqrstuvwxyz")
    rest = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=min(high, low + 10))
    return st.builds(lambda a, b: (a + b)[: max(high, 1)].ljust(low, "a"), first, rest)


def _string(shape: Shape, name: str) -> st.SearchStrategy[Any]:
    low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 256)
    if shape.enum:
        return st.sampled_from(shape.enum)
    if name.endswith("Arn") or name == "arn":
        kind = {"datasetGroupArn": "dataset-group/", "schemaArn": "schema/"}.get(name, "")
        kind = kind or {"datasetArn": "dataset/", "eventTrackerArn": TRACKER_ARN}.get(name, "")
        fitting = [arn for arn in ARNS if kind and kind in arn]
        return (
            st.sampled_from(fitting) | st.sampled_from(ARNS) if fitting else st.sampled_from(ARNS)
        )
    if name in ("trackingId",):
        return st.sampled_from([TRACKING_ID, ACTION_TRACKING_ID, "no-such-tracker"])
    if name == "nextToken":
        return TOKENS
    if name == "schema":
        return st.sampled_from([*SCHEMAS.values(), '{"type": "record"}', "[" * 19000, "NaN"])
    if name == "properties":
        return st.sampled_from(['{"color": "red"}', '{"userId": "u"}', "[]", "{"])
    if name == "datasetType":
        return st.sampled_from(["Interactions", "USERS", "items", "Actions", "nope"])
    if name == "name":
        return st.sampled_from(["g", "t", "fresh", "s-users"])
    return _text(low, high)


def draw_value(
    data: st.DataObject, shape: Shape, name: str, hostile: int, *, top: bool = False
) -> Any:
    """A value for ``shape``; with ``hostile`` percent odds at each member, a hostile one.

    botocore's serializer walks containers by their shape (and refuses members the
    model lacks), so only scalars are replaced by any hostile value; a list may get
    one element more than its maximum instead.
    """
    unlucky = hostile and not top and data.draw(st.integers(0, 99)) < hostile
    meta = shape.metadata
    if isinstance(shape, StructureShape):
        out = {}
        for member, target in shape.members.items():
            required = member in shape.required_members
            if (required and not (hostile and data.draw(st.integers(0, 19)) == 0)) or (
                not required and data.draw(st.booleans())
            ):
                out[member] = draw_value(data, target, member, hostile)
        return out
    if isinstance(shape, ListShape):
        size = data.draw(st.integers(max(meta.get("min", 0), 0), min(meta.get("max", 2), 2)))
        if unlucky:  # one element more than allowed: copies of one (drawing each is slow)
            return [draw_value(data, shape.member, name, hostile)] * (meta.get("max", 100) + 1)
        return [draw_value(data, shape.member, name, hostile) for _ in range(size)]
    if isinstance(shape, MapShape):
        out = {}
        for _ in range(data.draw(st.integers(0, 2))):
            key = draw_value(data, shape.key, name, 0)
            if hostile and data.draw(st.integers(0, 99)) < hostile:
                key = data.draw(st.sampled_from(["k\ud800", "", "a" * 300]))
            out[key] = draw_value(data, shape.value, name, hostile)
        return out
    if unlucky:
        return data.draw(HOSTILE)
    kind = shape.type_name
    if kind in ("string", "blob"):
        value = data.draw(_string(shape, name))
        return value.encode() if kind == "blob" and isinstance(value, str) else value
    if kind in ("integer", "long"):
        return data.draw(st.integers(meta.get("min", 0), meta.get("max", 100)))
    if kind in ("float", "double"):
        low, high = meta.get("min", -1e6), meta.get("max", 1e6)
        return data.draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
    if kind == "timestamp":
        return data.draw(st.sampled_from([1704067200, 1704067200.125, 0]))
    assert kind == "boolean", kind
    return data.draw(st.booleans())


def substitute(params: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """``params`` with each sentinel (top-level member) replaced by the fake's own value."""
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in params.items()}


def serializable(model: OperationModel, params: dict[str, Any]) -> bool:
    """Whether botocore can build the request at all (it refuses some values client-side)."""
    try:
        create_serializer(model.metadata["protocol"], False).serialize_to_request(params, model)
    except Exception:  # a serializer failure of any kind means: not sendable
        return False
    return True


# -- the two entry points ---------------------------------------------------------------


Answer = tuple[int, str | None, str | None]
"""HTTP status, error code (None: success), error message with tracking IDs made neutral."""


def call(client: Any, operation: str, params: dict[str, Any], values: dict[str, str]) -> Answer:
    method = getattr(client, xform_name(operation))
    try:
        method(**substitute(params, values))
    except ClientError as error:
        message = error.response["Error"].get("Message") or ""
        for sentinel, value in values.items():
            message = message.replace(value, sentinel)
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        return status, error.response["Error"]["Code"], message
    return 200, None, None


@attrs.define
class Served:
    """The module's server, its clients and prepared state (re-prepared after a success)."""

    fake: PersonalizeFake
    clients: dict[str, Any]
    values: dict[str, str] = attrs.Factory(dict)
    dirty: bool = True

    def ready(self) -> dict[str, str]:
        if self.dirty:
            self.fake.store.clear()
            self.values = prepare(self.clients["personalize"])
            self.dirty = False
        return self.values


@contextlib.contextmanager
def _no_aws_config(tmp: Path) -> Iterator[None]:
    """What conftest's function-scoped ``_no_aws`` does, for clients a module fixture makes."""
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                env.delenv(name)
        env.setenv("AWS_CONFIG_FILE", str(tmp / "no-config"))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-credentials"))
        yield


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with (
        serving(lifecycle="instant") as (url, fake),
        _no_aws_config(tmp_path_factory.mktemp("aws")),
    ):
        clients = {
            service: boto3.client(
                service, endpoint_url=url, region_name=REGION, config=UNCHECKED, **CREDENTIALS
            )
            for service in SERVICES
        }
        yield Served(fake, clients)


@pytest.fixture(scope="module")
def local_clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    with _no_aws_config(tmp_path_factory.mktemp("aws")):
        return {
            service: boto3.client(service, region_name=REGION, config=UNCHECKED, **CREDENTIALS)
            for service in SERVICES
        }


@pytest.mark.parametrize(
    ("service", "operation"), OPERATIONS, ids=[f"{s}.{o}" for s, o in OPERATIONS]
)
def test_every_operation_answers_alike_both_ways(
    service: str, operation: str, served: Served, local_clients: dict[str, Any]
) -> None:
    """Generated inputs: no 5xx, the same answer both ways, nothing changed by a rejection."""
    model = MODELS[service].operation_model(operation)
    counts: collections.Counter[str] = collections.Counter()
    # An operation the fake answers gets more examples than one it only validates.
    examples = EXAMPLES.max_examples * (3 if xform_name(operation) in load_handlers() else 1)

    @settings(EXAMPLES, max_examples=examples)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        hostile = data.draw(st.sampled_from([0, 0, 15, 50]), label="hostile %")
        shape = model.input_shape
        params = draw_value(data, shape, "", hostile, top=True) if shape is not None else {}
        if not serializable(model, params):
            counts["not sendable"] += 1
            reject()
        counts["sent"] += 1
        with mock_personalize(lifecycle="instant") as fake:
            values = prepare(local_clients["personalize"])
            before = fingerprint(fake.store)
            local = call(local_clients[service], operation, params, values)
            changed = fingerprint(fake.store) != before
        values = served.ready()
        before = fingerprint(served.fake.store)
        remote = call(served.clients[service], operation, params, values)
        served.dirty = fingerprint(served.fake.store) != before
        assert local[0] < 500 and local[1] != "InternalFailure", local
        assert remote == local, (remote, local)
        if local[1] is not None:
            counts["rejected"] += 1
            assert not changed, f"a rejected call changed the in-process fake: {local}"
            assert not served.dirty, f"a rejected call changed the served fake: {remote}"

    run()
    assert counts["sent"] >= 2, counts  # the serializer refused nearly all: nothing was proven
    if model.input_shape is not None and model.input_shape.members:
        assert counts["rejected"] >= 1, counts  # no hostile input reached the fake


# -- raw bodies: what no SDK sends, through fake.handle() and a socket ---------------


def _target(service: str, operation: str) -> tuple[str, str, dict[str, str]]:
    model = MODELS[service].operation_model(operation)
    if model.metadata["protocol"] == "json":
        prefix = model.metadata["targetPrefix"]
        return "POST", "/", {"Content-Type": JSON_11, "X-Amz-Target": f"{prefix}.{operation}"}
    return model.http["method"], model.http["requestUri"], {"Content-Type": "application/json"}


RAW_VALUES = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    '"\\uD800"',
    '"\\udfff"',
    '"\\ud83d\\ude00"',
    "1" * 5000,
    "[" * 3000 + "]" * 3000,
    "[" * 900 + "]" * 900,
    "{}",
    "null",
]


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


@pytest.fixture(scope="module")
def raw_server() -> Iterator[tuple[str, PersonalizeFake]]:
    with serving(lifecycle="instant") as served:
        yield served


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from(OPERATIONS),
    st.sampled_from(["POST", "POST", "GET", "PUT"]),
    st.sampled_from(RAW_VALUES),
    st.sampled_from(["member", "unknown member", "body", "garbage"]),
)
def test_raw_bodies_answer_alike_in_process_and_over_http(
    raw_server: tuple[str, PersonalizeFake],
    operation: tuple[str, str],
    method: str,
    raw: str,
    where: str,
) -> None:
    """Raw bodies: the same answer from fake.handle() 300 frames down and from the socket."""
    url, served = raw_server
    served.store.clear()
    local = PersonalizeFake(Settings(lifecycle="instant"))
    default_method, path, headers = _target(*operation)
    shape = MODELS[operation[0]].operation_model(operation[1]).input_shape
    member = next(iter(shape.members)) if shape is not None and shape.members else "x"
    body = {
        "member": f'{{"{member}": {raw}}}',
        "unknown member": f'{{"unknownMember": {raw}}}',
        "body": raw,
        "garbage": f'{{"{member}": "\\u00e9\\ud800"}}',
    }[where].encode()
    if where == "garbage" and raw == "null":
        body = b'{"x": "\xff"}'  # not UTF-8
    method = default_method if method == "POST" else method
    headers = {**headers, **AUTH}
    answer = _deep_call(300, lambda: local.handle(WireRequest(method, path, headers, body, REGION)))
    status, sent = _send(url, method, path, headers, body)
    assert answer.status < 500, answer.body
    assert (status, json.loads(sent or b"null")) == (answer.status, answer.document)
    if status >= 400:
        assert not any(state.resources for state in local.store.regions.values())


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

    def test_deep_properties_are_judged_alike_from_any_stack_depth(self) -> None:
        """properties nested 512 deep get the same answer from a boto3 call made shallow
        and 600 frames down: not a JSON object, whatever the caller's stack."""
        with mock_personalize(lifecycle="instant") as fake:
            tracking_id = prepare(boto3.client("personalize", region_name=REGION))[TRACKING_ID]
            events = boto3.client("personalize-events", region_name=REGION)
            event = {"eventType": "c", "sentAt": 1, "properties": "[" * 512 + "]" * 512}

            def put() -> dict[str, Any]:
                return _error(
                    lambda: events.put_events(
                        trackingId=tracking_id, sessionId="s", eventList=[event]
                    )
                )["Error"]

            expected = {
                "Code": "InvalidInputException",
                "Message": "Error parsing properties json: 'eventList.1.member.properties' "
                "must be a JSON object.",
            }
            assert _deep_call(600, put) == put() == expected
            assert fake.events(tracking_id) == []

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
