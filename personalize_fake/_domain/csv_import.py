"""CSV files checked against a schema's typed fields, as an import job reads them, and
written back as an export job writes them.

The rules are the developer guide's: UTF-8; the first line names the columns, matched to
the schema's fields whatever their case, each at most once (names that are the same
letters and digits count as one: ``GENRES_FIELD_1`` and ``GENRESFIELD1``); every field
that is not nullable has its column; every file of one job has the same columns; each
record is one line of as many cells as there are columns (a quoted cell holds no line
break); ``TIMESTAMP`` and ``CREATION_TIMESTAMP`` are epoch seconds; a ``long`` is 64 bits, an
``int`` 32 (Avro's);
booleans are ``true``/``false`` (any case) or ``1``/``0``; an empty cell of a nullable
field is no value; ids are at most 256 characters, other strings 1,000, textual fields
20,000; a ``\\`` escapes a quote in a quoted cell.

A file is read a chunk of records at a time, one column at a time (``map(int, column)``
runs in C), so a million rows cost seconds, and a chunk is made into row dicts only once
it is all valid. The first problem is a :class:`CsvError` naming the file, the line and
the column; a caller that loads rows only once every chunk is read loads nothing of a
file that fails.

An export (:func:`write_csv`) writes a header of the schema's field names in their order;
a row's value for a field is its column of that name, or, for a record PutUsers/PutItems/
PutEvents sent, the member of its ``properties`` JSON naming the field in camel case
(``numRatings`` for ``NUM_RATINGS``, matched by ``members.property_key``, the mapping the
handle's readers use too), as the service maps them. ``TIMESTAMP`` is whole
epoch seconds, booleans ``true``/``false``, a missing value an empty cell; records that
match on every field are written once. What it writes, :func:`read_csv` reads back.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice, repeat
from typing import Any

from personalize_fake._domain.fields import Field
from personalize_fake._domain.members import property_key

CHUNK = 16_384
"""Records converted at once: enough for the column passes to run in C, few enough that a
chunk's cells and dicts (the only copy of the text held) stay about ten megabytes."""

ID_FIELDS = frozenset({"USER_ID", "ITEM_ID", "ACTION_ID"})
ID_LIMIT = 256
TEXT_LIMIT = 20_000
STRING_LIMIT = 1_000
LATEST_SECOND = 253_402_300_799
"""The last second of year 9999: a larger ``TIMESTAMP`` is not epoch seconds (milliseconds?)."""
EPOCH_FIELDS = frozenset({"TIMESTAMP", "CREATION_TIMESTAMP"})
"""Fields the developer guide says are Unix epoch seconds."""
INTEGER_BITS = {"long": 64, "int": 32}
"""Avro's integers: what a ``long`` or ``int`` field holds."""
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


class CsvError(Exception):
    """The first problem of a file, as ``<file>, line <n>, column <NAME>: <why>``."""


def _key(name: str) -> str:
    """What makes two column names the same to the service: their letters and digits."""
    return "".join(c for c in name.upper() if c.isalnum())


def _limit(field: Field) -> int:
    if field.name in ID_FIELDS:
        return ID_LIMIT
    return TEXT_LIMIT if field.textual else STRING_LIMIT


def _columns(name: str, header: list[str], fields: Sequence[Field]) -> list[Field]:
    """The field of each column of ``header``, or CsvError for a wrong header."""
    by_name = {field.name.upper(): field for field in fields}
    seen: dict[str, str] = {}
    out = []
    unknown = []
    for cell in header:
        column = cell.strip()
        twin = seen.get(_key(column))
        if twin is not None:
            raise CsvError(
                f"{name}, line 1: the columns {twin} and {column} are the same name to "
                "Amazon Personalize (column names must differ in their letters and digits)"
            )
        seen[_key(column)] = column
        field = by_name.get(column.upper())
        if field is None:
            unknown.append(column)
        else:
            out.append(field)
    if unknown:
        raise CsvError(
            f"{name}, line 1: Input CSV has columns the schema does not have: "
            f"[{', '.join(unknown)}] (its fields: {', '.join(f.name for f in fields)})"
        )
    present = {field.name for field in out}
    missing = [f.name for f in fields if not f.nullable and f.name not in present]
    if missing:
        raise CsvError(
            f"{name}, line 1: Input CSV is missing the following columns: [{', '.join(missing)}]"
        )
    return out


