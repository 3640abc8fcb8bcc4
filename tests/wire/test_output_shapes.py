"""What the fake answers holds to the output shapes (``Settings.check_responses``).

The whole suite runs with the check on (tests/conftest.py); these tests turn it on
explicitly, answer every implemented operation through it, and swap a broken handler
in to see it caught.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support import INTERACTIONS_SCHEMA, USER_PERSONALIZATION, make_dataset, trained_setup

from personalize_fake import PersonalizeFake, WireRequest, mock_personalize
from personalize_fake._api.registry import HANDLERS, load_handlers
from personalize_fake._model.catalog import catalog
from personalize_fake._model.coverage import newer_than_model
from personalize_fake._model.validation import UNMODELED
from personalize_fake._settings import CHECK_RESPONSES_VARIABLE
from personalize_fake._wire.dispatch import forget_bindings
from personalize_fake.server import PersonalizeServer

CHECKED = pytest.mark.personalize_fake(
    lifecycle="instant",
    check_responses=True,
    recommender_min_interactions=0,
    minimum_training_data=False,  # a Next-Best-Action version with no action interactions
    dataset_groups_per_region=100,  # a World holds one of everything, in many groups
)
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


class World:
    """One of each resource, ACTIVE, and a call of every implemented operation on them."""

    def __init__(self, fake: PersonalizeFake | None = None) -> None:
        self.fake = fake
        self.c = boto3.client("personalize", region_name="us-east-1")
        self.e = boto3.client("personalize-events", region_name="us-east-1")
        tags = [{"tagKey": "k", "tagValue": "v"}]
        self.group = self.c.create_dataset_group(name="g", tags=tags)["datasetGroupArn"]
        self.schema = self.c.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
        self.dataset = self.c.create_dataset(
            name="d", schemaArn=self.schema, datasetGroupArn=self.group, datasetType="Interactions"
        )["datasetArn"]
        self.tracker = self.c.create_event_tracker(name="t", datasetGroupArn=self.group)
        self.datasets = {
            kind: make_dataset(self.c, self.group, kind, fields)
            for kind, fields in {
                "Users": ["USER_ID", "A"],
                "Items": ["ITEM_ID", "A"],
                "Actions": ["ACTION_ID", "A"],
                "Action_Interactions": ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"],
            }.items()
        }

    def calls(self) -> dict[str, Callable[[], Any]]:
        c, e, tracker = self.c, self.e, self.tracker
        interactions = self.datasets["Action_Interactions"]
        action_tracking = c.describe_dataset(datasetArn=interactions)["dataset"]["trackingId"]
        group = c.create_dataset_group(name="spare")["datasetGroupArn"]
        schema = c.create_schema(name="spare", schema=INTERACTIONS_SCHEMA)["schemaArn"]
        on_items = 'INCLUDE ItemID WHERE Items.A IN ("x")'
        made = c.create_filter(name="spare", datasetGroupArn=self.group, filterExpression=on_items)
        recs = self.recommenders()
        attribution, spare_group = self.metric_attributions()
        role = "arn:aws:iam::123456789012:role/r"
        source = {"dataLocation": "s3://bucket/in.csv"}
        output = {"s3DataDestination": {"path": "s3://bucket/out/"}}
        imported = c.create_dataset_import_job(
            jobName="i", datasetArn=self.dataset, dataSource=source, roleArn=role
        )["datasetImportJobArn"]  # CREATE FAILED (no object): its failureReason is checked too
        exported = c.create_dataset_export_job(
            jobName="x", datasetArn=self.dataset, jobOutput=output, roleArn=role
        )["datasetExportJobArn"]
        deletion = c.create_data_deletion_job(
            jobName="d", datasetGroupArn=self.group, dataSource=source, roleArn=role
        )["dataDeletionJobArn"]
        items = {
            "type": "record",
            "name": "Items",
            "fields": [
                {"name": "ITEM_ID", "type": "string"},
                {"name": "A", "type": "string"},
                {"name": "B", "type": ["null", "string"]},
            ],
        }
        wider = c.create_schema(name="wider", schema=json.dumps(items))["schemaArn"]
        return {
            "CreateDatasetImportJob": lambda: c.create_dataset_import_job(
                jobName="new", datasetArn=self.dataset, dataSource=source, roleArn=role
            ),
            "DescribeDatasetImportJob": lambda: c.describe_dataset_import_job(
                datasetImportJobArn=imported
            ),
            "ListDatasetImportJobs": lambda: c.list_dataset_import_jobs(),
            "CreateDatasetExportJob": lambda: c.create_dataset_export_job(
                jobName="new", datasetArn=self.dataset, jobOutput=output, roleArn=role
            ),
            "DescribeDatasetExportJob": lambda: c.describe_dataset_export_job(
                datasetExportJobArn=exported
            ),
            "ListDatasetExportJobs": lambda: c.list_dataset_export_jobs(),
            "CreateDataDeletionJob": lambda: c.create_data_deletion_job(
                jobName="new", datasetGroupArn=self.group, dataSource=source, roleArn=role
            ),
            "DescribeDataDeletionJob": lambda: c.describe_data_deletion_job(
                dataDeletionJobArn=deletion
            ),
            "ListDataDeletionJobs": lambda: c.list_data_deletion_jobs(),
            "UpdateDataset": lambda: c.update_dataset(
                datasetArn=self.datasets["Items"], schemaArn=wider
            ),
            **self.catalogue_calls(),
            **recs,
            **attribution,
            "CreateMetricAttribution": lambda: c.create_metric_attribution(
                name="new", datasetGroupArn=spare_group, metrics=METRICS, metricsOutputConfig=OUT
            ),
            "CreateDatasetGroup": lambda: c.create_dataset_group(name="new"),
            "CreateSchema": lambda: c.create_schema(name="new", schema=INTERACTIONS_SCHEMA),
            "CreateDataset": lambda: c.create_dataset(
                name="new", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
            ),
            "CreateEventTracker": lambda: c.create_event_tracker(name="new", datasetGroupArn=group),
            "DescribeDatasetGroup": lambda: c.describe_dataset_group(datasetGroupArn=self.group),
            "DescribeSchema": lambda: c.describe_schema(schemaArn=self.schema),
            "DescribeDataset": lambda: c.describe_dataset(datasetArn=interactions),
            "DescribeEventTracker": lambda: c.describe_event_tracker(
                eventTrackerArn=tracker["eventTrackerArn"]
            ),
            "ListDatasetGroups": lambda: c.list_dataset_groups(maxResults=1),
            "ListSchemas": lambda: c.list_schemas(),
            "ListDatasets": lambda: c.list_datasets(datasetGroupArn=self.group),
            "ListEventTrackers": lambda: c.list_event_trackers(),
            "ListTagsForResource": lambda: c.list_tags_for_resource(resourceArn=self.group),
            "TagResource": lambda: c.tag_resource(
                resourceArn=self.group, tags=[{"tagKey": "k2", "tagValue": "v"}]
            ),
            "UntagResource": lambda: c.untag_resource(resourceArn=self.group, tagKeys=["k"]),
            "DeleteEventTracker": lambda: c.delete_event_tracker(
                eventTrackerArn=tracker["eventTrackerArn"]
            ),
            "DeleteDataset": lambda: c.delete_dataset(datasetArn=self.dataset),
            "DeleteSchema": lambda: c.delete_schema(schemaArn=schema),
            "DeleteDatasetGroup": lambda: c.delete_dataset_group(datasetGroupArn=group),
            "CreateFilter": lambda: c.create_filter(
                name="new", datasetGroupArn=self.group, filterExpression=on_items
            ),
            "DescribeFilter": lambda: c.describe_filter(filterArn=made["filterArn"]),
            "ListFilters": lambda: c.list_filters(datasetGroupArn=self.group),
            "DeleteFilter": lambda: c.delete_filter(filterArn=made["filterArn"]),
            **self.training_calls(),
            **self.batch_calls(),
            **self.runtime_calls(),
            "PutEvents": lambda: e.put_events(
                trackingId=tracker["trackingId"],
                sessionId="s",
                eventList=[{"eventType": "click", "sentAt": NOW}],
            ),
            "PutUsers": lambda: e.put_users(
                datasetArn=self.datasets["Users"], users=[{"userId": "u"}]
            ),
            "PutItems": lambda: e.put_items(
                datasetArn=self.datasets["Items"], items=[{"itemId": "i"}]
            ),
            "PutActions": lambda: e.put_actions(
                datasetArn=self.datasets["Actions"], actions=[{"actionId": "a"}]
            ),
            "PutActionInteractions": lambda: e.put_action_interactions(
                trackingId=action_tracking,
                actionInteractions=[
                    {"actionId": "a", "sessionId": "s", "timestamp": NOW, "eventType": "x"}
                ],
            ),
        }

    def training_calls(self) -> dict[str, Callable[[], Any]]:
        """Solutions, versions and campaigns, each call on a trained group of its own."""
        c, e = self.c, self.e

        def trained() -> tuple[str, str, str]:
            return trained_setup(c, e, "trained")

        def in_flight() -> str:
            version = trained()[2]
            assert self.fake is not None  # instant mode trains at once: put it back in flight
            found = self.fake.store.find(version)
            assert found is not None
            found[1].status = "CREATE IN_PROGRESS"
            return version

        def campaign() -> str:
            version = trained()[2]
            arn: str = c.create_campaign(name="c", solutionVersionArn=version)["campaignArn"]
            return arn

        return {
            "CreateSolution": lambda: c.create_solution(
                name="new", datasetGroupArn=trained()[0], recipeArn=USER_PERSONALIZATION
            ),
            "DescribeSolution": lambda: c.describe_solution(solutionArn=trained()[1]),
            "ListSolutions": lambda: c.list_solutions(),
            "UpdateSolution": lambda: c.update_solution(
                solutionArn=trained()[1],
                performAutoTraining=True,
                solutionUpdateConfig={
                    "autoTrainingConfig": {"schedulingExpression": "rate(3 days)"}
                },
            ),
            "DeleteSolution": lambda: c.delete_solution(solutionArn=trained()[1]),
            "CreateSolutionVersion": lambda: c.create_solution_version(solutionArn=trained()[1]),
            "DescribeSolutionVersion": lambda: c.describe_solution_version(
                solutionVersionArn=trained()[2]
            ),
            "ListSolutionVersions": lambda: c.list_solution_versions(solutionArn=trained()[1]),
            "StopSolutionVersionCreation": lambda: c.stop_solution_version_creation(
                solutionVersionArn=in_flight()
            ),
            "CreateCampaign": lambda: c.create_campaign(
                name="new",
                solutionVersionArn=trained()[1] + "/$LATEST",
                minProvisionedTPS=2,
                campaignConfig={"syncWithLatestSolutionVersion": True},
            ),
            "DescribeCampaign": lambda: c.describe_campaign(campaignArn=campaign()),
            "ListCampaigns": lambda: c.list_campaigns(),
            "UpdateCampaign": lambda: c.update_campaign(
                campaignArn=campaign(), minProvisionedTPS=3
            ),
            "DeleteCampaign": lambda: c.delete_campaign(campaignArn=campaign()),
        }

    def runtime_calls(self) -> dict[str, Callable[[], Any]]:
        """The runtime and GetSolutionMetrics, on campaigns of a trained group of their own,
        with every member that changes the answer's shape (scores, metadata, promotions)."""
        c = self.c
        runtime = boto3.client("personalize-runtime", region_name="us-east-1")

        def campaign(recipe: str, **config: Any) -> tuple[str, str]:
            group, _, _ = trained_setup(c, self.e, "served")
            solution = c.create_solution(
                name=recipe, datasetGroupArn=group, recipeArn=f"{AWS}recipe/{recipe}"
            )["solutionArn"]
            version = c.create_solution_version(solutionArn=solution)["solutionVersionArn"]
            extra = {"campaignConfig": config} if config else {}
            made = c.create_campaign(name=recipe, solutionVersionArn=version, **extra)
            return group, made["campaignArn"]

        def dataset(group: str, kind: str, fields: list[str]) -> None:
            record = {
                "type": "record",
                "name": kind,
                "fields": [
                    {"name": f, "type": "long" if f == "TIMESTAMP" else "string"} for f in fields
                ],
            }
            name = f"{group.rsplit('/', 1)[-1]}-{kind.lower()}"
            schema = c.create_schema(name=name, schema=json.dumps(record))["schemaArn"]
            c.create_dataset(name=name, schemaArn=schema, datasetGroupArn=group, datasetType=kind)

        def recommendations() -> Any:
            group, arn = campaign(
                "aws-user-personalization", enableMetadataWithRecommendations=True
            )
            dataset(group, "Items", ["ITEM_ID", "A"])
            made = c.create_filter(
                name="p",
                datasetGroupArn=group,
                filterExpression='INCLUDE ItemID WHERE Items.A IN ("x")',
            )
            promotion = {"name": "p", "percentPromotedItems": 50, "filterArn": made["filterArn"]}
            return runtime.get_recommendations(
                campaignArn=arn,
                userId="u1",
                numResults=5,
                context={"DEVICE": "phone"},
                promotions=[promotion],
                metadataColumns={"ITEMS": ["A"]},
            )

        def actions() -> Any:
            group, _, _ = trained_setup(c, self.e, "acted")
            dataset(group, "Actions", ["ACTION_ID", "A"])
            dataset(
                group, "Action_Interactions", ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"]
            )
            solution = c.create_solution(
                name="nba", datasetGroupArn=group, recipeArn=f"{AWS}recipe/aws-next-best-action"
            )["solutionArn"]
            version = c.create_solution_version(solutionArn=solution)["solutionVersionArn"]
            arn = c.create_campaign(name="nba", solutionVersionArn=version)["campaignArn"]
            assert self.fake is not None
            self.fake.declare(arn, [("a1", 0.5), ("a2", 0.25)])
            return runtime.get_action_recommendations(campaignArn=arn, userId="u1")

        return {
            "GetRecommendations": recommendations,
            "GetPersonalizedRanking": lambda: runtime.get_personalized_ranking(
                campaignArn=campaign("aws-personalized-ranking")[1],
                userId="u1",
                inputList=["i1", "i2", "unknown"],
            ),
            "GetActionRecommendations": actions,
            "GetSolutionMetrics": lambda: c.get_solution_metrics(
                solutionVersionArn=trained_setup(c, self.e, "measured")[2]
            ),
        }

    def batch_calls(self) -> dict[str, Callable[[], Any]]:
        """Batch jobs with every member set, on a trained group of their own; the described
        ones failed (no input object), so failureReason is checked too."""
        c, e = self.c, self.e
        paths = {
            "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json"}},
            "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
            "roleArn": "arn:aws:iam::123456789012:role/r",
        }

        def versions() -> tuple[str, str, str]:
            """The User-Personalization version, an item-affinity one, and an ItemID filter."""
            group, _, version = trained_setup(c, e, "trained")
            solution = c.create_solution(
                name="segments", datasetGroupArn=group, recipeArn=f"{AWS}recipe/aws-item-affinity"
            )["solutionArn"]
            segments = c.create_solution_version(solutionArn=solution)["solutionVersionArn"]
            fields = [{"name": "ITEM_ID", "type": "string"}, {"name": "A", "type": "string"}]
            items = json.dumps({"type": "record", "name": "Items", "fields": fields})
            schema = c.create_schema(name="batch-items", schema=items)["schemaArn"]
            c.create_dataset(
                name="items", schemaArn=schema, datasetGroupArn=group, datasetType="Items"
            )
            expression = 'EXCLUDE ItemID WHERE Items.A IN ("x")'
            made = c.create_filter(name="b", datasetGroupArn=group, filterExpression=expression)
            return version, segments, made["filterArn"]

        def inference() -> dict[str, Any]:
            version, _, used = versions()
            return dict(
                c.create_batch_inference_job(
                    jobName="b",
                    solutionVersionArn=version,
                    filterArn=used,
                    numResults=10,
                    batchInferenceJobConfig={
                        "itemExplorationConfig": {"explorationWeight": "0.3"},
                        "rankingInfluence": {"POPULARITY": 0.5},
                    },
                    batchInferenceJobMode="BATCH_INFERENCE",
                    **paths,
                )
            )

        def segment() -> dict[str, Any]:
            return dict(
                c.create_batch_segment_job(
                    jobName="b", solutionVersionArn=versions()[1], numResults=10, **paths
                )
            )

        return {
            "CreateBatchInferenceJob": inference,
            "DescribeBatchInferenceJob": lambda: c.describe_batch_inference_job(
                batchInferenceJobArn=inference()["batchInferenceJobArn"]
            ),
            "ListBatchInferenceJobs": lambda: (inference(), c.list_batch_inference_jobs())[1],
            "CreateBatchSegmentJob": segment,
            "DescribeBatchSegmentJob": lambda: c.describe_batch_segment_job(
                batchSegmentJobArn=segment()["batchSegmentJobArn"]
            ),
            "ListBatchSegmentJobs": lambda: (segment(), c.list_batch_segment_jobs())[1],
        }

    def catalogue_calls(self) -> dict[str, Callable[[], Any]]:
        c = self.c
        return {
            "ListRecipes": lambda: c.list_recipes(domain="ECOMMERCE"),
            "DescribeRecipe": lambda: c.describe_recipe(recipeArn=f"{AWS}recipe/aws-sims"),
            "DescribeAlgorithm": lambda: c.describe_algorithm(
                algorithmArn=f"{AWS}algorithm/aws-user-personalization"
            ),
            "DescribeFeatureTransformation": lambda: c.describe_feature_transformation(
                featureTransformationArn=f"{AWS}feature-transformation/sims"
            ),
        }

    def recommenders(self) -> dict[str, Callable[[], Any]]:
        """A Domain group with an updated recommender and a stopped one."""
        c = self.c
        group = c.create_dataset_group(name="dg", domain="ECOMMERCE")["datasetGroupArn"]
        for_you, by_views = (
            f"{AWS}recipe/aws-ecomm-recommended-for-you",
            f"{AWS}recipe/aws-ecomm-popular-items-by-views",
        )
        arn = c.create_recommender(
            name="r",
            datasetGroupArn=group,
            recipeArn=for_you,
            tags=[{"tagKey": "k", "tagValue": "v"}],
        )["recommenderArn"]
        c.update_recommender(recommenderArn=arn, recommenderConfig=CONFIG)
        stopped = c.create_recommender(name="r2", datasetGroupArn=group, recipeArn=by_views)[
            "recommenderArn"
        ]
        c.stop_recommender(recommenderArn=stopped)
        return {
            "CreateRecommender": lambda: c.create_recommender(
                name="new", datasetGroupArn=group, recipeArn=by_views, recommenderConfig=CONFIG
            ),
            "DescribeRecommender": lambda: c.describe_recommender(recommenderArn=arn),
            "ListRecommenders": lambda: c.list_recommenders(datasetGroupArn=group),
            "UpdateRecommender": lambda: c.update_recommender(
                recommenderArn=arn, recommenderConfig=CONFIG
            ),
            "StopRecommender": lambda: c.stop_recommender(recommenderArn=arn),
            "StartRecommender": lambda: c.start_recommender(recommenderArn=stopped),
            "DeleteRecommender": lambda: c.delete_recommender(recommenderArn=stopped),
        }

    def metric_attributions(self) -> tuple[dict[str, Callable[[], Any]], str]:
        """An attribution in one group, and a spare group ready for another."""
        c = self.c
        schema = json.loads(INTERACTIONS_SCHEMA)
        schema["fields"].append({"name": "EVENT_TYPE", "type": "string"})
        schema_arn = c.create_schema(name="ev", schema=json.dumps(schema))["schemaArn"]
        groups = []
        for name in ("mg", "mg2"):
            group = c.create_dataset_group(name=name)["datasetGroupArn"]
            c.create_dataset(
                name=f"{name}-i",
                schemaArn=schema_arn,
                datasetGroupArn=group,
                datasetType="Interactions",
            )
            groups.append(group)
        arn = c.create_metric_attribution(
            name="m", datasetGroupArn=groups[0], metrics=METRICS, metricsOutputConfig=OUT
        )["metricAttributionArn"]
        calls = {
            "DescribeMetricAttribution": lambda: c.describe_metric_attribution(
                metricAttributionArn=arn
            ),
            "ListMetricAttributions": lambda: c.list_metric_attributions(),
            "ListMetricAttributionMetrics": lambda: c.list_metric_attribution_metrics(
                metricAttributionArn=arn
            ),
            "UpdateMetricAttribution": lambda: c.update_metric_attribution(
                metricAttributionArn=arn,
                addMetrics=[
                    {"eventType": "buy", "metricName": "buys", "expression": "SAMPLECOUNT()"}
                ],
                removeMetrics=["clicks"],
                metricsOutputConfig={**OUT, "s3DataDestination": {"path": "s3://b/p"}},
            ),
            "DeleteMetricAttribution": lambda: c.delete_metric_attribution(
                metricAttributionArn=arn
            ),
        }
        return calls, groups[1]


