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
needs — ``_origins`` (where the source printed each cell: :mod:`parsers.provenance`) and
``_meta`` (title, form, content type). Use :func:`encode_report` / :func:`decode_report`
rather than building it by hand.

The harvest writes with :class:`RecordStore`::

    with RecordStore.open(data_dir) as store:          # data/records.sqlite
        store.put(ReportInput(report, url=..., fetched_at=..., warc_record_id=...))

``put`` replaces the row of the same document (a re-parse with a newer parser); a document
whose bytes changed at the same URL is a new row, so earlier versions are never lost.
:func:`load_records` reads every store of a data folder (deduplicating documents found in
several shards) and is what ``ogi export --data DIR`` calls. It yields :class:`StoredInput`
handles — about 150 bytes each, reading their record from the store whenever it is asked — so
a list of a million harvested documents fits in memory; the export reads them a few hundred
at a time (:meth:`StoredInput.load_many`).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ogi_errors import DataNotFound, RecordError
from output.inputs import PROVENANCE_FIELDS, ReportInput, as_input, document_sha256
from parsers import provenance
from parsers.model import BLANK, NUMBER, UNCERTAIN, CellValue, Report, RowReadings, format_number

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
    "publisher",
    "index_no",
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
    publisher TEXT,
    index_no TEXT,
    parser TEXT,
    record TEXT NOT NULL,
    PRIMARY KEY (url, sha256)
)
"""
_ADDED_COLUMNS = ("publisher", "index_no")
"""Provenance columns added after the first release. A store written before lacks them: a
writable one gains them when opened, a read-only one (a partition copied from another
machine) is read with them as null."""


def _columns_of(db: sqlite3.Connection) -> tuple[str, ...]:
    """The store's columns in :data:`_COLUMNS` order (older files lack the added ones)."""
    have = {row[1] for row in db.execute("PRAGMA table_info(records)")}
    return tuple(c for c in _COLUMNS if c in have) if have else _COLUMNS


def _with_added(values: dict[str, Any]) -> dict[str, Any]:
    for name in _ADDED_COLUMNS:
        values.setdefault(name, None)
    return values


# --------------------------------------------------------------------------------------------
# Records with their cell detail, as JSON
# --------------------------------------------------------------------------------------------


def encode_report(report: Report) -> dict[str, Any]:
    """The contract dict plus what the datasets need beyond it (``_cells``, ``_meta``)."""
    out = report.to_dict()
    deferred = report.deferred_tables()  # (its cells not made: read from what they printed)
    if deferred is not None:
        out["_cells"] = deferred.detail()
    else:
        detail: dict[str, dict[str, dict[str, list]]] = {}
        for section, row, column, cell in report.cells():
            detail.setdefault(section, {}).setdefault(row, {})[column] = [
                cell.raw,
                cell.status,
                cell.unit,
            ]
        out["_cells"] = detail
    readings = _encode_readings(report) if deferred is None else deferred.readings()
    if readings:
        out["_readings"] = readings
    origins = provenance.encode(report)
    if origins:
        out["_origins"] = origins
    out["_meta"] = {
        "title": report.title,
        "form": report.form,
        "content_type": report.content_type,
    }
    return out


def decode_report(data: dict[str, Any], *, origins: bool = False) -> Report:
    """Rebuild a report from :func:`encode_report`'s dict (or a plain contract dict).

    The same report as ``Report.from_dict`` with each cell's printed text, status and unit
    put back from ``_cells`` (a detail without a value becomes a null cell at the end of its
    row), built in one walk over the cells: the export reads every record this way, twice.
    ``origins``: also put back where each cell was printed (:func:`parsers.provenance.attach`;
    the review app asks for it, the export does not).
    """
    detail = data.get("_cells") or {}
    tables: dict[str, dict[str, dict[str, CellValue]]] = {}
    matched = 0
    for section, rows in (data.get("tables") or {}).items():
        section_detail = detail.get(section) or {}
        built_rows = tables[section] = {}
        for row, columns in rows.items():
            row_detail = section_detail.get(row) or {}
            built = built_rows[row] = {}
            for column, value in columns.items():
                cell = row_detail.get(column)
                if cell is None:
                    if value is None:
                        built[column] = CellValue(None, None, BLANK)
                    else:
                        built[column] = CellValue(value, format_number(value), NUMBER)
                else:
                    matched += 1
                    raw, status, unit = cell
                    built[column] = CellValue(value, raw, status or NUMBER, unit)
    if matched != sum(len(cols) for rows in detail.values() for cols in rows.values()):
        for section, rows in detail.items():  # details without a value: null cells
            for row, columns in rows.items():
                for column, (raw, status, unit) in columns.items():
                    built = tables.setdefault(section, {}).setdefault(row, {})
                    if column not in built:
                        built[column] = CellValue(None, raw, status or BLANK, unit)
    if data.get("_readings"):
        _decode_readings(data["_readings"], tables)
    meta = data.get("_meta") or {}
    report = Report.from_dict(data, tables=tables)
    report.title = meta.get("title")
    report.form = meta.get("form")
    report.content_type = meta.get("content_type")
    return provenance.attach(data, report) if origins else report


