"""Flattened-text cell source: page text whose table cells run together.

Saved-page text dumps (and PDF text layers without usable table geometry) print each statutory
table as one run of text: ``规章000行政规范性文件8855698第二十条第（五）项…``, ``一、本年新收政府
信息公开申请数量713000074二、上年结转…``. This source finds the tables in such text and cuts
them into label cells and *glued* value cells (the digits between one label and the next); the
one matcher then reads them, and :mod:`parsers.recover` splits each glued cell by the table's
arithmetic.

What it takes care of:

- only the table region becomes cells — from the first sub-table header of table 二 (or the
  heading of table 三) to the values of table 四 — so numbers in the prose never do;
- a row label may start with digits (``00000002.其他法律…`` is ``0000000`` + ``2.其他法律…``);
- whitespace inside a run of values is kept: it is a cell boundary (``230 000023``), as are
  line breaks of PDF text;
- dashes (``—``, ``/``, ``无``) printed for empty cells are values, but 本年增/减 and
  无法提供 are labels;
- units glued to a number (``75394432.52元``) stay with it.

Text with no statutory table gives a plain-text document (form ``text``), as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import cast

from parsers.cells.base import Cell, Document
from parsers.cells.text import text_document
from parsers.recover import is_glued_value

_DASH = "—–\\-－―─/／"
_ATOM = (
    r"(?:\d[\d.,]*(?:万元|元)?"
    rf"|[{_DASH}]+"
    rf"|无+(?=\s*(?:[\d{_DASH}无]|[(（]|[一二三四五六七八]、|第二十条|$)))"
)
_RUN = re.compile(rf"{_ATOM}(?:\s*{_ATOM})*")
# A row label's own number glued after the values: ``…00002.其他`` / ``…00002、其他``, or
# opening the label's line (``… 9\n2其他``).
_LABEL_NUMBER = re.compile(r"(?<=\n)\d{1,2}$|\d\s*\.?\s*$")
_LINE_LABEL_NUMBER = re.compile(r"\n\d{1,2}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Dash characters that belong to header words, not to cells.
_HEADER_DASH = re.compile(r"增\s*[/／]\s*减")

# Table headers as they run in the text (prose says 第二十条 too, but not followed by these).
_PROACTIVE_HEADER = re.compile(
    r"第二十条第\s*[(（][一二三四五六七八九十]+[)）]\s*项\s*"
    r"(?:信息内容|本年制发|本年新制作|本年处理决定|上一年项目)"
)
_PROACTIVE_TABLE = re.compile(
    r"信息内容\s*(?:本年制发件数|本年新制作数量|本年处理决定数量|上一年项目数量)"
)
# The first row of table 三: its label (ending in 数量), numbers, and the second row soon after.
_APPLICATIONS_ROW = re.compile(
    r"(?:一\s*、\s*)?本\s*年\s*新\s*收[^\d。，]{0,30}?数\s*量\s*[\d—\-/无](?=[^。]{0,200}?上\s*年\s*结\s*转)",
    re.S,
)
_APPLICATIONS_HEAD = re.compile(r"(?:三\s*、\s*)?收到和处理政府信息公开申请|申请人情况")
_APPEALS_HEAD = re.compile(r"行政复议.{0,160}?维持.{0,160}?(?:总计|合计)", re.S)
_PROSE_RESUMES = re.compile(r"[五六]\s*、\s*(?:存在|其他需要|政府信息公开工作存在)")


def flat_document(text: str) -> Document:
    """A text report; when it holds flattened statutory tables, their cells (glued values)."""
    doc = text_document(text)
    cells = table_cells(doc.text)
    if cells:
        doc.cells = cells
        doc.form = "flat"
    return doc


def table_cells(text: str) -> list[Cell]:
    """The label and glued value cells of the statutory tables found in ``text`` (or [])."""
    text = unicodedata.normalize("NFKC", text)
    span = table_span(text)
    if span is None:
        return []
    return segment(text[span[0] : span[1]])


def table_span(text: str) -> tuple[int, int] | None:
    """Where the statutory tables run in the (NFKC) text: from the first header of table 二
    (or the heading of table 三) to the last value of table 四."""
    apps = _APPLICATIONS_ROW.search(text)
    first = _PROACTIVE_HEADER.search(text) or _PROACTIVE_TABLE.search(text)
    if apps is None and first is None:
        return None
    if apps is not None:
        head = None
        for match in _APPLICATIONS_HEAD.finditer(text, max(0, apps.start() - 600), apps.start()):
            head = match
            break
        app_start = head.start() if head else apps.start()
        start = first.start() if first is not None and first.start() < app_start else app_start
    else:
        assert first is not None  # one of the two was found (checked above)
        start = first.start()
    after = apps.end() if apps is not None else cast(re.Match[str], first).end()
    appeals = _APPEALS_HEAD.search(text, after)
    if appeals is not None:
        run = _RUN.search(text, appeals.end())
        if run is not None and not _gap_is_prose(text[appeals.end() : run.start()]):
            return start, run.end()
        return start, appeals.end()
    prose = _PROSE_RESUMES.search(text, after)
    return start, prose.start() if prose else len(text)


def _gap_is_prose(gap: str) -> bool:
    """Header text between the appeals heading and its values is short; prose is not."""
    return len(re.sub(r"\s", "", gap)) > 120


def segment(region: str) -> list[Cell]:
    """Cut a table region into label cells and glued value cells, in reading order."""
    cells: list[Cell] = []
    label_start = 0
    protected = [m.span() for m in _HEADER_DASH.finditer(region)]
    for match in _RUN.finditer(region):
        start, end = match.span()
        if any(a <= start < b for a, b in protected):
            continue
        value = match.group()
        # the row label's own number: "…00002.其他" → value "0000", label "2.其他"
        if _numbers_next_label(value, region, end):
            value = value[: cast(re.Match[str], _LABEL_NUMBER.search(value)).start()]
        value = value.rstrip(" \t\n.,")
        if not value or not any(ch.isdigit() or ch in "—–-－―─/／无" for ch in value):
            continue
        label = region[label_start:start].strip()
        if label:
            cells.append(Cell(label))
        cells.append(Cell(value, glued=True))
        label_start = start + len(value)
    label = region[label_start:].strip()
    if label:
        cells.append(Cell(label))
    return cells


def _numbers_next_label(value: str, region: str, end: int) -> bool:
    """Does the run end with the number of the next row label (``2.其他`` / ``2、其他``, or
    ``2其他`` opening a line of its own — a ② or a lost dot)?"""
    if _LINE_LABEL_NUMBER.search(value) and _CJK.match(region[end : end + 1]):
        return True
    rest = region[end : end + 3].lstrip()
    if value.rstrip().endswith("."):
        return bool(re.search(r"\d\s*\.\s*$", value)) and not rest[:1].isdigit()
    return rest.startswith("、") and value.rstrip()[-1:].isdigit()


def expand_glued_lines(cells: Sequence[Cell]) -> list[Cell]:
    """Text lines given as position-less glued cells (a PDF's text when no table was found),
    replaced by the label and value cells of the tables they hold.

    A PDF line is one baseline of the page: a row's label and its numbers share it, but a
    label wrapped over several lines may sit beside the numbers of another row. So numbers
    are kept only with a label on their own line; a line of numbers alone (a row whose label
    is centred on other lines, a page number ``- 3 -``) is dropped, never given to the label
    above it — except the row of table 四, which has no label of its own. Only a stream made entirely of such lines is re-read; a stream that mixes them
    with other cells is already cut and kept as it is.
    """
    if not cells or not all(c.glued and c.table is None for c in cells):
        return list(cells)
    if all(is_glued_value(c.text) for c in cells):
        return list(cells)
    lines = [unicodedata.normalize("NFKC", c.text) for c in cells]
    text = "\n".join(lines)
    span = table_span(text)
    if span is None:
        return []
    apps = _APPLICATIONS_ROW.search(text)
    appeals = _APPEALS_HEAD.search(text, apps.end()) if apps else None
    out: list[Cell] = []
    offset = 0
    for line in lines:
        start, end = max(span[0], offset), min(span[1], offset + len(line))
        offset += len(line) + 1
        if start >= end:
            continue
        found = segment(text[start:end])
        if any(not c.glued for c in found) or (appeals and start >= appeals.end()):
            out.extend(found)
        else:
            out.extend(c for c in found if not c.glued)
    return out
