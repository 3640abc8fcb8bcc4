"""Imported rows and data jobs in the state file: a restart keeps what the jobs did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support import SENT_AT, client, make_dataset, tracker_setup
from test_state_file import facts

from personalize_fake.server import serving

ROLE = "arn:aws:iam::123456789012:role/r"
OPTIONS = {"lifecycle": "instant", "import_min_interactions": 0}


def observe(url: str, arns: list[str]) -> dict[str, Any]:
    """Every job's and dataset's Describe, and each List of jobs."""
    personalize = client("personalize", url)
    seen: dict[str, Any] = {}
    for arn in arns:
        kind = arn.split(":")[5].split("/")[0]
        describe = {
            "dataset": ("describe_dataset", "datasetArn"),
            "dataset-import-job": ("describe_dataset_import_job", "datasetImportJobArn"),
            "dataset-export-job": ("describe_dataset_export_job", "datasetExportJobArn"),
            "data-deletion-job": ("describe_data_deletion_job", "dataDeletionJobArn"),
        }[kind]
        answer = getattr(personalize, describe[0])(**{describe[1]: arn})
        answer.pop("ResponseMetadata")
        seen[arn] = answer
    for name in ("list_dataset_import_jobs", "list_dataset_export_jobs", "list_data_deletion_jobs"):
        listed = getattr(personalize, name)()
        listed.pop("ResponseMetadata")
        seen[name] = listed
    return seen


def test_imported_rows_and_jobs_survive_a_restart(tmp_path: Path) -> None:
    """FULL and INCREMENTAL imports, recorded events and records, a deletion job, an export
    and an update come back the same after a restart, rows in their order with their source."""
    path = tmp_path / "state.db"
    with serving(state_file=path, **OPTIONS) as (url, fake):
        personalize = client("personalize", url)
        events = client("personalize-events", url)
        group, tracking_id = tracker_setup(personalize)
        interactions = personalize.list_datasets()["datasets"][0]["datasetArn"]
        users = make_dataset(personalize, group, "Users", ["USER_ID", "AGE"])
        event = {"eventType": "click", "itemId": "i9", "sentAt": SENT_AT}
        events.put_events(trackingId=tracking_id, sessionId="s", userId="live", eventList=[event])
        events.put_users(datasetArn=users, users=[{"userId": "u1"}, {"userId": "p1"}])
        fake.put_object("s3://b/one.csv", "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\nu2,i2,2\n")
        fake.put_object("s3://b/two.csv", "USER_ID,ITEM_ID,TIMESTAMP\nu3,i3,3\nu4,i4,4\n")
        fake.put_object("s3://b/users.csv", "USER_ID,AGE\nu1,30\nu2,40\n")
        fake.put_object("s3://b/forget/list.csv", "USER_ID\nu4\np1\n")
        arns = [interactions, users]

        def job(name: str, dataset: str, location: str, mode: str = "FULL") -> None:
            arns.append(
                personalize.create_dataset_import_job(
                    jobName=name,
                    datasetArn=dataset,
                    dataSource={"dataLocation": location},
                    importMode=mode,
                )["datasetImportJobArn"]
            )

        job("first", interactions, "s3://b/one.csv")
        job("again", interactions, "s3://b/two.csv")  # FULL: one.csv's rows go
        job("more", interactions, "s3://b/one.csv", "INCREMENTAL")
        job("users", users, "s3://b/users.csv")  # replaces PutUsers' u1
        job("failed", users, "s3://b/none.csv")
        arns.append(
            personalize.create_data_deletion_job(
                jobName="forget",
                datasetGroupArn=group,
                dataSource={"dataLocation": "s3://b/forget/"},
                roleArn=ROLE,
            )["dataDeletionJobArn"]
        )
        arns.append(
            personalize.create_dataset_export_job(
                jobName="out",
                datasetArn=interactions,
                ingestionMode="ALL",
                roleArn=ROLE,
                jobOutput={"s3DataDestination": {"path": "s3://b/out/"}},
            )["datasetExportJobArn"]
        )
        wider = {
            "type": "record",
            "name": "Users",
            "fields": [
                {"name": "USER_ID", "type": "string"},
                {"name": "AGE", "type": "string"},
                {"name": "CITY", "type": ["null", "string"]},
            ],
        }
        schema = personalize.create_schema(name="wider", schema=json.dumps(wider))["schemaArn"]
        personalize.update_dataset(datasetArn=users, schemaArn=schema)
        rows = fake.interactions(interactions)
        assert [r["USER_ID"] for r in rows] == ["live", "u3", "u1", "u2"]
        assert [u["userId"] for u in fake.users(users)] == ["u1", "u2"]
        before, seen, objects = facts(fake.store), observe(url, arns), fake.objects()
        assert "s3://b/out/out/part-00000.csv" in objects
    with serving(state_file=path, **OPTIONS) as (url, fake):
        assert facts(fake.store) == before
        assert observe(url, arns) == seen
        assert fake.objects() == objects  # handed to the fake, and the export's


def test_records_of_both_sources_survive_a_restart(tmp_path: Path) -> None:
    """A Users dataset's put and imported records, repeated ids and a FULL import's drop
    included, come back the same after a restart: every record and the newest of each id."""
    path = tmp_path / "state.db"
    with serving(state_file=path, **OPTIONS) as (url, fake):
        personalize = client("personalize", url)
        events = client("personalize-events", url)
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        users = make_dataset(personalize, group, "Users", ["USER_ID", "AGE"])
        for age in ("1", "2"):
            events.put_users(
                datasetArn=users, users=[{"userId": "u1", "properties": f'{{"age": "{age}"}}'}]
            )
        fake.put_object("s3://b/one.csv", "USER_ID,AGE\nu1,30\nu2,40\nu1,31\n")
        fake.put_object("s3://b/two.csv", "USER_ID,AGE\nu3,50\nu3,51\n")
        for name in ("one", "two"):
            personalize.create_dataset_import_job(
                jobName=name, datasetArn=users, dataSource={"dataLocation": f"s3://b/{name}.csv"}
            )
        events.put_users(datasetArn=users, users=[{"userId": "u2"}])
        before, read = facts(fake.store), fake.users(users)
        assert [u["userId"] for u in read] == ["u1", "u3", "u2"]
        assert len(fake.interactions(users)) == 5
    with serving(state_file=path, **OPTIONS) as (url, fake):
        assert facts(fake.store) == before
        assert fake.users(users) == read


def test_an_import_left_running_finishes_after_a_restart(tmp_path: Path) -> None:
    """A job still CREATE PENDING when the server stops reads its object (kept in the
    file) and loads its rows once the restarted server moves it on."""
    path = tmp_path / "state.db"
    with serving(state_file=path, import_min_interactions=0) as (url, fake):
        personalize = client("personalize", url)
        tracker_setup(personalize)
        interactions = personalize.list_datasets()["datasets"][0]["datasetArn"]
        fake.put_object("s3://b/one.csv", "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\n")
        job = personalize.create_dataset_import_job(
            jobName="first", datasetArn=interactions, dataSource={"dataLocation": "s3://b/one.csv"}
        )["datasetImportJobArn"]
    with serving(state_file=path, import_min_interactions=0) as (url, fake):
        assert fake.status(job) == "CREATE PENDING"
        fake.settle(job)
        assert fake.status(job) == "ACTIVE"
        assert fake.interactions(interactions) == [
            {"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 1}
        ]
    with serving(state_file=path, import_min_interactions=0) as (url, fake):
        assert len(fake.interactions(interactions)) == 1


def test_imports_settled_together_are_each_saved_once(tmp_path: Path) -> None:
    """A FULL import and an INCREMENTAL one finished by one ``settle`` are saved as each
    loaded its rows (the FULL one's rows become the dataset's, which the next extends)."""
    path = tmp_path / "state.db"
    with serving(state_file=path, lifecycle="manual", import_min_interactions=0) as (url, fake):
        personalize = client("personalize", url)
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        fake.settle()
        fields = ["USER_ID", "ITEM_ID", "TIMESTAMP"]
        interactions = make_dataset(personalize, group, "Interactions", fields)
        fake.settle()
        for name in ("a", "b", "c"):
            fake.put_object(f"s3://b/{name}.csv", f"USER_ID,ITEM_ID,TIMESTAMP\n{name},i,1\n")

        def job(name: str, mode: str) -> None:
            location = {"dataLocation": f"s3://b/{name}.csv"}
            personalize.create_dataset_import_job(
                jobName=name, datasetArn=interactions, dataSource=location, importMode=mode
            )

        job("a", "FULL")
        fake.settle()
        job("b", "FULL")
        job("c", "INCREMENTAL")
        fake.settle()
        assert [r["USER_ID"] for r in fake.interactions(interactions)] == ["b", "c"]
        before = facts(fake.store)
    with serving(state_file=path, lifecycle="manual", import_min_interactions=0) as (url, fake):
        assert facts(fake.store) == before
