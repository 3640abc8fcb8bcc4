"""``personalize-fake serve`` as a command, driven by boto3 and by the AWS CLI.

The server and the CLI run as subprocesses (marked ``slow``: about a second
each, a handful in all). Their AWS settings are dummies, and every call goes
to the server on 127.0.0.1 by ``--endpoint-url``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from support import INTERACTIONS_SCHEMA
from test_server import client

from personalize_fake.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
CLI_MAJOR = int(metadata.version("awscli").split(".")[0])
SERVICE_ERROR = 254 if CLI_MAJOR >= 2 else 255
"""The AWS CLI's exit status for an error the service answered (v1: 255, v2: 254)."""


class Served(NamedTuple):
    url: str
    process: subprocess.Popen[str]
    log: Path

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str, str]:
        """Signal the server; return its exit status, its stdout and its log."""
        self.process.send_signal(signum)
        stdout, _ = self.process.communicate(timeout=10)
        return self.process.returncode, stdout, self.log.read_text()


def start_server(tmp_path: Path, *options: str) -> Served:
    """``python -m personalize_fake serve --port 0 ...``, once it has printed its URL."""
    log = tmp_path / "serve.log"
    with log.open("w") as stream:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "personalize_fake", "serve", "--port", "0", *options],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stream,
            text=True,
        )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"serving on (http://\S+)", line)
    if match is None:
        process.kill()
        process.communicate()
        raise AssertionError(f"no URL in {line!r}; log: {log.read_text()}")
    return Served(match.group(1), process, log)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = start_server(tmp_path, "--lifecycle", "instant")
    yield server
    if server.process.poll() is None:
        status, _, log = server.stop()
        assert status == 0, log


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


@pytest.mark.slow
class TestServe:
    def test_prints_url_logs_requests_and_stops_on_ctrl_c(self, tmp_path: Path) -> None:
        """--port 0 prints the URL; one log line per request; Ctrl-C exits 0 without a traceback."""
        server = start_server(tmp_path)
        personalize = client("personalize", server.url)
        personalize.create_dataset_group(name="shop")
        status, stdout, log = server.stop(signal.SIGINT)
        assert status == 0
        assert "personalize-fake stopped" in stdout
        (line,) = log.splitlines()
        assert re.search(r"127\.0\.0\.1 POST / personalize\.CreateDatasetGroup 200 [\d.]+ms$", line)
        assert "Traceback" not in log

    def test_sigterm_stops_cleanly_and_saves_state(self, tmp_path: Path) -> None:
        """SIGTERM stops as Ctrl-C does, and a restart with --state-file sees the state."""
        state = tmp_path / "state.json"
        server = start_server(tmp_path, "--state-file", str(state), "--account-id", "111122223333")
        client("personalize", server.url).create_dataset_group(name="kept")
        status, _, log = server.stop(signal.SIGTERM)
        assert status == 0, log
        again = start_server(tmp_path, "--state-file", str(state), "--account-id", "111122223333")
        try:
            groups = client("personalize", again.url).list_dataset_groups()["datasetGroups"]
            assert [g["datasetGroupArn"] for g in groups] == [
                "arn:aws:personalize:us-east-1:111122223333:dataset-group/kept"
            ]
        finally:
            assert again.stop()[0] == 0


@pytest.mark.slow
class TestAwsCli:
    def test_tracker_scenario(self, served: Served, tmp_path: Path) -> None:
        """The AWS CLI sets up a tracker, polls it to ACTIVE and puts an event; /_fake/ reads it."""
        url = served.url
        group = aws_json(url, tmp_path, "personalize", "create-dataset-group", "--name", "shop")
        group_arn = group["datasetGroupArn"]
        schema_file = tmp_path / "schema.json"
        schema_file.write_text(INTERACTIONS_SCHEMA)
        schema = aws_json(
            url,
            tmp_path,
            "personalize",
            "create-schema",
            "--name",
            "interactions",
            "--schema",
            f"file://{schema_file}",
        )
        aws_json(
            url,
            tmp_path,
            "personalize",
            "create-dataset",
            "--name",
            "interactions",
            "--dataset-group-arn",
            group_arn,
            "--schema-arn",
            schema["schemaArn"],
            "--dataset-type",
            "Interactions",
        )
        tracker = aws_json(
            url,
            tmp_path,
            "personalize",
            "create-event-tracker",
            "--name",
            "web",
            "--dataset-group-arn",
            group_arn,
        )
        for _ in range(5):
            described = aws_json(
                url,
                tmp_path,
                "personalize",
                "describe-event-tracker",
                "--event-tracker-arn",
                tracker["eventTrackerArn"],
            )
            if described["eventTracker"]["status"] == "ACTIVE":
                break
        assert described["eventTracker"]["status"] == "ACTIVE"
        aws_json(
            url,
            tmp_path,
            "personalize-events",
            "put-events",
            "--tracking-id",
            tracker["trackingId"],
            "--session-id",
            "s1",
            "--user-id",
            "u1",
            "--event-list",
            '[{"eventType": "click", "itemId": "i1", "sentAt": 1767268800}]',
        )
        with urllib.request.urlopen(f"{url}/_fake/events?trackingId={tracker['trackingId']}") as r:
            events = json.load(r)["events"]
        assert [(e["userId"], e["itemId"], e["sentAt"]) for e in events] == [
            ("u1", "i1", "2026-01-01T12:00:00+00:00")
        ]

    def test_service_error(self, served: Served, tmp_path: Path) -> None:
        """A service error is the CLI's service-error exit status and AWS's message."""
        arn = f"arn:aws:personalize:{REGION}:123456789012:dataset-group/missing"
        result = aws(
            served.url,
            tmp_path,
            "personalize",
            "describe-dataset-group",
            "--dataset-group-arn",
            arn,
        )
        assert result.returncode == SERVICE_ERROR
        assert (
            "An error occurred (ResourceNotFoundException) when calling the DescribeDatasetGroup "
            f"operation: Resource Arn {arn} does not exist."
        ) in result.stderr


class TestMain:
    def test_console_script(self) -> None:
        """Installing the package installs the personalize-fake command."""
        (script,) = [
            e
            for e in metadata.entry_points(group="console_scripts")
            if e.name == "personalize-fake"
        ]
        assert script.value == "personalize_fake.__main__:main"

    def test_bad_account_id(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["serve", "--port", "0", "--account-id", "12"]) == 2
        assert "account_id must be 12 digits" in capsys.readouterr().err

    def test_bad_lifecycle(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exc:
            main(["serve", "--lifecycle", "eventually"])
        assert exc.value.code == 2
        assert "invalid choice: 'eventually'" in capsys.readouterr().err

    def test_port_in_use(self, capsys: pytest.CaptureFixture[str]) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            assert main(["serve", "--port", str(port)]) == 1
        assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err

    def test_corrupt_state_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A corrupt state file stops the command with status 1 and says so; the file stays."""
        state = tmp_path / "state.db"
        state.write_text("not a state file")
        assert main(["serve", "--port", "0", "--state-file", str(state)]) == 1
        error = capsys.readouterr().err
        assert f"state file {state} is corrupt" in error
        assert "left as it is" in error
        assert state.read_text() == "not a state file"
