"""personalize-events through boto3: PutEvents, PutUsers/Items/Actions, PutActionInteractions.

Setup goes through the ``personalize`` client, puts through ``personalize-events``,
and what was recorded is read back through the fixture's handle.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import boto3
import pytest
from botocore.exceptions import ClientError
from support import on_wire

from personalize_fake import PersonalizeFake, WireRequest, mock_personalize

REGION = "us-east-1"
OTHER_ACCOUNT = "111122223333"
T0 = datetime.datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=datetime.timezone.utc)
INSTANT = pytest.mark.personalize_fake(lifecycle="instant")
MANUAL = pytest.mark.personalize_fake(lifecycle="manual")

SCHEMA_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "Interactions": (("USER_ID", "string"), ("ITEM_ID", "string"), ("TIMESTAMP", "long")),
    "Users": (("USER_ID", "string"), ("MEMBERSHIP", "string")),
    "Items": (("ITEM_ID", "string"), ("GENRE", "string")),
    "Actions": (("ACTION_ID", "string"), ("VALUE", "string")),
    "Action_Interactions": (
        ("USER_ID", "string"),
        ("ACTION_ID", "string"),
        ("TIMESTAMP", "long"),
        ("EVENT_TYPE", "string"),
    ),
}
"""Fields of a schema that fits each dataset type (its required fields, plus metadata)."""


# -- setup helpers ------------------------------------------------------------------


def wait_active(describe: Callable[[], dict[str, Any]], *, tries: int = 10) -> None:
    """Poll a Describe until its resource reports ACTIVE, as a user's waiter loop does."""
    for _ in range(tries):
        answer = describe()
        (resource,) = (v for k, v in answer.items() if k != "ResponseMetadata")
        if resource["status"] == "ACTIVE":
            return
    raise AssertionError(f"still {resource['status']} after {tries} polls")


def make_group(personalize: Any, name: str = "shop", *, wait: bool = False) -> str:
    arn: str = personalize.create_dataset_group(name=name)["datasetGroupArn"]
    if wait:
        wait_active(lambda: personalize.describe_dataset_group(datasetGroupArn=arn))
    return arn


def make_schema(personalize: Any, dataset_type: str, name: str) -> str:
    fields = [{"name": f, "type": t} for f, t in SCHEMA_FIELDS[dataset_type]]
    schema = json.dumps(
        {"type": "record", "name": dataset_type, "fields": fields, "version": "1.0"}
    )
    arn: str = personalize.create_schema(name=name, schema=schema)["schemaArn"]
    return arn


def make_dataset(personalize: Any, group_arn: str, dataset_type: str, *, wait: bool = False) -> str:
    """A dataset of ``dataset_type`` in the group, with a schema of its own."""
    group = group_arn.rsplit("/", 1)[1]
    schema_arn = make_schema(personalize, dataset_type, f"{group}-{dataset_type.lower()}")
    arn: str = personalize.create_dataset(
        name=f"{group}-{dataset_type.lower()}",
        schemaArn=schema_arn,
        datasetGroupArn=group_arn,
        datasetType=dataset_type,
    )["datasetArn"]
    if wait:
        wait_active(lambda: personalize.describe_dataset(datasetArn=arn))
    return arn


def make_tracker(personalize: Any, group_arn: str) -> tuple[str, str]:
    """(eventTrackerArn, trackingId) of a new tracker on the group."""
    name = group_arn.rsplit("/", 1)[1] + "-tracker"
    created = personalize.create_event_tracker(name=name, datasetGroupArn=group_arn)
    return created["eventTrackerArn"], created["trackingId"]


def ready_tracking_id(personalize: Any, name: str = "shop") -> str:
    """An ACTIVE tracker's trackingId on a group with an Interactions dataset (instant mode)."""
    group_arn = make_group(personalize, name)
    make_dataset(personalize, group_arn, "Interactions")
    return make_tracker(personalize, group_arn)[1]


def event(n: int = 0, **extra: Any) -> dict[str, Any]:
    """The n-th event of a session: a click on item-n, n seconds after T0."""
    return {
        "eventType": "click",
        "itemId": f"item-{n}",
        "sentAt": T0 + datetime.timedelta(seconds=n),
        **extra,
    }


