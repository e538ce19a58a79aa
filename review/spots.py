"""The spot a number came from, marked inside the archived source — on the server, since the
source is shown in a sandboxed frame where no script runs.

A cell's spot is its source cell (the parser's :attr:`~parsers.model.CellValue.source`), or,
for a cell the matcher left undecided, the values its row printed; around it, the row's label
and the column's header cells. Each is found where the parser read it:

- **HTML**: the page is read again as the parser reads it (the same tree, the same statutory
  tables, the same grid), the elements at the stored grid positions are found there, and the
  same elements of the archived page itself (scripts, styles and all, never run) get a
  ``data-ogi`` attribute and the value's element ``id="ogi-cell"``: a style rule added to the
  page colours them, and the frame's address ends in ``#ogi-cell`` so the browser scrolls to
  it. An element whose text is not the text stored is not marked (the page is not the one
  parsed, or a newer parser reads it differently);
- **text** (pipe text and other text forms): the text is shown line by line, the lines marked;
- **PDF**: boxes drawn on the page image (:func:`review.source.pdf_page_png`).
"""

from __future__ import annotations

import html as html_escape
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.cells.base import Cell
from parsers.cells.html import (
    DROP_TAGS,
    MAX_REPORT_TABLES,
    reading_tree,
    statutory_tables,
    table_elements,
)
from parsers.cells.html_depth import limit_depth
from parsers.labels import normalize_cell
from parsers.model import CellValue
from parsers.provenance import source_cell

ANCHOR = "ogi-cell"
CELL, PRINTED, ROW, COLUMN = "cell", "printed", "row", "column"
MARK_STYLE = (
    f"#{ANCHOR}{{scroll-margin:35vh 0}}"
    "[data-ogi=cell],[data-ogi=printed]{outline:3px solid #2563eb!important;"
    "outline-offset:-2px;background:#fde68a!important;color:#111!important}"
    "[data-ogi=row],[data-ogi=column]{background:#dbeafe!important;color:#111!important}"
    ".ogi-lines{font:13px/1.55 monospace;white-space:pre-wrap;margin:0;padding:.5em}"
    ".ogi-lines span{display:block}.ogi-lines i{color:#9ca3af;font-style:normal;"
    "display:inline-block;width:4em;user-select:none}"
)


@dataclass(frozen=True)
class Mark:
    """One source cell to mark, and why: the value itself (``cell``), a value its undecided
    row printed (``printed``), the row's label (``row``) or the column's header (``column``)."""

    kind: str
    cell: Cell


def marks_for(value: CellValue, row: str, column: str) -> list[Mark]:
    """What to mark in the source for one cell of a record read with its origins."""
    marks: list[Mark] = []
    source = source_cell(value)
    if source is not None:
        marks.append(Mark(CELL, source))
    origin = value.origin
    if origin is None:
        return marks
    if source is None:
        marks += [Mark(PRINTED, c) for c in origin.printed]
    marks += [Mark(ROW, c) for c in origin.label_cells]
    if origin.headers:
        headers = origin.headers.get(column) or origin.headers.get(f"{row}.{column}") or ()
        marks += [Mark(COLUMN, c) for c in headers]
    return marks


def _same_text(printed: str, expected: str) -> bool:
    return "".join(normalize_cell(printed).split()) == "".join(expected.split())


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------


def mark_html(page: str, marks: Sequence[Mark]) -> tuple[str, int]:
    """The archived page with its marked elements, and how many marks were found in it.

    The page comes back unchanged (0 found) when no mark can be placed."""
    wanted = [m for m in marks if m.cell.table is not None and m.cell.row is not None]
    if not wanted:
        return page, 0
    read, _dropped = reading_tree(page)
    for node in read.css(", ".join(sorted(DROP_TAGS))):
        node.decompose()
    root = read.body or read.root
    if root is None:
        return page, 0
    tables = statutory_tables(root)[:MAX_REPORT_TABLES]
    grids: dict[int, dict[tuple[int | None, int | None], tuple[Cell, LexborNode]]] = {}
    located: list[tuple[Mark, LexborNode]] = []
    for mark in wanted:
        index = mark.cell.table
        if index is None or not 0 <= index < len(tables):
            continue
        if index not in grids:
            grids[index] = {(c.row, c.col): (c, n) for c, n in table_elements(tables[index], index)}
        found = grids[index].get((mark.cell.row, mark.cell.col))
        if found is not None and _same_text(found[0].text, mark.cell.text):
            located.append((mark, found[1]))
    if not located:
        return page, 0
    # The same elements in the page as archived: cells counted in document order, leaving out
    # those the parser's reading removed (inside scripts, templates, forms …).
    order = {node.mem_id: i for i, node in enumerate(read.css("td, th"))}
    shown = LexborHTMLParser(limit_depth(page)[0])
    elements = [n for n in shown.css("td, th") if not _inside_dropped(n)]
    if len(elements) != len(order):
        return page, 0  # the two readings disagree: better no mark than a wrong one
    for node in shown.css(f"[id={ANCHOR}]"):
        del node.attrs["id"]  # the page's own element of that name would take the scroll
    anchored = False
    for mark, node in sorted(located, key=lambda pair: _RANK[pair[0].kind]):
        element = elements[order[node.mem_id]]
        if "data-ogi" not in element.attrs:
            element.attrs["data-ogi"] = mark.kind
        if not anchored:
            element.attrs["id"] = ANCHOR
            anchored = True
    _add_style(shown)
    return shown.html or page, len(located)


_RANK = {CELL: 0, PRINTED: 1, ROW: 2, COLUMN: 3}


def _inside_dropped(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in DROP_TAGS:
            return True
        parent = parent.parent
    return False


def _add_style(tree: LexborHTMLParser) -> None:
    style = LexborHTMLParser(f"<style>{MARK_STYLE}</style>").css_first("style")
    head = tree.head
    if head is not None and style is not None:
        head.insert_child(style)


# --------------------------------------------------------------------------------------------
# Text (pipe text and the other text forms)
# --------------------------------------------------------------------------------------------


def mark_lines(text: str, marks: Iterable[Mark], title: str = "") -> str:
    """The text as an HTML page of numbered lines, the marked lines coloured and the first
    (the value's, when known) anchored."""
    kinds: dict[int, str] = {}
    for mark in sorted(marks, key=lambda m: _RANK[m.kind]):
        if mark.cell.line is not None:
            kinds.setdefault(mark.cell.line, mark.kind)
    anchor = min(kinds, key=lambda n: (_RANK[kinds[n]], n)) if kinds else None
    out = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{html_escape.escape(title)}</title><style>{MARK_STYLE}</style></head>",
        '<body><pre class="ogi-lines">',
    ]
    for number, line in enumerate(text.splitlines(), 1):
        attributes = f' id="L{number}"'
        kind = kinds.get(number)
        if kind is not None:
            attributes = f' data-ogi="{kind}"' + (
                f' id="{ANCHOR}"' if number == anchor else attributes
            )
        out.append(f"<span{attributes}><i>{number}</i>{html_escape.escape(line)}</span>")
    out.append("</pre></body></html>")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def page_boxes(marks: Iterable[Mark]) -> dict[int, list[tuple[str, tuple[float, ...]]]]:
    """``{page: [(kind, (x0, top, x1, bottom)), …]}`` of the marks a PDF source placed."""
    out: dict[int, list[tuple[str, tuple[float, ...]]]] = {}
    for mark in marks:
        if mark.cell.box is not None:
            page, *box = mark.cell.box
            out.setdefault(page, []).append((mark.kind, tuple(box)))
    return out
