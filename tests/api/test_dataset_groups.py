"""Dataset groups through boto3: create, describe, list, delete, and their rules."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import INTERACTIONS_SCHEMA

from personalize_fake import PersonalizeFake

ARN = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


class TestCreate:
    def test_arn_is_named_for_the_group(self, personalize: Any) -> None:
        """The ARN a user stores is dataset-group/<name> in the client's region and account."""
        out = personalize.create_dataset_group(name="shop")
        assert out["datasetGroupArn"] == ARN
        assert "domain" not in out

    def test_domain_is_echoed(self, personalize: Any) -> None:
        """A Domain dataset group answers its domain."""
        out = personalize.create_dataset_group(name="shop", domain="ECOMMERCE")
        assert out["domain"] == "ECOMMERCE"
        described = personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]
        assert described["domain"] == "ECOMMERCE"

    def test_duplicate_name(self, personalize: Any) -> None:
        """A second group with a taken name is ResourceAlreadyExists naming the ARN."""
        personalize.create_dataset_group(name="shop")
        with pytest.raises(ClientError) as exc:
            personalize.create_dataset_group(name="shop")
        assert error(exc) == (
            "ResourceAlreadyExistsException",
            f"Another resource with Arn {ARN} already exists.",
        )

    def test_role_without_key(self, personalize: Any) -> None:
        """A roleArn is only valid together with a kmsKeyArn."""
        with pytest.raises(personalize.exceptions.InvalidInputException):
            personalize.create_dataset_group(
                name="shop", roleArn="arn:aws:iam::123456789012:role/r"
            )
        assert personalize.list_dataset_groups()["datasetGroups"] == []

    def test_kms_settings_are_described(self, personalize: Any) -> None:
        """roleArn and kmsKeyArn come back from Describe."""
        role = "arn:aws:iam::123456789012:role/r"
        key = "arn:aws:kms:us-east-1:123456789012:key/k"
        personalize.create_dataset_group(name="shop", roleArn=role, kmsKeyArn=key)
        group = personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]
        assert (group["roleArn"], group["kmsKeyArn"]) == (role, key)


GROUPS = "arn:aws:personalize:us-east-1:123456789012:dataset-group/"


