"""CSV files read against a schema's typed fields, and written back as an export writes them."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_fake._domain import csv_import
from personalize_fake._domain.csv_import import CsvError, header_of, read_csv, write_csv
from personalize_fake._domain.fields import Field

ITEMS = (
    Field("ITEM_ID", "string"),
    Field("PRICE", "double", nullable=True),
    Field("STOCK", "long", nullable=True),
    Field("NEW", "boolean"),
    Field("GENRES", "string", nullable=True, categorical=True),
    Field("DESCRIPTION", "string", nullable=True, textual=True),
)


def rows(data: bytes, fields: tuple[Field, ...] = ITEMS, **options: Any) -> list[dict[str, Any]]:
    return [row for chunk in read_csv("f.csv", data, fields, **options) for row in chunk]


def test_cells_take_their_fields_types() -> None:
    """Numbers, booleans (any case, or 1/0), empty nullable cells as ``absent``, quoted text."""
    data = (
        b"ITEM_ID,PRICE,STOCK,NEW,GENRES,DESCRIPTION\n"
        b'a,2.5,3,TRUE,x|y,"says ""hi"", then \\"bye\\""\n'
        b"b,,,0,,\n"
    )
    assert rows(data, absent="-") == [
        {
            "ITEM_ID": "a",
            "PRICE": 2.5,
            "STOCK": 3,
            "NEW": True,
            "GENRES": "x|y",
            "DESCRIPTION": 'says "hi", then "bye"',
        },
        {
            "ITEM_ID": "b",
            "PRICE": "-",
            "STOCK": "-",
            "NEW": False,
            "GENRES": "-",
            "DESCRIPTION": "-",
        },
    ]


def test_header_in_any_case_and_order_and_nullable_columns_left_out() -> None:
    """Columns match fields whatever their case; a nullable field may have no column."""
    assert rows(b"new,item_id\n1,a\n") == [{"NEW": True, "ITEM_ID": "a"}]


def test_a_utf8_bom_is_dropped() -> None:
    """A file saved with a byte-order mark reads as one without."""
    assert rows(b"\xef\xbb\xbfITEM_ID,NEW\n\xc3\xa9,1\n") == [{"ITEM_ID": "é", "NEW": True}]


def test_floats_keeps_a_long_field_as_floats() -> None:
    """``floats`` names the fields kept as floats (TIMESTAMP, as recorded events keep it)."""
    fields = (Field("USER_ID", "string"), Field("TIMESTAMP", "long"))
    found = rows(b"USER_ID,TIMESTAMP\nu,7\n", fields, floats=frozenset({"TIMESTAMP"}))
    assert found == [{"USER_ID": "u", "TIMESTAMP": 7.0}]
    assert type(found[0]["TIMESTAMP"]) is float


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (b"a,x,1,true", "line 3, column PRICE: PRICE must be a number, not 'x'"),
        (b"a,nan,1,true", "line 3, column PRICE: PRICE must be a finite number, not 'nan'"),
        (b"a,1,1.5,true", "line 3, column STOCK: STOCK must be an integer, not '1.5'"),
        (b"a,1,1,yes", "line 3, column NEW: NEW must be true or false, not 'yes'"),
        (b"a,1,1,", "line 3, column NEW: NEW is required and the cell is empty"),
        (
            b"a,1,9223372036854775808,true",
            r"line 3, column STOCK: STOCK must fit a long, a 64-bit integer \(-2\*\*63 to "
            r"2\*\*63-1\), not 9223372036854775808",
        ),
    ],
)
def test_a_bad_cell_is_named_by_line_and_column(row: bytes, why: str) -> None:
    """The first bad cell is a CsvError naming the file, its line and its column."""
    data = b"ITEM_ID,PRICE,STOCK,NEW\nok,1,1,true\n" + row + b"\n"
    with pytest.raises(CsvError, match=f"^f.csv, {why}$"):
        rows(data)


def test_lines_are_counted_across_chunks_and_blank_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bad cell's line counts the header and blank lines, whatever chunk it falls in."""
    monkeypatch.setattr(csv_import, "CHUNK", 2)
    data = b'ITEM_ID,NEW,DESCRIPTION\na,1,"one line"\n\nb,0,\n\nc,1,\nd,maybe,\n'
    with pytest.raises(CsvError, match=r"^f.csv, line 7, column NEW: "):
        rows(data)


