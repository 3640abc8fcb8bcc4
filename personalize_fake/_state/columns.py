"""How one column of a dataset's rows is kept: strings once each with a 4-byte code a row
(``category``), 8-byte numbers (``time``, ``number``, ``integer``), or one reference a row
(``object``). ``rows.Rows`` holds a column of one of these per field; a value a column
cannot hold turns it into an ``object`` column (``Rows``'s job), so every value reads back
as it was put.
"""

from __future__ import annotations

import copy
import itertools
import math
from array import array
from typing import Any

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
"""What a column holds for a row that lacks the field (the key is left out of its dict)."""

_IMMUTABLE = (str, int, float, bool, type(None))
_NO_INT = -(2**63)
_MISSING_TYPE = type(MISSING)
_STR = {str, _MISSING_TYPE}
_FLOAT = {float, _MISSING_TYPE}
_INT = {int, _MISSING_TYPE}


class Objects:
    """Any value, one reference a row."""

    def __init__(self, size: int = 0) -> None:
        self.values: list[Any] = [MISSING] * size

    def __len__(self) -> int:
        return len(self.values)

    def extend(self, values: list[Any]) -> bool:
        self.values.extend(values)
        return True

    def get(self, row: int) -> Any:
        value = self.values[row]
        if value is MISSING or isinstance(value, _IMMUTABLE):
            return value
        return copy.deepcopy(value)  # an impression list: the reader's own copy


class Category:
    """Strings kept once each; a 4-byte code a row (0: missing)."""

    def __init__(self, size: int = 0) -> None:
        self.codes = array("I", bytes(4 * size))
        self.values: list[Any] = [MISSING]
        self.index: dict[Any, int] = {MISSING: 0}

    def __len__(self) -> int:
        return len(self.codes)

    def extend(self, values: list[Any]) -> bool:
        get = self.index.get
        # Every value known: each is a string (or MISSING), as the index holds nothing else.
        # A new value's code is None (or it is unhashable): TypeError, and the slow path.
        try:
            self.codes.extend(array("I", map(get, values)))  # type: ignore[arg-type]
        except TypeError:  # new values: give each a code (a loop over the new ones only)
            if not set(map(type, values)) <= _STR:
                return False
            index = self.index
            for value in [v for v in dict.fromkeys(values) if v not in index]:  # first-seen order
                index[value] = len(self.values)
                self.values.append(value)
            self.codes.extend(array("I", map(get, values)))  # type: ignore[arg-type]
        return True

    def get(self, row: int) -> Any:
        return self.values[self.codes[row]]

    def code(self, value: Any) -> int | None:
        """The code of ``value``, None if no row holds it."""
        return self.index.get(value) if type(value) is str else None


class Numbers:
    """Floats (``time``: epoch seconds), 8 bytes a row; NaN marks a missing one."""

    def __init__(self, size: int = 0) -> None:
        self.values = array("d", [math.nan]) * size

    def __len__(self) -> int:
        return len(self.values)

    def extend(self, values: list[Any]) -> bool:
        if not set(map(type, values)) <= _FLOAT:
            return False
        floats = [math.nan if value is MISSING else value for value in values]
        if sum(value != value for value in floats) != values.count(MISSING):
            return False  # a NaN of its own would read back as missing
        self.values.extend(array("d", floats))
        return True

    def get(self, row: int) -> Any:
        value = self.values[row]
        return MISSING if value != value else value


class Integers:
    """Integers within 64 bits, 8 bytes a row."""

    def __init__(self, size: int = 0) -> None:
        self.values = array("q", [_NO_INT]) * size

    def __len__(self) -> int:
        return len(self.values)

    def extend(self, values: list[Any]) -> bool:
        if not set(map(type, values)) <= _INT:
            return False
        ints = [_NO_INT if value is MISSING else value for value in values]
        if ints.count(_NO_INT) != values.count(MISSING):
            return False
        try:
            self.values.extend(array("q", ints))
        except OverflowError:
            return False
        return True

    def get(self, row: int) -> Any:
        value = self.values[row]
        return MISSING if value == _NO_INT else value


Column = Objects | Category | Numbers | Integers
KINDS: dict[str, type[Column]] = {
    "object": Objects,
    "category": Category,
    "time": Numbers,
    "number": Numbers,
    "integer": Integers,
}


def compacted(column: Column, sources: bytearray) -> Column:
    """``column`` without the rows whose source is dead."""
    out = type(column)()
    if isinstance(column, Category):
        assert isinstance(out, Category)
        out.values, out.index = column.values, column.index
        out.codes = array("I", itertools.compress(column.codes, sources))
    elif isinstance(column, Objects):
        assert isinstance(out, Objects)
        out.values = list(itertools.compress(column.values, sources))
    else:
        out.values = array(column.values.typecode, itertools.compress(column.values, sources))
    return out