AWS = "arn:aws:personalize:::"
CONFIG = {
    "minRecommendationRequestsPerSecond": 2,
    "itemExplorationConfig": {"explorationWeight": "0.3"},
    "trainingDataConfig": {"excludedDatasetColumns": {"Interactions": ["EVENT_TYPE"]}},
    "enableMetadataWithRecommendations": False,
}
METRICS = [{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}]
OUT = {"roleArn": "arn:aws:iam::123456789012:role/personalize"}


def implemented() -> list[str]:
    """Names of the operations a handler answers, across the models."""
    handlers = load_handlers()
    return sorted(op.name for op in catalog().operations() if op.python_name in handlers)


@CHECKED
@pytest.mark.parametrize("name", implemented())
def test_every_implemented_operation_answers_its_output_shape(
    personalize_fake: PersonalizeFake, name: str
) -> None:
    """Each implemented operation's success passes the output-shape check (else a 500)."""
    assert personalize_fake.dispatcher._bind.__name__ == "bind_checked"
    response = World(personalize_fake).calls()[name]()
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.personalize_fake(lifecycle="manual", check_responses=True)
def test_answers_in_every_status_are_modeled(personalize_fake: PersonalizeFake) -> None:
    """Answers about resources pending, failed or being deleted pass the check too."""
    c = boto3.client("personalize", region_name="us-east-1")
    group = c.create_dataset_group(name="g")["datasetGroupArn"]
    personalize_fake.settle(group)
    tracker = c.create_event_tracker(name="t", datasetGroupArn=group)["eventTrackerArn"]
    failed = c.create_dataset_group(name="f")["datasetGroupArn"]
    personalize_fake.fail(failed, "failed on purpose")
    personalize_fake.fail(tracker, "failed on purpose")
    c.describe_dataset_group(datasetGroupArn=group)
    c.describe_dataset_group(datasetGroupArn=failed)
    c.describe_event_tracker(eventTrackerArn=tracker)
    c.delete_dataset_group(datasetGroupArn=failed)
    c.describe_dataset_group(datasetGroupArn=failed)
    assert sorted(g["status"] for g in c.list_dataset_groups()["datasetGroups"]) == [
        "ACTIVE",
        "DELETE PENDING",
    ]


