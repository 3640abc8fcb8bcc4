"""Filters through boto3: create, describe, list, delete, the expression and schema checks,
limits, and what a filter blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import client

from personalize_fake import PersonalizeFake, mock_personalize
from personalize_fake._api.filters import Filter
from personalize_fake._domain.filters import Column, Condition, Op, Placeholder
from personalize_fake.server import serving

ARN = "arn:aws:personalize:us-east-1:123456789012"
GROUP = f"{ARN}:dataset-group/shop"
FILTER = f"{ARN}:filter/f"
INSTANT = pytest.mark.personalize_fake(lifecycle="instant")

SCHEMAS = {
    "Interactions": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
    ],
    "Items": [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRE", "type": ["null", "string"], "categorical": True},
        {"name": "PRICE", "type": "double"},
        {"name": "AVAILABLE", "type": "boolean"},
        {"name": "DESCRIPTION", "type": "string", "textual": True},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
    ],
    "Users": [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": "int"}],
}


def group_with(
    personalize: Any,
    *kinds: str,
    name: str = "shop",
    fake: PersonalizeFake | None = None,
    pending: tuple[str, ...] = (),
) -> str:
    """A dataset group holding datasets of ``kinds`` (fields: SCHEMAS), settled through
    ``fake`` (when not instant) but for the datasets of kinds ``pending``."""
    group: str = personalize.create_dataset_group(name=name)["datasetGroupArn"]
    if fake is not None:
        fake.settle(group)
    for kind in kinds:
        schema = {"type": "record", "name": kind, "fields": SCHEMAS[kind]}
        schema_arn = personalize.create_schema(name=f"{name}-{kind}", schema=json.dumps(schema))[
            "schemaArn"
        ]
        dataset = personalize.create_dataset(
            name=f"{name}-{kind}", schemaArn=schema_arn, datasetGroupArn=group, datasetType=kind
        )["datasetArn"]
        if fake is not None and kind not in pending:
            fake.settle(dataset)
    return group


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def refused(personalize: Any, expression: str, group: str = GROUP) -> tuple[str, str]:
    """The error CreateFilter answers; nothing is stored."""
    with pytest.raises(ClientError) as exc:
        personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)
    assert personalize.list_filters()["Filters"] == []
    return error(exc)


def test_create_describe_list_delete(personalize: Any, personalize_fake: PersonalizeFake) -> None:
    """A filter moves CREATE PENDING > CREATE IN_PROGRESS > ACTIVE, shows its expression
    verbatim, is listed (under its group too), and goes DELETE PENDING > gone."""
    group = group_with(personalize, "Items", fake=personalize_fake)
    expression = 'include itemid where ITEMS.genre in ("comedy")'
    out = personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)
    assert out["filterArn"] == FILTER
    seen = []
    for _ in range(3):
        described = personalize.describe_filter(filterArn=FILTER)["filter"]
        seen.append(described["status"])
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
    assert described["filterExpression"] == expression
    assert described["datasetGroupArn"] == group
    assert described["name"] == "f"
    assert "failureReason" not in described
    (listed,) = personalize.list_filters()["Filters"]
    assert listed["filterArn"] == FILTER and listed["status"] == "ACTIVE"
    assert "filterExpression" not in listed
    assert personalize.list_filters(datasetGroupArn=group)["Filters"] == [listed]
    assert personalize.list_filters(datasetGroupArn=f"{group}x")["Filters"] == []
    personalize.delete_filter(filterArn=FILTER)
    assert personalize.describe_filter(filterArn=FILTER)["filter"]["status"] == "DELETE PENDING"
    personalize_fake.settle()
    with pytest.raises(personalize.exceptions.ResourceNotFoundException):
        personalize.describe_filter(filterArn=FILTER)


@INSTANT
def test_the_tree_is_what_the_runtime_reads(
    personalize: Any, personalize_fake: PersonalizeFake
) -> None:
    """Filter.tree is the parsed expression."""
    group = group_with(personalize, "Items")
    personalize.create_filter(
        name="f", datasetGroupArn=group, filterExpression="INCLUDE ItemID WHERE Items.PRICE < $MAX"
    )
    found = personalize_fake.store.find(FILTER)
    assert found is not None and isinstance(found[1], Filter)
    (expression,) = found[1].tree.expressions
    assert expression.where == Condition(Column("ITEMS", "PRICE"), Op.LT, Placeholder("MAX"))


@INSTANT
class TestExpressionChecks:
    def test_a_syntax_error_says_where_and_why(self, personalize: Any) -> None:
        """A bad expression is InvalidInput naming the symbol and its position."""
        group_with(personalize, "Items")
        code, message = refused(personalize, "INCLUDE ItemID WHERE Items.GENRE NOT IN ($G)")
        assert code == "InvalidInputException"
        assert message == (
            "Could not create filter. Invalid input symbol: $G. Placeholders are not allowed "
            "with NOT_IN operator. (at character 42)"
        )

    def test_too_long(self, personalize: Any) -> None:
        """Over 2,500 characters is InvalidInput before anything is looked up."""
        code, _ = refused(personalize, "INCLUDE ItemID WHERE " + "x" * 2500)
        assert code == "InvalidInputException"

    @pytest.mark.parametrize(
        ("expression", "named"),
        [
            pytest.param(
                'INCLUDE ItemID WHERE Items.COLOUR IN ("red")',
                "Items.COLOUR is not a field of the Items dataset's schema in dataset group "
                f"{GROUP} (its fields: ITEM_ID, GENRE, PRICE, AVAILABLE, DESCRIPTION, tags). "
                "(at character 22)",
                id="unknown-field",
            ),
            pytest.param(
                'INCLUDE ItemID WHERE Items.GENRE IN ("x") IF CurrentUser.AGE > 3',
                f"CurrentUser.AGE needs a Users dataset, and dataset group {GROUP} has none.",
                id="no-users-dataset",
            ),
            pytest.param(
                'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")',
                "Interactions.EVENT_TYPE needs an Interactions dataset",
                id="no-interactions-dataset",
            ),
            pytest.param(
                'INCLUDE ItemID WHERE Items.AVAILABLE IN ("True")',
                "Items.AVAILABLE is a boolean field, which a filter cannot use",
                id="boolean",
            ),
            pytest.param(
                'INCLUDE ItemID WHERE Items.DESCRIPTION IN ("x")',
                "Items.DESCRIPTION is a textual field",
                id="textual",
            ),
            pytest.param(
                'INCLUDE ItemID WHERE Items.tags IN ("x")',
                "Items.tags is not of a type a filter can read",
                id="array",
            ),
            pytest.param(
                "INCLUDE ItemID WHERE Items.GENRE < $X",
                "< compares numbers, and Items.GENRE is a string field.",
                id="range-on-string",
            ),
            pytest.param(
                "INCLUDE ItemID WHERE Items.GENRE = 3",
                "Items.GENRE is a string field; compare it with a quoted string.",
                id="number-for-string",
            ),
            pytest.param(
                "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.COST",
                "CurrentItem.COST is not a field of the Items dataset's schema",
                id="current-item-field",
            ),
        ],
    )
    def test_fields_the_group_lacks(self, personalize: Any, expression: str, named: str) -> None:
        """What the group's schemas lack, or a filter cannot read, is InvalidInput naming it."""
        group_with(personalize, "Items")
        code, message = refused(personalize, expression)
        assert code == "InvalidInputException"
        assert message.startswith("Could not create filter. Invalid Expression: ")
        assert named in message

    def test_fields_match_in_any_case(self, personalize: Any) -> None:
        """INTERACTIONS.event_type names the schema's EVENT_TYPE, as real filters did."""
        group = group_with(personalize, "Items", "Interactions", "Users")
        expression = (
            'EXCLUDE itemId WHERE INTERACTIONS.event_type in ("Purchase") | INCLUDE ItemID '
            "WHERE items.price < currentitem.PRICE AND Items.genre IN CurrentItem.GENRE "
            "IF CurrentUser.age > 18"
        )
        personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)

    @pytest.mark.personalize_fake(lifecycle="instant", filter_schema_errors="fail")
    def test_schema_errors_can_fail_the_filter_instead(self, personalize: Any) -> None:
        """With filter_schema_errors="fail" the filter is made and ends CREATE FAILED with the
        reason, in Describe and List."""
        group = group_with(personalize, "Items")
        personalize.create_filter(
            name="f", datasetGroupArn=group, filterExpression='INCLUDE ItemID WHERE Items.X IN ("")'
        )
        described = personalize.describe_filter(filterArn=FILTER)["filter"]
        assert described["status"] == "CREATE FAILED"
        assert "Items.X is not a field" in described["failureReason"]
        (listed,) = personalize.list_filters()["Filters"]
        assert listed["failureReason"] == described["failureReason"]

    @pytest.mark.personalize_fake(lifecycle="instant", filter_singular_dataset_names=False)
    def test_singular_dataset_names_can_be_refused(self, personalize: Any) -> None:
        """filter_singular_dataset_names=False refuses Interaction.X, as AWS's docs print it."""
        group_with(personalize, "Interactions")
        code, message = refused(personalize, 'INCLUDE ItemID WHERE Interaction.EVENT_TYPE IN ("*")')
        assert code == "InvalidInputException"
        assert "Invalid input symbol: Interaction." in message


