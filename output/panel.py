"""The ``panel`` dataset: one row per agency × year (current versions), one column per code.

Columns, left to right: who and when (agency, place, year, provenance of the current report),
how far to trust the row (parse status, failed checks, the cross-year carry-over check), the
derived indicators, every table cell code of both templates (``applications__new__total``) and
the pre-2019 prose counts (``prose__applications_received``).

Prose and tables meet through the prose crosswalk: where a prose count means the same as a
table cell, the table column of a pre-2019 row is filled from the prose count, ``prose_filled``
lists the columns so filled and ``values_from`` says where the row's numbers came from — so one
series runs from 2008 on and nobody mistakes a prose count for a table cell.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

import pandas as pd

from output.columns import (
    BOOLEAN,
    CODE,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    TEXT,
    Column,
    typed_frame,
)
from output.dataset import Dataset
from output.entries import CodeTable, Entry, Payload
from output.indicators import INDICATORS, Indicator
from output.prose import ProseField, code_name, prose_fields
from output.reports import PLACE_COLUMNS, parse_status, place_values
from parsers.schema import (
    APPLICATION_COLUMNS,
    SECTION_APPLICATIONS,
    TEMPLATE_2019,
    TEMPLATE_2021,
    english_label,
    official_label,
    shape,
)

CARRIED_OVER = "carried_over"
CARRIED_FORWARD = "carried_forward"
TABLE_TEMPLATES = (TEMPLATE_2021, TEMPLATE_2019)  # newest first: its labels name the columns

META_COLUMNS = [
    Column("agency_id", CODE, "机关编号", "Agency id",
           "Division code and normalized agency name: the row's agency key"),
    Column("agency", TEXT, "发布机关", "Agency", "Agency named in the current report"),
    *PLACE_COLUMNS,
    Column("year", INTEGER, "报告年度", "Report year", "The year the report covers"),
    Column("report_id", CODE, "报告编号", "Report id", "The current version (joins reports)"),
    Column("template", CODE, "报告格式", "Template", "2021 / 2019 / pre2019 / unknown"),
    Column("published", DATE, "发布日期", "Published"),
    Column("url", TEXT, "网址", "URL"),
    Column("fetched_at", DATETIME, "抓取时间", "Fetched at"),
    Column("sha256", CODE, "SHA-256", "SHA-256"),
    Column("warc_record_id", CODE, "WARC记录编号", "WARC record id"),
    Column("n_versions", INTEGER, "版本数", "Versions",
           "Versions of this agency-year; the row holds the current one"),
    Column("parse_status", CODE, "解析状态", "Parse status",
           "ok / warnings / checks_failed / no_data"),
    Column("n_checks_failed", INTEGER, "未通过校验数", "Failed checks"),
    Column("checks_failed", TEXT, "未通过的校验", "Failed check rules",
           "Do not quote these rows' numbers without reading the source"),
    Column("n_warnings", INTEGER, "警告数", "Warnings"),
    Column("n_uncertain", INTEGER, "不确定单元格数", "Uncertain cells"),
    Column("values_from", CODE, "数据来源", "Values from",
           "tables / prose / tables+prose / none: where this row's numbers came from"),
    Column("prose_filled", TEXT, "由文字填充的列", "Filled from prose",
           "Table columns filled from the prose counts through the crosswalk, '; '-separated"),
    Column("xyear_prev_carried_forward", INTEGER, "上年结转下年度继续办理", "Previous year's "
           "carried forward", "applications__carried_forward__total of the same agency, year − 1"),
    Column("xyear_carryover_ok", BOOLEAN, "跨年结转一致", "Carry-over consistent",
           "This year's carried_over equals last year's carried_forward in every column both "
           "print; null when last year's report or the numbers are missing",
           formula="applications__carried_over__<col>(t) = applications__carried_forward__<col>(t−1)"),
    Column("xyear_carryover_detail", TEXT, "跨年结转说明", "Carry-over detail",
           "The columns that differ, or why nothing could be compared"),
]  # fmt: skip


def table_code_columns(extra_codes: Set[str] = frozenset()) -> list[Column]:
    """One column per table cell code of both templates, in printed order."""
    per_template = {t: shape(t).codes() for t in TABLE_TEMPLATES}
    ordered: list[tuple[str, str, str]] = []
    for section in shape(TEMPLATE_2021).sections:
        merged = _merge(*[[c for c in per_template[t] if c[0] == section] for t in TABLE_TEMPLATES])
        ordered.extend(merged)
    columns = []
    for section, row, col in ordered:
        present = [t for t in TABLE_TEMPLATES if (section, row, col) in set(per_template[t])]
        labels = {t: official_label(t, section, row, col) for t in present}
        main = present[0]
        notes = [f"{t} format: {labels[t]}" for t in present[1:] if labels[t] != labels[main]]
        if col == "amount":
            notes.append("Amount as printed; its unit is in cells.unit")
        columns.append(
            Column(
                code_name(section, row, col),
                NUMBER if col == "amount" else INTEGER,
                labels[main],
                english_label(main, section, row, col),
                "; ".join(notes),
                ",".join(sorted(present)),
                section=section,
                row=row,
                col=col,
            )
        )
    known = {c.name for c in columns}
    for code in sorted(extra_codes - known):
        section, row, col = code.split("__")
        columns.append(
            Column(
                code,
                NUMBER,
                "",
                "",
                "Cell read by the parser but not in the spec",
                "",
                section=section,
                row=row,
                col=col,
            )  # fmt: skip
        )
    return columns


def _merge(a: list, b: list) -> list:
    """Interleave two ordered lists keeping both orders (2019-only rows land where printed)."""
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        out.extend(a[i1:i2])
        if tag in ("replace", "insert"):
            out.extend(x for x in b[j1:j2] if x not in out)
    return out


def indicator_columns() -> list[Column]:
    return [
        Column(
            i.code,
            NUMBER if i.is_rate else INTEGER,
            i.label_zh,
            i.label_en,
            i.description,
            ",".join(sorted(TABLE_TEMPLATES)),
            i.formula,
        )
        for i in INDICATORS
    ]


def prose_columns(fields: list[ProseField]) -> list[Column]:
    out = []
    for f in fields:
        notes = [f"Continues {' + '.join(f.cells)} (crosswalk)"] if f.cells else []
        if f.note:
            notes.append(f.note)
        out.append(
            Column(
                f.column,
                NUMBER,
                f.label_zh,
                f.label_en or f.key.replace("_", " "),
                "; ".join(notes),
                "pre2019",
                section="prose",
                row=f.key,
            )
        )
    return out


@dataclass
class PanelPlan:
    """The panel's columns and prose rules, decided from all current reports before any row."""

    columns: list[Column]
    code_columns: list[Column]
    fields: list[ProseField]
    fill: list[tuple[str, str]]  # (prose column, table code) pairs filled from prose
    fill_from_prose: bool
    indicators: tuple[Indicator, ...]


