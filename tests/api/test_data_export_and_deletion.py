"""Dataset export jobs, data deletion jobs and UpdateDataset through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from support import SENT_AT, make_dataset

from personalize_fake import PersonalizeFake

pytestmark = pytest.mark.personalize_fake(import_min_interactions=0)

ROLE = "arn:aws:iam::123456789012:role/personalize"
INTERACTIONS = b"USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,100\nu2,i2,200\nu1,i3,300\n"


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


class Group:
    """An ACTIVE dataset group with Interactions and Users datasets, and a way to fill them."""

    def __init__(self, personalize: Any, fake: PersonalizeFake) -> None:
        self.c, self.fake = personalize, fake
        self.arn = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
        fake.settle()
        fields = ["USER_ID", "ITEM_ID", "TIMESTAMP"]
        self.interactions = make_dataset(personalize, self.arn, "Interactions", fields)
        self.users = make_dataset(personalize, self.arn, "Users", ["USER_ID", "AGE"])
        fake.settle()

    def load(self, dataset: str, data: bytes, name: str = "load") -> None:
        self.fake.put_object(f"s3://bucket/{name}.csv", data)
        arn = self.c.create_dataset_import_job(
            jobName=name, datasetArn=dataset, dataSource={"dataLocation": f"s3://bucket/{name}.csv"}
        )["datasetImportJobArn"]
        self.fake.settle(arn)
        assert self.fake.status(arn) == "ACTIVE"

    def export(self, mode: str | None, path: str = "s3://bucket/out/") -> dict[str, Any]:
        options = {} if mode is None else {"ingestionMode": mode}
        arn = self.c.create_dataset_export_job(
            jobName=f"export-{mode}",
            datasetArn=self.interactions,
            roleArn=ROLE,
            jobOutput={"s3DataDestination": {"path": path}},
            **options,
        )["datasetExportJobArn"]
        self.fake.settle(arn)
        job: dict[str, Any] = self.c.describe_dataset_export_job(datasetExportJobArn=arn)[
            "datasetExportJob"
        ]
        return job

    def delete_users(self, data: bytes, name: str = "forget") -> str:
        self.fake.put_object(f"s3://bucket/{name}/users.csv", data)
        arn: str = self.c.create_data_deletion_job(
            jobName=name,
            datasetGroupArn=self.arn,
            dataSource={"dataLocation": f"s3://bucket/{name}/"},
            roleArn=ROLE,
        )["dataDeletionJobArn"]
        return arn


@pytest.fixture
def group(personalize: Any, personalize_fake: PersonalizeFake) -> Group:
    return Group(personalize, personalize_fake)


def recorded_event(group: Group, events: Any) -> None:
    """One PutEvents event by user ``live`` (a PUT row of the Interactions dataset)."""
    tracker = group.c.create_event_tracker(name="t", datasetGroupArn=group.arn)
    group.fake.settle()
    events.put_events(
        trackingId=tracker["trackingId"],
        userId="live",
        sessionId="s",
        eventList=[{"eventType": "click", "itemId": "i9", "sentAt": SENT_AT}],
    )


class TestExport:
    @pytest.mark.parametrize(
        ("mode", "users"),
        [("BULK", ["u1", "u2", "u1"]), ("PUT", ["live"]), ("ALL", ["live", "u1", "u2", "u1"])],
    )
    def test_each_ingestion_mode_selects_its_rows(
        self, group: Group, events: Any, mode: str, users: list[str]
    ) -> None:
        """BULK writes imported rows, PUT recorded ones, ALL both; the header is the schema's."""
        recorded_event(group, events)
        group.load(group.interactions, INTERACTIONS)
        job = group.export(mode)
        assert job["status"] == "ACTIVE"
        assert job["ingestionMode"] == mode
        written = group.fake.objects("s3://bucket/out/")
        assert list(written) == [f"s3://bucket/out/export-{mode}/part-00000.csv"]
        lines = next(iter(written.values())).decode().splitlines()
        assert lines[0] == "USER_ID,ITEM_ID,TIMESTAMP"
        assert [line.split(",")[0] for line in lines[1:]] == users

    def test_the_default_mode_is_put(self, group: Group) -> None:
        """Without ingestionMode an export writes what was recorded individually (none here)."""
        group.load(group.interactions, INTERACTIONS)
        job = group.export(None)
        assert job["ingestionMode"] == "PUT"
        written = group.fake.objects("s3://bucket/out/")
        assert list(written.values()) == [b"USER_ID,ITEM_ID,TIMESTAMP\n"]

    def test_an_export_reads_back_as_an_import(self, group: Group) -> None:
        """What an export writes is a CSV an import of the same schema loads unchanged."""
        group.load(group.interactions, INTERACTIONS)
        group.export("BULK")
        assert group.fake.objects()["s3://bucket/out/export-BULK/part-00000.csv"] == INTERACTIONS

    def test_with_moto_it_writes_to_s3(self, group: Group) -> None:
        """While moto's mock_aws is active the file goes to its S3 bucket."""
        group.load(group.interactions, INTERACTIONS)
        with mock_aws():
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="exports")
            assert group.export("BULK", "s3://exports/data")["status"] == "ACTIVE"
            body = s3.get_object(Bucket="exports", Key="data/export-BULK/part-00000.csv")["Body"]
            assert body.read() == INTERACTIONS
            failed = group.export("ALL", "s3://no-such-bucket/x/")
        assert failed["status"] == "CREATE FAILED"
        assert "NoSuchBucket" in failed["failureReason"]

    def test_recorded_records_export_their_properties_as_fields(
        self, group: Group, events: Any
    ) -> None:
        """A PutUsers record's ``properties`` fill the schema's fields, matched by camel case;
        ALL writes the imported and the recorded records, one per id."""
        events.put_users(
            datasetArn=group.users, users=[{"userId": "p1", "properties": '{"age": "51"}'}]
        )
        group.load(group.users, b"USER_ID,AGE\nu1,30\n", "users")
        arn = group.c.create_dataset_export_job(
            jobName="users",
            datasetArn=group.users,
            ingestionMode="ALL",
            roleArn=ROLE,
            jobOutput={"s3DataDestination": {"path": "s3://bucket/users-out/"}},
        )["datasetExportJobArn"]
        group.fake.settle(arn)
        written = group.fake.objects("s3://bucket/users-out/")
        assert list(written.values()) == [b"USER_ID,AGE\np1,51\nu1,30\n"]

    @pytest.mark.parametrize(
        ("mode", "written"),
        [
            ("BULK", b"USER_ID,AGE\nu1,30\nu2,40\nu1,31\n"),
            ("PUT", b"USER_ID,AGE\nu2,50\nu2,51\n"),
            ("ALL", b"USER_ID,AGE\nu1,31\nu2,51\n"),
        ],
    )
    def test_bulk_and_put_exports_keep_repeated_ids(
        self, group: Group, events: Any, mode: str, written: bytes
    ) -> None:
        """BULK and PUT write every record of their source, a repeated id's too; ALL writes
        the newest record of each id, as the developer guide's table says."""
        group.load(group.users, b"USER_ID,AGE\nu1,30\nu2,40\nu1,31\n", "users")
        for age in ("50", "51"):
            user = {"userId": "u2", "properties": f'{{"age": "{age}"}}'}
            events.put_users(datasetArn=group.users, users=[user])
        arn = group.c.create_dataset_export_job(
            jobName="users",
            datasetArn=group.users,
            ingestionMode=mode,
            roleArn=ROLE,
            jobOutput={"s3DataDestination": {"path": "s3://bucket/users-out/"}},
        )["datasetExportJobArn"]
        group.fake.settle(arn)
        assert list(group.fake.objects("s3://bucket/users-out/").values()) == [written]

    def test_the_readers_show_one_shape_an_export_maps_back(
        self, group: Group, events: Any
    ) -> None:
        """``fake.users`` shows imported and put records alike, as PutUsers sends one (fields
        as camel-case ``properties``); putting what it shows exports the same fields."""
        group.load(group.users, b"USER_ID,AGE\nu1,30\n", "users")
        events.put_users(datasetArn=group.users, users=[{"userId": "p1", "properties": "{}"}])
        read = group.fake.users(group.users)
        assert read == [
            {"userId": "u1", "properties": '{"age": "30"}'},
            {"userId": "p1", "properties": "{}"},
        ]
        events.put_users(datasetArn=group.users, users=read[:1])
        written = {}
        for mode in ("BULK", "PUT"):
            arn = group.c.create_dataset_export_job(
                jobName=mode,
                datasetArn=group.users,
                ingestionMode=mode,
                roleArn=ROLE,
                jobOutput={"s3DataDestination": {"path": "s3://bucket/users-out/"}},
            )["datasetExportJobArn"]
            group.fake.settle(arn)
            written[mode] = group.fake.objects(f"s3://bucket/users-out/{mode}/")
        assert list(written["BULK"].values()) == [b"USER_ID,AGE\nu1,30\n"]
        assert list(written["PUT"].values()) == [b"USER_ID,AGE\np1,\nu1,30\n"]

    def test_actions_datasets_cannot_be_exported(self, group: Group) -> None:
        """An Actions dataset is InvalidInput, as the developer guide says."""
        actions = make_dataset(group.c, group.arn, "Actions", ["ACTION_ID", "A"])
        group.fake.settle()
        with pytest.raises(ClientError) as exc:
            group.c.create_dataset_export_job(
                jobName="x",
                datasetArn=actions,
                roleArn=ROLE,
                jobOutput={"s3DataDestination": {"path": "s3://bucket/out/"}},
            )
        assert code(exc) == "InvalidInputException"

    def test_list_by_dataset(self, group: Group) -> None:
        """ListDatasetExportJobs lists a dataset's export jobs."""
        job = group.export("ALL")
        listed = group.c.list_dataset_export_jobs(datasetArn=group.interactions)
        assert [j["datasetExportJobArn"] for j in listed["datasetExportJobs"]] == [
            job["datasetExportJobArn"]
        ]
        assert group.c.list_dataset_export_jobs(datasetArn=group.users)["datasetExportJobs"] == []


