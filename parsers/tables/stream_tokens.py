"""The general reader's cells and tokens of a pipe-text stream of compact tokens.

Pipe text whose tables the fast path does not read (rows short of numbers, a table that does
not add up) comes to the general reader as compact tokens (:mod:`parsers.fastpath.stream`),
which already hold each cell's reading and normalized label: its cells and matcher tokens are
made from them in one pass. A report has a couple of hundred of them, so each token's slots
are filled in place, from what its kind says, instead of through
:meth:`parsers.tables.tokens.Token.__init__`, which works out the same from the cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers.cells.base import Cell
from parsers.fastpath.stream import (
    KIND,
    LABEL,
    LABEL_TEXT,
    PRINTED,
    PROSE,
    RUN,
    RUN_LENGTH,
    TEXT,
    VALUE,
)
from parsers.fastpath.stream import Token as StreamToken
from parsers.tables.tokens import Token


def cells_and_tokens(
    stream: Sequence[StreamToken], lines: Sequence[int] | None = None
) -> tuple[list[Cell], list[Token]]:
    """The cells of a stream (each on its text line when ``lines`` gives them; a line with no
    cell gives none), and the matcher's tokens of those cells, as
    :func:`parsers.tables.tokens.tokenize` reads them: a blank cell, which has no position
    here, gives no token. Pipe text knows no grid, so no token has a grid key."""
    cells: list[Cell] = []
    out: list[Token] = []
    add_cell, add_token, new = cells.append, out.append, object.__new__
    for compact, line in zip(
        stream, lines if lines is not None else [None] * len(stream), strict=True
    ):
        kind = compact[KIND]
        if kind == PROSE:  # a line with no cell
            continue
        if kind == RUN:
            cell = Cell("", None, None, None, 1, 1, False, compact[RUN_LENGTH], line)
            add_cell(cell)
            token = new(Token)
            token.cell, token.printed, token.label = cell, None, ""
            token.is_label = token.is_value = token.is_blank = False
            token.grid_key = None
            add_token(token)
            continue
        cell = Cell(compact[TEXT], None, None, None, 1, 1, False, 0, line)  # (positional: faster)
        add_cell(cell)
        if kind == VALUE:  # (a number or a dash: a blank reading is a BLANK_CELL)
            token = new(Token)
            token.cell, token.printed, token.label = cell, compact[PRINTED], ""
            token.is_value, token.is_label, token.is_blank = True, False, False
            token.grid_key = None
            add_token(token)
        elif kind == LABEL:
            token = new(Token)
            token.cell, token.printed, token.label = cell, None, compact[LABEL_TEXT]
            token.is_label, token.is_value, token.is_blank = True, False, False
            token.grid_key = None
            add_token(token)
    return cells, out
