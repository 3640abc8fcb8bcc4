"""A schema's fields, typed once: what each column of a dataset's rows holds.

Parsed from the schema's text (checked by :func:`~personalize_fake._domain.avro.parse_avro`)
and cached per text, so every PutEvents call and every CSV row of an import reads the same
small frozen values instead of the schema's JSON.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import attrs

from personalize_fake._domain.avro import parse_avro

KINDS = frozenset({"string", "long", "int", "float", "double", "boolean"})
"""The Avro primitive types a Personalize field may have (besides ``null`` in a union)."""


@attrs.frozen
class Field:
    """One field of a schema: its name, its Avro type, and what Personalize makes of it."""

    name: str
    kind: str
    """``string``, ``long``, ``int``, ``float``, ``double``, ``boolean``, or ``other`` (a type
    Personalize does not read, such as an array)."""
    nullable: bool = False
    """Declared as a union with ``null``: a row may leave it empty."""
    categorical: bool = False
    """``"categorical": true``: a string of values separated by ``|``."""
    textual: bool = False
    """``"textual": true``: free text (an Items dataset's description)."""

    def convert(self, cell: str) -> Any:
        """A CSV cell as this field's value: None for an empty nullable cell.

        Raises:
            ValueError: saying why the cell is not of the field's type.
        """
        if cell == "" and (self.nullable or self.kind != "string"):
            if self.nullable:
                return None
            raise ValueError(f"{self.name} is required and the cell is empty")
        if self.kind in ("long", "int"):
            try:
                return int(cell)
            except ValueError:
                raise ValueError(f"{self.name} must be an integer, not {cell!r}") from None
        if self.kind in ("float", "double"):
            try:
                return float(cell)
            except ValueError:
                raise ValueError(f"{self.name} must be a number, not {cell!r}") from None
        if self.kind == "boolean":
            lowered = cell.lower()
            if lowered not in ("true", "false"):
                raise ValueError(f"{self.name} must be true or false, not {cell!r}")
            return lowered == "true"
        return cell


def _field(name: str, declared: Any, options: dict[str, Any]) -> Field:
    nullable = False
    if isinstance(declared, list):  # a union: ["null", "string"]
        nullable = "null" in declared
        others = [t for t in declared if t != "null"]
        declared = others[0] if len(others) == 1 else None
    if isinstance(declared, dict):  # {"type": "long", "logicalType": ...}
        declared = declared.get("type")
    kind = declared if isinstance(declared, str) and declared in KINDS else "other"
    return Field(
        name,
        kind,
        nullable=nullable,
        categorical=options.get("categorical") is True,
        textual=options.get("textual") is True,
    )


@functools.lru_cache(maxsize=256)
def typed_fields(text: str) -> tuple[Field, ...]:
    """The schema's fields in declaration order, typed (InvalidInput for a bad schema)."""
    declared = parse_avro(text)
    options = {f["name"]: f for f in json.loads(text)["fields"]}  # parse_avro checked the shape
    return tuple(_field(name, json.loads(kind), options[name]) for name, kind in declared)
