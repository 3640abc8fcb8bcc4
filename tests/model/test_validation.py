"""Server-side validation: every constraint of every input shape, rejected the way AWS rejects it.

botocore checks only required members, types and ``min``; the service checks
``max``, ``pattern``, ``enum`` and numeric ranges too. The cases below are read
from the three service models: for each operation and each constrained input
member at any depth, a minimal otherwise-valid request is built and then broken
in exactly that one place. Clients are made with ``parameter_validation=False``
so that botocore's own checks never answer first.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from typing import Any

import attrs
import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalize_fake import PersonalizeFake, WireRequest
from personalize_fake._model.catalog import SERVICE_NAMES, catalog
from personalize_fake._model.patterns import compile_java, translate
from personalize_fake._model.validation import compiled, quick, validate
from personalize_fake._wire.parse import parse

REDACTED = "*** Sensitive Data Redacted ***"
ARN = "arn:aws:personalize:us-east-1:123456789012:dataset-group/x"

_SESSION = botocore.session.get_session()
MODELS = {service: _SESSION.get_service_model(service) for service in SERVICE_NAMES}
INPUTS = [
    (service, name, model.operation_model(name).input_shape)
    for service, model in MODELS.items()
    for name in model.operation_names
    if model.operation_model(name).input_shape is not None
]

SAMPLES = {
    r"^[a-zA-Z0-9][a-zA-Z0-9\-_]*": "a",
    r"arn:([a-z\d-]+):personalize:.*:.*:.+": ARN,
    r"arn:([a-z\d-]+):iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+": (
        "arn:aws:iam::123456789012:role/personalize"
    ),
    r"arn:aws.*:kms:.*:[0-9]{12}:key/.*": "arn:aws:kms:us-east-1:123456789012:key/k",
    r"(s3|http|https)://.+": "s3://bucket/key",
    r"^[A-Za-z_]+$": "ITEMS",
    r"[A-Za-z_][A-Za-z\d_]*": "GENRE",
    r"[A-Za-z\d_]+": "DEVICE",
    r"[A-Za-z0-9_]+": "GENRE",
    r"\p{ASCII}{0,1500}": "token",
    r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$": "team",
    r"^[\x20-\x7E]*[\x21-\x7E]+[\x20-\x7E]*$": "a",
    r"rate\(\d+ days?\)": "rate(1 day)",
}
"""A valid example of each pattern the models use; a new pattern fails loudly below."""

NOT_MATCHING = ("!", "é", " ")
"""Strings one of which breaks any model pattern."""


# -- values that satisfy a shape --------------------------------------------------


def _clamp(value: float, shape: Shape) -> float:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def valid(shape: Shape) -> Any:
    """The smallest value of ``shape`` the service accepts (required members only)."""
    meta, kind = shape.metadata, shape.type_name
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        if "pattern" in meta:
            return SAMPLES[meta["pattern"]]
        return "a" * max(meta.get("min", 0), 1)
    if kind in ("integer", "long"):
        return int(_clamp(1, shape))
    if kind in ("float", "double"):
        return _clamp(0.5, shape)
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return 1700000000
    if isinstance(shape, ListShape):
        return [valid(shape.member)] * max(meta.get("min", 0), 1)
    if isinstance(shape, MapShape):
        return {valid(shape.key): valid(shape.value)}
    if isinstance(shape, StructureShape):
        return {name: valid(shape.members[name]) for name in shape.required_members}
    raise AssertionError(f"no valid value for {kind} shape {shape.name}")


def distinct_keys(shape: Shape, count: int) -> list[str] | None:
    """``count`` different valid values of a string shape, or None when there are fewer."""
    if shape.enum:
        return list(shape.enum[:count]) if len(shape.enum) >= count else None
    base = valid(shape)
    letters = "abcdefghijklmnopqrstuvwxyz"
    suffixes = [""] + list(letters) + [a + b for a in letters for b in letters]
    keys = [base + suffix for suffix in suffixes[:count]]
    assert all(not broken(shape, key) for key in keys)
    return keys


# -- what a value breaks (the test's own reading of the model) -----------------------


def broken(shape: Shape, value: Any) -> list[str]:
    """The constraints of ``shape`` itself that ``value`` fails, in the order AWS lists them."""
    meta, kind = shape.metadata, shape.type_name
    found: list[str] = []
    if kind in ("string", "list", "map"):
        if "min" in meta and len(value) < meta["min"]:
            found.append(f"Member must have length greater than or equal to {meta['min']}")
        elif "max" in meta and len(value) > meta["max"]:
            found.append(f"Member must have length less than or equal to {meta['max']}")
    if kind == "string":
        pattern = meta.get("pattern")
        if pattern is not None and compile_java(pattern).fullmatch(value) is None:
            found.append(f"Member must satisfy regular expression pattern: {pattern}")
        if shape.enum and value not in shape.enum:
            found.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    if kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            found.append(f"Member must have value greater than or equal to {meta['min']}")
        elif "max" in meta and value > meta["max"]:
            found.append(f"Member must have value less than or equal to {meta['max']}")
    return found


def declared(shape: Shape) -> list[str]:
    """All constraints a map's key or value shape declares, as AWS lists them in ``[...]``."""
    meta, rules = shape.metadata, []
    noun = "value" if shape.type_name in ("integer", "long", "float", "double") else "length"
    if "max" in meta:
        rules.append(f"Member must have {noun} less than or equal to {meta['max']}")
    if "min" in meta:
        rules.append(f"Member must have {noun} greater than or equal to {meta['min']}")
    if "pattern" in meta:
        rules.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if shape.type_name == "string" and shape.enum:
        rules.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    return rules


