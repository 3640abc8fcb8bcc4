"""``personalize-fake serve`` as a command, driven by boto3 and by the AWS CLI.

The server and the CLI run as subprocesses (marked ``slow``: about a second
each, a handful in all). Their AWS settings are dummies, and every call goes
to the server on 127.0.0.1 by ``--endpoint-url``.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import INTERACTIONS_SCHEMA, REGION, Served, aws, aws_json, client, start_server

from personalize_fake.__main__ import main

CLI_MAJOR = int(metadata.version("awscli").split(".")[0])
SERVICE_ERROR = 254 if CLI_MAJOR >= 2 else 255
"""The AWS CLI's exit status for an error the service answered (v1: 255, v2: 254)."""


SLOW_STOP = """
import sys, time
from personalize_fake.server import PersonalizeServer
stop = PersonalizeServer.stop
def slow_stop(self):  # a stop that waits, as one for a stuck connection thread may (10 s)
    print("stopping slowly", file=sys.stderr, flush=True)
    time.sleep(60)
    stop(self)
PersonalizeServer.stop = slow_stop
from personalize_fake.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _hammer(address: tuple[str, int], done: threading.Event, kind: int) -> None:
    """Connect over and over until ``done``: hang up at once (0), leave a request half sent
    (1), or make a whole call (2)."""
    while not done.is_set():
        try:
            with socket.create_connection(address, timeout=0.25) as sock:
                if kind == 1:
                    sock.sendall(b"POST /events HTTP/1.1\r\nContent-Length: 9\r\n\r\n{")
                    done.wait(0.05)
                elif kind == 2:
                    sock.sendall(b"GET /_fake/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    sock.recv(1024)
        except OSError:
            pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = start_server(tmp_path, "--lifecycle", "instant")
    yield server
    if server.process.poll() is None:
        status, _, log = server.stop()
        assert status == 0, log


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

    def test_first_signal_stops_it_whatever_it_is_doing(self, tmp_path: Path) -> None:
        """The first SIGINT or SIGTERM stops the server, landing idle, mid-accept or mid-request.

        Clients keep connecting (some hanging up at once, some leaving a request
        half sent, some making whole calls) while the signal is sent at varied moments.
        """
        delays = [0, 0.002, 0.01, 0.03, 0.1, 0.3]
        for trial, delay in enumerate(delays):
            signum = (signal.SIGINT, signal.SIGTERM)[trial % 2]
            server = start_server(tmp_path)
            split = urlsplit(server.url)
            address = (str(split.hostname), int(split.port or 0))
            done = threading.Event()
            clients = [
                threading.Thread(target=_hammer, args=(address, done, n % 3)) for n in range(4)
            ]
            for client_thread in clients:
                client_thread.start()
            try:
                time.sleep(delay)
                status, stdout, log = server.stop(signum, timeout=5)
            finally:
                done.set()
                for client_thread in clients:
                    client_thread.join()
            assert status == 0, f"{signum.name} after {delay} s: {log}"
            assert "personalize-fake stopped" in stdout
            assert "Traceback" not in log

    def test_sigterms_while_stopping_change_nothing(self, tmp_path: Path) -> None:
        """More SIGTERMs while it stops neither interrupt the stop nor print a traceback."""
        server = start_server(tmp_path)
        for _ in range(5):
            server.process.send_signal(signal.SIGTERM)
        status, stdout, log = server.stop(signal.SIGTERM)
        assert status == 0, log
        assert "personalize-fake stopped" in stdout
        assert "Traceback" not in log

    def test_a_second_ctrl_c_cuts_a_long_stop_short(self, tmp_path: Path) -> None:
        """Once a stop has begun, Ctrl-C interrupts it: exit 130 at once, with a message."""
        server = start_server(tmp_path, program=("-c", SLOW_STOP))
        server.process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        while "stopping slowly" not in server.log.read_text():
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.05)
        status, stdout, log = server.stop(signal.SIGINT, timeout=5)
        assert status == 130, log
        assert "stop interrupted (second Ctrl-C)" in log
        assert "Traceback" not in log
        assert "personalize-fake stopped" not in stdout

    def test_warns_when_listening_beyond_loopback(self, tmp_path: Path) -> None:
        """--host 0.0.0.0 serves, with a warning on stderr naming the admin token."""
        server = start_server(tmp_path, "--host", "0.0.0.0")
        port = urlsplit(server.url).port
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/_fake/health").status == 200
        status, _, log = server.stop()
        assert status == 0, log
        (warning,) = [line for line in log.splitlines() if "beyond this machine" in line]
        assert "listens on 0.0.0.0:" in warning
        assert "--admin-token" in warning

    def test_admin_token_from_the_environment(self, tmp_path: Path) -> None:
        """PERSONALIZE_FAKE_ADMIN_TOKEN guards /_fake/; the AWS operations still answer."""
        token = "from-the-environment"
        server = start_server(tmp_path, env={"PERSONALIZE_FAKE_ADMIN_TOKEN": token})
        health = f"{server.url}/_fake/health"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(health)
        assert refused.value.code == 401
        authorized = urllib.request.Request(health, headers={"Authorization": f"Bearer {token}"})
        assert urllib.request.urlopen(authorized).status == 200
        client("personalize", server.url).create_dataset_group(name="g")
        status, stdout, log = server.stop()
        assert status == 0, log
        assert token not in stdout + log

    def test_a_setting_given_with_set_holds(self, tmp_path: Path) -> None:
        """``--set NAME=VALUE`` sets any setting: here a tag quota of 1 refuses a second tag."""
        server = start_server(tmp_path, "--set", "tags_per_resource=1")
        personalize = client("personalize", server.url)
        tags = [{"tagKey": "a", "tagValue": "1"}, {"tagKey": "b", "tagValue": "2"}]
        with pytest.raises(personalize.exceptions.TooManyTagsException):
            personalize.create_dataset_group(name="g", tags=tags)
        status, _, log = server.stop()
        assert status == 0, log


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

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--version prints the installed version and exits 0."""
        with pytest.raises(SystemExit) as exc:
            main(["--version"])
        assert exc.value.code == 0
        assert (
            capsys.readouterr().out == f"personalize-fake {metadata.version('personalize-fake')}\n"
        )

    def test_bad_account_id(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["serve", "--port", "0", "--account-id", "12"]) == 2
        assert "account_id must be 12 digits" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("options", "environment", "complaint"),
        [
            (["--admin-token", "two words"], {}, "admin token"),
            ([], {"PERSONALIZE_FAKE_ADMIN_TOKEN": ""}, "admin token"),
            (["--allow-host", "fake:4567"], {}, "allowed host 'fake:4567'"),
        ],
        ids=["token-with-space", "empty-token-variable", "host-with-port"],
    )
    def test_bad_guard_options(
        self,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        options: list[str],
        environment: dict[str, str],
        complaint: str,
    ) -> None:
        """A token or allowed host that cannot work stops the command with status 2."""
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        assert main(["serve", "--port", "0", *options]) == 2
        assert complaint in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("assignment", "complaint"),
        [
            ("no_such_thing=1", "unknown setting 'no_such_thing'"),
            ("tags_per_resource=many", "tags_per_resource must be a number"),
            ("tags_per_resource=-1", "tags_per_resource must be at least 0"),
            ("check_responses=maybe", "check_responses must be true or false"),
            ("tags_per_resource", "--set takes NAME=VALUE"),
            ("lifecycle=instant", "set lifecycle with --lifecycle"),
        ],
    )
    def test_bad_setting(
        self, capsys: pytest.CaptureFixture[str], assignment: str, complaint: str
    ) -> None:
        """A --set the settings cannot take stops the command with status 2, saying why."""
        assert main(["serve", "--port", "0", "--set", assignment]) == 2
        assert complaint in capsys.readouterr().err

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
