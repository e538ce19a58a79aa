"""One line of pipe text read as a grid row: its cells and the empty positions that close it
(:mod:`parsers.cells.pipe` reads pipe text with it, :mod:`parsers.sniff_lines` tells pipe text
by it)."""

from __future__ import annotations


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
