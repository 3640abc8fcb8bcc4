"""State-file benchmarks: PutEvents with 100,000 events stored, and ``kill -9`` mid-burst.

Usage::

    .venv/bin/python benchmarks/state_file.py            # both parts, a few minutes
    .venv/bin/python benchmarks/state_file.py --quick    # 20,000 events stored, 1 kill
    .venv/bin/python benchmarks/state_file.py --check    # exit 1 when a target fails

Method
------
Throughput
    Two ``python -m personalize_fake serve --lifecycle instant`` processes run
    side by side, one with ``--state-file`` and one without. Each gets an
    ACTIVE event tracker, then ``--stored`` events (100,000), put 10 per call
    over one kept-alive raw HTTP connection (faster than boto3, so set-up stays
    short; the server does the same work). Then a boto3 client per server
    calls ``put_events`` with 10 events, in rounds of ``ROUND_SECONDS``,
    alternating between the servers so that both see the same machine; the
    figures are medians over rounds, and the ratio the median of per-round
    ratios. The time to restart the server with the file (loading every
    stored event) is shown too. Target: the state file costs at most 1.5x.
Crash
    A server with a state file and 4 sender threads, each with its own boto3
    client (no retries) putting 10 events a call, every event named. After a
    random 1 to 3 seconds the server gets ``SIGKILL``. The threads stop at
    their first error; an event counts as acknowledged when its call was
    answered 200. The server is restarted on the same file and every event it
    holds is read back through ``/_fake/events``. Target: 0 acknowledged
    events lost. (Events saved but not acknowledged, their answer cut off by
    the kill, are shown as "in flight".)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from calls import SCHEMA, aws_env  # benchmarks/ is on sys.path: the script's own directory

REGION = "us-east-1"
ROUND_SECONDS = 2.0
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/personalize/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **aws_env()}
os.environ.update({k: v for k, v in ENV.items() if k.startswith("AWS_")})


class Server:
    """``personalize-fake serve`` in a process of its own, until :meth:`stop` or :meth:`kill`."""

    def __init__(self, state_file: Path | None) -> None:
        command = [sys.executable, "-m", "personalize_fake", "serve", "--port", "0"]
        command += ["--lifecycle", "instant"]
        if state_file is not None:
            command += ["--state-file", str(state_file)]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.ready = time.perf_counter() - self.started
        match = re.search(r"serving on (http://\S+)", line)
        if match is None:
            self.kill()
            raise RuntimeError(f"serve printed {line!r}")
        self.url = match.group(1)

    def client(self, service: str) -> Any:
        config = Config(retries={"total_max_attempts": 1})
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, config=config)

    def tracker(self) -> str:
        """An ACTIVE event tracker with an Interactions dataset; its tracking ID."""
        personalize = self.client("personalize")
        group = personalize.create_dataset_group(name="bench")["datasetGroupArn"]
        schema = personalize.create_schema(name="bench", schema=SCHEMA)["schemaArn"]
        personalize.create_dataset(
            name="i", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
        )
        found = personalize.create_event_tracker(name="t", datasetGroupArn=group)
        return str(found["trackingId"])

    def seed(self, tracking_id: str, events: int) -> None:
        """Put ``events`` events, 10 a call, over one raw kept-alive connection."""
        split = urlsplit(self.url)
        connection = http.client.HTTPConnection(split.hostname, split.port)
        headers = {"Authorization": AUTH, "Content-Type": "application/json"}
        for call in range(events // 10):
            batch = [
                {"eventType": "seed", "itemId": f"seed-{call}-{i}", "sentAt": 1767268800}
                for i in range(10)
            ]
            body = json.dumps({"trackingId": tracking_id, "sessionId": "s", "eventList": batch})
            connection.request("POST", "/events", body, headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
        connection.close()

    def events(self, tracking_id: str) -> list[dict[str, Any]]:
        split = urlsplit(self.url)
        connection = http.client.HTTPConnection(split.hostname, split.port, timeout=120)
        connection.request("GET", f"/_fake/events?trackingId={tracking_id}")
        events: list[dict[str, Any]] = json.loads(connection.getresponse().read())["events"]
        connection.close()
        return events

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=120)

    def kill(self) -> None:
        self.process.kill()
        self.process.communicate(timeout=120)


def put_events_round(events: Any, tracking_id: str, seconds: float) -> list[float]:
    """Seconds per ``put_events`` call of 10 events, for ``seconds``."""
    batch = [{"eventType": "click", "itemId": f"i{i}", "sentAt": 1767268800} for i in range(10)]
    latencies = []
    deadline = time.perf_counter() + seconds
    while True:
        started = time.perf_counter()
        events.put_events(trackingId=tracking_id, sessionId="s", eventList=batch)
        finished = time.perf_counter()
        latencies.append(finished - started)
        if finished > deadline:
            return latencies


def throughput(stored: int, rounds: int, directory: Path) -> bool:
    print(f"PutEvents, 10 events a call, {stored:,} stored, {rounds} rounds of {ROUND_SECONDS} s")
    path = directory / "throughput.db"
    servers = {"no state file": Server(None), "state file": Server(path)}
    try:
        trackers = {}
        for name, server in servers.items():
            started = time.perf_counter()
            trackers[name] = server.tracker()
            server.seed(trackers[name], stored)
            print(f"  {name}: {stored:,} events stored in {time.perf_counter() - started:.1f} s")
        clients = {name: server.client("personalize-events") for name, server in servers.items()}
        for name in servers:  # warm up: first calls load models and fill caches
            put_events_round(clients[name], trackers[name], 0.2)
        per_round: dict[str, list[list[float]]] = {name: [] for name in servers}
        for number in range(rounds):
            order = list(servers) if number % 2 == 0 else list(servers)[::-1]
            for name in order:
                per_round[name].append(
                    put_events_round(clients[name], trackers[name], ROUND_SECONDS)
                )
    finally:
        for server in servers.values():
            server.stop()
    rates = {name: [len(r) / sum(r) for r in rounds_] for name, rounds_ in per_round.items()}
    print(f"  {'':16} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for name, rounds_ in per_round.items():
        every = sorted(latency for r in rounds_ for latency in r)
        p50 = every[len(every) // 2] * 1000
        p99 = every[int(len(every) * 0.99)] * 1000
        print(f"  {name:16} {statistics.median(rates[name]):8.0f} {p50:7.2f} {p99:7.2f}")
    pairs = zip(rates["no state file"], rates["state file"], strict=True)
    ratio = statistics.median(a / b for a, b in pairs)
    ok = ratio <= 1.5
    print(f"  without / with state file: {ratio:.2f}x (target <= 1.5x: {'ok' if ok else 'FAILED'})")
    again = Server(path)
    try:
        count = len(again.events(trackers["state file"]))
        print(f"  restart on the file: serving after {again.ready:.2f} s, {count:,} events loaded")
    finally:
        again.stop()
    print(f"  state file size: {path.stat().st_size / 1e6:.1f} MB")
    return ok


def burst_and_kill(path: Path) -> tuple[set[str], set[str]]:
    """Events acknowledged before the kill, and those the restarted server holds."""
    server = Server(path)
    tracking_id = server.tracker()
    acknowledged: list[str] = []
    lock = threading.Lock()

    def send(sender: int) -> None:
        events = server.client("personalize-events")
        for call in range(1_000_000):
            batch = [
                {"eventType": "click", "itemId": f"{sender}-{call}-{i}", "sentAt": 1767268800}
                for i in range(10)
            ]
            try:
                events.put_events(trackingId=tracking_id, sessionId="s", eventList=batch)
            except Exception:  # the server is gone
                return
            with lock:
                acknowledged.extend(e["itemId"] for e in batch)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(1.0, 3.0))
    server.kill()
    for thread in threads:
        thread.join(60)
    again = Server(path)
    try:
        saved = {e["itemId"] for e in again.events(tracking_id)}
    finally:
        again.stop()
    return set(acknowledged), saved


def crash(kills: int, directory: Path) -> bool:
    print(f"kill -9 mid-burst, 4 sender threads, {kills} kill(s)")
    lost_total = 0
    for attempt in range(kills):
        acknowledged, saved = burst_and_kill(directory / f"crash{attempt}.db")
        lost = len(acknowledged - saved)
        lost_total += lost
        print(
            f"  kill {attempt + 1}: {len(acknowledged):,} events acknowledged, "
            f"{lost} lost, {len(saved - acknowledged)} saved but in flight"
        )
    ok = lost_total == 0
    print(f"  acknowledged events lost: {lost_total} (target 0: {'ok' if ok else 'FAILED'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer events stored, one kill")
    parser.add_argument("--stored", type=int, help="events stored before timing (100,000)")
    parser.add_argument("--rounds", type=int, help="timed rounds per server (7)")
    parser.add_argument("--kills", type=int, help="crash attempts (3)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args()
    stored = args.stored or (20_000 if args.quick else 100_000)
    rounds = args.rounds or (3 if args.quick else 7)
    kills = args.kills or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory() as directory:
        ok = throughput(stored, rounds, Path(directory))
        print()
        ok = crash(kills, Path(directory)) and ok
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
