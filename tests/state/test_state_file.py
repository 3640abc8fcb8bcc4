"""The server's ``--state-file``: what survives a restart or a kill, and what a bad file gets.

Servers run in a thread (``serving``), or as ``personalize-fake serve``
subprocesses (marked ``slow``) where a crash or an exit status is the point.
Each server gets a fresh file in the test's temporary directory.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, cast

import attrs
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import (
    INTERACTIONS_SCHEMA,
    ROOT,
    SENT_AT,
    Served,
    admin,
    client,
    index_facts,
    make_dataset,
    start_server,
    tracker_setup,
)

from personalize_fake import PersonalizeFake
from personalize_fake._settings import Settings
from personalize_fake._state.persistence import StateFileError
from personalize_fake._state.rows import Rows
from personalize_fake._state.store import Store
from personalize_fake._wire.dispatch import WireRequest
from personalize_fake.server import PersonalizeServer, serving

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def strict_client(service: str, url: str) -> Any:
    """A client of the server that does not retry: each call is answered once, or fails."""
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=NO_RETRIES,
    )


def files(path: Path) -> bytes:
    """The state file's bytes, with those of its write-ahead log if there is one."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def reload(path: Path) -> PersonalizeFake:
    """A fresh server's fake, loaded from ``path`` (and the file closed again)."""
    server = PersonalizeServer(port=0, state_file=path)
    server.close()
    return server.fake


# -- what a restart keeps ------------------------------------------------------------


def observe(url: str) -> dict[str, Any]:
    """Everything a client sees of the fake, through boto3 and /_fake/ (changing nothing)."""
    personalize = client("personalize", url)
    seen: dict[str, Any] = {}
    for name, key in [
        ("list_dataset_groups", "datasetGroups"),
        ("list_schemas", "schemas"),
        ("list_datasets", "datasets"),
        ("list_event_trackers", "eventTrackers"),
    ]:
        listed = getattr(personalize, name)()[key]
        seen[name] = listed
        for entry in listed:
            arn_key = next(k for k in entry if k.endswith("Arn"))
            arn = entry[arn_key]
            describe = getattr(personalize, name.replace("list_", "describe_")[:-1])
            seen[arn] = describe(**{arn_key: arn})
            seen[arn].pop("ResponseMetadata")
            if name != "list_schemas":
                seen[f"tags {arn}"] = personalize.list_tags_for_resource(resourceArn=arn)["tags"]
            if name == "list_datasets":
                for reads in ("users", "items", "actions"):
                    seen[f"{reads} {arn}"] = admin(url, "GET", f"{reads}?datasetArn={arn}").json
                tracking_id = seen[arn]["dataset"].get("trackingId")
                if tracking_id:
                    path = f"action-interactions?trackingId={tracking_id}"
                    seen[f"ai {arn}"] = admin(url, "GET", path).json
            if name == "list_event_trackers":
                tracking_id = seen[arn]["eventTracker"]["trackingId"]
                seen[f"events {arn}"] = admin(url, "GET", f"events?trackingId={tracking_id}").json
    return seen


