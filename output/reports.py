"""The ``reports`` dataset: one row per document, with provenance, parse status and version."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Protocol

import pandas as pd

from output.columns import BOOLEAN, CODE, DATE, DATETIME, INTEGER, NUMBER, TEXT, Column, typed_frame
from output.dataset import Dataset
from output.entries import PLACE_NAMES, Entry, Payload, candidates_text


class PayloadReader(Protocol):
    def payload(self, entry: Entry) -> Payload: ...


# Parse status, worst first.
NO_DATA = "no_data"  # neither tables nor prose counts: a scan, an image table, not a report
CHECKS_FAILED = "checks_failed"  # the form's own arithmetic does not add up
WARNINGS = "warnings"  # read, with warnings (partial tables, uncertain cells …)
OK = "ok"

# Place columns shared with the panel.
PLACE_COLUMNS = [
    Column("level", CODE, "行政层级", "Administrative level", "province / city / county / "
           "township / department (see parent_level) / zone / unknown"),
    Column("division_code", CODE, "统计用区划代码", "Division code",
           "Statistical division code of the most precise place known (shortest exact form)"),
    Column("province", TEXT, "省", "Province"),
    Column("city", TEXT, "市", "City (prefecture)"),
    Column("county", TEXT, "县（区、市）", "County"),
    Column("township", TEXT, "乡镇（街道）", "Township"),
    Column("zone", TEXT, "功能区", "Zone",
           "Development or special zone (开发区, 实验区 …), many of which have no division code"),
    Column("parent_level", CODE, "上级层级", "Parent level",
           "For a department: the level of the government it belongs to"),
]  # fmt: skip

COLUMNS = [
    Column("report_id", CODE, "报告编号", "Report id",
           "First 16 hex digits of the document's sha256: stable across runs"),
    Column("agency_id", CODE, "机关编号", "Agency id",
           "Division code and normalized agency name: the panel's agency key"),
    Column("agency", TEXT, "发布机关", "Agency", "Agency named in the report"),
    Column("site_agency", TEXT, "网站所属机关", "Site agency",
           "Agency of the website the report was harvested from (sites registry)"),
    *PLACE_COLUMNS,
    Column("place_confidence", NUMBER, "地名匹配置信度", "Place confidence"),
    Column("place_candidates", TEXT, "候选地名", "Place candidates",
           "JSON list of the alternatives when the agency name is ambiguous"),
    Column("year", INTEGER, "报告年度", "Report year", "The year the report covers"),
    Column("published", DATE, "发布日期", "Published", "Publication date (ISO 8601)"),
    Column("template", CODE, "报告格式", "Template",
           "2021 (国办公开办函〔2021〕30号), 2019 (国办公开办函〔2019〕60号), pre2019, unknown"),
    Column("title", TEXT, "标题", "Title"),
    Column("publisher", TEXT, "发布机构", "Publisher",
           "发布机构 of the report page's metadata: the portal's owner, also for a township's "
           "report in its county's column"),
    Column("index_no", CODE, "索引号", "Index number",
           "索引号 of the report page in the disclosure catalogue (organization code/year-number)"),
    Column("form", CODE, "文档形式", "Form", "html / pipe / flat / markdown / pdf / docx / …"),
    Column("source", TEXT, "解析来源", "Source", "Path or URL the parser was given"),
    Column("url", TEXT, "网址", "URL", "Where the document was fetched"),
    Column("fetched_at", DATETIME, "抓取时间", "Fetched at", "ISO 8601 timestamp of the fetch"),
    Column("sha256", CODE, "SHA-256", "SHA-256", "Digest of the document bytes"),
    Column("warc_record_id", CODE, "WARC记录编号", "WARC record id",
           "WARC-Record-ID of the archived response"),
    Column("content", CODE, "内容", "Content", "tables / prose / tables+prose / none"),
    Column("parse_status", CODE, "解析状态", "Parse status",
           "ok / warnings / checks_failed / no_data (worst applies)"),
    Column("n_cells", INTEGER, "单元格数", "Cells", "Table cells in the record"),
    Column("n_numbers", INTEGER, "数字单元格数", "Numbers", "Cells holding a printed number"),
    Column("n_uncertain", INTEGER, "不确定单元格数", "Uncertain cells",
           "Cells whose number exists but whose column could not be decided (null values)"),
    Column("n_checks", INTEGER, "校验数", "Checks"),
    Column("n_checks_failed", INTEGER, "未通过校验数", "Failed checks"),
    Column("checks_failed", TEXT, "未通过的校验", "Failed check rules", "Rule names, '; '-separated"),
    Column("n_warnings", INTEGER, "警告数", "Warnings"),
    Column("warnings", TEXT, "警告", "Warning texts", "One per line"),
    Column("version", INTEGER, "版本", "Version", "1 = first published version of this agency-year"),
    Column("n_versions", INTEGER, "版本数", "Versions", "Versions of this agency-year"),
    Column("version_status", CODE, "版本状态", "Version status",
           "current / superseded (an earlier version) / duplicate (same numbers in another form)"),
    Column("is_current", BOOLEAN, "是否现行版本", "Is current"),
    Column("superseded_by", CODE, "被替代为", "Superseded by", "report_id of the current version"),
    Column("duplicate_of", CODE, "重复于", "Duplicate of",
           "report_id of the document with the same numbers that represents this version"),
    Column("correction", BOOLEAN, "更正版", "Correction", "Title marks a re-issue (更正/修订)"),
    Column("changed_cells", INTEGER, "变动单元格数", "Changed cells",
           "Cells whose value differs from the previous version"),
]  # fmt: skip


REPORTS_CHUNK = 20_000  # rows per chunk


def content(entry: Entry) -> str:
    has_tables = entry.n_cells > 0
    if has_tables and entry.has_prose:
        return "tables+prose"
    if has_tables:
        return "tables"
    return "prose" if entry.has_prose else "none"


def parse_status(entry: Entry) -> str:
    if content(entry) == "none":
        return NO_DATA
    if entry.failed_checks:
        return CHECKS_FAILED
    if entry.n_warnings or entry.n_uncertain:
        return WARNINGS
    return OK


def place_values(entry: Entry, place: dict) -> dict:
    values = {
        "level": entry.level,
        "division_code": entry.division_code,
        "parent_level": place.get("parent_level"),
    }
    for name in PLACE_NAMES:
        values[name] = place.get(name)
    return values


def sort_key(entry: Entry) -> tuple:
    """The dataset's row order: agency, year, then its versions in order."""
    return (entry.agency_id, entry.year if entry.year is not None else -1, entry.version,
            entry.status != "superseded", entry.report_id)  # fmt: skip


