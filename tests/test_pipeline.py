"""A user's whole pipeline, as their script would run it against AWS: data in from S3 (moto),
training, deployment, filters, batch jobs, a recommender, metric attribution, an export,
and clean-up in dependency order, polling every status as real code polls it.

Run in every lifecycle mode: stepwise (polls see the documented sequences), instant, and
manual (the test settles what it waits for, as a test of code that polls would).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from support import admin, aws, aws_json, client, start_server

from personalize_fake import PersonalizeFake, mock_personalize

ROLE = "arn:aws:iam::123456789012:role/personalize"
BUCKET = "pipeline-data"
RECIPE = "arn:aws:personalize:::recipe/"

INTERACTIONS = {
    "type": "record",
    "name": "Interactions",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
    ],
    "version": "1.0",
}
ITEMS = {
    "type": "record",
    "name": "Items",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRE", "type": "string", "categorical": True},
    ],
    "version": "1.0",
}
USERS_COUNT, ITEMS_COUNT = 60, 40


def interactions_csv() -> str:
    """1,200 interactions of 60 users (20 each) over 40 items: above AWS's training minimum."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["USER_ID", "ITEM_ID", "EVENT_TYPE", "TIMESTAMP"])
    for user in range(USERS_COUNT):
        for n in range(20):
            item = (user * 7 + n * 3) % ITEMS_COUNT
            kind = "purchase" if n % 5 == 0 else "click"
            writer.writerow([f"u{user}", f"i{item}", kind, 1_700_000_000 + user * 100 + n])
    return out.getvalue()


def items_csv() -> str:
    rows = [f"i{n},{('drama', 'comedy', 'news')[n % 3]}" for n in range(ITEMS_COUNT)]
    return "ITEM_ID,GENRE\n" + "\n".join(rows) + "\n"


class Pipeline:
    """What the user's script does, with the waiting it does between steps."""

    def __init__(self, personalize: Any, s3: Any, fake: PersonalizeFake) -> None:
        self.personalize = personalize
        self.s3 = s3
        self.fake = fake
        self.manual = fake.settings.lifecycle.value == "manual"

    def wait(self, describe: Callable[..., Any], key: str, done: str = "ACTIVE", **arn: str) -> Any:
        """Poll a Describe until the resource reaches ``done`` (or fails), as scripts do."""
        if self.manual:
            self.fake.settle(next(iter(arn.values())))
        for _ in range(20):
            found = describe(**arn)[key]
            if found["status"] in (done, "CREATE FAILED"):
                assert found["status"] == done, found.get("failureReason")
                return found
        raise AssertionError(f"{arn} never became {done}")

    def gone(self, describe: Callable[..., Any], **arn: str) -> None:
        """Poll a Describe until it answers ResourceNotFoundException."""
        if self.manual:
            self.fake.settle(next(iter(arn.values())))
        for _ in range(20):
            try:
                describe(**arn)
            except self.personalize.exceptions.ResourceNotFoundException:
                return
        raise AssertionError(f"{arn} was never deleted")

    # -- steps ---------------------------------------------------------------------

    def dataset(self, group: str, kind: str, schema: dict[str, Any], data: str) -> str:
        p = self.personalize
        prefix = group.rsplit("/", 1)[1]
        schema_arn = p.create_schema(name=f"{prefix}-{kind}", schema=json.dumps(schema))[
            "schemaArn"
        ]
        arn: str = p.create_dataset(
            name=kind.lower(), schemaArn=schema_arn, datasetGroupArn=group, datasetType=kind
        )["datasetArn"]
        self.wait(p.describe_dataset, "dataset", datasetArn=arn)
        key = f"{kind.lower()}.csv"
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=data.encode())
        job = p.create_dataset_import_job(
            jobName=f"{prefix}-{kind}-import",
            datasetArn=arn,
            dataSource={"dataLocation": f"s3://{BUCKET}/{key}"},
            roleArn=ROLE,
            importMode="FULL",
        )["datasetImportJobArn"]
        self.wait(p.describe_dataset_import_job, "datasetImportJob", datasetImportJobArn=job)
        return arn

    def group(self, name: str, **domain: str) -> str:
        p = self.personalize
        arn: str = p.create_dataset_group(name=name, **domain)["datasetGroupArn"]
        self.wait(p.describe_dataset_group, "datasetGroup", datasetGroupArn=arn)
        return arn

    def version(self, group: str, name: str, recipe: str) -> tuple[str, str]:
        p = self.personalize
        solution = p.create_solution(name=name, datasetGroupArn=group, recipeArn=RECIPE + recipe)[
            "solutionArn"
        ]
        self.wait(p.describe_solution, "solution", solutionArn=solution)
        version = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        self.wait(p.describe_solution_version, "solutionVersion", solutionVersionArn=version)
        return solution, version


