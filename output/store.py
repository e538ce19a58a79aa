"""The parse results store: where the harvest keeps records for ``ogi export`` to read.

Layout under the data folder (``data/`` by default)::

    data/records.sqlite            the store the harvest writes (one writer at a time)
    data/records-<shard>.sqlite    more stores, e.g. one per ``--shard I/N`` machine
    data/records*.jsonl            optional: record lines (``ogi parse --json`` output, or
                                   the store's own line format below)

Each store is one SQLite table ``records``, one row per document (``url`` + ``sha256``)::

    url TEXT, sha256 TEXT, fetched_at TEXT, warc_record_id TEXT, site_agency TEXT,
    level TEXT, division_code TEXT, title TEXT, parser TEXT, record TEXT (JSON)

``record`` is the report's contract dict (``Report.to_dict()``) plus ``_cells`` — the printed
text, status and unit of every cell, which the contract leaves out and the ``cells`` dataset
needs — and ``_meta`` (title, form, content type). Use :func:`encode_report` /
:func:`decode_report` rather than building it by hand.

The harvest writes with :class:`RecordStore`::

    with RecordStore.open(data_dir) as store:          # data/records.sqlite
        store.put(ReportInput(report, url=..., fetched_at=..., warc_record_id=...))

``put`` replaces the row of the same document (a re-parse with a newer parser); a document
whose bytes changed at the same URL is a new row, so earlier versions are never lost.
:func:`load_records` reads every store of a data folder (deduplicating documents found in
several shards) and is what ``ogi export --data DIR`` calls.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from output.inputs import PROVENANCE_FIELDS, ReportInput, as_input, document_sha256
from parsers.model import BLANK, NUMBER, CellValue, Report

STORE_NAME = "records.sqlite"
STORE_GLOB = "records*.sqlite"
JSONL_GLOB = "records*.jsonl"

_COLUMNS = (
    "url",
    "sha256",
    "fetched_at",
    "warc_record_id",
    "site_agency",
    "level",
    "division_code",
    "title",
    "parser",
    "record",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    url TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    fetched_at TEXT,
    warc_record_id TEXT,
    site_agency TEXT,
    level TEXT,
    division_code TEXT,
    title TEXT,
    parser TEXT,
    record TEXT NOT NULL,
    PRIMARY KEY (url, sha256)
)
"""


# --------------------------------------------------------------------------------------------
# Records with their cell detail, as JSON
# --------------------------------------------------------------------------------------------


def encode_report(report: Report) -> dict[str, Any]:
    """The contract dict plus what the datasets need beyond it (``_cells``, ``_meta``)."""
    out = report.to_dict()
    detail: dict[str, dict[str, dict[str, list]]] = {}
    for section, row, column, cell in report.cells():
        detail.setdefault(section, {}).setdefault(row, {})[column] = [
            cell.raw,
            cell.status,
            cell.unit,
        ]
    out["_cells"] = detail
    out["_meta"] = {
        "title": report.title,
        "form": report.form,
        "content_type": report.content_type,
    }
    return out


def decode_report(data: dict[str, Any]) -> Report:
    """Rebuild a report from :func:`encode_report`'s dict (or a plain contract dict)."""
    report = Report.from_dict(data)
    for section, rows in (data.get("_cells") or {}).items():
        for row, columns in rows.items():
            for column, (raw, status, unit) in columns.items():
                cell = report.tables.get(section, {}).get(row, {}).get(column)
                if cell is None:  # a detail without a value: keep it, as a null cell
                    cell = CellValue(None, raw, status or BLANK, unit)
                    report.tables.setdefault(section, {}).setdefault(row, {})[column] = cell
                else:
                    cell.raw, cell.status, cell.unit = raw, status or NUMBER, unit
    meta = data.get("_meta") or {}
    report.title = meta.get("title")
    report.form = meta.get("form")
    report.content_type = meta.get("content_type")
    return report


def input_to_line(item: ReportInput) -> dict[str, Any]:
    """One JSONL line of the store's line format: provenance fields plus ``record``."""
    line = {name: getattr(item, name) for name in PROVENANCE_FIELDS}
    line["record"] = encode_report(item.report)
    return line


