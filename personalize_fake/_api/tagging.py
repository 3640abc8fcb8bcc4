"""Tags: TagResource, UntagResource, ListTagsForResource, and tags given at creation."""

from __future__ import annotations

import functools
from typing import Any

from personalize_fake._api.registry import operation
from personalize_fake._errors import InvalidInput, TooManyTagKeys, TooManyTags
from personalize_fake._model.catalog import catalog
from personalize_fake._state.resource import Resource
from personalize_fake._state.store import RegionState


def apply_tags(state: RegionState, resource: Resource, tags: list[dict[str, Any]] | None) -> None:
    """Add or replace tags on a resource, keeping it within the per-resource quota."""
    if not tags:
        return
    check_tags(state, resource, tags)
    state.tag(resource, {t["tagKey"]: t.get("tagValue", "") for t in tags})


def check_tags(state: RegionState, resource: Resource | None, tags: list[dict[str, Any]]) -> None:
    """TooManyTags when the resource would carry more than the quota (50 by default)."""
    current = state.tags.get(resource.arn, {}) if resource is not None else {}
    keys = set(current) | {t["tagKey"] for t in tags}
    limit = state.settings.tags_per_resource
    if len(keys) > limit:
        raise TooManyTags(
            f"The resource would have {len(keys)} tags; a resource can have at most {limit} tags."
        )


@functools.cache
def taggable(resource_type: str) -> bool:
    """Whether a resource type (``DatasetGroup``) carries tags: as the model says, when
    its Create call takes ``tags``."""
    shape = catalog().operation("personalize", f"Create{resource_type}").input_shape
    return shape is not None and "tags" in shape.members


def _taggable(state: RegionState, arn: str) -> Resource:
    resource = state.get(Resource, arn)
    if not taggable(type(resource).__name__):
        raise InvalidInput(f"Resource {arn} does not support tagging.")
    return resource


@operation
def tag_resource(state: RegionState, *, resource_arn: str, tags: list[dict[str, Any]]) -> None:
    apply_tags(state, _taggable(state, resource_arn), tags)


@operation
def untag_resource(state: RegionState, *, resource_arn: str, tag_keys: list[str]) -> None:
    resource = _taggable(state, resource_arn)
    limit = state.settings.tags_per_resource
    if len(tag_keys) > limit:
        raise TooManyTagKeys(
            f"The request has {len(tag_keys)} tag keys; a resource can have at most {limit} tags."
        )
    state.untag(resource, tag_keys)


@operation
def list_tags_for_resource(state: RegionState, *, resource_arn: str) -> dict[str, Any]:
    resource = _taggable(state, resource_arn)
    tags = state.tags.get(resource.arn, {})
    return {"tags": [{"tagKey": k, "tagValue": v} for k, v in tags.items()]}
