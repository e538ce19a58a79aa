"""The ``cells`` dataset: every table cell of every document, long and tidy.

One row per (report, section, row, column): the number (null unless a number was printed and
placed), the text as printed, and its status, so a researcher can see why a value is null
(``blank`` vs ``dash`` vs ``uncertain``) and check any number against the source. Cells of
superseded and duplicate documents are kept; join on ``report_id`` to ``reports.is_current``.
"""

from __future__ import annotations

from output.columns import CODE, INTEGER, NUMBER, TEXT, Column, typed_frame
from output.dataset import Dataset
from output.entries import Entry

COLUMNS = [
    Column("report_id", CODE, "报告编号", "Report id", "Joins reports.report_id"),
    Column("year", INTEGER, "报告年度", "Report year", "Copied from reports (for partitioning)"),
    Column("section", CODE, "部分", "Section", "proactive / applications / appeals"),
    Column("row", CODE, "行", "Row", "Row code (item, row or group) of the spec"),
    Column("column", CODE, "列", "Column", "Column code (measure, applicant or result)"),
    Column("code", CODE, "代码", "Code", "section__row__column: the panel column of this cell"),
    Column("value", NUMBER, "数值", "Value",
           "The number, or null (blank, dash, uncertain); never a null turned into 0"),
    Column("raw", TEXT, "原文", "Raw text", "The cell text as printed"),
    Column("status", CODE, "状态", "Status", "number / blank / dash / uncertain / missing"),
    Column("unit", TEXT, "单位", "Unit", "Unit printed with the number (e.g. 元), if any"),
]  # fmt: skip


def cells_dataset(entries: list[Entry]) -> Dataset:
    rows: dict[str, list] = {c.name: [] for c in COLUMNS}
    code_of: dict[tuple[str, str, str], str] = {}
    for entry in sorted(entries, key=lambda e: e.report_id):
        cells = entry.report.cells()
        if not cells:
            continue
        sections, row_codes, col_codes, values = zip(*cells, strict=True)
        keys = list(zip(sections, row_codes, col_codes, strict=True))
        for key in keys:
            if key not in code_of:
                code_of[key] = "__".join(key)
        rows["report_id"].extend([entry.report_id] * len(cells))
        rows["year"].extend([entry.year] * len(cells))
        rows["section"].extend(sections)
        rows["row"].extend(row_codes)
        rows["column"].extend(col_codes)
        rows["code"].extend([code_of[key] for key in keys])
        rows["value"].extend([cell.value for cell in values])
        rows["raw"].extend([cell.raw for cell in values])
        rows["status"].extend([cell.status for cell in values])
        rows["unit"].extend([cell.unit for cell in values])
    return Dataset(
        "cells",
        typed_frame(rows, COLUMNS),
        list(COLUMNS),
        key=("report_id", "section", "row", "column"),
        indexes=(("code",), ("year", "code")),
        foreign_keys=(("report_id", "reports", "report_id"),),
        partition="year",
        description="Every table cell of every document: value, printed text and status.",
    )
