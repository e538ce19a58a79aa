"""Table 四 printed as text: the section heading, its group words on lines of their own, and
the row of fifteen numbers on one line or several (``6 16 50 36 108 …``).

Converters and exports that lose table 四's grid keep its words and numbers as text lines.
Sources whose text lines are otherwise not cells (markdown, PDF with ruled tables elsewhere)
turn those lines into cells with :func:`appeals_cells`: the heading and header words become
label cells, a line of numbers one run of values (each space a cell boundary), so the matcher
reads the row by the form's order and each group's total.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers import schema
from parsers.cells.base import Cell
from parsers.labels import normalize_label

_NUMBERED = (
    r"^\s*(?:[一二三四五六七八九十\d]{1,3}\s*[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）])?\s*"
)
HEADING = re.compile(
    _NUMBERED + r"(?:政府信息公开)?(?:行政复议.{0,4}行政诉讼|行政诉讼.{0,4}行政复议)(?:的)?情况\s*$"
)
AFTER_TABLES = re.compile(_NUMBERED + r"(?:存在的主要问题|其他需要报告的事项)")
NUMBERS_LINE = re.compile(r"^\s*\d[\d,]*(?:\s+\d[\d,]*)*\s*$")
_HEADER_KEYS = tuple(normalize_label(k) for k in schema.APPEAL_HEADER_KEYS)


def line_cell(line: str, *, heading: bool = False) -> Cell | None:
    """The cell a text line of table 四's section stands for, or None (prose)."""
    if NUMBERS_LINE.match(line):
        return Cell(line.strip(), glued=True)
    if heading:
        return Cell(line.strip())
    if re.search(r"\d", line) or len(line) > 60:
        return None
    label = normalize_label(line)
    return Cell(line.strip()) if any(k in label for k in _HEADER_KEYS) else None


def appeals_cells(lines: Sequence[str]) -> list[Cell]:
    """Cells of table 四 from text lines: from its heading to the next section's heading, when
    a line of numbers is among them (else [] — the table is elsewhere, or not printed)."""
    start = next((i for i, line in enumerate(lines) if HEADING.match(line)), None)
    if start is None:
        return []
    cells = [Cell(lines[start].strip())]
    for line in lines[start + 1 :]:
        if AFTER_TABLES.match(line):
            break
        cell = line_cell(line)
        if cell is not None:
            cells.append(cell)
    return cells if any(c.glued for c in cells) else []