class TestDataDeletion:
    def test_statuses_and_what_is_deleted(self, group: Group, events: Any) -> None:
        """PENDING > IN_PROGRESS > COMPLETED; the users' interactions, events and records go,
        and numDeleted counts the rows."""
        recorded_event(group, events)
        group.load(group.interactions, INTERACTIONS)
        group.load(group.users, b"USER_ID,AGE\nu1,30\nu2,40\n", "users")
        arn = group.delete_users(b"USER_ID\nu1\nlive\n")
        seen = [
            group.c.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
            for _ in range(3)
        ]
        assert [job["status"] for job in seen] == ["PENDING", "IN_PROGRESS", "COMPLETED"]
        assert "numDeleted" not in seen[0]
        assert seen[2]["numDeleted"] == 4  # two imported interactions, one event, one user
        assert [r["USER_ID"] for r in group.fake.interactions(group.interactions)] == ["u2"]
        assert group.fake.users(group.users) == [{"userId": "u2", "properties": '{"age": "40"}'}]

    def test_a_bad_input_fails_the_job(self, group: Group) -> None:
        """An input that is not one USER_ID column ends the job FAILED, deleting nothing."""
        group.load(group.interactions, INTERACTIONS)
        arn = group.delete_users(b"USER_ID,ITEM_ID\nu1,i1\n")
        group.fake.settle(arn)
        job = group.c.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
        assert job["status"] == "FAILED"
        assert "Input CSV has columns the schema does not have: [ITEM_ID]" in job["failureReason"]
        assert len(group.fake.interactions(group.interactions)) == 3

    @pytest.mark.personalize_fake(data_deletion_max_bytes=8)
    def test_the_input_size_limit_is_a_setting(self, group: Group) -> None:
        """An input over ``data_deletion_max_bytes`` fails the job."""
        arn = group.delete_users(b"USER_ID\nu1\n")
        group.fake.settle(arn)
        job = group.c.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
        assert job["status"] == "FAILED"
        assert "The input is 11 bytes; a data deletion job reads at most 8." in job["failureReason"]

    def test_newest_first_and_five_pending(self, group: Group) -> None:
        """ListDataDeletionJobs is newest first; a sixth PENDING job in a group is refused;
        a pending job keeps its group from being deleted."""
        made = [group.delete_users(b"USER_ID\nu1\n", f"j{n}") for n in range(5)]
        listed = group.c.list_data_deletion_jobs(datasetGroupArn=group.arn)["dataDeletionJobs"]
        assert [j["dataDeletionJobArn"] for j in listed] == made[::-1]
        with pytest.raises(ClientError) as exc:
            group.delete_users(b"USER_ID\nu1\n", "j5")
        assert code(exc) == "LimitExceededException"
        group.c.delete_dataset(datasetArn=group.interactions)
        group.c.delete_dataset(datasetArn=group.users)
        group.fake.settle(group.interactions)
        group.fake.settle(group.users)
        with pytest.raises(ClientError) as exc:
            group.c.delete_dataset_group(datasetGroupArn=group.arn)
        assert code(exc) == "ResourceInUseException"
        assert "data deletion job" in exc.value.response["Error"]["Message"]


