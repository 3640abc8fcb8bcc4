"""Options are checked when a mock is made, with messages that name the option."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_fake import mock_personalize


@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [
        pytest.param({"default_max_results": 0}, ValueError, "from 1 to 100", id="page-0"),
        pytest.param({"default_max_results": 101}, ValueError, "from 1 to 100", id="page-101"),
        pytest.param({"default_max_results": "10"}, TypeError, "whole number", id="page-str"),
        pytest.param({"tags_per_resource": -1}, ValueError, "at least 0", id="tags-negative"),
        pytest.param({"lifecycle": "eventually"}, ValueError, "stepwise", id="lifecycle"),
        pytest.param({"account_id": "42"}, ValueError, "12 digits", id="account"),
        pytest.param(
            {"duplicate_event_tracker_error": "TrackerExists"},
            ValueError,
            "LimitExceededException",
            id="tracker-error",
        ),
        pytest.param(
            {"inactive_tracking_id_error": "LimitExceededException"},
            ValueError,
            "ResourceNotFoundException",
            id="events-error-of-another-service",
        ),
    ],
)
def test_bad_option(options: dict[str, Any], error: type[Exception], fragment: str) -> None:
    """A bad value fails at once, naming the option and what it may be."""
    with pytest.raises(error, match=fragment) as exc:
        mock_personalize(**options)
    assert next(iter(options)) in str(exc.value)


def test_small_pages_by_default() -> None:
    """default_max_results sets the page size of Lists called without maxResults."""
    import boto3

    with mock_personalize(lifecycle="instant", default_max_results=2):
        client = boto3.client("personalize", region_name="us-east-1")
        for name in "abc":
            client.create_dataset_group(name=name)
        page = client.list_dataset_groups()
        assert len(page["datasetGroups"]) == 2
        assert "nextToken" in page
