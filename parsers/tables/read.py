"""Reading the three tables of a document: where table 三 starts (and so where table 二 ends),
then the rest (:mod:`parsers.tables.located`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from parsers import schema
from parsers.cells.base import Document
from parsers.labels import normalize_label
from parsers.tables.found import APPLICATION_HEADER_KEYS, Found
from parsers.tables.located import find_appeals, read_located
from parsers.tables.placing import RowSplits
from parsers.tables.proactive import read_proactive
from parsers.tables.tokens import Token, blanks_in_place, find_label, place_lone_bars, tokenize


def read_tables(doc: Document, *, year_hint: int | None = None, fast: bool = True) -> Found:
    """Read the three statutory tables from a document's cell stream.

    A document whose source gave compact tokens (``doc.stream``), or an HTML page's grid
    cells, is read by the fast path when it is the common case (:mod:`parsers.fastpath`);
    otherwise its cells (made from the tokens) are read here. ``fast=False`` reads every
    document here (the tests compare the two)."""
    tokens: list[Token] | None = None
    if doc.stream is not None:
        from parsers.fastpath.tables import read_stream_tables
        from parsers.tables.stream_read import read_stream_from_applications
        from parsers.tables.stream_tokens import cells_and_tokens

        found = read_stream_tables(doc.stream, year_hint, doc.stream_lines) if fast else None
        if found is not None:
            return found
        found = read_stream_from_applications(doc.stream, doc.stream_lines, doc.text, year_hint)
        if found is not None:
            return found
        doc.cells, tokens = cells_and_tokens(doc.stream, doc.stream_lines)
        doc.stream = doc.stream_lines = None
    elif doc.form == "html" and doc.cells and fast:  # grid cells: the fast path's other source
        from parsers.fastpath.grid import read_grid_tables

        found = read_grid_tables(doc.cells, year_hint)
        if found is not None:
            return found
    if tokens is None:
        cells = doc.cells
        if doc.form != "flat" and cells and all(c.glued and c.table is None for c in cells):
            from parsers.cells.flat import expand_glued_lines

            cells = expand_glued_lines(cells)
        tokens = tokenize(cells)
    app_start = find_label(tokens, ("本年新收",), 0)
    appeals_from = app_start if app_start is not None else 0
    appeals_start = find_appeals(tokens, appeals_from)
    if app_start is not None and blanks_in_place(tokens[app_start:appeals_start]):
        tokens = place_lone_bars(tokens)  # one for one: the indexes above still hold
    if app_start is not None:
        app_block = _block_start(tokens, app_start)
        proactive_tokens = tokens[:app_block]
        app_end = appeals_start if appeals_start is not None else len(tokens)
        app_tokens = tokens[app_block:app_end]
    else:
        proactive_tokens = tokens[: appeals_start if appeals_start is not None else len(tokens)]
        app_tokens = []
    appeals_tokens = tokens[appeals_start:] if appeals_start is not None else []

    def proactive(template: str, warnings: list[str], splits: RowSplits) -> dict | None:
        return read_proactive(proactive_tokens, template, warnings, doc.text, splits)

    return read_located(
        _template_votes(proactive_tokens),
        app_tokens,
        appeals_tokens,
        proactive,
        year_hint=year_hint,
        text=doc.text,
    )


def _block_start(tokens: Sequence[Token], index: int) -> int:
    """Walk back from a row label over the header cells of its table.

    Where the source knows tables, the walk stops at the table's edge; where it does not (pipe
    text), at the first cell that is neither blank nor a header word of table 三 — so an
    unfilled template's blank table 二 above it stays table 二's.
    """
    anchor = tokens[index].cell.table
    i = index
    while i > 0:
        previous = tokens[i - 1]
        if anchor is not None and previous.cell.table != anchor:
            break
        if previous.is_value and not previous.is_blank:
            break
        if anchor is None and previous.is_label and not _names_applicants(previous.label):
            break
        i -= 1
    while i < index and tokens[i].cell.empty_run and i > 0 and tokens[i - 1].is_label:
        i += 1  # the blank cells that close the row above belong to it
    return i


_MARKERS = {
    template: tuple(normalize_label(m) for m in markers)
    for template, markers in schema.PROACTIVE_MARKERS.items()
}


def _names_applicants(label: str) -> bool:
    """Whether a normalized label holds a header word of table 三 (the same short labels head
    the table in report after report: each is asked once; a paragraph is not kept)."""
    if len(label) > 200:
        return any(k in label for k in APPLICATION_HEADER_KEYS)
    return _names_applicants_kept(label)


@lru_cache(maxsize=4096)
def _names_applicants_kept(label: str) -> bool:
    return any(k in label for k in APPLICATION_HEADER_KEYS)


def _template_votes(tokens: Sequence[Token]) -> dict[str, int]:
    votes: dict[str, int] = {}
    text = "".join([t.label for t in tokens if t.is_label])
    for template, markers in _MARKERS.items():
        hits = sum(1 for m in markers if m in text)
        if hits:
            votes[template] = hits * 3
    return votes
