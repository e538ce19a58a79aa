"""Pipe-text cell source: page text whose tables were flattened, one cell per line.

The rule (read off real output, see the design notes): each table is expanded to its full grid;
for each grid row every non-empty cell is written as ``text |`` on its own line, then one line
holds a ``|`` for each empty position of that row. Row boundaries are not marked and blank
cells move to the end of their row, so this source records no positions at all: the matcher
places values by the row labels, the column order and, where blanks make a column ambiguous,
the table's arithmetic.
"""

from __future__ import annotations

import re

from parsers.cells.base import Cell, Document
from parsers.cells.fields import labeled_fields
from parsers.labels import normalize_cell, normalize_text

_EMPTY_RUN = re.compile(r"^\|+$")


def looks_like_pipe(text: str) -> bool:
    """True when enough lines follow the pipe rule for the text to be pipe text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    piped = sum(1 for line in lines if line.endswith("|") and not line.startswith("|"))
    runs = sum(1 for line in lines if _EMPTY_RUN.match(line))
    return piped >= 10 and piped + runs >= len(lines) * 0.2


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
            if not line.startswith("|"):  # ``text |``: one cell
                cell_text = normalize_cell(line[:-1].rstrip())
                cells.append(Cell(cell_text))
                lines.append(cell_text)
                continue
        lines.append(normalize_text(line))
    title = next((line for line in lines[:40] if _TITLE.search(line)), None)
    meta = labeled_fields(lines[:40])
    return Document(text="\n".join(lines), cells=cells, form="pipe", title=title, meta=meta)


_TITLE = re.compile(r"^.{0,40}\d{4}\s*年.{0,30}政府信息公开.{0,6}(?:报告|年报)$")