class TestRestart:
    def test_every_kind_and_all_recorded_data_survive(self, tmp_path: Path) -> None:
        """Resources, tags, events, records, action interactions and list tokens come back."""
        path = tmp_path / "state.db"
        with serving(lifecycle="instant", state_file=path) as (url, _):
            personalize = client("personalize", url)
            events = client("personalize-events", url)
            group, tracking_id = tracker_setup(personalize)
            personalize.tag_resource(resourceArn=group, tags=[{"tagKey": "k", "tagValue": "v"}])
            users = make_dataset(personalize, group, "Users", ["USER_ID", "AGE"])
            items = make_dataset(personalize, group, "Items", ["ITEM_ID", "GENRE"])
            other = personalize.create_dataset_group(name="other")["datasetGroupArn"]
            actions = make_dataset(personalize, other, "Actions", ["ACTION_ID", "VALUE"])
            fields = ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"]
            interactions = make_dataset(personalize, other, "Action_Interactions", fields)
            for index in range(3):
                personalize.create_dataset_group(name=f"more{index}")
            token = personalize.list_dataset_groups(maxResults=2)["nextToken"]
            events.put_events(
                trackingId=tracking_id,
                sessionId="s1",
                userId="u1",
                eventList=[
                    {"eventType": "click", "itemId": "i1", "sentAt": SENT_AT},
                    {"eventType": "buy", "itemId": "é", "sentAt": SENT_AT, "eventValue": 2.5},
                ],
            )
            events.put_users(datasetArn=users, users=[{"userId": "u1"}, {"userId": "u2"}])
            events.put_users(datasetArn=users, users=[{"userId": "u1", "properties": '{"a":1}'}])
            events.put_items(datasetArn=items, items=[{"itemId": "i1"}])
            events.put_actions(datasetArn=actions, actions=[{"actionId": "a1"}])
            ai_tracking = personalize.describe_dataset(datasetArn=interactions)["dataset"]
            events.put_action_interactions(
                trackingId=ai_tracking["trackingId"],
                actionInteractions=[
                    {"actionId": "a1", "sessionId": "s", "eventType": "TAKEN", "timestamp": SENT_AT}
                ],
            )
            before = observe(url)
        assert before[f"users {users}"]["users"][-1]["userId"] == "u1"  # replaced: moved last
        with serving(lifecycle="instant", state_file=path) as (url, fake):
            assert observe(url) == before
            page = client("personalize", url).list_dataset_groups(maxResults=2, nextToken=token)
            assert [g["name"] for g in page["datasetGroups"]] == ["more0", "more1"]
            assert fake.events(tracking_id)[0]["sentAt"] == SENT_AT

    def test_rows_of_a_dataset_created_again_are_apart_after_a_restart(
        self, tmp_path: Path
    ) -> None:
        """Events sent before a dataset was made again read back by tracking ID, not as its rows."""
        path = tmp_path / "state.db"
        event = {"eventType": "click", "itemId": "i1", "sentAt": SENT_AT}
        with serving(lifecycle="instant", state_file=path) as (url, fake):
            personalize = client("personalize", url)
            events = client("personalize-events", url)
            group, tracking_id = tracker_setup(personalize)
            events.put_events(trackingId=tracking_id, sessionId="s", eventList=[event])
            (listed,) = personalize.list_datasets()["datasets"]
            dataset = personalize.describe_dataset(datasetArn=listed["datasetArn"])["dataset"]
            personalize.delete_dataset(datasetArn=dataset["datasetArn"])
            personalize.create_dataset(
                name="again",
                schemaArn=dataset["schemaArn"],
                datasetGroupArn=group,
                datasetType="Interactions",
            )
            events.put_events(trackingId=tracking_id, sessionId="s", eventList=[event] * 2)
            before = facts(fake.store)
        with serving(lifecycle="instant", state_file=path) as (url, fake):
            assert facts(fake.store) == before
            assert len(fake.events(tracking_id)) == 3
            assert len(fake.store.rows[dataset["datasetArn"]]) == 2

    def test_a_tracker_left_pending_is_the_same_object_after_a_restart(
        self, tmp_path: Path
    ) -> None:
        """Indexes are rebuilt, not copied: settle a restored tracker and PutEvents takes it."""
        path = tmp_path / "state.db"
        with serving(state_file=path) as (url, _):
            personalize = client("personalize", url)
            group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            admin(url, "POST", "settle")
            schema = personalize.create_schema(name="i", schema=INTERACTIONS_SCHEMA)["schemaArn"]
            personalize.create_dataset(
                name="i", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
            )
            admin(url, "POST", "settle")
            tracking_id = personalize.create_event_tracker(name="t", datasetGroupArn=group)[
                "trackingId"
            ]
        with serving(state_file=path) as (url, fake):
            (tracker,) = client("personalize", url).list_event_trackers()["eventTrackers"]
            assert tracker["status"] == "CREATE PENDING"
            admin(url, "POST", "settle")
            event = {"eventType": "click", "sentAt": SENT_AT}
            client("personalize-events", url).put_events(
                trackingId=tracking_id, sessionId="s", eventList=[event]
            )
            assert len(fake.events(tracking_id)) == 1

    def test_describe_steps_and_admin_writes_are_saved(self, tmp_path: Path) -> None:
        """A stepwise Describe, advance, fail, fail-next and reset change the file too."""
        path = tmp_path / "state.db"
        with serving(state_file=path) as (url, _):
            personalize = client("personalize", url)
            stepped = personalize.create_dataset_group(name="stepped")["datasetGroupArn"]
            personalize.describe_dataset_group(datasetGroupArn=stepped)
            advanced = personalize.create_dataset_group(name="advanced")["datasetGroupArn"]
            admin(url, "POST", "advance", {"arn": advanced})
            failed = personalize.create_dataset_group(name="failed")["datasetGroupArn"]
            admin(url, "POST", "fail", {"arn": failed, "reason": "no role"})
            admin(
                url, "POST", "fail-next", {"kind": "dataset-group", "reason": "quota", "times": 2}
            )
            personalize.create_dataset_group(name="doomed")
        with serving(state_file=path) as (url, _):
            personalize = client("personalize", url)
            groups = {g["name"]: g for g in personalize.list_dataset_groups()["datasetGroups"]}
            assert groups["stepped"]["status"] == "CREATE IN_PROGRESS"
            assert groups["advanced"]["status"] == "CREATE IN_PROGRESS"
            assert groups["failed"]["failureReason"] == "no role"
            admin(url, "POST", "settle")
            again = personalize.create_dataset_group(name="again")["datasetGroupArn"]
            last = personalize.create_dataset_group(name="last")["datasetGroupArn"]
            admin(url, "POST", "settle")
            status = {
                arn: admin(url, "GET", f"status?arn={arn}").json["status"] for arn in (again, last)
            }
            assert status == {again: "CREATE FAILED", last: "ACTIVE"}  # one of two was left
            admin(url, "POST", "reset")
        with serving(state_file=path) as (url, _):
            assert client("personalize", url).list_dataset_groups()["datasetGroups"] == []

    def test_deletions_are_saved(self, tmp_path: Path) -> None:
        """A deleted tracker, dataset or group is gone after a restart; a dataset made again
        at the same ARN starts with no records, there too."""
        path = tmp_path / "state.db"
        with serving(lifecycle="instant", state_file=path) as (url, _):
            personalize = client("personalize", url)
            group, _ = tracker_setup(personalize)
            (tracker,) = personalize.list_event_trackers()["eventTrackers"]
            personalize.delete_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])
            users = make_dataset(personalize, group, "Users", ["USER_ID", "AGE"])
            client("personalize-events", url).put_users(datasetArn=users, users=[{"userId": "u"}])
            personalize.delete_dataset(datasetArn=users)
            personalize.create_dataset(
                name="again",
                schemaArn="arn:aws:personalize:us-east-1:123456789012:schema/users",
                datasetGroupArn=group,
                datasetType="Users",
            )
            gone = personalize.create_dataset_group(name="gone")["datasetGroupArn"]
            personalize.delete_dataset_group(datasetGroupArn=gone)
        with serving(lifecycle="instant", state_file=path) as (url, _):
            personalize = client("personalize", url)
            assert personalize.list_event_trackers()["eventTrackers"] == []
            groups = personalize.list_dataset_groups()["datasetGroups"]
            assert [g["name"] for g in groups] == ["shop"]
            assert admin(url, "GET", f"users?datasetArn={users}").json == {"users": []}

    def test_a_huge_fail_next_count_is_a_count(self, tmp_path: Path) -> None:
        """fail_next(times=10**6) keeps a count: the file stays small, and the count survives."""
        path = tmp_path / "state.db"
        with serving(lifecycle="instant", state_file=path) as (url, fake):
            fake.fail_next("dataset-group", "quota", times=10**6)
            client("personalize", url).create_dataset_group(name="first")
            assert len(files(path)) < 100_000
        store = reload(path).store
        assert store.injected_failures == {"dataset-group": [("quota", 10**6 - 1)]}

    def test_failed_calls_in_made_up_regions_leave_nothing(self, tmp_path: Path) -> None:
        """A failed call in any region, or a region emptied again, is not in the file."""
        path = tmp_path / "state.db"
        with serving(lifecycle="instant", state_file=path) as (url, _):
            for index in range(5):
                made_up = client("personalize", url, region=f"xx-madeup-{index}")
                with pytest.raises(ClientError):
                    made_up.describe_dataset_group(
                        datasetGroupArn=f"arn:aws:personalize:xx-madeup-{index}:123456789012:"
                        "dataset-group/none"
                    )
            emptied = client("personalize", url, region="eu-west-1")
            arn = emptied.create_dataset_group(name="gone")["datasetGroupArn"]
            emptied.delete_dataset_group(datasetGroupArn=arn)
            client("personalize", url).create_dataset_group(name="kept")
        assert b"xx-madeup" not in files(path)
        assert list(reload(path).store.regions) == [("123456789012", "us-east-1")]

    def test_failed_calls_in_made_up_regions_keep_nothing_in_memory(self) -> None:
        """Calls in 1,000 made-up regions that store nothing leave no region behind."""
        fake = PersonalizeFake(Settings())
        for index in range(1000):
            region = f"xx-madeup-{index}"
            group = f"arn:aws:personalize:{region}:123456789012:dataset-group/none"
            for target, body in [
                ("DescribeDatasetGroup", {"datasetGroupArn": group}),
                ("TagResource", {"resourceArn": group, "tags": [{"tagKey": "k", "tagValue": "v"}]}),
                ("UntagResource", {"resourceArn": group, "tagKeys": ["k"]}),
                ("DeleteDatasetGroup", {"datasetGroupArn": group}),
                (
                    "CreateDataset",
                    {
                        "name": "d",
                        "schemaArn": group,
                        "datasetGroupArn": group,
                        "datasetType": "Interactions",
                    },
                ),
                ("ListDatasetGroups", {}),
            ]:
                headers = {"X-Amz-Target": f"AmazonPersonalize.{target}"}
                request = WireRequest("POST", "/", headers, json.dumps(body).encode(), region)
                fake.handle(request)
        assert fake.store.regions == {}

    def test_an_empty_file_is_a_new_state_file(self, tmp_path: Path) -> None:
        """A file with nothing in it (``touch``, ``mktemp``) is taken as no state yet."""
        path = tmp_path / "state.db"
        path.touch()
        with serving(lifecycle="instant", state_file=path) as (url, _):
            client("personalize", url).create_dataset_group(name="g")
        assert len(client_groups(path)) == 1

    def test_unpaired_surrogates_are_kept_as_they_are(self, tmp_path: Path) -> None:
        """A string no UTF-8 can hold (set through the handle) is written and read back whole."""
        path = tmp_path / "state.db"
        with serving(state_file=path) as (url, fake):
            arn = client("personalize", url).create_dataset_group(name="g")["datasetGroupArn"]
            fake.fail(arn, "odd \ud800 reason")
        (group,) = reload(path).store.regions[("123456789012", "us-east-1")].resources.values()
        assert group.failure_reason == "odd \ud800 reason"


