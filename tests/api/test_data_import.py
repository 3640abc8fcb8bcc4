"""Dataset import jobs through boto3: data from moto's S3 or the handle, CSV rules, modes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from support import INTERACTIONS_SCHEMA, SENT_AT

from personalize_fake import PersonalizeFake, mock_personalize

ROLE = "arn:aws:iam::123456789012:role/personalize"
BUCKET = "training-data"
CSV = b"USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1596238243\nu2,i2,1596238244\n"
ITEMS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Items",
        "fields": [
            {"name": "ITEM_ID", "type": "string"},
            {"name": "GENRES", "type": ["null", "string"], "categorical": True},
            {"name": "PRICE", "type": ["null", "float"]},
            {"name": "IN_STOCK", "type": "boolean"},
        ],
    }
)


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def message(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Message"])


class Setup:
    """A dataset group with an Interactions dataset, each ACTIVE."""

    def __init__(self, personalize: Any, fake: PersonalizeFake, schema: str = INTERACTIONS_SCHEMA):
        self.personalize = personalize
        self.fake = fake
        self.group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
        fake.settle()
        schema_arn = personalize.create_schema(name="s", schema=schema)["schemaArn"]
        kind = "Items" if schema is ITEMS_SCHEMA else "Interactions"
        self.dataset = personalize.create_dataset(
            name="d", schemaArn=schema_arn, datasetGroupArn=self.group, datasetType=kind
        )["datasetArn"]
        fake.settle()

    def start(self, location: str, name: str = "job", **options: Any) -> str:
        arn: str = self.personalize.create_dataset_import_job(
            jobName=name,
            datasetArn=self.dataset,
            dataSource={"dataLocation": location},
            roleArn=ROLE,
            **options,
        )["datasetImportJobArn"]
        return arn

    def run(self, location: str, name: str = "job", **options: Any) -> dict[str, Any]:
        """Start an import and settle it; its Describe."""
        arn = self.start(location, name, **options)
        self.fake.settle(arn)
        job: dict[str, Any] = self.personalize.describe_dataset_import_job(datasetImportJobArn=arn)[
            "datasetImportJob"
        ]
        return job


@pytest.fixture
def setup(personalize: Any, personalize_fake: PersonalizeFake) -> Setup:
    return Setup(personalize, personalize_fake)


@pytest.fixture
def s3() -> Iterator[Any]:
    """moto's S3, with the bucket made (moto started inside the fake's mock)."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


NO_MINIMUM = pytest.mark.personalize_fake(import_min_interactions=0)


