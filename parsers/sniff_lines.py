"""The marks each line of a text leaves (a markdown rule, row or heading; a pipe cell or a run
of empty cells), counted over a text's lines: how :mod:`parsers.sniff` tells markdown, pipe
text and plain text apart.

A page of pipe text is a few hundred short lines, most of them the same from report to report
(``0 |``, ``||``, the row labels): each distinct line is read once and its mark remembered, so
that counting the lines of a page is a lookup per line (one call for all of them) rather than
a test of each. The marks are those of :func:`line_mark`, line for line; only the cost differs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from parsers.cells.pipe import split_pipe_row

NO_MARK, MD_RULE, PIPE_EMPTY, MD_ROW, PIPE_CELL, MD_HEADING = range(6)

_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
_PIPE_EMPTY = re.compile(r"^\|+\s*$")
_PLAIN_NUMBER = re.compile(r"[0-9０-９][0-9０-９.,，]*")


def line_mark(line: str) -> int:
    """The mark one line leaves (each pattern tried only on lines holding the characters it
    needs)."""
    if "-" in line and _MD_RULE.match(line):
        return MD_RULE
    bars = line.count("|")
    if bars and line.startswith("|") and _PIPE_EMPTY.match(line):
        return PIPE_EMPTY  # bars only: a run of empty cells, never a markdown row
    if bars >= 3 and _MD_ROW.match(line):
        return MD_ROW
    if (bars == 1 and is_pipe_cell(line)) or (bars >= 2 and is_pipe_row(line)):
        return PIPE_CELL  # one cell of a row, or a whole row written on one line
    if "#" in line and _MD_HEADING.match(line):
        return MD_HEADING
    return NO_MARK


def is_pipe_cell(line: str) -> bool:
    """``text |``: one cell of pipe text (a string test; a regex here backtracks on long lines)."""
    body = line.rstrip()
    if not body.endswith("|"):
        return False
    body = body[:-1]
    return "|" not in body and body[-1:].isspace() and not body.isspace()


def is_pipe_row(line: str) -> bool:
    """``行政许可 | 0 | |||``: a grid row of a statistics table in pipe text written on one
    line (cells, then empties). It must hold a number: a page's metadata table written the
    same way (索引号 | … | 发布机构 | …) does not make a page of flattened text pipe text."""
    row = split_pipe_row(line)
    if row is None or sum(1 for cell in row[0] if cell) < 2:
        return False
    return any(_PLAIN_NUMBER.fullmatch(cell) for cell in row[0])


class LineMarks(NamedTuple):
    """How many lines of a text leave each mark."""

    md_rules: int
    md_rows: int
    md_heads: int
    pipe_cells: int
    pipe_empty: int


def count_marks(lines: list[str]) -> LineMarks:
    """The count of each mark over ``lines``."""
    marks = bytes(map(_marks.__getitem__, lines))
    count = marks.count
    return LineMarks(
        count(MD_RULE), count(MD_ROW), count(MD_HEADING), count(PIPE_CELL), count(PIPE_EMPTY)
    )


_REMEMBERED = 65536
_LONGEST_REMEMBERED = 200


class _Marks(dict[str, int]):
    """The mark of each line met so far (a bounded memory: cleared when full; lines longer
    than a cell's are read each time, as they are rarely met twice). A line not in it is read
    when it is looked up, so that looking up every line of a text is one call."""

    def __missing__(self, line: str) -> int:
        mark = line_mark(line)
        if len(line) <= _LONGEST_REMEMBERED:
            if len(self) >= _REMEMBERED:
                self.clear()
            self[line] = mark
        return mark


_marks = _Marks()
