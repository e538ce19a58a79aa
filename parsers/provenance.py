"""Where each stored cell was printed in its source: the record store's form of the parser's
provenance (:attr:`parsers.model.CellValue.source` and :class:`parsers.model.RowOrigin`).

The record the store writes (:mod:`output.store`) keeps it beside the JSON contract under
``_origins``: one JSON text, compressed (zlib, then base64), so that the export — which parses
every record and never needs it — reads a string instead of building a few hundred more
objects per record (its ``json.loads`` of a record takes no measurably longer with it), and a
stored record grows by about a quarter (23% for pipe text, 27% for HTML). Inside::

    {"cells": {section: {row: [place, …]}},      # one per cell, in the row's column order
     "rows": {section: {row: [how, label, headers, printed]}},
     "headers": [{column: [[text, place], …]}, …]}

- a ``place`` is ``[table, row, col, line, page, x0, top, x1, bottom, text]`` with trailing
  nulls left off, or null when unknown: the table's index in the document, the grid row and
  column, the line of a text source, the PDF page (1-based) and box (points from the page's
  top-left corner), and the printed text when it differs from the cell's (a run of digits the
  arithmetic split);
- ``how`` says how the row's values found their columns (header, order, arithmetic, split,
  stated in the text, or why none were read); ``label`` holds the row's own label cells as
  ``[text, place]``; ``headers`` the index of the column headers that placed it (or null);
  ``printed``, for a row with an undecided cell only, its value cells as ``[text, place]``
  (where to look for the undecided number);
- ``headers``: each table's header cells, once.

Records written before this existed have none of it and read as they always did. Reading it
back (:func:`attach`) is asked for by the review app only.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from typing import Any

from parsers.cells.base import Cell
from parsers.model import UNCERTAIN, CellValue, Report, RowOrigin

_PLACE_WIDTH = 10


def place_of(cell: Cell | int | None, printed: str | None = None) -> list | None:
    """A source cell's place as stored (see the module docstring), or None when unknown. An
    int is the text line alone (pipe text read by the parser's fast path)."""
    if cell is None:
        return None
    if isinstance(cell, int):
        return [None, None, None, cell]
    box = cell.box
    place: list = [cell.table, cell.row, cell.col, cell.line]
    if box is not None:
        place += [box[0], *(round(v, 1) for v in box[1:])]
    if cell.glued and cell.text != printed:
        place += [None] * (9 - len(place)) + [cell.text]
    while place and place[-1] is None:
        place.pop()
    return place or None


def encode(report: Report) -> str | None:
    """The ``_origins`` text of a report, or None when the parser kept no provenance."""
    if report.origins is not None:  # packed (see pack)
        return report.origins or None
    deferred = report.deferred_tables()
    if deferred is not None:  # its cells not made: written from what made them
        return deferred.origins()
    found = Origins()
    found.add_tables(report.tables)
    return found.packed()


class Origins:
    """An ``_origins`` text being written (see the module docstring): its cells, rows and
    headers, table by table (:meth:`add_tables`, or by a reading that writes its own rows),
    then packed (:meth:`packed`)."""

    __slots__ = ("cells", "rows", "headers", "_seen")

    def __init__(self) -> None:
        self.cells: dict[str, dict[str, list]] = {}
        self.rows: dict[str, dict[str, list]] = {}
        self.headers: list[dict[str, list]] = []
        self._seen: dict[int, int] = {}  # id of a table's header map → its index in headers

    def add_tables(self, tables: Mapping[str, Mapping[str, Mapping[str, CellValue]]]) -> None:
        """The provenance of made cells, table by table."""
        cells, rows, headers, seen = self.cells, self.rows, self.headers, self._seen
        for section, table in tables.items():
            for row, columns in table.items():
                places = [place_of(c.source, c.raw) for c in columns.values()]
                if any(p is not None for p in places):
                    cells.setdefault(section, {})[row] = places
                origin = next((c.origin for c in columns.values() if c.origin is not None), None)
                if origin is None:
                    continue
                index = None
                if origin.headers:
                    index = seen.get(id(origin.headers))
                    if index is None:
                        index = seen[id(origin.headers)] = len(headers)
                        headers.append(
                            {
                                code: [[c.text, place_of(c)] for c in found]
                                for code, found in origin.headers.items()
                            }
                        )
                undecided = any(c.status == UNCERTAIN for c in columns.values())
                rows.setdefault(section, {})[row] = row_entry(origin, index, undecided)

    def packed(self) -> str | None:
        """The text as stored, or None when no cell and no row has provenance."""
        if not self.cells and not self.rows:
            return None
        text = json.dumps(
            {"cells": self.cells, "rows": self.rows, "headers": self.headers},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return packed(text)


def row_entry(origin: RowOrigin, headers: int | None, undecided: bool) -> list:
    """A row's ``[how, label, headers, printed]`` (``printed`` only for a row with an
    ``undecided`` cell and printed values)."""
    entry = [origin.how, [[c.text, place_of(c)] for c in origin.label_cells], headers]
    if undecided and (printed := origin.printed):
        entry.append([[c.text, place_of(c)] for c in printed])
    return entry


def packed(text: str) -> str:
    """An ``_origins`` JSON text as it is stored: compressed (zlib), then base64 (see
    :func:`decode`); the one place that form is written."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 1)).decode("ascii")


def pack(report: Report) -> Report:
    """Turn a report's provenance into its stored form (``report.origins``) and let go of the
    per-cell references. A parse worker does this before it sends the report: the parent then
    unpickles one string instead of a few hundred source cells (and stores that string as
    it is), and the encoding is done on the worker's core."""
    if report.origins is None:
        report.origins = encode(report) or ""
        _let_go(report)
    return report


def drop(report: Report) -> Report:
    """Let go of a report's provenance, for callers that never store it for review (``ogi
    parse``'s JSON, an export's scratch store): a parse worker sends the report as cheaply as
    before provenance existed, and no time goes into encoding it."""
    report.origins = ""
    _let_go(report)
    return report


def _let_go(report: Report) -> None:
    deferred = report.deferred_tables()
    if deferred is not None:  # its cells not made yet: made without it
        report.tables = deferred.tables(provenance=False)
        return
    for table in report.tables.values():
        for columns in table.values():
            for cell in columns.values():
                cell.source = cell.origin = None


def decode(text: str) -> dict[str, Any]:
    """The structure an ``_origins`` text holds (see the module docstring)."""
    return json.loads(zlib.decompress(base64.b64decode(text)))


def attach(data: dict[str, Any], report: Report) -> Report:
    """Put the stored provenance of ``data`` (an encoded record) back on ``report``'s cells,
    as :class:`~parsers.cells.base.Cell` sources and :class:`RowOrigin` s. A record without
    it (or whose ``_origins`` cannot be read) is left as it is."""
    text = data.get("_origins")
    if not isinstance(text, str):
        return report
    try:
        stored = decode(text)
    except (ValueError, zlib.error):
        return report
    headers = [
        {code: tuple(_cell(text, place) for text, place in cells) for code, cells in table.items()}
        for table in stored.get("headers") or []
    ]
    places = stored.get("cells") or {}
    rows = stored.get("rows") or {}
    for section, table in report.tables.items():
        for row, columns in table.items():
            found = (rows.get(section) or {}).get(row)
            origin = None
            if found is not None:
                how, label, index, *printed = found
                origin = RowOrigin(
                    tuple(_cell(text, place) for text, place in label),
                    how,
                    headers[index] if index is not None and index < len(headers) else None,
                    tuple(_cell(text, place) for text, place in (printed or [[]])[0]),
                )
            row_places = (places.get(section) or {}).get(row) or []
            for position, cell in enumerate(columns.values()):
                place = row_places[position] if position < len(row_places) else None
                if place:
                    cell.source = _cell(cell.raw, place)
                cell.origin = origin
    return report


def _cell(text: str | None, place: list | None) -> Cell:
    """A source cell rebuilt from its stored place."""
    values = list(place or []) + [None] * (_PLACE_WIDTH - len(place or []))
    table, row, col, line, page, x0, top, x1, bottom, printed = values
    box = (page, x0, top, x1, bottom) if page is not None else None
    return Cell(
        printed if printed is not None else (text or ""),
        table,
        row,
        col,
        line=line,
        box=box,
        glued=printed is not None,
    )


def source_cell(value: CellValue) -> Cell | None:
    """The source cell of a value, as a cell even where the parser kept only its text line."""
    source = value.source
    if isinstance(source, int):
        return Cell(value.raw or "", line=source)
    return source


def header_text(origin: RowOrigin | None, row: str, column: str) -> str | None:
    """The printed header of a cell's column, when headers placed its row (table 四's single
    row of fifteen names its columns ``group.result``)."""
    if origin is None or not origin.headers:
        return None
    cells = origin.headers.get(column) or origin.headers.get(f"{row}.{column}")
    if not cells:
        return None
    return " / ".join(c.text for c in cells if c.text)