@NO_MINIMUM
class TestFromMotoS3:
    def test_an_uploaded_csv_is_imported(self, setup: Setup, s3: Any) -> None:
        """A CSV uploaded to moto's S3 is read and its rows loaded when the job is ACTIVE."""
        s3.put_object(Bucket=BUCKET, Key="interactions.csv", Body=CSV)
        job = setup.run(f"s3://{BUCKET}/interactions.csv")
        assert job["status"] == "ACTIVE", job.get("failureReason")
        assert job["importMode"] == "FULL"
        assert job["dataSource"] == {"dataLocation": f"s3://{BUCKET}/interactions.csv"}
        assert job["roleArn"] == ROLE
        assert job["datasetArn"] == setup.dataset
        assert setup.fake.interactions(setup.dataset) == [
            {"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 1596238243},
            {"USER_ID": "u2", "ITEM_ID": "i2", "TIMESTAMP": 1596238244},
        ]

    def test_a_prefix_imports_every_object_under_it(self, setup: Setup, s3: Any) -> None:
        """``s3://bucket/folder/`` reads each object under it, in key order."""
        s3.put_object(Bucket=BUCKET, Key="in/b.csv", Body=b"USER_ID,ITEM_ID,TIMESTAMP\nu2,i,2\n")
        s3.put_object(Bucket=BUCKET, Key="in/a.csv", Body=b"USER_ID,ITEM_ID,TIMESTAMP\nu1,i,1\n")
        s3.put_object(Bucket=BUCKET, Key="other.csv", Body=b"USER_ID,ITEM_ID,TIMESTAMP\nu3,i,3\n")
        assert setup.run(f"s3://{BUCKET}/in/")["status"] == "ACTIVE"
        assert [r["USER_ID"] for r in setup.fake.interactions(setup.dataset)] == ["u1", "u2"]

    def test_a_prefix_reads_only_its_csv_files(self, setup: Setup, s3: Any) -> None:
        """Under a prefix only keys ending in .csv are read ("every CSV in it"): a Spark
        ``_SUCCESS`` marker or a manifest beside them is left alone; none at all fails."""
        s3.put_object(
            Bucket=BUCKET, Key="in/part-0.CSV", Body=b"USER_ID,ITEM_ID,TIMESTAMP\nu1,i,1\n"
        )
        s3.put_object(Bucket=BUCKET, Key="in/_SUCCESS", Body=b"")
        s3.put_object(Bucket=BUCKET, Key="in/manifest.json", Body=b"{}")
        assert setup.run(f"s3://{BUCKET}/in/")["status"] == "ACTIVE"
        assert [r["USER_ID"] for r in setup.fake.interactions(setup.dataset)] == ["u1"]
        s3.put_object(Bucket=BUCKET, Key="none/_SUCCESS", Body=b"")
        job = setup.run(f"s3://{BUCKET}/none/", "none")
        assert job["status"] == "CREATE FAILED"
        assert job["failureReason"].endswith(
            f"No CSV file (a key ending in .csv) is under s3://{BUCKET}/none/."
        )

    def test_a_missing_object_fails_the_job(self, setup: Setup, s3: Any) -> None:
        """An object moto does not hold ends the job CREATE FAILED with S3's reason."""
        job = setup.run(f"s3://{BUCKET}/nothing.csv")
        assert job["status"] == "CREATE FAILED"
        assert job["failureReason"] == (
            "Failed to create a data import job for interactions dataset. Cannot read "
            f"s3://{BUCKET}/nothing.csv from S3: NoSuchKey: The specified key does not exist."
        )
        assert setup.fake.interactions(setup.dataset) == []

    def test_moto_started_outside_the_fake(self) -> None:
        """mock_aws around mock_personalize: the job reads moto's S3 the same way."""
        with mock_aws(), mock_personalize(lifecycle="instant", import_min_interactions=0) as fake:
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket=BUCKET)
            s3.put_object(Bucket=BUCKET, Key="i.csv", Body=CSV)
            setup = Setup(boto3.client("personalize", region_name="us-east-1"), fake)
            assert setup.run(f"s3://{BUCKET}/i.csv")["status"] == "ACTIVE"
            assert len(fake.interactions(setup.dataset)) == 2


@NO_MINIMUM
class TestFromTheHandle:
    def test_an_object_handed_to_the_fake_is_imported(self, setup: Setup) -> None:
        """Without moto, ``fake.put_object`` gives the job its bytes (text or bytes)."""
        setup.fake.put_object("s3://bucket/i.csv", CSV.decode())
        assert setup.run("s3://bucket/i.csv")["status"] == "ACTIVE"
        assert [r["ITEM_ID"] for r in setup.fake.interactions(setup.dataset)] == ["i1", "i2"]

    def test_no_s3_and_no_object_says_how_to_give_one(self, setup: Setup) -> None:
        """With nowhere to read from, the job fails saying how to hand the fake the data."""
        job = setup.run("s3://bucket/i.csv")
        assert job["status"] == "CREATE FAILED"
        assert "mock_aws" in job["failureReason"]
        assert 'fake.put_object("s3://bucket/i.csv", data)' in job["failureReason"]

    def test_put_object_takes_only_an_object_location(self, personalize_fake: PersonalizeFake):
        """A location that is not ``s3://bucket/key`` is a ValueError."""
        for location in ("bucket/key", "s3://bucket", "s3://bucket/folder/"):
            with pytest.raises(ValueError, match="s3://bucket/key"):
                personalize_fake.put_object(location, b"")