def _encode_readings(report: Report) -> dict[str, dict[str, list]]:
    """``{section: {row: [columns, readings]}}`` of the rows whose undecided cells keep their
    open readings (see :class:`parsers.model.RowReadings`)."""
    out: dict[str, dict[str, list]] = {}
    for section, rows in report.tables.items():
        for row, columns in rows.items():
            found = next((c.readings for c in columns.values() if c.readings is not None), None)
            if found is not None:
                out.setdefault(section, {})[row] = [
                    list(found.columns),
                    [list(v) for v in found.vectors],
                ]
    return out


def _decode_readings(data: dict[str, Any], tables: dict[str, dict[str, dict]]) -> None:
    for section, rows in data.items():
        for row, (columns, vectors) in rows.items():
            readings = RowReadings(tuple(columns), tuple(tuple(v) for v in vectors))
            for cell in (tables.get(section) or {}).get(row, {}).values():
                if cell.status == UNCERTAIN:
                    cell.readings = readings


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
            self._columns = _columns_of(self._db)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(_SCHEMA)
        for name in _ADDED_COLUMNS:
            if name not in _columns_of(self._db):
                self._db.execute(f"ALTER TABLE records ADD COLUMN {name} TEXT")
        self._db.commit()
        self._columns = _COLUMNS

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
        columns = self._columns
        cursor = self._db.execute(f"SELECT {', '.join(columns)} FROM records ORDER BY url, sha256")
        for row in cursor:
            values = _with_added(dict(zip(columns, row, strict=True)))
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
            item.publisher,
            item.index_no,
            self.parser,
            record,
        )


def _safe(shard: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in shard)


# --------------------------------------------------------------------------------------------
# Reading a data folder: small handles, each record read when asked
# --------------------------------------------------------------------------------------------


_BATCH = 256  # rows per read statement


class _StoreReader:
    """Reads rows of one store file by rowid (one read-only connection, shared by handles)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            self._columns = _columns_of(self._db)
        return self._db

    def _rows(self, rowids: list[int]) -> Iterator[tuple[int, dict[str, Any], str]]:
        """``(rowid, provenance columns, record JSON)`` of each row, in batches of one statement
        each (one read transaction instead of one per row). Raises LookupError when a row is
        gone (the store changed under the reader)."""
        unique = list(dict.fromkeys(rowids))
        seen: set[int] = set()
        for start in range(0, len(unique), _BATCH):
            part = unique[start : start + _BATCH]
            marks = ", ".join("?" for _ in part)
            with self._lock:
                db = self._connection()
                columns = self._columns
                rows = db.execute(
                    f"SELECT rowid, {', '.join(columns)} FROM records WHERE rowid IN ({marks})",
                    part,
                ).fetchall()
            for rowid, *row in rows:
                values = _with_added(dict(zip(columns, row, strict=True)))
                seen.add(rowid)
                yield rowid, values, values.pop("record")
        missing = [r for r in unique if r not in seen]
        if missing:
            raise LookupError(f"{self.path}: record {missing[0]} is gone (the store changed)")

    def text(self, rowid: int) -> tuple[dict[str, Any], str]:
        """The provenance columns and the record JSON of one row."""
        _rowid, values, text = next(self._rows([rowid]))  # LookupError when it is gone
        return values, text

    def read_many(self, rowids: list[int], *, digest: bool = False) -> dict[int, tuple]:
        """Several rows, decoded (with their digests when asked)."""
        return {
            rowid: self._decode(values, text, digest) for rowid, values, text in self._rows(rowids)
        }

    def read(self, rowid: int, *, digest: bool = False) -> tuple[ReportInput, bytes]:
        values, text = self.text(rowid)
        return self._decode(values, text, digest)

    def digest_many(self, rowids: list[int]) -> dict[int, bytes]:
        """The digests :meth:`read_many` would give, without decoding the records."""
        out: dict[int, bytes] = {}
        for rowid, values, text in self._rows(rowids):
            values.pop("parser")
            out[rowid] = _row_digest(values, text)
        return out

    @staticmethod
    def _decode(values: dict[str, Any], text: str, digest: bool) -> tuple[ReportInput, bytes]:
        values.pop("parser")
        hashed = _row_digest(values, text) if digest else b""
        values["url"] = values["url"] or None
        return ReportInput(decode_report(json.loads(text)), **values), hashed

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _row_digest(values: dict[str, Any], text: str) -> bytes:
    """A digest of one stored row: provenance columns and record text (not the parser name)."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(json.dumps(values, sort_keys=True).encode())
    hasher.update(text.encode("utf-8"))
    return hasher.digest()


