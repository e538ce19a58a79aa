"""Corrections against a data folder: record one (``ogi correct``), and find the stale ones.

:func:`correct` looks the report up in the folder's record stores (by its ``report_id`` or
sha256), checks the cell against its tables, and appends the correction to
``DATA/corrections.csv`` with the value it replaces. :func:`load_corrections` reads the file
and sets aside the corrections whose document changed at its URL since (a newer fetch with a
different sha256): those are stale, not applied, until a reviewer looks again.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ogi_errors import ReportNotFound as ReportNotFound
from output.corrections import (
    Correction,
    CorrectionError,
    CorrectionSet,
    StaleCorrection,
    append_correction,
    cell_code,
    now_text,
    parse_value,
    read_corrections,
    split_cell,
)
from output.store import decode_report, store_files
from parsers.model import Number, Report


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One document of the record stores: where it came from and when."""

    url: str
    sha256: str
    fetched_at: str | None


def _stores(data_dir: str | os.PathLike) -> list[Path]:
    try:
        return [p for p in store_files(Path(data_dir)) if p.suffix == ".sqlite"]
    except FileNotFoundError:
        return []


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def find_record(data_dir: str | os.PathLike, report_id: str) -> tuple[StoredDocument, Report]:
    """The record of a document by its ``report_id`` (16 hex digits) or full sha256. Raises
    :class:`ReportNotFound`."""
    key = (report_id or "").strip().lower()
    if len(key) < 8 or any(ch not in "0123456789abcdef" for ch in key):
        raise ReportNotFound(f"{report_id!r} is not a report id (16 hex digits, or a sha256)")
    found: dict[str, tuple[StoredDocument, str]] = {}
    for path in _stores(data_dir):
        db = _connect(path)
        try:
            rows = db.execute(
                "SELECT url, sha256, fetched_at, record FROM records WHERE sha256 >= ? AND "
                "sha256 < ? ORDER BY fetched_at DESC",
                (key, key + "g"),
            ).fetchall()
        finally:
            db.close()
        for url, sha, fetched_at, record in rows:
            found.setdefault(sha, (StoredDocument(url, sha, fetched_at), record))
    if not found:
        raise ReportNotFound(f"no harvested document with report id {report_id}")
    if len(found) > 1:
        raise ReportNotFound(f"report id {report_id} matches {len(found)} documents: give more")
    document, text = next(iter(found.values()))
    return document, decode_report(json.loads(text))


def correct(
    data_dir: str | os.PathLike,
    report_id: str,
    cell: str,
    value: str | Number | None,
    *,
    note: str = "",
    reviewer: str = "",
    time: str | None = None,
) -> Correction:
    """Record a correction of one cell of a harvested report in ``DATA/corrections.csv``.

    ``value`` is the number read in the source, or None / empty text for a blank cell. Raises
    :class:`ReportNotFound` for an unknown report and :class:`CorrectionError` for a bad cell
    or value (a cell its template does not have)."""
    section, row, column = split_cell(cell)
    new_value = parse_value(value)
    document, report = find_record(data_dir, report_id)
    table = report.tables.get(section)
    if table is None:
        raise CorrectionError(
            f"report {document.sha256[:16]} has no {section} table (template "
            f"{report.template}); nothing to correct"
        )
    current = table.get(row, {}).get(column)
    if current is None:
        raise CorrectionError(
            f"cell {cell} is not in report {document.sha256[:16]} (template {report.template})"
        )
    correction = Correction(
        document.sha256,
        cell_code(section, row, column),
        current.value,
        new_value,
        (note or "").strip(),
        (reviewer or "").strip(),
        time or now_text(),
    )
    return append_correction(data_dir, correction)


def latest_documents(data_dir: str | os.PathLike, shas: Iterable[str]) -> dict[str, dict]:
    """For each sha256: the URLs it was fetched from and, per URL, the newest document there."""
    wanted = sorted(set(shas))
    out: dict[str, dict] = {sha: {"urls": set(), "newest": {}} for sha in wanted}
    if not wanted:
        return out
    for path in _stores(data_dir):
        db = _connect(path)
        try:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ", ".join("?" for _ in part)
                for url, sha in db.execute(
                    f"SELECT url, sha256 FROM records WHERE sha256 IN ({marks})", part
                ):
                    out[sha]["urls"].add(url)
            urls = sorted({u for v in out.values() for u in v["urls"] if u})
            newest: dict[str, StoredDocument] = {}
            for start in range(0, len(urls), 500):
                part = urls[start : start + 500]
                marks = ", ".join("?" for _ in part)
                for url, sha, fetched_at in db.execute(
                    f"SELECT url, sha256, fetched_at FROM records WHERE url IN ({marks})", part
                ):
                    doc = StoredDocument(url, sha, fetched_at)
                    held = newest.get(url)
                    if held is None or (fetched_at or "") > (held.fetched_at or ""):
                        newest[url] = doc
        finally:
            db.close()
        for value in out.values():
            for url in value["urls"]:
                if url in newest:
                    value["newest"][url] = newest[url]
    return out


def judge(
    data_dir: str | os.PathLike, corrections: Iterable[Correction]
) -> dict[str, StaleCorrection]:
    """The documents (by sha256) whose corrections are stale, each with why.

    A document is stale when a newer fetch of its URL gave other bytes (the agency changed the
    page: the numbers may have changed with it), or when no record store holds it at all."""
    corrections = list(corrections)
    shas = {c.report_sha256 for c in corrections}
    if not shas or not _stores(data_dir):
        return {}
    seen = latest_documents(data_dir, shas)
    stale: dict[str, StaleCorrection] = {}
    sample = {c.report_sha256: c for c in corrections}
    for sha, info in seen.items():
        if not info["urls"]:
            stale[sha] = StaleCorrection(sample[sha], "document not in the harvested records")
            continue
        for url, newest in sorted(info["newest"].items()):
            if url and newest.sha256 != sha:
                stale[sha] = StaleCorrection(
                    sample[sha],
                    "the document changed at its URL since (new sha256)",
                    url=url,
                    current_sha256=newest.sha256,
                )
                break
    return stale


def load_corrections(data_dir: str | os.PathLike) -> CorrectionSet:
    """The corrections of a data folder: those in force, and the stale ones set aside."""
    rows = read_corrections(data_dir)
    return CorrectionSet.of(rows, judge(data_dir, rows))


def corrections_fingerprint(data_dir: str | os.PathLike) -> str:
    """Changes whenever ``corrections.csv`` does (size and modification time)."""
    from output.corrections import corrections_path

    try:
        stat = corrections_path(data_dir).stat()
    except OSError:
        return "none"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def history(data_dir: str | os.PathLike, sha256: str) -> Iterator[Correction]:
    """Every correction ever made to one document, oldest first."""
    return (c for c in read_corrections(data_dir) if c.report_sha256 == sha256)