@NO_MINIMUM
class TestLifecycle:
    def test_stepwise_rows_arrive_when_the_job_is_active(self, setup: Setup) -> None:
        """Polling shows CREATE PENDING, CREATE IN_PROGRESS, ACTIVE; rows come with ACTIVE."""
        setup.fake.put_object("s3://bucket/i.csv", CSV)
        arn = setup.start("s3://bucket/i.csv")
        seen = [(setup.fake.status(arn), len(setup.fake.interactions(setup.dataset)))]
        for _ in range(3):
            job = setup.personalize.describe_dataset_import_job(datasetImportJobArn=arn)
            seen.append(
                (job["datasetImportJob"]["status"], len(setup.fake.interactions(setup.dataset)))
            )
        assert seen == [
            ("CREATE PENDING", 0),
            ("CREATE PENDING", 0),  # each Describe answers, then moves the job on
            ("CREATE IN_PROGRESS", 2),  # it moved to ACTIVE and loaded after answering
            ("ACTIVE", 2),
        ]

    @pytest.mark.personalize_fake(lifecycle="manual", import_min_interactions=0)
    def test_manual_waits_for_the_handle(self, setup: Setup) -> None:
        """In manual mode the job moves, and loads, only when the test advances it."""
        setup.fake.put_object("s3://bucket/i.csv", CSV)
        arn = setup.start("s3://bucket/i.csv")
        assert setup.fake.status(arn) == "CREATE PENDING"
        assert setup.fake.advance(arn) == "CREATE IN_PROGRESS"
        assert setup.fake.interactions(setup.dataset) == []
        assert setup.fake.advance(arn) == "ACTIVE"
        assert len(setup.fake.interactions(setup.dataset)) == 2

    def test_an_injected_failure_loads_nothing(self, setup: Setup) -> None:
        """``fail_next("dataset-import-job")`` ends it CREATE FAILED before any row is loaded."""
        setup.fake.put_object("s3://bucket/i.csv", CSV)
        setup.fake.fail_next("dataset-import-job", "S3 was down.")
        job = setup.run("s3://bucket/i.csv")
        assert (job["status"], job["failureReason"]) == ("CREATE FAILED", "S3 was down.")
        assert setup.fake.interactions(setup.dataset) == []


@NO_MINIMUM
class TestModes:
    def test_full_replaces_bulk_rows_and_keeps_recorded_events(
        self, setup: Setup, events: Any
    ) -> None:
        """FULL drops the rows earlier imports loaded; what PutEvents recorded stays."""
        tracker = setup.personalize.create_event_tracker(name="t", datasetGroupArn=setup.group)
        setup.fake.settle()
        events.put_events(
            trackingId=tracker["trackingId"],
            userId="live",
            sessionId="s",
            eventList=[{"eventType": "click", "itemId": "i9", "sentAt": SENT_AT}],
        )
        setup.fake.put_object("s3://bucket/one.csv", CSV)
        setup.fake.put_object("s3://bucket/two.csv", b"USER_ID,ITEM_ID,TIMESTAMP\nu3,i3,5\n")
        setup.run("s3://bucket/one.csv", "one")
        assert setup.run("s3://bucket/two.csv", "two", importMode="FULL")["status"] == "ACTIVE"
        rows = setup.fake.interactions(setup.dataset)
        assert [r["USER_ID"] for r in rows] == ["live", "u3"]
        assert len(setup.fake.events(tracker["trackingId"])) == 1

    def test_incremental_appends(self, setup: Setup) -> None:
        """INCREMENTAL keeps the rows loaded before and adds its own."""
        setup.fake.put_object("s3://bucket/one.csv", CSV)
        setup.fake.put_object("s3://bucket/two.csv", b"USER_ID,ITEM_ID,TIMESTAMP\nu3,i3,5\n")
        setup.run("s3://bucket/one.csv", "one")
        job = setup.run("s3://bucket/two.csv", "two", importMode="INCREMENTAL")
        assert (job["status"], job["importMode"]) == ("ACTIVE", "INCREMENTAL")
        assert [r["USER_ID"] for r in setup.fake.interactions(setup.dataset)] == ["u1", "u2", "u3"]

    def test_incremental_needs_an_earlier_import(self, setup: Setup) -> None:
        """INCREMENTAL into a dataset no import has filled is InvalidInput."""
        with pytest.raises(ClientError) as exc:
            setup.start("s3://bucket/i.csv", importMode="INCREMENTAL")
        assert code(exc) == "InvalidInputException"
        assert "must use importMode FULL" in message(exc)

    @pytest.mark.personalize_fake(
        import_min_interactions=0, incremental_before_full_error="ResourceInUseException"
    )
    def test_incremental_before_full_error_is_a_setting(self, setup: Setup) -> None:
        """The error code of an early INCREMENTAL import is the setting's."""
        with pytest.raises(ClientError) as exc:
            setup.start("s3://bucket/i.csv", importMode="INCREMENTAL")
        assert code(exc) == "ResourceInUseException"

    def test_full_keeps_the_records_put_one_by_one(
        self, personalize: Any, personalize_fake: Any, events: Any
    ) -> None:
        """FULL replaces only the imported records of an Items dataset: an item PutItems
        stored stays, even when an earlier import brought the same id."""
        setup = Setup(personalize, personalize_fake, ITEMS_SCHEMA)
        events.put_items(
            datasetArn=setup.dataset, items=[{"itemId": "i3", "properties": '{"inStock": true}'}]
        )
        personalize_fake.put_object("s3://bucket/a.csv", b"ITEM_ID,IN_STOCK\ni3,0\ni4,1\n")
        personalize_fake.put_object("s3://bucket/b.csv", b"ITEM_ID,IN_STOCK\ni5,1\n")
        setup.run("s3://bucket/a.csv", "a")
        assert [i["itemId"] for i in personalize_fake.items(setup.dataset)] == ["i3", "i4"]
        setup.run("s3://bucket/b.csv", "b")
        assert [i["itemId"] for i in personalize_fake.items(setup.dataset)] == ["i3", "i5"]
        assert personalize_fake.items(setup.dataset)[0]["properties"] == '{"inStock": true}'

    def test_an_items_csv_is_typed_and_keyed(self, personalize: Any, personalize_fake: Any) -> None:
        """Items: header in any case, nullable cells empty, booleans, a repeated id's newest
        record read as PutItems sends one (fields as camel-case properties)."""
        setup = Setup(personalize, personalize_fake, ITEMS_SCHEMA)
        personalize_fake.put_object(
            "s3://bucket/items.csv",
            b"item_id,Genres,PRICE,in_stock\na,x|y,2.5,True\nb,,,0\na,z,3,1\n",
        )
        assert setup.run("s3://bucket/items.csv")["status"] == "ACTIVE"
        assert personalize_fake.items(setup.dataset) == [
            {"itemId": "b", "properties": '{"inStock": false}'},
            {"itemId": "a", "properties": '{"genres": "z", "price": 3.0, "inStock": true}'},
        ]


