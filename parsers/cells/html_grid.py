"""An HTML table expanded to its grid: every cell at the grid row and column it starts at.

Rowspans and colspans push later cells to the right, so a value finds its column through the
header cells above it (their grid positions), not by counting cells. A statutory table has a
few hundred cells and a report page several such tables: the walk over them compares tag ids
(numbers), not tag names made into strings for every node.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.cells.base import Cell
from parsers.labels import normalize_cell

MAX_SPAN = 200
"""A span larger than this is treated as a typo (rowspan="99999") and clamped."""
MAX_GRID_CELLS = 200_000
MAX_TABLE_ROWS = 1000
"""Rows read from one table: a statutory table has a few dozen; the rest of a longer one (a
list of thousands of documents that also names a statutory row) is not read."""

_SAMPLE = LexborHTMLParser("<table><tr><td>1</td><th>2</th></tr></table>")
_TD = _SAMPLE.css_first("td").tag_id  # type: ignore[union-attr]
_TH = _SAMPLE.css_first("th").tag_id  # type: ignore[union-attr]
_CELL_TAG_IDS = frozenset((_TD, _TH))
_SPAN_DIGITS = re.compile(r"\s*(\d+)")


def table_rows(table: LexborNode, limit: int) -> list[LexborNode]:
    """The table's rows, at most ``limit + 1`` of them (one more says there were more)."""
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.iter() if c.tag == "tr")
        if len(rows) > limit:
            return rows[: limit + 1]
    return rows


def span(attributes: dict[str, str | None], name: str) -> int:
    """A cell's rowspan or colspan as a browser reads it (leading digits), within bounds."""
    raw = attributes.get(name)
    if not raw or raw == "1":
        return 1
    if raw.isdigit():
        return max(1, min(int(raw), MAX_SPAN))
    match = _SPAN_DIGITS.match(raw)
    if not match:
        return 1
    return max(1, min(int(match.group(1)), MAX_SPAN))


def table_cells(table: LexborNode, index: int) -> tuple[list[Cell], str | None]:
    """Expand a table (one holding no other table) to its grid: each cell at the grid
    position it starts at, and a warning when the table was cut at a bound."""
    rows = table_rows(table, MAX_TABLE_ROWS)
    warning = None
    if len(rows) > MAX_TABLE_ROWS:
        rows = rows[:MAX_TABLE_ROWS]
        warning = f"table {index}: more than {MAX_TABLE_ROWS} rows, only the first read"
    # Reading a node's attributes builds a dict: do it only for the cells that span.
    spanning = {node.mem_id for node in table.css("[rowspan], [colspan]")}
    below: dict[int, set[int]] = {}  # grid row → its columns taken by cells spanning rows
    filled = 0  # grid positions covered so far
    cells: list[Cell] = []
    add, cell_text, n_rows, cell_tags = cells.append, normalize_cell, len(rows), _CELL_TAG_IDS
    for r, row in enumerate(rows):
        taken = below.pop(r, None)
        col = 0
        for node in row.iter():
            if node.tag_id not in cell_tags:
                continue
            if taken:
                while col in taken:
                    col += 1
            if spanning and node.mem_id in spanning:
                attributes = node.attributes
                rowspan = min(span(attributes, "rowspan"), max(1, n_rows - r))
                colspan = span(attributes, "colspan")
                if filled + rowspan * colspan > MAX_GRID_CELLS:
                    warning = f"table {index}: grid larger than {MAX_GRID_CELLS} cells, truncated"
                    return cells, warning
                for dr in range(1, rowspan):
                    below.setdefault(r + dr, set()).update(range(col, col + colspan))
                filled += rowspan * colspan
                add(Cell(cell_text(node.text()), index, r, col, colspan, rowspan))
                col += colspan
                continue
            filled += 1
            if filled > MAX_GRID_CELLS:
                warning = f"table {index}: grid larger than {MAX_GRID_CELLS} cells, truncated"
                return cells, warning
            add(Cell(cell_text(node.text()), index, r, col))
            col += 1
    return cells, warning
