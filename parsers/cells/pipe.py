"""Pipe-text cell source: page text whose tables were flattened, one cell per line.

The rule (read off real output, see the design notes): each table is expanded to its full grid;
for each grid row every non-empty cell is written as ``text |`` on its own line, then one line
holds a ``|`` for each empty position of that row. Some page dumps join a row's lines with
spaces (``行政许可 | 0 | |||``); that is read the same way. Blank cells move to the end of
their row, so this source records no positions at all: the matcher
places values by the row labels, the column order and, where blanks make a column ambiguous,
the table's arithmetic.
"""

from __future__ import annotations

import re

from parsers.cells.base import Cell, Document
from parsers.cells.fields import labeled_fields
from parsers.labels import normalize_cell, normalize_text


def split_pipe_row(line: str) -> tuple[list[str], int] | None:
    """The cells of one pipe line, and the number of empty positions that close it.

    Most pipe text puts each cell on a line of its own; some page dumps join a grid row's
    lines with spaces instead (``规章 | 0 | 0 | 0 |``, ``行政许可 | 0 | |||``) — the same rule,
    with the row boundaries kept. A blank between two cells (``a |  | b |``), which the rule
    never writes, is kept in its place as an empty string, as a dump that writes blank cells
    where they stand shows it; so are bars before the first text (``| 0 | 0 |``). None when
    the line is not a pipe line.
    """
    body = line.strip()
    if not body.endswith("|"):
        return None
    # Bars before the first text: a row whose first cells are blanks written in their place.
    start = 0
    while start < len(body) and body[start] in "| \t":
        start += 1
    leading = body[:start].count("|")
    # The trailing run of bars: the last cell's closing bar, then one bar per empty position.
    end = len(body)
    while end > start and body[end - 1] in "| \t":
        end -= 1
    if end <= start:
        return None
    run = body[end:].count("|")
    return [""] * leading + [t.strip() for t in body[start:end].split("|")], run - 1


def pipe_document(text: str) -> Document:
    """Read pipe text into a position-free cell stream plus the report text."""
    cells: list[Cell] = []
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.endswith("|"):
            if not line.strip("|"):  # only bars: a row's empty positions
                cells.append(Cell("", empty_run=len(line)))
                continue
            if line.count("|") == 1:  # ``text |``: one cell (the common case, kept cheap)
                cell_text = normalize_cell(line[:-1].rstrip())
                cells.append(Cell(cell_text))
                lines.append(cell_text)
                continue
            row = split_pipe_row(line)
            if row is not None:  # ``text |`` cells, then the row's empty positions
                texts, empty = row
                for cell_text in texts:
                    if not cell_text:  # a blank written in its place: a lone bar
                        cells.append(Cell("", empty_run=1))
                        continue
                    cell_text = normalize_cell(cell_text)
                    cells.append(Cell(cell_text))
                    lines.append(cell_text)
                if empty:
                    cells.append(Cell("", empty_run=empty))
                continue
        lines.append(normalize_text(line))
    title = next((line for line in lines[:40] if _TITLE.search(line)), None)
    meta = labeled_fields(lines[:40])
    return Document(text="\n".join(lines), cells=cells, form="pipe", title=title, meta=meta)


_TITLE = re.compile(r"^.{0,40}\d{4}\s*年.{0,30}政府信息公开.{0,6}(?:报告|年报)$")
