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
from typing import Any

from parsers.bounds import MAX_CELLS
from parsers.cells.base import Document
from parsers.cells.fields import labeled_fields
from parsers.cells.pipe_document import PipeDocument, first_lines
from parsers.cells.pipe_rows import split_pipe_row
from parsers.fastpath.stream import (
    BLANK_LINE,
    KIND,
    PROSE,
    TEXT,
    Token,
    cell_token,
    prose_token,
    run_token,
    to_cells,
)
from parsers.labels import normalize_cell, normalize_line
from parsers.sniff_lines import UNREAD, TextLines, read_lines, remember_token


def pipe_document(text: str) -> Document:
    """Read pipe text into a position-free cell stream plus the report text."""
    doc = pipe_stream_document(text)
    doc.cells = to_cells(doc.stream or [], doc.stream_lines)
    doc.stream = doc.stream_lines = None
    return doc


def pipe_stream_document(text: str, lines: list[str] | None = None) -> Document:
    """:func:`pipe_document` with its cells as compact tokens (``Document.stream``; see
    :mod:`parsers.fastpath.stream`) rather than :class:`Cell` objects.

    A page of pipe text is a few hundred short lines, most of them the same from report to
    report (``0 |``, ``||``, the row labels): each distinct line is read once and remembered
    as the one token it adds — a cell, a run of empty positions, or a line of text with no
    cell (:data:`~parsers.fastpath.stream.PROSE`) — so a line already seen costs a dictionary
    lookup, and the lines of a page are looked up all at once. The stream then holds one token
    per line, its place in the stream giving its line of text (``Document.stream_lines`` is
    the range of line numbers): where a reviewer finds the number. A page with a line that
    adds more than one token (a row's cells joined on one line) is read line by line into a
    stream of its cells, each beside its line. ``lines``: the text's lines as telling pipe
    text looked them up (:func:`parsers.sniff_lines.read_lines`), when the caller has them:
    the lookup of each line is shared.
    """
    raw = read_lines(text.splitlines()) if not isinstance(lines, TextLines) else lines
    # (a page of more lines than the matcher takes cells is read cell by cell, so that the cap
    # on cells counts cells: see parsers.bounds)
    stream = _one_per_line(raw) if len(raw) <= MAX_CELLS else None
    if stream is None:
        stream, numbers, lines = _cells_by_line(raw)
        head = lines[:_HEAD_LINES]
        return Document(
            text="\n".join(lines), stream=stream, stream_lines=numbers, **_head_fields(head)
        )
    # a token per line: the text is its tokens' text lines, joined when first read
    return PipeDocument(
        stream,
        len(text),
        stream=stream,
        stream_lines=range(1, len(stream) + 1),
        **_head_fields(first_lines(stream, _HEAD_LINES)),
    )


_HEAD_LINES = 40  # lines of the text that may hold the title and the page's fields


def _head_fields(head: list[str]) -> dict[str, Any]:
    """The document's fields read from its first lines: its form, title and labeled fields."""
    title = next(
        (line for line in head if line.endswith(_TITLE_ENDS) and _TITLE.search(line)), None
    )  # (the pattern tried only on lines that end as a title does: a long line costs it most)
    return {"form": "pipe", "title": title, "meta": labeled_fields(head)}


def _one_per_line(lines: TextLines) -> list[Token] | None:
    """The token of each line (with the line's mark: see :mod:`parsers.sniff_lines`): the
    entries the lines were looked up as, where the lines not read yet are read now and their
    entries kept with their tokens; None when a line adds more than one token (or none and a
    blank text: no line of the report's text, which one token per line cannot say)."""
    entries, marks = lines.entries, lines.marks
    for at in lines.unread():
        line = lines[at]
        found = _seen_lines.get(line) or _line_read(line)
        if len(found) == 2:  # a row: several tokens
            return None
        marks[at] -= UNREAD
        entries[at] = remember_token(line, marks[at], found)
    return entries


Row = tuple[tuple[Token, ...], tuple[str, ...]]
"""What a line that adds several tokens adds: its tokens and its lines of text (a row's cells
joined on one line, ``行政许可 | 0 | |||``)."""


def _line_read(raw: str) -> Token | Row:
    """What a line of the text adds — its one token, or a :data:`Row` — read once and
    remembered (the line as met, and stripped) for the next time it is met."""
    line = raw.strip()
    if not line:
        found: Token | Row = BLANK_LINE
    else:
        known = _seen_lines.get(line) or _seen_rows.get(line)
        if known is None:
            tokens: list[Token] = []
            texts: list[str] = []
            token = _read_line(line, tokens, texts)
            known = token if token is not None else (tuple(tokens), tuple(texts))
            if len(raw) <= _LONGEST_REMEMBERED:
                _remember(line, known)
        found = known
    if len(raw) <= _LONGEST_REMEMBERED:
        _remember(raw, found)
    return found


def _cells_by_line(raw: list[str]) -> tuple[list[Token], list[int], list[str]]:
    """The tokens of the text's cells, the line (1-based) of each, and the text's lines, read
    line by line (for a page with lines that add several tokens)."""
    tokens: list[Token] = []
    numbers: list[int] = []
    lines: list[str] = []
    seen, rows = _seen_lines, _seen_rows
    for number, line in enumerate(raw, 1):
        found = seen.get(line) or rows.get(line) or _line_read(line)
        if len(found) == 2:  # a row: several tokens
            row_tokens, texts = found
            tokens.extend(row_tokens)
            numbers.extend([number] * len(row_tokens))
            lines.extend(texts)
            continue
        if found[TEXT]:
            lines.append(found[TEXT])
        if found[KIND] != PROSE:
            tokens.append(found)
            numbers.append(number)
    return tokens, numbers, lines


_seen_lines: dict[str, Token] = {}
_seen_rows: dict[str, Row] = {}
_REMEMBERED = 65536
_LONGEST_REMEMBERED = 200


def _remember(line: str, found: Token | Row) -> None:
    """Keep what a line adds for the next time it is met (a bounded memory: cleared when
    full)."""
    memory = _seen_rows if len(found) == 2 else _seen_lines
    if len(memory) >= _REMEMBERED:
        memory.clear()
    memory[line] = found


def _read_line(line: str, tokens: list[Token], lines: list[str]) -> Token | None:
    """Read one stripped line into ``tokens`` and ``lines``; returns the one token a line of
    the same text adds (a cell whose text is its line of text, a run, or a line of text with
    no cell), or None when it adds more than one, or a text that is blank."""
    if line.endswith("|"):
        if not line.strip("|"):  # only bars: a row's empty positions
            token = run_token(len(line))
            tokens.append(token)
            return token
        if line.count("|") == 1:  # ``text |``: one cell (the common case, kept cheap)
            cell_text = normalize_cell(line[:-1].rstrip())
            token = cell_token(cell_text)
            tokens.append(token)
            lines.append(cell_text)
            return token if cell_text else None
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
    text_line = normalize_line(line)
    lines.append(text_line)
    return prose_token(text_line) if text_line else None


_TITLE = re.compile(r"^.{0,40}\d{4}\s*年.{0,30}政府信息公开.{0,6}(?:报告|年报)$")
_TITLE_ENDS = ("报告", "年报")
