"""The marks each line of a text leaves (a markdown rule, row or heading; a pipe cell or a run
of empty cells), counted over a text's lines: how :mod:`parsers.sniff` tells markdown, pipe
text and plain text apart.

A page of pipe text is a few hundred short lines, most of them the same from report to report
(``0 |``, ``||``, the row labels): each distinct line is read once and remembered, so that
counting the lines of a page is a lookup per line (one call for all of them) rather than a test
of each. The marks are those of :func:`line_mark`, line for line; only the cost differs.

What is remembered of a line (its entry) is also what the pipe text's cell source reads it as:
the token it adds (:mod:`parsers.fastpath.stream`), once that source has read it. A page of
pipe text is so looked up once: its stream is the entries of its lines (:class:`TextLines`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from parsers.cells.pipe_rows import split_pipe_row

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
    return read_lines(lines).counts


# A line's entry: the eight fields of the token the pipe text's source reads it as, then the
# line's mark (at MARK). Until that source has read the line, its token's fields are None and
# its mark is raised by UNREAD; a line looked up for the first time is first the placeholder
# _NEW (its mark NEW), which the lookup then replaces.
MARK = 8
UNREAD = 8
NEW = 255
_NEW = (None,) * MARK + (NEW,)
_UNREAD_ENTRIES = tuple((None,) * MARK + (mark + UNREAD,) for mark in range(MD_HEADING + 1))
_MARK_OF = itemgetter(MARK)
_READ_MARK = bytes.maketrans(bytes(range(UNREAD, UNREAD + 6)), bytes(range(6)))
_IS_UNREAD = bytes(int(UNREAD <= mark < UNREAD + 6) for mark in range(256))


class TextLines(list[str]):
    """A text's lines (``str.splitlines()``) as counting their marks looked them up: the entry
    of each (:attr:`entries`: a token with the line's mark, see :data:`MARK`), the marks and
    the count of each mark."""

    __slots__ = ("entries", "marks", "counts")

    entries: list[tuple]
    marks: bytearray
    counts: LineMarks

    def unread(self) -> list[int]:
        """The indexes, in order, of the lines whose token is not read yet."""
        flags = self.marks.translate(_IS_UNREAD)
        found = []
        at = flags.find(1)
        while at >= 0:
            found.append(at)
            at = flags.find(1, at + 1)
        return found


def read_lines(lines: list[str]) -> TextLines:
    """The lines with their entries, marks and counts (see :class:`TextLines`).

    Every line is looked up in one call (an itemgetter on the memory, whose placeholder for a
    line it lacks is made in C); the few lines met for the first time are then read."""
    if len(lines) > 1:
        entries = list(itemgetter(*lines)(_entries))
    else:
        entries = [_entries[line] for line in lines]
    marks = bytearray(map(_MARK_OF, entries))
    at = marks.find(NEW)
    while at >= 0:
        line = lines[at]
        entry = _entries.get(line, _NEW)  # (read already when met before in the same text)
        if entry is _NEW:
            entry = _UNREAD_ENTRIES[line_mark(line)]
            if len(line) <= _LONGEST_REMEMBERED:
                _entries[line] = entry
            else:  # lines longer than a cell's are read each time: they are rarely met twice
                _entries.pop(line, None)
        entries[at] = entry
        marks[at] = entry[MARK]
        at = marks.find(NEW, at + 1)
    if len(_entries) > _REMEMBERED:
        _entries.clear()  # (a bounded memory: cleared when full)
    read = TextLines(lines)
    read.entries = entries
    read.marks = marks
    count = marks.translate(_READ_MARK).count  # (read or not, a mark is a mark)
    read.counts = LineMarks(
        count(MD_RULE), count(MD_ROW), count(MD_HEADING), count(PIPE_CELL), count(PIPE_EMPTY)
    )
    return read


def remember_token(line: str, mark: int, token: tuple) -> tuple:
    """The entry of a line whose token is read now, kept for the next time it is met (``mark``:
    the line's mark, not raised)."""
    entry = (*token, mark)
    if len(line) <= _LONGEST_REMEMBERED:
        if len(_entries) >= _REMEMBERED:
            _entries.clear()
        _entries[line] = entry
    return entry


_REMEMBERED = 65536
_LONGEST_REMEMBERED = 200

_entries: defaultdict[str, tuple] = defaultdict(repeat(_NEW).__next__)
"""The entry of each line met so far. A line it lacks is looked up as the placeholder _NEW
(kept until :func:`read_lines` replaces it), so that looking up every line is one call in C."""
