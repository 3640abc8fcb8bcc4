"""A request's ``filterValues``, read: JSON strings or numbers inside each value's string,
and what the values match in a record's field (text, numbers, multi-valued categories).

Kept apart from the evaluation (``filter_eval``) because both a filter's placeholders and
a batch segment job's ``itemAttributes`` read values this way; parsed values are cached,
as requests repeat theirs.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from typing import Any

import attrs

from personalize_fake._errors import InvalidInput


class FilterValueError(InvalidInput):
    """A request's ``filterValues`` (or ``itemAttributes``) cannot be used: InvalidInput."""


@attrs.frozen
class Wanted:
    """Values an ``IN`` or ``=`` matches: as text, and as numbers for numeric fields."""

    texts: frozenset[str]
    numbers: frozenset[int | float]

    @classmethod
    def of(cls, texts: Sequence[str], numbers: Sequence[int | float] = ()) -> Wanted:
        found = {n for n in map(number, texts) if n is not None}
        return cls(frozenset(texts), frozenset((*found, *numbers)))

    def match(self, value: Any) -> bool | None:
        """Whether ``value`` (a record's field) holds a wanted value; None when it is empty."""
        if value is None or value == "":
            return None
        if isinstance(value, str):
            if "|" in value:
                return not self.texts.isdisjoint(value.split("|"))
            return value in self.texts
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value in self.numbers
        return str(value) in self.texts


@functools.lru_cache(maxsize=1024)
def given(values: tuple[str | int | float, ...]) -> Wanted:
    """What a placeholder's values match (cached: requests repeat their values)."""
    texts = [v if isinstance(v, str) else json.dumps(v) for v in values]
    return Wanted.of(texts, [v for v in values if not isinstance(v, str)])


_NUMBER = re.compile(r"\s*-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*")


def number(text: str) -> int | float | None:
    """``text`` as a number when it reads as one, else None."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    if match.group(1) is None and match.group(2) is None:
        return int(text)
    return float(text)


def numeric(value: Any) -> int | float | None:
    """A record's value as a number, or None (a stored numeric string counts)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return number(value)
    return None


EXAMPLE = '"\\"comedy\\",\\"drama\\""'


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
"""JSON without NaN and Infinity; one decoder, as ``json.loads`` builds one a call."""


@functools.lru_cache(maxsize=1024)
def parse_values(name: str, raw: str) -> tuple[str | int | float, ...]:
    """The values of ``filterValues[name]``: JSON strings or numbers separated by commas."""
    try:
        parsed = _DECODER.decode(f"[{raw}]")
    except ValueError:
        parsed = None
    if not parsed or not all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in parsed
    ):
        raise FilterValueError(
            f"filterValues {name!r} is {raw!r}: give one value or more, each a string in "
            f"double quotes or a number, separated by commas, such as {EXAMPLE}."
        )
    return tuple(parsed)
