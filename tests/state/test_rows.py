"""A dataset's rows kept column by column: what goes in reads back as it was, in order."""

from __future__ import annotations

import json

import pytest

from personalize_fake._domain.fields import Field, typed_fields
from personalize_fake._state import rows as rows_module
from personalize_fake._state.rows import BULK, PUT, Rows, layout_of

EVENT = {"trackingId": "t", "sessionId": "s", "USER_ID": "u", "TIMESTAMP": 1.5}


@pytest.mark.parametrize("batch", [1, 2, rows_module.BATCH])
def test_rows_read_back_as_appended_in_order(batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each row comes back as the dict it was, without the keys it lacked, in insertion order,
    however the rows were batched into columns."""
    monkeypatch.setattr(rows_module, "BATCH", batch)
    rows = Rows()
    sent = [
        {**EVENT, "ITEM_ID": "i1", "EVENT_TYPE": "click"},
        {"trackingId": "t", "sessionId": "s2", "TIMESTAMP": 2.0, "EVENT_VALUE": 9.5},
        {**EVENT, "properties": '{"a": 1}', "impression": ["i1", "i2"]},
        {"AGE": 2**70},
        {"AGE": 3, "USER_ID": "u"},
    ]
    for row in sent:
        rows.append(row)
    assert list(rows) == sent
    assert len(rows) == 5


@pytest.mark.parametrize(
    "values",
    [
        ["a", 1, True, 1.0, None],  # equal across types, but not the same value
        [1.5, 2, float("inf"), "x"],  # a time column given an int and a string
        [1, 2**70, -(2**63), True],  # an integer column given more than 64 bits
        ["a", ["b"], {"c": 1}],  # unhashable values in a category column
    ],
)
@pytest.mark.parametrize("name", ["USER_ID", "TIMESTAMP", "AGE", "other"])
def test_a_value_a_column_cannot_hold_reads_back_exactly(name: str, values: list[object]) -> None:
    """How a column is kept is only a saving: any value reads back equal and of its type."""
    rows = Rows(layout_of([Field("AGE", "long")]))
    rows.extend({name: value} for value in values)
    back = [row[name] for row in rows]
    assert back == values
    assert [type(v) for v in back] == [type(v) for v in values]


def test_mutable_values_read_back_as_copies() -> None:
    """Changing a row a reader got changes nothing kept."""
    rows = Rows()
    rows.append({"impression": ["a"], "metricAttribution": {"eventAttributionSource": "x"}})
    (row,) = rows
    row["impression"].append("b")
    row["metricAttribution"]["eventAttributionSource"] = "y"
    assert list(rows) == [
        {"impression": ["a"], "metricAttribution": {"eventAttributionSource": "x"}}
    ]


def test_keyed_rows_keep_every_record_and_the_newest_of_each_id() -> None:
    """With a key, every record is kept; the newest of each id, whichever its source, in the
    order they were last written, is ``newest``."""
    rows = Rows(key="ITEM_ID")
    rows.extend([{"ITEM_ID": "a", "properties": "{}"}, {"ITEM_ID": "b"}], BULK)
    rows.append({"ITEM_ID": "a"})
    rows.append({"ITEM_ID": "b", "n": 1}, BULK)
    assert list(rows) == [
        {"ITEM_ID": "a", "properties": "{}"},
        {"ITEM_ID": "b"},
        {"ITEM_ID": "a"},
        {"ITEM_ID": "b", "n": 1},
    ]
    assert [rows.row(i) for i in rows.newest()] == [{"ITEM_ID": "a"}, {"ITEM_ID": "b", "n": 1}]


def test_dropping_a_source_leaves_the_other_sources_newest() -> None:
    """A FULL import drops the BULK records: an id's PUT record is its newest again."""
    rows = Rows(key="ITEM_ID")
    rows.append({"ITEM_ID": "a", "v": "put"})
    rows.extend([{"ITEM_ID": "a", "v": "bulk"}, {"ITEM_ID": "b", "v": "bulk"}], BULK)
    assert rows.drop(BULK) == 2
    assert [rows.row(i) for i in rows.newest()] == [{"ITEM_ID": "a", "v": "put"}]
    assert rows.drop_where("ITEM_ID", ["a"]) == 1
    assert rows.newest() == []


def test_dropped_rows_are_removed_once_most_are_dead() -> None:
    """Dead rows are removed once they are most of the container; what is live stays."""
    rows = Rows(layout_of([Field("N", "long")]), key="USER_ID")
    for n in range(5000):
        rows.append({"USER_ID": f"u{n % 10}", "N": n, "o": [n]}, BULK if n % 4 else PUT)
    assert rows.drop(BULK) == 3750
    assert len(rows.sources) == 1250
    assert list(rows) == [{"USER_ID": f"u{n % 10}", "N": n, "o": [n]} for n in range(0, 5000, 4)]
    assert [rows.row(i)["N"] for i in rows.newest()] == [4980, 4984, 4988, 4992, 4996]
    assert rows.drop_where("USER_ID", ["u0", "u2", "u4"]) == 750
    assert len(rows.sources) == 500
    assert [rows.row(i)["N"] for i in rows.newest()] == [4988, 4996]
    assert set(rows.sources) == {PUT}


def test_where_selects_rows_by_a_column_value() -> None:
    """Rows of one tracking ID (a category column) or any other column's value, in order."""
    rows = Rows()
    rows.extend(
        {**EVENT, "trackingId": t, "eventId": e} for t, e in zip("abab", "wxyz", strict=True)
    )
    assert [r["eventId"] for r in rows.where("trackingId", "b")] == ["x", "z"]
    assert [r["trackingId"] for r in rows.where("eventId", "y")] == ["a"]
    assert list(rows.where("trackingId", "c")) == []
    assert list(rows.where("trackingId", ["unhashable"])) == []
    assert list(rows.where("nothing", "a")) == []


def test_sources_say_where_each_row_came_from() -> None:
    """An import's rows are BULK, recorded ones PUT, in the order they came."""
    rows = Rows()
    rows.append(EVENT)
    rows.extend([EVENT, EVENT], BULK)
    assert list(rows.sources) == [PUT, BULK, BULK]


SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Items",
        "fields": [
            {"name": "ITEM_ID", "type": "string"},
            {"name": "GENRE", "type": ["null", "string"], "categorical": True},
            {"name": "PRICE", "type": "float"},
            {"name": "STOCK", "type": {"type": "long"}},
            {"name": "NEW", "type": "boolean"},
            {"name": "DESCRIPTION", "type": ["null", "string"], "textual": True},
            {"name": "TAGS", "type": {"type": "array", "items": "string"}},
        ],
    }
)


