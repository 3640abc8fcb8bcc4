"""Metric attributions through boto3: one per dataset group, up to 10 metrics with checked
expressions, an Interactions dataset with EVENT_TYPE, update, delete and what it blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import client

from personalize_fake import PersonalizeFake
from personalize_fake.server import serving

pytestmark = pytest.mark.personalize_fake(lifecycle="instant")

ROLE = "arn:aws:iam::123456789012:role/personalize"
OUT = {"roleArn": ROLE, "s3DataDestination": {"path": "s3://bucket/metrics/"}}
COUNT = {"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}
MARGIN = {"eventType": "buy", "metricName": "margin", "expression": "SUM(ITEMS.MARGIN)"}
ONE = "Cannot create a metric attribution. More than 1 resources in ACTIVE state."


def schema(name: str, fields: dict[str, Any]) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "fields": [{"name": k, "type": v} for k, v in fields.items()],
            "version": "1.0",
        }
    )


INTERACTIONS = {"USER_ID": "string", "ITEM_ID": "string", "TIMESTAMP": "long"}


def group_with(
    personalize: Any,
    name: str = "shop",
    *,
    event_type: bool = True,
    items: bool = True,
    interactions: bool = True,
    fake: PersonalizeFake | None = None,
) -> str:
    """A dataset group with an Interactions dataset (with EVENT_TYPE and a numeric VALUE) and
    an Items dataset (a double MARGIN, a string GENRE), as asked; all settled by ``fake``
    when given (a mode other than instant)."""
    group: str = personalize.create_dataset_group(name=name)["datasetGroupArn"]
    if fake is not None:
        fake.settle(group)
    fields = {**INTERACTIONS, "VALUE": ["null", "float"]}
    if event_type:
        fields["EVENT_TYPE"] = "string"
    datasets = {}
    if interactions:
        datasets["Interactions"] = fields
    if items:
        datasets["Items"] = {"ITEM_ID": "string", "MARGIN": "double", "GENRE": "string"}
    for kind, declared in datasets.items():
        arn = personalize.create_schema(name=f"{name}-{kind}", schema=schema(kind, declared))
        personalize.create_dataset(
            name=f"{name}-{kind}",
            schemaArn=arn["schemaArn"],
            datasetGroupArn=group,
            datasetType=kind,
        )
    if fake is not None:
        fake.settle()
    return group


def create(personalize: Any, group: str, metrics: list[dict[str, str]] | None = None,
           name: str = "impact") -> str:  # fmt: skip
    arn: str = personalize.create_metric_attribution(
        name=name,
        datasetGroupArn=group,
        metrics=[COUNT, MARGIN] if metrics is None else metrics,
        metricsOutputConfig=OUT,
    )["metricAttributionArn"]
    return arn


def metrics(personalize: Any, arn: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = personalize.list_metric_attribution_metrics(
        metricAttributionArn=arn
    )["metrics"]
    return found


class TestCreate:
    def test_describe_and_metrics(self, personalize: Any) -> None:
        """Describe shows the group and output config (no metrics member); the metrics are
        listed by ListMetricAttributionMetrics as given."""
        group = group_with(personalize)
        arn = create(personalize, group)
        assert arn == "arn:aws:personalize:us-east-1:123456789012:metric-attribution/impact"
        found = personalize.describe_metric_attribution(metricAttributionArn=arn)
        attribution = found["metricAttribution"]
        assert attribution["datasetGroupArn"] == group
        assert attribution["metricsOutputConfig"] == OUT
        assert attribution["status"] == "ACTIVE"
        assert "metrics" not in attribution
        assert metrics(personalize, arn) == [COUNT, MARGIN]

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_polled_to_active(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """Creation moves through the create chain as clients poll it."""
        group = group_with(personalize, fake=personalize_fake)
        arn = create(personalize, group)
        seen = [
            personalize.describe_metric_attribution(metricAttributionArn=arn)["metricAttribution"][
                "status"
            ]
            for _ in range(3)
        ]
        assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]

    def test_one_per_group(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """A second attribution in a group is ResourceAlreadyExists, in the words of AWS's
        limits; a failed one does not count."""
        group = group_with(personalize)
        personalize_fake.fail_next("metric-attribution")
        create(personalize, group, name="failed")
        create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException, match=ONE):
            create(personalize, group, name="again")
        assert len(personalize.list_metric_attributions()["metricAttributions"]) == 2

    @pytest.mark.personalize_fake(
        lifecycle="instant", duplicate_metric_attribution_error="LimitExceededException"
    )
    def test_one_per_group_code_is_a_setting(self, personalize: Any) -> None:
        """duplicate_metric_attribution_error switches the code of the one-per-group rule."""
        group = group_with(personalize)
        create(personalize, group)
        with pytest.raises(personalize.exceptions.LimitExceededException, match=ONE):
            create(personalize, group, name="again")

    def test_name_taken(self, personalize: Any) -> None:
        """Names are unique in a region: ResourceAlreadyExists naming the ARN."""
        arn = create(personalize, group_with(personalize))
        other = group_with(personalize, "other")
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException, match=arn):
            create(personalize, other)

    def test_interactions_need_event_type(self, personalize: Any) -> None:
        """An Interactions dataset without EVENT_TYPE, or none, is InvalidInput saying so."""
        group = group_with(personalize, event_type=False)
        with pytest.raises(personalize.exceptions.InvalidInputException, match="EVENT_TYPE"):
            create(personalize, group)
        bare = group_with(personalize, "bare", interactions=False)
        with pytest.raises(
            personalize.exceptions.InvalidInputException, match="no Interactions dataset"
        ):
            create(personalize, bare)

    def test_unknown_group(self, personalize: Any) -> None:
        """An unknown dataset group is ResourceNotFound."""
        missing = "arn:aws:personalize:us-east-1:123456789012:dataset-group/none"
        with pytest.raises(personalize.exceptions.ResourceNotFoundException, match=missing):
            create(personalize, missing)

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_group_must_be_active(self, personalize: Any) -> None:
        """A group still being created is ResourceInUse."""
        group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="CREATE PENDING"):
            create(personalize, group)

    @pytest.mark.parametrize(
        ("expression", "says"),
        [
            ("COUNT()", "expected SAMPLECOUNT() or SUM"),
            ("SUM(ITEMS.MARGIN", "expected SAMPLECOUNT() or SUM"),
            ("SUM(Users.AGE)", "not 'Users'"),
            ("SUM(Items.PRICE)", "has no column 'PRICE'"),
            ("SUM(Items.GENRE)", "SUM needs a numeric column"),
        ],
    )
    def test_bad_expression(self, personalize: Any, expression: str, says: str) -> None:
        """An expression that is not SAMPLECOUNT() or SUM of a numeric Interactions or Items
        column is InvalidInput naming the metric and why."""
        group = group_with(personalize)
        metric = {"eventType": "x", "metricName": "bad", "expression": expression}
        with pytest.raises(personalize.exceptions.InvalidInputException) as caught:
            create(personalize, group, [metric])
        message = caught.value.response["Error"]["Message"]
        assert says in message and "'bad'" in message

    @pytest.mark.parametrize(
        "expression", ["SUM(Interactions.VALUE)", "sum( items.margin )", "SAMPLECOUNT( )"]
    )
    def test_good_expressions(self, personalize: Any, expression: str) -> None:
        """SUM reads a nullable float or a double column; names are read in any case."""
        metric = {"eventType": "x", "metricName": "ok", "expression": expression}
        create(personalize, group_with(personalize), [metric])

    def test_sum_of_items_needs_items_dataset(self, personalize: Any) -> None:
        """SUM over Items in a group without an Items dataset is InvalidInput."""
        group = group_with(personalize, items=False)
        with pytest.raises(personalize.exceptions.InvalidInputException, match="no Items dataset"):
            create(personalize, group)

    def test_metric_names_unique(self, personalize: Any) -> None:
        """Two metrics of one name are InvalidInput."""
        group = group_with(personalize)
        with pytest.raises(personalize.exceptions.InvalidInputException, match="twice"):
            create(personalize, group, [COUNT, {**MARGIN, "metricName": "clicks"}])

    def test_fail_next(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """fail_next("metric-attribution") ends the next creation CREATE FAILED; Describe and
        List show the reason, and the failed one can be deleted."""
        group = group_with(personalize)
        personalize_fake.fail_next("metric-attribution", "No role access.")
        arn = create(personalize, group)
        found = personalize.describe_metric_attribution(metricAttributionArn=arn)
        assert found["metricAttribution"]["status"] == "CREATE FAILED"
        assert found["metricAttribution"]["failureReason"] == "No role access."
        (summary,) = personalize.list_metric_attributions()["metricAttributions"]
        assert summary["failureReason"] == "No role access."
        personalize.delete_metric_attribution(metricAttributionArn=arn)
        assert personalize.list_metric_attributions()["metricAttributions"] == []

    def test_not_taggable(self, personalize: Any) -> None:
        """A metric attribution takes no tags (CreateMetricAttribution has none)."""
        arn = create(personalize, group_with(personalize))
        with pytest.raises(personalize.exceptions.InvalidInputException, match="tagging"):
            personalize.tag_resource(resourceArn=arn, tags=[{"tagKey": "k", "tagValue": "v"}])


def numbered(count: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"eventType": "e", "metricName": f"m{n}", "expression": "SAMPLECOUNT()"}
        for n in range(start, start + count)
    ]


class TestUpdate:
    def test_add_and_remove(self, personalize: Any) -> None:
        """Update removes named metrics, appends new ones and replaces the output config."""
        arn = create(personalize, group_with(personalize))
        new_out = {"roleArn": ROLE}
        out = personalize.update_metric_attribution(
            metricAttributionArn=arn,
            addMetrics=numbered(2),
            removeMetrics=["clicks"],
            metricsOutputConfig=new_out,
        )
        assert out["metricAttributionArn"] == arn
        assert [m["metricName"] for m in metrics(personalize, arn)] == ["margin", "m0", "m1"]
        found = personalize.describe_metric_attribution(metricAttributionArn=arn)
        assert found["metricAttribution"]["metricsOutputConfig"] == new_out

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_applied_when_it_ends(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Until the update is ACTIVE, the attribution keeps its metrics and output config."""
        arn = create(personalize, group_with(personalize, fake=personalize_fake))
        personalize_fake.settle(arn)
        personalize.update_metric_attribution(
            metricAttributionArn=arn,
            removeMetrics=["clicks"],
            metricsOutputConfig={"roleArn": ROLE},
        )
        found = personalize.describe_metric_attribution(metricAttributionArn=arn)
        assert found["metricAttribution"]["metricsOutputConfig"] == OUT
        assert metrics(personalize, arn) == [COUNT, MARGIN]
        personalize_fake.settle(arn)
        found = personalize.describe_metric_attribution(metricAttributionArn=arn)
        assert found["metricAttribution"]["metricsOutputConfig"] == {"roleArn": ROLE}
        assert metrics(personalize, arn) == [MARGIN]

    @pytest.mark.personalize_fake(lifecycle="stepwise")
    def test_polled_through_update(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An update moves UPDATE PENDING > UPDATE IN_PROGRESS > ACTIVE; a second while it
        runs is ResourceInUse."""
        group = group_with(personalize, fake=personalize_fake)
        arn = create(personalize, group)
        personalize_fake.settle(arn)
        personalize.update_metric_attribution(metricAttributionArn=arn, removeMetrics=["clicks"])
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="UPDATE PENDING"):
            personalize.update_metric_attribution(metricAttributionArn=arn, addMetrics=numbered(1))
        seen = [
            personalize.describe_metric_attribution(metricAttributionArn=arn)["metricAttribution"][
                "status"
            ]
            for _ in range(3)
        ]
        assert seen == ["UPDATE PENDING", "UPDATE IN_PROGRESS", "ACTIVE"]

    def test_at_most_ten(self, personalize: Any) -> None:
        """More than 10 metrics after an update is InvalidInput; nothing changes."""
        arn = create(personalize, group_with(personalize), numbered(9))
        with pytest.raises(personalize.exceptions.InvalidInputException, match="at most 10"):
            personalize.update_metric_attribution(
                metricAttributionArn=arn, addMetrics=numbered(2, 9)
            )
        assert len(metrics(personalize, arn)) == 9
        personalize.update_metric_attribution(
            metricAttributionArn=arn, addMetrics=numbered(2, 9), removeMetrics=["m0"]
        )
        assert len(metrics(personalize, arn)) == 10

    def test_create_at_most_ten(self, personalize: Any) -> None:
        """More than 10 metrics at creation is refused (the model's bound); none is made."""
        group = group_with(personalize)
        with pytest.raises(ClientError) as exc:
            create(personalize, group, numbered(11))
        code, message = exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]
        assert code == "InvalidInputException"
        assert "at 'metrics' failed to satisfy constraint: Member must have length less" in message
        assert personalize.list_metric_attributions()["metricAttributions"] == []

    def test_name_clash_and_unknown_removal(self, personalize: Any) -> None:
        """Adding a name it has is ResourceAlreadyExists; removing one it lacks, InvalidInput."""
        arn = create(personalize, group_with(personalize))
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException, match="clicks"):
            personalize.update_metric_attribution(metricAttributionArn=arn, addMetrics=[COUNT])
        with pytest.raises(personalize.exceptions.InvalidInputException, match="no metric 'x'"):
            personalize.update_metric_attribution(metricAttributionArn=arn, removeMetrics=["x"])
        assert metrics(personalize, arn) == [COUNT, MARGIN]

    def test_added_expression_is_checked(self, personalize: Any) -> None:
        """An added metric's expression is checked as at creation."""
        arn = create(personalize, group_with(personalize))
        bad = {"eventType": "x", "metricName": "bad", "expression": "SUM(Items.GENRE)"}
        with pytest.raises(personalize.exceptions.InvalidInputException, match="numeric"):
            personalize.update_metric_attribution(metricAttributionArn=arn, addMetrics=[bad])

    def test_unknown_or_missing_arn(self, personalize: Any) -> None:
        """An unknown attribution is ResourceNotFound; none named (the model allows it) is
        InvalidInput."""
        missing = "arn:aws:personalize:us-east-1:123456789012:metric-attribution/none"
        with pytest.raises(personalize.exceptions.ResourceNotFoundException, match=missing):
            personalize.update_metric_attribution(metricAttributionArn=missing)
        with pytest.raises(personalize.exceptions.InvalidInputException, match="needs a"):
            personalize.update_metric_attribution(removeMetrics=["clicks"])