@contextlib.contextmanager
def swapped(name: str, handler: Callable[..., Any]) -> Iterator[None]:
    """``handler`` answers the operation named ``name`` (snake_case) in mocks started inside."""
    load_handlers()
    original = HANDLERS.get(name)
    HANDLERS[name] = handler
    forget_bindings()
    try:
        yield
    finally:
        if original is None:
            del HANDLERS[name]
        else:
            HANDLERS[name] = original
        forget_bindings()


def request(service: str, name: str, body: dict[str, Any]) -> WireRequest:
    prefix = {"personalize": "AmazonPersonalize", "personalize-events": None}[service]
    if prefix is None:  # REST-JSON: the route the model gives
        op = catalog().operation(service, name)
        return WireRequest(
            op.method,
            op.model.http["requestUri"],
            {"Content-Type": "application/json"},
            json.dumps(body).encode(),
        )
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{prefix}.{name}"}
    return WireRequest("POST", "/", headers, json.dumps(body).encode())


ARN = "arn:aws:personalize:us-east-1:123456789012:schema/s"
REQUESTS = {
    "DescribeSchema": {"schemaArn": ARN},
    "ListDatasetGroups": {},
    "DescribeAlgorithm": {"algorithmArn": ARN},
    "DeleteSchema": {"schemaArn": ARN},
}
BAD_ANSWERS = [
    pytest.param(
        "DescribeSchema",
        {"schema": {"name": "s", "extra": 1}},
        "schema.extra",
        "Member must be declared by the shape",
        id="unmodeled-nested",
    ),
    pytest.param(
        "DescribeSchema",
        {"schemaArn": ARN},
        "schemaArn",
        "Member must be declared by the shape",
        id="unmodeled-top",
    ),
    pytest.param(
        "DescribeSchema",
        {"schema": {"name": 5}},
        "schema.name",
        "Member must be of type string",
        id="type",
    ),
    pytest.param(
        "DescribeSchema",
        {"schema": {"name": None}},
        "schema.name",
        "Member must not be null",
        id="null",
    ),
    pytest.param(
        "DescribeSchema",
        {"schema": {"schemaArn": "arn:" + "x" * 300}},
        "schema.schemaArn",
        "Member must have length less than or equal to 256",
        id="length",
    ),
    pytest.param(
        "DescribeSchema",
        {"schema": {"name": "-s"}},
        "schema.name",
        "Member must satisfy regular expression pattern",
        id="pattern",
    ),
    pytest.param(
        "ListDatasetGroups",
        {"datasetGroups": [{"domain": "GARDENING"}]},
        "datasetGroups.1.member.domain",
        "Member must satisfy enum value set",
        id="enum",
    ),
    pytest.param(
        "DescribeAlgorithm",
        {"algorithm": {"algorithmImage": {}}},
        "algorithm.algorithmImage.dockerURI",
        "Member must not be null",
        id="required",
    ),
    pytest.param(
        "DeleteSchema",
        {"schemaArn": ARN},
        "",
        "The operation answers nothing",
        id="no-output",
    ),
]