class _LinesReader:
    """Reads record lines of one JSONL file by byte offset."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO | None = None
        self._lock = threading.Lock()

    def line(self, offset: int) -> bytes:
        with self._lock:
            handle = self._handle
            if handle is None:
                handle = self._handle = self.path.open("rb")
            handle.seek(offset)
            return handle.readline()

    def read_many(self, offsets: list[int], *, digest: bool = False) -> dict[int, tuple]:
        return {at: self.read(at, digest=digest) for at in sorted(set(offsets))}

    def digest_many(self, offsets: list[int]) -> dict[int, bytes]:
        return {
            at: hashlib.blake2b(self.line(at), digest_size=16).digest()
            for at in sorted(set(offsets))
        }

    def read(self, offset: int, *, digest: bool = False) -> tuple[ReportInput, bytes]:
        raw = self.line(offset)
        text = raw.decode("utf-8-sig" if offset == 0 else "utf-8")
        hashed = hashlib.blake2b(raw, digest_size=16).digest() if digest else b""
        return line_to_input(json.loads(text)), hashed

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class StoredInput(ReportInput):
    """A record in a store file (or a record-lines file), read from it whenever it is asked.

    :func:`load_records` yields these handles instead of decoded records: a handle is about a
    hundred bytes, so a list of a million records fits in memory where the records themselves
    would not. Every field reads the record again (nothing is cached), so mutating
    ``handle.report`` changes nothing; :meth:`load` gives a plain :class:`ReportInput`.
    """

    __slots__ = ("_reader", "_at")

    def __init__(self, reader: _StoreReader | _LinesReader, at: int) -> None:
        self._reader = reader
        self._at = at

    def load(self) -> ReportInput:
        """The record, decoded (a plain ReportInput the caller may keep and change)."""
        return self._reader.read(self._at)[0]

    def load_with_digest(self, *, digest: bool = True) -> tuple[ReportInput, bytes]:
        """The record and a digest of its stored form (provenance included)."""
        return self._reader.read(self._at, digest=digest)

    @staticmethod
    def load_many(
        handles: Iterable[StoredInput], *, digest: bool = False
    ) -> Iterator[tuple[ReportInput, bytes]]:
        """:meth:`load_with_digest` for each handle, in order, reading rows in batches."""
        handles = list(handles)
        by_reader: dict[int, list[int]] = {}
        readers: dict[int, _StoreReader | _LinesReader] = {}
        for handle in handles:
            by_reader.setdefault(id(handle._reader), []).append(handle._at)
            readers[id(handle._reader)] = handle._reader
        loaded = {key: readers[key].read_many(ats, digest=digest) for key, ats in by_reader.items()}
        for handle in handles:
            yield loaded[id(handle._reader)][handle._at]

    @staticmethod
    def digests(handles: Iterable[StoredInput]) -> Iterator[bytes]:
        """The digest :meth:`load_with_digest` gives for each handle, without decoding."""
        handles = list(handles)
        by_reader: dict[int, list[int]] = {}
        readers: dict[int, _StoreReader | _LinesReader] = {}
        for handle in handles:
            by_reader.setdefault(id(handle._reader), []).append(handle._at)
            readers[id(handle._reader)] = handle._reader
        found = {key: readers[key].digest_many(ats) for key, ats in by_reader.items()}
        for handle in handles:
            yield found[id(handle._reader)][handle._at]

    @property
    def source_file(self) -> Path:
        return self._reader.path

    def __repr__(self) -> str:
        return f"StoredInput({self._reader.path.name}#{self._at})"


def _field(name: str) -> property:
    def get(self: StoredInput):
        return getattr(self.load(), name)

    return property(get, doc=f"``{name}`` of the stored record (read from the store)")


for _name in ("report", *PROVENANCE_FIELDS):
    setattr(StoredInput, _name, _field(_name))


def store_files(path: str | Path) -> list[Path]:
    """The record files :func:`load_records` reads for ``path`` (a folder or one file)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataNotFound(f"no such data folder or record file: {path}")
    return sorted(path.glob(STORE_GLOB)) + sorted(path.glob(JSONL_GLOB))