def client_groups(path: Path) -> list[str]:
    """The dataset groups a server loading ``path`` has, by name."""
    with serving(state_file=path) as (url, _):
        return [
            g["name"] for g in client("personalize", url).list_dataset_groups()["datasetGroups"]
        ]


# -- a random walk, then a fresh load ------------------------------------------------------

REGIONS = ("us-east-1", "us-east-1", "us-east-1", "eu-west-1", "xx-madeup-1")
TYPES = ("Interactions", "Users", "Items", "Actions", "Action_Interactions")
FIELDS = {
    "Interactions": ["USER_ID", "ITEM_ID", "TIMESTAMP"],
    "Users": ["USER_ID", "AGE"],
    "Items": ["ITEM_ID", "GENRE"],
    "Actions": ["ACTION_ID", "VALUE"],
    "Action_Interactions": ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"],
}
STEPS = (
    *("create_group", "describe_group", "delete_group", "create_schema", "delete_schema"),
    *("describe_dataset", "describe_tracker", "tag", "untag", "advance", "fail", "fail_next"),
    *("delete_dataset", "delete_tracker", "put_action_interactions") * 2,
    *("create_dataset",) * 5,
    *("create_tracker", "settle", "put_events", "put_records") * 3,
    "reset",
)
"""Step names, those that build state up (and delete it) repeated so that walks get somewhere."""
START = [
    *(("create_dataset", n, "us-east-1") for n in range(10)),  # every type, in two groups
    ("create_tracker", 0, "us-east-1"),
    ("settle", 0, "us-east-1"),
]
"""Where every walk starts: ACTIVE datasets of every type and a tracker, to record into."""


