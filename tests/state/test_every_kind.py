"""Every resource kind the fake creates moves under the handle the same way: ``fail_next``
fails its next creation, and in manual mode it waits at its first status until ``advance``
moves it a step, ``settle`` finishes it, or ``fail`` fails it; polled in stepwise mode, its
Describe shows each status in turn and ends.

Each kind is made through boto3 on prerequisites settled first, so what is tested is the
kind's own creation chain as a test steers it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from personalize_fake import PersonalizeFake, mock_personalize
from personalize_fake._api.registry import load_handlers
from personalize_fake._state.resource import KINDS

ROLE = "arn:aws:iam::123456789012:role/personalize"
RECIPE = "arn:aws:personalize:::recipe/"
FIELDS = {
    "Interactions": ["USER_ID", "ITEM_ID", "EVENT_TYPE", "TIMESTAMP"],
    "Items": ["ITEM_ID", "GENRE"],
}


def _schema(kind: str, domain: str | None = None) -> str:
    fields = [{"name": f, "type": "long" if f == "TIMESTAMP" else "string"} for f in FIELDS[kind]]
    return json.dumps({"type": "record", "name": kind, "fields": fields, "version": "1.0"})


class Maker:
    """Makes one resource of each kind through boto3, settling its prerequisites first."""

    def __init__(self, fake: PersonalizeFake) -> None:
        self.fake = fake
        self.p = boto3.client("personalize", region_name="us-east-1")
        self.n = 0

    def ready(self, arn: str) -> str:
        self.fake.settle(arn)
        return arn

    def name(self) -> str:
        self.n += 1
        return f"r{self.n}"

    # -- prerequisites -----------------------------------------------------------------

    def dataset_group(self, **domain: str) -> str:
        return str(self.p.create_dataset_group(name=self.name(), **domain)["datasetGroupArn"])

    def schema(self, kind: str = "Interactions", **domain: str) -> str:
        schema = _schema(kind)
        return str(self.p.create_schema(name=self.name(), schema=schema, **domain)["schemaArn"])

    def dataset(self, group: str | None = None, kind: str = "Interactions") -> str:
        group = group or self.ready(self.dataset_group())
        schema = self.ready(self.schema(kind))
        made = self.p.create_dataset(
            name=self.name(), schemaArn=schema, datasetGroupArn=group, datasetType=kind
        )
        return str(made["datasetArn"])

    def group_with_data(self) -> str:
        group = self.ready(self.dataset_group())
        self.ready(self.dataset(group))
        self.ready(self.dataset(group, "Items"))
        return group

    def solution(self, group: str | None = None, recipe: str = "aws-user-personalization") -> str:
        group = group or self.group_with_data()
        made = self.p.create_solution(
            name=self.name(), datasetGroupArn=group, recipeArn=RECIPE + recipe
        )
        return str(made["solutionArn"])

    def solution_version(self, solution: str | None = None) -> str:
        solution = solution or self.ready(self.solution())
        return str(self.p.create_solution_version(solutionArn=solution)["solutionVersionArn"])

    def version(self, recipe: str = "aws-user-personalization") -> str:
        return self.ready(self.solution_version(self.ready(self.solution(recipe=recipe))))

    def job_paths(self) -> tuple[dict[str, Any], dict[str, Any]]:
        self.fake.put_object("s3://bucket/in/input.json", b'{"userId": "u1"}\n')
        source = {"s3DataSource": {"path": "s3://bucket/in/input.json"}}
        return source, {"s3DataDestination": {"path": "s3://bucket/out/"}}

    # -- the kinds ---------------------------------------------------------------------

    def event_tracker(self) -> str:
        group = self.group_with_data()
        return str(
            self.p.create_event_tracker(name=self.name(), datasetGroupArn=group)["eventTrackerArn"]
        )

    def campaign(self) -> str:
        made = self.p.create_campaign(name=self.name(), solutionVersionArn=self.version())
        return str(made["campaignArn"])

    def filter(self) -> str:
        made = self.p.create_filter(
            name=self.name(),
            datasetGroupArn=self.group_with_data(),
            filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")',
        )
        return str(made["filterArn"])

    def recommender(self) -> str:
        group = self.ready(self.dataset_group(domain="ECOMMERCE"))
        schema = self.ready(self.schema(domain="ECOMMERCE"))
        self.ready(
            self.p.create_dataset(
                name=self.name(),
                schemaArn=schema,
                datasetGroupArn=group,
                datasetType="Interactions",
            )["datasetArn"]
        )
        made = self.p.create_recommender(
            name=self.name(),
            datasetGroupArn=group,
            recipeArn=RECIPE + "aws-ecomm-recommended-for-you",
        )
        return str(made["recommenderArn"])

    def metric_attribution(self) -> str:
        made = self.p.create_metric_attribution(
            name=self.name(),
            datasetGroupArn=self.group_with_data(),
            metrics=[{"eventType": "click", "metricName": "CLICKS", "expression": "SAMPLECOUNT()"}],
            metricsOutputConfig={"roleArn": ROLE},
        )
        return str(made["metricAttributionArn"])

    def dataset_import_job(self) -> str:
        dataset = self.ready(self.dataset())
        self.fake.put_object("s3://bucket/i.csv", "USER_ID,ITEM_ID,EVENT_TYPE,TIMESTAMP\n")
        made = self.p.create_dataset_import_job(
            jobName=self.name(),
            datasetArn=dataset,
            dataSource={"dataLocation": "s3://bucket/i.csv"},
            roleArn=ROLE,
        )
        return str(made["datasetImportJobArn"])

    def dataset_export_job(self) -> str:
        made = self.p.create_dataset_export_job(
            jobName=self.name(),
            datasetArn=self.ready(self.dataset()),
            roleArn=ROLE,
            jobOutput={"s3DataDestination": {"path": "s3://bucket/export/"}},
        )
        return str(made["datasetExportJobArn"])

    def data_deletion_job(self) -> str:
        self.fake.put_object("s3://bucket/users.csv", "USER_ID\nu1\n")
        made = self.p.create_data_deletion_job(
            jobName=self.name(),
            datasetGroupArn=self.group_with_data(),
            dataSource={"dataLocation": "s3://bucket/users.csv"},
            roleArn=ROLE,
        )
        return str(made["dataDeletionJobArn"])

    def batch_inference_job(self) -> str:
        source, output = self.job_paths()
        made = self.p.create_batch_inference_job(
            jobName=self.name(),
            solutionVersionArn=self.version(),
            jobInput=source,
            jobOutput=output,
            roleArn=ROLE,
        )
        return str(made["batchInferenceJobArn"])

    def batch_segment_job(self) -> str:
        self.fake.put_object("s3://bucket/in/items.json", b'{"itemId": "i1"}\n')
        made = self.p.create_batch_segment_job(
            jobName=self.name(),
            solutionVersionArn=self.version("aws-item-affinity"),
            jobInput={"s3DataSource": {"path": "s3://bucket/in/items.json"}},
            jobOutput={"s3DataDestination": {"path": "s3://bucket/out/"}},
            roleArn=ROLE,
        )
        return str(made["batchSegmentJobArn"])

    def make(self, kind: str) -> str:
        method: Callable[[], str] = getattr(self, kind.replace("-", "_"))
        return method()


load_handlers()
WHOLE_WHEN_MADE = {"schema"}
"""Kinds with no creation to steer: a schema is whole when made (DescribeSchema shows no
status), and fail_next refuses its kind."""
EVERY_KIND = sorted(set(KINDS) - WHOLE_WHEN_MADE)
FAILED = {"data-deletion-job": "FAILED"}
"""The status a creation's failure ends in, where it is not CREATE FAILED."""
OPTIONS = {"minimum_training_data": False}