@pytest.mark.parametrize("chunk", [1, 2, csv_import.CHUNK])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_a_quoted_cell_holding_a_line_break_fails(
    monkeypatch: pytest.MonkeyPatch, chunk: int, newline: bytes
) -> None:
    """Each record must be on one line, as the developer guide says: a quoted cell that
    holds a line break fails, naming the line the record begins on."""
    monkeypatch.setattr(csv_import, "CHUNK", chunk)
    data = b'ITEM_ID,NEW,DESCRIPTION\na,1,x\n\nb,0,"two' + newline + b'lines"\nc,1,\n'
    with pytest.raises(CsvError, match=r"^f.csv, line 4: a quoted cell holds a line break"):
        rows(data)
    with pytest.raises(CsvError, match=r"^f.csv, line 1: a quoted cell holds a line break"):
        rows(b'ITEM_ID,"N\nEW"\na,1\n')


@pytest.mark.parametrize(
    ("field", "cell", "why"),
    [
        (Field("CREATION_TIMESTAMP", "long"), "1700000000000", "must be in epoch seconds"),
        (Field("CREATION_TIMESTAMP", "long"), "-1", "must be in epoch seconds"),
        (Field("N", "int"), "2147483648", "must fit a int, a 32-bit integer"),
        (Field("N", "long"), "-9223372036854775809", "must fit a long, a 64-bit integer"),
    ],
)
def test_integers_fit_their_type_and_creation_timestamp_is_seconds(
    field: Field, cell: str, why: str
) -> None:
    """CREATION_TIMESTAMP is epoch seconds like TIMESTAMP; a long is 64 bits, an int 32."""
    fields = (Field("ITEM_ID", "string"), field)
    with pytest.raises(CsvError, match=f"line 2, column {field.name}: {field.name} {why}"):
        rows(f"ITEM_ID,{field.name}\na,{cell}\n".encode(), fields)
    edge = "1700000000" if field.name == "CREATION_TIMESTAMP" else cell.replace("8", "7")[:-1]
    assert rows(f"ITEM_ID,{field.name}\na,{edge}\n".encode(), fields)[0][field.name] == int(edge)


def test_a_textual_field_holds_20000_characters_others_1000() -> None:
    """Lengths are checked per kind of field: ids 256, text 20,000, other strings 1,000."""
    text = "t" * 20_000
    assert rows(f"ITEM_ID,NEW,DESCRIPTION\na,1,{text}\n".encode())[0]["DESCRIPTION"] == text
    with pytest.raises(CsvError, match="column GENRES: Length cannot be more than 1000"):
        rows(f"ITEM_ID,NEW,GENRES\na,1,{'g' * 1001}\n".encode())


def test_header_of() -> None:
    """A file's columns as every file of a job must repeat them: stripped, upper case."""
    assert header_of(b" item_id ,New\n") == ["ITEM_ID", "NEW"]
    assert header_of(b"") is None
    with pytest.raises(CsvError, match="its columns \\[NEW, ITEM_ID\\] are not those"):
        rows(b"NEW,ITEM_ID\n", header=["ITEM_ID", "NEW"])


def test_an_export_reads_back_the_same() -> None:
    """write_csv writes the schema's columns (a PUT record's properties by camel case),
    each distinct record once, in a form read_csv loads to the same values."""
    records = [
        {"ITEM_ID": "a", "PRICE": 2.5, "STOCK": 3, "NEW": True, "DESCRIPTION": 'a "b", \\c'},
        {"ITEM_ID": "a", "PRICE": 2.5, "STOCK": 3, "NEW": True, "DESCRIPTION": 'a "b", \\c'},
        {"ITEM_ID": "b", "properties": '{"new": false, "genres": "x|y"}'},
    ]
    written = write_csv(ITEMS, records)
    assert written.splitlines()[0] == b"ITEM_ID,PRICE,STOCK,NEW,GENRES,DESCRIPTION"
    assert rows(written, absent=None) == [
        {
            "ITEM_ID": "a",
            "PRICE": 2.5,
            "STOCK": 3,
            "NEW": True,
            "GENRES": None,
            "DESCRIPTION": 'a "b", \\c',
        },
        {
            "ITEM_ID": "b",
            "PRICE": None,
            "STOCK": None,
            "NEW": False,
            "GENRES": "x|y",
            "DESCRIPTION": None,
        },
    ]
