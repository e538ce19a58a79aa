"""What the review app knows about a data folder: every harvested document, in a small summary.

The index is read once from the record stores and read again only when a store or the
corrections file changes (a harvest ran, someone corrected a cell), so every page is served from
memory. A summary holds no cells; the report page reads its one record from the store.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.correct import load_corrections
from output.corrections import CorrectionError, CorrectionSet
from output.inputs import ReportInput, document_sha256, normalize_code, normalize_name
from output.store import StoredInput, load_records, store_files
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


@dataclass(slots=True)
class Summary:
    """One harvested document, as the lists need it."""

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
    handle: StoredInput | None = field(default=None, repr=False)
    corrected: int = 0
    stale: int = 0
    xyear: int = 0  # cells that disagree with the agency's report of the year before or after

    @property
    def needs_review(self) -> bool:
        return bool(self.n_uncertain or self.failed_checks or self.stale or self.xyear)

    @property
    def severity(self) -> tuple:
        """Worst first: failed checks weigh most, then stale corrections, then cells to decide."""
        return (
            -(len(self.failed_checks) * 10 + self.stale * 5 + self.xyear * 3 + self.n_uncertain),
        )


class ReviewIndex:
    """Summaries of every document in a data folder, refreshed when the folder changes."""

    def __init__(self, data_dir: str | os.PathLike) -> None:
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._mark: tuple | None = None
        self.summaries: dict[str, Summary] = {}
        self.corrections = CorrectionSet()
        self.corrections_error: str | None = None
        # (agency, year) → [carried over, carried forward, other agency's name …] (see _remember_carry)
        self.carry: dict[tuple[str, int], list[Any]] = {}

    def _fingerprint(self) -> tuple:
        files = []
        try:
            paths = store_files(self.data_dir)
        except FileNotFoundError:
            paths = []
        for path in [*paths, self.data_dir / "corrections.csv"]:
            for candidate in (path, Path(f"{path}-wal")):
                try:
                    stat = candidate.stat()
                except OSError:
                    continue
                files.append((candidate.name, stat.st_size, stat.st_mtime_ns))
        return tuple(files)

    def refresh(self) -> ReviewIndex:
        """Read the folder again if anything in it changed since the last read."""
        with self._lock:
            mark = self._fingerprint()
            if mark == self._mark:
                return self
            self._read()
            self._mark = mark
        return self

    def _read(self) -> None:
        try:
            handles = list(load_records(self.data_dir))
        except FileNotFoundError:
            handles = []
        summaries: dict[str, Summary] = {}
        carry: dict[tuple[str, int], tuple[str, dict, dict]] = {}
        for start in range(0, len(handles), 256):
            batch = handles[start : start + 256]
            for handle, (item, _digest) in zip(
                batch, StoredInput.load_many(batch, digest=False), strict=True
            ):
                summary = summarize(item, handle)
                summaries.setdefault(summary.report_id, summary)
                _remember_carry(carry, summary, item)
        try:
            self.corrections = load_corrections(self.data_dir)
            self.corrections_error = None
        except CorrectionError as exc:
            self.corrections, self.corrections_error = CorrectionSet(), str(exc)
        for sha, cells in self.corrections.active.items():
            if sha[:16] in summaries:
                summaries[sha[:16]].corrected = len(cells)
        for stale in self.corrections.stale:
            found = summaries.get(stale.correction.report_id)
            if found is not None:
                found.stale += 1
        self.carry = {key: value for key, (_fetched, *value) in carry.items()}
        for summary in summaries.values():
            summary.xyear = len(self.year_mismatches(summary))
        self.summaries = summaries

    # -- lists -------------------------------------------------------------------------------

    def get(self, report_id: str) -> Summary | None:
        return self.refresh().summaries.get(report_id)

    def tree(
        self, query: str = ""
    ) -> list[tuple[str, list[tuple[str, list[tuple[str, list[Summary]]]]]]]:
        """Agencies by place and level, each with its documents sorted by year:
        ``[(place, [(level, [(agency, [summary…])…])…])…]``, filtered by a name search."""
        wanted = normalize_name(query)
        grouped: dict[str, dict[str, dict[str, list[Summary]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        for summary in self.refresh().summaries.values():
            if (
                wanted
                and wanted not in summary.agency_key
                and wanted not in normalize_name(summary.place)
            ):
                continue
            grouped[summary.place or "（地区未识别）"][summary.level][summary.agency].append(
                summary
            )
        out = []
        for place in sorted(grouped):
            levels = grouped[place]
            by_level = []
            for level in sorted(levels, key=_level_rank):
                agencies = [
                    (agency, sorted(docs, key=lambda s: (s.year or 0, s.fetched_at or "")))
                    for agency, docs in sorted(levels[level].items())
                ]
                by_level.append((level, agencies))
            out.append((place, by_level))
        return out

    def queue(self) -> list[Summary]:
        """Documents with undecided cells, failed checks, stale corrections or cross-year
        mismatches, worst first."""
        found = [s for s in self.refresh().summaries.values() if s.needs_review]
        return sorted(found, key=lambda s: (s.severity, s.agency, s.year or 0))

    # -- across years ------------------------------------------------------------------------

    def year_mismatches(self, summary: Summary) -> dict[str, str]:
        """Cells of a report that disagree with the same agency's report of the year before
        (上年结转 ≠ last year's 结转下年度) or after, each with the warning to show."""
        out: dict[str, str] = {}
        if summary.year is None:
            return out
        mine = self.carry.get((summary.agency_key, summary.year))
        if mine is None:
            return out
        this_over, this_forward, _rid = mine
        before = self.carry.get((summary.agency_key, summary.year - 1))
        if before is not None:
            _over, last_forward, other = before
            for column, value in this_over.items():
                last = last_forward.get(column)
                if value is not None and last is not None and value != last:
                    out[f"applications.carried_over.{column}"] = (
                        f"上年结转 {_num(value)} ≠ 上一年度报告（{other}）结转下年度 {_num(last)}"
                    )
        after = self.carry.get((summary.agency_key, summary.year + 1))
        if after is not None:
            next_over, _forward, other = after
            for column, value in this_forward.items():
                following = next_over.get(column)
                if value is not None and following is not None and value != following:
                    out[f"applications.carried_forward.{column}"] = (
                        f"结转下年度 {_num(value)} ≠ 下一年度报告（{other}）上年结转 {_num(following)}"
                    )
        return out


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def summarize(item: ReportInput, handle: StoredInput | None = None) -> Summary:
    report = item.report
    place = report.place or {}
    names = [place.get(k) for k in ("province", "city", "county")]
    agency = report.agency or item.site_agency or "（机构未识别）"
    code = normalize_code(place.get("code")) or normalize_code(item.division_code) or ""
    cells = report.cells()
    sha = document_sha256(item)
    return Summary(
        report_id=sha[:16],
        sha256=sha,
        agency=agency,
        agency_key=f"{code}:{normalize_name(agency)}",
        year=report.year,
        level=place.get("level") or item.level or "unknown",
        place=" ".join(n for n in names if n),
        template=report.template,
        form=report.form,
        url=item.url,
        fetched_at=item.fetched_at,
        warc_record_id=item.warc_record_id,
        title=item.title or report.title,
        n_cells=len(cells),
        n_uncertain=sum(1 for *_k, cell in cells if cell.status == UNCERTAIN),
        failed_checks=tuple(sorted({c.rule for c in report.checks if c.ok is False})),
        handle=handle,
    )


def _remember_carry(carry: dict, summary: Summary, item: ReportInput) -> None:
    """Keep the carried-over and carried-forward rows of the newest document per agency-year."""
    apps = item.report.tables.get("applications") or {}
    if summary.year is None or "carried_over" not in apps or "carried_forward" not in apps:
        return
    key = (summary.agency_key, summary.year)
    held = carry.get(key)
    if held is not None and (held[0] or "") >= (summary.fetched_at or ""):
        return
    over = {c: cell.value for c, cell in apps["carried_over"].items()}
    forward = {c: cell.value for c, cell in apps["carried_forward"].items()}
    carry[key] = (summary.fetched_at, over, forward, summary.report_id)


def load_report(summary: Summary) -> ReportInput:
    """The full record of a summarized document (read from its store)."""
    if summary.handle is None:
        raise LookupError(f"no stored record for {summary.report_id}")
    return summary.handle.load()


def as_json(summaries: Iterable[Summary]) -> str:
    return json.dumps(
        [{"report_id": s.report_id, "agency": s.agency, "year": s.year} for s in summaries],
        ensure_ascii=False,
    )
