"""The options a mock is started with, including answers to open questions.

Where public sources do not show what the real service does, the fake picks
the documented-looking answer and names it here, so a test that knows better
can say so (see docs/settings.md).
"""

from __future__ import annotations

import enum
import os
from typing import Any

import attrs


class Lifecycle(str, enum.Enum):
    """How resources move through their statuses."""

    STEPWISE = "stepwise"
    """Each Describe answers the current status, then advances the resource one step."""
    INSTANT = "instant"
    """ACTIVE at creation; deletes take effect at once."""
    MANUAL = "manual"
    """Nothing moves until the test advances it through the handle."""


def _lifecycle(value: Lifecycle | str) -> Lifecycle:
    allowed = ", ".join(m.value for m in Lifecycle)
    if not isinstance(value, str):
        raise TypeError(f"lifecycle must be a string, one of {allowed}, not {value!r}")
    try:
        return Lifecycle(value)
    except ValueError:
        raise ValueError(f"lifecycle must be one of {allowed}, not {value!r}") from None


def _account(value: str) -> str:
    if not isinstance(value, str):  # an ID is a string: an int would lose a leading zero
        if type(value) is int and len(str(value)) == 12:
            raise TypeError(
                f"account_id must be a string of 12 digits, not the int {value}: quote it, "
                f'account_id="{value}"'
            )
        raise TypeError(
            f'account_id must be a string of 12 digits such as "123456789012", not {value!r}'
        )
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValueError(f"account_id must be 12 digits, not {value!r}")
    return value


def _bool(instance: Any, attribute: attrs.Attribute[Any], value: bool) -> None:
    """A validator: ``True`` or ``False`` only, so a string such as "no" is not taken as true."""
    if not isinstance(value, bool):
        raise TypeError(f"{attribute.name} must be True or False, not {value!r}")


def _whole(low: int, high: int | None) -> Any:
    """A validator: a whole number from ``low`` to ``high`` (no upper bound when None)."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{attribute.name} must be a whole number, not {value!r}")
        if value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{attribute.name} must be {bounds}, not {value}")

    return check


def _one_of(*allowed: str) -> Any:
    """A validator: one of the ``allowed`` strings."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
        if not isinstance(value, str) or value not in allowed:
            error = ValueError if isinstance(value, str) else TypeError
            raise error(f"{attribute.name} must be one of {', '.join(allowed)}, not {value!r}")

    return check


def _error_of(service: str) -> Any:
    """A validator: the value must be an error code the service's model declares."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
        from personalize_fake._model.catalog import catalog

        codes = sorted(e.name for e in catalog().services[service].error_shapes)
        if not isinstance(value, str):
            raise TypeError(
                f"{attribute.name} must be a string, one of {', '.join(codes)}, not {value!r}"
            )
        if value not in codes:
            raise ValueError(f"{attribute.name} must be one of {', '.join(codes)}, not {value!r}")

    return check


CHECK_RESPONSES_VARIABLE = "PERSONALIZE_FAKE_CHECK_RESPONSES"
_FLAGS = {"1": True, "true": True, "0": False, "false": False, "": False}


def _check_responses_default() -> bool:
    """``check_responses``'s default: the environment variable, read when settings are made
    (so a test suite turns it on for every mock and every ``personalize-fake serve`` it starts)."""
    value = os.environ.get(CHECK_RESPONSES_VARIABLE, "")
    flag = _FLAGS.get(value.strip().lower())
    if flag is None:
        raise ValueError(
            f"{CHECK_RESPONSES_VARIABLE} must be 1 or 0 (or true/false), not {value!r}"
        )
    return flag


S3_ENDPOINT_VARIABLE = "PERSONALIZE_FAKE_S3_ENDPOINT_URL"


def _s3_endpoint_default() -> str | None:
    """``s3_endpoint_url``'s default: the environment variable (so ``personalize-fake serve``
    takes it too), or None."""
    return os.environ.get(S3_ENDPOINT_VARIABLE) or None


def _url(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """A validator: None or an ``http(s)://`` URL."""
    if value is not None and (
        not isinstance(value, str) or not value.startswith(("http://", "https://"))
    ):
        raise ValueError(f"{attribute.name} must be an http:// or https:// URL, not {value!r}")


