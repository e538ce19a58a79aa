"""The ``cells`` dataset: every table cell of every document, long and tidy.

One row per (report, section, row, column): the number (null unless a number was printed and
placed), the text as printed, and its status, so a researcher can see why a value is null
(``blank`` vs ``dash`` vs ``uncertain``) and check any number against the source. Cells of
superseded and duplicate documents are kept; join on ``report_id`` to ``reports.is_current``.

A cell a reviewer corrected against the source (``DATA/corrections.csv``, see
:mod:`output.corrections`) has status ``corrected`` and the corrected value; the value it
replaces, the reviewer's note, name and time are in four columns of their own.

A cell its report left undecided and an identity across the agency's years decides (see
:mod:`output.across_years`) has status ``decided_across_years``; ``decided_by`` names the
identity and ``decided_from`` the other report.
"""

from __future__ import annotations

from output.across_years import DecidedCell
from output.columns import CODE, INTEGER, NUMBER, TEXT, Column
from output.corrections import CorrectedCell
from output.dataset import Dataset
from parsers.model import CellValue

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
    Column("status", CODE, "状态", "Status",
           "number / blank / dash / uncertain / missing / corrected (a reviewer checked the "
           "source and corrected the value: see old_value and correction_note) / "
           "decided_across_years (the report left the cell undecided between readings of its "
           "printed numbers; an identity with the agency's report of the year before or after "
           "chose one: see decided_by and decided_from)"),
    Column("unit", TEXT, "单位", "Unit", "Unit printed with the number (e.g. 元), if any"),
    Column("old_value", NUMBER, "原值", "Value before correction",
           "For corrected cells: the value the parser gave (null: undecided, blank or absent)"),
    Column("correction_note", TEXT, "更正说明", "Correction note",
           "For corrected cells: the reviewer's note (what the source shows, where)"),
    Column("corrected_by", TEXT, "更正人", "Corrected by", "For corrected cells: the reviewer"),
    Column("corrected_at", TEXT, "更正时间", "Corrected at",
           "For corrected cells: when the correction was made (UTC, ISO 8601)"),
    Column("decided_by", CODE, "跨年判定依据", "Decided by",
           "For decided_across_years cells: the identity — carry_over (this year's "
           "carried_over = last year's carried_forward, per column) or in_force (in_force = "
           "last year's in_force + issued − repealed)"),
    Column("decided_from", CODE, "跨年判定所据报告", "Decided from",
           "For decided_across_years cells: the report_id of the other report the identity "
           "used (the same agency, the year before or after)"),
]  # fmt: skip
CORRECTION_COLUMNS = ("old_value", "correction_note", "corrected_by", "corrected_at")
DECISION_COLUMNS = ("decided_by", "decided_from")


HIDDEN = ("province",)
"""Carried beside each chunk's rows (not a column of the dataset): the report's province, so
the Parquet files can be partitioned by it (``--partition-by year,province``). The rows are
made as the build first reads each record, and spilled until the dataset is written
(:mod:`output.cellspill`)."""


def correction_columns(rows: dict[str, list], values: tuple[CellValue, ...]) -> None:
    """The value a correction replaced and its note, reviewer and time (null elsewhere)."""
    corrected = [cell for cell in values if isinstance(cell, CorrectedCell)]
    if not corrected:
        for name in CORRECTION_COLUMNS:
            rows[name].extend([None] * len(values))
        return
    for cell in values:
        if isinstance(cell, CorrectedCell):
            rows["old_value"].append(cell.old_value)
            rows["correction_note"].append(cell.note or None)
            rows["corrected_by"].append(cell.reviewer or None)
            rows["corrected_at"].append(cell.corrected_at or None)
        else:
            for name in CORRECTION_COLUMNS:
                rows[name].append(None)


def decision_columns(rows: dict[str, list], values: tuple[CellValue, ...]) -> None:
    """The identity and the other report of cells decided across years (null elsewhere)."""
    if not any(isinstance(cell, DecidedCell) for cell in values):
        for name in DECISION_COLUMNS:
            rows[name].extend([None] * len(values))
        return
    for cell in values:
        rows["decided_by"].append(cell.rule if isinstance(cell, DecidedCell) else None)
        rows["decided_from"].append(cell.other if isinstance(cell, DecidedCell) else None)


def cells_spec(columns: list[Column], n_rows: int, fingerprint: str = "") -> Dataset:
    return Dataset(
        "cells",
        None,
        list(columns),
        key=("report_id", "section", "row", "column"),
        indexes=(("code",), ("year", "code")),
        foreign_keys=(("report_id", "reports", "report_id"),),
        partition="year",
        description="Every table cell of every document: value, printed text and status.",
        n_rows=n_rows,
        fingerprint=fingerprint,
        hidden=HIDDEN,
    )
