"""Compact tokens: a cell read once, as a tuple, shared by every document that prints it.

A token is ``(kind, text, label, printed, run, flags, shape, number)``:

- ``kind``: :data:`LABEL`, :data:`VALUE` (a number or a dash), :data:`RUN` (pipe text's run of
  ``run`` empty positions), :data:`BLANK_CELL` (a cell that reads as blank) or :data:`PROSE`
  (a line of pipe text that holds no cell, blank or not: its stream has a token per line);
- ``text``: the cell's normalized text, as the :class:`~parsers.cells.base.Cell` would hold it;
- ``label``: the normalized label (labels only), ``printed``: the value read (values only);
- ``flags``: the key words of the form a label holds (:data:`NEW`, :data:`REVIEW` …), worked
  out once per distinct label so that finding a table's start is a test of a bit;
- ``shape``: what the token adds to its document's shape (:data:`SHAPE`): its kind, and its
  label or run length — all a reading of the document's shape depends on, its numbers aside;
- ``number``: the number printed (``printed.value``: None for a dash, a blank, a label), at
  hand for the checks that read a table's numbers from its tokens (:mod:`parsers.fastpath.checking`).

Tokens of the same text are the same tuple (cached), so a stream of them costs a list of
pointers; the general reader's cells are made from them only when it is needed
(:func:`to_cells`). A token's place in its stream is the index of the source cell it stands
for, so a placed value can still say which cell it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers.cells.base import Cell
from parsers.labels import normalize_label
from parsers.model import BLANK
from parsers.tables.found import APPLICATION_HEADER_KEYS
from parsers.values import read_value

LABEL, VALUE, RUN, BLANK_CELL, PROSE = 0, 1, 2, 3, 4
KIND, TEXT, LABEL_TEXT, PRINTED, RUN_LENGTH, FLAGS, SHAPE, NUMBER = range(8)

Token = tuple

# Key words a label may hold (normalized): each a bit of the token's flags.
NEW = 1  # 本年新收: the first row of table 三
REVIEW = 2  # 行政复议: table 四's first group
UPHELD = 4  # 维持: table 四's first result
APP_HEADER = 8  # a header word of table 三 (自然人, 总计 …)
PROACTIVE_START = 16  # 第二十条 / 信息内容: the header of table 二
LITIGATION = 32  # 行政诉讼

_KEYS = (
    (NEW, ("本年新收",)),
    (REVIEW, ("行政复议",)),
    (UPHELD, ("维持",)),
    (APP_HEADER, APPLICATION_HEADER_KEYS),
    (PROACTIVE_START, ("第二十条", "信息内容")),
    (LITIGATION, ("行政诉讼",)),
)
_NORMALIZED_KEYS = tuple((bit, tuple(normalize_label(k) for k in keys)) for bit, keys in _KEYS)
"""The keys normalized (those of table 三's header are already)."""


def label_flags(label: str) -> int:
    """The bits of :data:`_KEYS` whose words the normalized label holds."""
    flags = 0
    for bit, keys in _NORMALIZED_KEYS:
        for key in keys:
            if key in label:
                flags |= bit
                break
    return flags


# Each token's part of its document's shape starts with a mark of its kind. The marks are
# whitespace to Python, which no normalized label holds (its whitespace is taken out), so the
# parts joined cannot be read two ways: a stream's shape is the join of its tokens' shapes.
# A line with no cell is one space (:data:`PROSE_SHAPE`): those before the first cell and
# after the last are no part of a table's shape and are stripped off.
_LABEL_MARK, _VALUE_SHAPE, _BLANK_SHAPE, _RUN_MARK = "\x1f", "\x1e", "\x1d", "\x1c"
PROSE_SHAPE = " "

_CACHE_LIMIT = 65536
_tokens: dict[str, Token] = {}
_runs: dict[int, Token] = {}


def cell_token(text: str) -> Token:
    """The token of a cell whose normalized text is ``text`` (the same tuple every time)."""
    token = _tokens.get(text)
    if token is not None:
        return token
    printed = read_value(text)
    if printed is None:
        label = normalize_label(text)
        token = (LABEL, text, label, None, 0, label_flags(label), _LABEL_MARK + label, None)
    elif printed.status == BLANK:
        token = (BLANK_CELL, text, "", printed, 0, 0, _BLANK_SHAPE, None)
    else:
        token = (VALUE, text, "", printed, 0, 0, _VALUE_SHAPE, printed.value)
    if len(text) <= 200:
        if len(_tokens) >= _CACHE_LIMIT:
            _tokens.clear()
        _tokens[text] = token
    return token


def run_token(length: int) -> Token:
    """The token of a run of ``length`` empty positions (pipe text's ``|||``)."""
    token = _runs.get(length)
    if token is None:
        token = (RUN, "", "", None, length, 0, f"{_RUN_MARK}{length}", None)
        if length <= 1000:
            _runs[length] = token
    return token


def prose_token(text: str) -> Token:
    """The token of a line of pipe text that holds no cell (``text``: the line, normalized)."""
    return (PROSE, text, "", None, 0, 0, PROSE_SHAPE, None)


BLANK_LINE = prose_token("")
"""The token of a blank line."""


def to_cells(tokens: Sequence[Token], lines: Sequence[int] | None = None) -> list[Cell]:
    """The general reader's cells for a stream of position-free tokens, each with the text
    line it is printed on when ``lines`` gives them (lines with no cell give none)."""
    if lines is None:
        return [
            Cell("", empty_run=token[RUN_LENGTH]) if token[KIND] == RUN else Cell(token[TEXT])
            for token in tokens
            if token[KIND] != PROSE
        ]
    return [
        Cell("", empty_run=token[RUN_LENGTH], line=line)
        if token[KIND] == RUN
        else Cell(token[TEXT], line=line)
        for token, line in zip(tokens, lines, strict=True)
        if token[KIND] != PROSE
    ]
