"""``requests`` calls to Personalize endpoints, answered in-process while a mock is active.

Interception goes through ``responses``; other URLs pass through, and a user's
own ``responses`` mocks keep answering theirs. Nothing here leaves the machine:
a pass-through is checked against a server on 127.0.0.1 or a user's mock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import boto3
import pytest
import requests
import requests.adapters
import responses
from botocore.config import Config
from test_server import AUTH, JSON_11, SAME_ANSWER_CASES, SIGNED, _without_request_id, send

from personalize_fake import PersonalizeFake, mock_personalize
from personalize_fake._wire import interception
from personalize_fake._wire.interception import endpoint
from personalize_fake.server import serving

CONTROL = "https://personalize.us-east-1.amazonaws.com/"
EVENTS = "https://personalize-events.us-east-1.amazonaws.com"
ORIGINAL_SEND = requests.adapters.HTTPAdapter.send


def headers(op: str, region: str = "us-east-1") -> dict[str, str]:
    return {
        "Content-Type": JSON_11,
        "X-Amz-Target": f"AmazonPersonalize.{op}",
        "Authorization": SIGNED.format(region),
    }


@pytest.fixture(autouse=True)
def _send_restored() -> Any:
    """Every test leaves requests' HTTPAdapter.send exactly as it found it."""
    yield
    assert requests.adapters.HTTPAdapter.send is ORIGINAL_SEND


BOTOCORE_ERRORS = ("InvalidInputException", "ResourceNotFoundException")
"""What the fake answers the bodies below (no such tracker or campaign): it reached it."""


class _Sent(Exception):
    """Raised by a before-send handler with the URL botocore was about to send to."""


DUAL_STACK_FIPS = {"use_dualstack_endpoint": True, "use_fips_endpoint": True}
BOTOCORE_CALLS = {
    "personalize": b'{"name": "g"}',
    "personalize-events": b'{"trackingId": "t", "sessionId": "s", "eventList": []}',
    "personalize-runtime": b'{"campaignArn": "arn:aws:personalize:us-east-1:1:campaign/c"}',
}
"""A body for the call :func:`botocore_url` makes of each service, to send where it went."""


def botocore_url(service: str, region: str, variant: dict[str, bool]) -> str:
    """The URL botocore resolves for one call of ``service`` (caught before it is sent)."""
    client = boto3.client(
        service,
        region_name=region,
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=Config(**variant),
    )

    def sent(request: Any, **kwargs: Any) -> None:
        raise _Sent(request.url)

    client.meta.events.register_first("before-send", sent)
    with pytest.raises(_Sent) as caught:
        if service == "personalize":
            client.list_schemas()
        elif service == "personalize-events":
            client.put_events(
                trackingId="t", sessionId="s", eventList=[{"eventType": "c", "sentAt": 1}]
            )
        else:
            client.get_recommendations(campaignArn="arn:aws:personalize:us-east-1:1:campaign/c")
    return str(caught.value)