@pytest.mark.parametrize(("name", "answer", "path", "rule"), BAD_ANSWERS)
def test_an_answer_its_shape_refuses_is_a_500_naming_operation_path_and_rule(
    caplog: pytest.LogCaptureFixture, name: str, answer: dict[str, Any], path: str, rule: str
) -> None:
    """A handler answering what the output shape refuses is an InternalFailure (500), logged."""
    if rule == UNMODELED and newer_than_model():
        pytest.skip("members newer than an older botocore's model are allowed")
    op = catalog().operation("personalize", name)
    broken = swapped(op.python_name, lambda state, **kwargs: answer)
    with broken, mock_personalize(check_responses=True) as fake:
        response = fake.handle(request("personalize", name, REQUESTS[name]))
    assert response.status == 500
    document = json.loads(response.body)
    assert document["__type"] == "InternalFailure"
    for part in (name, f"at '{path}'" if path else "", rule):
        assert part in document["message"]
        assert part in caplog.text
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


def test_events_answers_are_checked_too() -> None:
    """A personalize-events (REST-JSON) handler answering a body its operation lacks is a 500."""
    body = {"datasetArn": ARN, "users": [{"userId": "u"}]}
    broken = swapped("put_users", lambda state, **kwargs: {"stored": 1})
    with broken, mock_personalize(check_responses=True) as fake:
        response = fake.handle(request("personalize-events", "PutUsers", body))
    assert response.status == 500
    assert response.headers["x-amzn-errortype"] == "InternalFailure"
    assert "PutUsers" in json.loads(response.body)["message"]


