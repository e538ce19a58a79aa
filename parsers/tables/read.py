"""Reading the three tables of a document: where each starts, which template it follows,
and each section read by its own module."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from parsers import schema
from parsers.cells.base import Document
from parsers.labels import normalize_label
from parsers.model import NUMBER, Tables
from parsers.tables.appeals import read_appeals
from parsers.tables.applications import read_applications
from parsers.tables.found import APPLICATION_HEADER_KEYS, Found
from parsers.tables.placing import RowSplits
from parsers.tables.proactive import read_proactive
from parsers.tables.rowlabels import match_application_row
from parsers.tables.tokens import (
    Token,
    blanks_in_place,
    find_label,
    place_lone_bars,
    read_rows,
    tokenize,
)


def read_tables(doc: Document, *, year_hint: int | None = None, fast: bool = True) -> Found:
    """Read the three statutory tables from a document's cell stream.

    A document whose source gave compact tokens (``doc.stream``), or an HTML page's grid
    cells, is read by the fast path when it is the common case (:mod:`parsers.fastpath`);
    otherwise its cells (made from the tokens) are read here. ``fast=False`` reads every
    document here (the tests compare the two)."""
    tokens: list[Token] | None = None
    if doc.stream is not None:
        from parsers.fastpath.stream import to_cells_and_tokens
        from parsers.fastpath.tables import read_stream_tables

        found = read_stream_tables(doc.stream, year_hint, doc.stream_lines) if fast else None
        if found is not None:
            return found
        doc.cells, tokens = to_cells_and_tokens(doc.stream, doc.stream_lines)
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
    found = Found(template=None)
    app_start = find_label(tokens, ("本年新收",), 0)
    appeals_from = app_start if app_start is not None else 0
    appeals_start = _find_appeals(tokens, appeals_from)
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

    votes = _template_votes(proactive_tokens)
    app_rows = read_rows(app_tokens, match_application_row) if app_tokens else []
    # Header cells before the first row (the column header 总计, say) are not rows.
    first = next((i for i, r in enumerate(app_rows) if r.code == "new"), 0)
    app_rows = app_rows[first:]
    codes = {r.code for r in app_rows}
    if codes & {"other_no_correction", "other_no_fee", "other_other"}:
        votes[schema.TEMPLATE_2021] = votes.get(schema.TEMPLATE_2021, 0) + 2
    elif "other" in codes:
        votes[schema.TEMPLATE_2019] = votes.get(schema.TEMPLATE_2019, 0) + 1
    found.template_votes = dict(votes)
    tables_seen = bool(app_rows) or appeals_start is not None
    template = _decide_template(votes, year_hint, found.warnings, tables_seen)
    found.template = template
    if template is None:
        return found

    splits = RowSplits()
    proactive = read_proactive(proactive_tokens, template, found.warnings, doc.text, splits)
    if proactive is not None:
        found.tables[schema.SECTION_PROACTIVE] = proactive
    else:
        found.warnings.append("table 二 (proactive disclosure) not found in the document")
    if app_rows:
        found.tables[schema.SECTION_APPLICATIONS] = read_applications(
            app_tokens, app_rows, template, found.warnings, splits, found.merged, doc.text
        )
    else:
        found.warnings.append("table 三 (applications) not found in the document")
    appeals = None
    if appeals_tokens:
        # (asked of run-together cells alone: none, and it does not matter)
        glued = any(t.cell.glued for t in appeals_tokens)
        zeros = glued and _prints_every_cell(found.tables)
        appeals = read_appeals(appeals_tokens, found.warnings, splits, prints_zeros=zeros)
    if appeals is not None:
        found.tables[schema.SECTION_APPEALS] = appeals
    else:
        found.warnings.append("table 四 (reconsideration and litigation) not found in the document")
    return found


_APPEALS_HEADING = (normalize_label("行政复议"), normalize_label("行政诉讼"))
_ROW_OF_FIFTEEN = 10  # digits a row of table 四 printed without its headers holds at least


def _prints_every_cell(tables: Tables) -> bool:
    """Whether table 三 was read in full with every empty cell printed as 0: each cell
    decided, none blank or a dash, some zero. A document that prints its empty cells so does
    not leave cells of table 四 blank."""
    apps = tables.get(schema.SECTION_APPLICATIONS)
    if not apps:
        return False
    cells = [cell for row in apps.values() for cell in row.values()]
    return all(c.status == NUMBER for c in cells) and any(c.value == 0 for c in cells)


def _find_appeals(tokens: Sequence[Token], start: int) -> int | None:
    """Where table 四 starts: its first 行政复议 or 结果维持 header cell, when the other follows
    close by (the usual layout heads with 行政复议; a transposed one with the result names).

    A table 四 that lost its result headers (a converter kept only the row of numbers) starts
    at the section's heading or its group words (行政复议 … 行政诉讼) when a row of numbers
    follows them directly."""
    found = _find_appeal_headers(tokens, start)
    return found if found is not None else _find_appeals_heading(tokens, start)


def _find_appeals_heading(tokens: Sequence[Token], start: int) -> int | None:
    for i in range(start, len(tokens)):
        token = tokens[i]
        if not (token.is_label and all(k in token.label for k in _APPEALS_HEADING)):
            continue
        # group words on lines of their own (行政诉讼 / 复议后起诉 …) and generic headers
        # (数据1 …) may come between the heading and the numbers, or between the groups
        digits = 0
        for token in tokens[i + 1 : i + 80]:
            if token.is_label and len(token.label) >= 40:
                break
            if token.is_value:
                digits += sum(ch.isdigit() for ch in token.cell.text)
        if digits >= _ROW_OF_FIFTEEN:
            return i
    return None


_APPEAL_HEADER_KEYS = (normalize_label("行政复议"), normalize_label("维持"))


def _find_appeal_headers(tokens: Sequence[Token], start: int) -> int | None:
    keys = _APPEAL_HEADER_KEYS
    for i in range(start, len(tokens)):
        token = tokens[i]
        if not token.is_label:
            continue
        label = token.label
        if keys[0] not in label and keys[1] not in label:
            continue
        hit = [k for k in keys if k in label]
        other = keys[1] if hit[0] == keys[0] else keys[0]
        if other in token.label or any(
            t.is_label and other in t.label for t in tokens[i + 1 : i + 60]
        ):
            return i
    return None


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


def _decide_template(
    votes: dict[str, int], year_hint: int | None, warnings: list[str], tables_seen: bool = False
) -> str | None:
    if votes:
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            warnings.append(
                f"template signals conflict ({dict(ranked)}); decided by the report year"
            )
        else:
            return ranked[0][0]
    if year_hint is not None and (votes or tables_seen):
        if not votes:
            warnings.append(
                "no label tells the 2019 format from the 2021 one; decided by the report year"
            )
        if year_hint >= 2021:
            return schema.TEMPLATE_2021
        return schema.TEMPLATE_2019 if year_hint >= 2019 else None
    return None
