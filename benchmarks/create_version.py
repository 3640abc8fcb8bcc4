"""CreateSolutionVersion with 10 versions in the region vs with 5,000: a limit's count must
not grow with the region.

Usage::

    .venv/bin/python benchmarks/create_version.py     # ~10 s

One ``mock_personalize(lifecycle="instant", minimum_training_data=False)`` holds a dataset
group and a solution. Each figure is the fastest, over ``ROUNDS`` rounds of ``CALLS`` calls,
of µs per boto3 ``create_solution_version`` call (so the region gains 200 versions while
measured); the versions beyond those are made by calling the handler directly under the
store's lock (the code a boto3 call reaches, without botocore's ~0.1 ms).
"""

from __future__ import annotations

import json
import os
import time

import boto3
from calls import aws_env  # benchmarks/ is on sys.path: the script's own directory

from personalize_fake import mock_personalize
from personalize_fake._api.solution_versions import create_solution_version

os.environ.update(aws_env())

ROUNDS = 5
CALLS = 40
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "x",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
    }
)


def per_call(personalize: object, solution: str) -> float:
    """µs per call in the fastest round (the least disturbed by the shared machine)."""
    create = personalize.create_solution_version  # type: ignore[attr-defined]
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            create(solutionArn=solution)
        times.append((time.perf_counter() - start) / CALLS * 1e6)
    return min(times)


def main() -> None:
    with mock_personalize(lifecycle="instant", minimum_training_data=False) as fake:
        personalize = boto3.client("personalize", region_name="us-east-1")
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        schema = personalize.create_schema(name="s", schema=SCHEMA)["schemaArn"]
        personalize.create_dataset(
            name="d", datasetGroupArn=group, datasetType="Interactions", schemaArn=schema
        )
        solution = personalize.create_solution(
            name="sol",
            datasetGroupArn=group,
            recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
        )["solutionArn"]
        state = fake.store.region("us-east-1")
        for _ in range(5):  # warm up: botocore's first calls of an operation cost more
            personalize.create_solution_version(solutionArn=solution)
        for target in (10, 5000):
            with fake.store.lock:
                while len(state.kinds.get("solution-version", {})) < target:
                    create_solution_version(state, solution_arn=solution)
            held = len(state.kinds.get("solution-version", {}))
            print(f"{held:>5} versions held: {per_call(personalize, solution):6.1f} µs per call")


if __name__ == "__main__":
    main()