def test_the_maker_knows_every_kind() -> None:
    """A new kind must be added to Maker, so every test here covers it."""
    assert all(hasattr(Maker, kind.replace("-", "_")) for kind in EVERY_KIND)
    with mock_personalize() as fake, pytest.raises(ValueError, match="unknown resource kind"):
        fake.fail_next("schema")


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_fail_next_fails_the_next_creation_of_every_kind(kind: str) -> None:
    """The creation call succeeds; the resource ends in its failure status with the reason."""
    with mock_personalize(lifecycle="instant", **OPTIONS) as fake:
        maker = Maker(fake)
        fake.fail_next(kind, "Injected for the test.")
        arn = maker.make(kind)
        assert fake.status(arn) == FAILED.get(kind, "CREATE FAILED")


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_manual_mode_waits_for_the_handle_on_every_kind(kind: str) -> None:
    """Made in manual mode, a resource stays where it starts until advanced, then settles."""
    with mock_personalize(lifecycle="manual", **OPTIONS) as fake:
        maker = Maker(fake)
        arn = maker.make(kind)
        first = fake.status(arn)
        assert fake.status(arn) == first  # nothing moves on its own
        second = fake.advance(arn)
        assert second != first
        fake.settle(arn)
        assert fake.status(arn) in ("ACTIVE", "COMPLETED")


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_fail_fails_a_creation_under_way_of_every_kind(kind: str) -> None:
    """``fake.fail`` ends a creation under way in its failure status."""
    with mock_personalize(lifecycle="manual", **OPTIONS) as fake:
        arn = Maker(fake).make(kind)
        fake.fail(arn, "Failed by the test.")
        assert fake.status(arn) == FAILED.get(kind, "CREATE FAILED")


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_stepwise_polling_of_every_kind_ends(kind: str) -> None:
    """Polling a kind's Describe, as code waiting for it does, sees its statuses one by one
    and ends in a few calls without real time passing."""
    with mock_personalize(lifecycle="stepwise", **OPTIONS) as fake:
        maker = Maker(fake)
        arn = maker.make(kind)
        key = "".join(w if i == 0 else w.title() for i, w in enumerate(kind.split("-")))
        describe = getattr(maker.p, f"describe_{kind.replace('-', '_')}")
        seen = [describe(**{f"{key}Arn": arn})[key]["status"] for _ in range(6)]
        assert seen[-1] in ("ACTIVE", "COMPLETED"), seen
        assert seen[0] != seen[-1] and len(set(seen)) >= 2, seen
