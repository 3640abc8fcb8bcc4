"""Options are checked when a mock is made, with messages that name the option."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_fake import Settings, mock_personalize
from personalize_fake._settings import CHECK_RESPONSES_VARIABLE


@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [
        pytest.param({"default_max_results": 0}, ValueError, "from 1 to 100", id="page-0"),
        pytest.param({"default_max_results": 101}, ValueError, "from 1 to 100", id="page-101"),
        pytest.param({"default_max_results": "10"}, TypeError, "whole number", id="page-str"),
        pytest.param({"tags_per_resource": -1}, ValueError, "at least 0", id="tags-negative"),
        pytest.param({"lifecycle": "eventually"}, ValueError, "stepwise", id="lifecycle"),
        pytest.param({"lifecycle": 1}, TypeError, "must be a string", id="lifecycle-int"),
        pytest.param({"account_id": "42"}, ValueError, "12 digits", id="account"),
        pytest.param(
            {"account_id": "\uff11" * 12},  # fullwidth digits: isdigit() but not ASCII
            ValueError,
            "12 digits",
            id="account-not-ascii",
        ),
        pytest.param(
            {"account_id": 123456789012},
            TypeError,
            'string of 12 digits, not the int 123456789012: quote it, account_id="123456789012"',
            id="account-int",
        ),
        pytest.param(
            {"account_id": 42}, TypeError, 'string of 12 digits such as "123456789012"', id="int-42"
        ),
        pytest.param(
            {"disable_instance_metadata": "no"}, TypeError, "True or False", id="metadata-str"
        ),
        pytest.param({"disable_instance_metadata": 0}, TypeError, "True or False", id="metadata-0"),
        pytest.param({"check_responses": "yes"}, TypeError, "True or False", id="check-str"),
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
        pytest.param(
            {"duplicate_event_tracker_error": None},
            TypeError,
            "must be a string, one of",
            id="tracker-error-none",
        ),
    ],
)
def test_bad_option(options: dict[str, Any], error: type[Exception], fragment: str) -> None:
    """A bad value fails at once, naming the option and what it may be."""
    with pytest.raises(error) as exc:
        mock_personalize(**options)
    assert fragment in str(exc.value)
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


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_taken(value: bool) -> None:
    """disable_instance_metadata takes True and False."""
    assert (
        mock_personalize(disable_instance_metadata=value).settings.disable_instance_metadata
        is value
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("0", False), ("false", False), ("1", True), ("TRUE", True)],
)
def test_check_responses_defaults_to_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    """check_responses is off unless PERSONALIZE_FAKE_CHECK_RESPONSES says 1 or true."""
    monkeypatch.delenv(CHECK_RESPONSES_VARIABLE)  # the suite's conftest sets it
    if value is not None:
        monkeypatch.setenv(CHECK_RESPONSES_VARIABLE, value)
    assert Settings().check_responses is expected
    assert mock_personalize().settings.check_responses is expected
    assert mock_personalize(check_responses=not expected).settings.check_responses is not expected


def test_a_bad_check_responses_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A variable value that is neither on nor off fails at once, naming the variable."""
    monkeypatch.setenv(CHECK_RESPONSES_VARIABLE, "maybe")
    with pytest.raises(ValueError, match=f"{CHECK_RESPONSES_VARIABLE} must be 1 or 0"):
        Settings()
