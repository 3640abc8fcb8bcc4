"""What the tests share (tests/ is on sys.path under pytest's default import mode)."""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import boto3
from botocore.serialize import Serializer

INTERACTIONS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)


class ReachedNetwork(Exception):
    """Raised when botocore tries to send a request anywhere but this machine."""


def on_wire(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` as the installed botocore sends a JSON timestamp: to the millisecond from
    botocore 1.44, to the whole second before (what the fake then records)."""
    seconds = Serializer()._timestamp_unixtimestamp(moment)
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


# -- talking to a server (``serving()`` or ``personalize-fake serve``) --------------------


class Reply(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def client(service: str, url: str, region: str = "us-east-1") -> Any:
    """A boto3 client of the server, with dummy credentials (the conftest removes real ones)."""
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def send(
    url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One raw HTTP request on a fresh connection."""
    split = urlsplit(url)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def admin(url: str, method: str, path: str, body: Any = None, **headers: str) -> Reply:
    """A /_fake/ request, its body (if any) as JSON."""
    if body is None:
        return send(url, method, f"/_fake/{path}", None, headers)
    sent = {"Content-Type": "application/json", **headers}
    return send(url, method, f"/_fake/{path}", json.dumps(body).encode(), sent)


def tracker_setup(personalize: Any) -> tuple[str, str]:
    """Dataset group, schema, Interactions dataset and tracker, polling each Describe to ACTIVE.

    Returns the dataset group ARN and the tracking ID.
    """

    def wait(describe: Any, key: str, **arn: str) -> None:
        for _ in range(10):
            if describe(**arn)[key]["status"] == "ACTIVE":
                return
        raise AssertionError(f"{arn} never became ACTIVE")

    group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
    wait(personalize.describe_dataset_group, "datasetGroup", datasetGroupArn=group)
    schema = personalize.create_schema(name="interactions", schema=INTERACTIONS_SCHEMA)
    dataset = personalize.create_dataset(
        name="interactions",
        schemaArn=schema["schemaArn"],
        datasetGroupArn=group,
        datasetType="Interactions",
    )["datasetArn"]
    wait(personalize.describe_dataset, "dataset", datasetArn=dataset)
    tracker = personalize.create_event_tracker(name="web", datasetGroupArn=group)
    arn = tracker["eventTrackerArn"]
    wait(personalize.describe_event_tracker, "eventTracker", eventTrackerArn=arn)
    return group, tracker["trackingId"]


SENT_AT = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)


def make_dataset(personalize: Any, group: str, kind: str, fields: list[str]) -> str:
    """A dataset of ``kind`` in ``group``, its fields strings but for a long TIMESTAMP."""
    schema = json.dumps(
        {
            "type": "record",
            "name": kind,
            "fields": [
                {"name": f, "type": "long" if f == "TIMESTAMP" else "string"} for f in fields
            ],
            "version": "1.0",
        }
    )
    schema_arn = personalize.create_schema(name=kind.lower(), schema=schema)["schemaArn"]
    arn: str = personalize.create_dataset(
        name=kind.lower(), schemaArn=schema_arn, datasetGroupArn=group, datasetType=kind
    )["datasetArn"]
    return arn


# -- ``personalize-fake serve`` as a subprocess -------------------------------------------

REGION = "us-east-1"


def aws(url: str, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The AWS CLI (``python -m awscli``) against the server, with dummy credentials."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    command = [sys.executable, "-m", "awscli", *arguments]
    command += ["--endpoint-url", url, "--region", REGION, "--output", "json"]
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=60, check=False
    )


def aws_json(url: str, tmp_path: Path, *arguments: str) -> Any:
    result = aws(url, tmp_path, *arguments)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


ROOT = Path(__file__).resolve().parent.parent


class Served(NamedTuple):
    url: str
    process: subprocess.Popen[str]
    log: Path

    def stop(self, signum: int = signal.SIGINT, timeout: float = 10) -> tuple[int, str, str]:
        """Signal the server; return its exit status, its stdout and its log.

        A server that has not exited ``timeout`` seconds later is killed, and the test fails.
        """
        self.process.send_signal(signum)
        try:
            stdout, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            name = signal.Signals(signum).name
            raise AssertionError(
                f"still serving {timeout} s after {name}, killed; log: {self.log.read_text()}"
            ) from None
        return self.process.returncode, stdout, self.log.read_text()


SERVERS: list[subprocess.Popen[str]] = []
"""Every server a test started, killed after the test if it is still running."""


def start_server(
    tmp_path: Path,
    *options: str,
    env: dict[str, str] | None = None,
    program: tuple[str, ...] = ("-m", "personalize_fake"),
) -> Served:
    """``python -m personalize_fake serve --port 0 ...``, once it has printed its URL
    (``program``: what runs instead of ``-m personalize_fake``)."""
    log = tmp_path / f"serve-{len(SERVERS)}.log"
    with log.open("w") as stream:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, *program, "serve", "--port", "0", *options],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stream,
            text=True,
            env=None if env is None else {**os.environ, **env},
        )
    SERVERS.append(process)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"serving on (http://\S+)", line)
    if match is None:
        process.kill()
        process.communicate()
        raise AssertionError(f"no URL in {line!r}; log: {log.read_text()}")
    return Served(match.group(1), process, log)


def index_facts(state: Any) -> dict[str, Any]:
    """A region's indexes as plain data, checked against ones built again from its resources.

    The indexes are a function of the resources alone (that is what lets a state file
    rebuild them): kinds in creation order, who refers to whom, tracking IDs, how many of
    each kind with limits are in each status.
    """
    from personalize_fake._state.limits import Tally
    from personalize_fake._state.references import ReferenceIndex

    rebuilt = ReferenceIndex()
    tally = Tally()
    kinds: dict[str, list[str]] = {}
    for arn, resource in state.resources.items():
        kinds.setdefault(resource.KIND, []).append(arn)
        rebuilt.link(resource)
        if resource.LIMITS:
            tally.add(resource, resource.status)
        assert resource.region_state is state
    assert state.tally.counts == tally.counts
    assert {kind: list(by_arn) for kind, by_arn in state.kinds.items()} == kinds
    assert all(r is state.resources[r.arn] for c in state.kinds.values() for r in c.values())
    assert state.references.snapshot() == rebuilt.snapshot()
    issued = {r.tracking_id: r for r in state.resources.values() if r.tracking_id}
    assert state.tracking_ids == issued
    return {"kinds": kinds, "references": rebuilt.snapshot(), "tracking": sorted(issued)}


# -- training ------------------------------------------------------------------------------

USER_PERSONALIZATION = "arn:aws:personalize:::recipe/aws-user-personalization"


def record_interactions(
    events: Any, tracking_id: str, users: int = 25, per_user: int = 40, event_type: str = "click"
) -> None:
    """``users * per_user`` events through PutEvents, 10 a call (the default 1,000 from 25
    users: exactly AWS's minimum for training)."""
    for user in range(users):
        for start in range(0, per_user, 10):
            events.put_events(
                trackingId=tracking_id,
                sessionId=f"s{user}",
                userId=f"u{user}",
                eventList=[
                    {"eventType": event_type, "itemId": f"i{i % 50}", "sentAt": SENT_AT}
                    for i in range(start, min(start + 10, per_user))
                ],
            )


def trained_setup(personalize: Any, events: Any, name: str = "shop") -> tuple[str, str, str]:
    """An instant-mode group with 1,000 recorded interactions, a User-Personalization solution
    and an ACTIVE version of it. Returns the group, solution and version ARNs."""
    group = personalize.create_dataset_group(name=name)["datasetGroupArn"]
    schema = personalize.create_schema(name=f"{name}-interactions", schema=INTERACTIONS_SCHEMA)
    personalize.create_dataset(
        name=f"{name}-interactions",
        schemaArn=schema["schemaArn"],
        datasetGroupArn=group,
        datasetType="Interactions",
    )
    tracking_id = personalize.create_event_tracker(name=name, datasetGroupArn=group)["trackingId"]
    record_interactions(events, tracking_id)
    solution = personalize.create_solution(
        name=name, datasetGroupArn=group, recipeArn=USER_PERSONALIZATION
    )["solutionArn"]
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    return group, solution, version