class TestListAndDelete:
    def test_list_by_group(self, personalize: Any) -> None:
        """ListMetricAttributions lists all, or one group's; a summary has name, ARN, status."""
        first = create(personalize, group_with(personalize))
        other = group_with(personalize, "other")
        second = create(personalize, other, name="second")
        listed = personalize.list_metric_attributions()["metricAttributions"]
        assert [a["metricAttributionArn"] for a in listed] == [first, second]
        assert set(listed[0]) == {
            "name",
            "metricAttributionArn",
            "status",
            "creationDateTime",
            "lastUpdatedDateTime",
        }
        only = personalize.list_metric_attributions(datasetGroupArn=other)["metricAttributions"]
        assert [a["name"] for a in only] == ["second"]

    def test_metrics_paged(self, personalize: Any) -> None:
        """ListMetricAttributionMetrics pages; an unknown attribution lists nothing; none
        named is InvalidInput."""
        arn = create(personalize, group_with(personalize), numbered(5))
        page = personalize.list_metric_attribution_metrics(metricAttributionArn=arn, maxResults=3)
        rest = personalize.list_metric_attribution_metrics(
            metricAttributionArn=arn, nextToken=page["nextToken"]
        )
        assert [m["metricName"] for m in page["metrics"] + rest["metrics"]] == [
            f"m{n}" for n in range(5)
        ]
        unknown = arn.replace("impact", "none")
        assert metrics(personalize, unknown) == []
        with pytest.raises(personalize.exceptions.InvalidInputException, match="needs a"):
            personalize.list_metric_attribution_metrics()

    def test_delete_and_group_block(self, personalize: Any) -> None:
        """An attribution blocks its group's deletion; once deleted it is gone, its metrics
        with it, and the group can have another."""
        group = group_with(personalize, interactions=True, items=False)
        arn = create(personalize, group, [COUNT])
        with pytest.raises(personalize.exceptions.ResourceInUseException, match=arn):
            personalize.delete_dataset_group(datasetGroupArn=group)
        personalize.delete_metric_attribution(metricAttributionArn=arn)
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_metric_attribution(metricAttributionArn=arn)
        assert metrics(personalize, arn) == []
        create(personalize, group, [COUNT], name="again")

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_delete_refused_while_creating(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A delete while the attribution is being created is ResourceInUse."""
        group = group_with(personalize, fake=personalize_fake)
        arn = create(personalize, group)
        with pytest.raises(personalize.exceptions.ResourceInUseException, match="CREATE PENDING"):
            personalize.delete_metric_attribution(metricAttributionArn=arn)


def test_state_file_keeps_attributions(tmp_path: Path) -> None:
    """After a restart an attribution keeps its metrics, output config and status, and its
    group still holds only one."""
    path = tmp_path / "state.db"
    with serving(lifecycle="instant", state_file=path) as (url, _):
        personalize = client("personalize", url)
        group = group_with(personalize)
        arn = create(personalize, group)
        personalize.update_metric_attribution(metricAttributionArn=arn, removeMetrics=["clicks"])
        before = personalize.describe_metric_attribution(metricAttributionArn=arn)
    with serving(lifecycle="instant", state_file=path) as (url, _):
        personalize = client("personalize", url)
        after = personalize.describe_metric_attribution(metricAttributionArn=arn)
        assert after["metricAttribution"] == before["metricAttribution"]
        assert metrics(personalize, arn) == [MARGIN]
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException, match=ONE):
            create(personalize, group, name="again")
