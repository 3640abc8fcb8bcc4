"""The botocore adapter: which clients it reaches, and what it leaves behind."""

from __future__ import annotations

import sys
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.endpoint import Endpoint
from support import ReachedNetwork

from personalize_fake import mock_personalize


@pytest.fixture
def old_session(monkeypatch: pytest.MonkeyPatch) -> botocore.session.Session:
    """A session as if made before personalize_fake was imported: without its handlers."""
    session = botocore.session.Session()
    for event in ("personalize", "personalize-events", "personalize-runtime"):
        session.unregister(
            f"before-call.{event}", sys.modules["personalize_fake._wire.hook"].before_call
        )

    return session


def test_client_of_an_older_session_is_answered(old_session: botocore.session.Session) -> None:
    """A client whose session predates the import is still answered, never sent to AWS."""
    client = old_session.create_client("personalize", region_name="eu-west-1")
    with mock_personalize() as fake:
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
        assert arn == "arn:aws:personalize:eu-west-1:123456789012:dataset-group/g"
        assert fake.status(arn) == "CREATE PENDING"
        with pytest.raises(client.exceptions.ResourceAlreadyExistsException):
            client.create_dataset_group(name="g")


def test_the_net_is_taken_away_after_the_last_mock(old_session: botocore.session.Session) -> None:
    """Once every mock has stopped, Endpoint.make_request is botocore's own again."""
    original = Endpoint.make_request
    outer, inner = mock_personalize(), mock_personalize()
    outer.start()
    inner.start()
    assert Endpoint.make_request is not original
    outer.stop()
    assert Endpoint.make_request is not original
    inner.stop()
    assert Endpoint.make_request is original


def test_other_services_pass_through_the_net(old_session: botocore.session.Session) -> None:
    """Only Personalize calls are caught; others go on to botocore's sending."""
    s3 = boto3.session.Session(aws_access_key_id="a", aws_secret_access_key="b").client(
        "s3", region_name="us-east-1"
    )
    with mock_personalize(), pytest.raises(ReachedNetwork):
        s3.list_buckets()


def test_generator_function_is_decorated_across_its_yields() -> None:
    """@mock_personalize on a generator (a yield fixture) keeps the mock active while it runs."""

    @mock_personalize(lifecycle="instant")
    def groups() -> Any:
        client = boto3.client("personalize", region_name="us-east-1")
        client.create_dataset_group(name="g")
        yield client
        yield [g["name"] for g in client.list_dataset_groups()["datasetGroups"]]

    steps = groups()
    next(steps)
    assert next(steps) == ["g"]
    with pytest.raises(StopIteration):
        next(steps)


def test_async_generator_function_is_decorated() -> None:
    """@mock_personalize on an async generator keeps the mock active across its yields."""
    import asyncio

    @mock_personalize(lifecycle="instant")
    async def statuses() -> Any:
        client = boto3.client("personalize", region_name="us-east-1")
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
        yield client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]

    async def collect() -> list[str]:
        return [status async for status in statuses()]

    assert asyncio.run(collect()) == ["ACTIVE"]
