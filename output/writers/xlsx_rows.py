"""An xlsx sheet's data rows as XML, a slice of an Arrow chunk at a time, column by column.

The panel alone is some 330 columns a row: a national workbook is hundreds of millions of
cells, and formatting each one in Python (a call, a format string, a reference) was most of
the workbook's time. Here each column becomes the ``<c>`` elements of all its rows at once —
numbers and booleans formatted by Arrow, the cell references joined by Arrow — and the rows
are joined column to column by Arrow too; only text goes through Python, once per distinct
value of a slice, because what Excel needs of it (pinned as text, an error word, characters
XML cannot hold) is decided per value. The XML is what openpyxl's write-only writer makes of the same values
(see :mod:`output.writers.xlsx`), byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from output.columns import BOOLEAN, INTEGER, NUMBER, Column

SLICE_CELLS = 100_000  # cells formatted at once (bounds the XML held in memory)
_INT_EXACT = 2**53  # below it an integer is exactly a float, and "%.16g" gives its digits
_INT_NUMBER = 1e15  # a float below it with no fraction is written as an integer

TextCell = Callable[[object], str]  # a text value → what follows the reference in its <c>


def rows_xml(
    table: pa.Table, columns: list[Column], letters: list[str], texts: list, first: int
) -> Iterator[bytes]:
    """The ``<row>`` elements of ``table``'s rows, numbered from ``first``, a slice of rows at
    a time; ``texts`` holds, per column, how a text value is written (None for number and
    boolean columns)."""
    per_slice = max(1, SLICE_CELLS // max(len(columns), 1))
    for start in range(0, table.num_rows, per_slice):
        part = table.slice(start, per_slice)
        yield _slice_xml(part, columns, letters, texts, first + start)


def _slice_xml(
    table: pa.Table, columns: list[Column], letters: list[str], texts: list, first: int
) -> bytes:
    numbers = pa.array(np.arange(first, first + table.num_rows, dtype=np.int64)).cast(pa.string())
    parts = [pc.binary_join_element_wise('<row r="', numbers, '">', "")]
    for column, letter, text in zip(columns, letters, texts, strict=True):
        tails = _tails(table.column(column.name), column, text)
        # a null value: no cell (null here, nothing in the row's join below)
        parts.append(pc.binary_join_element_wise(f'<c r="{letter}', numbers, '"', tails, ""))
    parts.append(pa.scalar("</row>"))
    rows = pc.binary_join_element_wise(*parts, "", null_handling="replace", null_replacement="")
    return _joined(rows)


def _joined(rows: pa.Array | pa.ChunkedArray) -> bytes:
    """The rows' XML one after another: each string array's data buffer as it is (every
    piece is ASCII — text tails carry other characters as references — so nothing is decoded
    or encoded again)."""
    chunks = rows.chunks if isinstance(rows, pa.ChunkedArray) else [rows]
    out = []
    for chunk in chunks:
        if not len(chunk):
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        out.append(chunk.buffers()[2][start:end].to_pybytes())
    return b"".join(out)


def _tails(values: pa.ChunkedArray, column: Column, text: TextCell | None) -> pa.Array:
    """What follows ``<c r="REF"`` for each value of the column (null for a null value)."""
    if column.kind == BOOLEAN:
        digits = pc.if_else(values, "1", "0")
        return pc.binary_join_element_wise(' t="b"><v>', digits, "</v></c>", "")
    if column.kind == INTEGER:
        return _number_tails(_integer_digits(values))
    if column.kind == NUMBER:
        return _number_tails(_float_digits(values))
    assert text is not None
    # text repeats (codes, statuses, a report's id on each of its cells): each distinct value
    # of the slice is written once, in Python, and its XML put back in every row that has it
    coded = pc.dictionary_encode(values.combine_chunks())
    distinct = [_ascii(text(v)) for v in coded.dictionary.to_pylist()]
    return pa.array(distinct, pa.string()).take(coded.indices)


def _ascii(xml: str) -> str:
    """XML text with every character beyond ASCII as a character reference (as libxml2
    writes it to an ASCII-encoded stream)."""
    return xml if xml.isascii() else xml.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _number_tails(digits: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(' t="n"><v>', digits, "</v></c>", "")


def _integer_digits(values: pa.ChunkedArray) -> pa.Array:
    """Integers as openpyxl writes them ("%.16g")."""
    biggest = pc.max(pc.abs(values)).as_py()
    if biggest is None or biggest < _INT_EXACT:
        return pc.cast(values, pa.string())
    return pa.array(
        [None if v is None else format(v, ".16g") for v in values.to_pylist()], pa.string()
    )


def _float_digits(values: pa.ChunkedArray) -> pa.Array:
    """Numbers as the writer gives them to openpyxl: a whole number below 1e15 as an integer,
    anything else as "%.16g" (not a number, or infinite: empty). Nulls stay null."""
    whole = pc.and_(pc.equal(pc.trunc(values), values), pc.less(pc.abs(values), _INT_NUMBER))
    as_int = pc.cast(pc.if_else(whole, values, 0.0), pa.int64()).cast(pa.string())
    if pc.all(whole).as_py() is not False:
        return as_int
    flags = whole.to_pylist()
    other = [
        None if flag is not False else _float_text(value)
        for value, flag in zip(values.to_pylist(), flags, strict=True)
    ]
    return pc.if_else(whole, as_int, pa.array(other, pa.string()))


def _float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    return format(value, ".16g")