@attrs.frozen(kw_only=True)
class Settings:
    """Options of one mock; every one is a keyword of ``mock_personalize``."""

    lifecycle: Lifecycle = attrs.field(default=Lifecycle.STEPWISE, converter=_lifecycle)
    account_id: str = attrs.field(default="123456789012", converter=_account)
    default_max_results: int = attrs.field(default=100, validator=_whole(1, 100))
    """Page size of a List call without ``maxResults`` (the model documents none)."""
    duplicate_event_tracker_error: str = attrs.field(
        default="ResourceAlreadyExistsException", validator=_error_of("personalize")
    )
    """Code of a second CreateEventTracker on one dataset group (no source names it)."""
    inactive_tracking_id_error: str = attrs.field(
        default="InvalidInputException", validator=_error_of("personalize-events")
    )
    """Code of PutEvents with an unknown or non-ACTIVE tracking ID (the only one it declares)."""
    tags_per_resource: int = attrs.field(default=50, validator=_whole(0, None))
    """Tags one resource may carry (the developer guide's quota)."""
    disable_instance_metadata: bool = attrs.field(default=True, validator=_bool)
    """Set ``AWS_EC2_METADATA_DISABLED=true`` while active, so making a client on a machine
    without credentials never asks the instance metadata service over the network."""
    check_responses: bool = attrs.field(
        default=attrs.Factory(_check_responses_default), validator=_bool
    )
    """Check every answer against its operation's output shape; one the model does not allow
    is a 500 InternalFailure naming the rule (a bug in the fake). For the fake's own test
    suite and for users who want it; off by default, when it costs nothing per call."""
    # -- filters --
    filters_per_dataset_group: int = attrs.field(default=30, validator=_whole(0, None))
    """Filters one dataset group may hold (the developer guide's adjustable quota)."""
    filter_fields_per_filter: int = attrs.field(default=10, validator=_whole(1, None))
    """Distinct dataset fields one filter's chained expressions may name (quota)."""
    filter_fields_per_dataset_group: int = attrs.field(default=20, validator=_whole(1, None))
    """Distinct dataset fields all the filters of one dataset group may name (quota)."""
    filter_placeholders_per_filter: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_whole(1, None))
    )
    """Distinct ``$PLACEHOLDER`` names one filter may have; None: the most ``filterValues``
    entries a request can give, as personalize-runtime's model states it (25; no source
    gives a limit of its own)."""
    filter_singular_dataset_names: bool = attrs.field(default=True, validator=_bool)
    """Take ``Interaction.X``, ``Action.X``... for ``Interactions.X``, ``Actions.X``, as
    expressions printed in AWS's docs write them."""
    filter_schema_errors: str = attrs.field(default="raise", validator=_one_of("raise", "fail"))
    """A filter naming a dataset or field its group lacks: ``raise`` InvalidInputException
    at CreateFilter, or ``fail``: created, it ends CREATE FAILED with the reason."""
    filter_inactive_dataset_group_error: str = attrs.field(
        default="ResourceInUseException", validator=_error_of("personalize")
    )
    """Code of CreateFilter on a dataset group (or naming a dataset) that is not ACTIVE.
    CreateFilter declares no ResourceInUseException; the other Creates answer it."""
    # -- recipes, recommenders, metric attributions --
    list_recipes_page_size: int = attrs.field(default=11, validator=_whole(1, 100))
    """Page size of ListRecipes without ``maxResults``: real calls were seen answering 11
    recipes and a ``nextToken``."""
    recommenders_per_dataset_group: int = attrs.field(default=5, validator=_whole(0, None))
    """Recommenders one dataset group may hold, failed and deleting ones not counted (the
    developer guide's quota table)."""
    recommenders_per_region: int = attrs.field(default=15, validator=_whole(0, None))
    """Recommenders one account may hold in a region (the developer guide's recommender page)."""
    recommender_min_interactions: int = attrs.field(default=1000, validator=_whole(0, None))
    """Interactions (of its use case's event type, if it has one) the dataset group must hold
    when a recommender's creation completes; fewer ends it CREATE FAILED with AWS's reason.
    0 turns the check off, for tests with tiny data."""
    duplicate_metric_attribution_error: str = attrs.field(
        default="ResourceAlreadyExistsException", validator=_error_of("personalize")
    )
    """Code of a second CreateMetricAttribution on one dataset group (no source names it)."""

    # -- dataset groups --
    dataset_groups_per_region: int = attrs.field(default=5, validator=_whole(0, None))
    """Dataset groups an account may hold in a region, not counting failed or deleting ones
    (the developer guide's adjustable quota)."""
    # -- training and deployment --
    minimum_training_data: bool = attrs.field(default=True, validator=_bool)
    """Training needs the data AWS asks for: CreateSolution a group whose interactions were
    imported or recorded, and a solution version 1,000 interactions with 25 users of 2 or
    more, else it ends CREATE FAILED with AWS's reason. Off for tests with tiny data (it
    turns ``recommender_min_interactions`` and ``import_min_interactions`` off too)."""
    solutions_per_dataset_group: int = attrs.field(default=10, validator=_whole(0, None))
    """Solutions one dataset group may hold, not counting failed or deleting ones."""
    solution_versions_in_progress: int = attrs.field(default=20, validator=_whole(0, None))
    """Solution versions being created at once in a region (CREATE PENDING, IN_PROGRESS or
    STOPPING)."""
    campaigns_per_dataset_group: int = attrs.field(default=5, validator=_whole(0, None))
    """Campaigns on the solutions of one dataset group, not counting failed or deleting ones."""
    update_summary_verb: str = attrs.field(
        default="UPDATE", validator=attrs.validators.in_(("UPDATE", "CREATE"))
    )
    """How ``latestCampaignUpdate`` and ``latestSolutionUpdate`` spell an update under way:
    ``UPDATE PENDING`` / ``UPDATE IN_PROGRESS`` (AWS's own test stubs), or ``CREATE PENDING`` /
    ``CREATE IN_PROGRESS`` (the model's docstrings)."""
    # -- data import and export --
    s3_endpoint_url: str | None = attrs.field(
        default=attrs.Factory(_s3_endpoint_default), validator=_url
    )
    """An S3 server (moto server, LocalStack) jobs read and write ``s3://`` objects through;
    None: only moto's in-process ``mock_aws``, or objects handed to the fake."""
    import_jobs_in_progress: int = attrs.field(default=5, validator=_whole(0, None))
    """Dataset import jobs that may be CREATE PENDING or IN_PROGRESS at once in a region."""
    import_min_interactions: int = attrs.field(default=1000, validator=_whole(0, None))
    """Interaction records an import job into an Interactions dataset must bring (0, or
    ``minimum_training_data=False``: no rule)."""
    incremental_before_full_error: str = attrs.field(
        default="InvalidInputException", validator=_error_of("personalize")
    )
    """Code of an INCREMENTAL import into a dataset no import has filled yet (no source shows)."""
    data_deletion_jobs_pending: int = attrs.field(default=5, validator=_whole(0, None))
    """Data deletion jobs that may be PENDING at once in one dataset group."""
    data_deletion_max_bytes: int = attrs.field(default=100 * 2**20, validator=_whole(1, None))
    """The largest input of a data deletion job (the quota table's 100 MB; another page says
    50 MB)."""
    # -- batch jobs --
    batch_inference_jobs_in_progress: int = attrs.field(default=5, validator=_whole(0, None))
    """Batch inference jobs that may be CREATE PENDING or IN_PROGRESS at once in a region."""
    batch_segment_jobs_in_progress: int = attrs.field(default=5, validator=_whole(0, None))
    """Batch segment jobs that may be CREATE PENDING or IN_PROGRESS at once in a region."""
    batch_inference_max_results: int = attrs.field(default=500, validator=_whole(1, None))
    """The largest ``numResults`` of a batch inference job (the console's maximum, as the
    runtime's)."""
    batch_segment_max_results: int = attrs.field(default=5_000_000, validator=_whole(1, None))
    """The largest ``numResults`` of a batch segment job (the model's 5 million per segment)."""
    batch_input_max_files: int = attrs.field(default=1000, validator=_whole(1, None))
    """Input files a batch job reads at most; more ends it CREATE FAILED."""
    batch_input_max_bytes: int = attrs.field(default=2**30, validator=_whole(1, None))
    """The largest input (all its files) of a batch job, in bytes; more ends it CREATE FAILED."""
    theme_generation_max_records: int = attrs.field(default=100, validator=_whole(1, None))
    """Input records a THEME_GENERATION batch inference job takes at most."""
    segment_items_per_file: int = attrs.field(default=500, validator=_whole(1, None))
    """Input lines (items) one file of an Item-Affinity batch segment job may hold."""
    segment_attribute_queries_per_file: int = attrs.field(default=10, validator=_whole(1, None))
    """Input lines (queries) one file of an Item-Attribute-Affinity batch segment job may hold."""
    # -- runtime --
    runtime_not_active_error: str = attrs.field(
        default="InvalidInputException",
        validator=attrs.validators.in_(("InvalidInputException", "ResourceNotFoundException")),
    )
    """The error of a runtime call to a campaign that is not ACTIVE or a recommender that is
    not (stopped, still being created, failed): AWS does not document it; both declared
    codes of the runtime operations are offered."""
    promotion_rounding: str = attrs.field(
        default="nearest", validator=attrs.validators.in_(("nearest", "down", "up"))
    )
    """How ``percentPromotedItems`` of ``numResults`` is rounded (AWS does not say; 60% of 5
    gave 3): to the nearest (half up), down or up; at least one slot either way."""

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Settings:
        """Build settings from keyword options, naming any that do not exist."""
        known = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(
                f"unknown personalize-fake option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(**options)


def settings_from_text(options: dict[str, str]) -> Settings:
    """Settings from ``NAME=VALUE`` texts (``personalize-fake serve --set``), each converted
    to its field's type: ``true``/``false`` (or 1/0) for a flag, digits for a number,
    ``none`` for an optional value left unset."""
    fields = {f.name: f for f in attrs.fields(Settings)}
    converted: dict[str, Any] = {}
    for name, text in options.items():
        field = fields.get(name)
        if field is None:
            known = ", ".join(sorted(fields))
            raise ValueError(f"unknown setting {name!r}; known: {known}")
        declared = str(field.type)
        if declared.endswith("| None") and text.strip().lower() == "none":
            converted[name] = None
        elif declared.startswith("bool"):
            flag = _FLAGS.get(text.strip().lower()) if text.strip() else None
            if flag is None:
                raise ValueError(f"{name} must be true or false (or 1/0), not {text!r}")
            converted[name] = flag
        elif declared.startswith(("int", "float")):
            number = float if declared.startswith("float") else int
            try:
                converted[name] = number(text)
            except ValueError:
                raise ValueError(f"{name} must be a number, not {text!r}") from None
        else:
            converted[name] = text
    return Settings.from_options(converted)
