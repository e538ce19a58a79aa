"""PDF cell source: a report PDF with a text layer → :class:`Document`.

Pages are read through PDFium (:mod:`parsers.cells.pdfium`: every character with its box, and
the drawn paths). On each page the ruled tables are found from the visible rulings
(:mod:`parsers.cells.pdf_tables`), the rest of the glyphs become text lines, page numbers and
running headers are dropped, and lines whose numbers stand in columns without rulings are read
as tables too (:mod:`parsers.cells.pdf_unruled`). A table broken by a
page is one table. The cells keep their table index, grid row and grid column, so the matcher
maps values to columns through the header cells above them, as for HTML.

When no table can be found at all, every text line is given as one run-together (``glued``)
cell, for the arithmetic that splits flattened text.

Bounded work: the input size, the inflated size of the PDF's streams, the number of pages,
the glyphs per page and the wall time are capped (:mod:`parsers.limits`); what a cap leaves
out is named in a warning. A PDF that needs a password or has no text layer (a scan) raises
:class:`~parsers.unsupported.UnsupportedDocument`; a damaged one raises ``ParseError``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, cast

from parsers.cells.appeals_text import HEADING, appeals_cells
from parsers.cells.base import Cell, Document
from parsers.cells.pdf_rulings import closing_edges, find_tables, ruling_edges, visible
from parsers.cells.pdf_tables import Fragment, Table, build_fragment
from parsers.cells.pdf_text import Line, find_furniture, group_lines, join_lines, margins, reflow
from parsers.cells.pdf_unruled import UnruledTable, find_unruled
from parsers.cells.pdfium import PageContent, PdfFile
from parsers.limits import DEFAULT_LIMITS, Deadline, Limits, check_input_size, check_pdf_streams
from parsers.model import ParseError
from parsers.sniff import NO_TEXT_LAYER, PDF, UNMAPPED, Sniffed
from parsers.unsupported import UnsupportedDocument

log = logging.getLogger(__name__)

_TITLE_HINT = re.compile(r"政府信息公开.{0,8}(?:报告|年报)")


@dataclass
class _Page:
    """What one page gave: its height, text lines outside tables, and ruled-table fragments."""

    number: int
    height: float
    lines: list[Line] = field(default_factory=list)
    fragments: list[Fragment] = field(default_factory=list)
    glyphs: int = 0
    unmapped: int = 0  # glyphs whose font maps them to no character


def pdf_document(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF's text and tables into a cell stream (``form="pdf"``)."""
    check_input_size(data, limits, what="PDF")
    check_pdf_streams(data, limits)
    deadline = Deadline(limits.max_seconds)
    warnings: list[str] = []
    pages: list[_Page] = []
    with PdfFile(data) as pdf:
        meta = _metadata(pdf.metadata())
        total = len(pdf)
        meta["pages"] = str(total)
        for number, content in pdf.pages():
            if number >= limits.max_pages:
                warnings.append(
                    f"PDF capped: read {limits.max_pages} of {total} pages (page limit)"
                )
                break
            if number and deadline.expired():  # the first page is always read
                warnings.append(
                    f"PDF capped: read {number} of {total} pages "
                    f"(time limit {limits.max_seconds:g} s)"
                )
                break
            try:
                if isinstance(content, Exception):
                    raise content
                pages.append(_read_page(content, number, limits, warnings))
            except Exception as exc:  # one bad page must not lose the others
                log.debug("page %d failed", number + 1, exc_info=True)
                warnings.append(f"PDF page {number + 1} unreadable: {type(exc).__name__}: {exc}")
    if not pages and warnings:
        raise ParseError("no PDF page could be read: " + "; ".join(warnings), reason="unreadable")
    if not any(p.glyphs for p in pages):
        raise UnsupportedDocument(Sniffed(PDF, None, NO_TEXT_LAYER))
    unmapped = sum(p.unmapped for p in pages)
    if unmapped * 2 > sum(p.glyphs for p in pages):
        raise UnsupportedDocument(Sniffed(PDF, None, UNMAPPED))
    return _assemble(pages, meta, warnings)


