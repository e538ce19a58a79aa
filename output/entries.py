"""One entry per distinct document: the report, its provenance and who published it.

Every dataset is built from these entries, so the decisions made here (which documents are the
same bytes, which reports belong to the same agency) are made once. Agency identity is the
division code when known plus the normalized name: the same township name exists in many
counties, and a department shares its government's code. A name seen with exactly one code in
some years and none in others gets that code everywhere, so one unresolved year does not split
a series.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from output.inputs import ReportInput, as_input, document_sha256, normalize_code, normalize_name
from parsers.model import NUMBER, UNCERTAIN

# Words that mark a re-issued report in its title (更正版, 修订版, 勘误 …).
CORRECTION = re.compile(r"更正|修订|修正|勘误|重新发布|更新版|替换版")

PLACE_NAMES = ("province", "city", "county", "township", "zone")


@dataclass(slots=True)
class Entry:
    """A distinct document with everything the datasets need to know about it."""

    item: ReportInput
    report_id: str
    sha256: str
    agency: str
    name_key: str
    division_code: str | None
    level: str | None
    year: int | None
    published: str | None
    fetched_at: str | None
    title: str | None
    correction: bool
    numbers: dict[str, float]  # every non-null value: table codes and prose keys
    n_cells: int
    n_numbers: int
    n_uncertain: int
    failed_checks: list[str]
    n_warnings: int
    agency_id: str = ""
    # Filled by output.versions.
    version: int = 1
    n_versions: int = 1
    status: str = "current"
    superseded_by: str | None = None
    duplicate_of: str | None = None
    changed_cells: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def report(self):
        return self.item.report

    @property
    def is_current(self) -> bool:
        return self.status == "current"

    @property
    def place(self) -> dict[str, Any]:
        return self.item.report.place or {}


def make_entries(records: Iterable[Any]) -> list[Entry]:
    """Entries for the distinct documents among ``records`` (same bytes twice → one entry)."""
    by_id: dict[str, Entry] = {}
    for record in records:
        entry = _entry(as_input(record))
        known = by_id.get(entry.report_id)
        if known is None or _first_seen(entry) < _first_seen(known):
            by_id[entry.report_id] = entry
    entries = sorted(by_id.values(), key=lambda e: e.report_id)
    _assign_agency_ids(entries)
    return entries


_CODES: dict[tuple[str, str, str], str] = {}


def code_name(section: str, row: str, column: str) -> str:
    """``section__row__column``, one shared string per code (thousands of reports share them)."""
    key = (section, row, column)
    code = _CODES.get(key)
    if code is None:
        code = _CODES.setdefault(key, sys.intern(f"{section}__{row}__{column}"))
    return code


def _first_seen(entry: Entry) -> tuple[str, str]:
    return (entry.fetched_at or "\uffff", entry.item.url or entry.report.source or "")


def _entry(item: ReportInput) -> Entry:
    report = item.report
    place = report.place or {}
    sha = document_sha256(item)
    numbers: dict[str, float] = {}
    n_numbers = n_uncertain = n_cells = 0
    for section, row, column, cell in report.cells():
        n_cells += 1
        code = code_name(section, row, column)
        if cell.status == UNCERTAIN:
            n_uncertain += 1
        if cell.value is not None:
            numbers[code] = cell.value
            if cell.status == NUMBER:
                n_numbers += 1
    for key, value in (report.prose or {}).items():
        if value is not None:
            numbers[f"prose__{key}"] = value
    agency = report.agency or item.site_agency or ""
    code = normalize_code(place.get("code")) or normalize_code(item.division_code)
    titles = [t for t in (item.title, report.title) if t]
    return Entry(
        item=item,
        report_id=sha[:16],
        sha256=sha,
        agency=agency,
        name_key=normalize_name(agency),
        division_code=code,
        level=place.get("level") or item.level,
        year=report.year,
        published=report.published,
        fetched_at=item.fetched_at,
        title=titles[0] if titles else None,
        correction=any(CORRECTION.search(t) for t in titles),
        numbers=numbers,
        n_cells=n_cells,
        n_numbers=n_numbers,
        n_uncertain=n_uncertain,
        failed_checks=sorted({c.rule for c in report.checks if not c.ok}),
        n_warnings=len(report.warnings),
    )


def _assign_agency_ids(entries: list[Entry]) -> None:
    codes: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.division_code:
            codes[entry.name_key].add(entry.division_code)
    for entry in entries:
        if not entry.division_code and len(codes.get(entry.name_key, ())) == 1:
            entry.division_code = next(iter(codes[entry.name_key]))
        entry.agency_id = agency_id(entry.division_code, entry.name_key)


def agency_id(division_code: str | None, name_key: str) -> str:
    """``220581108:梅河口市进化镇人民政府`` — readable, and unique across same-named places."""
    if division_code:
        return f"{division_code}:{name_key}"
    return name_key


def candidates_text(place: dict[str, Any]) -> str | None:
    candidates = place.get("candidates")
    if not candidates:
        return None
    return json.dumps(candidates, ensure_ascii=False, sort_keys=True, default=str)