def load_records(path: str | Path | Iterable[str | Path]) -> Iterator[StoredInput]:
    """Every record of a data folder (all stores and record lines), or of one record file —
    or of several: the data folders of a harvest run as shards on several machines merge into
    one set of records (``load_records(["d1", "d2", "d3"])``).

    Yields :class:`StoredInput` handles: small, and each reads its record when asked, so
    ``list(load_records(folder))`` stays small however big the harvest. A document found in
    several files (two shards fetched it) is yielded once. Raises
    :class:`~ogi_errors.DataNotFound` (a ``FileNotFoundError``) when there is nothing to read,
    :class:`~ogi_errors.RecordError` (a ``ValueError``) for a record line that is not JSON.
    """
    paths = [path] if isinstance(path, str | Path) else list(path)
    if not paths:
        raise DataNotFound("no data folder or record file given")
    files: list[Path] = []
    for each in paths:
        found = store_files(each)
        if not found:
            raise DataNotFound(
                f"no records in {each}: expected {STORE_NAME} (written by the harvest) "
                f"or {JSONL_GLOB} files"
            )
        files += [f for f in found if f.resolve() not in {g.resolve() for g in files}]
    stores = [f for f in files if f.suffix not in _LINE_SUFFIXES]
    lines = [f for f in files if f.suffix in _LINE_SUFFIXES]
    # stores yield their rows by document digest, so merged they stay in that order (the
    # datasets' order: see output.cellspill) and a document in two stores comes up twice in a
    # row; record lines come after, in their files' order, checked against all seen before
    merged = heapq.merge(*(_handles(f) for f in stores), key=lambda pair: (pair[0][1], pair[0][0]))
    seen: set[bytes] | None = set() if lines else None
    previous = None
    for key, handle in itertools.chain(merged, *(_handles(f) for f in lines)):
        if key == previous:
            continue
        previous = key
        if seen is not None:
            mark = hashlib.blake2b(f"{key[0]}\0{key[1]}".encode(), digest_size=16).digest()
            if mark in seen:
                continue
            seen.add(mark)
        yield handle


_LINE_SUFFIXES = (".jsonl", ".json", ".ndjson")


def _handles(file: Path) -> Iterator[tuple[tuple[str, str], StoredInput]]:
    """(url, sha256) and a handle for every record of one file: a store's by document
    digest (then URL), record lines in the file's order."""
    if file.suffix in _LINE_SUFFIXES:
        lines = _LinesReader(file)
        with file.open("rb") as handle:
            offset = 0
            for number, raw in enumerate(handle, start=1):
                at, offset = offset, offset + len(raw)
                text = raw.decode("utf-8-sig" if at == 0 else "utf-8")
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise RecordError(f"{file}:{number}: not a JSON record: {exc}") from None
                item = line_to_input(data)
                yield (item.url or "", document_sha256(item)), StoredInput(lines, at)
        return
    reader = _StoreReader(file)
    db = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT rowid, url, sha256 FROM records ORDER BY sha256, url")
        while batch := rows.fetchmany(10_000):
            for rowid, url, sha in batch:
                yield (url, sha), StoredInput(reader, rowid)
    finally:
        db.close()