def test_a_schema_is_typed_once() -> None:
    """Each field's kind, nullability and flags; the same text gives the same tuple."""
    fields = typed_fields(SCHEMA)
    assert fields == (
        Field("ITEM_ID", "string"),
        Field("GENRE", "string", nullable=True, categorical=True),
        Field("PRICE", "float"),
        Field("STOCK", "long"),
        Field("NEW", "boolean"),
        Field("DESCRIPTION", "string", nullable=True, textual=True),
        Field("TAGS", "other"),
    )
    assert typed_fields(SCHEMA) is fields
    layout = layout_of(fields)
    assert (layout["GENRE"], layout["PRICE"], layout["STOCK"]) == ("category", "number", "integer")
    assert "DESCRIPTION" not in layout  # free text: one reference a row, not a dictionary


@pytest.mark.parametrize(
    ("field", "cell", "value"),
    [
        (Field("A", "long"), "42", 42),
        (Field("A", "double"), "2.5", 2.5),
        (Field("A", "boolean"), "TRUE", True),
        (Field("A", "string"), "", ""),
        (Field("A", "long", nullable=True), "", None),
        (Field("A", "string", nullable=True), "", None),
    ],
)
def test_a_csv_cell_takes_its_fields_type(field: Field, cell: str, value: object) -> None:
    """A cell becomes the field's value; empty is None when the field is nullable."""
    assert field.convert(cell) == value


@pytest.mark.parametrize(
    ("field", "cell", "why"),
    [
        (Field("A", "long"), "4.5", "A must be an integer, not '4.5'"),
        (Field("A", "float"), "x", "A must be a number, not 'x'"),
        (Field("A", "boolean"), "yes", "A must be true or false, not 'yes'"),
        (Field("A", "long"), "", "A is required and the cell is empty"),
    ],
)
def test_a_bad_csv_cell_says_why(field: Field, cell: str, why: str) -> None:
    """A cell not of its field's type is a ValueError naming the field and the cell."""
    with pytest.raises(ValueError, match=why):
        field.convert(cell)
