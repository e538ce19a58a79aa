"""Markdown cell source: tables as ``| a | b |`` rows (from PDF/OCR converters), text around.

Each markdown table becomes a grid with known rows and columns (markdown has no spans);
separator rows (``|---|``) are skipped. Text lines stay text, for metadata and prose.

Converters damage tables, and this source repairs what the page still tells:

- **labels torn from their numbers.** A row of table 三 may come out number-only
  (``| 0 | 0 | 0 | 0 | 0 | 0 | 0 |``) while its label was emitted as wrapped prose elsewhere.
  The form fixes the order of the rows, so the number-only rows between two labelled rows are
  the form's rows between those labels — assigned when their count matches exactly, left out
  (with a warning) otherwise. The repair is said in a warning.
- **one small table per row group** and generic headers (``数据1``…): nothing depends on
  them; rows are read by their labels and by order.
- **sub-tables printed as text** (``行政许可 97`` under 第二十条第（五）项) and table headers
  pulled out of the table (``行政复议行政诉讼`` above the appeals values) become cells again,
  but only inside the section of the statutory tables, so the prose never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers import schema
from parsers.bounds import MAX_CELLS
from parsers.cells.appeals_text import AFTER_TABLES, line_cell
from parsers.cells.base import Cell, Document
from parsers.labels import normalize_label, normalize_text
from parsers.values import read_value

_ROW = re.compile(r"^\s*\|(?P<body>.*)\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
# A sub-table of table 二 printed as text: an item label and its numbers.
_TEXT_ROW = re.compile(
    r"^(?P<label>[^\d|]*[\u4e00-\u9fff)）])\s*(?P<values>[\d\s.,，—\-/／无]+(?:万元|元)?)$"
)

# Section headings: a line of its own, maybe numbered (二、 / （二） / 2.), naming the section.
_NUMBERED = (
    r"^\s*(?:[一二三四五六七八九十\d]{1,3}\s*[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）])?\s*"
)
_HEADINGS = {
    schema.SECTION_PROACTIVE: re.compile(_NUMBERED + r"主动公开政府信息(?:的)?情况\s*$"),
    schema.SECTION_APPLICATIONS: re.compile(
        _NUMBERED + r"收到和处理政府信息公开申请(?:的)?情况\s*$"
    ),
    schema.SECTION_APPEALS: re.compile(
        _NUMBERED
        + r"(?:政府信息公开)?(?:行政复议.{0,4}行政诉讼|行政诉讼.{0,4}行政复议)(?:的)?情况\s*$"
    ),
}
_APPEAL_GROUP_KEYS = tuple(normalize_label(k) for k in ("行政复议", "行政诉讼", "复议后起诉"))
_2021_ONLY = {r.code for r in schema.APPLICATION_ROWS if r.templates == (schema.TEMPLATE_2021,)}
_2019_ONLY = {r.code for r in schema.APPLICATION_ROWS if r.templates == (schema.TEMPLATE_2019,)}


def split_row(line: str) -> list[str] | None:
    """The cells of one markdown table row, or None when the line is not a row."""
    match = _ROW.match(line)
    if not match:
        return None
    return [normalize_text(c) for c in re.split(r"(?<!\\)\|", match["body"])]


@dataclass
class _Row:
    table: int
    row: int
    parts: list[str]
    label: str = ""  # the form's label for a row placed by order (its own label dropped)
    unplaced: bool = False  # a row whose place in the form is unknown (left out)


@dataclass
class _Block:
    kind: str  # "text" or "row"
    text: str = ""
    row: _Row | None = None
    cells: list[Cell] = field(default_factory=list)  # text lines turned into cells


def markdown_document(text: str) -> Document:
    warnings: list[str] = []
    blocks = _blocks(text, warnings)
    regions = _regions(blocks)
    _repair_proactive_text(blocks, regions.get(schema.SECTION_PROACTIVE))
    _repair_appeals_headers(blocks, regions.get(schema.SECTION_APPEALS))
    _place_unlabelled_rows(blocks, regions.get(schema.SECTION_APPLICATIONS), text, warnings)
    cells: list[Cell] = []
    lines: list[str] = []
    for block in blocks:
        if block.kind == "text":
            cells.extend(block.cells)
            lines.append(block.text)
            continue
        row = block.row
        assert row is not None  # a row block carries its row
        if row.unplaced:
            lines.append(" | ".join(p for p in row.parts if p))
            continue
        if row.label:
            cells.append(Cell(row.label, row.table, row.row))
            # the row's own label column is missing or unreadable: its values are read by
            # order, not by position
            cells.extend(
                Cell(p, row.table, row.row) for p in row.parts if p and read_value(p) is not None
            )
        else:
            cells.extend(Cell(p, row.table, row.row, col) for col, p in enumerate(row.parts))
        lines.append(" | ".join(p for p in row.parts if p))
    return Document(text="\n".join(lines), cells=cells, form="markdown", warnings=warnings)


def _blocks(text: str, warnings: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    table = -1
    row = 0
    in_table = False
    cells = 0  # table cells so far: rows past the cap are not read (see parsers.bounds)
    for raw in text.splitlines():
        if _RULE.match(raw) and "-" in raw:
            continue
        if cells > MAX_CELLS and raw.lstrip().startswith("|"):
            continue
        parts = split_row(raw)
        if parts is None:
            in_table = False
            stripped = normalize_text(raw.lstrip("#").strip())
            if stripped:
                blocks.append(_Block("text", stripped))
            continue
        if not in_table:
            table += 1
            row = 0
            in_table = True
        blocks.append(_Block("row", row=_Row(table, row, parts)))
        row += 1
        cells += len(parts)
        if cells > MAX_CELLS:
            warnings.append(f"more than {MAX_CELLS} table cells: later table rows not read")
    return blocks


def _regions(blocks: list[_Block]) -> dict[str, range]:
    """Block ranges of the three tables' sections, from their headings (short text lines)."""
    starts: dict[str, int] = {}
    for i, block in enumerate(blocks):
        if block.kind != "text" or len(block.text) > 40:
            continue
        if block.text.startswith("|"):
            continue
        for section, heading in _HEADINGS.items():
            if section not in starts and heading.search(block.text):
                if section == schema.SECTION_APPEALS and schema.SECTION_APPLICATIONS not in starts:
                    continue
                starts[section] = i
    order = sorted(starts.items(), key=lambda kv: kv[1])
    regions: dict[str, range] = {}
    for k, (section, start) in enumerate(order):
        end = order[k + 1][1] if k + 1 < len(order) else _next_heading(blocks, start)
        if section == schema.SECTION_APPEALS:
            end = _end_of_first_table(blocks, start, end)
        regions[section] = range(start, end)
    return regions


