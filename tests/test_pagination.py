"""Pagination of every List: maxResults, opaque nextToken, boto3 paginators, forged tokens."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

pytestmark = pytest.mark.personalize_fake(lifecycle="instant")


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