class Walk:
    """Runs named steps against a server, with names from small pools so that they collide."""

    def __init__(self, url: str, session: boto3.session.Session) -> None:
        self.url = url
        options = {
            "endpoint_url": url,
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "secret",
            "config": NO_RETRIES,
        }
        self.clients = {
            (service, region): session.client(service, region_name=region, **options)
            for service in ("personalize", "personalize-events")
            for region in REGIONS
        }

    def step(self, name: str, n: int, region: str) -> None:
        personalize = self.clients["personalize", region]
        events = self.clients["personalize-events", region]
        prefix = f"arn:aws:personalize:{region}:123456789012"
        group = f"{prefix}:dataset-group/g{n % 2}"
        kind = TYPES[n % len(TYPES)]
        dataset = f"{prefix}:dataset/g{n % 2}/{kind.upper()}"
        try:
            if name == "create_group":
                personalize.create_dataset_group(name=f"g{n % 2}")
            elif name == "describe_group":
                personalize.describe_dataset_group(datasetGroupArn=group)
            elif name == "delete_group":
                personalize.delete_dataset_group(datasetGroupArn=group)
            elif name == "create_schema":
                schema = {
                    "type": "record",
                    "name": kind,
                    "fields": [
                        {"name": f, "type": "long" if f == "TIMESTAMP" else "string"}
                        for f in FIELDS[kind]
                    ],
                }
                personalize.create_schema(name=kind.lower(), schema=json.dumps(schema))
            elif name == "delete_schema":
                personalize.delete_schema(schemaArn=f"{prefix}:schema/{kind.lower()}")
            elif name == "create_dataset":  # with what it needs, where that is missing
                self.step("create_group", n, region)
                self.step("create_schema", n, region)
                admin(self.url, "POST", "settle", {"arn": group})
                personalize.create_dataset(
                    name=f"d{n}",
                    schemaArn=f"{prefix}:schema/{kind.lower()}",
                    datasetGroupArn=group,
                    datasetType=kind,
                    tags=[{"tagKey": "made", "tagValue": "walk"}],
                )
            elif name == "describe_dataset":
                personalize.describe_dataset(datasetArn=dataset)
            elif name == "delete_dataset":
                personalize.delete_dataset(datasetArn=dataset)
            elif name == "create_tracker":
                self.step("create_group", n, region)
                admin(self.url, "POST", "settle", {"arn": group})
                personalize.create_event_tracker(name=f"t{n % 2}", datasetGroupArn=group)
            elif name in ("describe_tracker", "delete_tracker"):
                for tracker in personalize.list_event_trackers()["eventTrackers"]:
                    arn = tracker["eventTrackerArn"]
                    if name == "describe_tracker":
                        personalize.describe_event_tracker(eventTrackerArn=arn)
                    else:
                        personalize.delete_event_tracker(eventTrackerArn=arn)
            elif name == "tag":
                tags = [{"tagKey": f"k{n}", "tagValue": f"v{n}"}]
                personalize.tag_resource(resourceArn=group, tags=tags)
            elif name == "untag":
                personalize.untag_resource(resourceArn=group, tagKeys=[f"k{n}", "k0"])
            elif name == "put_events":
                for tracker in personalize.list_event_trackers()["eventTrackers"]:
                    arn = tracker["eventTrackerArn"]
                    found = personalize.describe_event_tracker(eventTrackerArn=arn)
                    event = {"eventType": "click", "itemId": f"i{n}", "sentAt": SENT_AT}
                    events.put_events(
                        trackingId=found["eventTracker"]["trackingId"],
                        sessionId=f"s{n}",
                        eventList=[event, {**event, "eventValue": float(n)}],
                    )
            elif name == "put_records":
                where = f"{prefix}:dataset/g{n % 2}"
                with contextlib.suppress(ClientError):
                    events.put_users(datasetArn=f"{where}/USERS", users=[{"userId": f"u{n}"}])
                with contextlib.suppress(ClientError):
                    events.put_items(datasetArn=f"{where}/ITEMS", items=[{"itemId": f"i{n}"}])
                actions = [{"actionId": f"a{n}"}]
                events.put_actions(datasetArn=f"{where}/ACTIONS", actions=actions)
            elif name == "put_action_interactions":
                for listed in personalize.list_datasets()["datasets"]:
                    found = personalize.describe_dataset(datasetArn=listed["datasetArn"])
                    if "trackingId" in found["dataset"]:
                        interaction = {"actionId": f"a{n}", "sessionId": "s", "eventType": "TAKEN"}
                        events.put_action_interactions(
                            trackingId=found["dataset"]["trackingId"],
                            actionInteractions=[{**interaction, "timestamp": SENT_AT}],
                        )
            elif name in ("advance", "fail"):
                admin(self.url, "POST", name, {"arn": group})
            elif name == "settle":
                admin(self.url, "POST", "settle")
            elif name == "fail_next":
                body = {
                    "kind": ("dataset-group", "dataset", "event-tracker")[n % 3],
                    "times": n + 1,
                }
                admin(self.url, "POST", "fail-next", {**body, "reason": f"r{n % 2}"})
            elif name == "reset":
                admin(self.url, "POST", "reset")
        except ClientError:
            pass  # a step that does not fit the state: the service's answer, nothing changed