class TestAnswered:
    @pytest.mark.parametrize(
        "variant",
        [{}, {"use_dualstack_endpoint": True}, {"use_fips_endpoint": True}, DUAL_STACK_FIPS],
        ids=["plain", "dual-stack", "fips", "dual-stack-fips"],
    )
    def test_every_url_botocore_sends_to_is_answered(self, variant: dict[str, bool]) -> None:
        """Whatever endpoint botocore would use (FIPS, dual-stack, any partition) is answered."""
        calls = [
            (region, service, botocore_url(service, region, variant), body)
            for region in ("us-east-1", "us-gov-west-1", "cn-north-1")
            for service, body in BOTOCORE_CALLS.items()
        ]
        with mock_personalize(lifecycle="instant"):
            for region, service, url, body in calls:
                if service == "personalize":
                    sent = headers("CreateDatasetGroup", region)
                    created = requests.post(url, data=body, headers=sent).json()
                    assert f":{region}:" in created["datasetGroupArn"], url
                else:  # refused by the fake (validation, no such resource)
                    sent = {"Authorization": SIGNED.format(region)}
                    answer = requests.post(url, data=body, headers=sent)
                    assert answer.headers["x-amzn-errortype"] in BOTOCORE_ERRORS, url

    def test_hand_built_control_plane_call(self, personalize_fake: PersonalizeFake) -> None:
        """requests.post with X-Amz-Target to the real endpoint is answered by the fake."""
        response = requests.post(
            CONTROL, data=json.dumps({"name": "shop"}), headers=headers("CreateDatasetGroup")
        )
        assert response.status_code == 200
        arn = response.json()["datasetGroupArn"]
        assert arn == "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"
        assert personalize_fake.status(arn) == "CREATE PENDING"
        assert response.headers["content-type"] == JSON_11

    def test_region_from_the_host(self, personalize_fake: PersonalizeFake) -> None:
        """The endpoint's region wins over the signature's."""
        response = requests.post(
            "https://personalize.eu-central-1.amazonaws.com/",
            json={"name": "shop"},
            headers=headers("CreateDatasetGroup", region="us-west-2"),
        )
        assert ":eu-central-1:" in response.json()["datasetGroupArn"]

    def test_events_endpoint_by_path(self, personalize_fake: PersonalizeFake) -> None:
        """personalize-events is routed by its REST path, errors in its REST shape."""
        event = {"eventType": "click", "sentAt": 1767268800}
        body = {"trackingId": "nope", "sessionId": "s", "eventList": [event]}
        response = requests.post(f"{EVENTS}/events", json=body, headers=AUTH)
        assert response.status_code == 400
        assert response.headers["x-amzn-errortype"] == "InvalidInputException"
        assert "nope" in response.json()["message"]

    def test_runtime_endpoint_is_caught(self, personalize_fake: PersonalizeFake) -> None:
        response = requests.post(
            "https://personalize-runtime.us-east-1.amazonaws.com/recommendations",
            json={"campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/c"},
            headers=AUTH,
        )
        assert response.headers["x-amzn-errortype"] != "UnknownOperationException"

    def test_unsigned_is_refused_as_aws_does(self, personalize_fake: PersonalizeFake) -> None:
        """Without an Authorization header the answer is AWS's 403, as from the server."""
        response = requests.post(
            CONTROL, json={}, headers={"X-Amz-Target": "AmazonPersonalize.ListSchemas"}
        )
        assert response.status_code == 403
        assert response.json()["__type"] == "MissingAuthenticationTokenException"

    def test_same_answer_as_the_server(self) -> None:
        """Each request gets the status, headers and body the HTTP server gives it."""
        with serving(lifecycle="instant") as (url, _), mock_personalize(lifecycle="instant"):
            for case in SAME_ANSWER_CASES:
                method, path, op, body = case.values
                rest = {**AUTH, "Content-Type": "application/json"}
                sent = headers(op) if op is not None else rest
                served = send(url, method, path, body, sent)
                host = CONTROL if op is not None else EVENTS + "/"
                intercepted = requests.request(method, host + path[1:], data=body, headers=sent)
                assert (intercepted.status_code, intercepted.content) == (
                    served.status,
                    served.body,
                ), case.id
                assert _without_request_id(dict(intercepted.headers)) == _without_request_id(
                    served.headers
                ), case.id

    def test_nested_mocks(self) -> None:
        """The innermost mock answers; the outer one again once it stops."""
        with mock_personalize() as outer:
            requests.post(CONTROL, json={"name": "outer"}, headers=headers("CreateDatasetGroup"))
            with mock_personalize() as inner:
                listed = requests.post(CONTROL, json={}, headers=headers("ListDatasetGroups"))
                assert listed.json() == {"datasetGroups": []}
                assert inner is not outer
            listed = requests.post(CONTROL, json={}, headers=headers("ListDatasetGroups"))
            assert [g["name"] for g in listed.json()["datasetGroups"]] == ["outer"]