@INSTANT
class TestParents:
    def test_unknown_group(self, personalize: Any) -> None:
        """A dataset group that does not exist is ResourceNotFound."""
        code, message = refused(personalize, 'INCLUDE ItemID WHERE Items.GENRE IN ("x")')
        assert code == "ResourceNotFoundException"
        assert GROUP in message

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_group_not_active(self, personalize: Any) -> None:
        """A dataset group not yet ACTIVE is ResourceInUse naming its status."""
        personalize.create_dataset_group(name="shop")
        code, message = refused(personalize, 'INCLUDE ItemID WHERE Items.GENRE IN ("x")')
        assert code == "ResourceInUseException"
        assert "CREATE PENDING" in message

    @pytest.mark.personalize_fake(
        lifecycle="manual", filter_inactive_dataset_group_error="InvalidInputException"
    )
    def test_the_inactive_code_is_a_setting(self, personalize: Any) -> None:
        """filter_inactive_dataset_group_error picks the code (CreateFilter declares no
        ResourceInUse)."""
        personalize.create_dataset_group(name="shop")
        code, _ = refused(personalize, 'INCLUDE ItemID WHERE Items.GENRE IN ("x")')
        assert code == "InvalidInputException"

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_dataset_named_not_active(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A dataset the expression names must be ACTIVE; others need not be."""
        group = group_with(personalize, "Items", "Users", fake=personalize_fake, pending=("Users",))
        expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("x") IF CurrentUser.AGE > 1'
        code, message = refused(personalize, expression, group)
        assert code == "ResourceInUseException"
        assert f"dataset {ARN}:dataset/shop/USERS is not in ACTIVE state" in message
        expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("x")'
        personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)

    def test_name_taken(self, personalize: Any) -> None:
        """Filter names are unique in a region: ResourceAlreadyExists with the ARN."""
        group = group_with(personalize, "Items")
        expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("x")'
        personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)
        with pytest.raises(ClientError) as exc:
            personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)
        assert error(exc) == (
            "ResourceAlreadyExistsException",
            f"Another resource with Arn {FILTER} already exists.",
        )


@INSTANT
class TestQuotas:
    @pytest.mark.personalize_fake(lifecycle="instant", filters_per_dataset_group=2)
    def test_filters_per_group(self, personalize: Any) -> None:
        """Past filters_per_dataset_group (30 by default), LimitExceeded; other groups are
        counted apart."""
        group = group_with(personalize, "Items")
        other = group_with(personalize, "Items", name="other")
        expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("x")'
        for name in ("a", "b"):
            personalize.create_filter(name=name, datasetGroupArn=group, filterExpression=expression)
        with pytest.raises(ClientError) as exc:
            personalize.create_filter(name="c", datasetGroupArn=group, filterExpression=expression)
        assert error(exc) == (
            "LimitExceededException",
            "Cannot create a filter. More than 2 resources in ACTIVE state. "
            "Please delete some and try again.",
        )
        personalize.create_filter(name="c", datasetGroupArn=other, filterExpression=expression)

    @pytest.mark.personalize_fake(lifecycle="instant", filter_fields_per_dataset_group=2)
    def test_fields_per_group(self, personalize: Any) -> None:
        """All of a group's filters name at most filter_fields_per_dataset_group (20) distinct
        fields: LimitExceeded naming those the new filter adds."""
        group = group_with(personalize, "Items", "Interactions")
        personalize.create_filter(
            name="a", datasetGroupArn=group, filterExpression="INCLUDE ItemID WHERE Items.PRICE < 1"
        )
        personalize.create_filter(
            name="b",
            datasetGroupArn=group,
            filterExpression='INCLUDE ItemID WHERE Items.price > 2 AND Items.GENRE IN ("x")',
        )
        with pytest.raises(ClientError) as exc:
            personalize.create_filter(
                name="c",
                datasetGroupArn=group,
                filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")',
            )
        code, message = error(exc)
        assert code == "LimitExceededException"
        assert "would use 3 distinct dataset fields (Interactions.EVENT_TYPE added)" in message

    @pytest.mark.personalize_fake(lifecycle="manual", filter_fields_per_dataset_group=2)
    def test_fields_of_a_filter_being_deleted_do_not_count(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A filter being deleted no longer counts toward filter_fields_per_dataset_group,
        as it no longer counts toward filters_per_dataset_group."""
        group = group_with(personalize, "Items", "Interactions", fake=personalize_fake)
        personalize.create_filter(
            name="f",
            datasetGroupArn=group,
            filterExpression='INCLUDE ItemID WHERE Items.PRICE > 2 AND Items.GENRE IN ("x")',
        )
        personalize_fake.settle(FILTER)
        personalize.delete_filter(filterArn=FILTER)
        assert personalize.describe_filter(filterArn=FILTER)["filter"]["status"] == (
            "DELETE PENDING"
        )
        personalize.create_filter(
            name="g",
            datasetGroupArn=group,
            filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")',
        )

    @pytest.mark.personalize_fake(lifecycle="instant", filter_fields_per_filter=1)
    def test_fields_per_filter(self, personalize: Any) -> None:
        """One filter names at most filter_fields_per_filter (10) fields: InvalidInput."""
        group_with(personalize, "Items")
        code, message = refused(
            personalize, 'INCLUDE ItemID WHERE Items.PRICE < 1 AND Items.GENRE IN ("x")'
        )
        assert code == "InvalidInputException"
        assert "Items.GENRE. A filter can use at most 1 distinct dataset fields." in message

    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_placeholders_a_request_can_fill(self, personalize: Any) -> None:
        """By default a filter has at most as many placeholders (25), with names as long
        (50 characters), as a request's filterValues can give values for."""
        group = group_with(personalize, "Items")
        many = " AND ".join(f"Items.PRICE < $P{n}" for n in range(25))
        code, message = refused(personalize, f"INCLUDE ItemID WHERE {many} AND Items.PRICE > $Q")
        assert code == "InvalidInputException"
        assert "$Q. A filter can have at most 25 distinct placeholders." in message
        code, message = refused(personalize, f"INCLUDE ItemID WHERE Items.PRICE < ${'A' * 51}")
        assert code == "InvalidInputException"
        assert "at most 50 characters" in message
        expression = f"INCLUDE ItemID WHERE {many} AND Items.PRICE > ${'A' * 50}"
        expression = expression.replace("$P24", "$P0")
        personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)

    @pytest.mark.personalize_fake(lifecycle="instant", filter_placeholders_per_filter=1)
    def test_placeholders_per_filter(self, personalize: Any) -> None:
        """One filter has at most filter_placeholders_per_filter (25) placeholders."""
        group_with(personalize, "Items")
        code, message = refused(
            personalize, "INCLUDE ItemID WHERE Items.PRICE > $LOW AND Items.PRICE < $HIGH"
        )
        assert code == "InvalidInputException"
        assert "$HIGH. A filter can have at most 1 distinct placeholders." in message


