"""Tokens and rows: the cell stream as the matcher walks it.

A token is a cell read once (label, value, or a pipe-text run of empty positions); a row is
its label cells and the values that follow. Pipe text from dumps that write blank cells in
their place is recognised here, so every later stage sees those blanks where they stand.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.cells.base import Cell
from parsers.labels import normalize_label
from parsers.model import BLANK
from parsers.recover import (
    read_glued,
)
from parsers.values import Printed, read_value


class Token:
    """One cell as the matcher sees it: a label, a value, or a pipe-text run of empty cells.

    What kind it is and where it sits are settled when it is made: the matcher asks at every
    step.
    """

    __slots__ = ("cell", "printed", "label", "is_label", "is_value", "is_blank", "grid_key")

    def __init__(self, cell: Cell, printed: Printed | None, label: str = ""):
        self.cell = cell
        self.printed = printed  # None: the cell is a label (or an empty run)
        self.label = label  # normalized label text (labels only)
        if printed is None:
            self.is_value = self.is_blank = False
            self.is_label = not cell.empty_run
        else:
            self.is_value = True
            self.is_label = False
            self.is_blank = printed.status == BLANK
        # (table, grid row), when the source knows both
        table = cell.table
        self.grid_key = None if table is None or cell.row is None else (table, cell.row)

    def __repr__(self) -> str:
        return f"Token({self.cell!r}, {self.printed!r}, {self.label!r})"


def tokenize(cells: Sequence[Cell]) -> list[Token]:
    tokens = []
    for cell in cells:
        if cell.empty_run:
            tokens.append(Token(cell, None))
            continue
        printed = read_glued(cell.text) if cell.glued else read_value(cell.text)
        if printed is not None and printed.status == BLANK and cell.col is None:
            continue  # an empty cell with no position carries no information
        tokens.append(Token(cell, printed, "" if printed else normalize_label(cell.text)))
    return tokens


@dataclass
class RowRead:
    """The values printed after one row label."""

    code: str | None
    label: str
    values: list[Token] = field(default_factory=list)
    header: list[Token] = field(default_factory=list)  # label cells seen before it (headers)


def read_rows(
    tokens: Sequence[Token], match: Callable[[str, str | None], str | None]
) -> list[RowRead]:
    """Group tokens into labelled rows.

    A row is its label cells followed by its value cells. A row ends at the next label after
    values, at a change of grid row (sources that know rows), or at a pipe-text empty run. Label
    cells of a row that shows no values (a group heading such as （三）不予公开) are carried into
    the next row's label.
    """
    rows: list[RowRead] = []
    pending: list[Token] = []
    current: RowRead | None = None
    current_key = None
    previous_code: str | None = None

    def start_row() -> RowRead:
        nonlocal previous_code
        label = "".join([t.label for t in pending])
        code = match(label, previous_code)
        row = RowRead(code, label, header=pending)  # (``pending`` starts afresh after it)
        if code:
            previous_code = code
        rows.append(row)
        return row

    for token in tokens:
        key = token.grid_key
        if key is not None and current is not None and key != current_key:
            current = None
        if token.is_label:  # (a token is a label, a value or a run of empty positions)
            current = None
            pending.append(token)
            continue
        if not token.is_value:  # a run of empty positions
            if current is None and pending:
                row = start_row()
                if row.code is None:
                    rows.pop()
                pending = []
            current = None
            continue
        if current is None:
            if not pending:
                if rows and key is None:
                    rows[-1].values.append(token)  # a stray value: keep it with the last row
                continue
            current = start_row()
            current_key = key
            pending = []
        current.values.append(token)
    return [r for r in rows if r.code is not None]


IN_PLACE_BLANK = Printed(None, BLANK, "")
"""A blank cell that pipe text wrote in its place (a lone bar): placed by the matcher, not
printed at a known grid position."""
TRAILING_BAR = Printed(None, BLANK, "")
"""A lone bar after a row's last number: a blank in its place, or not a cell of the row."""


def blanks_in_place(tokens: Sequence[Token]) -> bool:
    """Whether this pipe text writes a blank cell in its place, as a lone ``|`` line.

    Under the pipe rule a run of empty positions closes its row, and every row of table 三
    starts with its label, so there a run is never followed by a number. Some page dumps
    write a cell that holds only a space (``&nbsp;``) as `` |`` in its place instead; they
    show a lone bar followed by a number, over and over, in table 三. Two sightings decide.
    """
    seen = 0
    for before, after in itertools.pairwise(tokens):
        if after.is_value and not after.is_blank and before.cell.empty_run == 1:
            seen += 1
            if seen >= 2:
                return True
    return False


def place_lone_bars(tokens: Sequence[Token]) -> list[Token]:
    """Each lone bar becomes a blank cell at its place in the row; longer runs (the positions
    spanning cells cover) stay runs.

    A lone bar followed, within its row, by a number is a blank written in its place
    (:data:`IN_PLACE_BLANK`). One after the row's last number (:data:`TRAILING_BAR`) may be that
    too — or the one position a spanning label covers, or an empty cell the rule moved to the
    row's end when a page mixes ``<td>&nbsp;</td>`` and ``<td></td>``: :func:`place_row` keeps
    it in place only where the row's own sum confirms the reading.
    """
    out = list(tokens)
    ahead_is_number = False  # the next token that is not a lone bar is a number
    for i in range(len(out) - 1, -1, -1):
        token = out[i]
        if token.cell.empty_run == 1:
            marker = IN_PLACE_BLANK if ahead_is_number else TRAILING_BAR
            out[i] = Token(Cell("", line=token.cell.line), marker)
            continue
        ahead_is_number = token.is_value and not token.is_blank
    return out


def find_label(tokens: Sequence[Token], keys: tuple[str, ...], start: int) -> int | None:
    normalized = _normalized(keys)
    if len(normalized) == 1:
        (key,) = normalized
        for i in range(start, len(tokens)):
            token = tokens[i]
            if token.is_label and key in token.label:
                return i
        return None
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token.is_label and any(k in token.label for k in normalized):
            return i
    return None


@lru_cache(maxsize=64)
def _normalized(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Key words normalized as labels are (made once per set of keys)."""
    return tuple(normalize_label(k) for k in keys)
