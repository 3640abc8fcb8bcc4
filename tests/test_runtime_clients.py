"""The runtime through real clients against ``personalize-fake serve``: boto3, the AWS CLI and
the JavaScript SDK v3 get the same answers (ids, scores, promotion names, metrics, errors) for
the same requests to the same server.

The shop of tests/shop.py is built through boto3 clients pointed at the server by
``AWS_ENDPOINT_URL``, as a user's own code would be. The JavaScript test needs node and the
SDK: ``PERSONALIZE_FAKE_JS_SDK`` names a ``node_modules`` holding
``@aws-sdk/client-personalize-runtime`` and ``@aws-sdk/client-personalize``
(``npm install`` them anywhere); without them it is skipped, so no test reaches the network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from shop import Shop
from support import admin, aws, aws_json, make_dataset, start_server

pytestmark = pytest.mark.slow

JS_SDK_VARIABLE = "PERSONALIZE_FAKE_JS_SDK"
RECOMMENDATION_ID = re.compile(r"RID-[0-9a-f-]{25}-CID-[0-9a-f]{6}")
GENRE = "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"
DECLARED = [["f", 0.75], ["café ☕", 2.5e-07]]  # an id beyond ASCII, a score JSON writes 2.5e-07


@dataclass
class Served:
    """A server, the shop built in it through boto3, and its campaigns."""

    url: str
    tmp_path: Path
    shop: Shop
    personal: str  # aws-user-personalization
    sims: str
    ranking: str  # aws-personalized-ranking
    described: str  # aws-popularity-count, with metadata
    actions: str  # aws-next-best-action
    genre: str  # a filter: INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)

    def cli(self, service: str, operation: str, request: dict[str, Any]) -> Any:
        """The AWS CLI's answer to ``request`` (members as in boto3)."""
        return aws_json(self.url, self.tmp_path, *_arguments(service, operation, request))