class TestInUse:
    @INSTANT
    def test_a_filter_blocks_its_group(self, personalize: Any) -> None:
        """A dataset group with a filter cannot be deleted; the message names the filter."""
        group = group_with(personalize, "Items")
        personalize.create_filter(
            name="f",
            datasetGroupArn=group,
            filterExpression='INCLUDE ItemID WHERE Items.GENRE IN ("")',
        )
        for dataset in personalize.list_datasets(datasetGroupArn=group)["datasets"]:
            personalize.delete_dataset(datasetArn=dataset["datasetArn"])
        with pytest.raises(ClientError) as exc:
            personalize.delete_dataset_group(datasetGroupArn=group)
        code, message = error(exc)
        assert code == "ResourceInUseException"
        assert f"filter {FILTER} (ACTIVE)" in message
        personalize.delete_filter(filterArn=FILTER)
        personalize.delete_dataset_group(datasetGroupArn=group)

    @pytest.mark.personalize_fake(lifecycle="manual")
    def test_a_filter_being_created_cannot_be_deleted(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """DeleteFilter while CREATE PENDING is ResourceInUse naming the status."""
        group = group_with(personalize, "Items", fake=personalize_fake)
        personalize.create_filter(
            name="f",
            datasetGroupArn=group,
            filterExpression='INCLUDE ItemID WHERE Items.GENRE IN ("")',
        )
        with pytest.raises(ClientError) as exc:
            personalize.delete_filter(filterArn=FILTER)
        code, message = error(exc)
        assert code == "ResourceInUseException"
        assert "(current status: CREATE PENDING)" in message


@INSTANT
def test_tags_and_injected_failures(personalize: Any, personalize_fake: PersonalizeFake) -> None:
    """Tags given at creation are listed; fail_next("filter") fails the next filter."""
    group = group_with(personalize, "Items")
    expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("x")'
    personalize.create_filter(
        name="f",
        datasetGroupArn=group,
        filterExpression=expression,
        tags=[{"tagKey": "team", "tagValue": "recs"}],
    )
    assert personalize.list_tags_for_resource(resourceArn=FILTER)["tags"] == [
        {"tagKey": "team", "tagValue": "recs"}
    ]
    personalize_fake.fail_next("filter", "no capacity")
    personalize.create_filter(name="g", datasetGroupArn=group, filterExpression=expression)
    described = personalize.describe_filter(filterArn=f"{ARN}:filter/g")["filter"]
    assert (described["status"], described["failureReason"]) == ("CREATE FAILED", "no capacity")


def test_a_filter_survives_a_restart(tmp_path: Path) -> None:
    """A state file keeps a filter's expression; after a restart it reads the same and its
    tree is parsed again from it."""
    path = tmp_path / "state.db"
    expression = "INCLUDE ItemID WHERE Items.GENRE IN ($G) | EXCLUDE ItemID WHERE Items.PRICE > 9"
    with serving(lifecycle="instant", state_file=path) as (url, fake):
        personalize = client("personalize", url)
        group = group_with(personalize, "Items")
        personalize.create_filter(name="f", datasetGroupArn=group, filterExpression=expression)
        before = personalize.describe_filter(filterArn=FILTER)["filter"]
        found = fake.store.find(FILTER)
        assert found is not None and isinstance(found[1], Filter)
        tree = found[1].tree
    with serving(lifecycle="instant", state_file=path) as (url, fake):
        personalize = client("personalize", url)
        assert personalize.describe_filter(filterArn=FILTER)["filter"] == before
        found = fake.store.find(FILTER)
        assert found is not None and isinstance(found[1], Filter)
        assert found[1].tree == tree
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_dataset_group(datasetGroupArn=group)


def test_filter_settings_are_checked() -> None:
    """The filter settings refuse values they cannot mean, naming the option."""
    with pytest.raises(ValueError, match="filter_schema_errors must be one of raise, fail"):
        mock_personalize(filter_schema_errors="later")
    with pytest.raises(TypeError, match="filter_schema_errors"):
        mock_personalize(filter_schema_errors=1)
    with pytest.raises(ValueError, match="filters_per_dataset_group must be at least 0"):
        mock_personalize(filters_per_dataset_group=-1)
    with pytest.raises(ValueError, match="must be one of InvalidInputException"):
        mock_personalize(filter_inactive_dataset_group_error="Nope")