def _next_heading(blocks: list[_Block], start: int) -> int:
    """Where the sections after the tables begin (五、存在的主要问题 …), or the end."""
    for i in range(start + 1, len(blocks)):
        block = blocks[i]
        if block.kind == "text" and len(block.text) <= 40 and AFTER_TABLES.search(block.text):
            return i
    return len(blocks)


def _end_of_first_table(blocks: list[_Block], start: int, end: int) -> int:
    """Where table 四 ends: after its first table — or after the last of several small tables
    when each of the others follows a line naming its group (行政诉讼（复议后起诉） …), as OCR
    converters print the three groups."""
    seen_row = False
    for i in range(start, end):
        block = blocks[i]
        if block.kind == "row":
            seen_row = True
        elif seen_row and not _names_appeal_group(block.text):
            return i
    return end


def _names_appeal_group(text: str) -> bool:
    """A short line naming a group of table 四 (and nothing else)."""
    if len(text) > 30 or re.search(r"\d", text):
        return False
    label = normalize_label(text)
    return any(key in label for key in _APPEAL_GROUP_KEYS)


def _repair_proactive_text(blocks: list[_Block], region: range | None) -> None:
    """Sub-tables of table 二 printed as text lines become label and value cells."""
    if region is None:
        return
    keys = tuple(normalize_label(k) for item in schema.PROACTIVE_2021 + schema.PROACTIVE_2019
                 for k in item.keys)  # fmt: skip
    for i in region:
        block = blocks[i]
        if block.kind != "text":
            continue
        label = normalize_label(block.text)
        if not re.search(r"\d", block.text):
            if "第二十条" in label or "信息内容" in label:
                block.cells = [Cell(block.text)]
            continue
        match = _TEXT_ROW.match(block.text)
        if match and any(k in normalize_label(match["label"]) for k in keys):
            block.cells = [Cell(match["label"].strip()), Cell(match["values"].strip(), glued=True)]


