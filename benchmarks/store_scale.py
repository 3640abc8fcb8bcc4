"""Describe and List in a region holding 10 resources vs one holding 10,000.

Usage::

    .venv/bin/python benchmarks/store_scale.py            # ~20 s
    .venv/bin/python benchmarks/store_scale.py --check    # exit 1 when a target fails

Method
------
One ``mock_personalize(lifecycle="instant")`` (its dataset group quota raised) holds two
regions of what a user makes: dataset groups, each with its two schemas, an Interactions
and an Items dataset and an event tracker (6 resources a group): 2 groups (12 resources)
in us-west-2, 1,667 groups (10,002 resources) in us-east-1. The big region is built by
calling the handlers directly under the store's lock (the same code a boto3 call reaches,
without botocore's ~0.1 ms a call).
A boto3 client per region then makes each call in rounds of ``ROUND_SECONDS`` / 2,
alternating between the regions so both see the same machine; a figure is the median
time per call over rounds, and the ratio the median of per-round ratios.

Calls (the same answer size in both regions, so only the region's size differs):
DescribeDatasetGroup, DescribeDataset, ListDatasetGroups with ``maxResults=1`` (one group
and a ``nextToken`` in both), ListDatasets with the first group's ``datasetGroupArn`` (its
2 datasets). Target: each at most 1.2x in the big region. Shown beside them, no target
(their answers differ in size, and botocore's parsing of 100 summaries is most of their
cost): ListDatasetGroups' default page (2 groups vs 100) and its last page (offset 1,600).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3
from calls import aws_env  # benchmarks/ is on sys.path: the script's own directory

from personalize_fake import mock_personalize
from personalize_fake._api.registry import load_handlers

os.environ.update(aws_env())

SMALL, BIG = "us-west-2", "us-east-1"
ROUND_SECONDS = 0.4
TARGET = 1.2


def _schema(name: str, *fields: tuple[str, str]) -> str:
    body = [{"name": n, "type": t} for n, t in fields]
    return json.dumps({"type": "record", "name": name, "namespace": "x", "fields": body})


INTERACTIONS = _schema("Interactions", ("USER_ID", "string"), ("ITEM_ID", "string"),
                       ("TIMESTAMP", "long"))  # fmt: skip
ITEMS = _schema("Items", ("ITEM_ID", "string"), ("GENRE", "string"))


def populate(fake: Any, region: str, groups: int) -> None:
    """``groups`` dataset groups, each with 2 schemas, 2 datasets and a tracker."""
    handlers: dict[str, Any] = dict(load_handlers())
    store = fake.store
    with store.lock:
        state = store.region(region)
        for n in range(groups):
            group = handlers["create_dataset_group"](state, name=f"shop{n}")["datasetGroupArn"]
            for kind, schema in (("Interactions", INTERACTIONS), ("Items", ITEMS)):
                arn = handlers["create_schema"](state, name=f"{kind}{n}", schema=schema)
                handlers["create_dataset"](
                    state,
                    name=f"{kind}{n}",
                    schema_arn=arn["schemaArn"],
                    dataset_group_arn=group,
                    dataset_type=kind,
                )
            handlers["create_event_tracker"](state, name=f"web{n}", dataset_group_arn=group)
    resources = len(store.region(region).resources)
    assert resources == 6 * groups, resources


def timed(call: Callable[[], Any], seconds: float) -> float:
    """Mean µs per call over a run of about ``seconds``."""
    count, start = 0, time.perf_counter()
    while True:
        call()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / count * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args()

    with mock_personalize(lifecycle="instant", dataset_groups_per_region=10_000) as fake:
        started = time.perf_counter()
        populate(fake, SMALL, 2)
        populate(fake, BIG, 1667)
        built = time.perf_counter() - started
        clients = {r: boto3.client("personalize", region_name=r) for r in (SMALL, BIG)}
        last = {}
        for region, client in clients.items():
            page = client.list_dataset_groups(maxResults=100)
            while "nextToken" in page:
                token = page["nextToken"]
                page = client.list_dataset_groups(maxResults=100, nextToken=token)
            last[region] = token if region == BIG else None

        def cases(region: str) -> dict[str, Callable[[], Any]]:
            c = clients[region]
            group = f"arn:aws:personalize:{region}:123456789012:dataset-group/shop0"
            dataset = f"arn:aws:personalize:{region}:123456789012:dataset/shop0/INTERACTIONS"
            out: dict[str, Callable[[], Any]] = {
                "DescribeDatasetGroup": lambda: c.describe_dataset_group(datasetGroupArn=group),
                "DescribeDataset": lambda: c.describe_dataset(datasetArn=dataset),
                "ListDatasetGroups(maxResults=1)": lambda: c.list_dataset_groups(maxResults=1),
                "ListDatasets(datasetGroupArn)": lambda: c.list_datasets(datasetGroupArn=group),
                "ListDatasetGroups (default page)*": lambda: c.list_dataset_groups(),
            }
            token = last[region]
            if token is None:
                out["ListDatasetGroups (last page)*"] = lambda: c.list_dataset_groups()
            else:
                out["ListDatasetGroups (last page)*"] = lambda: c.list_dataset_groups(
                    maxResults=100, nextToken=token
                )
            return out

        small, big = cases(SMALL), cases(BIG)
        for name in small:  # warm both: models, caches
            small[name]()
            big[name]()
        print(f"built 12 + 10,002 resources through the handlers in {built:.2f} s")
        print(f"{'call':36} {'12 (µs)':>9} {'10,002 (µs)':>12} {'ratio':>6}")
        failed = False
        for name in small:
            rows = []
            for _ in range(args.rounds):
                a = timed(small[name], ROUND_SECONDS / 2)
                b = timed(big[name], ROUND_SECONDS / 2)
                rows.append((a, b, b / a))
            a = statistics.median(r[0] for r in rows)
            b = statistics.median(r[1] for r in rows)
            ratio = statistics.median(r[2] for r in rows)
            verdict = "" if name.endswith("*") else ("ok" if ratio <= TARGET else "FAIL")
            failed |= verdict == "FAIL"
            print(f"{name:36} {a:9.1f} {b:12.1f} {ratio:5.2f}x {verdict}")
        print(f"target: each call without * at most {TARGET}x in the region of 10,002")
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
