"""The report page's data: the parsed tables laid out as the form prints them, every cell with
its flags, the correction in force and its provenance; and the page's static assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from output.correct import history
from output.corrections import CORRECTED, Correction
from output.inputs import ReportInput
from parsers import schema
from parsers.model import BLANK, DASH, MISSING, NUMBER, UNCERTAIN, CellValue, format_number
from parsers.provenance import header_text, source_cell
from review.flags import Flag, cell_flags
from review.index import ReviewIndex, Summary

STATUS_TEXT = {
    NUMBER: "数字（已确定）",
    BLANK: "空白",
    DASH: "无数字（—、/、无）",
    UNCERTAIN: "未能确定",
    MISSING: "原文无此格",
    CORRECTED: "已人工更正",
}


@dataclass
class CellView:
    code: str  # section.row.column
    row_label: str
    column_label: str
    cell: CellValue
    flags: list[Flag] = field(default_factory=list)
    correction: Correction | None = None

    @property
    def shown(self) -> str:
        if self.correction is not None:
            return _text(self.correction.new_value, "空")
        if self.cell.status == UNCERTAIN:
            return "?"
        if self.cell.value is None:
            return {BLANK: "", DASH: self.cell.raw or "—", MISSING: "·"}.get(self.cell.status, "")
        return format_number(self.cell.value)

    @property
    def classes(self) -> str:
        names = ["cell", f"s-{self.cell.status}"]
        names += sorted({f"f-{flag.kind}" for flag in self.flags})
        if self.correction is not None:
            names.append("corrected")
        return " ".join(names)

    @property
    def title(self) -> str:
        """The hover text: the labels and every warning about the cell."""
        lines = [f"{self.row_label} · {self.column_label}"] + [f.text for f in self.flags]
        return "\n".join(lines)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.cell.status, self.cell.status)

    @property
    def value_text(self) -> str:
        return _text(self.cell.value, "（无）")

    # -- where it came from (the parser's provenance; see parsers.provenance) ------------------

    @property
    def printed_row(self) -> str | None:
        """The row's label as the source printed it."""
        origin = self.cell.origin
        return (origin.label_text or None) if origin is not None else None

    @property
    def printed_column(self) -> str | None:
        """The column's header as the source printed it, when the headers placed the row."""
        _section, row, column = self.code.split(".")
        return header_text(self.cell.origin, row, column)

    @property
    def how(self) -> str | None:
        """How the parser decided the row's columns, in words."""
        origin = self.cell.origin
        if origin is None:
            return None
        return HOW_TEXT.get(origin.how.split(";")[0], f"未能读取此行：{origin.how}")

    @property
    def location(self) -> str | None:
        """Where the source printed the value (or its row, for an undecided cell)."""
        source = source_cell(self.cell)
        if source is None and self.cell.origin is not None:
            printed = self.cell.origin.printed or self.cell.origin.label_cells
            source = printed[0] if printed else None
        return describe_place(source) if source is not None else None

    @property
    def run(self) -> str | None:
        """The digits run together in the source that the value was split from."""
        source = source_cell(self.cell)
        if source is not None and source.glued and source.text != self.cell.raw:
            return source.text
        return None

    @property
    def row_printed(self) -> list[str]:
        """For an undecided cell: the values its row printed (one of them is this cell's)."""
        origin = self.cell.origin
        if self.cell.source is not None or origin is None:
            return []
        return [c.text for c in origin.printed]

    @property
    def page(self) -> int | None:
        """The PDF page the value (or its row) is printed on."""
        origin = self.cell.origin
        around = (*origin.printed, *origin.label_cells) if origin is not None else ()
        for candidate in (source_cell(self.cell), *around):
            if candidate is not None and candidate.box is not None:
                return candidate.box[0]
        return None


HOW_TEXT = {
    "header": "按原文表头：数字位于该列标题之下",
    "order": "按原文顺序：此行每列各印一个数",
    "arithmetic": "由表格算术确定：此行有空白格，数字的列由各行各列之和确定",
    "split": "由表格算术拆分原文连写的数字",
    "stated in the text": "依报告正文所述的数字确定",
}


