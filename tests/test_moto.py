"""Side by side with moto's mock_aws: moto answers S3, the fake answers Personalize."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from personalize_fake import mock_personalize


@pytest.fixture
def moto_hosts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The host of every request that reached moto."""
    seen: list[str] = []
    original = BotocoreStubber.process_request

    def process_request(self: BotocoreStubber, request: Any) -> Any:
        seen.append(request.url.split("/")[2])
        return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", process_request)
    return seen


def use_both() -> str:
    """S3 round trip through moto, Personalize round trip through the fake."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="training-data")
    s3.put_object(Bucket="training-data", Key="interactions.csv", Body=b"USER_ID,ITEM_ID\n")
    body = s3.get_object(Bucket="training-data", Key="interactions.csv")["Body"].read()
    assert body == b"USER_ID,ITEM_ID\n"

    personalize = boto3.client("personalize", region_name="us-east-1")
    arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
    groups = personalize.list_dataset_groups()["datasetGroups"]
    assert [g["datasetGroupArn"] for g in groups] == [arn]
    return str(personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"])


def assert_only_s3(hosts: list[str]) -> None:
    assert hosts, "moto saw no requests at all"
    assert [h for h in hosts if "s3" not in h.split(".")] == []


class TestDecorators:
    def test_moto_outside(self, moto_hosts: list[str]) -> None:
        """@mock_aws over @mock_personalize: S3 goes to moto, Personalize to the fake."""

        @mock_aws
        @mock_personalize(lifecycle="instant")
        def run() -> str:
            return use_both()

        assert run() == "ACTIVE"
        assert_only_s3(moto_hosts)

    def test_moto_inside(self, moto_hosts: list[str]) -> None:
        """@mock_personalize over @mock_aws: the same split."""

        @mock_personalize(lifecycle="instant")
        @mock_aws
        def run() -> str:
            return use_both()

        assert run() == "ACTIVE"
        assert_only_s3(moto_hosts)


@mock_aws
@mock_personalize(lifecycle="instant")
class TestDecoratedClass:
    """Both decorators on one test class."""

    def test_both(self, moto_hosts: list[str]) -> None:
        """Class-level mock_aws and mock_personalize split the services too."""
        assert use_both() == "ACTIVE"
        assert_only_s3(moto_hosts)


class TestContextManagers:
    def test_moto_outside(self, moto_hosts: list[str]) -> None:
        """`with mock_aws(): with mock_personalize():` splits S3 and Personalize."""
        with mock_aws(), mock_personalize(lifecycle="instant"):
            assert use_both() == "ACTIVE"
        assert_only_s3(moto_hosts)

    def test_moto_inside(self, moto_hosts: list[str]) -> None:
        """`with mock_personalize(): with mock_aws():` splits them the same way."""
        with mock_personalize(lifecycle="instant"), mock_aws():
            assert use_both() == "ACTIVE"
        assert_only_s3(moto_hosts)

    def test_handle_and_lifecycle_inside_moto(self, moto_hosts: list[str]) -> None:
        """Inside mock_aws the fake's handle and stepwise lifecycle work as usual."""
        with mock_aws(), mock_personalize() as fake:
            personalize = boto3.client("personalize", region_name="us-east-1")
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            assert fake.status(arn) == "CREATE PENDING"
            fake.settle(arn)
            assert fake.status(arn) == "ACTIVE"
        assert moto_hosts == []

    def test_client_made_before_either_mock(self, moto_hosts: list[str]) -> None:
        """A Personalize client created before both mocks started is answered by the fake."""
        personalize = boto3.client("personalize", region_name="us-east-1")
        with mock_aws(), mock_personalize():
            # moto needs its clients made inside it (they pick up its credentials then)
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="bucket")
            personalize.create_dataset_group(name="g")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["bucket"]
            assert len(personalize.list_dataset_groups()["datasetGroups"]) == 1
        assert_only_s3(moto_hosts)

    def test_moto_answers_once_the_fake_stops(self, moto_hosts: list[str]) -> None:
        """With only mock_aws left active, Personalize calls pass through to moto."""
        with mock_aws():
            personalize = boto3.client("personalize", region_name="us-east-1")
            with mock_personalize():
                personalize.create_dataset_group(name="g")
            assert moto_hosts == []
            personalize.list_schemas()  # moto implements schemas
        assert moto_hosts == ["personalize.us-east-1.amazonaws.com"]