def rows_facts(rows: Rows) -> Any:
    """A dataset's live rows with their sources, in order, its key column, and the newest
    record of each id (a keyed dataset's)."""
    live = [i for i, source in enumerate(rows.sources) if source]
    newest = [rows.row(i) for i in rows.newest()]
    return rows.key, len(rows), [(rows.row(i), rows.sources[i]) for i in live], newest


def live_arn(store: Store, rows: Rows) -> str | None:
    """The dataset ARN whose rows these are, None for those of a dataset since created again."""
    return next((arn for arn, held in store.rows.items() if held is rows), None)


def facts(store: Store) -> dict[str, Any]:
    """A store's state as plain data, in its orders; and whether its indexes point into it."""
    regions = {}
    for key, state in store.regions.items():
        if not state.resources:
            continue
        regions[key] = [
            (
                type(r).KIND,
                {f.name: getattr(r, f.name) for f in attrs.fields(type(r)) if f.init},
                state.tags.get(arn),
            )
            for arn, r in state.resources.items()
        ]
        regions[key].append(index_facts(state))  # in their orders, true to the resources
    return {
        "regions": regions,
        "secret": store.secret,
        "rows": {arn: rows_facts(rows) for arn, rows in store.rows.items()},
        "streams": {
            key: [
                (list(rows.where("trackingId", key[1])), live_arn(store, rows))
                for rows in containers
            ]
            for key, containers in store.streams.items()
        },
        "injected_failures": store.injected_failures,
    }


