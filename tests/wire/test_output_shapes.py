"""What the fake puts on the wire holds to the output shapes: no member the model lacks."""

from __future__ import annotations

import datetime
from typing import Any

import boto3
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from support import INTERACTIONS_SCHEMA

from personalize_fake import PersonalizeFake, WireResponse
from personalize_fake._wire.dispatch import Dispatcher


def unmodeled(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Paths of members in ``value`` that ``shape`` does not declare, at any depth."""
    if isinstance(shape, StructureShape):
        found = [f"{path}.{k}" for k in value if k not in shape.members]
        for name, member in value.items():
            if name in shape.members:
                found += unmodeled(shape.members[name], member, f"{path}.{name}")
        return found
    if isinstance(shape, ListShape):
        return [p for i, v in enumerate(value) for p in unmodeled(shape.member, v, f"{path}[{i}]")]
    if isinstance(shape, MapShape):
        return [p for k, v in value.items() for p in unmodeled(shape.value, v, f"{path}{{{k}}}")]
    return []


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[WireResponse]:
    seen: list[WireResponse] = []
    original = Dispatcher._success

    def spy(self: Dispatcher, *args: Any) -> WireResponse:
        response = original(self, *args)
        seen.append(response)
        return response

    monkeypatch.setattr(Dispatcher, "_success", spy)
    return seen


@pytest.mark.personalize_fake(lifecycle="manual")
def test_every_answer_of_a_scenario_is_modeled(
    personalize_fake: PersonalizeFake, answers: list[WireResponse]
) -> None:
    """Every success of every implemented operation carries only modeled members."""
    c = boto3.client("personalize", region_name="us-east-1")
    e = boto3.client("personalize-events", region_name="us-east-1")
    tags = [{"tagKey": "k", "tagValue": "v"}]
    group = c.create_dataset_group(name="g", tags=tags)["datasetGroupArn"]
    personalize_fake.settle(group)
    schema = c.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    dataset = c.create_dataset(
        name="d", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    tracker = c.create_event_tracker(name="t", datasetGroupArn=group)
    personalize_fake.fail(tracker["eventTrackerArn"], "failed on purpose")
    personalize_fake.settle(dataset)
    for call in (
        lambda: c.describe_dataset_group(datasetGroupArn=group),
        lambda: c.describe_schema(schemaArn=schema),
        lambda: c.describe_dataset(datasetArn=dataset),
        lambda: c.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]),
        lambda: c.list_dataset_groups(maxResults=1),
        lambda: c.list_schemas(),
        lambda: c.list_datasets(),
        lambda: c.list_event_trackers(),
        lambda: c.list_tags_for_resource(resourceArn=group),
        lambda: c.tag_resource(resourceArn=group, tags=tags),
        lambda: c.untag_resource(resourceArn=group, tagKeys=["k"]),
    ):
        call()
    c.delete_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])
    personalize_fake.settle()
    tracker = c.create_event_tracker(name="t2", datasetGroupArn=group)
    personalize_fake.settle()
    e.put_events(
        trackingId=tracker["trackingId"],
        sessionId="s",
        eventList=[{"eventType": "click", "sentAt": datetime.datetime.now()}],
    )
    assert len({r.operation for r in answers}) >= 17
    for response in answers:
        op = response.operation
        assert op is not None
        if op.output_shape is None:
            assert response.body == b""
        else:
            assert unmodeled(op.output_shape, response.document) == [], op.name
