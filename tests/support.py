"""What the tests share (tests/ is on sys.path under pytest's default import mode)."""

from __future__ import annotations

import json

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