@pytest.fixture(scope="module")
def session() -> boto3.session.Session:
    """One session for every walk: its clients share loaded models."""
    return boto3.session.Session()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 9), st.sampled_from(REGIONS)),
        min_size=10,
        max_size=40,
    )
)
def test_a_fresh_load_equals_the_live_store(
    session: boto3.session.Session, steps: list[tuple[str, int, str]]
) -> None:
    """After any sequence of calls and admin writes, loading the file gives the same store."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "state.db"
        with serving(state_file=path) as (url, live):
            walk = Walk(url, session)
            for step in [*START, *steps]:
                walk.step(*step)
        assert facts(reload(path).store) == facts(live.store)


# -- files that cannot be used ---------------------------------------------------------


def made(path: Path) -> None:
    """A state file with a dataset group, a tracker and an event in it."""
    with serving(lifecycle="instant", state_file=path) as (url, _):
        _, tracking_id = tracker_setup(client("personalize", url))
        client("personalize-events", url).put_events(
            trackingId=tracking_id,
            sessionId="s",
            eventList=[{"eventType": "click", "sentAt": SENT_AT}],
        )


def edited(path: Path, *statements: str) -> None:
    """A state file made, then changed by SQL behind personalize-fake's back."""
    made(path)
    with sqlite3.connect(path) as db:
        for statement in statements:
            db.execute(statement)
    db.close()