class TestPassThrough:
    def test_other_urls_reach_their_server(self, personalize_fake: PersonalizeFake) -> None:
        """A URL that is not Personalize goes out as usual (here to a local server)."""
        with serving() as (url, _):
            assert requests.get(f"{url}/_fake/health").json()["status"] == "ok"

    def test_users_mock_started_first_keeps_answering(self) -> None:
        """A responses mock started before the fake still answers its own URLs."""
        with responses.RequestsMock() as users_mock:
            users_mock.add(responses.GET, "https://example.com/data", json={"mine": True})
            with mock_personalize() as fake:
                assert requests.get("https://example.com/data").json() == {"mine": True}
                created = requests.post(
                    CONTROL, json={"name": "g"}, headers=headers("CreateDatasetGroup")
                )
                assert fake.status(created.json()["datasetGroupArn"]) == "CREATE PENDING"
            assert requests.get("https://example.com/data").json() == {"mine": True}
            assert len(users_mock.calls) == 2  # the Personalize call never reached it

    def test_responses_activate_keeps_answering(self) -> None:
        """@responses.activate (the global default mock) around a mock works the same."""

        @responses.activate
        def use_both() -> tuple[str, Any]:
            responses.add(responses.GET, "https://example.com/y", body="y")
            with mock_personalize():
                listed = requests.post(CONTROL, json={}, headers=headers("ListSchemas"))
                return requests.get("https://example.com/y").text, listed.json()

        assert use_both() == ("y", {"schemas": []})

    def test_users_mock_started_inside_answers_everything(self) -> None:
        """A responses mock started inside the fake's is outermost: Personalize URLs reach it.

        It refuses them (never the network); start your own mock first to use both.
        """
        with mock_personalize(), responses.RequestsMock() as users_mock:
            users_mock.add(responses.GET, "https://example.com/z", body="z")
            assert requests.get("https://example.com/z").text == "z"
            with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
                requests.post(CONTROL, json={}, headers=headers("ListSchemas"))

    def test_stopped_under_a_later_patch(self) -> None:
        """A fake stopped under a later responses mock leaves that mock's patch in place.

        Its own layer passes everything on until a later mock's stop finds it on top.
        """
        mock = mock_personalize()
        mock.start()
        users_mock = responses.RequestsMock()
        users_mock.start()
        users_mock.add(responses.GET, "https://example.com/o", body="o")
        mock.stop()
        assert requests.get("https://example.com/o").text == "o"
        users_mock.stop()
        with serving() as (url, _):
            assert requests.get(f"{url}/_fake/health").status_code == 200
        with mock_personalize():
            listed = requests.post(CONTROL, json={}, headers=headers("ListSchemas"))
            assert listed.json() == {"schemas": []}
        # ...and now send is the original again (checked after every test)

    def test_users_mock_stopped_while_the_fake_runs(self) -> None:
        """A responses mock started before the fake and stopped inside it takes the fake's patch
        with it (its stop restores the send it found); the next mock patches again."""
        users_mock = responses.RequestsMock()
        users_mock.start()
        mock = mock_personalize()
        mock.start()
        users_mock.stop()
        mock.stop()
        with mock_personalize():
            listed = requests.post(CONTROL, json={}, headers=headers("ListSchemas"))
            assert listed.json() == {"schemas": []}

    def test_no_requests_are_kept_after_the_last_mock(self) -> None:
        """responses records every call it sees; the kept mock forgets them at the last stop."""
        for _ in range(3):
            with mock_personalize():
                requests.post(CONTROL, json={}, headers=headers("ListSchemas"))
        kept = interception._mock
        assert len(kept.calls) == 0
        assert all(len(registered.calls) == 0 for registered in kept.registered())

    def test_mocks_stopped_out_of_order(self) -> None:
        """Two mocks stopped in the order they started: the later one answers until it stops."""
        first, second = mock_personalize(), mock_personalize()
        first.start()
        second_fake = second.start()
        first.stop()
        created = requests.post(CONTROL, json={"name": "g"}, headers=headers("CreateDatasetGroup"))
        assert second_fake.status(created.json()["datasetGroupArn"]) == "CREATE PENDING"
        second.stop()

    @pytest.mark.parametrize(
        ("url", "region"),
        [
            ("https://personalize.us-east-1.amazonaws.com/", "us-east-1"),
            ("https://personalize-events.eu-west-1.amazonaws.com/events", "eu-west-1"),
            ("https://personalize-runtime.ap-south-1.amazonaws.com/recommendations", "ap-south-1"),
            ("https://personalize.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
            ("http://personalize.us-east-1.amazonaws.com:443", "us-east-1"),
            ("https://personalize.us-east-1.api.aws/", "us-east-1"),
            ("https://personalize-events-fips.us-gov-west-1.api.aws/events", "us-gov-west-1"),
            ("https://PERSONALIZE-RUNTIME.CN-NORTH-1.API.AMAZONWEBSERVICES.COM.CN", "CN-NORTH-1"),
            ("https://personalize.us-east-1.api.aws.example.com/", None),
            ("https://personalize.us-east-1.amazonaws.com.example.com/", None),
            ("https://notpersonalize.us-east-1.amazonaws.com/", None),
            ("https://s3.us-east-1.amazonaws.com/personalize.us-east-1.amazonaws.com", None),
        ],
    )
    def test_which_urls_are_personalize(self, url: str, region: str | None) -> None:
        """Only the three services' hosts are caught, with the region the host names."""
        match = endpoint().match(url)
        assert (match.group(1) if match else None) == region


def test_import_does_not_load_requests() -> None:
    """Importing personalize_fake does not import requests or responses (the first mock does)."""
    code = (
        "import sys, personalize_fake;"
        "print('requests' in sys.modules, 'responses' in sys.modules);"
        "personalize_fake.mock_personalize().start();"
        "print('responses' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "True"]


def test_users_fixture_asked_for_first(pytester: pytest.Pytester) -> None:
    """Under pytest, a responses fixture the test asks for before personalize_fake works with it."""
    pytester.makepyfile(
        test_both="""
        import pytest
        import requests
        import responses

        @pytest.fixture
        def mine():
            with responses.RequestsMock() as mock:
                mock.add(responses.GET, "https://example.com/catalog", json={"items": 3})
                yield mock

        def test_both(mine, personalize_fake):
            assert requests.get("https://example.com/catalog").json() == {"items": 3}
            response = requests.post(
                "https://personalize.us-east-1.amazonaws.com/",
                json={"name": "shop"},
                headers={
                    "X-Amz-Target": "AmazonPersonalize.CreateDatasetGroup",
                    "Authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/x/y",
                },
            )
            assert personalize_fake.status(response.json()["datasetGroupArn"])
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)