def failure(setup: Setup, data: bytes, **settings: Any) -> str:
    setup.fake.put_object("s3://bucket/bad.csv", data)
    job = setup.run("s3://bucket/bad.csv")
    assert job["status"] == "CREATE FAILED"
    assert setup.fake.interactions(setup.dataset) == []  # nothing of a failed job is loaded
    return str(job["failureReason"]).removeprefix(
        "Failed to create a data import job for interactions dataset. "
    )


@NO_MINIMUM
class TestFailures:
    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            pytest.param(
                b"USER_ID,ITEM_ID\nu,i\n",
                "s3://bucket/bad.csv, line 1: Input CSV is missing the following columns: "
                "[TIMESTAMP]",
                id="missing-column",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP\nu,i,1\nu,i,yesterday\n",
                "s3://bucket/bad.csv, line 3, column TIMESTAMP: TIMESTAMP must be an integer, "
                "not 'yesterday'",
                id="not-a-number",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP\nu,i,1596238243000\n",
                "s3://bucket/bad.csv, line 2, column TIMESTAMP: TIMESTAMP must be in epoch "
                "seconds (0 to 253402300799), not 1596238243000",
                id="milliseconds",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP\nu,i,1\n\nu,i\n",
                "s3://bucket/bad.csv, line 4: 2 cells where the header names 3 columns (a "
                "record must be one line, its cells separated by commas)",
                id="short-row",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP,COLOUR\n",
                "s3://bucket/bad.csv, line 1: Input CSV has columns the schema does not have: "
                "[COLOUR] (its fields: USER_ID, ITEM_ID, TIMESTAMP)",
                id="unknown-column",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP,USERID\n",
                "s3://bucket/bad.csv, line 1: the columns USER_ID and USERID are the same name "
                "to Amazon Personalize (column names must differ in their letters and digits)",
                id="twin-columns",
            ),
            pytest.param(
                b'USER_ID,ITEM_ID,TIMESTAMP\nu,"i,1\n',
                "s3://bucket/bad.csv, line 2: the CSV is malformed (unexpected end of data)",
                id="open-quote",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP\n,i,1\n",
                "s3://bucket/bad.csv, line 2, column USER_ID: USER_ID is required and the "
                "cell is empty",
                id="empty-id",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP\n" + b"u" * 257 + b",i,1\n",
                "s3://bucket/bad.csv, line 2, column USER_ID: Length cannot be more than 256 "
                "characters for USER_ID.",
                id="too-long",
            ),
            pytest.param(
                b"USER_ID,ITEM_ID,TIMESTAMP\n\xff,i,1\n",
                "s3://bucket/bad.csv: not UTF-8 text (byte 26 cannot be decoded); save it as UTF-8",
                id="not-utf8",
            ),
            pytest.param(b"", "s3://bucket/bad.csv: the file is empty", id="empty"),
        ],
    )
    def test_a_bad_csv_names_file_line_and_column(
        self, setup: Setup, data: bytes, reason: str
    ) -> None:
        """Each problem ends the job CREATE FAILED, naming where it is; nothing is loaded."""
        assert failure(setup, data).startswith(reason)

    def test_the_first_bad_row_of_a_large_file_is_found(self, setup: Setup) -> None:
        """A bad cell far into a file (past the first chunk) is reported at its own line."""
        good = b"".join(b"u%d,i,%d\n" % (n, n) for n in range(70_000))
        data = b"USER_ID,ITEM_ID,TIMESTAMP\n" + good + b"u,i,x\n"
        assert failure(setup, data).startswith("s3://bucket/bad.csv, line 70002, column TIMESTAMP")

    def test_files_of_one_job_share_their_columns(self, setup: Setup) -> None:
        """Under a prefix, a file whose header differs from the first's fails the job."""
        setup.fake.put_object("s3://bucket/in/a.csv", CSV)
        setup.fake.put_object("s3://bucket/in/b.csv", b"ITEM_ID,USER_ID,TIMESTAMP\ni,u,1\n")
        job = setup.run("s3://bucket/in/")
        assert job["status"] == "CREATE FAILED"
        assert "s3://bucket/in/b.csv, line 1: its columns" in job["failureReason"]
        assert setup.fake.interactions(setup.dataset) == []

    @pytest.mark.personalize_fake(import_min_interactions=1000)
    def test_too_few_interactions(self, setup: Setup) -> None:
        """An Interactions import below the minimum (1,000 by default) fails the job."""
        reason = failure(setup, CSV)
        assert reason.startswith("s3://bucket/bad.csv holds 2 interaction records")
        assert "at least 1000 (the fake's import_min_interactions setting)" in reason

    @pytest.mark.personalize_fake(import_min_interactions=1000, minimum_training_data=False)
    def test_minimum_training_data_off_lets_tiny_imports_in(self, setup: Setup) -> None:
        """``minimum_training_data=False`` turns the import's minimum off too: one switch."""
        setup.fake.put_object("s3://bucket/tiny.csv", CSV)
        assert setup.run("s3://bucket/tiny.csv")["status"] == "ACTIVE"
        assert len(setup.fake.interactions(setup.dataset)) == 2