def holds_sensitive(shape: Shape) -> bool:
    if shape.metadata.get("sensitive"):
        return True
    if isinstance(shape, StructureShape):
        return any(holds_sensitive(m) for m in shape.members.values())
    if isinstance(shape, ListShape):
        return holds_sensitive(shape.member)
    if isinstance(shape, MapShape):
        return holds_sensitive(shape.key) or holds_sensitive(shape.value)
    return False


def java(value: Any) -> str:
    """A value as Java's toString prints it in AWS messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(java(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java(v)}" for k, v in value.items()) + "}"
    return str(value)


def message(problems: list[tuple[Any, str, str]]) -> str:
    """The whole InvalidInputException message AWS words for these problems."""
    parts = []
    for shown, path, rule in problems:
        value = "null" if shown is None else f"'{java(shown)}'"
        parts.append(f"Value {value} at '{path}' failed to satisfy constraint: {rule}")
    noun = "error" if len(parts) == 1 else "errors"
    return f"{len(parts)} validation {noun} detected: " + "; ".join(parts)


# -- cases read from the models ---------------------------------------------------------

Step = tuple[str, str]
"""("member", name), ("item", ""), ("key", "") or ("value", "")."""


@attrs.frozen
class Case:
    """One constraint of one input member of one operation, and a value that breaks it."""

    service: str
    operation: str
    steps: tuple[Step, ...]
    constraint: str
    leaf: Any

    @property
    def id(self) -> str:
        text = self.operation
        for kind, name in self.steps:
            text += {"member": f".{name}", "item": "[]", "key": "{key}", "value": "{value}"}[kind]
        return f"{text}.{self.constraint}"

    @property
    def model(self) -> OperationModel:
        return MODELS[self.service].operation_model(self.operation)


def _slots(shape: Shape, steps: tuple[Step, ...] = ()) -> Iterator[tuple[tuple[Step, ...], Shape]]:
    """Every place in an input shape a value can sit, depth first."""
    yield steps, shape
    if isinstance(shape, StructureShape):
        for name, member in shape.members.items():
            yield from _slots(member, (*steps, ("member", name)))
    elif isinstance(shape, ListShape):
        yield from _slots(shape.member, (*steps, ("item", "")))
    elif isinstance(shape, MapShape):
        yield from _slots(shape.key, (*steps, ("key", "")))
        yield from _slots(shape.value, (*steps, ("value", "")))


def _longer(shape: Shape, size: int) -> str:
    """A string of ``size`` characters that still matches the pattern, if one exists."""
    base = valid(shape)
    for index in range(len(base) - 1, -1, -1):
        candidate = base[:index] + base[index] * (size - len(base) + 1) + base[index + 1 :]
        if len(broken(shape, candidate)) == 1:
            return candidate
    return base + "a" * (size - len(base))


def violations(shape: Shape) -> Iterator[tuple[str, Any]]:
    """(constraint, value) for each constraint ``shape`` declares; ``value`` breaks it."""
    meta, kind = shape.metadata, shape.type_name
    low, high = meta.get("min"), meta.get("max")
    if isinstance(shape, StructureShape):
        for name in shape.required_members:
            leaf = valid(shape)
            del leaf[name]
            yield f"{name}.required", leaf
    elif kind == "string":
        if low:
            yield "min", valid(shape)[: low - 1]
        if high is not None:
            yield "max", _longer(shape, high + 1)
        if "pattern" in meta:
            size = max(low or 0, 1)
            yield (
                "pattern",
                next(
                    c * size
                    for c in NOT_MATCHING
                    if compile_java(meta["pattern"]).fullmatch(c * size) is None
                ),
            )
        if shape.enum:
            yield "enum", "NOT_A_VALUE"
    elif isinstance(shape, ListShape):
        if low:
            yield "min", [valid(shape.member)] * (low - 1)
        if high is not None:
            yield "max", [valid(shape.member)] * (high + 1)
    elif isinstance(shape, MapShape):
        if high is not None:
            keys = distinct_keys(shape.key, high + 1)
            if keys is not None:
                yield "max", {key: valid(shape.value) for key in keys}
    elif kind in ("integer", "long", "float", "double"):
        step = 1 if kind in ("integer", "long") else 0.5
        if low is not None:
            yield "min", low - step
        if high is not None:
            yield "max", high + step


def _cases() -> list[Case]:
    cases: list[Case] = []
    for service, model in MODELS.items():
        for name in model.operation_names:
            shape = model.operation_model(name).input_shape
            if shape is None:
                continue
            for steps, slot in _slots(shape):
                for constraint, leaf in violations(slot):
                    cases.append(Case(service, name, steps, constraint, leaf))
    return cases


CASES = _cases()


# -- building a request and what AWS answers to it -----------------------------------------


def build(shape: Shape, steps: tuple[Step, ...], leaf: Any, base: Any = None) -> Any:
    """A valid value of ``shape`` (``base`` if given) with ``leaf`` placed at ``steps``."""
    if not steps:
        return leaf
    (kind, name), rest = steps[0], steps[1:]
    if isinstance(shape, StructureShape):
        doc = dict(base) if isinstance(base, dict) else valid(shape)
        doc[name] = build(shape.members[name], rest, leaf, doc.get(name))
        return doc
    if isinstance(shape, ListShape):
        items = list(base) if isinstance(base, list) and base else valid(shape)
        items[0] = build(shape.member, rest, leaf, items[0])
        return items
    assert isinstance(shape, MapShape)
    if kind == "key":
        return {leaf: valid(shape.value)}
    key = valid(shape.key)
    return {key: build(shape.value, rest, leaf)}


def expected(case: Case, document: dict[str, Any]) -> list[tuple[Any, str, str]]:
    """The problems (shown value, path, constraint) AWS reports for ``case`` in ``document``."""
    shape: Shape = case.model.input_shape
    value: Any = document
    path, hidden = "", False
    for index, (kind, name) in enumerate(case.steps):
        hidden = hidden or bool(shape.metadata.get("sensitive"))
        if kind in ("key", "value"):  # a map is judged whole, by its key or value shape
            assert isinstance(shape, MapShape)
            side = shape.key if kind == "key" else shape.value
            found = [rule for _, _, rule in _leaf(case, case.steps[index + 1 :], side, "", False)]
            rules = declared(side) + [rule for rule in found if rule not in declared(side)]
            shown = REDACTED if hidden or holds_sensitive(shape) else value
            noun = "keys" if kind == "key" else "value"
            return [(shown, path, f"Map {noun} must satisfy constraint: [{', '.join(rules)}]")]
        if kind == "member":
            assert isinstance(shape, StructureShape)
            shape, value = shape.members[name], value[name]
            path = f"{path}.{name}" if path else name
        else:
            assert isinstance(shape, ListShape)
            shape, value = shape.member, value[0]
            path = f"{path}.1.member"
    return _leaf(case, (), shape, path, hidden)


def _leaf(
    case: Case, steps: tuple[Step, ...], shape: Shape, path: str, hidden: bool
) -> list[tuple[Any, str, str]]:
    """The problems of the broken leaf, ``steps`` below ``shape``."""
    for kind, name in steps:
        hidden = hidden or bool(shape.metadata.get("sensitive"))
        if kind == "member":
            assert isinstance(shape, StructureShape)
            shape, path = shape.members[name], f"{path}.{name}" if path else name
        else:
            assert isinstance(shape, ListShape)
            shape, path = shape.member, f"{path}.1.member"
    if isinstance(shape, StructureShape):
        missing = case.constraint.removesuffix(".required")
        return [(None, f"{path}.{missing}" if path else missing, "Member must not be null")]
    hidden = hidden or holds_sensitive(shape)
    shown = REDACTED if hidden else case.leaf
    return [(shown, path, rule) for rule in broken(shape, case.leaf)]


def request(case: Case) -> dict[str, Any]:
    document = build(case.model.input_shape, case.steps, case.leaf)
    assert isinstance(document, dict)
    return document


def snapshot(fake: PersonalizeFake) -> Any:
    """Everything a call could change, as plain comparable data."""
    store = fake.store
    with store.lock:
        return (
            {
                key: (
                    {
                        arn: (type(r).__name__, r.name, r.status)
                        for arn, r in state.resources.items()
                    },
                    {arn: dict(tags) for arn, tags in state.tags.items()},
                )
                for key, state in store.regions.items()
            },
            {arn: list(rows) for arn, rows in store.rows.items()},
            {key: [len(rows) for rows in found] for key, found in store.streams.items()},
        )


@pytest.fixture(scope="module")
def clients() -> dict[str, Any]:
    """One client per service, made once; they never look for credentials or config."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                patch.delenv(name)
        patch.setenv("AWS_CONFIG_FILE", os.devnull)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        config = Config(parameter_validation=False, retries={"max_attempts": 1})
        return {service: session.client(service, config=config) for service in SERVICE_NAMES}