def panel_plan(
    extra_codes: set[str],
    seen_prose: set[str],
    crosswalk: Mapping[str, ProseField] | None = None,
    *,
    fill_from_prose: bool = True,
    indicators: tuple[Indicator, ...] = INDICATORS,
) -> PanelPlan:
    """``extra_codes``: table codes outside the spec that current reports fill;
    ``seen_prose``: the prose keys current reports carry."""
    code_columns = table_code_columns(set(extra_codes))
    fields = prose_fields(crosswalk, seen_prose)
    columns = META_COLUMNS + indicator_columns() + code_columns + prose_columns(fields)
    names = {c.name for c in columns}
    fill = [(f.column, f.code) for f in fields if f.code in names] if fill_from_prose else []
    return PanelPlan(columns, code_columns, fields, fill, fill_from_prose, indicators)


def panel_chunk(
    rows: list[tuple[Entry, Payload]], plan: PanelPlan, codes: CodeTable
) -> pd.DataFrame:
    """Panel rows for current reports in (agency, year) order; an agency's years must all be in
    the same chunk (the cross-year check looks at the previous year's row)."""
    columns, fields, fill = plan.columns, plan.fields, plan.fill
    data: dict[str, list] = {c.name: [] for c in columns}
    code_names = [c.name for c in plan.code_columns]
    code_index = {name: index for index, name in enumerate(code_names)}
    by_row: list[list] = []  # each row's code values, made by C calls, turned to columns below
    for entry, payload in rows:
        numbers = codes.numbers(payload, prose=False)
        prose = payload.prose or {}
        filled = []
        values: dict = {}
        for f in fields:
            values[f.column] = prose.get(f.key)
        for column, code in fill:
            if values[column] is not None and numbers.get(code) is None:
                filled.append(code)
        meta = _meta(entry, payload, filled)
        for meta_column in META_COLUMNS:
            data[meta_column.name].append(meta.get(meta_column.name))
        row = list(map(numbers.get, code_names))
        by_row.append(row)
        for column, code in fill:
            if code in filled:
                if code in code_index:
                    row[code_index[code]] = values[column]
                else:
                    data[code][-1] = values[column]
        for f in fields:
            data[f.column].append(values[f.column])
    if by_row:
        for name, values_of_code in zip(code_names, zip(*by_row, strict=True), strict=True):
            data[name] = list(values_of_code)
    frame = typed_frame(data, columns)
    _cross_year(frame)
    for ind in plan.indicators:
        frame[ind.code] = ind.compute(frame).astype(
            "Float64" if ind.is_rate else _count_dtype(frame, ind)
        )
    if plan.fill_from_prose:
        _fill_indicators(frame, fields, plan.indicators)
    return frame


def panel_spec(columns: list[Column], n_rows: int, fingerprint: str = "") -> Dataset:
    return Dataset(
        "panel",
        None,
        list(columns),
        key=("agency_id", "year"),
        indexes=(("agency",), ("year",), ("division_code",)),
        search=("agency",),
        partition="year",
        description="One row per agency × year (current versions): every cell code, "
        "prose counts, derived indicators and the cross-year check.",
        n_rows=n_rows,
        fingerprint=fingerprint,
    )


