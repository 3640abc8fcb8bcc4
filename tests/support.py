"""What the tests share (tests/ is on sys.path under pytest's default import mode)."""

from __future__ import annotations

import datetime
import json

from botocore.serialize import Serializer

INTERACTIONS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)


class ReachedNetwork(Exception):
    """Raised when botocore tries to send a request anywhere but this machine."""


def on_wire(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` as the installed botocore sends a JSON timestamp: to the millisecond from
    botocore 1.44, to the whole second before (what the fake then records)."""
    seconds = Serializer()._timestamp_unixtimestamp(moment)
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
