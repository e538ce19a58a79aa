"""Pipe-text cell source: page text whose tables were flattened, one cell per line.

The rule (read off real output, see the design notes): each table is expanded to its full grid;
for each grid row every non-empty cell is written as ``text |`` on its own line, then one line
holds a ``|`` for each empty position of that row. Some page dumps join a row's lines with
spaces (``行政许可 | 0 | |||``); that is read the same way. Blank cells move to the end of
their row, so this source records no positions at all: the matcher
places values by the row labels, the column order and, where blanks make a column ambiguous,
the table's arithmetic. Each cell keeps the line of the text it is printed on.
"""

from __future__ import annotations

import re

from parsers.cells.base import Document
from parsers.cells.fields import labeled_fields
from parsers.fastpath.stream import Token, cell_token, run_token, to_cells
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
    doc = pipe_stream_document(text)
    doc.cells = to_cells(doc.stream or [], doc.stream_lines)
    doc.stream = doc.stream_lines = None
    return doc


def pipe_stream_document(text: str) -> Document:
    """:func:`pipe_document` with its cells as compact tokens (``Document.stream``; see
    :mod:`parsers.fastpath.stream`) rather than :class:`Cell` objects.

    A page of pipe text is a few hundred short lines, most of them the same from report to
    report (``0 |``, ``||``, the row labels): each distinct line is read once and remembered
    with its token and its line of text, so a line already seen costs a dictionary lookup.
    The line of the text each token is printed on (1-based) is kept beside the tokens
    (``Document.stream_lines``): where a reviewer finds the number.
    """
    tokens: list[Token] = []
    numbers: list[int] = []
    lines: list[str] = []
    seen = _seen_lines
    for number, raw in enumerate(text.splitlines(), 1):
        known = seen.get(raw)  # most lines need no stripping: looked up as they are first
        if known is None:
            line = raw.strip()
            known = seen.get(line) if line else _NOTHING
            if known is None:
                before = len(tokens)
                known = _read_line(line, tokens, lines)
                numbers.extend([number] * (len(tokens) - before))
                if known is not None and len(raw) <= _LONGEST_REMEMBERED:
                    _remember(line, known)
                    _remember(raw, known)
                continue
            if len(raw) <= _LONGEST_REMEMBERED:
                _remember(raw, known)
        text_line, token = known
        if text_line is not None:
            lines.append(text_line)
        if token is not None:
            tokens.append(token)
            numbers.append(number)
    title = next(
        (line for line in lines[:40] if line.endswith(_TITLE_ENDS) and _TITLE.search(line)), None
    )  # (the pattern tried only on lines that end as a title does: a long line costs it most)
    meta = labeled_fields(lines[:40])
    return Document(
        text="\n".join(lines),
        stream=tokens,
        stream_lines=numbers,
        form="pipe",
        title=title,
        meta=meta,
    )


_seen_lines: dict[str, tuple[str | None, Token | None]] = {}
_REMEMBERED = 65536
_LONGEST_REMEMBERED = 200
_NOTHING: tuple[str | None, Token | None] = (None, None)  # a blank line adds nothing


def _remember(line: str, known: tuple[str | None, Token | None]) -> None:
    """Keep what a line adds for the next time it is met (a bounded memory: cleared when
    full)."""
    if len(_seen_lines) >= _REMEMBERED:
        _seen_lines.clear()
    _seen_lines[line] = known


def _read_line(
    line: str, tokens: list[Token], lines: list[str]
) -> tuple[str | None, Token | None] | None:
    """Read one stripped line into ``tokens`` and ``lines``; returns what a line of the same
    text adds (its line of text, its token) when that is one of each at most, else None."""
    if line.endswith("|"):
        if not line.strip("|"):  # only bars: a row's empty positions
            token = run_token(len(line))
            tokens.append(token)
            return None, token
        if line.count("|") == 1:  # ``text |``: one cell (the common case, kept cheap)
            cell_text = normalize_cell(line[:-1].rstrip())
            token = cell_token(cell_text)
            tokens.append(token)
            lines.append(cell_text)
            return cell_text, token
        row = split_pipe_row(line)
        if row is not None:  # ``text |`` cells, then the row's empty positions
            texts, empty = row
            for cell_text in texts:
                if not cell_text:  # a blank written in its place: a lone bar
                    tokens.append(run_token(1))
                    continue
                cell_text = normalize_cell(cell_text)
                tokens.append(cell_token(cell_text))
                lines.append(cell_text)
            if empty:
                tokens.append(run_token(empty))
            return None
    text_line = normalize_text(line)
    lines.append(text_line)
    return text_line, None


_TITLE = re.compile(r"^.{0,40}\d{4}\s*年.{0,30}政府信息公开.{0,6}(?:报告|年报)$")
_TITLE_ENDS = ("报告", "年报")
