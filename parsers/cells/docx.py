"""DOCX cell source: a Word (or WPS-saved) document → :class:`Document`.

The body is walked in order — paragraphs, tables, content controls — so the text keeps its
reading order and every table cell knows its grid position. Merged cells are read from the
grid, exactly like the HTML rule: a horizontal merge (``w:gridSpan``, legacy ``w:hMerge``)
and a vertical merge (``w:vMerge`` restart … continue) give one cell at its first position with
its spans, and the positions it covers get no cell. ``w:gridBefore`` (rows that start right of
the first grid column) is honoured, so values stay under their headers.

python-docx opens the package (it follows the relationships to the main part, whatever its
name). When it cannot — ISO-strict namespaces, damaged relationships — ``word/document.xml``
is read directly. Elements are matched by local name, so both namespaces work. The ZIP is
checked against the caps of :mod:`parsers.limits` before anything is extracted.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

from lxml import etree

from parsers.bounds import MAX_CELLS
from parsers.cells.base import Cell, Document
from parsers.cells.pdf_text import join_lines
from parsers.limits import DEFAULT_LIMITS, Limits, open_zip, read_member
from parsers.model import ParseError

log = logging.getLogger(__name__)

MAX_TABLE_CELLS = MAX_CELLS  # table cells read from one document (see parsers.bounds)
# Word tables have at most 63 columns; a span or offset beyond this is hostile or broken, and
# the matcher turns spans into sets of grid positions, so gridSpan="99999999" must not pass.
MAX_SPAN = 200
MAX_COLUMNS = 1000
_TITLE_HINT = re.compile(r"政府信息公开.{0,8}(?:报告|年报)")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return tag.rsplit("}", 1)[-1]


def _attr(el, name: str) -> str | None:
    """An attribute by local name (``w:val`` in either namespace)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return value
    return None