def describe_place(source) -> str:
    """A source cell's place in words: page, table, grid row and column, or text line."""
    parts = []
    if source.box is not None:
        parts.append(f"第 {source.box[0]} 页")
    if source.table is not None:
        parts.append(f"第 {source.table + 1} 个表格")
    if source.row is not None:
        parts.append(f"第 {source.row + 1} 行")
    if source.col is not None:
        parts.append(f"第 {source.col + 1} 列")
    if source.line is not None:
        parts.append(f"文本第 {source.line} 行")
    return " · ".join(parts) if parts else "原文中（位置未记录）"


@dataclass
class SectionView:
    code: str
    title: str
    columns: list[tuple[str, str]]  # (code, label): the columns of the grid
    rows: list[tuple[str, str, list[CellView | None]]]


@dataclass
class ReportView:
    sections: list[SectionView]
    chosen: CellView | None
    flagged: int
    history: list[Correction]
    stale: list


def _text(value, empty: str) -> str:
    return empty if value is None else format_number(value)


def _labels(template: str, section: str, row: str, column: str) -> tuple[str, str]:
    shape_template = template if template in (schema.TEMPLATE_2019, schema.TEMPLATE_2021) else None
    for candidate in (shape_template, schema.TEMPLATE_2021, schema.TEMPLATE_2019):
        if candidate is None:
            continue
        try:
            full = schema.official_label(candidate, section, row, column)
            row_label = schema.official_label(candidate, section, row)
        except (StopIteration, KeyError):
            continue
        return row_label, full[len(row_label) + 1 :] if full.startswith(row_label) else full
    return row, column


def report_view(
    index: ReviewIndex, summary: Summary, item: ReportInput, chosen: str | None
) -> ReportView:
    report = item.report
    flags = cell_flags(report, index.year_mismatches(summary))
    active = index.corrections.for_document(summary.sha256)
    stale = [s for s in index.corrections.stale if s.correction.report_sha256 == summary.sha256]
    for entry in stale:
        flags.setdefault(entry.correction.cell, []).append(
            Flag(
                "stale",
                f"更正已失效（原文已变更）：{entry.correction.reviewer} 曾改为 "
                f"{_text(entry.correction.new_value, '空')}",
            )  # fmt: skip
        )
    sections: list[SectionView] = []
    chosen_view: CellView | None = None
    for section in schema.SECTIONS:
        rows = report.tables.get(section)
        if not rows:
            continue
        columns: list[tuple[str, str]] = []
        for row, cells in rows.items():
            for column in cells:
                if column not in [c for c, _l in columns]:
                    columns.append((column, _labels(report.template, section, row, column)[1]))
        if section == schema.SECTION_PROACTIVE:
            columns = []  # each item has its own measures: labelled in the cell
        laid: list[tuple[str, str, list[CellView | None]]] = []
        for row, cells in rows.items():
            row_label = _labels(report.template, section, row, next(iter(cells), ""))[0]
            views: list[CellView | None] = []
            order = list(cells) if not columns else [c for c, _l in columns]
            for column in order:
                cell = cells.get(column)
                if cell is None:
                    views.append(None)
                    continue
                code = f"{section}.{row}.{column}"
                view = CellView(
                    code,
                    row_label,
                    _labels(report.template, section, row, column)[1],
                    cell,
                    flags.get(code, []),
                    active.get(code),
                )
                views.append(view)
                if code == chosen:
                    chosen_view = view
            laid.append((row, row_label, views))
        sections.append(SectionView(section, schema.SECTION_LABELS[section][0], columns, laid))
    flagged = sum(1 for s in sections for _r, _l, cells in s.rows for c in cells if c and c.flags)
    return ReportView(
        sections,
        chosen_view,
        flagged,
        list(history(index.data_dir, summary.sha256)),
        stale,
    )


def _asset(name: str) -> bytes:
    return resources.files("review").joinpath("assets", name).read_bytes()


ASSETS = {
    "review.css": ("text/css; charset=utf-8", _asset("review.css")),
}
"""Static files, read once at import: a request names one of these keys, never a path."""