@pytest.fixture(params=["stepwise", "instant", "manual"])
def pipeline(request: pytest.FixtureRequest) -> Iterator[Pipeline]:
    with mock_aws(), mock_personalize(lifecycle=request.param) as fake:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        yield Pipeline(boto3.client("personalize", region_name="us-east-1"), s3, fake)


def test_custom_pipeline_end_to_end(pipeline: Pipeline) -> None:
    """Import from S3, train, deploy, filter, batch, record, export, then clean up in order."""
    p, fake = pipeline.personalize, pipeline.fake
    group = pipeline.group("shop")
    interactions = pipeline.dataset(group, "Interactions", INTERACTIONS, interactions_csv())
    items = pipeline.dataset(group, "Items", ITEMS, items_csv())
    assert len(fake.interactions(interactions)) == USERS_COUNT * 20
    assert {row["itemId"] for row in fake.items(items)} == {f"i{n}" for n in range(ITEMS_COUNT)}

    solution, version = pipeline.version(group, "personal", "aws-user-personalization")
    campaign = p.create_campaign(name="personal", solutionVersionArn=version, minProvisionedTPS=1)[
        "campaignArn"
    ]
    found = pipeline.wait(p.describe_campaign, "campaign", campaignArn=campaign)
    assert found["solutionVersionArn"] == version

    purchased = p.create_filter(
        name="not-purchased",
        datasetGroupArn=group,
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    )["filterArn"]
    pipeline.wait(p.describe_filter, "filter", filterArn=purchased)

    pipeline.s3.put_object(
        Bucket=BUCKET, Key="batch/users.json", Body=b'{"userId": "u1"}\n{"userId": "u2"}\n'
    )
    batch = p.create_batch_inference_job(
        jobName="nightly",
        solutionVersionArn=version,
        filterArn=purchased,
        jobInput={"s3DataSource": {"path": f"s3://{BUCKET}/batch/users.json"}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/batch/out/"}},
        roleArn=ROLE,
    )["batchInferenceJobArn"]
    pipeline.wait(p.describe_batch_inference_job, "batchInferenceJob", batchInferenceJobArn=batch)

    _, segment_version = pipeline.version(group, "affinity", "aws-item-affinity")
    pipeline.s3.put_object(Bucket=BUCKET, Key="segments/items.json", Body=b'{"itemId": "i1"}\n')
    segment = p.create_batch_segment_job(
        jobName="segments",
        solutionVersionArn=segment_version,
        jobInput={"s3DataSource": {"path": f"s3://{BUCKET}/segments/items.json"}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/segments/out/"}},
        roleArn=ROLE,
    )["batchSegmentJobArn"]
    pipeline.wait(p.describe_batch_segment_job, "batchSegmentJob", batchSegmentJobArn=segment)

    attribution = p.create_metric_attribution(
        name="clicks",
        datasetGroupArn=group,
        metrics=[
            {
                "eventType": "click",
                "metricName": "CLICK_COUNT",
                "expression": "SAMPLECOUNT()",
            }
        ],
        metricsOutputConfig={"roleArn": ROLE},
    )["metricAttributionArn"]
    pipeline.wait(
        p.describe_metric_attribution, "metricAttribution", metricAttributionArn=attribution
    )

    export = p.create_dataset_export_job(
        jobName="export",
        datasetArn=interactions,
        ingestionMode="BULK",
        roleArn=ROLE,
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/export/"}},
    )["datasetExportJobArn"]
    pipeline.wait(p.describe_dataset_export_job, "datasetExportJob", datasetExportJobArn=export)
    exported = pipeline.s3.list_objects_v2(Bucket=BUCKET, Prefix="export/")
    assert exported.get("KeyCount", 0) >= 1

    # The group cannot go while anything is in it: the message names what is.
    with pytest.raises(p.exceptions.ResourceInUseException) as refused:
        p.delete_dataset_group(datasetGroupArn=group)
    assert solution in str(refused.value) or "dataset" in str(refused.value)

    # Clean-up in dependency order, waiting for each delete as a script must.
    p.delete_campaign(campaignArn=campaign)
    pipeline.gone(p.describe_campaign, campaignArn=campaign)
    for arn in (solution, *[s["solutionArn"] for s in p.list_solutions()["solutions"]]):
        try:
            p.delete_solution(solutionArn=arn)
        except p.exceptions.ResourceNotFoundException:
            continue  # deleted already (the first of the loop)
        pipeline.gone(p.describe_solution, solutionArn=arn)
    with pytest.raises(p.exceptions.ResourceNotFoundException):
        p.describe_solution_version(solutionVersionArn=version)  # went with its solution
    p.delete_filter(filterArn=purchased)
    pipeline.gone(p.describe_filter, filterArn=purchased)
    p.delete_metric_attribution(metricAttributionArn=attribution)
    pipeline.gone(p.describe_metric_attribution, metricAttributionArn=attribution)
    for dataset in (interactions, items):
        p.delete_dataset(datasetArn=dataset)
        pipeline.gone(p.describe_dataset, datasetArn=dataset)
    p.delete_dataset_group(datasetGroupArn=group)
    pipeline.gone(p.describe_dataset_group, datasetGroupArn=group)
    assert p.list_dataset_groups()["datasetGroups"] == []


def test_domain_pipeline_end_to_end(pipeline: Pipeline) -> None:
    """An ECOMMERCE group: data from S3, a recommender stopped and started, then clean-up."""
    p = pipeline.personalize
    group = pipeline.group("store", domain="ECOMMERCE")
    schema = {**INTERACTIONS, "name": "EcommInteractions"}
    schema_arn = p.create_schema(name="ecomm", schema=json.dumps(schema), domain="ECOMMERCE")[
        "schemaArn"
    ]
    dataset = p.create_dataset(
        name="interactions",
        schemaArn=schema_arn,
        datasetGroupArn=group,
        datasetType="Interactions",
    )["datasetArn"]
    pipeline.wait(p.describe_dataset, "dataset", datasetArn=dataset)
    pipeline.s3.put_object(
        Bucket=BUCKET,
        Key="ecomm.csv",
        Body=interactions_csv().replace("purchase", "Purchase").replace("click", "View").encode(),
    )
    job = p.create_dataset_import_job(
        jobName="ecomm-import",
        datasetArn=dataset,
        dataSource={"dataLocation": f"s3://{BUCKET}/ecomm.csv"},
        roleArn=ROLE,
    )["datasetImportJobArn"]
    pipeline.wait(p.describe_dataset_import_job, "datasetImportJob", datasetImportJobArn=job)

    recommender = p.create_recommender(
        name="for-you", datasetGroupArn=group, recipeArn=RECIPE + "aws-ecomm-recommended-for-you"
    )["recommenderArn"]
    pipeline.wait(p.describe_recommender, "recommender", recommenderArn=recommender)
    p.stop_recommender(recommenderArn=recommender)
    pipeline.wait(p.describe_recommender, "recommender", "INACTIVE", recommenderArn=recommender)
    p.start_recommender(recommenderArn=recommender)
    pipeline.wait(p.describe_recommender, "recommender", recommenderArn=recommender)

    p.delete_recommender(recommenderArn=recommender)
    pipeline.gone(p.describe_recommender, recommenderArn=recommender)
    p.delete_dataset(datasetArn=dataset)
    pipeline.gone(p.describe_dataset, datasetArn=dataset)
    p.delete_dataset_group(datasetGroupArn=group)
    pipeline.gone(p.describe_dataset_group, datasetGroupArn=group)


# -- the same through ``personalize-fake serve`` -----------------------------------------


def _put_object(url: str, location: str, body: str) -> None:
    reply = admin(url, "POST", "put-object", {"location": location, "body": body})
    assert reply.status == 200, reply.body


@pytest.mark.slow
def test_pipeline_through_serve_with_the_aws_cli(tmp_path: Path) -> None:
    """The AWS CLI against ``personalize-fake serve``: data handed to the server, imported,
    trained on, deployed and filtered, then everything deleted in order."""
    served = start_server(tmp_path, "--lifecycle", "instant")
    url = served.url

    def cli(*arguments: str) -> Any:
        return aws_json(url, tmp_path, "personalize", *arguments)

    group = cli("create-dataset-group", "--name", "shop")["datasetGroupArn"]
    schema_file = tmp_path / "interactions.json"
    schema_file.write_text(json.dumps(INTERACTIONS))
    schema = cli("create-schema", "--name", "interactions", "--schema", f"file://{schema_file}")
    dataset = cli(
        "create-dataset",
        "--name",
        "interactions",
        "--dataset-group-arn",
        group,
        "--schema-arn",
        schema["schemaArn"],
        "--dataset-type",
        "Interactions",
    )["datasetArn"]
    _put_object(url, f"s3://{BUCKET}/interactions.csv", interactions_csv())
    job = cli(
        "create-dataset-import-job",
        "--job-name",
        "import",
        "--dataset-arn",
        dataset,
        "--data-source",
        f"dataLocation=s3://{BUCKET}/interactions.csv",
        "--role-arn",
        ROLE,
    )["datasetImportJobArn"]
    described = cli("describe-dataset-import-job", "--dataset-import-job-arn", job)
    assert described["datasetImportJob"]["status"] == "ACTIVE"
    solution = cli(
        "create-solution",
        "--name",
        "personal",
        "--dataset-group-arn",
        group,
        "--recipe-arn",
        RECIPE + "aws-user-personalization",
    )["solutionArn"]
    version = cli("create-solution-version", "--solution-arn", solution)["solutionVersionArn"]
    trained = cli("describe-solution-version", "--solution-version-arn", version)
    assert trained["solutionVersion"]["status"] == "ACTIVE"
    campaign = cli("create-campaign", "--name", "personal", "--solution-version-arn", version)[
        "campaignArn"
    ]
    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")'
    filter_arn = cli(
        "create-filter",
        "--name",
        "not-purchased",
        "--dataset-group-arn",
        group,
        "--filter-expression",
        expression,
    )["filterArn"]
    assert cli("describe-filter", "--filter-arn", filter_arn)["filter"]["status"] == "ACTIVE"

    refused = aws(url, tmp_path, "personalize", "delete-solution", "--solution-arn", solution)
    assert "ResourceInUseException" in refused.stderr and campaign in refused.stderr

    cli("delete-campaign", "--campaign-arn", campaign)
    cli("delete-solution", "--solution-arn", solution)
    cli("delete-filter", "--filter-arn", filter_arn)
    cli("delete-dataset", "--dataset-arn", dataset)
    cli("delete-schema", "--schema-arn", schema["schemaArn"])
    cli("delete-dataset-group", "--dataset-group-arn", group)
    assert cli("list-dataset-groups")["datasetGroups"] == []
    status, _, log = served.stop()
    assert status == 0, log


@pytest.mark.slow
def test_a_server_restarted_mid_pipeline_finishes_it(tmp_path: Path) -> None:
    """Stopped with an import job and a solution version under way, a server started again on
    its state file moves them on where they were and the pipeline finishes."""
    state = str(tmp_path / "fake.db")
    served = start_server(tmp_path, "--lifecycle", "manual", "--state-file", state)
    p = client("personalize", served.url)
    group = p.create_dataset_group(name="shop")["datasetGroupArn"]
    admin(served.url, "POST", "settle", {"arn": group})
    schema = p.create_schema(name="interactions", schema=json.dumps(INTERACTIONS))["schemaArn"]
    dataset = p.create_dataset(
        name="interactions", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    admin(served.url, "POST", "settle", {"arn": dataset})
    _put_object(served.url, f"s3://{BUCKET}/interactions.csv", interactions_csv())
    job = p.create_dataset_import_job(
        jobName="import",
        datasetArn=dataset,
        dataSource={"dataLocation": f"s3://{BUCKET}/interactions.csv"},
        roleArn=ROLE,
    )["datasetImportJobArn"]
    assert p.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]["status"] == (
        "CREATE PENDING"
    )
    status, _, log = served.stop()
    assert status == 0, log

    again = start_server(tmp_path, "--lifecycle", "manual", "--state-file", state)
    p = client("personalize", again.url)
    admin(again.url, "POST", "settle", {"arn": job})
    assert p.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]["status"] == (
        "ACTIVE"
    )
    rows = admin(again.url, "GET", f"interactions?datasetArn={dataset}").json["interactions"]
    assert len(rows) == USERS_COUNT * 20
    solution = p.create_solution(
        name="personal", datasetGroupArn=group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]
    admin(again.url, "POST", "settle", {"arn": solution})
    version = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    status, _, log = again.stop()  # the version is CREATE PENDING in the file
    assert status == 0, log

    third = start_server(tmp_path, "--lifecycle", "manual", "--state-file", state)
    p = client("personalize", third.url)
    assert p.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["status"] == (
        "CREATE PENDING"
    )
    admin(third.url, "POST", "settle", {"arn": version})
    trained = p.describe_solution_version(solutionVersionArn=version)["solutionVersion"]
    assert trained["status"] == "ACTIVE", trained.get("failureReason")
    campaign = p.create_campaign(name="personal", solutionVersionArn=version)["campaignArn"]
    admin(third.url, "POST", "settle", {"arn": campaign})
    assert p.describe_campaign(campaignArn=campaign)["campaign"]["status"] == "ACTIVE"
    status, _, log = third.stop()
    assert status == 0, log
