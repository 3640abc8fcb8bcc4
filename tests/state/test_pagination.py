"""Pagination of every List: maxResults, opaque nextToken, boto3 paginators, forged tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.loaders import create_loader
from support import INTERACTIONS_SCHEMA, USER_PERSONALIZATION, trained_setup

from personalize_fake._api.registry import load_handlers
from personalize_fake._model.catalog import catalog

pytestmark = pytest.mark.personalize_fake(lifecycle="instant", dataset_groups_per_region=100)


@pytest.fixture
def groups(personalize: Any) -> list[str]:
    return [personalize.create_dataset_group(name=f"g{i:03}")["datasetGroupArn"] for i in range(7)]


def test_pages_cover_everything_once(personalize: Any, groups: list[str]) -> None:
    """Following nextToken by hand visits every group once, in creation order."""
    seen: list[str] = []
    kwargs: dict[str, Any] = {"maxResults": 3}
    while True:
        page = personalize.list_dataset_groups(**kwargs)
        assert len(page["datasetGroups"]) <= 3
        seen += [g["datasetGroupArn"] for g in page["datasetGroups"]]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert seen == groups


def test_boto3_paginator(personalize: Any, groups: list[str]) -> None:
    """boto3's paginator follows the fake's tokens."""
    paginator = personalize.get_paginator("list_dataset_groups")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 4
    assert [g["datasetGroupArn"] for p in pages for g in p["datasetGroups"]] == groups


def test_last_page_has_no_token(personalize: Any, groups: list[str]) -> None:
    """A page that holds the rest has no nextToken."""
    assert "nextToken" not in personalize.list_dataset_groups(maxResults=7)


@pytest.mark.parametrize("token", ["garbage", "AAAAAQ" * 4, "AAAAAQAAAAAAAAAAAAAAAA=="])
def test_forged_token(personalize: Any, groups: list[str], token: str) -> None:
    """A token the fake did not issue is InvalidNextTokenException."""
    with pytest.raises(personalize.exceptions.InvalidNextTokenException):
        personalize.list_dataset_groups(nextToken=token)


def test_edited_token(personalize: Any, groups: list[str]) -> None:
    """A real token with one character changed is rejected."""
    token = personalize.list_dataset_groups(maxResults=1)["nextToken"]
    edited = ("B" if token[0] != "B" else "C") + token[1:]
    with pytest.raises(personalize.exceptions.InvalidNextTokenException):
        personalize.list_dataset_groups(nextToken=edited)


def test_token_of_another_listing(personalize: Any, groups: list[str]) -> None:
    """A token from one listing is not accepted by another."""
    token = personalize.list_dataset_groups(maxResults=1)["nextToken"]
    with pytest.raises(personalize.exceptions.InvalidNextTokenException):
        personalize.list_schemas(nextToken=token)


def test_max_results_bounds(personalize_fake: Any) -> None:
    """maxResults above 100 is InvalidInput even when the client does not validate."""
    import boto3

    client = boto3.client(
        "personalize", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    for value in (0, 101):
        with pytest.raises(ClientError) as exc:
            client.list_dataset_groups(maxResults=value)
        assert exc.value.response["Error"]["Code"] == "InvalidInputException"


# -- every implemented List -----------------------------------------------------------------------

PAGINATORS = create_loader().load_service_model("personalize", "paginators-1")["pagination"]
HANDLERS = load_handlers()
LISTS = sorted(
    op.name
    for op in catalog().operations()
    if op.input_shape is not None
    and "nextToken" in op.input_shape.members
    and op.python_name in HANDLERS
)


def make_five(client: Any, operation: str) -> tuple[dict[str, Any], list[str]]:
    """Five resources the List shows; returns the List's filter arguments and their ARNs."""
    groups = [client.create_dataset_group(name=f"g{i}")["datasetGroupArn"] for i in range(5)]
    if operation == "ListDatasetGroups":
        return {}, groups
    if operation == "ListSchemas":
        return {}, [
            client.create_schema(name=f"s{i}", schema=INTERACTIONS_SCHEMA)["schemaArn"]
            for i in range(5)
        ]
    if operation == "ListEventTrackers":
        arns = [
            client.create_event_tracker(name=f"t{i}", datasetGroupArn=g)["eventTrackerArn"]
            for i, g in enumerate(groups)
        ]
        return {}, arns
    if operation == "ListDatasets":
        schema = client.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
        arns = [
            client.create_dataset(
                name=f"d{i}", schemaArn=schema, datasetGroupArn=g, datasetType="Interactions"
            )["datasetArn"]
            for i, g in enumerate(groups)
        ]
        return {}, arns
    if operation == "ListFilters":
        fields = [{"name": "ITEM_ID", "type": "string"}, {"name": "GENRE", "type": "string"}]
        items = json.dumps({"type": "record", "name": "Items", "fields": fields})
        schema = client.create_schema(name="items", schema=items)["schemaArn"]
        client.create_dataset(
            name="items", schemaArn=schema, datasetGroupArn=groups[0], datasetType="Items"
        )
        expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("x")'
        arns = [
            client.create_filter(
                name=f"f{i}", datasetGroupArn=groups[0], filterExpression=expression
            )["filterArn"]
            for i in range(5)
        ]
        return {}, arns
    if operation == "ListRecipes":  # AWS's: the five ECOMMERCE use cases
        listed = client.list_recipes(domain="ECOMMERCE", maxResults=100)["recipes"]
        return {"domain": "ECOMMERCE"}, [r["recipeArn"] for r in listed]
    if operation == "ListRecommenders":
        group = client.create_dataset_group(name="dg", domain="ECOMMERCE")["datasetGroupArn"]
        recipe = "arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you"
        return {"datasetGroupArn": group}, [
            client.create_recommender(name=f"r{i}", datasetGroupArn=group, recipeArn=recipe)[
                "recommenderArn"
            ]
            for i in range(5)
        ]
    if operation in ("ListMetricAttributions", "ListMetricAttributionMetrics"):
        schema = json.loads(INTERACTIONS_SCHEMA)
        schema["fields"].append({"name": "EVENT_TYPE", "type": "string"})
        schema_arn = client.create_schema(name="s", schema=json.dumps(schema))["schemaArn"]
        role = {"roleArn": "arn:aws:iam::123456789012:role/r"}
        metrics = [
            {"eventType": "click", "metricName": f"m{i}", "expression": "SAMPLECOUNT()"}
            for i in range(5)
        ]
        arns = []
        for i, group in enumerate(groups):
            client.create_dataset(
                name=f"d{i}",
                schemaArn=schema_arn,
                datasetGroupArn=group,
                datasetType="Interactions",
            )
            arns.append(
                client.create_metric_attribution(
                    name=f"a{i}", datasetGroupArn=group, metrics=metrics, metricsOutputConfig=role
                )["metricAttributionArn"]
            )
        if operation == "ListMetricAttributions":
            return {}, arns
        return {"metricAttributionArn": arns[0]}, [m["metricName"] for m in metrics]
    if operation in ("ListSolutions", "ListSolutionVersions", "ListCampaigns"):
        import boto3

        events = boto3.client("personalize-events", region_name="us-east-1")
        group, solution, version = trained_setup(client, events, "trained")
        if operation == "ListSolutions":
            arns = [solution] + [
                client.create_solution(
                    name=f"s{i}", datasetGroupArn=group, recipeArn=USER_PERSONALIZATION
                )["solutionArn"]
                for i in range(4)
            ]
            return {"datasetGroupArn": group}, arns
        if operation == "ListSolutionVersions":
            arns = [version] + [
                client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
                for _ in range(4)
            ]
            return {"solutionArn": solution}, arns
        arns = [  # five: the most campaigns a dataset group may have
            client.create_campaign(name=f"c{i}", solutionVersionArn=version)["campaignArn"]
            for i in range(5)
        ]
        return {"solutionArn": solution}, arns
    if operation in ("ListDatasetImportJobs", "ListDatasetExportJobs"):
        schema = client.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
        dataset = client.create_dataset(
            name="d", schemaArn=schema, datasetGroupArn=groups[0], datasetType="Interactions"
        )["datasetArn"]
        role = "arn:aws:iam::123456789012:role/r"
        if operation == "ListDatasetImportJobs":
            source = {"dataLocation": "s3://bucket/i.csv"}
            return {"datasetArn": dataset}, [
                client.create_dataset_import_job(
                    jobName=f"j{i}", datasetArn=dataset, dataSource=source, roleArn=role
                )["datasetImportJobArn"]
                for i in range(5)
            ]
        output = {"s3DataDestination": {"path": "s3://bucket/out/"}}
        return {"datasetArn": dataset}, [
            client.create_dataset_export_job(
                jobName=f"j{i}", datasetArn=dataset, jobOutput=output, roleArn=role
            )["datasetExportJobArn"]
            for i in range(5)
        ]
    if operation == "ListDataDeletionJobs":  # newest first, as its API reference says
        source = {"dataLocation": "s3://bucket/users.csv"}
        role = "arn:aws:iam::123456789012:role/r"
        made = [
            client.create_data_deletion_job(
                jobName=f"j{i}", datasetGroupArn=groups[0], dataSource=source, roleArn=role
            )["dataDeletionJobArn"]
            for i in range(5)
        ]
        return {"datasetGroupArn": groups[0]}, made[::-1]
    if operation in ("ListBatchInferenceJobs", "ListBatchSegmentJobs"):
        import boto3

        events = boto3.client("personalize-events", region_name="us-east-1")
        group, _, version = trained_setup(client, events, "trained")
        paths = {
            "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json"}},
            "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
            "roleArn": "arn:aws:iam::123456789012:role/r",
        }
        if operation == "ListBatchInferenceJobs":
            return {"solutionVersionArn": version}, [
                client.create_batch_inference_job(
                    jobName=f"j{i}", solutionVersionArn=version, **paths
                )["batchInferenceJobArn"]
                for i in range(5)
            ]
        solution = client.create_solution(
            name="segments",
            datasetGroupArn=group,
            recipeArn="arn:aws:personalize:::recipe/aws-item-affinity",
        )["solutionArn"]
        segments = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        return {"solutionVersionArn": segments}, [
            client.create_batch_segment_job(jobName=f"j{i}", solutionVersionArn=segments, **paths)[
                "batchSegmentJobArn"
            ]
            for i in range(5)
        ]
    raise AssertionError(f"add {operation} to make_five")