def schema(personalize: Any, name: str, *fields: tuple[str, Any]) -> str:
    text = json.dumps(
        {
            "type": "record",
            "name": "Items",
            "fields": [{"name": n, "type": t} for n, t in fields],
        }
    )
    arn: str = personalize.create_schema(name=name, schema=text)["schemaArn"]
    return arn


class TestUpdateDataset:
    def test_a_wider_schema_replaces_the_old(self, group: Group) -> None:
        """UPDATE PENDING > UPDATE IN_PROGRESS > ACTIVE, latestDatasetUpdate following it."""
        wider = schema(
            group.c, "wider", ("USER_ID", "string"), ("AGE", "string"), ("CITY", ["null", "string"])
        )
        answer = group.c.update_dataset(datasetArn=group.users, schemaArn=wider)
        assert answer["datasetArn"] == group.users
        seen = [group.c.describe_dataset(datasetArn=group.users)["dataset"] for _ in range(3)]
        assert [d["status"] for d in seen] == ["UPDATE PENDING", "UPDATE IN_PROGRESS", "ACTIVE"]
        assert [d["latestDatasetUpdate"]["status"] for d in seen] == [
            "UPDATE PENDING",
            "UPDATE IN_PROGRESS",
            "ACTIVE",
        ]
        assert [d["schemaArn"] == wider for d in seen] == [False, False, True]  # when it ends
        last = seen[2]["latestDatasetUpdate"]
        assert last["schemaArn"] == wider
        assert last["lastUpdatedDateTime"] >= last["creationDateTime"]
        group.load(group.users, b"USER_ID,AGE,CITY\nu1,30,Oslo\n", "users")
        assert group.fake.users(group.users) == [
            {"userId": "u1", "properties": '{"age": "30", "city": "Oslo"}'}
        ]

    @pytest.mark.parametrize(
        ("fields", "why"),
        [
            ([("USER_ID", "string"), ("CITY", ["null", "string"])], "drops the field AGE"),
            ([("USER_ID", "string"), ("AGE", "long")], "changes the type or attributes of"),
            ([("USER_ID", "string"), ("AGE", "string"), ("CITY", "string")], "must be nullable"),
        ],
    )
    def test_a_replacement_keeps_every_field(
        self, group: Group, fields: list[tuple[str, Any]], why: str
    ) -> None:
        """Dropping or changing a field, or adding one that is not nullable, is InvalidInput."""
        arn = schema(group.c, "other", *fields)
        with pytest.raises(ClientError) as exc:
            group.c.update_dataset(datasetArn=group.users, schemaArn=arn)
        assert code(exc) == "InvalidInputException"
        assert why in exc.value.response["Error"]["Message"]

    def test_only_items_and_users(self, group: Group) -> None:
        """An Interactions dataset cannot take a replacement schema."""
        arn = schema(
            group.c, "i", ("USER_ID", "string"), ("ITEM_ID", "string"), ("TIMESTAMP", "long")
        )
        with pytest.raises(ClientError) as exc:
            group.c.update_dataset(datasetArn=group.interactions, schemaArn=arn)
        assert code(exc) == "InvalidInputException"

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_the_new_schema_is_kept_while_it_runs(self, group: Group) -> None:
        """While an update runs, the dataset reads its old schema and the new one cannot be
        deleted; once it ends, the old one can."""
        old = group.c.describe_dataset(datasetArn=group.users)["dataset"]["schemaArn"]
        wider = schema(
            group.c, "w", ("USER_ID", "string"), ("AGE", "string"), ("CITY", ["null", "string"])
        )
        group.c.update_dataset(datasetArn=group.users, schemaArn=wider)
        with pytest.raises(ClientError) as exc:
            group.c.delete_schema(schemaArn=wider)
        assert code(exc) == "ResourceInUseException"
        assert group.c.describe_dataset(datasetArn=group.users)["dataset"]["schemaArn"] == old
        group.fake.settle()
        assert group.c.describe_dataset(datasetArn=group.users)["dataset"]["schemaArn"] == wider
        group.c.delete_schema(schemaArn=old)

    def test_not_while_updating(self, group: Group) -> None:
        """A second update while the first runs is ResourceInUse."""
        wider = schema(
            group.c, "w", ("USER_ID", "string"), ("AGE", "string"), ("CITY", ["null", "string"])
        )
        group.c.update_dataset(datasetArn=group.users, schemaArn=wider)
        with pytest.raises(ClientError) as exc:
            group.c.update_dataset(datasetArn=group.users, schemaArn=wider)
        assert code(exc) == "ResourceInUseException"