@NO_MINIMUM
class TestRules:
    def test_unknown_dataset(self, personalize: Any) -> None:
        """A dataset that does not exist is ResourceNotFound."""
        with pytest.raises(ClientError) as exc:
            personalize.create_dataset_import_job(
                jobName="j",
                datasetArn="arn:aws:personalize:us-east-1:123456789012:dataset/g/INTERACTIONS",
                dataSource={"dataLocation": "s3://bucket/i.csv"},
            )
        assert code(exc) == "ResourceNotFoundException"

    @pytest.mark.parametrize("location", ["https://bucket/i.csv", "s3:///i.csv", None])
    def test_a_location_that_is_not_s3(self, setup: Setup, location: str | None) -> None:
        """A dataLocation that is not ``s3://bucket/...`` is ``Invalid Data location.``"""
        source = {} if location is None else {"dataLocation": location}
        with pytest.raises(ClientError) as exc:
            setup.personalize.create_dataset_import_job(
                jobName="j", datasetArn=setup.dataset, dataSource=source
            )
        assert (code(exc), message(exc)) == ("InvalidInputException", "Invalid Data location.")

    def test_the_dataset_must_be_active(self, personalize: Any, personalize_fake: Any) -> None:
        """Importing into a dataset still being created is ResourceInUse."""
        setup = Setup(personalize, personalize_fake)
        personalize.delete_dataset(datasetArn=setup.dataset)
        with pytest.raises(ClientError) as exc:
            setup.start("s3://bucket/i.csv")
        assert code(exc) == "ResourceInUseException"

    def test_publishing_attribution_metrics_needs_an_s3_destination(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """publishAttributionMetricsToS3 needs the group's metric attribution to name an
        s3DataDestination: InvalidInput without one; accepted, and described, with one."""
        schema = json.loads(INTERACTIONS_SCHEMA)
        schema["fields"].append({"name": "EVENT_TYPE", "type": ["null", "string"]})
        setup = Setup(personalize, personalize_fake, json.dumps(schema))
        config = {"roleArn": ROLE}
        metrics = [{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}]
        for output in (None, config):
            if output is not None:
                setup.personalize.create_metric_attribution(
                    name="m",
                    datasetGroupArn=setup.group,
                    metrics=metrics,
                    metricsOutputConfig=output,
                )
                setup.fake.settle()
            with pytest.raises(ClientError) as exc:
                setup.start("s3://bucket/i.csv", publishAttributionMetricsToS3=True)
            assert code(exc) == "InvalidInputException"
            assert "needs a metric attribution with an s3DataDestination" in message(exc)
        arn = setup.personalize.list_metric_attributions()["metricAttributions"][0]
        setup.personalize.update_metric_attribution(
            metricAttributionArn=arn["metricAttributionArn"],
            metricsOutputConfig={**config, "s3DataDestination": {"path": "s3://bucket/metrics/"}},
        )
        setup.fake.settle()
        setup.fake.put_object("s3://bucket/i.csv", CSV)
        job = setup.run("s3://bucket/i.csv", publishAttributionMetricsToS3=True)
        assert (job["status"], job["publishAttributionMetricsToS3"]) == ("ACTIVE", True)
        assert (
            setup.run("s3://bucket/i.csv", "off", publishAttributionMetricsToS3=False)["status"]
            == "ACTIVE"
        )

    def test_job_names_are_unique_in_a_region(self, setup: Setup) -> None:
        """A second job of the same name is ResourceAlreadyExists."""
        setup.start("s3://bucket/i.csv")
        with pytest.raises(ClientError) as exc:
            setup.start("s3://bucket/i.csv")
        assert code(exc) == "ResourceAlreadyExistsException"

    def test_at_most_five_jobs_in_flight(self, setup: Setup) -> None:
        """A sixth import while five are PENDING or IN_PROGRESS is LimitExceeded."""
        for n in range(5):
            setup.start("s3://bucket/i.csv", f"job{n}")
        with pytest.raises(ClientError) as exc:
            setup.start("s3://bucket/i.csv", "job5")
        assert (code(exc), message(exc)) == (
            "LimitExceededException",
            "More than 5 resources with PENDING or IN_PROGRESS status.",
        )
        setup.fake.settle()
        setup.start("s3://bucket/i.csv", "job5")  # finished ones do not count

    @pytest.mark.personalize_fake(import_min_interactions=0, import_jobs_in_progress=1)
    def test_the_limit_is_a_setting(self, setup: Setup) -> None:
        """``import_jobs_in_progress`` sets how many may run at once."""
        setup.start("s3://bucket/i.csv", "a")
        with pytest.raises(ClientError) as exc:
            setup.start("s3://bucket/i.csv", "b")
        assert message(exc) == "More than 1 resources with PENDING or IN_PROGRESS status."

    def test_a_running_import_blocks_deleting_its_dataset(self, setup: Setup) -> None:
        """DeleteDataset is ResourceInUse naming the job while it runs; then the job goes
        with its dataset."""
        arn = setup.start("s3://bucket/i.csv")
        with pytest.raises(ClientError) as exc:
            setup.personalize.delete_dataset(datasetArn=setup.dataset)
        assert code(exc) == "ResourceInUseException"
        assert f"dataset import job {arn} (CREATE PENDING)" in message(exc)
        setup.fake.settle(arn)
        setup.personalize.delete_dataset(datasetArn=setup.dataset)
        setup.fake.settle()
        with pytest.raises(ClientError) as exc:
            setup.personalize.describe_dataset_import_job(datasetImportJobArn=arn)
        assert code(exc) == "ResourceNotFoundException"

    def test_list_by_dataset_and_tags(self, setup: Setup) -> None:
        """ListDatasetImportJobs filters by dataset and pages; jobs take tags."""
        first = setup.start("s3://bucket/i.csv", "a", tags=[{"tagKey": "k", "tagValue": "v"}])
        second = setup.start("s3://bucket/i.csv", "b")
        listed = setup.personalize.list_dataset_import_jobs(datasetArn=setup.dataset, maxResults=1)
        assert [j["datasetImportJobArn"] for j in listed["datasetImportJobs"]] == [first]
        rest = setup.personalize.list_dataset_import_jobs(
            datasetArn=setup.dataset, nextToken=listed["nextToken"]
        )
        assert [j["datasetImportJobArn"] for j in rest["datasetImportJobs"]] == [second]
        other = setup.personalize.list_dataset_import_jobs(datasetArn=setup.group)
        assert other["datasetImportJobs"] == []
        tags = setup.personalize.list_tags_for_resource(resourceArn=first)["tags"]
        assert tags == [{"tagKey": "k", "tagValue": "v"}]
