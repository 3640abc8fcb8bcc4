"""Time and memory of an import job loading 1,000,000 interactions (a ~50 MB CSV).

Usage::

    .venv/bin/python benchmarks/import_csv.py                  # 1,000,000 rows, ~15 s
    .venv/bin/python benchmarks/import_csv.py --rows 100000

Method
------
A CSV of ``USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP`` (50,000 users, 20,000
items, 3 event types) is generated and handed to an in-process fake
(``fake.put_object``), which holds it; then CreateDatasetImportJob is called through
boto3 in ``instant`` mode, so the one call reads, checks and loads the whole file. The
time is that call's; memory is the process's resident set: the most it reached during the
call, and what it still holds after, each less what it held just before (the CSV's bytes
included, in both). Targets (issue 9): under 10 s, under 150 MB added.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import resource
import time

import boto3

from personalize_fake import mock_personalize

SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "EVENT_TYPE", "type": "string"},
            {"name": "EVENT_VALUE", "type": ["null", "float"]},
            {"name": "TIMESTAMP", "type": "long"},
        ],
    }
)
EVENT_TYPES = ("click", "purchase", "watch")


def csv_of(rows: int) -> bytes:
    """The CSV, made a block of lines at a time (so making it raises no early peak)."""
    out = io.BytesIO()
    out.write(b"USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP\n")
    for start in range(0, rows, 10_000):
        lines = []
        for n in range(start, min(start + 10_000, rows)):
            user = f"user-{(n * 7) % 50_000:07d}"
            item = f"item-{(n * 7919) % 20_000:07d}"
            value = f"{n % 100}.5" if n % 4 else ""
            lines.append(f"{user},{item},{EVENT_TYPES[n % 3]},{value},{1_596_238_243 + n}\n")
        out.write("".join(lines).encode())
    return out.getvalue()


def rss() -> int:
    """The resident set now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    data = csv_of(rows)
    with mock_personalize(lifecycle="instant", import_min_interactions=0) as fake:
        personalize = boto3.client(
            "personalize",
            region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
        )
        group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
        schema = personalize.create_schema(name="interactions", schema=SCHEMA)["schemaArn"]
        dataset = personalize.create_dataset(
            name="interactions", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
        )["datasetArn"]
        fake.put_object("s3://bench/interactions.csv", data)
        del data
        gc.collect()
        before = rss()
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        started = time.perf_counter()
        job = personalize.create_dataset_import_job(
            jobName="bench",
            datasetArn=dataset,
            dataSource={"dataLocation": "s3://bench/interactions.csv"},
        )["datasetImportJobArn"]
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        gc.collect()
        after = rss()
        described = personalize.describe_dataset_import_job(datasetImportJobArn=job)
        status = described["datasetImportJob"]["status"]
        loaded = len(fake.store.rows[dataset])
        size = len(fake.store.objects["s3://bench/interactions.csv"])
    mib = 2**20
    print(f"{rows:,} rows, {size / mib:.1f} MiB of CSV: {status}, {loaded:,} rows loaded")
    print(f"  import call: {seconds:.2f} s ({seconds / rows * 1e6:.2f} us a row)")
    if peak > peak_before:
        print(f"  peak resident set during the call: +{(peak - before) / mib:.1f} MiB")
    else:
        print("  peak resident set during the call: below an earlier peak (rerun alone)")
    print(f"  held after it: +{(after - before) / mib:.1f} MiB")


if __name__ == "__main__":
    main()