def _repair_appeals_headers(blocks: list[_Block], region: range | None) -> None:
    """Header words of table 四 pulled out of the table (text lines) become label cells, and
    so does the section's heading; lines of numbers only (the row of fifteen printed as
    text, on one line or several) become value cells, each space a cell boundary."""
    if region is None:
        return
    for i in region:
        block = blocks[i]
        if block.kind != "text":
            continue
        cell = line_cell(block.text, heading=i == region.start)
        if cell is not None:
            block.cells = [cell]


def _row_code(label: str, previous: str | None) -> str | None:
    from parsers.tables import match_application_row

    return match_application_row(normalize_label(label), previous)


def _is_number_only(row: _Row) -> bool:
    filled = [p for p in row.parts if p]
    return len(filled) >= 2 and all(read_value(p) is not None for p in filled)


def _place_unlabelled_rows(
    blocks: list[_Block], region: range | None, text: str, warnings: list[str]
) -> None:
    """Give number-only rows of table 三 their place in the form, when the labelled rows
    around them leave exactly as many rows as there are number-only rows."""
    if region is None:
        return
    rows = [r for i in region if blocks[i].kind == "row" and (r := blocks[i].row) is not None]
    # (code, row); code None: a row of values whose label is missing or not the form's
    sequence: list[tuple[str | None, _Row]] = []
    previous = None
    for row in rows:
        if _is_number_only(row):
            sequence.append((None, row))
            continue
        label = "".join(p for p in row.parts if p and read_value(p) is None)
        code = _row_code(label, previous) if label else None
        has_values = any(read_value(p) is not None for p in row.parts if p)
        if code is None and (previous is None or not has_values):
            continue  # header cells (or stray numbers before the first row of the form)
        sequence.append((code, row))
        previous = code or previous
    if all(code is not None for code, _ in sequence):
        return
    template = _template(sequence, text)
    if template is None:
        for code, row in sequence:
            if code is None:
                row.unplaced = True
        warnings.append(
            "markdown: rows of table 三 printed without their labels are left out "
            "(the report's format could not be told)"
        )
        return
    order = [r.code for r in schema.application_rows(template)]
    assigned: list[str] = []
    lost: list[str] = []
    pending: list[_Row] = []
    last = -1
    end: list[tuple[str | None, _Row | None]] = [("<end>", None)]
    for code, maybe_row in [*sequence, *end]:
        if code is None:
            assert maybe_row is not None  # only the end marker has no row
            pending.append(maybe_row)
            continue
        if code != "<end>" and code not in order:
            continue
        stop = order.index(code) if code != "<end>" else len(order)
        if pending:
            gap = order[last + 1 : stop] if stop > last else []
            if len(gap) == len(pending):
                for form_code, unlabelled in zip(gap, pending, strict=True):
                    unlabelled.label = schema.APPLICATION_ROW_BY_CODE[form_code].label
                    assigned.append(form_code)
            else:
                for unlabelled in pending:
                    unlabelled.unplaced = True
                lost.append(
                    f"{len(pending)} number-only rows where the form has "
                    f"{len(gap)} ({', '.join(gap) or 'none'})"
                )
            pending = []
        last = max(last, stop)
    if assigned:
        warnings.append(
            "markdown: rows of table 三 printed without a label the form knows were placed by the "
            f"form's row order: {', '.join(assigned)}"
        )
    if lost:
        warnings.append(
            "markdown: rows of table 三 printed without their labels could not be placed: "
            + "; ".join(lost)
        )


def _template(sequence: list[tuple[str | None, _Row]], text: str) -> str | None:
    codes = {code for code, _ in sequence if code}
    if codes & _2021_ONLY:
        return schema.TEMPLATE_2021
    if codes & _2019_ONLY:
        return schema.TEMPLATE_2019
    flat = normalize_label(text)
    hits = {
        template: sum(normalize_label(m) in flat for m in markers)
        for template, markers in schema.PROACTIVE_MARKERS.items()
    }
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    if ranked[0][1] and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None
