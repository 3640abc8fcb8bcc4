"""A dataset's rows as the CSV an export job writes: the layout an import reads back.

The header is the schema's field names in declaration order; a row's value for a field
is its column of that name, or, for a record PutUsers/PutItems/PutEvents sent, the member
of its ``properties`` JSON that names the field in camel case (``numRatings`` for
``NUM_RATINGS``), as the service maps them. ``TIMESTAMP`` is whole epoch seconds,
booleans ``true``/``false``, a missing value an empty cell. Records that match on every
field are written once, as the developer guide says of exports.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from personalize_fake._domain.fields import Field


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def _cell(value: Any, field: Field) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and (field.kind in ("long", "int") or field.name == "TIMESTAMP"):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _properties(row: Mapping[str, Any]) -> dict[str, Any]:
    text = row.get("properties")
    if not isinstance(text, str):
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return {_key(k): v for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def write_csv(fields: Sequence[Field], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The rows as one UTF-8 CSV file with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", escapechar="\\", doublequote=True)
    writer.writerow([field.name for field in fields])
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        properties = _properties(row) if "properties" in row else {}
        cells = tuple(
            _cell(row[f.name] if f.name in row else properties.get(_key(f.name)), f) for f in fields
        )
        if cells not in seen:
            seen.add(cells)
            writer.writerow(cells)
    return out.getvalue().encode()