def test_unchecked_mocks_answer_as_the_handler_says() -> None:
    """With the check off (users' default) a bad answer goes out unjudged, at no cost."""
    answer = {"schema": {"name": "s", "extra": 1}}
    broken = swapped("describe_schema", lambda state, **kwargs: answer)
    with broken, mock_personalize(check_responses=False) as fake:
        assert fake.dispatcher._bind.__name__ == "bind"
        response = fake.handle(request("personalize", "DescribeSchema", {"schemaArn": ARN}))
    assert response.status == 200
    assert json.loads(response.body) == answer


def test_the_suite_checks_every_mock_it_starts(personalize_fake: PersonalizeFake) -> None:
    """tests/conftest.py turns the check on for every mock, so every test's answers are judged."""
    assert personalize_fake.settings.check_responses
    assert os.environ[CHECK_RESPONSES_VARIABLE] == "1"


def test_a_checked_server_refuses_a_bad_answer_over_http() -> None:
    """A server (checking, as the environment says) answers a bad answer as InternalFailure."""
    if newer_than_model():
        pytest.skip("members newer than an older botocore's model are allowed")
    broken = swapped("describe_schema", lambda state, **kwargs: {"bogus": 1})
    with broken, PersonalizeServer() as server:
        client = boto3.client(
            "personalize",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="x",
            aws_secret_access_key="y",
            config=Config(retries={"total_max_attempts": 1}),
        )
        with pytest.raises(ClientError) as raised:
            client.describe_schema(schemaArn=ARN)
    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert error["Code"] == "InternalFailure"
    assert "'bogus'" in error["Message"]
