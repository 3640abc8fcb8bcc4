"""Memory held by 1,000,000 recorded events, kept as a dataset's rows.

Usage::

    .venv/bin/python benchmarks/rows_memory.py                # ~20 s
    .venv/bin/python benchmarks/rows_memory.py --events 100000 --compare

Method
------
Events are recorded as PutEvents records them (``Store.record``, 10 events a call, each
row the dict the handler builds), for 10,000 users in sessions of 10 events over 5,000
items and 3 event types, one in four with an ``eventValue``, one in ten with
``properties``. Every string is a new object, as the wire's JSON decoder makes them. The
figure is what ``tracemalloc`` sees still allocated once the rows are recorded (the dicts
handed in are gone by then), so it is what the rows cost the process. ``--compare``
also measures the same events kept the way they were before rows (a dict per event,
``sentAt`` a datetime), for scale. Target (issue 10): a whole process holding 1,000,000
events under 300 MB.
"""

from __future__ import annotations

import argparse
import datetime
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from personalize_fake._settings import Settings
from personalize_fake._state.store import Store

DATASET = "arn:aws:personalize:us-east-1:123456789012:dataset/shop/INTERACTIONS"
TRACKING_ID = "b5c2f1c0-6d3e-4a59-9d35-1d6f2c1a7e10"


def calls(count: int) -> Iterator[list[dict[str, Any]]]:
    """PutEvents calls of 10 events each, as the handler makes rows of them."""
    for start in range(0, count, 10):
        user = (start // 10) % 10_000
        call = {"trackingId": TRACKING_ID[:], "sessionId": f"session-{start // 10}"}
        rows = []
        for n in range(start, min(start + 10, count)):
            row = {
                **call,
                "userId": f"user-{user}",
                "itemId": f"item-{(n * 7919) % 5_000}",
                "eventType": ("click", "watch", "buy")[n % 3][:],
                "sentAt": 1_704_067_200.0 + n,
            }
            if n % 4 == 0:
                row["eventValue"] = float(n % 100)
            if n % 10 == 0:
                row["properties"] = f'{{"device": "phone-{n % 7}"}}'
            rows.append(row)
        yield rows


def held(build: Any) -> tuple[int, int, float, Any]:
    """Bytes still allocated after ``build()``, the most it allocated at once, the seconds it
    took (slowed by tracing), and what it built."""
    tracemalloc.start()
    started = time.perf_counter()
    kept = build()
    seconds = time.perf_counter() - started
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak, seconds, kept


def as_rows(count: int) -> Store:
    store = Store(Settings())
    for rows in calls(count):
        store.record("events", DATASET, TRACKING_ID, rows)
    return store


def as_dicts(count: int) -> list[dict[str, Any]]:
    """The events as the store kept them before rows: one dict each."""
    kept = []
    for rows in calls(count):
        for row in rows:
            row["sentAt"] = datetime.datetime.fromtimestamp(
                row.pop("TIMESTAMP"), datetime.timezone.utc
            )
            kept.append(row)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--compare", action="store_true", help="also measure a dict per event")
    args = parser.parse_args()
    size, peak, seconds, store = held(lambda: as_rows(args.events))
    per = size / args.events
    print(
        f"rows: {args.events:,} events hold {size / 2**20:.1f} MiB ({per:.0f} B/event; "
        f"peak {peak / 2**20:.1f} MiB, with up to BATCH rows still dicts), "
        f"recorded in {seconds:.1f} s under tracemalloc"
    )
    started = time.perf_counter()
    count = sum(1 for _ in store.recorded("events", TRACKING_ID))
    print(f"reading them all back as dicts: {time.perf_counter() - started:.1f} s ({count:,})")
    del store
    if args.compare:
        size, _, seconds, _ = held(lambda: as_dicts(args.events))
        per = size / args.events
        print(f"a dict per event: {size / 2**20:.1f} MiB ({per:.0f} B/event)")


if __name__ == "__main__":
    main()
