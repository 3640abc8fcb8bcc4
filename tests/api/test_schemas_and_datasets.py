"""Schemas and datasets through boto3: Avro checks, type rules, one dataset per type."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import INTERACTIONS_SCHEMA

from personalize_fake import PersonalizeFake

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"
SCHEMA = "arn:aws:personalize:us-east-1:123456789012:schema/ints"


def avro(*fields: str, name: str = "Record", **types: Any) -> str:
    """A record schema; TIMESTAMP is a long, other fields strings, unless ``types`` says."""
    default = {"TIMESTAMP": "long"}
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "fields": [{"name": f, "type": types.get(f, default.get(f, "string"))} for f in fields],
        }
    )


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


class TestSchemas:
    def test_create_and_describe(self, personalize: Any) -> None:
        """A schema is stored verbatim under schema/<name>, with no status."""
        out = personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        assert out["schemaArn"] == SCHEMA
        schema = personalize.describe_schema(schemaArn=SCHEMA)["schema"]
        assert schema["schema"] == INTERACTIONS_SCHEMA
        assert schema["name"] == "ints"
        assert "status" not in schema

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("not json", id="not-json"),
            pytest.param("[]", id="not-an-object"),
            pytest.param(json.dumps({"type": "enum", "name": "x", "symbols": []}), id="not-record"),
            pytest.param(json.dumps({"type": "record", "name": "x", "fields": []}), id="no-fields"),
            pytest.param(
                json.dumps({"type": "record", "name": "x", "fields": [{"name": "A"}]}),
                id="field-without-type",
            ),
            pytest.param(avro("A", "A"), id="duplicate-field"),
        ],
    )
    def test_rejects_what_is_not_an_avro_record(self, personalize: Any, text: str) -> None:
        """Anything but an Avro record with typed fields is InvalidInput; nothing is stored."""
        with pytest.raises(ClientError) as exc:
            personalize.create_schema(name="bad", schema=text)
        assert code(exc) == "InvalidInputException"
        assert personalize.list_schemas()["schemas"] == []

    @pytest.mark.parametrize(
        ("text", "named"),
        [
            pytest.param(avro("!datetime"), '"!datetime"', id="field-bang"),
            pytest.param(avro("USER_ID", "1ST"), '"1ST"', id="field-digit-first"),
            pytest.param(avro("a-b"), '"a-b"', id="field-dash"),
            pytest.param(avro("caf\u00e9"), '"caf\\u00e9"', id="field-not-ascii"),
            pytest.param(avro("A", name="my record"), '"my record"', id="record-space"),
            pytest.param(avro("A", name="com..R"), '"com..R"', id="record-empty-part"),
            pytest.param(
                json.dumps({"type": "record", "name": "R", "fields": [{"name": "", "type": "x"}]}),
                "field must have a name",
                id="field-empty",
            ),
        ],
    )
    def test_names_must_be_avro_names(self, personalize: Any, text: str, named: str) -> None:
        """Record and field names are Avro names ([A-Za-z_][A-Za-z0-9_]*): else InvalidInput
        naming the name; nothing is stored."""
        with pytest.raises(ClientError) as exc:
            personalize.create_schema(name="bad", schema=text)
        assert code(exc) == "InvalidInputException"
        assert named in exc.value.response["Error"]["Message"]
        assert personalize.list_schemas()["schemas"] == []

    def test_avro_full_names_and_underscores_are_names(self, personalize: Any) -> None:
        """A dotted full name for the record and underscored field names are accepted."""
        text = avro("_private", "USER_ID", "a1", name="com.amazonaws.personalize.Users")
        personalize.create_schema(name="ok", schema=text)

    @pytest.mark.parametrize("depth", [101, 9_000], ids=["past-the-limit", "past-the-decoder"])
    def test_one_message_for_any_schema_too_deep(self, personalize: Any, depth: int) -> None:
        """JSON nested past 100 levels, or past what the decoder holds, is refused alike."""
        with pytest.raises(ClientError) as exc:
            personalize.create_schema(name="deep", schema="[" * depth + "]" * depth)
        assert exc.value.response["Error"]["Message"] == (
            "Schema nests arrays and objects deeper than 100 levels."
        )

    def test_duplicate(self, personalize: Any) -> None:
        """Schema names are unique: the second is ResourceAlreadyExists with the seen message."""
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        with pytest.raises(ClientError) as exc:
            personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        assert exc.value.response["Error"]["Message"] == (
            f"Another resource with Arn {SCHEMA} already exists."
        )

    def test_delete(self, personalize: Any) -> None:
        """An unused schema is deleted at once."""
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        personalize.delete_schema(schemaArn=SCHEMA)
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_schema(schemaArn=SCHEMA)

    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_delete_blocked_while_a_dataset_uses_it(self, personalize: Any) -> None:
        """A schema a dataset uses cannot be deleted: ResourceInUse."""
        personalize.create_dataset_group(name="shop")
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        personalize.create_dataset(
            name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Interactions"
        )
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_schema(schemaArn=SCHEMA)

    def test_schemas_cannot_be_tagged(self, personalize: Any) -> None:
        """Schemas carry no tags (CreateSchema has no tags member; TagResource refuses)."""
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.tag_resource(resourceArn=SCHEMA, tags=[{"tagKey": "a", "tagValue": "b"}])


@pytest.mark.personalize_fake(lifecycle="instant")
class TestDatasets:
    @pytest.fixture(autouse=True)
    def group(self, personalize: Any) -> None:
        personalize.create_dataset_group(name="shop")
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)

    @pytest.mark.parametrize("given", ["Interactions", "INTERACTIONS", "interactions"])
    def test_type_any_case_arn_upper(self, personalize: Any, given: str) -> None:
        """The dataset type is accepted in any case and answered upper-case, ARN <group>/<TYPE>."""
        arn = personalize.create_dataset(
            name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType=given
        )["datasetArn"]
        assert arn == "arn:aws:personalize:us-east-1:123456789012:dataset/shop/INTERACTIONS"
        dataset = personalize.describe_dataset(datasetArn=arn)["dataset"]
        assert dataset["datasetType"] == "INTERACTIONS"
        assert dataset["datasetGroupArn"] == GROUP
        assert dataset["schemaArn"] == SCHEMA
        assert "trackingId" not in dataset

    def test_unknown_type(self, personalize: Any) -> None:
        """A dataset type that does not exist is InvalidInput."""
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.create_dataset(
                name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Clicks"
            )

    def test_one_per_type(self, personalize: Any) -> None:
        """A group holds one dataset of each type: the second is ResourceAlreadyExists."""
        personalize.create_dataset(
            name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Interactions"
        )
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException):
            personalize.create_dataset(
                name="e", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="INTERACTIONS"
            )

    @pytest.mark.parametrize(
        ("dataset_type", "fields"),
        [
            ("Interactions", ("USER_ID", "ITEM_ID")),
            ("Users", ("USER_ID",)),
            ("Items", ("ITEM_ID",)),
            ("Items", ("USER_ID", "GENRE")),
            ("Actions", ("ACTION_ID",)),
            ("Action_Interactions", ("USER_ID", "ACTION_ID", "TIMESTAMP")),
        ],
    )
    def test_schema_must_fit_the_type(
        self, personalize: Any, dataset_type: str, fields: tuple[str, ...]
    ) -> None:
        """A schema missing a field the dataset type requires is InvalidInput."""
        arn = personalize.create_schema(name="partial", schema=avro(*fields))["schemaArn"]
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.create_dataset(
                name="d", schemaArn=arn, datasetGroupArn=GROUP, datasetType=dataset_type
            )
        assert personalize.list_datasets()["datasets"] == []

    @pytest.mark.parametrize(
        "types",
        [
            pytest.param({"TIMESTAMP": "string"}, id="timestamp-string"),
            pytest.param({"USER_ID": "int"}, id="user-id-int"),
            pytest.param({"ITEM_ID": ["null", "string"]}, id="item-id-nullable"),
        ],
    )
    def test_required_fields_have_their_types(
        self, personalize: Any, types: dict[str, Any]
    ) -> None:
        """USER_ID and ITEM_ID must be strings and TIMESTAMP a long, none of them nullable."""
        schema = avro("USER_ID", "ITEM_ID", "TIMESTAMP", **types)
        arn = personalize.create_schema(name="typed", schema=schema)["schemaArn"]
        with pytest.raises(personalize.exceptions.InvalidInputException) as exc:
            personalize.create_dataset(
                name="d", schemaArn=arn, datasetGroupArn=GROUP, datasetType="Interactions"
            )
        assert next(iter(types)) in str(exc.value)

    def test_action_interactions_get_a_tracking_id(self, personalize: Any) -> None:
        """An Action_Interactions dataset carries the tracking ID PutActionInteractions uses."""
        arn = personalize.create_schema(
            name="ai", schema=avro("USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE")
        )["schemaArn"]
        dataset = personalize.create_dataset(
            name="d", schemaArn=arn, datasetGroupArn=GROUP, datasetType="Action_Interactions"
        )["datasetArn"]
        tracking_id = personalize.describe_dataset(datasetArn=dataset)["dataset"]["trackingId"]
        assert len(tracking_id) == 36

    def test_missing_group_or_schema(self, personalize: Any) -> None:
        """A dataset group or schema that does not exist is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.create_dataset(
                name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP + "x", datasetType="Interactions"
            )
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.create_dataset(
                name="d", schemaArn=SCHEMA + "x", datasetGroupArn=GROUP, datasetType="Interactions"
            )

    def test_domain_must_match(self, personalize: Any) -> None:
        """A custom group takes schemas without a domain; a Domain group, its own domain's."""
        ecomm = personalize.create_schema(
            name="ecomm", schema=INTERACTIONS_SCHEMA, domain="ECOMMERCE"
        )["schemaArn"]
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.create_dataset(
                name="d", schemaArn=ecomm, datasetGroupArn=GROUP, datasetType="Interactions"
            )

    def test_domain_groups_have_no_action_datasets(self, personalize: Any) -> None:
        """Actions datasets are for custom dataset groups only."""
        group = personalize.create_dataset_group(name="vod", domain="VIDEO_ON_DEMAND")
        schema = personalize.create_schema(
            name="acts", schema=avro("ACTION_ID", "X"), domain="VIDEO_ON_DEMAND"
        )["schemaArn"]
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.create_dataset(
                name="d",
                schemaArn=schema,
                datasetGroupArn=group["datasetGroupArn"],
                datasetType="Actions",
            )

    def test_list_filters_by_group(self, personalize: Any) -> None:
        """ListDatasets with a datasetGroupArn lists only that group's datasets."""
        other = personalize.create_dataset_group(name="other")["datasetGroupArn"]
        personalize.create_dataset(
            name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Interactions"
        )
        assert len(personalize.list_datasets()["datasets"]) == 1
        assert len(personalize.list_datasets(datasetGroupArn=GROUP)["datasets"]) == 1
        assert personalize.list_datasets(datasetGroupArn=other)["datasets"] == []
        assert personalize.list_datasets(datasetGroupArn=SCHEMA)["datasets"] == []


class TestDatasetLifecycle:
    def test_group_must_be_active(self, personalize: Any) -> None:
        """A dataset cannot be added before its group is ACTIVE: ResourceInUse."""
        personalize.create_dataset_group(name="shop")
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.create_dataset(
                name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Interactions"
            )

    def test_delete_sequence(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """A dataset deletes DELETE PENDING > DELETE IN_PROGRESS > gone, then the group can go."""
        personalize.create_dataset_group(name="shop")
        personalize_fake.settle()
        personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
        arn = personalize.create_dataset(
            name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Interactions"
        )["datasetArn"]
        personalize_fake.settle(arn)
        personalize.delete_dataset(datasetArn=arn)
        seen = [personalize.describe_dataset(datasetArn=arn)["dataset"]["status"] for _ in range(2)]
        assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_dataset(datasetArn=arn)
        personalize.delete_schema(schemaArn=SCHEMA)
        personalize.delete_dataset_group(datasetGroupArn=GROUP)