def _arguments(service: str, operation: str, request: dict[str, Any]) -> list[str]:
    """``<service> <operation> --member-name value ...``: a list of strings as several values,
    other lists and dicts as JSON."""
    arguments = [service, operation]
    for name, value in request.items():
        arguments.append("--" + re.sub(r"([A-Z])", r"-\1", name).lower())
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            arguments += value
        elif isinstance(value, (dict, list)):
            arguments.append(json.dumps(value))
        else:
            arguments.append(str(value))
    return arguments


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Served:
    """``personalize-fake serve --lifecycle instant``, the shop in it, its campaigns."""
    server = start_server(
        tmp_path, "--lifecycle", "instant", "--set", "minimum_training_data=false"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    shop = Shop()
    for n in range(30):  # enough users for GetSolutionMetrics to hold some out
        shop.click(f"extra{n}", "a", "b", "c" if n % 2 else "d", "e")
    return Served(
        url=server.url,
        tmp_path=tmp_path,
        shop=shop,
        personal=shop.campaign("aws-user-personalization"),
        sims=shop.campaign("aws-sims"),
        ranking=shop.campaign("aws-personalized-ranking"),
        described=shop.campaign("aws-popularity-count", enableMetadataWithRecommendations=True),
        actions=_actions_campaign(shop),
        genre=shop.filter(GENRE),
    )


def _actions_campaign(shop: Shop) -> str:
    """A Next-Best-Action campaign: ``gold`` taken by 3 users of 4, ``silver`` by 1."""
    make_dataset(shop.personalize, shop.group, "Actions", ["ACTION_ID", "VALUE"])
    interactions = make_dataset(
        shop.personalize,
        shop.group,
        "Action_Interactions",
        ["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"],
    )
    tracking = shop.personalize.describe_dataset(datasetArn=interactions)["dataset"]["trackingId"]
    shop.events.put_action_interactions(
        trackingId=tracking,
        actionInteractions=[
            {
                "actionId": action,
                "userId": f"u{n}",
                "sessionId": f"u{n}",
                "eventType": "TAKEN" if n < taken else "NOT_TAKEN",
                "timestamp": 1_700_000_000 + n,
            }
            for action, taken in (("gold", 3), ("silver", 1))
            for n in range(4)
        ],
    )
    return shop.campaign("aws-next-best-action")


def _same(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without what differs between calls (``recommendationId``, checked for its
    form) and botocore's ``ResponseMetadata``."""
    answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    if "recommendationId" in answer:
        assert RECOMMENDATION_ID.fullmatch(answer.pop("recommendationId"))
    return answer


def _requests(served: Served) -> list[tuple[str, dict[str, Any]]]:
    """(operation, request) pairs covering scores, filters, promotions and rankings."""
    promotion = {
        "name": "ys",
        "percentPromotedItems": 50,
        "filterArn": served.genre,
        "filterValues": {"GENRE": '"y"'},
    }
    return [
        ("GetRecommendations", {"campaignArn": served.personal, "userId": "u4"}),
        (
            "GetRecommendations",
            {
                "campaignArn": served.personal,
                "userId": "u1",
                "filterArn": served.genre,
                "filterValues": {"GENRE": '"y"'},
            },
        ),
        (
            "GetRecommendations",
            {
                "campaignArn": served.personal,
                "userId": "u6",
                "numResults": 4,
                "promotions": [promotion],
            },
        ),
        ("GetRecommendations", {"campaignArn": served.sims, "itemId": "a"}),
        (
            "GetRecommendations",
            {
                "campaignArn": served.described,
                "userId": "u1",
                "numResults": 3,
                "metadataColumns": {"ITEMS": ["GENRE", "PRICE"]},
            },
        ),
        ("GetActionRecommendations", {"campaignArn": served.actions, "userId": "u9"}),
        (
            "GetPersonalizedRanking",
            {"campaignArn": served.ranking, "userId": "u1", "inputList": ["e", "d", "a", "zz"]},
        ),
    ]


_METHODS = {
    "GetRecommendations": ("get-recommendations", "get_recommendations"),
    "GetPersonalizedRanking": ("get-personalized-ranking", "get_personalized_ranking"),
    "GetActionRecommendations": ("get-action-recommendations", "get_action_recommendations"),
}


def _boto3(served: Served, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = getattr(served.shop.runtime, _METHODS[operation][1])(**request)
    return _same(answer)


def _cli(served: Served, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    return _same(served.cli("personalize-runtime", _METHODS[operation][0], request))


def test_the_cli_gets_the_answers_boto3_gets(served: Served) -> None:
    """GetRecommendations (scored, filtered, promoted, SIMS, with metadata),
    GetActionRecommendations and GetPersonalizedRanking give the AWS CLI exactly boto3's ids,
    scores, promotion names and metadata."""
    answers = []
    for operation, request in _requests(served):
        expected = _boto3(served, operation, request)
        assert _cli(served, operation, request) == expected, (operation, request)
        answers.append(expected)
    items = [i for a in answers for i in a.get("itemList", [])]
    assert any(i.get("promotionName") == "ys" for i in items)
    assert {"itemId": "a", "metadata": {"genre": "x", "price": "10.0"}} in items
    assert [a["actionId"] for a in answers[-2]["actionList"]] == ["gold", "silver"]
    assert answers[-1]["personalizedRanking"][-1] == {"itemId": "zz"}


def test_the_cli_gets_the_solution_metrics_boto3_gets(served: Served) -> None:
    """``personalize get-solution-metrics`` shows boto3's metrics, number for number."""
    version = served.shop.version("aws-user-personalization", "measured")
    expected = served.shop.personalize.get_solution_metrics(solutionVersionArn=version)
    answer = served.cli("personalize", "get-solution-metrics", {"solutionVersionArn": version})
    assert answer == _same(expected)
    assert any(value > 0 for value in answer["metrics"].values())


def test_a_declared_answer_is_what_both_clients_get(served: Served) -> None:
    """``POST /_fake/declare`` decides what boto3 and the CLI get for that user."""
    declared = {"arn": served.personal, "userId": "u2", "answer": DECLARED}
    assert admin(served.url, "POST", "declare", declared).status == 200
    request = {"campaignArn": served.personal, "userId": "u2"}
    expected = {
        "itemList": [{"itemId": "f", "score": 0.75}, {"itemId": "café ☕", "score": 2.5e-07}]
    }
    assert _boto3(served, "GetRecommendations", request) == expected
    assert _cli(served, "GetRecommendations", request) == expected


def _errors(served: Served) -> list[tuple[dict[str, Any], str, str, int]]:
    """GetRecommendations requests AWS refuses: (request, code, message, HTTP status), as
    boto3 sees them."""
    refused = []
    for request in (
        {"campaignArn": served.personal + "-gone", "userId": "u1"},  # an unknown campaign
        {"campaignArn": served.personal},  # no userId for user personalization
    ):
        with pytest.raises(ClientError) as error:
            served.shop.runtime.get_recommendations(**request)
        found = error.value.response
        status = found["ResponseMetadata"]["HTTPStatusCode"]
        refused.append((request, found["Error"]["Code"], found["Error"]["Message"], status))
    return refused


def test_errors_reach_the_cli_as_boto3_sees_them(served: Served) -> None:
    """An unknown campaign (ResourceNotFoundException) and a missing userId
    (InvalidInputException) reach the CLI with boto3's code and message."""
    refusals = _errors(served)
    assert [(code, status) for _, code, _, status in refusals] == [
        ("ResourceNotFoundException", 404),
        ("InvalidInputException", 400),
    ]
    for request, code, message, _ in refusals:
        arguments = _arguments("personalize-runtime", "get-recommendations", request)
        result = aws(served.url, served.tmp_path, *arguments)
        assert result.returncode == 255  # AWS CLI v1's status for a service error
        line = f"An error occurred ({code}) when calling the GetRecommendations operation: "
        assert line + message in result.stderr


# -- the JavaScript SDK v3 ----------------------------------------------------------------

JS_SCRIPT = r"""
// Answers each [operation, input] of the file argv[3] against the server argv[2], as JSON.
const fs = require("fs");
const runtime = require("@aws-sdk/client-personalize-runtime");
const personalize = require("@aws-sdk/client-personalize");

const config = {
  endpoint: process.argv[2],
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  maxAttempts: 1,
};
const runtimeClient = new runtime.PersonalizeRuntimeClient(config);
const clients = {
  GetRecommendations: [runtimeClient, runtime],
  GetPersonalizedRanking: [runtimeClient, runtime],
  GetActionRecommendations: [runtimeClient, runtime],
  GetSolutionMetrics: [new personalize.PersonalizeClient(config), personalize],
};

(async () => {
  const answers = [];
  for (const [operation, input] of JSON.parse(fs.readFileSync(process.argv[3], "utf8"))) {
    const [client, module] = clients[operation];
    try {
      const { $metadata, ...output } = await client.send(new module[operation + "Command"](input));
      answers.push({ output });
    } catch (error) {
      const status = error.$metadata?.httpStatusCode;
      answers.push({ error: error.name, message: error.message, status });
    }
  }
  console.log(JSON.stringify(answers));
})();
"""


@pytest.fixture
def node_modules() -> Path:
    """Where the JS SDK is, or a skip saying what is missing (before any server starts)."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    location = os.environ.get(JS_SDK_VARIABLE)
    if not location:
        pytest.skip(f"{JS_SDK_VARIABLE} is not set (a node_modules with the JS SDK v3)")
    for package in ("client-personalize-runtime", "client-personalize"):
        if not (Path(location) / "@aws-sdk" / package).is_dir():
            pytest.skip(f"{JS_SDK_VARIABLE}={location} holds no @aws-sdk/{package}")
    return Path(location)


def _node(
    served: Served, node_modules: Path, requests: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Each request's answer (``output``) or error (``error``, ``status``) through node."""
    script = served.tmp_path / "runtime.cjs"
    script.write_text(JS_SCRIPT)
    inputs = served.tmp_path / "requests.json"
    inputs.write_text(json.dumps(requests))
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "NODE_PATH": str(node_modules),
        "HOME": str(served.tmp_path),
        "AWS_CONFIG_FILE": str(served.tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(served.tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        ["node", str(script), served.url, str(inputs)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answers: list[dict[str, Any]] = json.loads(result.stdout)
    return answers


def test_the_js_sdk_gets_the_answers_boto3_gets(node_modules: Path, served: Served) -> None:
    """The JavaScript SDK v3 gets boto3's answers (ids, scores, promotion names, metrics,
    a declared answer) and AWS's error codes for the same requests."""
    declared = {"arn": served.personal, "userId": "u2", "answer": DECLARED}
    assert admin(served.url, "POST", "declare", declared).status == 200
    version = served.shop.version("aws-user-personalization", "measured")
    requests = [
        *_requests(served),
        ("GetRecommendations", {"campaignArn": served.personal, "userId": "u2"}),
        ("GetSolutionMetrics", {"solutionVersionArn": version}),
    ]
    expected = [
        {"output": _boto3(served, operation, request)} for operation, request in requests[:-1]
    ]
    metrics = served.shop.personalize.get_solution_metrics(solutionVersionArn=version)
    expected.append({"output": _same(metrics)})
    refusals = _errors(served)
    errors = [("GetRecommendations", refusal[0]) for refusal in refusals]
    answers = _node(served, node_modules, requests + errors)
    outputs = [{"output": _same(a["output"])} if "output" in a else a for a in answers]
    assert outputs[: len(requests)] == expected
    assert outputs[len(requests) :] == [
        {"error": code, "message": message, "status": status}
        for _, code, message, status in refusals
    ]