def call(clients: dict[str, Any], service: str, operation: str, **params: Any) -> Any:
    client = clients[service]
    method = {api: py for py, api in client.meta.method_to_api_mapping.items()}[operation]
    return getattr(client, method)(**params)


def rejected(clients: dict[str, Any], service: str, operation: str, **params: Any) -> str:
    """Call, expect InvalidInputException with HTTP 400, return its message."""
    with pytest.raises(ClientError) as info:
        call(clients, service, operation, **params)
    response = info.value.response
    assert response["Error"]["Code"] == "InvalidInputException", response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(response["Error"]["Message"])


# -- the model-wide sweep ---------------------------------------------------------------


class TestEveryConstraint:
    def test_the_cases_cover_the_models(self) -> None:
        """Every constraint kind of all 79 operations yields cases, and ids are unique."""
        operations = {(c.service, c.operation) for c in CASES}
        assert len(operations) == sum(len(m.operation_names) for m in MODELS.values())
        kinds = {c.constraint.rsplit(".", 1)[-1] for c in CASES}
        assert kinds == {"required", "min", "max", "pattern", "enum"}
        assert len({c.id for c in CASES}) == len(CASES)
        patterns = {
            s.metadata["pattern"]
            for m in MODELS.values()
            for n in m.shape_names
            if "pattern" in (s := m.shape_for(n)).metadata
        }
        assert patterns <= set(SAMPLES), f"add an example for {patterns - set(SAMPLES)}"

    def test_minimal_requests_are_valid(self) -> None:
        """The requests the cases start from pass validation: each case breaks one thing."""
        for _, _, shape in INPUTS:
            validate(shape, valid(shape))
        for case in CASES:
            assert expected(case, request(case)), f"{case.id} breaks nothing"

    def test_fast_pass_agrees_on_every_case(self) -> None:
        """The yes/no pass accepts each minimal request and rejects each of its violations."""
        for _, name, shape in INPUTS:
            assert quick(shape)(valid(shape)), name
        for case in CASES:
            assert not quick(case.model.input_shape)(request(case)), case.id

    @pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
    def test_both_passes_refuse_a_non_finite_unbounded_float(self, value: float) -> None:
        """An unbounded eventValue that is not finite fails the yes/no pass and is named by
        the message pass; a huge int (finite) passes both."""
        shape = MODELS["personalize-events"].operation_model("PutEvents").input_shape
        event = {"eventType": "click", "sentAt": 1, "eventValue": value}
        document = {"trackingId": "t", "sessionId": "s", "eventList": [event]}
        assert not quick(shape)(document)
        found = [(path, rule) for _, path, rule in problems_of(shape, document)]
        assert found == [("eventList.1.member.eventValue", "Member must be a finite number")]
        event["eventValue"] = 10**400
        assert quick(shape)(document) and problems_of(shape, document) == []

    @pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
    def test_violation_is_rejected(
        self, clients: dict[str, Any], personalize_fake: PersonalizeFake, case: Case
    ) -> None:
        """The broken constraint is named, with value and path, and nothing changes."""
        before = snapshot(personalize_fake)
        document = request(case)
        text = rejected(clients, case.service, case.operation, **document)
        assert text == message(expected(case, document))
        assert snapshot(personalize_fake) == before
        assert personalize_fake.store.regions == {}