def report_row(entry: Entry, payload: Payload) -> dict:
    place = payload.place
    return {
        "report_id": entry.report_id,
        "agency_id": entry.agency_id,
        "agency": entry.agency or None,
        "site_agency": payload.site_agency,
        **place_values(entry, place),
        "place_confidence": place.get("confidence"),
        "place_candidates": candidates_text(place),
        "year": entry.year,
        "published": entry.published,
        "template": payload.template,
        "title": payload.title,
        "publisher": payload.publisher,
        "index_no": payload.index_no,
        "form": payload.form,
        "source": payload.source,
        "url": payload.url or _url_like(payload.source),
        "fetched_at": entry.fetched_at,
        "sha256": payload.sha256,
        "warc_record_id": payload.warc_record_id,
        "content": content(entry),
        "parse_status": parse_status(entry),
        "n_cells": entry.n_cells,
        "n_numbers": entry.n_numbers,
        "n_uncertain": entry.n_uncertain,
        "n_checks": payload.n_checks,
        "n_checks_failed": len(entry.failed_checks),
        "checks_failed": "; ".join(entry.failed_checks) or None,
        "n_warnings": entry.n_warnings,
        "warnings": "\n".join(payload.warnings) or None,
        "version": entry.version,
        "n_versions": entry.n_versions,
        "version_status": entry.status,
        "is_current": entry.is_current,
        "superseded_by": entry.superseded_by,
        "duplicate_of": entry.duplicate_of,
        "correction": entry.correction,
        "changed_cells": entry.changed_cells,
    }


def reports_chunks(
    ordered: Iterable[Entry], payloads: PayloadReader, size: int | None = None
) -> Iterator[pd.DataFrame]:
    """The rows of ``ordered`` (already in :func:`sort_key` order), ``size`` at a time (the
    entries may be a stream: only one chunk of them is held)."""
    size = size or REPORTS_CHUNK
    entries = iter(ordered)
    emitted = False
    while batch := list(itertools.islice(entries, size)):
        rows: dict[str, list] = {c.name: [] for c in COLUMNS}
        for entry in batch:
            for name, value in report_row(entry, payloads.payload(entry)).items():
                rows[name].append(value)
        emitted = True
        yield typed_frame(rows, COLUMNS)
    if not emitted:
        yield typed_frame({}, COLUMNS)


def reports_spec(columns: list[Column], n_rows: int, fingerprint: str = "") -> Dataset:
    return Dataset(
        "reports",
        None,
        list(columns),
        key=("report_id",),
        indexes=(("agency",), ("agency_id", "year"), ("year",), ("division_code",)),
        search=("agency", "site_agency"),
        partition="year",
        description="One row per document: provenance, parse status and version.",
        n_rows=n_rows,
        fingerprint=fingerprint,
    )


def _url_like(source: str | None) -> str | None:
    if source and source.split(":", 1)[0] in ("http", "https"):
        return source
    return None