def recorded(n: int, tracking_id: str, session_id: str = "s1", **extra: Any) -> dict[str, Any]:
    """What the handle shows for ``event(n)`` sent with ``tracking_id`` and ``session_id``."""
    sent = event(n)
    sent["sentAt"] = on_wire(sent["sentAt"])
    return {"trackingId": tracking_id, "sessionId": session_id, **sent, **extra}


def put_rejected(events: Any, tracking_id: str, index: int = 0) -> str:
    """Put ``event(index)``, which must be refused with InvalidInput (400); return the message."""
    with pytest.raises(ClientError) as info:
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(index)])
    return assert_error(info, "InvalidInputException", 400)


def json_of_length(length: int) -> str:
    """A JSON object string exactly ``length`` characters long."""
    text = '{"a":"' + "x" * (length - 8) + '"}'
    assert len(text) == length
    return text


def assert_error(info: pytest.ExceptionInfo[ClientError], code: str, status: int) -> str:
    """The error has the code (in x-amzn-ErrorType too) and status; returns its message."""
    response = info.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code
    message: str = response["Error"]["Message"]
    return message


# -- PutEvents ------------------------------------------------------------------------


@INSTANT
class TestPutEvents:
    def test_records_every_field_exactly(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An accepted event reads back as the call's ids plus every field sent, sentAt in UTC."""
        tracking_id = ready_tracking_id(personalize)
        sent = {
            "eventId": "e-1",
            "eventType": "rating",
            "eventValue": 4.5,
            "itemId": "movie-42",
            "properties": '{"numberOfRatings": "12"}',
            "sentAt": T0,
            "recommendationId": "rec-1",
            "impression": ["movie-41", "movie-42", "movie-43"],
            "metricAttribution": {"eventAttributionSource": "homepage"},
        }

        response = events.put_events(
            trackingId=tracking_id, userId="u1", sessionId="s1", eventList=[sent]
        )

        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert response["ResponseMetadata"]["HTTPHeaders"]["content-length"] == "0"
        assert set(response) == {"ResponseMetadata"}
        assert personalize_fake.events(tracking_id) == [
            {
                "trackingId": tracking_id,
                "userId": "u1",
                "sessionId": "s1",
                **sent,
                "sentAt": on_wire(T0),
            }
        ]

    def test_sent_at_is_converted_to_utc(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A sentAt given in any time zone reads back as the same instant, as a UTC datetime."""
        tracking_id = ready_tracking_id(personalize)
        paris = datetime.timezone(datetime.timedelta(hours=2))

        events.put_events(
            trackingId=tracking_id,
            sessionId="s1",
            eventList=[event(0, sentAt=datetime.datetime(2024, 5, 1, 14, 0, tzinfo=paris))],
        )

        (got,) = personalize_fake.events(tracking_id)
        assert got["sentAt"] == datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
        assert got["sentAt"].utcoffset() == datetime.timedelta(0)

    def test_arrival_order_across_calls(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Events read back in the order they arrived, across calls and sessions."""
        tracking_id = ready_tracking_id(personalize)

        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(5), event(1)])
        events.put_events(trackingId=tracking_id, sessionId="s2", eventList=[event(3)])
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(0)])

        assert personalize_fake.events(tracking_id) == [
            recorded(5, tracking_id, "s1"),
            recorded(1, tracking_id, "s1"),
            recorded(3, tracking_id, "s2"),
            recorded(0, tracking_id, "s1"),
        ]

    def test_user_id_is_optional(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An anonymous session's events are accepted and carry no userId."""
        tracking_id = ready_tracking_id(personalize)

        events.put_events(trackingId=tracking_id, sessionId="anon", eventList=[event(0)])

        assert personalize_fake.events(tracking_id) == [recorded(0, tracking_id, "anon")]
        assert "userId" not in personalize_fake.events(tracking_id)[0]

    def test_events_are_kept_per_tracking_id(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Each tracker's events read back under its own tracking ID only."""
        shop = ready_tracking_id(personalize, "shop")
        blog = ready_tracking_id(personalize, "blog")

        events.put_events(trackingId=shop, sessionId="s1", eventList=[event(0)])
        events.put_events(trackingId=blog, sessionId="s1", eventList=[event(1)])

        assert personalize_fake.events(shop) == [recorded(0, shop)]
        assert personalize_fake.events(blog) == [recorded(1, blog)]
        assert personalize_fake.events("never-used") == []

    def test_events_outlive_their_dataset_created_again(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A tracking ID reads all it sent; a dataset made again holds only what came after."""
        group = make_group(personalize)
        dataset = make_dataset(personalize, group, "Interactions")
        tracking_id = make_tracker(personalize, group)[1]
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(0)])
        schema = personalize.describe_dataset(datasetArn=dataset)["dataset"]["schemaArn"]
        personalize.delete_dataset(datasetArn=dataset)
        personalize.create_dataset(
            name="again", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
        )
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(1)])

        assert personalize_fake.events(tracking_id) == [
            recorded(0, tracking_id),
            recorded(1, tracking_id),
        ]
        (row,) = personalize_fake.store.rows[dataset]
        assert row["ITEM_ID"] == "item-1"

    def test_handle_returns_copies(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Changing what the handle returned does not change what the fake recorded."""
        tracking_id = ready_tracking_id(personalize)
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(0)])

        personalize_fake.events(tracking_id)[0]["eventType"] = "tampered"

        assert personalize_fake.events(tracking_id) == [recorded(0, tracking_id)]


TOO_LONG = "x" * 257

MODEL_LIMITS = [
    pytest.param({"eventList": [event(n) for n in range(11)]}, "eventList", id="eleven-events"),
    pytest.param({"trackingId": TOO_LONG}, "trackingId", id="tracking-id-257"),
    pytest.param({"sessionId": TOO_LONG}, "sessionId", id="session-id-257"),
    pytest.param({"userId": TOO_LONG}, "userId", id="user-id-257"),
    pytest.param(
        {"eventList": [event(0, properties=json_of_length(1025))]},
        "eventList.1.member.properties",
        id="properties-1025",
    ),
    pytest.param(
        {"eventList": [event(0, recommendationId="r" * 41)]},
        "eventList.1.member.recommendationId",
        id="recommendation-id-41",
    ),
    pytest.param(
        {"eventList": [event(0, impression=[f"i{n}" for n in range(26)])]},
        "eventList.1.member.impression",
        id="impression-26",
    ),
    pytest.param(
        {"eventList": [event(0, eventType=TOO_LONG)]},
        "eventList.1.member.eventType",
        id="event-type-257",
    ),
    pytest.param(
        {"eventList": [event(0, itemId=TOO_LONG)]},
        "eventList.1.member.itemId",
        id="item-id-257",
    ),
]

RESERVED = ["userId", "sessionId", "eventType", "timestamp", "recommendationId", "impression"]


@INSTANT
class TestPutEventsRejects:
    @pytest.mark.parametrize(("change", "path"), MODEL_LIMITS)
    def test_model_limits(
        self,
        personalize: Any,
        events: Any,
        personalize_fake: PersonalizeFake,
        change: dict[str, Any],
        path: str,
    ) -> None:
        """A call over any of the model's limits is a 400 naming the member, and records nothing."""
        tracking_id = ready_tracking_id(personalize)
        call = {"trackingId": tracking_id, "sessionId": "s1", "eventList": [event(0)], **change}

        with pytest.raises(ClientError) as info:
            events.put_events(**call)

        message = assert_error(info, "InvalidInputException", 400)
        assert f"at '{path}' failed to satisfy constraint" in message
        assert personalize_fake.events(tracking_id) == []

    def test_ten_events_are_accepted(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Ten events, the model's maximum, go in one call."""
        tracking_id = ready_tracking_id(personalize)

        events.put_events(
            trackingId=tracking_id, sessionId="s1", eventList=[event(n) for n in range(10)]
        )

        assert len(personalize_fake.events(tracking_id)) == 10

    @pytest.mark.parametrize(
        "key", [*RESERVED, "USERID", "Impression", "TimeStamp"], ids=lambda k: str(k)
    )
    def test_reserved_property_keys(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, key: str
    ) -> None:
        """Properties using a reserved key, in any case, are a 400 naming the key."""
        tracking_id = ready_tracking_id(personalize)
        properties = json.dumps({"numberOfRatings": "12", key: "x"})

        with pytest.raises(ClientError) as info:
            events.put_events(
                trackingId=tracking_id,
                sessionId="s1",
                eventList=[event(0, properties=properties)],
            )

        message = assert_error(info, "InvalidInputException", 400)
        assert key in message
        assert personalize_fake.events(tracking_id) == []

    @pytest.mark.parametrize(
        "properties",
        [
            pytest.param("{not json", id="malformed"),
            pytest.param('{"numberOfRatings": "12"', id="unterminated"),
            pytest.param('{"a": NaN}', id="nan"),
            pytest.param('"a string"', id="string"),
            pytest.param("[1, 2]", id="array"),
            pytest.param("null", id="null"),
        ],
    )
    def test_properties_must_be_a_json_object(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, properties: str
    ) -> None:
        """Properties that are not a JSON object are a 400 'Error parsing properties json'."""
        tracking_id = ready_tracking_id(personalize)

        with pytest.raises(ClientError) as info:
            events.put_events(
                trackingId=tracking_id,
                sessionId="s1",
                eventList=[event(0, properties=properties)],
            )

        message = assert_error(info, "InvalidInputException", 400)
        assert message.startswith("Error parsing properties json")
        assert personalize_fake.events(tracking_id) == []

    @pytest.mark.parametrize(
        "bad",
        [
            pytest.param({"properties": '{"userId": "u1"}'}, id="reserved-key"),
            pytest.param({"properties": "{oops"}, id="bad-json"),
            pytest.param({"properties": json_of_length(1025)}, id="properties-too-long"),
            pytest.param({"impression": ["i"] * 26}, id="too-many-impressions"),
        ],
    )
    def test_one_bad_event_records_nothing_of_the_call(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, bad: dict[str, Any]
    ) -> None:
        """When the 3rd event of a batch is bad, none of the batch is recorded."""
        tracking_id = ready_tracking_id(personalize)
        events.put_events(trackingId=tracking_id, sessionId="s0", eventList=[event(0)])

        with pytest.raises(ClientError) as info:
            events.put_events(
                trackingId=tracking_id,
                sessionId="s1",
                eventList=[event(1), event(2), event(3, **bad), event(4)],
            )

        assert_error(info, "InvalidInputException", 400)
        assert personalize_fake.events(tracking_id) == [recorded(0, tracking_id, "s0")]

    def test_unknown_tracking_id(self, events: Any, personalize_fake: PersonalizeFake) -> None:
        """A tracking ID no tracker has is a 400 that names it."""
        assert "no-such-id" in put_rejected(events, "no-such-id")
        assert personalize_fake.events("no-such-id") == []

    def test_tracking_id_of_another_region(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A tracker created in us-east-1 is unknown to a us-west-2 client."""
        tracking_id = ready_tracking_id(personalize)
        west = boto3.client("personalize-events", region_name="us-west-2")

        put_rejected(west, tracking_id)
        assert personalize_fake.events(tracking_id) == []

    def test_tracking_id_of_another_account(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A tracker of the default account is unknown to a mock of another account_id."""
        tracking_id = ready_tracking_id(personalize)

        with mock_personalize(account_id=OTHER_ACCOUNT, lifecycle="instant") as other:
            own = ready_tracking_id(personalize)
            events.put_events(trackingId=own, sessionId="s1", eventList=[event(0)])
            put_rejected(events, tracking_id, 1)
            assert other.events(own) == [recorded(0, own)]

        assert personalize_fake.events(tracking_id) == []
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(2)])
        assert personalize_fake.events(tracking_id) == [recorded(2, tracking_id)]

    def test_deleted_tracker(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A deleted tracker's tracking ID is rejected; its earlier events stay readable."""
        group_arn = make_group(personalize)
        make_dataset(personalize, group_arn, "Interactions")
        tracker_arn, tracking_id = make_tracker(personalize, group_arn)
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(0)])

        personalize.delete_event_tracker(eventTrackerArn=tracker_arn)
        put_rejected(events, tracking_id, 1)
        assert personalize_fake.events(tracking_id) == [recorded(0, tracking_id)]

    def test_group_without_interactions_dataset(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A tracker whose dataset group has no Interactions dataset cannot record events."""
        group_arn = make_group(personalize)
        make_dataset(personalize, group_arn, "Items")
        _, tracking_id = make_tracker(personalize, group_arn)

        assert "Interactions dataset" in put_rejected(events, tracking_id)
        assert personalize_fake.events(tracking_id) == []

    @pytest.mark.personalize_fake(
        lifecycle="instant", inactive_tracking_id_error="ResourceNotFoundException"
    )
    def test_inactive_tracking_id_error_is_configurable(
        self, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """The inactive_tracking_id_error setting picks the code, and the model its status."""
        with pytest.raises(ClientError) as info:
            events.put_events(trackingId="no-such-id", sessionId="s1", eventList=[event(0)])

        assert_error(info, "ResourceNotFoundException", 404)

    def test_out_of_range_sent_at_on_the_wire(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A raw request whose sentAt no datetime can hold is a 400, not an internal error."""
        tracking_id = ready_tracking_id(personalize)
        body = {
            "trackingId": tracking_id,
            "sessionId": "s1",
            "eventList": [{"eventType": "click", "sentAt": 1e20}],
        }

        response = personalize_fake.handle(
            WireRequest(
                "POST",
                "/events",
                {"Content-Type": "application/json"},
                json.dumps(body).encode(),
                REGION,
            )
        )

        assert response.status == 400
        assert response.headers["x-amzn-errortype"] == "InvalidInputException"
        assert "eventList.1.member.sentAt" in json.loads(response.body)["message"]
        assert personalize_fake.events(tracking_id) == []


class TestTrackerLifecycle:
    """Stepwise lifecycle (the default): resources move one status per Describe."""

    def test_put_events_after_polling_tracker_to_active(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Polling DescribeEventTracker until ACTIVE, then PutEvents, records the events."""
        group_arn = make_group(personalize, wait=True)
        make_dataset(personalize, group_arn, "Interactions", wait=True)
        tracker_arn, tracking_id = make_tracker(personalize, group_arn)

        seen: list[str] = []
        while not seen or seen[-1] != "ACTIVE":
            described = personalize.describe_event_tracker(eventTrackerArn=tracker_arn)
            seen.append(described["eventTracker"]["status"])
        events.put_events(trackingId=tracking_id, sessionId="s1", eventList=[event(0)])

        assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
        assert personalize_fake.events(tracking_id) == [recorded(0, tracking_id)]

    def test_rejected_while_tracker_create_pending(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A tracking ID is rejected until its tracker is ACTIVE; the message says its status."""
        group_arn = make_group(personalize, wait=True)
        make_dataset(personalize, group_arn, "Interactions", wait=True)
        _, tracking_id = make_tracker(personalize, group_arn)

        assert "CREATE PENDING" in put_rejected(events, tracking_id)
        assert personalize_fake.events(tracking_id) == []

    def test_rejected_while_interactions_dataset_not_active(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An ACTIVE tracker still cannot record while its Interactions dataset is being created."""
        group_arn = make_group(personalize, wait=True)
        make_dataset(personalize, group_arn, "Interactions")
        tracker_arn, tracking_id = make_tracker(personalize, group_arn)
        wait_active(lambda: personalize.describe_event_tracker(eventTrackerArn=tracker_arn))

        assert "Interactions dataset" in put_rejected(events, tracking_id)
        assert personalize_fake.events(tracking_id) == []

    def test_rejected_while_tracker_is_deleting(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A tracker in DELETE PENDING no longer accepts events."""
        group_arn = make_group(personalize, wait=True)
        make_dataset(personalize, group_arn, "Interactions", wait=True)
        tracker_arn, tracking_id = make_tracker(personalize, group_arn)
        wait_active(lambda: personalize.describe_event_tracker(eventTrackerArn=tracker_arn))

        personalize.delete_event_tracker(eventTrackerArn=tracker_arn)
        assert "DELETE PENDING" in put_rejected(events, tracking_id)


# -- PutUsers, PutItems, PutActions --------------------------------------------------


class Kind(NamedTuple):
    """One of the record operations and the names that go with it."""

    dataset_type: str
    put: str
    member: str
    id_key: str
    max_properties: int

    def call(self, client: Any, dataset_arn: str, records: list[dict[str, Any]]) -> Any:
        return getattr(client, self.put)(datasetArn=dataset_arn, **{self.member: records})

    def read(self, fake: PersonalizeFake, dataset_arn: str) -> list[dict[str, Any]]:
        reader: Callable[[str], list[dict[str, Any]]] = getattr(fake, self.member)
        return reader(dataset_arn)

    def record(self, record_id: str, **properties: str) -> dict[str, Any]:
        out: dict[str, Any] = {self.id_key: record_id}
        if properties:
            out["properties"] = json.dumps(properties)
        return out


KINDS = [
    pytest.param(Kind("Users", "put_users", "users", "userId", 24000), id="users"),
    pytest.param(Kind("Items", "put_items", "items", "itemId", 32000), id="items"),
    pytest.param(Kind("Actions", "put_actions", "actions", "actionId", 32000), id="actions"),
]


def by_id(records: list[dict[str, Any]], id_key: str) -> dict[str, dict[str, Any]]:
    return {r[id_key]: r for r in records}


@INSTANT
@pytest.mark.parametrize("kind", KINDS)
class TestPutRecords:
    def test_records_are_stored(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """Records put into an ACTIVE dataset of their type read back as sent; 200, empty body."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)
        sent = [kind.record("a", genre="drama"), kind.record("b")]

        response = kind.call(events, dataset_arn, sent)

        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert response["ResponseMetadata"]["HTTPHeaders"]["content-length"] == "0"
        assert by_id(kind.read(personalize_fake, dataset_arn), kind.id_key) == by_id(
            sent, kind.id_key
        )

    def test_upsert_last_write_wins(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """Putting an id again replaces its record: one record per id, the last one written."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)

        kind.call(events, dataset_arn, [kind.record("a", v="1"), kind.record("b", v="1")])
        kind.call(events, dataset_arn, [kind.record("a", v="2")])
        kind.call(events, dataset_arn, [kind.record("c", v="1"), kind.record("c", v="3")])

        stored = kind.read(personalize_fake, dataset_arn)
        assert len(stored) == 3
        assert by_id(stored, kind.id_key) == {
            "a": kind.record("a", v="2"),
            "b": kind.record("b", v="1"),
            "c": kind.record("c", v="3"),
        }

    def test_recreated_dataset_starts_empty(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """A dataset deleted and created again (same ARN) does not show the old records."""
        group = make_group(personalize)
        dataset_arn = make_dataset(personalize, group, kind.dataset_type)
        kind.call(events, dataset_arn, [kind.record("a")])
        schema = personalize.describe_dataset(datasetArn=dataset_arn)["dataset"]["schemaArn"]
        personalize.delete_dataset(datasetArn=dataset_arn)
        again = personalize.create_dataset(
            name="again", schemaArn=schema, datasetGroupArn=group, datasetType=kind.dataset_type
        )["datasetArn"]
        assert again == dataset_arn
        assert kind.read(personalize_fake, dataset_arn) == []

    def test_records_outlive_the_dataset(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """What was put stays readable after the dataset is deleted (until the mock stops)."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)
        kind.call(events, dataset_arn, [kind.record("a")])
        personalize.delete_dataset(datasetArn=dataset_arn)
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_dataset(datasetArn=dataset_arn)
        assert by_id(kind.read(personalize_fake, dataset_arn), kind.id_key) == {
            "a": kind.record("a")
        }

    def test_missing_dataset_is_404(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """A dataset ARN that does not exist is a 404 ResourceNotFoundException."""
        missing = (
            f"arn:aws:personalize:{REGION}:123456789012:dataset/none/{kind.dataset_type.upper()}"
        )

        with pytest.raises(ClientError) as info:
            kind.call(events, missing, [kind.record("a")])

        assert_error(info, "ResourceNotFoundException", 404)
        assert kind.read(personalize_fake, missing) == []

    def test_dataset_of_another_region_is_404(
        self, personalize: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """A us-east-1 dataset is not found by a us-west-2 client."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)
        west = boto3.client("personalize-events", region_name="us-west-2")

        with pytest.raises(ClientError) as info:
            kind.call(west, dataset_arn, [kind.record("a")])

        assert_error(info, "ResourceNotFoundException", 404)
        assert kind.read(personalize_fake, dataset_arn) == []

    @MANUAL
    def test_dataset_not_active_is_409(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """A dataset still being created is a 409 ResourceInUseException."""
        group_arn = make_group(personalize)
        personalize_fake.settle(group_arn)
        dataset_arn = make_dataset(personalize, group_arn, kind.dataset_type)

        with pytest.raises(ClientError) as info:
            kind.call(events, dataset_arn, [kind.record("a")])

        assert_error(info, "ResourceInUseException", 409)
        assert kind.read(personalize_fake, dataset_arn) == []

    def test_dataset_of_another_type_is_400(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """Putting records into a dataset of another type is a 400 InvalidInputException."""
        dataset_arn = make_dataset(personalize, make_group(personalize), "Interactions")

        with pytest.raises(ClientError) as info:
            kind.call(events, dataset_arn, [kind.record("a")])

        assert_error(info, "InvalidInputException", 400)
        assert kind.read(personalize_fake, dataset_arn) == []

    def test_bad_properties_json_records_nothing(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """One record with unparsable properties is a 400, and none of the call is stored."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)
        bad = {kind.id_key: "c", "properties": "{nope"}

        with pytest.raises(ClientError) as info:
            kind.call(events, dataset_arn, [kind.record("a"), kind.record("b"), bad])

        message = assert_error(info, "InvalidInputException", 400)
        assert message == "Error parsing properties json"
        assert kind.read(personalize_fake, dataset_arn) == []

    def test_properties_length_is_the_models(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """Properties up to the model's max for the type are accepted; one more char is a 400."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)
        at_max = {kind.id_key: "a", "properties": json_of_length(kind.max_properties)}
        over = {kind.id_key: "b", "properties": json_of_length(kind.max_properties + 1)}

        kind.call(events, dataset_arn, [at_max])
        with pytest.raises(ClientError) as info:
            kind.call(events, dataset_arn, [over])

        message = assert_error(info, "InvalidInputException", 400)
        assert f"less than or equal to {kind.max_properties}" in message
        assert kind.read(personalize_fake, dataset_arn) == [at_max]

    def test_eleven_records_are_rejected(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake, kind: Kind
    ) -> None:
        """More than 10 records in one call is a 400, and nothing is stored."""
        dataset_arn = make_dataset(personalize, make_group(personalize), kind.dataset_type)

        with pytest.raises(ClientError) as info:
            kind.call(events, dataset_arn, [kind.record(str(n)) for n in range(11)])

        assert f"at '{kind.member}'" in assert_error(info, "InvalidInputException", 400)
        assert kind.read(personalize_fake, dataset_arn) == []


# -- PutActionInteractions ------------------------------------------------------------


def action_interactions_tracking_id(personalize: Any, group_arn: str) -> str:
    """The trackingId DescribeDataset shows for the group's Action_Interactions dataset."""
    dataset_arn = make_dataset(personalize, group_arn, "Action_Interactions")
    dataset = personalize.describe_dataset(datasetArn=dataset_arn)["dataset"]
    tracking_id: str = dataset["trackingId"]
    return tracking_id


def interaction(n: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "actionId": f"action-{n}",
        "sessionId": "s1",
        "timestamp": T0 + datetime.timedelta(seconds=n),
        "eventType": "Taken",
        **extra,
    }


@INSTANT
class TestPutActionInteractions:
    def test_records_with_the_datasets_tracking_id(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Interactions sent with Dataset.trackingId read back in order, timestamp in UTC."""
        tracking_id = action_interactions_tracking_id(personalize, make_group(personalize))
        first = interaction(
            0,
            userId="u1",
            eventId="e1",
            recommendationId="r1",
            impression=["action-0", "action-9"],
            properties='{"numberOfActions": "12"}',
        )

        response = events.put_action_interactions(
            trackingId=tracking_id, actionInteractions=[first, interaction(1, eventType="Viewed")]
        )

        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert personalize_fake.action_interactions(tracking_id) == [
            {"trackingId": tracking_id, **first, "timestamp": on_wire(first["timestamp"])},
            {
                "trackingId": tracking_id,
                **interaction(1, eventType="Viewed"),
                "timestamp": on_wire(interaction(1)["timestamp"]),
            },
        ]

    def test_event_tracker_tracking_id_is_404(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """An event tracker's trackingId is not the dataset's: a 404 ResourceNotFoundException."""
        group_arn = make_group(personalize)
        make_dataset(personalize, group_arn, "Interactions")
        action_interactions_tracking_id(personalize, group_arn)
        _, tracker_tracking_id = make_tracker(personalize, group_arn)

        with pytest.raises(ClientError) as info:
            events.put_action_interactions(
                trackingId=tracker_tracking_id, actionInteractions=[interaction(0)]
            )

        assert_error(info, "ResourceNotFoundException", 404)
        assert personalize_fake.action_interactions(tracker_tracking_id) == []

    def test_reserved_property_key_records_nothing(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """A reserved key in any interaction's properties is a 400 and none of the call is kept."""
        tracking_id = action_interactions_tracking_id(personalize, make_group(personalize))

        with pytest.raises(ClientError) as info:
            events.put_action_interactions(
                trackingId=tracking_id,
                actionInteractions=[interaction(0), interaction(1, properties='{"SessionId": 1}')],
            )

        assert "SessionId" in assert_error(info, "InvalidInputException", 400)
        assert personalize_fake.action_interactions(tracking_id) == []

    @MANUAL
    def test_dataset_not_active_is_409(
        self, personalize: Any, events: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Interactions for an Action_Interactions dataset still being created are a 409."""
        group_arn = make_group(personalize)
        personalize_fake.settle(group_arn)
        tracking_id = action_interactions_tracking_id(personalize, group_arn)

        with pytest.raises(ClientError) as info:
            events.put_action_interactions(
                trackingId=tracking_id, actionInteractions=[interaction(0)]
            )

        assert_error(info, "ResourceInUseException", 409)
        assert personalize_fake.action_interactions(tracking_id) == []


# -- concurrency --------------------------------------------------------------------------


@INSTANT
class TestConcurrency:
    THREADS = 8
    CALLS = 25

    def test_no_event_is_lost_across_threads(
        self, personalize: Any, personalize_fake: PersonalizeFake
    ) -> None:
        """Threads putting events at once, each with its own client, lose and reorder nothing."""
        tracking_id = ready_tracking_id(personalize)
        clients = [
            boto3.session.Session().client("personalize-events", region_name=REGION)
            for _ in range(self.THREADS)
        ]
        start = threading.Barrier(self.THREADS)
        errors: list[BaseException] = []

        def send(thread: int) -> None:
            try:
                start.wait()
                for call in range(self.CALLS):
                    clients[thread].put_events(
                        trackingId=tracking_id,
                        sessionId=f"thread-{thread}",
                        eventList=[event(call, eventId=f"{thread}-{call}-{n}") for n in range(2)],
                    )
            except BaseException as exc:  # surfaced in the main thread below
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(t,)) for t in range(self.THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert errors == []
        got = personalize_fake.events(tracking_id)
        assert len(got) == self.THREADS * self.CALLS * 2
        for thread in range(self.THREADS):
            own = [e["eventId"] for e in got if e["sessionId"] == f"thread-{thread}"]
            assert own == [f"{thread}-{c}-{n}" for c in range(self.CALLS) for n in range(2)]