def _read_page(content: PageContent, number: int, limits: Limits, warnings: list[str]) -> _Page:
    glyphs = content.glyphs
    if len(glyphs) > limits.max_chars_per_page:
        warnings.append(
            f"PDF page {number + 1}: {len(glyphs)} glyphs, only the first "
            f"{limits.max_chars_per_page} read (glyph limit)"
        )
        glyphs = glyphs[: limits.max_chars_per_page]
    out = _Page(number, content.height, glyphs=len(glyphs))
    out.unmapped = sum(1 for g in glyphs if g["unmapped"])
    used: set[int] = set()
    drawings = len(content.shapes)
    if drawings > limits.max_rulings_per_page:
        warnings.append(
            f"PDF page {number + 1}: {drawings} drawn lines, tables not searched (ruling limit)"
        )
    elif drawings:
        edges = ruling_edges([s for s in content.shapes if visible(s)])
        found = find_tables(edges)
        if found:
            extra_h, extra_v = closing_edges([t.bbox for t in found], edges)
            if extra_h or extra_v:
                found = find_tables(edges, extra_h, extra_v)
        centres = (
            [((g["x0"] + g["x1"]) / 2, (g["top"] + g["bottom"]) / 2) for g in glyphs]
            if found
            else []
        )
        for table in found:
            x0, top, x1, bottom = table.bbox
            left, right, upper, lower = x0 - 1, x1 + 1, top - 1, bottom + 1
            inside = [
                i
                for i, (cx, cy) in enumerate(centres)
                if left <= cx <= right and upper <= cy <= lower and i not in used
            ]
            frag = build_fragment(number, table.bbox, table.cells, [glyphs[i] for i in inside])
            if frag.is_table():
                out.fragments.append(frag)
                used.update(inside)
    rest = [g for i, g in enumerate(glyphs) if i not in used] if used else glyphs
    out.lines = group_lines(rest, page=number)
    return out


# --------------------------------------------------------------------------------------------
# Assembly: furniture out, tables joined across pages, reading order
# --------------------------------------------------------------------------------------------


def _assemble(pages: list[_Page], meta: dict[str, str], warnings: list[str]) -> Document:
    furniture = find_furniture([(p.height, p.lines) for p in pages])
    for k, page in enumerate(pages):
        page.lines = [line for i, line in enumerate(page.lines) if (k, i) not in furniture]
    body = [line for p in pages for line in p.lines]
    left, right = margins(body)
    # Reading order per page: ("line", Line) / ("table", Table) / ("unruled", UnruledTable)
    blocks: list[tuple[str, Any]] = []  # ("line", Line) or ("table", Table | UnruledTable)
    open_table: Table | UnruledTable | None = None  # a table that may run on to the next page
    tables: list[Table | UnruledTable] = []
    for page in pages:
        unruled = find_unruled(page.lines, right - left)
        in_unruled = {i for t in unruled for i in range(t.first, t.last + 1)}
        items: list[tuple[float, str, Any]] = []  # a Line, an UnruledTable or a Fragment
        for i, line in enumerate(page.lines):
            if i not in in_unruled:
                items.append((line.top, "line", line))
        for t in unruled:
            items.append((page.lines[t.first].top, "unruled", t))
        for frag in page.fragments:
            items.append((frag.top, "fragment", frag))
        items.sort(key=lambda item: item[0])
        for n, (_, kind, obj) in enumerate(items):
            if kind == "line":
                blocks.append(("line", obj))
                continue
            if n == 0 and _continues(open_table, kind, obj):
                if kind == "fragment":
                    cast(Table, open_table).add(obj)
                else:
                    cast(UnruledTable, open_table).extend(obj)
                continue
            table: Table | UnruledTable
            if kind == "fragment":
                table = Table()
                table.add(obj)
            else:
                table = obj
            tables.append(table)
            blocks.append(("table", table))
            open_table = table
        if not items or items[-1][1] == "line":
            open_table = None  # text follows the last table: it does not run on
    text_lines = _text(blocks, left, right)
    # Table 四 printed as text lines after the ruled tables (its grid lost in the export).
    appeals_at, appeals = _appeals_as_text(blocks)
    cells: list[Cell] = []
    for index, table in enumerate(tables):
        if index == appeals_at:
            cells.extend(appeals)
        if isinstance(table, Table):
            for note in table.notes:
                log.debug("table %d: %s", index, note)
            grid = table.grid()
        else:
            grid = table.cells
        for g in grid:
            cells.append(
                Cell(g.text, index, g.row, g.col, g.colspan, g.rowspan, glued=g.glued, box=g.box)
            )
    if appeals_at == len(tables):
        cells.extend(appeals)
    if not tables:
        cells = [Cell(line.text, glued=True, box=_line_box(line)) for line in body if line.text]
        if cells:
            warnings.append("PDF: no table found; text lines given as run-together cells")
    return Document(
        text="\n".join(text_lines),
        cells=cells,
        form="pdf",
        title=_title(pages, meta),
        meta=meta,
        warnings=warnings,
    )