def _convert_cell(field: Field, cell: str, absent: Any, as_float: bool) -> Any:
    """One cell as its field's value (ValueError saying why not): the slow path that names a
    bad cell, and the definition the column passes of :func:`_convert_column` keep to."""
    if field.kind == "boolean" and cell.lower() in ("1", "0"):
        return cell == "1"
    value = field.convert(cell)
    if value is None:
        return absent
    if field.kind == "string":
        if value == "" and field.name in ID_FIELDS:
            raise ValueError(f"{field.name} is required and the cell is empty")
        limit = _limit(field)
        if len(value) > limit:
            raise ValueError(
                f"Length cannot be more than {limit} characters for {field.name}. If no values "
                "exceed the character limit, make sure your data follows the formatting "
                "guidelines listed in "
                "https://docs.aws.amazon.com/personalize/latest/dg/data-prep-formatting.html."
            )
    elif field.kind in ("float", "double") and not math.isfinite(value):
        raise ValueError(f"{field.name} must be a finite number, not {cell!r}")
    elif field.kind in INTEGER_BITS and not _fits(field.kind, value, value):
        bits = INTEGER_BITS[field.kind]
        raise ValueError(
            f"{field.name} must fit a {field.kind}, a {bits}-bit integer (-2**{bits - 1} to "
            f"2**{bits - 1}-1), not {cell}"
        )
    if field.name in EPOCH_FIELDS and not 0 <= value <= LATEST_SECOND:
        raise ValueError(
            f"{field.name} must be in epoch seconds (0 to {LATEST_SECOND}), not {cell}"
        )
    return float(value) if as_float else value


def _fits(kind: str, low: int, high: int) -> bool:
    """Whether integers from ``low`` to ``high`` fit a ``long`` or ``int`` field."""
    half = 1 << (INTEGER_BITS[kind] - 1)
    return -half <= low and high < half


def _convert_column(field: Field, cells: tuple[str, ...], absent: Any, as_float: bool) -> list[Any]:
    """A column's cells as values, in C where it can; ValueError on the first bad cell (the
    caller then finds it with :func:`_convert_cell`)."""
    if not cells:
        return []
    if field.kind == "other" or ("" in cells and not field.nullable):
        return [_convert_cell(field, cell, absent, as_float) for cell in cells]
    if "" in cells:  # a nullable field's empty cells: convert the others, in C
        present = iter(_convert_column(field, tuple(c for c in cells if c), absent, as_float))
        return [next(present) if cell else absent for cell in cells]
    kind = field.kind
    values: list[Any]
    if kind == "string":
        if max(map(len, cells)) > _limit(field):
            raise ValueError("too long")
        return list(cells)
    if kind in ("long", "int"):
        values = list(map(int, cells))
        low, high = min(values), max(values)
        if not _fits(kind, low, high):
            raise ValueError("out of range")
        if field.name in EPOCH_FIELDS and not 0 <= low <= high <= LATEST_SECOND:
            raise ValueError("out of range")
    elif kind in ("float", "double"):
        values = list(map(float, cells))
        if not all(map(math.isfinite, values)):
            raise ValueError("not finite")
    else:  # boolean
        values = [_BOOLEANS[cell.lower()] for cell in cells]
    return list(map(float, values)) if as_float else values


def _decoded(data: bytes) -> io.TextIOBase:
    """The file as text, decoded as it is read (a BOM dropped); a wrapper over the bytes,
    not a copy of them."""
    stream = io.BytesIO(data)
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def _reader(text: io.TextIOBase) -> Any:
    return csv.reader(text, strict=True, escapechar="\\", doublequote=True)


_ONE_LINE = "{name}, line {line}: a quoted cell holds a line break; each record must be on one line"


def _broken_line(data: bytes) -> int:
    """The line where the first record that spans several lines begins."""
    reader = _reader(_decoded(data))
    lines = 0
    for _ in reader:
        if reader.line_num != lines + 1:
            return lines + 1
        lines = reader.line_num
    raise AssertionError("no record spans lines")


def _line_of(data: bytes, record: int) -> int:
    """The line the ``record``-th record (0: the header) ends on: found again only when a
    record is bad, so reading costs nothing per record."""
    reader = _reader(_decoded(data))
    for _ in islice(reader, record + 1):
        pass
    return int(reader.line_num)