def another_database(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE mine (x)")
    db.close()


DEEP = "[" * 2000 + "]" * 2000


@pytest.mark.parametrize(
    ("prepare", "complaint"),
    [
        (lambda p: p.write_bytes(b"not a database at all, not even close"), "not an SQLite"),
        (
            lambda p: p.write_text(
                '{"format": "personalize-fake state", "version": 1, "store": {}}'
            ),
            "JSON format of personalize-fake before state files were SQLite",
        ),
        (another_database, "another SQLite database"),
        (lambda p: edited(p, "PRAGMA user_version = 99"), "format version 99"),
        (
            lambda p: edited(p, "UPDATE resources SET kind = 'spaceship' WHERE seq = 1"),
            "unknown resource kind 'spaceship'",
        ),
        (lambda p: edited(p, "UPDATE recorded SET body = '{nope'"), "row 1 of table recorded"),
        (lambda p: edited(p, f"UPDATE recorded SET body = '{DEEP}'"), "nested too deeply"),
        (
            lambda p: edited(p, "UPDATE resources SET fields = '[]' WHERE seq = 1"),
            "fields are not a JSON object",
        ),
        (
            lambda p: edited(p, """UPDATE resources SET fields = json_set(fields, '$.cats', 1)"""),
            "has no field(s) cats",
        ),
    ],
    ids=[
        "not-sqlite",
        "json-version-1",
        "another-database",
        "future-version",
        "unknown-kind",
        "malformed-json",
        "over-deep-json",
        "wrong-type",
        "unknown-field",
    ],
)
def test_an_unreadable_file_is_reported_and_left_alone(
    tmp_path: Path, prepare: Any, complaint: str
) -> None:
    """A file that cannot be loaded is an error naming it and why; it is not changed."""
    path = tmp_path / "state.db"
    prepare(path)
    before = files(path)
    with pytest.raises(StateFileError) as raised:
        PersonalizeServer(port=0, state_file=path)
    assert str(path) in str(raised.value)
    assert complaint in str(raised.value)
    assert files(path) == before


def test_fields_at_their_none_default_are_left_out(tmp_path: Path) -> None:
    """An optional field that is None is not written, so an older version can load the file."""
    path = tmp_path / "state.db"
    with serving(lifecycle="instant", state_file=path) as (url, _):
        client("personalize", url).create_dataset_group(name="g")
    with contextlib.closing(sqlite3.connect(path)) as db:
        ((fields,),) = db.execute("SELECT fields FROM resources").fetchall()
    assert json.loads(fields)["name"] == "g"
    assert "tracking_id" not in json.loads(fields)
    assert "failure_reason" not in json.loads(fields)


def test_a_schema_keeps_its_text_not_what_is_derived_from_it(tmp_path: Path) -> None:
    """A schema's row holds its Avro text, not the field index, which a load derives again."""
    path = tmp_path / "state.db"
    with serving(lifecycle="instant", state_file=path) as (url, _):
        personalize = client("personalize", url)
        schema = personalize.create_schema(name="i", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    with contextlib.closing(sqlite3.connect(path)) as db:
        ((fields,),) = db.execute("SELECT fields FROM resources").fetchall()
    assert "fields" not in json.loads(fields)
    with serving(lifecycle="instant", state_file=path) as (url, _):
        personalize = client("personalize", url)
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        personalize.create_dataset(
            name="i", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
        )


WHEN = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "value",
    [
        {"!datetime": "not a time"},
        {"!datetime": 5},
        {"!datetime": "2026-01-01T12:00:00+00:00"},
        {"!datetime": WHEN, "!": "!!", "!!x": ["!y", {"!z": {"!datetime": "x"}}]},
        {"at": WHEN, "a": [WHEN, {"!datetime": WHEN}]},
        ["!datetime", {'"!': '"!'}],
    ],
)
def test_any_data_reads_back_as_it_was_written(value: Any) -> None:
    """The state file's JSON keeps keys starting with ``!`` apart from its datetime tags."""
    from personalize_fake._state.journal import decode, encode

    assert decode(encode(value)) == value


def test_a_replaced_class_is_not_a_second_kind(tmp_path: Path) -> None:
    """A resource class attrs replaced (slotted) but not yet collected is not what loads."""
    from personalize_fake._api.dataset_groups import DatasetGroup
    from personalize_fake._state.resource import KINDS, Resource

    namespace = {"KIND": DatasetGroup.KIND, "__module__": DatasetGroup.__module__}
    stale = type("DatasetGroup", (Resource,), {**namespace, "__qualname__": "DatasetGroup"})
    try:
        assert KINDS[DatasetGroup.KIND] is DatasetGroup
        path = tmp_path / "state.db"
        with serving(state_file=path) as (url, _):
            client("personalize", url).create_dataset_group(name="g")
        (group,) = reload(path).store.regions[("123456789012", "us-east-1")].resources.values()
        assert type(group) is DatasetGroup
    finally:
        del stale
        gc.collect()


def test_an_unopenable_location_is_reported(tmp_path: Path) -> None:
    with pytest.raises(StateFileError, match="cannot open state file"):
        PersonalizeServer(port=0, state_file=tmp_path / "missing-dir" / "state.db")


def test_a_file_in_use_is_refused(tmp_path: Path) -> None:
    """Two servers never share a state file: the second says the file is in use."""
    path = tmp_path / "state.db"
    with serving(state_file=path), pytest.raises(StateFileError, match="in use by another"):
        PersonalizeServer(port=0, state_file=path)


# -- failing to write ------------------------------------------------------------------------


def test_a_change_that_cannot_be_written_is_refused_and_reported(tmp_path: Path) -> None:
    """The change is not acknowledged, later changes are refused, /_fake/health says why."""
    path = tmp_path / "state.db"
    with serving(state_file=path) as (url, fake):
        personalize = client("personalize", url)
        arn = personalize.create_dataset_group(name="kept")["datasetGroupArn"]
        unstorable = cast(str, datetime.date(2026, 1, 1))  # the handle's Python API, misused
        with pytest.raises(StateFileError, match="cannot encode a change"):
            fake.fail(arn, unstorable)
        health = admin(url, "GET", "health")
        assert health.status == 503
        assert health.json["status"] == "failing"
        assert "cannot keep a date" in health.json["problem"]
        strict = strict_client("personalize", url)
        with pytest.raises(ClientError) as refused:
            strict.create_dataset_group(name="refused")
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert str(path) in refused.value.response["Error"]["Message"]
        reply = admin(url, "POST", "settle")
        assert (reply.status, reply.json["__type"]) == (500, "StateFileError")
        with pytest.raises(ClientError) as refused:  # a stepwise read changes state too
            strict.list_schemas()
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert admin(url, "GET", "health").json == health.json  # health still answers
    assert client_groups(path) == ["kept"]


def test_a_retry_after_a_failed_write_is_refused_as_the_call_was(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Once a write failed, every call is refused before it runs: botocore's retries of a
    create that was refused get the same 500, not ResourceAlreadyExists; each refusal is
    one log line, not a traceback."""
    path = tmp_path / "state.db"
    server = PersonalizeServer(port=0, state_file=path).start()
    try:
        personalize = client("personalize", server.url)  # botocore's default retries
        personalize.create_dataset_group(name="a")
        journal = server._journal
        assert journal is not None
        journal._db.execute("PRAGMA query_only = ON")  # the database turns read-only
        with pytest.raises(ClientError) as refused:
            personalize.create_dataset_group(name="b")
        response = refused.value.response
        assert response["ResponseMetadata"]["RetryAttempts"] > 0
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert response["Error"]["Code"] == "InternalFailure"
        assert f"cannot write state file {path}" in response["Error"]["Message"]
        assert "readonly" in response["Error"]["Message"]
        refusals = [r for r in caplog.records if "refused CreateDatasetGroup" in r.getMessage()]
        assert len(refusals) == 1 + response["ResponseMetadata"]["RetryAttempts"]
        assert not [r for r in caplog.records if r.exc_info]
        events = admin(server.url, "GET", "events?trackingId=t")
        assert (events.status, events.json["__type"]) == (500, "StateFileError")
        assert admin(server.url, "GET", "health").status == 503
    finally:
        server.stop()
    assert client_groups(path) == ["a"]


def gone(server: Served) -> None:
    """Kill a ``serve`` subprocess that is no longer needed."""
    server.process.kill()
    server.process.communicate()


LIMITED_SERVE = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # files stop growing: a full disk
from personalize_fake.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.slow
def test_a_full_disk_is_loud_and_serve_exits_1(tmp_path: Path) -> None:
    """A failed write answers 500, /_fake/health says so, serve exits 1; what was saved stays."""
    path = tmp_path / "state.db"
    log = tmp_path / "serve.log"
    command = [sys.executable, "-c", LIMITED_SERVE, str(300_000)]
    command += ["serve", "--port", "0", "--lifecycle", "instant", "--state-file", str(path)]
    with log.open("w") as stream:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stream, text=True
        )
    assert process.stdout is not None
    url = process.stdout.readline().split("serving on ", 1)[1].split()[0]
    server = Served(url, process, log)
    try:
        strict = strict_client("personalize", url)
        padding = {"name": "PAD", "type": "string", "doc": "x" * 18_000}
        big = json.loads(INTERACTIONS_SCHEMA)
        big["fields"].append(padding)
        acknowledged = []
        for index in range(100):
            try:
                strict.create_schema(name=f"s{index}", schema=json.dumps(big))
            except ClientError as exc:
                assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 500
                assert "cannot write state file" in exc.response["Error"]["Message"]
                break
            acknowledged.append(f"s{index}")
        else:
            raise AssertionError("100 schemas of 18 KB fit in 300 KB")
        health = admin(url, "GET", "health")
        assert (health.status, health.json["status"]) == (503, "failing")
        assert health.json["problem"].startswith(f"cannot write state file {path}: ")
        status, _, text = server.stop(signal.SIGTERM)  # one signal stops it (issue 8)
        assert status == 1
        assert text.count("cannot write state file") >= 2  # logged when it happened, and at exit
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    again = start_server(tmp_path, "--state-file", str(path))
    try:
        schemas = client("personalize", again.url).list_schemas()["schemas"]
        assert {s["name"] for s in schemas} == set(acknowledged)
    finally:
        gone(again)


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_event(tmp_path: Path) -> None:
    """Killed mid-burst, the server restarts with every event it acknowledged."""
    path = tmp_path / "state.db"
    server = start_server(tmp_path, "--lifecycle", "instant", "--state-file", str(path))
    try:
        _, tracking_id = tracker_setup(client("personalize", server.url))
        events = strict_client("personalize-events", server.url)
        acknowledged: list[str] = []
        enough = threading.Event()

        def burst() -> None:
            for call in range(10_000):
                batch = [
                    {"eventType": "click", "itemId": f"{call}-{i}", "sentAt": SENT_AT}
                    for i in range(10)
                ]
                try:
                    events.put_events(trackingId=tracking_id, sessionId="s", eventList=batch)
                except Exception:  # the server is gone
                    return
                acknowledged.extend(e["itemId"] for e in batch)
                if call == 40:
                    enough.set()

        sender = threading.Thread(target=burst)
        sender.start()
        assert enough.wait(60)
        server.process.send_signal(signal.SIGKILL)
        sender.join(60)
        server.process.communicate()
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate()
    assert len(acknowledged) >= 400
    again = start_server(tmp_path, "--lifecycle", "instant", "--state-file", str(path))
    try:
        found = admin(again.url, "GET", f"events?trackingId={tracking_id}").json["events"]
    finally:
        gone(again)
    assert set(acknowledged) <= {e["itemId"] for e in found}
