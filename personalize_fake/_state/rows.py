"""A dataset's rows, column by column: what PutEvents, the Put calls and imports load.

A million recorded events must fit in a few hundred megabytes, so a row is not a
dict: each column is one list or array, and a row is made into a dict only when a
reader asks for it. Ids, event types and other repeated strings are kept once,
with a 4-byte code per row (``category``); times and numbers are 8 bytes a row
(``time``, ``number``, ``integer``). Anything else (a JSON ``properties`` string,
an ``impression`` list) is one reference a row (``object``). How a column is
kept is only a saving: a value it cannot hold turns it into an ``object``
column, so every value reads back as it was put.

Every row carries its source (PUT or BULK: what export jobs select by) or is
dead (dropped by a FULL import or a data deletion job; dead rows are removed once
they are most of the container). A Users, Items or Actions dataset keeps every
record too, a repeated id included (a BULK or PUT export writes them all); its
newest record of each id, whichever the source, is :meth:`Rows.newest`, found
through an index of each id's last live row.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from personalize_fake._domain.fields import Field
from personalize_fake._state.columns import (
    KINDS,
    MISSING,
    Category,
    Column,
    Numbers,
    Objects,
    compacted,
)

PUT = 1
"""A row that came from a personalize-events call."""
BULK = 2
"""A row that came from an import job."""
_DEAD = 0

DEFAULT_LAYOUT = {
    "trackingId": "category",
    "sessionId": "category",
    "USER_ID": "category",
    "ITEM_ID": "category",
    "ACTION_ID": "category",
    "EVENT_TYPE": "category",
    "TIMESTAMP": "time",
    "EVENT_VALUE": "number",
}
"""How the columns every dataset type may have are kept, whatever its schema says."""

_NO_RENAMES: Mapping[str, str] = MappingProxyType({})
BATCH = 65_536
"""Rows waiting as dicts before they are added to the columns all at once (or at the first
read): a PutEvents call only appends its rows to a list. Converting costs about 1 µs an
event, one pass per column; paid every ``BATCH`` rows, a test recording a few thousand
events never pays it on its calls, and a million events wait as at most ~30 MB of dicts."""
COMPACT = 1024
"""A container removes its dead rows once it has more than this many rows, most dead."""


def layout_of(fields: Iterable[Field]) -> dict[str, str]:
    """How to keep each column of a dataset whose schema has ``fields``."""
    layout = {}
    for field in fields:
        if field.kind == "string" and not field.textual:
            layout[field.name] = "category"
        elif field.kind in ("long", "int"):
            layout[field.name] = "integer"
        elif field.kind in ("float", "double"):
            layout[field.name] = "number"
    return {**layout, **DEFAULT_LAYOUT}


class Rows:
    """The rows of one dataset, in the order they were added.

    Args:
        layout: how to keep each column by name (:func:`layout_of`); others are ``object``.
        key: for Users, Items and Actions datasets, the column that identifies a record:
            every row is kept, and :meth:`newest` is the last row of each id.
    """

    def __init__(self, layout: Mapping[str, str] = DEFAULT_LAYOUT, key: str | None = None) -> None:
        self.layout = layout
        self.key = key
        self._columns: dict[str, Column] = {}
        self._sources = bytearray()
        self._live = 0
        self._ids: dict[Any, int] = {}  # with a key: each id's last live row
        self._pending: list[Mapping[str, Any]] = []
        self._pending_sources = bytearray()
        self._pending_names: Mapping[str, str] = _NO_RENAMES
        self._appended = 0
        self._seq: array[int] | None = None
        """Each row's sequence number, once compaction removed rows (until then, its index)."""
        self.generation = 0
        """Counts the drops (FULL imports, deletion jobs): an index of rows by position,
        such as the runtime's, is stale once it moves."""

    def __len__(self) -> int:
        self._flush()
        return self._live

    @property
    def appended(self) -> int:
        """Rows ever added: a row's sequence number is how many came before it, so a reader
        can mark a moment (training's end) and later tell the rows added since."""
        self._flush()
        return self._appended

    @property
    def sources(self) -> bytearray:
        """Per row: PUT, BULK, or 0 for a dead row (do not change it)."""
        self._flush()
        return self._sources

    def append(self, row: Mapping[str, Any], source: int = PUT) -> None:
        """Add one row."""
        self.extend((row,), source)

    def extend(
        self,
        rows: Iterable[Mapping[str, Any]],
        source: int = PUT,
        names: Mapping[str, str] = _NO_RENAMES,
    ) -> None:
        """Add rows in order.

        ``names`` renames keys to columns (``itemId`` to ``ITEM_ID``): done once per column
        when the rows are added to the columns, instead of once per row by the caller (a
        PutEvents call hands its events as they came off the wire). Pass one constant mapping
        (a new one each call would add each call's rows to the columns alone); not for a keyed
        container.
        """
        if names is not self._pending_names:
            self._flush()  # one renaming per batch
            self._pending_names = names
        pending = self._pending
        before = len(pending)
        pending.extend(rows)
        self._pending_sources.extend(bytes((source,)) * (len(pending) - before))
        if len(pending) >= BATCH:
            self._flush()

    def flush(self) -> None:
        """Add the rows waiting as dicts to the columns now, rather than at the next read or
        ``BATCH`` rows (an import frees each chunk's dicts this way)."""
        self._flush()

    def _flush(self) -> None:
        """Add the pending rows to the columns, one pass per column."""
        batch = self._pending
        if not batch:
            return
        self._pending = []
        size = len(self._sources)
        columns = self._columns
        renamed, self._pending_names = self._pending_names, _NO_RENAMES
        for key in dict.fromkeys(itertools.chain.from_iterable(batch)):
            try:  # in C when every row has the field, as most do
                values = list(map(operator.itemgetter(key), batch))
            except KeyError:
                values = [row.get(key, MISSING) for row in batch]
            name = renamed.get(key, key)
            column = columns.get(name)
            if column is None:
                column = columns[name] = KINDS[self.layout.get(name, "object")](size)
            if not column.extend(values):  # a value it cannot hold: keep every value as it is
                objects = columns[name] = Objects()
                objects.values = [column.get(i) for i in range(size)]
                objects.extend(values)
        total = size + len(batch)
        for column in columns.values():  # the columns no pending row has
            if len(column) < total:
                column.extend([MISSING] * len(batch))
        self._sources.extend(self._pending_sources)
        self._pending_sources = bytearray()
        self._live += len(batch)
        if self._seq is not None:
            self._seq.extend(range(self._appended, self._appended + len(batch)))
        self._appended += len(batch)
        if self.key is not None:
            self._index(list(map(operator.itemgetter(self.key), batch)), size)

    def _index(self, ids: list[Any], start: int) -> None:
        """Note the live rows from ``start`` on (of ``ids``) as the last of their ids."""
        pairs = zip(ids, range(start, start + len(ids)), strict=True)
        live = self._sources[start:]
        self._ids.update(itertools.compress(pairs, live) if _DEAD in live else pairs)

    def newest(self) -> list[int]:
        """With a key, the rows that are the newest live record of their id, whichever the
        source, in the order they were added: what an ALL export writes and the handle
        reads. Without one, every live row."""
        self._flush()
        if self.key is None:
            return list(itertools.compress(range(len(self._sources)), self._sources))
        return sorted(self._ids.values())

    def _dropped(self) -> None:
        """After rows died: remove the dead once they are most of the container (one pass a
        column, in C), and index the ids again."""
        self.generation += 1
        sources = self._sources
        if len(sources) > COMPACT and self._live * 2 < len(sources):
            for name, column in self._columns.items():
                self._columns[name] = compacted(column, sources)
            numbers = self._seq if self._seq is not None else range(len(sources))
            self._seq = array("Q", itertools.compress(numbers, sources))
            self._sources = sources = bytearray(itertools.compress(sources, sources))
        if self.key is not None:
            self._ids = {}
            key = self._columns.get(self.key)
            if key is not None:
                self._index(list(map(key.get, range(len(sources)))), 0)

    def row(self, index: int) -> dict[str, Any]:
        """Row ``index`` (dead or alive) as a dict of the fields it holds, fresh each time."""
        self._flush()
        out = {}
        for name, column in self._columns.items():
            value = column.get(index)
            if value is not MISSING:
                out[name] = value
        return out

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """The live rows as dicts, in order."""
        self._flush()
        sources = self._sources
        return (self.row(i) for i in range(len(sources)) if sources[i])

    def where(self, name: str, value: Any) -> Iterator[dict[str, Any]]:
        """The live rows whose column ``name`` holds ``value``, as dicts, in order."""
        self._flush()
        column = self._columns.get(name)
        sources = self._sources
        if column is None:
            return iter(())
        if isinstance(column, Category):
            code = column.code(value)
            if code is None:
                return iter(())
            codes = column.codes
            return (self.row(i) for i in range(len(sources)) if sources[i] and codes[i] == code)
        return (self.row(i) for i in range(len(sources)) if sources[i] and column.get(i) == value)

    def column(self, name: str) -> list[Any]:
        """Column ``name`` of every live row, in order (:data:`MISSING` where a row lacks it):
        one column read without building a dict a row (a solution version counts a million
        interactions' users this way in a fraction of a second)."""
        self._flush()
        sources = self._sources
        column = self._columns.get(name)
        if column is None:
            return [MISSING] * self._live
        if isinstance(column, Category):
            values = list(map(column.values.__getitem__, column.codes))
        else:
            values = list(map(column.get, range(len(sources))))
        if self._live != len(sources):
            values = list(itertools.compress(values, sources))
        return values

    # -- reads by position, for the recommendation engine --------------------------------

    def position(self, mark: int) -> int:
        """The index of the first row added at or after ``mark`` (an earlier ``appended``):
        the rows before it are those that were there then, less the dropped."""
        self._flush()
        if self._seq is None:
            return min(mark, len(self._sources))
        return bisect.bisect_left(self._seq, mark)

    def sequence(self, index: int) -> int:
        """Row ``index``'s sequence number (how many rows were added before it)."""
        return index if self._seq is None else self._seq[index]

    def encoded(self, name: str, stop: int | None = None) -> tuple[array[int], list[Any]]:
        """Column ``name`` of the live rows before index ``stop`` as codes into a table of
        its distinct values (code 0: :data:`MISSING`): what the recommendation engine trains
        from, without a string a row."""
        self._flush()
        column = self._columns.get(name)
        sources = self._sources[:stop]
        if isinstance(column, Category):
            codes = column.codes[:stop]
            table = column.values
        else:
            index: dict[Any, int] = {MISSING: 0}
            values = self.column_raw(name, 0, stop)
            codes = array("I", [index.setdefault(v, len(index)) for v in values])
            table = list(index)
        if _DEAD in sources:
            codes = array("I", itertools.compress(codes, sources))
        return codes, table

    def floats(self, name: str, stop: int | None = None) -> array[float]:
        """Column ``name`` of the live rows before index ``stop`` as 8-byte floats (NaN
        where a row has none, or its value is not a number), without an object a row."""
        self._flush()
        column = self._columns.get(name)
        sources = self._sources[:stop]
        if isinstance(column, Numbers):
            values = column.values[:stop]
        else:
            raw = self.column_raw(name, 0, stop)
            number = (int, float)
            values = array("d", [float(v) if type(v) in number else math.nan for v in raw])
        if _DEAD in sources:
            values = array("d", itertools.compress(values, sources))
        return values

    def column_raw(self, name: str, start: int = 0, stop: int | None = None) -> list[Any]:
        """Column ``name`` of rows ``start`` to ``stop``, dead ones included (:data:`MISSING`
        where absent): only those rows are read."""
        self._flush()
        end = len(self._sources) if stop is None else min(stop, len(self._sources))
        column = self._columns.get(name)
        if column is None:
            return [MISSING] * max(0, end - start)
        if isinstance(column, Category):
            return list(map(column.values.__getitem__, column.codes[start:end]))
        return list(map(column.get, range(start, end)))

    def value(self, name: str, index: int) -> Any:
        """Column ``name`` of row ``index`` (:data:`MISSING` where absent)."""
        self._flush()
        column = self._columns.get(name)
        return MISSING if column is None else column.get(index)

    def newest_row(self, key: Any) -> dict[str, Any] | None:
        """With a key, the newest live record of the id ``key`` as a dict, None without one."""
        self._flush()
        index = self._ids.get(key)
        return None if index is None else self.row(index)

    def ids(self) -> list[Any]:
        """With a key, every id that has a live record."""
        self._flush()
        return list(self._ids)

    def drop(self, source: int) -> int:
        """Mark every live row from ``source`` dead (a FULL import replaces the BULK rows and
        keeps the PUT ones); return how many. One pass in C over the sources."""
        self._flush()
        before = self._live
        table = bytes(_DEAD if i == source else i for i in range(256))
        self._sources = bytearray(self._sources.translate(table))
        self._live = len(self._sources) - self._sources.count(_DEAD)
        if before != self._live:
            self._dropped()
        return before - self._live

    def drop_where(self, name: str, values: Collection[Any]) -> int:
        """Mark every live row whose column ``name`` holds one of ``values`` dead (a data
        deletion job's users); return how many."""
        self._flush()
        column = self._columns.get(name)
        if column is None or not values:
            return 0
        sources, dropped = self._sources, 0
        if isinstance(column, Category):
            codes = {c for c in map(column.code, values) if c is not None}
            matches: Iterable[int] = (i for i, c in enumerate(column.codes) if c in codes)
        else:
            wanted = set(values)
            matches = (i for i in range(len(sources)) if column.get(i) in wanted)
        for at in matches:
            if sources[at]:
                sources[at] = _DEAD
                dropped += 1
        self._live -= dropped
        if dropped:
            self._dropped()
        return dropped
