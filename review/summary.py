"""One harvested document as the review app's lists need it: a :class:`Summary`, made from a
stored record without building its cells (the index makes one per document of the folder).

Also the one check the app makes across documents: a report's carried-over applications
(上年结转) against the same agency's report of the year before (结转下年度), and the other way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from output.inputs import normalize_code, normalize_name
from parsers.model import UNCERTAIN

LEVEL_ORDER = ("province", "city", "county", "township", "department", "zone", "unknown")
LEVEL_NAMES = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇/街道",
    "department": "部门",
    "zone": "开发区",
    "unknown": "未识别",
}
NO_AGENCY = "（机构未识别）"
NO_PLACE = "（地区未识别）"


@dataclass(slots=True)
class Summary:
    """One harvested document, as the lists need it (a row of the index)."""

    report_id: str
    sha256: str
    agency: str
    agency_key: str
    year: int | None
    level: str
    place: str  # 省 市 县, as far as known
    template: str
    form: str | None
    url: str | None
    fetched_at: str | None
    warc_record_id: str | None
    title: str | None
    n_cells: int
    n_uncertain: int
    failed_checks: tuple[str, ...]
    file: str = ""  # the record file holding it (a name in the data folder)
    at: int = 0  # its row (rowid) or line (byte offset) there
    corrected: int = 0
    stale: int = 0
    xyear: int = 0  # cells that disagree with the agency's report of the year before or after
    carry: tuple[dict, dict] | None = None  # (carried_over, carried_forward) of table 三

    @property
    def needs_review(self) -> bool:
        return bool(self.n_uncertain or self.failed_checks or self.stale or self.xyear)

    @property
    def severity(self) -> int:
        """Worst first: failed checks weigh most, then stale corrections, then cross-year
        mismatches, then cells to decide."""
        return len(self.failed_checks) * 10 + self.stale * 5 + self.xyear * 3 + self.n_uncertain


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def summarize_record(values: dict[str, Any], record: dict[str, Any]) -> Summary:
    """A summary from a store row: its provenance columns and its record (as stored, JSON)."""
    place = record.get("place") or {}
    names = [place.get(k) for k in ("province", "city", "county")]
    agency = record.get("agency") or values.get("site_agency") or NO_AGENCY
    code = normalize_code(place.get("code")) or normalize_code(values.get("division_code")) or ""
    sha = values.get("sha256") or record.get("sha256") or ""
    tables = record.get("tables") or {}
    detail = record.get("_cells") or {}
    n_cells = n_uncertain = 0
    for section, rows in tables.items():
        section_detail = detail.get(section) or {}
        for row, columns in rows.items():
            n_cells += len(columns)
            row_detail = section_detail.get(row)
            if row_detail:
                n_uncertain += sum(1 for entry in row_detail.values() if entry[1] == UNCERTAIN)
    apps = tables.get("applications") or {}
    carry = None
    if "carried_over" in apps and "carried_forward" in apps:
        carry = (dict(apps["carried_over"]), dict(apps["carried_forward"]))
    meta = record.get("_meta") or {}
    return Summary(
        report_id=sha[:16],
        sha256=sha,
        agency=agency,
        agency_key=f"{code}:{normalize_name(agency)}",
        year=record.get("year"),
        level=place.get("level") or values.get("level") or "unknown",
        place=" ".join(n for n in names if n),
        template=record.get("template") or "unknown",
        form=meta.get("form"),
        url=values.get("url") or None,
        fetched_at=values.get("fetched_at"),
        warc_record_id=values.get("warc_record_id"),
        title=values.get("title") or meta.get("title"),
        n_cells=n_cells,
        n_uncertain=n_uncertain,
        failed_checks=tuple(
            sorted({c["rule"] for c in record.get("checks") or [] if c.get("ok") is False})
        ),
        carry=carry,
    )


def year_mismatches(
    summary: Summary, before: Summary | None, after: Summary | None
) -> dict[str, str]:
    """Cells of a report that disagree with the same agency's report of the year before
    (上年结转 ≠ last year's 结转下年度) or after, each with the warning to show."""
    out: dict[str, str] = {}
    if summary.carry is None:
        return out
    this_over, this_forward = summary.carry
    if before is not None and before.carry is not None:
        last_forward = before.carry[1]
        for column, value in this_over.items():
            last = last_forward.get(column)
            if value is not None and last is not None and value != last:
                out[f"applications.carried_over.{column}"] = (
                    f"上年结转 {_num(value)} ≠ 上一年度报告（{before.report_id}）结转下年度 "
                    f"{_num(last)}"
                )
    if after is not None and after.carry is not None:
        next_over = after.carry[0]
        for column, value in this_forward.items():
            following = next_over.get(column)
            if value is not None and following is not None and value != following:
                out[f"applications.carried_forward.{column}"] = (
                    f"结转下年度 {_num(value)} ≠ 下一年度报告（{after.report_id}）上年结转 "
                    f"{_num(following)}"
                )
    return out


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