def line_to_input(line: dict[str, Any]) -> ReportInput:
    """Read a store line, or a bare contract record (``ogi parse --json``)."""
    if "record" in line and isinstance(line["record"], dict):
        report = decode_report(line["record"])
        return ReportInput(report, **{k: line.get(k) for k in PROVENANCE_FIELDS})
    if "tables" in line or "agency" in line:
        return ReportInput(decode_report(line))
    return as_input(line)


# --------------------------------------------------------------------------------------------
# The SQLite store
# --------------------------------------------------------------------------------------------


class RecordStore:
    """One ``records*.sqlite`` file. Safe to read while the harvest writes (WAL mode)."""

    def __init__(self, path: str | Path, *, parser: str | None = None, readonly: bool = False):
        self.path = Path(path)
        self.parser = parser
        if readonly:
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    @classmethod
    def open(
        cls, data_dir: str | Path, *, shard: str | None = None, parser: str | None = None
    ) -> RecordStore:
        """The store of a data folder (``records.sqlite``, or ``records-<shard>.sqlite``)."""
        name = STORE_NAME if not shard else f"records-{_safe(shard)}.sqlite"
        return cls(Path(data_dir) / name, parser=parser)

    def put(self, item: ReportInput | Report | Any) -> None:
        self.put_many([item])

    def put_many(self, items: Iterable[ReportInput | Report | Any]) -> int:
        """Insert or replace documents in one transaction; returns how many."""
        rows = [self._row(as_input(item)) for item in items]
        marks = ", ".join("?" for _ in _COLUMNS)
        with self._db:
            self._db.executemany(
                f"INSERT OR REPLACE INTO records ({', '.join(_COLUMNS)}) VALUES ({marks})", rows
            )
        return len(rows)

    def remove(self, url: str | None, sha256: str) -> bool:
        with self._db:
            cursor = self._db.execute(
                "DELETE FROM records WHERE url = ? AND sha256 = ?", (url or "", sha256)
            )
        return cursor.rowcount > 0

    def __iter__(self) -> Iterator[ReportInput]:
        cursor = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM records ORDER BY url, sha256")
        for row in cursor:
            values = dict(zip(_COLUMNS, row, strict=True))
            report = decode_report(json.loads(values.pop("record")))
            values.pop("parser")
            values["url"] = values["url"] or None
            yield ReportInput(report, **values)

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM records").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _row(self, item: ReportInput) -> tuple:
        record = json.dumps(encode_report(item.report), ensure_ascii=False)  # printed order kept
        return (
            item.url or "",
            document_sha256(item),
            item.fetched_at,
            item.warc_record_id,
            item.site_agency,
            item.level,
            item.division_code,
            item.title,
            self.parser,
            record,
        )


def _safe(shard: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in shard)


# --------------------------------------------------------------------------------------------
# Reading a data folder
# --------------------------------------------------------------------------------------------


def store_files(path: str | Path) -> list[Path]:
    """The record files :func:`load_records` reads for ``path`` (a folder or one file)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such data folder or record file: {path}")
    return sorted(path.glob(STORE_GLOB)) + sorted(path.glob(JSONL_GLOB))


def load_records(path: str | Path) -> Iterator[ReportInput]:
    """Every record of a data folder (all stores and record lines), or of one record file.

    A document found in several files (two shards fetched it) is yielded once.
    Raises ``FileNotFoundError`` when there is nothing to read.
    """
    files = store_files(path)
    if not files:
        raise FileNotFoundError(
            f"no records in {path}: expected {STORE_NAME} (written by the harvest) "
            f"or {JSONL_GLOB} files"
        )
    seen: set[tuple[str, str]] = set()
    for file in files:
        for item in _read(file):
            key = (item.url or "", document_sha256(item))
            if key in seen:
                continue
            seen.add(key)
            yield item


def _read(file: Path) -> Iterator[ReportInput]:
    if file.suffix in (".jsonl", ".json", ".ndjson"):
        with file.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{file}:{number}: not a JSON record: {exc}") from None
                yield line_to_input(data)
        return
    store = RecordStore(file, readonly=True)
    try:
        yield from store
    finally:
        store.close()
