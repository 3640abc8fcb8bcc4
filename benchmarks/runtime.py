"""Recommendations at scale: 1,000,000 interactions, trained versions, GetRecommendations.

Usage::

    .venv/bin/python benchmarks/runtime.py                      # both sources, ~3 min
    .venv/bin/python benchmarks/runtime.py --events 100000      # smaller

Method
------
Each source runs in a process of its own, so each peak is that source's alone:

- ``events``: 1,000,000 events recorded through boto3, 100,000 PutEvents calls of 10;
- ``import``: the same interactions as one CSV object, loaded by a FULL import job.

Each process then trains a User-Personalization and a Similar-Items version and deploys a
campaign of each. It reports:

- training time per version: the first GetRecommendations of a campaign builds its
  model; the figure is that call less a steady call;
- GetRecommendations latency next to DescribeCampaign latency, in the same process. Each
  is the median of rounds of calls over 200 distinct users (or items), so per-user caches
  do not flatter the figure;
- peak memory of the whole process (``ru_maxrss``).

The data: 20,000 users in sessions of 10 events over 10,000 items, popularity skewed (an
item's chance falls with its rank, as a Zipf law), three event types. Targets (issue 10):
at most 300 MB with 1,000,000 events recorded, at most 5 s of training per version, and
GetRecommendations at most 2x DescribeCampaign.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3

from personalize_fake import mock_personalize

USERS = 20_000
ITEMS = 10_000
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "EVENT_TYPE", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)
RECIPES = ("aws-user-personalization", "aws-similar-items")


def sessions(count: int) -> Iterator[tuple[str, list[tuple[str, str, int]]]]:
    """(user, [(item, event type, time)] * 10) for ``count`` events, the same every run."""
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(ITEMS)]
    cumulative = list(_accumulate(weights))
    for start in range(0, count, 10):
        user = f"user-{rng.randrange(USERS)}"
        picks = rng.choices(range(ITEMS), cum_weights=cumulative, k=min(10, count - start))
        yield (
            user,
            [
                (f"item-{i}", ("click", "view", "buy")[(start + n) % 3], 1_704_067_200 + start + n)
                for n, i in enumerate(picks)
            ],
        )


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def _median(call: Callable[[int], Any], rounds: int = 5, per_round: int = 200) -> float:
    """Median seconds of a call over ``rounds`` rounds of ``per_round`` calls, each call
    given its own number (a distinct user or item)."""
    figures = []
    for r in range(rounds):
        started = time.perf_counter()
        for n in range(r * per_round + 1, (r + 1) * per_round + 1):
            call(n)
        figures.append((time.perf_counter() - started) / per_round)
    return statistics.median(figures)


def run(source: str, count: int) -> dict[str, Any]:
    """One source's figures (in a process of its own)."""
    with mock_personalize(lifecycle="instant", minimum_training_data=False) as fake:
        personalize = boto3.client("personalize", region_name="us-east-1")
        events = boto3.client("personalize-events", region_name="us-east-1")
        runtime = boto3.client("personalize-runtime", region_name="us-east-1")
        group = personalize.create_dataset_group(name="bench")["datasetGroupArn"]
        schema = personalize.create_schema(name="bench", schema=SCHEMA)["schemaArn"]
        dataset = personalize.create_dataset(
            name="bench", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
        )["datasetArn"]
        started = time.perf_counter()
        if source == "events":
            tracking = personalize.create_event_tracker(name="b", datasetGroupArn=group)
            for user, session in sessions(count):
                events.put_events(
                    trackingId=tracking["trackingId"],
                    userId=user,
                    sessionId=user,
                    eventList=[
                        {"itemId": item, "eventType": kind, "sentAt": sent}
                        for item, kind, sent in session
                    ],
                )
        else:
            text = io.BytesIO()  # bytes as they are written, freed once handed over
            text.write(b"USER_ID,ITEM_ID,EVENT_TYPE,TIMESTAMP\n")
            for user, session in sessions(count):
                for item, kind, sent in session:
                    text.write(f"{user},{item},{kind},{sent}\n".encode())
            fake.put_object("s3://bench/interactions.csv", text.getvalue())
            text.close()
            personalize.create_dataset_import_job(
                jobName="load",
                datasetArn=dataset,
                dataSource={"dataLocation": "s3://bench/interactions.csv"},
                roleArn="arn:aws:iam::123456789012:role/p",
            )
        loaded = time.perf_counter() - started
        out: dict[str, Any] = {"source": source, "load_s": loaded, "recipes": {}}
        for recipe in RECIPES:
            solution = personalize.create_solution(
                name=recipe,
                datasetGroupArn=group,
                recipeArn=f"arn:aws:personalize:::recipe/{recipe}",
            )["solutionArn"]
            version = personalize.create_solution_version(solutionArn=solution)
            campaign = personalize.create_campaign(
                name=recipe, solutionVersionArn=version["solutionVersionArn"]
            )["campaignArn"]
            key = "userId" if recipe == "aws-user-personalization" else "itemId"
            prefix = "user-" if key == "userId" else "item-"

            def ask(n: int, campaign: str = campaign, key: str = key, prefix: str = prefix) -> Any:
                return runtime.get_recommendations(campaignArn=campaign, **{key: f"{prefix}{n}"})

            started = time.perf_counter()
            ask(0)
            first = time.perf_counter() - started
            asked = _median(ask)
            described = _median(lambda n, c=campaign: personalize.describe_campaign(campaignArn=c))
            out["recipes"][recipe] = {
                "train_s": first - asked,
                "get_us": asked * 1e6,
                "describe_us": described * 1e6,
            }
        out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--source", choices=("events", "import"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.source:
        print(json.dumps(run(args.source, args.events)))
        return
    results = []
    for source in ("events", "import"):
        done = subprocess.run(
            [sys.executable, __file__, "--source", source, "--events", str(args.events)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.splitlines()[-1]))
    print(f"{args.events:,} interactions, {USERS:,} users, {ITEMS:,} items")
    print(f"{'':28}" + "".join(f"{r['source']:>16}" for r in results))
    print(f"{'loaded in (s)':28}" + "".join(f"{r['load_s']:16.1f}" for r in results))
    print(f"{'peak process memory (MiB)':28}" + "".join(f"{r['peak_mib']:16.0f}" for r in results))
    for recipe in RECIPES:
        print(recipe)
        for label, key, form in (
            ("  training (s)", "train_s", "{:16.2f}"),
            ("  GetRecommendations (µs)", "get_us", "{:16.0f}"),
            ("  DescribeCampaign (µs)", "describe_us", "{:16.0f}"),
        ):
            print(f"{label:28}" + "".join(form.format(r["recipes"][recipe][key]) for r in results))
        ratios = [
            r["recipes"][recipe]["get_us"] / r["recipes"][recipe]["describe_us"] for r in results
        ]
        print(f"{'  ratio (target <= 2x)':28}" + "".join(f"{x:15.2f}x" for x in ratios))


if __name__ == "__main__":
    main()