def _child(el, name: str):
    for c in el:
        if _local(c) == name:
            return c
    return None


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def docx_document(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a DOCX's paragraphs and tables into a cell stream (``form="docx"``)."""
    zf = open_zip(data, limits, what="DOCX")
    meta: dict[str, str] = {}
    warnings: list[str] = []
    body = None
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        meta.update(_core_properties(document))
    except Exception as exc:  # python-docx raises many kinds on odd packages
        log.debug("python-docx could not open the package: %s", exc)
        body = _raw_body(zf, limits)
    finally:
        zf.close()
    reader = _Reader()
    reader.block(body)
    if reader.truncated:
        warnings.append(f"DOCX capped: table cells past the first {MAX_TABLE_CELLS} not read")
    if reader.clamped:
        warnings.append(
            f"DOCX table cells spanning more than {MAX_SPAN} columns, or rows wider than "
            f"{MAX_COLUMNS}, were cut to fit"
        )
    text = "\n".join(line for line in reader.lines if line.strip())
    return Document(
        text=text,
        cells=reader.cells,
        form="docx",
        title=_title(reader.paragraphs, meta),
        meta=meta,
        warnings=warnings,
    )


def _raw_body(zf, limits: Limits):
    names = {n.lower(): n for n in zf.namelist()}
    name = names.get("word/document.xml")
    if name is None:
        raise ParseError("DOCX has no word/document.xml", reason="unreadable")
    xml = read_member(zf, name, limits, what="DOCX")
    try:
        root = etree.fromstring(xml, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"DOCX document.xml is damaged: {exc}", reason="unreadable") from exc
    body = next((el for el in root.iter() if _local(el) == "body"), None)
    if body is None:
        raise ParseError("DOCX document.xml has no body", reason="unreadable")
    return body


def _core_properties(document) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        props = document.core_properties
    except Exception:
        return out
    for attr, name in (
        ("title", "DocxTitle"),
        ("author", "DocxAuthor"),
        ("subject", "DocxSubject"),
    ):
        value = getattr(props, attr, None)
        if value and str(value).strip():
            out[name] = str(value).strip()
    for attr, name in (("created", "DocxCreated"), ("modified", "DocxModified")):
        value = getattr(props, attr, None)
        if value is not None:
            out[name] = value.date().isoformat()
    return out


def _title(paragraphs: list[str], meta: dict[str, str]) -> str | None:
    """The report title: the leading short paragraphs up to one naming the report."""
    head = [p for p in paragraphs[:6] if p.strip()]
    for i, p in enumerate(head):
        if _TITLE_HINT.search(p):
            parts = [q for q in head[: i + 1] if len(q) <= 60]
            return join_lines(parts[-2:]) if len(parts) >= 2 and len(parts[-2]) <= 30 else p
    if meta.get("DocxTitle") and _TITLE_HINT.search(meta["DocxTitle"]):
        return meta["DocxTitle"]
    return head[0] if head and len(head[0]) <= 60 else None


# --------------------------------------------------------------------------------------------
# Walking the body
# --------------------------------------------------------------------------------------------


def paragraph_text(p) -> str:
    """A paragraph's visible text: runs, tabs and breaks, without field codes, deleted text
    or text boxes (those are separate blocks)."""
    parts: list[str] = []
    stack = [p]
    while stack:
        el = stack.pop()
        name = _local(el)
        if name == "t":
            parts.append(el.text or "")
            continue
        if name == "tab":
            parts.append(" ")
            continue
        if name in ("br", "cr"):
            parts.append("\n")
            continue
        if name == "noBreakHyphen":
            parts.append("-")
            continue
        if name in ("txbxContent", "del", "instrText", "delText", "rPr", "pPr", "fldData"):
            continue
        stack.extend(reversed(list(el)))
    return "".join(parts)


@dataclass
class _Open:
    """A cell started in an earlier row whose vertical merge may continue."""

    cell: Cell
    col: int
    colspan: int


@dataclass
class _Reader:
    lines: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    tables: int = 0
    truncated: bool = False
    clamped: bool = False

    def block(self, el) -> None:
        """Paragraphs and tables of a block container, in order."""
        for child in el:
            name = _local(child)
            if name == "p":
                text = paragraph_text(child).strip()
                self.paragraphs.append(text)
                self.lines.extend(x.strip() for x in text.split("\n"))
            elif name == "tbl":
                self.table(child)
            elif name in ("sdt", "customXml", "sdtContent", "ins", "smartTag"):
                self.block(child)

    def table(self, tbl) -> None:
        index = self.tables
        self.tables += 1
        nested: list = []
        open_cells: dict[int, _Open] = {}  # grid column → merge still running
        rows_text: list[str] = []
        r = 0
        for tr in _rows(tbl):
            tr_pr = _child(tr, "trPr")
            before = _child(tr_pr, "gridBefore") if tr_pr is not None else None
            col = min(_int(_attr(before, "val"), 0), MAX_SPAN)
            row_cells: list[str] = []
            still_open: dict[int, _Open] = {}
            previous: Cell | None = None
            for tc in _cells(tr):
                if len(self.cells) >= MAX_TABLE_CELLS:  # before reading its text: bounded work
                    self.truncated = True
                    break
                pr = _child(tc, "tcPr")
                span = max(
                    1, _int(_attr(_child(pr, "gridSpan") if pr is not None else None, "val"), 1)
                )
                if span > MAX_SPAN or col + span > MAX_COLUMNS:
                    self.clamped = True
                    span = max(1, min(span, MAX_SPAN, MAX_COLUMNS - col))
                    if col >= MAX_COLUMNS:
                        break
                hmerge = _child(pr, "hMerge") if pr is not None else None
                vmerge = _child(pr, "vMerge") if pr is not None else None
                text = self.cell_text(tc, nested)
                if (
                    hmerge is not None
                    and _attr(hmerge, "val") != "restart"
                    and previous is not None
                ):
                    # legacy horizontal merge: continues the left cell
                    previous.colspan = min(previous.colspan + span, MAX_SPAN)
                    previous.text = join_lines([previous.text, text]) if text else previous.text
                    col += span
                    continue
                if vmerge is not None and _attr(vmerge, "val") in (None, "continue"):
                    running = open_cells.get(col)
                    if running is not None:
                        running.cell.rowspan += 1
                        still_open[col] = running
                        if text:
                            running.cell.text = join_lines([running.cell.text, text])
                        col += span
                        continue
                cell = Cell(text, index, r, col, colspan=span)
                self.cells.append(cell)
                if text:
                    row_cells.append(text)
                if vmerge is not None:
                    still_open[col] = _Open(cell, col, span)
                previous = cell
                col += span
            open_cells = still_open
            if row_cells:
                rows_text.append(" | ".join(row_cells))
            r += 1
            if self.truncated:
                break
        self.lines.extend(rows_text)
        for inner in nested:
            if self.truncated:
                break
            self.table(inner)

    def cell_text(self, tc, nested: list) -> str:
        parts: list[str] = []
        for child in tc:
            name = _local(child)
            if name == "p":
                parts.extend(paragraph_text(child).split("\n"))
            elif name == "tbl":
                nested.append(child)
            elif name in ("sdt", "sdtContent", "customXml"):
                parts.append(self.cell_text(child, nested))
        return join_lines([p for p in parts if p.strip()])


def _rows(tbl):
    for child in tbl:
        name = _local(child)
        if name == "tr":
            yield child
        elif name in ("sdt", "sdtContent", "customXml"):
            yield from _rows(child)


def _cells(tr):
    for child in tr:
        name = _local(child)
        if name == "tc":
            yield child
        elif name in ("sdt", "sdtContent", "customXml"):
            yield from _cells(child)


def _int(value: str | None, default: int) -> int:
    if value is None:
        return default
    m = re.match(r"\d+", value.strip())
    return int(m.group()) if m else default