def read_csv(
    name: str,
    data: bytes,
    fields: Sequence[Field],
    *,
    absent: Any = None,
    floats: frozenset[str] = frozenset(),
    header: list[str] | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """The records of one CSV file as chunks of row dicts keyed by the schema's field names.

    Args:
        name: how messages name the file (its ``s3://`` location).
        data: the file's bytes.
        fields: the schema's typed fields.
        absent: the value of an empty cell of a nullable field.
        floats: fields kept as floats even when the schema says long (``TIMESTAMP``, as
            recorded events keep it).
        header: the columns of a job's first file, which every other must repeat.

    Raises:
        CsvError: at the first problem (from the generator, as the chunks are read).
    """
    reader = _reader(_decoded(data))
    record = 0
    try:
        first = next(reader, None)
        if first is None:
            raise CsvError(f"{name}: the file is empty; its first line must name the columns")
        if header is not None and [c.strip().upper() for c in first] != header:
            raise CsvError(
                f"{name}, line 1: its columns [{', '.join(first)}] are not those of the "
                f"job's first file [{', '.join(header)}]; every file must have the same columns"
            )
        if reader.line_num != 1:
            raise CsvError(_ONE_LINE.format(name=name, line=1))
        columns = _columns(name, first, fields)
        names = [field.name for field in columns]
        width = len(columns)
        while True:
            lines = reader.line_num
            records = list(islice(reader, CHUNK))
            if not records:
                return
            if reader.line_num - lines != len(records):  # a quoted cell held a line break
                raise CsvError(_ONE_LINE.format(name=name, line=_broken_line(data)))
            start = record
            record += len(records)
            positions: Sequence[int] = range(len(records))
            lengths = set(map(len, records))
            if 0 in lengths:  # blank lines: no record
                positions = [i for i, r in enumerate(records) if r]
                records = [records[i] for i in positions]
                lengths.discard(0)

            def line(at: int, start: int = start, positions: Sequence[int] = positions) -> int:
                return _line_of(data, start + positions[at] + 1)

            if lengths - {width}:
                at = next(i for i, r in enumerate(records) if len(r) != width)
                raise CsvError(
                    f"{name}, line {line(at)}: {len(records[at])} cells where the header names "
                    f"{width} columns (a record must be one line, its cells separated by commas)"
                )
            if not records:
                continue
            values = []
            for field, column in zip(columns, zip(*records, strict=True), strict=True):
                as_float = field.name in floats
                try:
                    values.append(_convert_column(field, column, absent, as_float))
                except (ValueError, KeyError):
                    _raise_at(name, line, field, column, absent, as_float)
            yield list(map(dict, map(zip, repeat(names), zip(*values, strict=True))))
    except csv.Error as exc:
        raise CsvError(f"{name}, line {reader.line_num}: the CSV is malformed ({exc})") from None
    except UnicodeDecodeError as exc:
        raise CsvError(
            f"{name}: not UTF-8 text (byte {exc.start} cannot be decoded); save it as UTF-8"
        ) from None


def _raise_at(
    name: str,
    line: Callable[[int], int],
    field: Field,
    column: tuple[str, ...],
    absent: Any,
    as_float: bool,
) -> None:
    """Find the bad cell of ``column`` (``line`` says where a cell of it is) and raise its
    CsvError."""
    for at, cell in enumerate(column):
        try:
            _convert_cell(field, cell, absent, as_float)
        except ValueError as exc:
            raise CsvError(f"{name}, line {line(at)}, column {field.name}: {exc}") from None
    raise AssertionError("a column failed its fast check but no cell fails alone")


def header_of(data: bytes) -> list[str] | None:
    """A file's column names as every other file of its job must repeat them (upper case,
    stripped), or None for a file that has none (:func:`read_csv` says what is wrong)."""
    try:
        first = next(_reader(_decoded(data)), None)
    except (csv.Error, UnicodeDecodeError):
        return None
    return None if first is None else [cell.strip().upper() for cell in first]


# -- writing: what an export job writes ----------------------------------------------


def _cell(value: Any, field: Field) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and (field.kind in ("long", "int") or field.name == "TIMESTAMP"):
        return str(whole(value))
    return str(value)


def whole(value: float) -> int | float:
    """A float as an export writes a TIMESTAMP or integer field: a whole one as an int
    (``1704067200``, not ``1704067200.0``)."""
    return int(value) if value.is_integer() else value


def _properties(row: Mapping[str, Any]) -> dict[str, Any]:
    text = row.get("properties")
    if not isinstance(text, str):
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return {property_key(k): v for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def write_csv(fields: Sequence[Field], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The rows as one UTF-8 CSV file with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", escapechar="\\", doublequote=True)
    writer.writerow([field.name for field in fields])
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        properties = _properties(row) if "properties" in row else {}
        cells = tuple(
            _cell(row[f.name] if f.name in row else properties.get(property_key(f.name)), f)
            for f in fields
        )
        if cells not in seen:
            seen.add(cells)
            writer.writerow(cells)
    return out.getvalue().encode()
