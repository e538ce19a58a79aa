"""What the datasets are built from: a parsed report plus where its bytes came from.

The parser only sees bytes, so provenance (the URL, when it was fetched, the WARC record that
holds the response, what the sites registry says about the agency) travels beside the report in
a :class:`ReportInput`. Everything that accepts records accepts plain :class:`Report` objects,
contract dicts (``Report.to_dict()`` / ``ogi parse --json`` lines) and ``(report, mapping)``
pairs too, so a notebook user never has to build the wrapper by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from parsers.model import Report

PROVENANCE_FIELDS = (
    "url",
    "fetched_at",
    "sha256",
    "warc_record_id",
    "site_agency",
    "level",
    "division_code",
    "title",
    "publisher",
    "index_no",
)


@dataclass(slots=True)
class ReportInput:
    """A report with its provenance. Every field but ``report`` is optional.

    - ``url``: where the document was fetched (the report's ``source`` is used when absent);
    - ``fetched_at``: ISO 8601 timestamp of the fetch (a ``datetime`` is converted);
    - ``sha256``: digest of the document bytes (defaults to ``report.sha256``);
    - ``warc_record_id``: the ``WARC-Record-ID`` of the archived response;
    - ``site_agency``, ``level``, ``division_code``: what the sites registry says about the
      publishing agency (used when the report or its ``place`` does not say better);
    - ``title``: the link or page title (re-issues are often marked there: 更正/修订版);
    - ``publisher``, ``index_no``: the report page's 发布机构 and 索引号 (its metadata table).
    """

    report: Report
    url: str | None = None
    fetched_at: str | None = None
    sha256: str | None = None
    warc_record_id: str | None = None
    site_agency: str | None = None
    level: str | None = None
    division_code: str | None = None
    title: str | None = None
    publisher: str | None = None
    index_no: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.fetched_at, dt.datetime | dt.date):
            self.fetched_at = self.fetched_at.isoformat()
        if self.division_code is not None:
            self.division_code = str(self.division_code)

    def provenance(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PROVENANCE_FIELDS}


def as_input(item: Any) -> ReportInput:
    """Accept a ReportInput, a Report, a contract dict or a ``(report, provenance)`` pair."""
    if isinstance(item, ReportInput):
        return item
    if isinstance(item, Report):
        return ReportInput(item)
    if isinstance(item, tuple) and len(item) == 2:
        report, provenance = item
        base = as_input(report)
        extra = {k: v for k, v in dict(provenance or {}).items() if k in PROVENANCE_FIELDS}
        known = {f.name: getattr(base, f.name) for f in fields(ReportInput)}
        known.update({k: v for k, v in extra.items() if v is not None})
        return ReportInput(**known)
    if isinstance(item, Mapping):
        if "report" in item and isinstance(item["report"], Report | Mapping):
            report = item["report"]
            report = report if isinstance(report, Report) else Report.from_dict(dict(report))
            provenance = {k: item.get(k) for k in PROVENANCE_FIELDS}
            return as_input((report, provenance))
        return ReportInput(Report.from_dict(dict(item)))
    raise TypeError(f"cannot use {type(item).__name__} as a report record")


def as_inputs(items: Iterable[Any]) -> Iterator[ReportInput]:
    for item in items:
        yield as_input(item)


# --------------------------------------------------------------------------------------------
# Identity: which rows are the same agency, and which document is which
# --------------------------------------------------------------------------------------------


def normalize_name(name: str | None) -> str:
    """Agency names compared across years: full-width forms folded, all spaces removed."""
    if not name:
        return ""
    return "".join(unicodedata.normalize("NFKC", name).split())


def normalize_code(code: Any) -> str | None:
    """A statistical division code in its shortest exact form (``220581108000`` → ``220581108``).

    Codes come 12 digits long with trailing zeros (the statistical table) or already cut to
    their level (2/4/6/9 digits); comparing and prefix-matching needs one form.
    """
    if code is None:
        return None
    text = "".join(str(code).split())
    if not text or not text.isdigit():
        return text or None
    if len(text) == 12 and text.endswith("000"):
        text = text[:9]
    if len(text) == 9 and text.endswith("000"):
        text = text[:6]
    if len(text) == 6 and text.endswith("00"):
        text = text[:4]
    if len(text) == 4 and text.endswith("00"):
        text = text[:2]
    return text


def document_sha256(item: ReportInput) -> str:
    """The document digest: the provenance's, else the report's, else one of the record itself."""
    if item.sha256:
        return item.sha256
    if item.report.sha256:
        return item.report.sha256
    payload = json.dumps(
        [item.url or item.report.source, item.report.to_dict()],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def report_id(item: ReportInput) -> str:
    """A short stable id: the first 16 hex digits of the document digest.

    Stable across runs (it depends only on the document's bytes), so ids in last month's files
    still point at the same report.
    """
    return document_sha256(item)[:16]
