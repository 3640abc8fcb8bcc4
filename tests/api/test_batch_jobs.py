"""Batch inference and batch segment jobs through boto3: lifecycle, input, every rule."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from support import INTERACTIONS_SCHEMA, make_dataset

from personalize_fake import PersonalizeFake, mock_personalize

pytestmark = pytest.mark.personalize_fake(lifecycle="manual", minimum_training_data=False)

RECIPE = "arn:aws:personalize:::recipe/"
ROLE = "arn:aws:iam::123456789012:role/personalize"
INPUT = "s3://bucket/in/users.json"
OUTPUT = "s3://bucket/out/"
KINDS = ["inference", "segment"]
SCHEMA = json.dumps(
    {
        **json.loads(INTERACTIONS_SCHEMA),
        "fields": [
            *json.loads(INTERACTIONS_SCHEMA)["fields"],
            {"name": "EVENT_TYPE", "type": "string"},
        ],
    }
)
RECIPES = {"inference": "aws-user-personalization", "segment": "aws-item-affinity"}


class Setup:
    """A settled dataset group with a few recorded interactions and trained versions."""

    def __init__(self, personalize: Any, events: Any, fake: PersonalizeFake) -> None:
        self.c, self.fake = personalize, fake
        self.group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
        fake.settle()
        schema = personalize.create_schema(name="s", schema=SCHEMA)["schemaArn"]
        personalize.create_dataset(
            name="d", schemaArn=schema, datasetGroupArn=self.group, datasetType="Interactions"
        )
        tracker = personalize.create_event_tracker(name="t", datasetGroupArn=self.group)
        fake.settle()
        events.put_events(
            trackingId=tracker["trackingId"],
            sessionId="s",
            userId="u1",
            eventList=[{"eventType": "click", "itemId": "i1", "sentAt": 1_700_000_000}],
        )
        self.versions: dict[str, str] = {}
        self.filters = 0

    def version(self, recipe: str, settle: bool = True) -> str:
        """An ACTIVE version (pending unless ``settle``) of a new solution of ``recipe``."""
        solution = self.c.create_solution(
            name=f"{recipe}-{len(self.versions)}",
            datasetGroupArn=self.group,
            recipeArn=RECIPE + recipe,
        )["solutionArn"]
        self.fake.settle(solution)
        arn: str = self.c.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        if settle:
            self.fake.settle(arn)
        self.versions[arn] = solution
        return arn

    def create(self, kind: str, version: str | None = None, **extra: Any) -> str:
        """A batch job of ``kind`` on ``version`` (a new one of the kind's recipe if None)."""
        arguments = {
            "jobName": "job",
            "solutionVersionArn": version or self.version(RECIPES[kind]),
            "jobInput": {"s3DataSource": {"path": INPUT}},
            "jobOutput": {"s3DataDestination": {"path": OUTPUT}},
            "roleArn": ROLE,
            **extra,
        }
        if kind == "inference":
            arn: str = self.c.create_batch_inference_job(**arguments)["batchInferenceJobArn"]
        else:
            arn = self.c.create_batch_segment_job(**arguments)["batchSegmentJobArn"]
        return arn

    def describe(self, kind: str, arn: str) -> dict[str, Any]:
        if kind == "inference":
            found: dict[str, Any] = self.c.describe_batch_inference_job(batchInferenceJobArn=arn)
            return found["batchInferenceJob"]
        found = self.c.describe_batch_segment_job(batchSegmentJobArn=arn)
        return found["batchSegmentJob"]

    def filter(self, expression: str, group: str | None = None) -> str:
        self.filters += 1
        arn: str = self.c.create_filter(
            name=f"f{self.filters}",
            datasetGroupArn=group or self.group,
            filterExpression=expression,
        )["filterArn"]
        self.fake.settle(arn)
        return arn


@pytest.fixture
def world(personalize: Any, events: Any, personalize_fake: PersonalizeFake) -> Setup:
    return Setup(personalize, events, personalize_fake)


def error_of(caught: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


# -- lifecycle and input -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.personalize_fake(lifecycle="stepwise", minimum_training_data=False)
def test_polling_sees_the_statuses_real_jobs_report(
    personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: str
) -> None:
    """Describe answers CREATE PENDING, CREATE IN_PROGRESS, ACTIVE (not PENDING, IN PROGRESS)."""
    world = Setup(personalize, events, personalize_fake)
    personalize_fake.put_object(INPUT, b'{"userId": "u1"}\n')
    arn = world.create(kind)
    seen = [world.describe(kind, arn)["status"] for _ in range(4)]
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE", "ACTIVE"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_input_object_fails_the_job_naming_it(world: Setup, kind: str) -> None:
    """The call takes a path with nothing there; the job ends CREATE FAILED naming the object."""
    arn = world.create(kind)
    assert world.describe(kind, arn)["status"] == "CREATE PENDING"
    world.fake.settle(arn)
    job = world.describe(kind, arn)
    assert job["status"] == "CREATE FAILED"
    assert INPUT in job["failureReason"]
    assert "fake.put_object" in job["failureReason"]


@pytest.mark.personalize_fake(lifecycle="manual", minimum_training_data=False)
def test_input_read_from_moto_s3_and_gone_before_the_job_runs(
    personalize: Any, events: Any, personalize_fake: PersonalizeFake
) -> None:
    """With moto's S3 the input is read from the bucket; deleted before ACTIVE, the job fails."""
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket")
        s3.put_object(Bucket="bucket", Key="in/users.json", Body=b'{"userId": "u1"}\n')
        world = Setup(personalize, events, personalize_fake)
        version = world.version(RECIPES["inference"])
        kept = world.create("inference", version)
        gone = world.create("inference", version, jobName="gone")
        personalize_fake.settle(kept)
        s3.delete_object(Bucket="bucket", Key="in/users.json")
        personalize_fake.settle(gone)
        assert world.describe("inference", kept)["status"] == "ACTIVE"
        failed = world.describe("inference", gone)
    assert failed["status"] == "CREATE FAILED"
    assert failed["failureReason"].startswith("Failed to create the batch inference job: ")
    assert "NoSuchKey" in failed["failureReason"] and INPUT in failed["failureReason"]


@pytest.mark.personalize_fake(
    lifecycle="manual", minimum_training_data=False, batch_input_max_files=2
)
def test_more_input_files_than_the_limit_fail_the_job(world: Setup) -> None:
    """A prefix holding more files than batch_input_max_files ends the job CREATE FAILED."""
    for name in ("a", "b", "c"):
        world.fake.put_object(f"s3://bucket/in/{name}.json", b'{"userId": "u1"}\n')
    arn = world.create("segment", jobInput={"s3DataSource": {"path": "s3://bucket/in/"}})
    world.fake.settle(arn)
    job = world.describe("segment", arn)
    assert job["status"] == "CREATE FAILED"
    assert "holds 3 input files; a batch job reads at most 2" in job["failureReason"]


@pytest.mark.parametrize("kind", KINDS)
def test_fail_next_dooms_the_next_job(world: Setup, kind: str) -> None:
    """fake.fail_next works on both kinds: the job ends CREATE FAILED with the reason."""
    world.fake.put_object(INPUT, b'{"userId": "u1"}\n')
    world.fake.fail_next(f"batch-{kind}-job", "no capacity")
    arn = world.create(kind)
    world.fake.settle(arn)
    job = world.describe(kind, arn)
    assert (job["status"], job["failureReason"]) == ("CREATE FAILED", "no capacity")


# -- what Describe and List show -----------------------------------------------------------


def test_describe_inference_job_shows_every_member(world: Setup) -> None:
    """Every member given comes back, with numResults, mode and no failureReason."""
    world.fake.put_object(INPUT, b'{"userId": "u1"}\n')
    version = world.version(RECIPES["inference"])
    kept = world.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    config = {"itemExplorationConfig": {"explorationWeight": "0.3"}}
    key = "arn:aws:kms:us-east-1:123456789012:key/k"
    job_input = {"s3DataSource": {"path": INPUT, "kmsKeyArn": key}}
    arn = world.create(
        "inference",
        version,
        filterArn=kept,
        numResults=50,
        batchInferenceJobConfig=config,
        jobInput=job_input,
        tags=[{"tagKey": "team", "tagValue": "ml"}],
    )
    world.fake.settle(arn)
    job = world.describe("inference", arn)
    assert arn == "arn:aws:personalize:us-east-1:123456789012:batch-inference-job/job"
    assert {k: v for k, v in job.items() if not k.endswith("DateTime")} == {
        "jobName": "job",
        "batchInferenceJobArn": arn,
        "solutionVersionArn": version,
        "filterArn": kept,
        "numResults": 50,
        "jobInput": job_input,
        "jobOutput": {"s3DataDestination": {"path": OUTPUT}},
        "roleArn": ROLE,
        "batchInferenceJobConfig": config,
        "batchInferenceJobMode": "BATCH_INFERENCE",
        "status": "ACTIVE",
    }
    tags = world.c.list_tags_for_resource(resourceArn=arn)["tags"]
    assert tags == [{"tagKey": "team", "tagValue": "ml"}]


def test_describe_segment_job_defaults_num_results(world: Setup) -> None:
    """A segment job without numResults shows the default 25; no mode or config members."""
    arn = world.create("segment")
    job = world.describe("segment", arn)
    assert arn == "arn:aws:personalize:us-east-1:123456789012:batch-segment-job/job"
    assert job["numResults"] == 25
    assert set(job) == {
        "jobName",
        "batchSegmentJobArn",
        "solutionVersionArn",
        "numResults",
        "jobInput",
        "jobOutput",
        "roleArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_list_filters_by_solution_version(world: Setup, kind: str) -> None:
    """List shows every job, or those of one version, with status and version."""
    first = world.version(RECIPES[kind])
    second = world.version(RECIPES[kind])
    made = [
        world.create(kind, version, jobName=f"j{i}")
        for i, version in enumerate([first, second, first])
    ]
    method, key = {
        "inference": ("list_batch_inference_jobs", "batchInferenceJobs"),
        "segment": ("list_batch_segment_jobs", "batchSegmentJobs"),
    }[kind]
    listed = getattr(world.c, method)()[key]
    assert [next(v for k, v in j.items() if k.startswith("batch")) for j in listed] == made
    assert {j["status"] for j in listed} == {"CREATE PENDING"}
    only = getattr(world.c, method)(solutionVersionArn=first)[key]
    assert [j["jobName"] for j in only] == ["j0", "j2"]
    assert {j["solutionVersionArn"] for j in only} == {first}
    if kind == "inference":
        assert {j["batchInferenceJobMode"] for j in listed} == {"BATCH_INFERENCE"}


# -- rules at creation ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_version_must_exist_and_be_active(world: Setup, kind: str) -> None:
    """An unknown version is ResourceNotFound; one still training is ResourceInUse."""
    missing = "arn:aws:personalize:us-east-1:123456789012:solution/none/0000abcd"
    with pytest.raises(world.c.exceptions.ResourceNotFoundException):
        world.create(kind, missing)
    training = world.version(RECIPES[kind], settle=False)
    with pytest.raises(world.c.exceptions.ResourceInUseException) as caught:
        world.create(kind, training)
    assert "is not in ACTIVE state (current status: CREATE PENDING)" in error_of(caught)[1]


@pytest.mark.parametrize(
    ("kind", "recipe", "says"),
    [
        ("segment", "aws-user-personalization", "needs a USER_SEGMENTATION recipe"),
        ("inference", "aws-item-affinity", "use CreateBatchSegmentJob"),
        ("inference", "aws-trending-now", "Trending-Now"),
    ],
)
def test_the_recipe_type_must_fit_the_kind(world: Setup, kind: str, recipe: str, says: str) -> None:
    """Segment jobs need USER_SEGMENTATION; inference jobs refuse it and Trending-Now."""
    version = world.version(recipe)
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create(kind, version)
    assert says in error_of(caught)[1]
    assert version in error_of(caught)[1]


@pytest.mark.parametrize("kind", KINDS)
def test_the_filter_must_exist_be_active_of_the_group_and_fit(world: Setup, kind: str) -> None:
    """filterArn: unknown is NotFound, pending is InUse, another group's or one filtering the
    wrong thing is InvalidInput."""
    version = world.version(RECIPES[kind])
    missing = world.group.replace("dataset-group/shop", "filter/none")
    with pytest.raises(world.c.exceptions.ResourceNotFoundException):
        world.create(kind, version, filterArn=missing)
    items = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    users = 'EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click")'
    fits, wrong = (items, users) if kind == "inference" else (users, items)
    pending = world.c.create_filter(
        name="pending", datasetGroupArn=world.group, filterExpression=fits
    )
    with pytest.raises(world.c.exceptions.ResourceInUseException):
        world.create(kind, version, filterArn=pending["filterArn"])
    other = world.c.create_dataset_group(name="other")["datasetGroupArn"]
    world.fake.settle()
    make_dataset(world.c, other, "Interactions", ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])
    world.fake.settle()
    elsewhere = world.filter(fits, other)
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create(kind, version, filterArn=elsewhere)
    assert f"belongs to dataset group {other}" in error_of(caught)[1]
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create(kind, version, filterArn=world.filter(wrong))
    assert "its filter must INCLUDE or EXCLUDE" in error_of(caught)[1]
    assert world.create(kind, version, filterArn=world.filter(fits))


@pytest.mark.parametrize(("kind", "most"), [("inference", 500), ("segment", 5_000_000)])
def test_num_results_bounds(world: Setup, kind: str, most: int) -> None:
    """numResults from 1 to 500 (inference) or 5 million (segment); else InvalidInput."""
    version = world.version(RECIPES[kind])
    for value in (0, -1, most + 1):
        with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
            world.create(kind, version, numResults=value)
        assert f"numResults must be from 1 to {most}" in error_of(caught)[1]
    assert world.describe(kind, world.create(kind, version, numResults=most))["numResults"] == most


@pytest.mark.parametrize("kind", KINDS)
def test_paths_must_be_s3_locations(world: Setup, kind: str) -> None:
    """An input or output path not s3://bucket/... is InvalidInput with the service's words."""
    version = world.version(RECIPES[kind])
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create(kind, version, jobInput={"s3DataSource": {"path": "https://x/in.json"}})
    assert error_of(caught)[1].startswith("Invalid S3 input path")
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create(kind, version, jobOutput={"s3DataDestination": {"path": "s3:///out/"}})
    assert error_of(caught)[1].startswith("Invalid S3 output path")


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_name_is_unique(world: Setup, kind: str) -> None:
    """A second job of the same name is ResourceAlreadyExists."""
    version = world.version(RECIPES[kind])
    world.create(kind, version)
    with pytest.raises(world.c.exceptions.ResourceAlreadyExistsException):
        world.create(kind, version)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.personalize_fake(
    lifecycle="manual",
    minimum_training_data=False,
    batch_inference_jobs_in_progress=2,
    batch_segment_jobs_in_progress=2,
)
def test_jobs_in_flight_are_limited_per_region(world: Setup, kind: str) -> None:
    """One more than the in-flight limit is LimitExceeded; a finished one frees a place."""
    version = world.version(RECIPES[kind])
    first = world.create(kind, version, jobName="a")
    world.create(kind, version, jobName="b")
    with pytest.raises(world.c.exceptions.LimitExceededException) as caught:
        world.create(kind, version, jobName="c")
    assert error_of(caught)[1] == "More than 2 resources with PENDING or IN_PROGRESS status."
    world.fake.settle(first)  # CREATE FAILED: no input object
    assert world.create(kind, version, jobName="c")


def test_item_exploration_config_rules(world: Setup) -> None:
    """itemExplorationConfig: User-Personalization only, known keys, values in range."""
    version = world.version("aws-user-personalization")
    for exploration, says in [
        ({"explorationWeight": "2"}, "explorationWeight must be from 0 to 1"),
        ({"explorationWeight": "much"}, "explorationWeight must be from 0 to 1"),
        ({"explorationItemAgeCutOff": "0"}, "a number of days above 0"),
        ({"explore": "1"}, "itemExplorationConfig has no 'explore'"),
    ]:
        with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
            world.create(
                "inference", version, batchInferenceJobConfig={"itemExplorationConfig": exploration}
            )
        assert says in error_of(caught)[1]
    sims = world.version("aws-sims")
    config = {"itemExplorationConfig": {"explorationWeight": "0.5"}}
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", sims, batchInferenceJobConfig=config)
    assert "for solution versions of the User-Personalization recipe" in error_of(caught)[1]


THEMES = {"fieldsForThemeGeneration": {"itemName": "TITLE"}}


def items_with(world: Setup, *fields: dict[str, Any]) -> None:
    schema = {"type": "record", "name": "Items", "fields": [{"name": "ITEM_ID", "type": "string"}]}
    schema["fields"] += list(fields)  # type: ignore[operator]
    arn = world.c.create_schema(name="items", schema=json.dumps(schema))["schemaArn"]
    world.c.create_dataset(
        name="items", schemaArn=arn, datasetGroupArn=world.group, datasetType="Items"
    )
    world.fake.settle()


def test_theme_generation_rules(world: Setup) -> None:
    """THEME_GENERATION needs Similar-Items, its config, an item name column and a textual
    field; the config alone is refused."""
    similar = world.version("aws-similar-items")
    mode = {"batchInferenceJobMode": "THEME_GENERATION"}
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", world.version("aws-sims"), **mode, themeGenerationConfig=THEMES)
    assert "needs a solution version of the Similar-Items recipe" in error_of(caught)[1]
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", similar, **mode)
    assert "needs themeGenerationConfig" in error_of(caught)[1]
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", similar, themeGenerationConfig=THEMES)
    assert "only for a job whose batchInferenceJobMode is THEME_GENERATION" in error_of(caught)[1]
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", similar, **mode, themeGenerationConfig=THEMES)
    assert "needs an Items dataset" in error_of(caught)[1]
    items_with(world, {"name": "TITLE", "type": "string"})
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", similar, **mode, themeGenerationConfig=THEMES)
    assert "needs a textual field" in error_of(caught)[1]
    other = {"fieldsForThemeGeneration": {"itemName": "NAME"}}
    with pytest.raises(world.c.exceptions.InvalidInputException) as caught:
        world.create("inference", similar, **mode, themeGenerationConfig=other)
    assert "itemName 'NAME' must name a string column" in error_of(caught)[1]


def test_a_theme_job_takes_at_most_100_records(world: Setup) -> None:
    """A THEME_GENERATION job is made and shows its mode; 101 input items end it CREATE FAILED."""
    text = {"name": "DESCRIPTION", "type": ["null", "string"], "textual": True}
    items_with(world, {"name": "TITLE", "type": "string"}, text)
    similar = world.version("aws-similar-items")
    mode = {"batchInferenceJobMode": "THEME_GENERATION", "themeGenerationConfig": THEMES}
    world.fake.put_object(INPUT, b"".join(b'{"itemId": "%d"}\n' % i for i in range(100)))
    world.fake.put_object("s3://bucket/in/more.json", b'{"itemId": "1"}\n' * 101)
    fine = world.create("inference", similar, **mode)
    more = world.create(
        "inference",
        similar,
        **mode,
        jobName="more",
        jobInput={"s3DataSource": {"path": "s3://bucket/in/more.json"}},
    )
    world.fake.settle()
    job = world.describe("inference", fine)
    assert (job["status"], job["batchInferenceJobMode"]) == ("ACTIVE", "THEME_GENERATION")
    assert job["themeGenerationConfig"] == THEMES
    failed = world.describe("inference", more)
    assert failed["status"] == "CREATE FAILED"
    assert (
        "holds 101 input records; a THEME_GENERATION job takes at most 100"
        in (failed["failureReason"])
    )


# -- references ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_in_flight_blocks_its_solution_and_filter(world: Setup, kind: str) -> None:
    """While a job runs, its solution and filter cannot be deleted (the message names it);
    once finished, deleting the solution deletes the job with its version."""
    world.fake.put_object(INPUT, b'{"userId": "u1"}\n')
    version = world.version(RECIPES[kind])
    target = "ItemID" if kind == "inference" else "UserID"
    used = world.filter(f'EXCLUDE {target} WHERE Interactions.EVENT_TYPE IN ("click")')
    arn = world.create(kind, version, filterArn=used)
    solution = world.versions[version]
    with pytest.raises(world.c.exceptions.ResourceInUseException) as caught:
        world.c.delete_solution(solutionArn=solution)
    assert f"{arn} (CREATE PENDING)" in error_of(caught)[1]
    with pytest.raises(world.c.exceptions.ResourceInUseException) as caught:
        world.c.delete_filter(filterArn=used)
    assert arn in error_of(caught)[1]
    world.fake.settle(arn)
    world.c.delete_filter(filterArn=used)
    world.fake.settle()
    assert world.describe(kind, arn)["filterArn"] == used  # kept, naming the deleted filter
    world.c.delete_solution(solutionArn=solution)
    world.fake.settle()
    with pytest.raises(world.c.exceptions.ResourceNotFoundException):
        world.describe(kind, arn)


def test_hook_is_called_with_the_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """write_output, the engine's hook, gets the job and its input objects; a reason it
    returns ends the job CREATE FAILED."""
    from personalize_fake._api import batch_resources

    seen: list[Any] = []

    def hook(state: Any, job: Any, inputs: list[tuple[str, bytes]]) -> str | None:
        seen.append((job.arn, inputs))
        return "engine says no"

    monkeypatch.setattr(batch_resources, "write_output", hook)
    with mock_personalize(lifecycle="manual", minimum_training_data=False) as fake:
        world = Setup(
            boto3.client("personalize", region_name="us-east-1"),
            boto3.client("personalize-events", region_name="us-east-1"),
            fake,
        )
        fake.put_object(INPUT, b'{"userId": "u1"}\n')
        arn = world.create("inference")
        fake.settle(arn)
        job = world.describe("inference", arn)
    assert seen == [(arn, [(INPUT, b'{"userId": "u1"}\n')])]
    assert (job["status"], job["failureReason"]) == ("CREATE FAILED", "engine says no")


@pytest.mark.parametrize(
    ("recipe", "line", "most"),
    [
        ("aws-item-affinity", b'{"itemId": "1"}\n', 500),
        ("aws-item-attribute-affinity", b'{"itemAttributes": "ITEMS.GENRE = \\"x\\""}\n', 10),
    ],
)
def test_segment_input_files_are_limited_per_recipe(
    world: Setup, recipe: str, line: bytes, most: int
) -> None:
    """A segment job's file holds at most 500 items (Item-Affinity) or 10 queries; more fails."""
    world.fake.put_object("s3://bucket/in/ok.json", line * most)
    world.fake.put_object("s3://bucket/in/over.json", line * (most + 1))
    version = world.version(recipe)
    fine = world.create(
        "segment", version, jobInput={"s3DataSource": {"path": "s3://bucket/in/ok.json"}}
    )
    over = world.create(
        "segment",
        version,
        jobName="over",
        jobInput={"s3DataSource": {"path": "s3://bucket/in/over.json"}},
    )
    world.fake.settle()
    assert world.describe("segment", fine)["status"] == "ACTIVE"
    failed = world.describe("segment", over)
    assert failed["status"] == "CREATE FAILED"
    assert f"holds {most + 1} input records" in failed["failureReason"]
    assert f"reads at most {most}" in failed["failureReason"]