def _fill_indicators(
    frame: pd.DataFrame, fields: list[ProseField], indicators: tuple[Indicator, ...]
) -> None:
    """A prose count that continues a *sum* of cells (litigation = direct + after
    reconsideration) cannot fill one cell, but it is exactly a count indicator: fill that
    indicator where the row has none of its cells."""
    for ind in indicators:
        if ind.is_rate:
            continue
        field = next(
            (f for f in fields if len(f.cells) > 1 and set(f.cells) == set(ind.numerator)), None
        )
        if field is None or field.column not in frame.columns:
            continue
        inputs = [frame[c] for c in ind.numerator if c in frame.columns]
        mask = frame[field.column].notna() & frame[ind.code].isna()
        for series in inputs:
            mask &= series.isna()
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            continue
        values = frame[field.column].astype("Float64")
        if str(frame[ind.code].dtype) == "Int64" and not (values[mask] % 1 == 0).all():
            frame[ind.code] = frame[ind.code].astype("Float64")
        frame.loc[mask, ind.code] = values[mask].astype(frame[ind.code].dtype)
        before = frame.loc[mask, "prose_filled"]
        frame.loc[mask, "prose_filled"] = [
            ind.code if pd.isna(text) else f"{text}; {ind.code}" for text in before
        ]
        frame.loc[mask & (frame["values_from"] == "tables"), "values_from"] = "tables+prose"


def _count_dtype(frame: pd.DataFrame, ind: Indicator) -> str:
    inputs = [frame[c] for c in ind.inputs if c in frame.columns]
    return "Int64" if all(str(s.dtype) == "Int64" for s in inputs) else "Float64"


def _meta(entry: Entry, payload: Payload, filled: list[str]) -> dict:
    has_tables = entry.n_cells > 0
    if has_tables:
        source = "tables+prose" if filled else "tables"
    else:
        source = "prose" if entry.has_prose else "none"
    return {
        "agency_id": entry.agency_id,
        "agency": entry.agency or None,
        **place_values(entry, payload.place),
        "year": entry.year,
        "report_id": entry.report_id,
        "template": payload.template,
        "published": entry.published,
        "url": payload.url,
        "fetched_at": entry.fetched_at,
        "sha256": payload.sha256,
        "warc_record_id": payload.warc_record_id,
        "n_versions": entry.n_versions,
        "parse_status": parse_status(entry),
        "n_checks_failed": len(entry.failed_checks),
        "checks_failed": "; ".join(entry.failed_checks) or None,
        "n_warnings": entry.n_warnings,
        "n_uncertain": entry.n_uncertain,
        "values_from": source,
        "prose_filled": "; ".join(filled) or None,
    }


def _cross_year(frame: pd.DataFrame) -> None:
    """Fill the xyear_* columns: carried_over(t) against carried_forward(t − 1), per column."""
    cols = [c.code for c in APPLICATION_COLUMNS]
    over = [_values(frame, code_name(SECTION_APPLICATIONS, CARRIED_OVER, c)) for c in cols]
    forward = [_values(frame, code_name(SECTION_APPLICATIONS, CARRIED_FORWARD, c)) for c in cols]
    agencies, years = frame["agency_id"].tolist(), frame["year"].tolist()
    position = {
        (agency, year): i for i, (agency, year) in enumerate(zip(agencies, years, strict=True))
    }
    prev_total: list[Any] = []
    ok: list[bool | None] = []
    detail: list[str | None] = []
    for i, (agency, year) in enumerate(zip(agencies, years, strict=True)):
        prev = position.get((agency, year - 1))
        if prev is None:
            prev_total.append(None)
            ok.append(None)
            detail.append(f"no report for {year - 1}")
            continue
        prev_total.append(forward[-1][prev])
        compared, differ = 0, []
        for col, o, f in zip(cols, over, forward, strict=True):
            now, before = o[i], f[prev]
            if now is None or before is None:
                continue
            compared += 1
            if now != before:
                differ.append(f"{col}: carried over {_fmt(now)}, {year - 1} carried forward "
                              f"{_fmt(before)}")  # fmt: skip
        if differ:
            ok.append(False)
            detail.append("; ".join(differ))
        elif compared:
            ok.append(True)
            detail.append(None)
        else:
            ok.append(None)
            detail.append("carried-over figures missing")
    total = code_name(SECTION_APPLICATIONS, CARRIED_FORWARD, cols[-1])
    frame["xyear_prev_carried_forward"] = pd.Series(
        prev_total, index=frame.index, dtype=str(frame[total].dtype)
    )
    frame["xyear_carryover_ok"] = pd.Series(ok, index=frame.index, dtype="boolean")
    frame["xyear_carryover_detail"] = pd.Series(detail, index=frame.index, dtype="string")


def _values(frame: pd.DataFrame, column: str) -> list:
    """A column as Python values with None for null (fast to index row by row)."""
    return [None if pd.isna(v) else v for v in frame[column].tolist()]


def _fmt(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
