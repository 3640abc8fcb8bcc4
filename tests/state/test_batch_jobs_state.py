"""Batch inference and segment jobs in a server's state file: kept, and run after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import INTERACTIONS_SCHEMA, client

from personalize_fake import PersonalizeFake
from personalize_fake.server import serving

RECIPE = "arn:aws:personalize:::recipe/"
ROLE = "arn:aws:iam::123456789012:role/personalize"
INPUT = "s3://bucket/in/users.json"
PATHS = {
    "jobInput": {"s3DataSource": {"path": INPUT}},
    "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
    "roleArn": ROLE,
}
OPTIONS: dict[str, Any] = {"lifecycle": "manual", "minimum_training_data": False}


def trained(personalize: Any, events: Any, fake: PersonalizeFake, recipe: str) -> str:
    """An ACTIVE version of ``recipe`` on a group with one recorded interaction."""
    group = personalize.create_dataset_group(name=recipe)["datasetGroupArn"]
    fake.settle()
    schema = personalize.create_schema(name=recipe, schema=INTERACTIONS_SCHEMA)["schemaArn"]
    personalize.create_dataset(
        name=recipe, schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )
    tracking_id = personalize.create_event_tracker(name=recipe, datasetGroupArn=group)
    fake.settle()
    events.put_events(
        trackingId=tracking_id["trackingId"],
        sessionId="s",
        userId="u1",
        eventList=[{"eventType": "click", "itemId": "i1", "sentAt": 1_700_000_000}],
    )
    solution = personalize.create_solution(
        name=recipe, datasetGroupArn=group, recipeArn=RECIPE + recipe
    )["solutionArn"]
    fake.settle()
    arn: str = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    fake.settle()
    return arn


def seen(personalize: Any, inference: str, segment: str) -> dict[str, Any]:
    return {
        "inference": personalize.describe_batch_inference_job(batchInferenceJobArn=inference)[
            "batchInferenceJob"
        ],
        "segment": personalize.describe_batch_segment_job(batchSegmentJobArn=segment)[
            "batchSegmentJob"
        ],
        "tags": personalize.list_tags_for_resource(resourceArn=inference)["tags"],
        "listed": personalize.list_batch_segment_jobs()["batchSegmentJobs"],
    }


def test_batch_jobs_survive_a_restart_and_finish_after_it(tmp_path: Path) -> None:
    """Both kinds come back from the state file as they were; one left pending runs after."""
    path = tmp_path / "state.db"
    with serving(state_file=path, **OPTIONS) as (url, fake):
        personalize = client("personalize", url)
        events = client("personalize-events", url)
        fake.put_object(INPUT, b'{"itemId": "i1"}\n')
        inference = personalize.create_batch_inference_job(
            jobName="recs",
            solutionVersionArn=trained(personalize, events, fake, "aws-user-personalization"),
            numResults=7,
            batchInferenceJobConfig={"itemExplorationConfig": {"explorationWeight": "0.1"}},
            tags=[{"tagKey": "k", "tagValue": "v"}],
            **PATHS,
        )["batchInferenceJobArn"]
        segment = personalize.create_batch_segment_job(
            jobName="segs",
            solutionVersionArn=trained(personalize, events, fake, "aws-item-affinity"),
            **PATHS,
        )["batchSegmentJobArn"]
        fake.settle(inference)
        before = seen(personalize, inference, segment)
    assert before["segment"]["status"] == "CREATE PENDING"
    with serving(state_file=path, **OPTIONS) as (url, fake):
        personalize = client("personalize", url)
        assert seen(personalize, inference, segment) == before
        fake.settle(segment)
        job = personalize.describe_batch_segment_job(batchSegmentJobArn=segment)
        assert job["batchSegmentJob"]["status"] == "ACTIVE"
