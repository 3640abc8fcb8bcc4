"""Tags through boto3: at creation, TagResource, UntagResource, ListTagsForResource, quotas."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.personalize_fake(lifecycle="instant")

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"


def tags(count: int, prefix: str = "k") -> list[dict[str, str]]:
    return [{"tagKey": f"{prefix}{i}", "tagValue": str(i)} for i in range(count)]


def test_tags_given_at_creation(personalize: Any) -> None:
    """Tags passed to a Create call are listed for the new resource."""
    personalize.create_dataset_group(name="shop", tags=tags(2))
    assert personalize.list_tags_for_resource(resourceArn=GROUP)["tags"] == tags(2)


def test_tag_replaces_value_and_untag_removes(personalize: Any) -> None:
    """TagResource overwrites a key's value; UntagResource removes keys, unknown keys ignored."""
    personalize.create_dataset_group(name="shop", tags=tags(2))
    personalize.tag_resource(resourceArn=GROUP, tags=[{"tagKey": "k0", "tagValue": "new"}])
    personalize.untag_resource(resourceArn=GROUP, tagKeys=["k1", "nope"])
    assert personalize.list_tags_for_resource(resourceArn=GROUP)["tags"] == [
        {"tagKey": "k0", "tagValue": "new"}
    ]


def test_at_most_50_tags(personalize: Any) -> None:
    """A resource may carry 50 tags: the 51st is TooManyTags and changes nothing."""
    personalize.create_dataset_group(name="shop", tags=tags(50))
    with pytest.raises(personalize.exceptions.TooManyTagsException):
        personalize.tag_resource(resourceArn=GROUP, tags=tags(1, prefix="extra"))
    assert len(personalize.list_tags_for_resource(resourceArn=GROUP)["tags"]) == 50


def test_too_many_tags_at_creation_creates_nothing(personalize: Any) -> None:
    """Creating with 51 tags is TooManyTags and no resource is made."""
    with pytest.raises(personalize.exceptions.TooManyTagsException):
        personalize.create_dataset_group(name="shop", tags=tags(51))
    assert personalize.list_dataset_groups()["datasetGroups"] == []


def test_too_many_keys_to_untag(personalize: Any) -> None:
    """UntagResource with more than 50 keys is TooManyTagKeys."""
    personalize.create_dataset_group(name="shop")
    with pytest.raises(personalize.exceptions.TooManyTagKeysException):
        personalize.untag_resource(resourceArn=GROUP, tagKeys=[f"k{i}" for i in range(51)])


def test_unknown_resource(personalize: Any) -> None:
    """Tagging a resource that does not exist is ResourceNotFound."""
    with pytest.raises(personalize.exceptions.ResourceNotFoundException):
        personalize.list_tags_for_resource(resourceArn=GROUP)


def test_tags_go_with_the_resource(personalize: Any) -> None:
    """A deleted and re-created resource starts without the old tags."""
    personalize.create_dataset_group(name="shop", tags=tags(3))
    personalize.delete_dataset_group(datasetGroupArn=GROUP)
    personalize.create_dataset_group(name="shop")
    assert personalize.list_tags_for_resource(resourceArn=GROUP)["tags"] == []


def test_tracker_tags(personalize: Any) -> None:
    """Event trackers are taggable at creation."""
    personalize.create_dataset_group(name="shop")
    arn = personalize.create_event_tracker(name="t", datasetGroupArn=GROUP, tags=tags(1))[
        "eventTrackerArn"
    ]
    assert personalize.list_tags_for_resource(resourceArn=arn)["tags"] == tags(1)