def _line_box(line: Line) -> tuple[int, float, float, float, float]:
    """Where a text line is printed: page (1-based), x0, top, x1, bottom."""
    return (line.page + 1, line.x0, line.top, line.x1, line.bottom)


def _appeals_as_text(blocks: list[tuple[str, Any]]) -> tuple[int | None, list[Cell]]:
    """Table 四 as text lines between tables (:mod:`parsers.cells.appeals_text`): its cells,
    and the number of tables before it; (None, []) when the lines hold no row of numbers."""
    before = 0
    for n, (kind, obj) in enumerate(blocks):
        if kind != "line":
            before += 1
            continue
        if not HEADING.match(obj.text):
            continue
        lines = [obj.text]
        for later_kind, later in blocks[n + 1 :]:
            if later_kind != "line":
                break
            lines.append(later.text)
        found = appeals_cells(lines)
        return (before, found) if found else (None, [])
    return None, []


def _continues(table, kind: str, obj) -> bool:
    """The first block of a page continues the table that ended the previous page."""
    if table is None:
        return False
    if kind == "fragment":
        return isinstance(table, Table) and table.continues_with(obj)
    return isinstance(table, UnruledTable) and table.continues_with(obj)


def _text(blocks: list[tuple[str, Any]], left: float, right: float) -> list[str]:
    out: list[str] = []
    run: list[Line] = []
    for kind, obj in blocks:
        if kind == "line":
            run.append(obj)
            continue
        out.extend(reflow(run, left, right))
        run = []
        out.extend(obj.text_lines())
    out.extend(reflow(run, left, right))
    return [line for line in out if line.strip()]


def _title(pages: list[_Page], meta: dict[str, str]) -> str | None:
    """The first page's heading: its leading lines in the largest type, joined."""
    for page in pages[:2]:
        head = page.lines[:8]
        if not head:
            continue
        biggest = max(line.size for line in head)
        picked: list[str] = []
        for line in head:
            if line.size >= 0.95 * biggest:
                picked.append(line.text)
            elif picked:
                break
        title = join_lines(picked)
        if title and (_TITLE_HINT.search(title) or len(title) <= 60):
            return title
    pdf_title = meta.get("PdfTitle")
    return pdf_title if pdf_title and _TITLE_HINT.search(pdf_title) else None


def _decode_info(value) -> str:
    """A PDF info string. UTF-16LE with its byte order mark (FF FE, which WPS writes) is not
    a PDF text encoding: read as PDFDocEncoding it gives mojibake (ÿþ…); undo that."""
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str) and value[:2] in ("ÿþ", "þÿ"):
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:
            return value
    else:
        return str(value)
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[2:].decode(codec, errors="replace").rstrip("\x00")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?")


def _metadata(info: dict[str, str]) -> dict[str, str]:
    """The document info dictionary, decoded: PdfTitle, PdfAuthor, PdfCreated (YYYY-MM-DD)…"""
    out: dict[str, str] = {}
    names = {
        "Title": "PdfTitle",
        "Author": "PdfAuthor",
        "Subject": "PdfSubject",
        "Creator": "PdfCreator",
        "Producer": "PdfProducer",
    }
    for key, name in names.items():
        if info.get(key):
            text = _decode_info(info[key]).strip()
            if text:
                out[name] = text
    for key, name in (("CreationDate", "PdfCreated"), ("ModDate", "PdfModified")):
        m = _PDF_DATE.match(_decode_info(info.get(key, "")))
        if m and m.group(2) and m.group(3):
            out[name] = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return out