class TestLimit:
    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_five_live_groups_a_region(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """AWS's default quota: a sixth live group is LimitExceeded in AWS's words; a failed
        one and one being deleted do not count."""
        for n in range(5):
            personalize.create_dataset_group(name=f"g{n}")
        with pytest.raises(ClientError) as refused:
            personalize.create_dataset_group(name="g5")
        assert refused.value.response["Error"] == {
            "Code": "LimitExceededException",
            "Message": "Cannot create a dataset group. More than 5 resources in ACTIVE state. "
            "Please delete some and try again.",
        }
        personalize.delete_dataset_group(datasetGroupArn=f"{GROUPS}g0")
        personalize_fake.fail_next("dataset-group")
        failed = personalize.create_dataset_group(name="failed")["datasetGroupArn"]
        assert personalize_fake.status(failed) == "CREATE FAILED"
        personalize.create_dataset_group(name="g5")

    @pytest.mark.personalize_fake(lifecycle="instant", dataset_groups_per_region=7)
    def test_a_setting(self, personalize: Any) -> None:
        """``dataset_groups_per_region`` sets the quota."""
        for n in range(7):
            personalize.create_dataset_group(name=f"g{n}")
        with pytest.raises(personalize.exceptions.LimitExceededException, match="More than 7"):
            personalize.create_dataset_group(name="g7")


class TestDescribe:
    def test_polling_sees_the_documented_sequence(self, personalize: Any) -> None:
        """Stepwise: each Describe answers, then moves one step: PENDING, IN_PROGRESS, ACTIVE."""
        personalize.create_dataset_group(name="shop")
        seen = [
            personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]["status"]
            for _ in range(4)
        ]
        assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE", "ACTIVE"]

    def test_each_status_change_moves_last_updated_on(self, personalize: Any) -> None:
        """lastUpdatedDateTime grows with every step, even within one millisecond of polling."""
        personalize.create_dataset_group(name="shop")
        described = [
            personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]
            for _ in range(3)
        ]
        assert [d["status"] for d in described] == [
            "CREATE PENDING",
            "CREATE IN_PROGRESS",
            "ACTIVE",
        ]
        updated = [d["lastUpdatedDateTime"] for d in described]
        assert described[0]["creationDateTime"] == updated[0] < updated[1] < updated[2]

    def test_fields(self, personalize: Any) -> None:
        """Describe shows name, ARN, status and timestamps as datetimes."""
        personalize.create_dataset_group(name="shop")
        group = personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]
        assert group["name"] == "shop"
        assert group["datasetGroupArn"] == ARN
        assert group["creationDateTime"] <= group["lastUpdatedDateTime"]
        assert group["creationDateTime"].tzinfo is not None

    def test_unknown(self, personalize: Any) -> None:
        """An unknown ARN is ResourceNotFound."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_dataset_group(datasetGroupArn=ARN)

    def test_failure_reason(self, personalize: Any, personalize_fake: PersonalizeFake) -> None:
        """A creation the test fails shows CREATE FAILED and its failureReason."""
        personalize.create_dataset_group(name="shop")
        personalize_fake.fail(ARN, "KMS key not accessible.")
        group = personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]
        assert (group["status"], group["failureReason"]) == (
            "CREATE FAILED",
            "KMS key not accessible.",
        )


class TestDelete:
    def test_goes_delete_pending_then_away(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A dataset group has only DELETE PENDING, then Describe is ResourceNotFound."""
        personalize.create_dataset_group(name="shop")
        personalize_fake.settle(ARN)
        personalize.delete_dataset_group(datasetGroupArn=ARN)
        status = personalize.describe_dataset_group(datasetGroupArn=ARN)["datasetGroup"]["status"]
        assert status == "DELETE PENDING"
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_dataset_group(datasetGroupArn=ARN)

    def test_not_while_creating(self, personalize: Any) -> None:
        """A group still being created cannot be deleted: ResourceInUse."""
        personalize.create_dataset_group(name="shop")
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_dataset_group(datasetGroupArn=ARN)

    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_blocked_by_a_dataset(self, personalize: Any) -> None:
        """A group that still has a dataset cannot be deleted."""
        personalize.create_dataset_group(name="shop")
        schema = personalize.create_schema(name="s", schema=INTERACTIONS_SCHEMA)["schemaArn"]
        personalize.create_dataset(
            name="d", schemaArn=schema, datasetGroupArn=ARN, datasetType="Interactions"
        )
        with pytest.raises(personalize.exceptions.ResourceInUseException) as exc:
            personalize.delete_dataset_group(datasetGroupArn=ARN)
        assert "dataset" in str(exc.value)

    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_blocked_by_a_tracker(self, personalize: Any) -> None:
        """A group that still has an event tracker cannot be deleted."""
        personalize.create_dataset_group(name="shop")
        personalize.create_event_tracker(name="t", datasetGroupArn=ARN)
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_dataset_group(datasetGroupArn=ARN)

    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_instant_delete_is_immediate(self, personalize: Any) -> None:
        """In instant mode a delete takes effect at once."""
        personalize.create_dataset_group(name="shop")
        personalize.delete_dataset_group(datasetGroupArn=ARN)
        assert personalize.list_dataset_groups()["datasetGroups"] == []

    def test_name_is_free_again_after_delete(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Once a group is gone its name can be used again."""
        personalize.create_dataset_group(name="shop")
        personalize_fake.settle(ARN)
        personalize.delete_dataset_group(datasetGroupArn=ARN)
        personalize_fake.settle(ARN)
        assert personalize.create_dataset_group(name="shop")["datasetGroupArn"] == ARN


class TestList:
    @pytest.mark.personalize_fake(lifecycle="instant")
    def test_summaries_in_creation_order(self, personalize: Any) -> None:
        """ListDatasetGroups returns summaries oldest first, without roleArn."""
        for name in ("a", "b", "c"):
            personalize.create_dataset_group(name=name)
        groups = personalize.list_dataset_groups()["datasetGroups"]
        assert [g["name"] for g in groups] == ["a", "b", "c"]
        assert set(groups[0]) == {
            "name",
            "datasetGroupArn",
            "status",
            "creationDateTime",
            "lastUpdatedDateTime",
        }
