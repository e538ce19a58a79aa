"""One entry per distinct document: the few fields that decide identity, versions and order.

Every dataset is built from these entries, so the decisions made here (which documents are the
same bytes, which reports belong to the same agency) are made once. Agency identity is the
division code when known plus the normalized name: the same township name exists in many
counties, and a department shares its government's code. A name seen with exactly one code in
some years and none in others gets that code everywhere, so one unresolved year does not split
a series.

An entry holds no cells and no report: at national scale there are a million of them, so
everything else a dataset row needs (provenance, place, warnings, the document's numbers) is
kept in a :class:`Payload` written to the build's scratch file and read back when the row is
written (see :mod:`output.build`).
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from output.inputs import ReportInput, document_sha256, normalize_code, normalize_name
from parsers.model import NUMBER, UNCERTAIN

# Words that mark a re-issued report in its title (更正版, 修订版, 勘误 …).
CORRECTION = re.compile(r"更正|修订|修正|勘误|重新发布|更新版|替换版")

PLACE_NAMES = ("province", "city", "county", "township", "zone")
PROSE_PREFIX = "prose__"


@dataclass(slots=True)
class Entry:
    """A distinct document: what identity, versions, parse status and row order need."""

    position: int  # where the document is in the build's record sequence (to read it again)
    report_id: str
    agency: str
    name_key: str
    division_code: str | None
    level: str | None
    year: int | None
    published: str | None
    fetched_at: str | None
    correction: bool
    n_cells: int
    n_numbers: int
    n_uncertain: int
    failed_checks: tuple[str, ...]
    n_warnings: int
    has_prose: bool
    extra_codes: tuple[str, ...]  # table codes with a value that the spec does not know
    prose_keys: tuple[str, ...]  # prose counts present (null or not)
    blob: int = 0  # where the payload is in the scratch file (Scratch.put)
    agency_id: str = ""
    # Filled by output.versions.
    version: int = 1
    n_versions: int = 1
    status: str = "current"
    superseded_by: str | None = None
    duplicate_of: str | None = None
    changed_cells: int | None = None

    @property
    def is_current(self) -> bool:
        return self.status == "current"

    @property
    def in_panel(self) -> bool:
        """Current, with a year and an agency: a row of the panel."""
        return self.status == "current" and self.year is not None and bool(self.agency_id)


class Payload(NamedTuple):
    """Everything about a document that rows need and entries do not hold."""

    sha256: str
    url: str | None  # as harvested (the panel's url)
    source: str | None
    site_agency: str | None
    warc_record_id: str | None
    title: str | None
    publisher: str | None
    index_no: str | None
    template: str
    form: str | None
    place: dict[str, Any]
    n_checks: int
    warnings: tuple[str, ...]
    codes: bytes  # ids of the table codes with a value (CodeTable), array('I') bytes
    values: tuple  # their values, as printed numbers (int or float)
    prose: dict[str, Any] | None


class CodeTable:
    """Table codes ``section__row__column`` ⇄ small integers (payloads store the integers)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str, str], int] = {}
        self.names: list[str] = []

    def id(self, section: str, row: str, column: str) -> int:
        key = (section, row, column)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self.names)
            self.names.append(code_name(section, row, column))
        return found

    def numbers(self, payload: Payload, *, prose: bool = True) -> dict[str, Any]:
        """The document's non-null values by code (prose counts as ``prose__<key>``)."""
        names = self.names
        ids = array("I")
        ids.frombytes(payload.codes)
        out = dict(zip(map(names.__getitem__, ids), payload.values, strict=True))
        if prose:
            for key, value in (payload.prose or {}).items():
                if value is not None:
                    out[PROSE_PREFIX + key] = value
        return out


_CODES: dict[tuple[str, str, str], str] = {}


def code_name(section: str, row: str, column: str) -> str:
    """``section__row__column``, one shared string per code (thousands of reports share them)."""
    key = (section, row, column)
    code = _CODES.get(key)
    if code is None:
        code = _CODES.setdefault(key, sys.intern(f"{section}__{row}__{column}"))
    return code


class Interner:
    """One shared object per distinct value (agency names, dates, check lists repeat a lot)."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if value is None:
            return None
        return self._seen.setdefault(value, value)


def scan(
    item: ReportInput,
    position: int,
    codes: CodeTable,
    known_codes: frozenset[str],
    share: Interner,
    cells: list | None = None,
) -> tuple[Entry, Payload]:
    """Read one document into its entry and payload (one walk over its cells: ``cells``, the
    report's :meth:`~parsers.model.Report.cells` when the caller has them already)."""
    report = item.report
    place = report.place or {}
    ids = array("I")
    values = []
    n_numbers = n_uncertain = n_cells = 0
    for section, row, column, cell in report.cells() if cells is None else cells:
        n_cells += 1
        if cell.status == UNCERTAIN:
            n_uncertain += 1
        if cell.value is not None:
            ids.append(codes.id(section, row, column))
            values.append(cell.value)
            if cell.status == NUMBER:
                n_numbers += 1
    names = codes.names
    extra = tuple(sorted({names[i] for i in ids} - known_codes)) if ids else ()
    agency = report.agency or item.site_agency or ""
    titles = [t for t in (item.title, report.title) if t]
    prose = report.prose
    entry = Entry(
        position=position,
        report_id=document_sha256(item)[:16],
        agency=share(agency),
        name_key=share(normalize_name(agency)),
        division_code=share(
            normalize_code(place.get("code")) or normalize_code(item.division_code)
        ),
        level=share(place.get("level") or item.level),
        year=report.year,
        published=share(report.published),
        fetched_at=item.fetched_at,
        correction=any(CORRECTION.search(t) for t in titles),
        n_cells=n_cells,
        n_numbers=n_numbers,
        n_uncertain=n_uncertain,
        failed_checks=share(tuple(sorted({c.rule for c in report.checks if c.ok is False}))),
        n_warnings=len(report.warnings),
        has_prose=bool(prose),
        extra_codes=share(extra),
        prose_keys=share(tuple(prose)) if prose else (),
    )
    payload = Payload(
        sha256=document_sha256(item),
        url=item.url,
        source=report.source,
        site_agency=item.site_agency,
        warc_record_id=item.warc_record_id,
        title=titles[0] if titles else None,
        publisher=item.publisher,
        index_no=item.index_no,
        template=report.template,
        form=report.form,
        place=dict(place),
        n_checks=len(report.checks),
        warnings=tuple(report.warnings),
        codes=ids.tobytes(),
        values=tuple(values),
        prose=dict(prose) if prose is not None else None,
    )
    return entry, payload


def first_seen(entry: Entry, payload: Payload) -> tuple[str, str]:
    """Which copy of the same bytes counts: the first fetched (then the smaller URL)."""
    return (entry.fetched_at or "\uffff", payload.url or payload.source or "")


def assign_agency_ids(entries: list[Entry]) -> None:
    codes: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.division_code:
            codes[entry.name_key].add(entry.division_code)
    ids: dict[tuple[str | None, str], str] = {}
    for entry in entries:
        if not entry.division_code and len(codes.get(entry.name_key, ())) == 1:
            entry.division_code = next(iter(codes[entry.name_key]))
        key = (entry.division_code, entry.name_key)
        found = ids.get(key)
        if found is None:
            found = ids[key] = agency_id(entry.division_code, entry.name_key)
        entry.agency_id = found


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