# -- messages, one feature at a time --------------------------------------------------------


class TestMessages:
    def test_required_member_missing(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """A missing required member reads ``Value null at 'name' ... must not be null``."""
        text = rejected(clients, "personalize", "CreateEventTracker", datasetGroupArn=ARN)
        assert text == (
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
            "Member must not be null"
        )

    def test_every_violation_is_counted(
        self, clients: dict[str, Any], personalize_fake: Any
    ) -> None:
        """Several problems are all listed, in one message, counted."""
        text = rejected(
            clients, "personalize", "CreateEventTracker", name="-bad", datasetGroupArn="x"
        )
        assert text == (
            "2 validation errors detected: "
            "Value '-bad' at 'name' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*; "
            "Value 'x' at 'datasetGroupArn' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: arn:([a-z\d-]+):personalize:.*:.*:.+"
        )

    @pytest.mark.parametrize(
        ("repeats", "pattern_reported"),
        [(681, True), (2728, True), (2729, False), (300_000, False)],
    )
    def test_pattern_of_an_over_long_value(
        self, clients: dict[str, Any], personalize_fake: Any, repeats: int, pattern_reported: bool
    ) -> None:
        """Over its maximum, a value's pattern is reported too up to 4 times the maximum
        (8,192 characters for kmsKeyArn), beyond that only its length."""
        arn = "arn:aws" + ":km" * repeats  # 7 + 3 * repeats characters, never a KMS key ARN
        text = rejected(clients, "personalize", "CreateDatasetGroup", name="g", kmsKeyArn=arn)
        length = (
            f"Value '{arn}' at 'kmsKeyArn' failed to satisfy constraint: "
            "Member must have length less than or equal to 2048"
        )
        pattern = (
            f"Value '{arn}' at 'kmsKeyArn' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: arn:aws.*:kms:.*:[0-9]{12}:key/.*"
        )
        if pattern_reported:
            assert text == f"2 validation errors detected: {length}; {pattern}"
        else:
            assert text == f"1 validation error detected: {length}"

    def test_nested_list_path(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """A bad member of the second event is at ``eventList.2.member.eventType``."""
        good = {"eventType": "click", "sentAt": 1700000000}
        bad = {"eventType": "x" * 257, "sentAt": 1700000000}
        text = rejected(
            clients,
            "personalize-events",
            "PutEvents",
            trackingId="t",
            sessionId="s",
            eventList=[good, bad],
        )
        assert text == (
            f"1 validation error detected: Value '{REDACTED}' at 'eventList.2.member.eventType' "
            "failed to satisfy constraint: Member must have length less than or equal to 256"
        )

    def test_null_list_element(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """A null inside a list is named by its 1-based position."""
        text = rejected(
            clients, "personalize", "UntagResource", resourceArn=ARN, tagKeys=["a", None]
        )
        assert text == (
            "1 validation error detected: Value null at 'tagKeys.2.member' "
            "failed to satisfy constraint: Member must not be null"
        )

    def test_nested_required_in_list(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """A tag without a value: ``tags.1.member.tagValue`` must not be null."""
        text = rejected(
            clients, "personalize", "CreateDatasetGroup", name="g", tags=[{"tagKey": "k"}]
        )
        assert "Value null at 'tags.1.member.tagValue'" in text

    def test_map_keys_and_values(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """Map constraints show the whole map and list every constraint of the key or value."""
        config = {"featureTransformationParameters": {"k" * 257: "v"}}
        text = rejected(
            clients,
            "personalize",
            "CreateSolution",
            name="s",
            datasetGroupArn=ARN,
            solutionConfig=config,
        )
        assert text == (
            f"1 validation error detected: Value '{{{'k' * 257}=v}}' at "
            "'solutionConfig.featureTransformationParameters' failed to satisfy constraint: "
            "Map keys must satisfy constraint: [Member must have length less than or equal to 256]"
        )

    def test_runtime_context_is_redacted(
        self, clients: dict[str, Any], personalize_fake: Any
    ) -> None:
        """``context`` values are sensitive: a bad key or value never echoes the map."""
        context = {"bad key": "v" * 1001, "DEVICE": "phone"}
        text = rejected(
            clients, "personalize-runtime", "GetRecommendations", campaignArn=ARN, context=context
        )
        assert "phone" not in text
        assert "bad key" not in text
        assert text == (
            "2 validation errors detected: "
            f"Value '{REDACTED}' at 'context' failed to satisfy constraint: Map keys must satisfy "
            "constraint: [Member must have length less than or equal to 150, "
            r"Member must satisfy regular expression pattern: [A-Za-z\d_]+]; "
            f"Value '{REDACTED}' at 'context' failed to satisfy constraint: Map value must satisfy "
            "constraint: [Member must have length less than or equal to 1000]"
        )

    def test_runtime_filter_values(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """Too many ``filterValues`` (over 25) is a length problem of the map."""
        values = {f"K{i}": '"x"' for i in range(26)}
        text = rejected(
            clients,
            "personalize-runtime",
            "GetRecommendations",
            campaignArn=ARN,
            filterValues=values,
        )
        assert text == (
            f"1 validation error detected: Value '{REDACTED}' at 'filterValues' failed to satisfy "
            "constraint: Member must have length less than or equal to 25"
        )

    def test_null_map_value(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """A null map value is a value constraint failure."""
        text = rejected(
            clients,
            "personalize-runtime",
            "GetRecommendations",
            campaignArn=ARN,
            filterValues={"K": None},
        )
        assert text.endswith(
            "Map value must satisfy constraint: [Member must have length less than or equal to "
            "1000, Member must not be null]"
        )

    def test_sensitive_string_is_redacted(
        self, clients: dict[str, Any], personalize_fake: Any
    ) -> None:
        """A too-long sensitive ``properties`` is not echoed back."""
        secret = '{"ssn": "' + "9" * 1100 + '"}'
        event = {"eventType": "click", "sentAt": 1700000000, "properties": secret}
        text = rejected(
            clients,
            "personalize-events",
            "PutEvents",
            trackingId="t",
            sessionId="s",
            eventList=[event],
        )
        assert "999" not in text
        assert f"Value '{REDACTED}' at 'eventList.1.member.properties'" in text

    def test_sensitive_list_length_is_redacted(
        self, clients: dict[str, Any], personalize_fake: Any
    ) -> None:
        """Too many sensitive events: the list's length problem does not print the events."""
        events = [{"eventType": "secret-type", "sentAt": 1700000000}] * 11
        text = rejected(
            clients,
            "personalize-events",
            "PutEvents",
            trackingId="t",
            sessionId="s",
            eventList=events,
        )
        assert "secret-type" not in text
        assert text == (
            f"1 validation error detected: Value '{REDACTED}' at 'eventList' failed to satisfy "
            "constraint: Member must have length less than or equal to 10"
        )

    def test_numbers_print_like_java(self, clients: dict[str, Any], personalize_fake: Any) -> None:
        """Numeric range problems name the value and the bound."""
        text = rejected(clients, "personalize", "ListDatasetGroups", maxResults=1000)
        assert text == (
            "1 validation error detected: Value '1000' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 100"
        )


# -- type errors ------------------------------------------------------------------------------

WRONG = {
    "string": 12,
    "integer": "12",
    "long": "12",
    "double": "0.5",
    "float": "0.5",
    "boolean": "true",
    "timestamp": "yesterday",
    "list": "a",
    "map": ["a"],
    "structure": "a",
}


def _type_cases() -> list[tuple[str, str, tuple[str, ...], str]]:
    """One wrong-typed member per service and type: (service, operation, path, type)."""
    seen: set[tuple[str, str]] = set()
    found = []
    for case in CASES:
        if case.constraint.endswith(".required") or any(k != "member" for k, _ in case.steps):
            continue
        shape = case.model.input_shape
        for _, name in case.steps:
            shape = shape.members[name]
        key = (case.service, shape.type_name)
        if key not in seen:
            seen.add(key)
            path = tuple(name for _, name in case.steps)
            found.append((case.service, case.operation, path, shape.type_name))
    found.append(("personalize-events", "PutEvents", ("eventList", "sentAt"), "timestamp"))
    found.append(("personalize", "CreateSolution", ("solutionConfig",), "structure"))
    found.append(("personalize-events", "PutEvents", ("eventList", "eventValue"), "float"))
    found.append(
        (
            "personalize",
            "UpdateCampaign",
            ("campaignConfig", "enableMetadataWithRecommendations"),
            "boolean",
        )
    )
    return found


def _wire(service: str, operation: str, document: dict[str, Any]) -> WireRequest:
    op = catalog().operation(service, operation)
    body = json.dumps(document).encode()
    if op.protocol == "json":
        prefix = MODELS[service].metadata["targetPrefix"]
        return WireRequest("POST", "/", {"X-Amz-Target": f"{prefix}.{operation}"}, body)
    return WireRequest(op.model.http["method"], op.model.http["requestUri"], {}, body)


class TestTypes:
    @pytest.mark.parametrize(
        ("service", "operation", "path", "kind"),
        _type_cases(),
        ids=lambda v: ".".join(v) if isinstance(v, tuple) else v,
    )
    def test_wrong_json_type(
        self,
        personalize_fake: PersonalizeFake,
        service: str,
        operation: str,
        path: tuple[str, ...],
        kind: str,
    ) -> None:
        """A value of the wrong JSON type is named with the type the member needs."""
        shape = MODELS[service].operation_model(operation).input_shape
        document = valid(shape)
        target, where = document, []
        for name in path[:-1]:
            shape = shape.members[name]
            if isinstance(shape, ListShape):
                target = target.setdefault(name, valid(shape))[0]
                where.append(f"{name}.1.member")
                shape = shape.member
            else:
                target = target.setdefault(name, valid(shape))
                where.append(name)
        target[path[-1]] = WRONG[kind]
        where.append(path[-1])
        response = personalize_fake.handle(_wire(service, operation, document))
        op = catalog().operation(service, operation)
        parsed = parse(op, response, AWSResponse("u", response.status, response.headers, None))
        assert parsed["Error"]["Code"] == "InvalidInputException"
        assert response.status == 400
        assert (
            f"at '{'.'.join(where)}' failed to satisfy constraint: Member must be of type {kind}"
            in (parsed["Error"]["Message"])
        )
        assert personalize_fake.store.regions == {}

    def test_scalar_type_error_through_boto3(
        self, clients: dict[str, Any], personalize_fake: Any
    ) -> None:
        """A number where a name belongs is rejected, through a real client."""
        text = rejected(clients, "personalize", "CreateDatasetGroup", name=12)
        assert text == (
            "1 validation error detected: Value '12' at 'name' failed to satisfy constraint: "
            "Member must be of type string"
        )


# -- rejected calls change nothing, even when they would otherwise succeed ---------------------


@pytest.mark.personalize_fake(lifecycle="instant")
class TestNothingChanges:
    def _group(self, clients: dict[str, Any]) -> str:
        return str(call(clients, "personalize", "CreateDatasetGroup", name="g")["datasetGroupArn"])

    def test_create_with_a_bad_tag_creates_nothing(
        self, clients: dict[str, Any], personalize_fake: PersonalizeFake
    ) -> None:
        """A create that would succeed but for one tag leaves no tracker and no tags."""
        group = self._group(clients)
        before = snapshot(personalize_fake)
        rejected(
            clients,
            "personalize",
            "CreateEventTracker",
            name="t",
            datasetGroupArn=group,
            tags=[{"tagKey": "ok", "tagValue": "bad!"}],
        )
        assert snapshot(personalize_fake) == before
        trackers = call(clients, "personalize", "ListEventTrackers")["eventTrackers"]
        assert trackers == []

    def test_tagging_with_a_bad_key_tags_nothing(
        self, clients: dict[str, Any], personalize_fake: PersonalizeFake
    ) -> None:
        """TagResource is all or nothing: one bad key and no tag is applied."""
        group = self._group(clients)
        tags = [{"tagKey": "good", "tagValue": "v"}, {"tagKey": "k" * 129, "tagValue": "v"}]
        before = snapshot(personalize_fake)
        rejected(clients, "personalize", "TagResource", resourceArn=group, tags=tags)
        assert snapshot(personalize_fake) == before
        assert call(clients, "personalize", "ListTagsForResource", resourceArn=group)["tags"] == []


# -- the validator itself, by property ------------------------------------------------------------

TAG_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
NAME_SHAPE = MODELS["personalize"].operation_model("CreateDatasetGroup").input_shape
NAME_REGEX = compile_java(NAME_SHAPE.members["name"].metadata["pattern"])


@functools.cache
def valid_values(shape: Shape) -> st.SearchStrategy[Any]:
    """Any value of ``shape`` the service accepts (small lists and maps)."""
    meta, kind = shape.metadata, shape.type_name
    low, high = meta.get("min"), meta.get("max")
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum)
        size = (low or 0, high if high is not None else 64)
        if meta.get("pattern") == TAG_PATTERN:  # from_regex is slow on classes this large
            alphabet = st.characters(categories=["L", "Z", "N"], include_characters="_.:/=+-@")
            return st.text(alphabet, min_size=size[0], max_size=min(size[1], 20))
        if "pattern" in meta:
            strings = st.from_regex(translate(meta["pattern"]), fullmatch=True)
            return strings.filter(lambda s: size[0] <= len(s) <= size[1])
        return st.text(min_size=size[0], max_size=min(size[1], size[0] + 20))
    if kind in ("integer", "long"):
        return st.integers(low, high)
    if kind in ("float", "double"):
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.integers(0, 2**32) | st.floats(0, 2**32)
    if isinstance(shape, ListShape):
        most = min(max(low or 0, 2), high if high is not None else 2)
        return st.lists(valid_values(shape.member), min_size=low or 0, max_size=most)
    if isinstance(shape, MapShape):
        most = min(2, high if high is not None else 2)
        return st.dictionaries(valid_values(shape.key), valid_values(shape.value), max_size=most)
    assert isinstance(shape, StructureShape)
    required = set(shape.required_members)
    return st.fixed_dictionaries(
        {n: valid_values(m) for n, m in shape.members.items() if n in required},
        optional={n: valid_values(m) for n, m in shape.members.items() if n not in required},
    )


def leaf_shape(case: Case) -> Shape:
    shape = case.model.input_shape
    for kind, name in case.steps:
        if kind == "member":
            shape = shape.members[name]
        elif kind == "item":
            shape = shape.member
        else:
            shape = shape.key if kind == "key" else shape.value
    return shape


def violating(case: Case) -> st.SearchStrategy[Any]:
    """Values that break the case's constraint (and, where possible, only that)."""
    shape = leaf_shape(case)
    meta, kind = shape.metadata, shape.type_name
    low, high = meta.get("min"), meta.get("max")
    if kind == "string" and case.constraint == "pattern":
        regex = compile_java(meta["pattern"])
        size = max(low or 0, 1), min(high if high is not None else 20, 20)
        return st.text(min_size=size[0], max_size=size[1]).filter(
            lambda s: regex.fullmatch(s) is None
        )
    if kind == "string" and case.constraint == "enum":
        return st.text(max_size=20).filter(lambda s: s not in shape.enum)
    if kind in ("integer", "long") and case.constraint in ("min", "max"):
        if case.constraint == "min":
            return st.integers(max_value=low - 1)
        return st.integers(min_value=high + 1)
    if kind in ("float", "double") and case.constraint in ("min", "max"):
        if case.constraint == "min":
            return st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False)
        return st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False)
    return st.just(case.leaf)


def problems_of(shape: Shape, document: Any) -> list[tuple[Any, str, str]]:
    found: list[tuple[Any, str, str]] = []
    compiled(shape)(document, "", found)
    return found


MARKERS = {
    "required": "Member must not be null",
    "min": "greater than or equal to",
    "max": "less than or equal to",
    "pattern": "Member must satisfy regular expression pattern",
    "enum": "Member must satisfy enum value set",
}
"""How each kind of constraint shows in a message, to count it."""

PATTERN_SHAPES = {
    shape.metadata["pattern"]: shape
    for model in MODELS.values()
    for name in model.shape_names
    if "pattern" in (shape := model.shape_for(name)).metadata
}

PROPERTY = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class TestValidatorProperties:
    @PROPERTY
    @given(st.text(max_size=70) | st.from_regex(NAME_REGEX.pattern, fullmatch=True))
    def test_name_accepts_exactly_pattern_and_length(self, name: str) -> None:
        """A name passes iff the translated pattern fullmatches and it has 1 to 63 characters."""
        accepted = not problems_of(NAME_SHAPE, {"name": name})
        assert accepted is (NAME_REGEX.fullmatch(name) is not None and 1 <= len(name) <= 63)

    @PROPERTY
    @given(st.data())
    def test_valid_documents_pass(self, data: st.DataObject) -> None:
        """Any document made of valid values, for any operation's input, has no problem."""
        service, name, shape = data.draw(st.sampled_from(INPUTS), label="operation")
        document = data.draw(valid_values(shape), label="document")
        assert problems_of(shape, document) == [], f"{service}.{name}"

    @PROPERTY
    @given(st.data())
    def test_one_violation_is_reported_once(self, data: st.DataObject) -> None:
        """Break one constraint anywhere in a random valid document: exactly that is reported."""
        case = data.draw(st.sampled_from(CASES), label="case")
        case = attrs.evolve(case, leaf=data.draw(violating(case), label="violation"))
        shape = case.model.input_shape
        base = data.draw(valid_values(shape), label="document")
        if any(kind in ("key", "value") for kind, _ in case.steps):
            document = build(shape, case.steps, case.leaf)  # a map is judged whole: keep it alone
        else:
            document = build(shape, case.steps, case.leaf, base)
        found = [(path, rule) for _, path, rule in problems_of(shape, document)]
        assert found == [(path, rule) for _, path, rule in expected(case, document)], case.id
        marker = MARKERS[case.constraint.rsplit(".", 1)[-1]]
        assert sum(marker in rule for _, rule in found) == 1, case.id

    @PROPERTY
    @given(st.text(max_size=20), st.sampled_from(sorted(PATTERN_SHAPES)))
    def test_pattern_check_is_fullmatch(self, value: str, pattern: str) -> None:
        """A pattern problem is reported iff the translated pattern does not fullmatch."""
        shape = PATTERN_SHAPES[pattern]
        rule = f"Member must satisfy regular expression pattern: {pattern}"
        reported = [r for _, _, r in problems_of(shape, value) if r == rule]
        assert len(reported) == (compile_java(pattern).fullmatch(value) is None)

    @PROPERTY
    @given(st.data())
    def test_fast_pass_agrees_with_the_full_check(self, data: st.DataObject) -> None:
        """The fast yes/no pass accepts exactly what the message-building check accepts."""
        if data.draw(st.booleans(), label="broken"):
            case = data.draw(st.sampled_from(CASES), label="case")
            case = attrs.evolve(case, leaf=data.draw(violating(case), label="violation"))
            shape = case.model.input_shape
            document = build(shape, case.steps, case.leaf)
        else:
            _, _, shape = data.draw(st.sampled_from(INPUTS), label="operation")
            document = data.draw(valid_values(shape), label="document")
        assert quick(shape)(document) is (problems_of(shape, document) == [])