def arn_of(item: dict[str, Any]) -> str:
    """The item's ARN (a metric, which has none, by its name)."""
    return next((v for k, v in item.items() if k.endswith("Arn")), item.get("metricName", ""))


def test_every_implemented_list_is_covered() -> None:
    """This table knows every List the fake implements (a new one must be added here; one
    newer than the installed botocore's model cannot be listed with it)."""
    modeled = {op.name for op in catalog().operations()}
    assert set(LISTS) == modeled & {
        "ListBatchInferenceJobs",
        "ListBatchSegmentJobs",
        "ListCampaigns",
        "ListDataDeletionJobs",
        "ListDatasetExportJobs",
        "ListDatasetGroups",
        "ListDatasetImportJobs",
        "ListDatasets",
        "ListEventTrackers",
        "ListFilters",
        "ListMetricAttributionMetrics",
        "ListMetricAttributions",
        "ListRecipes",
        "ListRecommenders",
        "ListSchemas",
        "ListSolutionVersions",
        "ListSolutions",
    }


@pytest.mark.parametrize("operation", LISTS)
def test_paginator_pages_every_list(personalize: Any, operation: str) -> None:
    """boto3's paginator walks each List two at a time, in creation order, each item once."""
    arguments, arns = make_five(personalize, operation)
    method = xform_name(operation)
    if operation in PAGINATORS:
        key = PAGINATORS[operation]["result_key"]
        config = {"PageSize": 2}
        pages = list(
            personalize.get_paginator(method).paginate(**arguments, PaginationConfig=config)
        )
    else:  # ListDataDeletionJobs has no paginator: follow nextToken by hand
        key, pages, token = "dataDeletionJobs", [], {}
        while True:
            pages.append(getattr(personalize, method)(**arguments, maxResults=2, **token))
            if "nextToken" not in pages[-1]:
                break
            token = {"nextToken": pages[-1]["nextToken"]}
    assert [len(p[key]) for p in pages] == [2, 2, 1]
    assert [arn_of(item) for p in pages for item in p[key]] == arns


@pytest.mark.parametrize("operation", ["ListDatasets", "ListEventTrackers"])
def test_token_is_bound_to_the_filter(personalize: Any, operation: str) -> None:
    """A token from one group's listing is refused for another group's."""
    make_five(personalize, operation)
    groups = [g["datasetGroupArn"] for g in personalize.list_dataset_groups()["datasetGroups"]]
    method = getattr(personalize, xform_name(operation))
    token = method(maxResults=1)["nextToken"]
    with pytest.raises(personalize.exceptions.InvalidNextTokenException):
        method(datasetGroupArn=groups[0], nextToken=token)


def test_token_is_bound_to_the_region(personalize: Any, groups: list[str]) -> None:
    """A token from a us-east-1 listing is refused in eu-west-1."""
    import boto3

    token = personalize.list_dataset_groups(maxResults=1)["nextToken"]
    other = boto3.client("personalize", region_name="eu-west-1")
    with pytest.raises(other.exceptions.InvalidNextTokenException):
        other.list_dataset_groups(nextToken=token)
