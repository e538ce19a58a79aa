"""What the review app knows about a data folder: a small SQLite index of every harvested
document (a :class:`~review.summary.Summary` each), kept beside the record stores.

A harvest of a million documents has a million records; the app must not read them all at
start, nor again whenever a store changes. The index holds one row per document — agency,
place, year, counts of cells to look at — and is brought up to date from the stores' rows
incrementally: rows added since (a store's rowids only grow) are summarized, rows gone are
dropped (found by a cheap comparison of row ids when a store's count says so). The agency list,
the search and the review queue are paged queries on it; a report page reads its one record.

The index lives in the data folder (``.review-index.sqlite``: a cache, safe to delete), or in
the user's cache folder when the data folder cannot be written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from output.correct import load_corrections
from output.corrections import CorrectionError, CorrectionSet
from output.inputs import ReportInput, document_sha256, normalize_name
from output.store import decode_report, line_to_input, store_files
from review.summary import (
    LEVEL_NAMES,
    NO_PLACE,
    Summary,
    level_rank,
    summarize_record,
    year_mismatches,
)

log = logging.getLogger(__name__)

INDEX_NAME = ".review-index.sqlite"
_VERSION = 1
_BATCH = 500
_PROVENANCE = ("url", "sha256", "fetched_at", "warc_record_id", "site_agency", "level",
               "division_code", "title", "publisher", "index_no")  # fmt: skip
_DOC_COLUMNS = (
    "report_id", "sha256", "agency", "agency_key", "year", "level", "place", "template", "form",
    "url", "fetched_at", "warc_record_id", "title", "n_cells", "n_uncertain", "failed_checks",
    "carry",
)  # fmt: skip
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, last INTEGER, rows INTEGER
);
CREATE TABLE IF NOT EXISTS docs (
    file TEXT NOT NULL, at INTEGER NOT NULL,
    report_id TEXT NOT NULL, sha256 TEXT NOT NULL, agency TEXT, agency_key TEXT, year INTEGER,
    level TEXT, place TEXT, template TEXT, form TEXT, url TEXT, fetched_at TEXT,
    warc_record_id TEXT, title TEXT, n_cells INTEGER, n_uncertain INTEGER,
    failed_checks TEXT, carry TEXT,
    xyear INTEGER NOT NULL DEFAULT 0, stale INTEGER NOT NULL DEFAULT 0,
    corrected INTEGER NOT NULL DEFAULT 0, severity INTEGER NOT NULL DEFAULT 0,
    shown INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (file, at)
);
CREATE INDEX IF NOT EXISTS docs_report ON docs (report_id);
CREATE INDEX IF NOT EXISTS docs_agency ON docs (agency_key, year);
CREATE INDEX IF NOT EXISTS docs_queue ON docs (severity DESC, agency, year)
    WHERE shown = 1 AND severity > 0;
CREATE INDEX IF NOT EXISTS docs_marked ON docs (report_id) WHERE corrected > 0 OR stale > 0;
CREATE TABLE IF NOT EXISTS agencies (
    agency_key TEXT PRIMARY KEY, agency TEXT, place TEXT, level TEXT, rank INTEGER,
    search TEXT, docs INTEGER
);
CREATE INDEX IF NOT EXISTS agencies_order ON agencies (place, rank, agency);
"""


def _severity_sql() -> str:
    """severity = failed checks × 10 + stale corrections × 5 + cross-year mismatches × 3 +
    undecided cells (as :attr:`Summary.severity`); the failed checks are stored comma-joined."""
    failed = (
        "(CASE WHEN failed_checks = '' THEN 0 ELSE "
        "length(failed_checks) - length(replace(failed_checks, ',', '')) + 1 END)"
    )
    return f"{failed} * 10 + stale * 5 + xyear * 3 + n_uncertain"


class ReviewIndex:
    """The index of one data folder (see the module docstring). Thread-safe."""

    def __init__(self, data_dir: str | os.PathLike, *, index_path: str | os.PathLike | None = None):
        self.data_dir = Path(data_dir)
        self.path = Path(index_path) if index_path is not None else _index_path(self.data_dir)
        self._lock = threading.RLock()
        self._mark: tuple | None = None
        self.corrections = CorrectionSet()
        self.corrections_error: str | None = None
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        if db.execute("PRAGMA user_version").fetchone()[0] != _VERSION:
            db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS docs; "
                             "DROP TABLE IF EXISTS agencies;")  # fmt: skip
            db.execute(f"PRAGMA user_version = {_VERSION}")
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(_SCHEMA)
        db.commit()
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- bringing it up to date ---------------------------------------------------------------

    def _fingerprint(self) -> tuple:
        files = []
        for path in [*_record_files(self.data_dir), self.data_dir / "corrections.csv"]:
            for candidate in (path, Path(f"{path}-wal")):
                try:
                    stat = candidate.stat()
                except OSError:
                    continue
                files.append((candidate.name, stat.st_size, stat.st_mtime_ns))
        return tuple(files)

    def refresh(self, progress: Callable[[int], None] | None = None) -> ReviewIndex:
        """Bring the index up to date if anything in the folder changed since the last look.
        ``progress`` is told how many documents were summarized so far (a first index of a
        big harvest takes a while)."""
        with self._lock:
            mark = self._fingerprint()
            if mark == self._mark:
                return self
            changed = _Changes()
            files = _record_files(self.data_dir)
            names = {_name(self.data_dir, f) for f in files}
            with self._db:
                for (name,) in self._db.execute("SELECT name FROM files").fetchall():
                    if name not in names:
                        changed.forget(self._db, name, None)
                        self._db.execute("DELETE FROM files WHERE name = ?", (name,))
                for path in files:
                    if path.suffix == ".sqlite":
                        self._update_store(path, changed, progress)
                    else:
                        self._update_lines(path, changed, progress)
                self._settle(changed)
                self._apply_corrections()
            self._mark = mark
        return self

    def _update_store(self, path: Path, changed: _Changes, progress) -> None:
        name = _name(self.data_dir, path)
        known = self._db.execute("SELECT last, rows FROM files WHERE name = ?", (name,)).fetchone()
        last, rows = known if known else (0, 0)
        try:
            store = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
        except sqlite3.Error as exc:
            log.warning("record store %s unreadable: %s", path, exc)
            return
        try:
            have = {r[1] for r in store.execute("PRAGMA table_info(records)")}
            if not have:
                return
            columns = [c for c in _PROVENANCE if c in have]
            select = f"SELECT rowid, {', '.join(columns)}, record FROM records"
            top, count = store.execute("SELECT max(rowid), count(*) FROM records").fetchone()
            top = top or 0
            if top < last:  # the store was replaced: start again
                changed.forget(self._db, name, None)
                last = rows = 0
            added = 0
            for batch in _batches(
                store.execute(f"{select} WHERE rowid > ? ORDER BY rowid", (last,))
            ):
                added += self._add(name, columns, batch, changed, progress)
            rows += added
            if rows != count:  # rows replaced or deleted since: compare the row ids
                indexed = dict(
                    self._db.execute("SELECT at, sha256 FROM docs WHERE file = ?", (name,))
                )
                present = dict(store.execute("SELECT rowid, sha256 FROM records"))
                gone = [at for at, sha in indexed.items() if present.get(at) != sha]
                changed.forget(self._db, name, gone)
                missing = sorted(at for at, sha in present.items() if indexed.get(at) != sha)
                for start in range(0, len(missing), _BATCH):
                    part = missing[start : start + _BATCH]
                    marks = ", ".join("?" for _ in part)
                    found = store.execute(f"{select} WHERE rowid IN ({marks})", part).fetchall()
                    self._add(name, columns, found, changed, progress)
                rows = count
            self._db.execute(
                "INSERT OR REPLACE INTO files (name, size, mtime, last, rows) VALUES (?, 0, 0, ?, ?)",
                (name, top, rows),
            )
        except sqlite3.Error as exc:
            log.warning("record store %s unreadable: %s", path, exc)
        finally:
            store.close()

    def _add(self, name: str, columns: list[str], rows, changed: _Changes, progress) -> int:
        out = []
        for rowid, *values, text in rows:
            provenance = dict(zip(columns, values, strict=True))
            try:
                summary = summarize_record(provenance, json.loads(text))
            except (ValueError, TypeError, AttributeError) as exc:
                log.warning("%s row %s: unreadable record: %s", name, rowid, exc)
                continue
            summary.file, summary.at = name, rowid
            out.append(summary)
        self._insert(out, changed)
        changed.count += len(out)
        if progress is not None:
            progress(changed.count)
        return len(rows)

    def _update_lines(self, path: Path, changed: _Changes, progress) -> None:
        """A record-lines file: read again whole when it changed (they are small, or written
        once)."""
        name = _name(self.data_dir, path)
        stat = path.stat()
        known = self._db.execute("SELECT size, mtime FROM files WHERE name = ?", (name,)).fetchone()
        if known == (stat.st_size, stat.st_mtime_ns):
            return
        changed.forget(self._db, name, None)
        out: list[Summary] = []
        with path.open("rb") as handle:
            offset = 0
            for raw in handle:
                at, offset = offset, offset + len(raw)
                summary = _summarize_line(raw, at)
                if summary is None:
                    continue
                summary.file, summary.at = name, at
                out.append(summary)
                if len(out) >= _BATCH:
                    self._insert(out, changed)
                    out = []
        self._insert(out, changed)
        self._db.execute(
            "INSERT OR REPLACE INTO files (name, size, mtime, last, rows) VALUES (?, ?, ?, 0, 0)",
            (name, stat.st_size, stat.st_mtime_ns),
        )

    def _insert(self, summaries: list[Summary], changed: _Changes) -> None:
        rows = []
        for s in summaries:
            changed.touch(s)
            carry = json.dumps(s.carry) if s.carry is not None else None
            rows.append((s.file, s.at, s.report_id, s.sha256, s.agency, s.agency_key, s.year,
                         s.level, s.place, s.template, s.form, s.url, s.fetched_at,
                         s.warc_record_id, s.title, s.n_cells, s.n_uncertain,
                         ",".join(s.failed_checks), carry))  # fmt: skip
        marks = ", ".join("?" for _ in range(2 + len(_DOC_COLUMNS)))
        self._db.executemany(
            f"INSERT OR REPLACE INTO docs (file, at, {', '.join(_DOC_COLUMNS)}) VALUES ({marks})",
            rows,
        )

    def _settle(self, changed: _Changes) -> None:
        """After documents came or went: which row shows each report, the agencies, and the
        cross-year checks of the agencies concerned."""
        db = self._db
        for part in _chunks(sorted(changed.reports)):
            marks = ", ".join("?" for _ in part)
            db.execute(f"UPDATE docs SET shown = 0 WHERE report_id IN ({marks})", part)
            db.execute(
                f"UPDATE docs SET shown = 1 WHERE rowid IN (SELECT min(rowid) FROM docs "
                f"WHERE report_id IN ({marks}) GROUP BY report_id)",
                part,
            )
        for part in _chunks(sorted(changed.agencies)):
            marks = ", ".join("?" for _ in part)
            db.execute(f"DELETE FROM agencies WHERE agency_key IN ({marks})", part)
            found = db.execute(
                f"SELECT agency_key, agency, place, level, count(*) FROM docs WHERE shown = 1 "
                f"AND agency_key IN ({marks}) GROUP BY agency_key",
                part,
            ).fetchall()
            db.executemany(
                "INSERT INTO agencies VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(key, agency, place or NO_PLACE, level, level_rank(level),
                  f"{normalize_name(agency)} {normalize_name(place)}", n)
                 for key, agency, place, level, n in found],
            )  # fmt: skip
            by_agency: dict[str, list[Summary]] = {}
            for summary in self._summaries(f"agency_key IN ({marks}) AND shown = 1", part):
                by_agency.setdefault(summary.agency_key, []).append(summary)
            updates = []
            for summaries in by_agency.values():
                newest = _newest_by_year(summaries)
                for s in summaries:
                    if s.year is None:
                        continue
                    found_x = year_mismatches(s, newest.get(s.year - 1), newest.get(s.year + 1))
                    updates.append((len(found_x), s.file, s.at))
            db.executemany("UPDATE docs SET xyear = ? WHERE file = ? AND at = ?", updates)
            db.execute(
                f"UPDATE docs SET severity = {_severity_sql()} WHERE agency_key IN ({marks})", part
            )

    def _apply_corrections(self) -> None:
        """Corrections in force and stale ones, counted on their documents."""
        try:
            self.corrections = load_corrections(self.data_dir)
            self.corrections_error = None
        except CorrectionError as exc:
            self.corrections, self.corrections_error = CorrectionSet(), str(exc)
        db = self._db
        marked = "corrected > 0 OR stale > 0"
        before = {r[0] for r in db.execute(f"SELECT report_id FROM docs WHERE {marked}")}
        db.execute(f"UPDATE docs SET corrected = 0, stale = 0 WHERE {marked}")
        db.executemany(
            "UPDATE docs SET corrected = ? WHERE report_id = ? AND sha256 = ?",
            [(len(cells), sha[:16], sha) for sha, cells in self.corrections.active.items()],
        )
        stale: dict[str, int] = {}
        for entry in self.corrections.stale:
            sha = entry.correction.report_sha256
            stale[sha] = stale.get(sha, 0) + 1
        db.executemany(
            "UPDATE docs SET stale = ? WHERE report_id = ? AND sha256 = ?",
            [(n, sha[:16], sha) for sha, n in stale.items()],
        )
        for part in _chunks(sorted(before | {sha[:16] for sha in stale})):
            marks = ", ".join("?" for _ in part)
            db.execute(
                f"UPDATE docs SET severity = {_severity_sql()} WHERE report_id IN ({marks})", part
            )

    # -- reading it ---------------------------------------------------------------------------

    def _summaries(self, where: str, params: Iterable[Any] = (), tail: str = "") -> list[Summary]:
        columns = ("file", "at", *_DOC_COLUMNS, "xyear", "stale", "corrected")
        rows = self._db.execute(
            f"SELECT {', '.join(columns)} FROM docs WHERE {where} {tail}", tuple(params)
        ).fetchall()
        return [_summary(dict(zip(columns, row, strict=True))) for row in rows]

    def get(self, report_id: str) -> Summary | None:
        with self.refresh()._lock:
            found = self._summaries("report_id = ? AND shown = 1", (report_id,))
        return found[0] if found else None

    def counts(self) -> tuple[int, int]:
        """(documents, documents needing review)."""
        with self.refresh()._lock:
            total = self._db.execute("SELECT count(*) FROM docs WHERE shown = 1").fetchone()[0]
            queue = self._db.execute(
                "SELECT count(*) FROM docs WHERE shown = 1 AND severity > 0"
            ).fetchone()[0]
        return total, queue

    def tree(
        self, query: str = "", *, page: int = 1, per_page: int = 100
    ) -> tuple[list[tuple[str, list[tuple[str, list[tuple[str, list[Summary]]]]]]], int]:
        """One page of agencies by place and level, each with its documents sorted by year:
        ``[(place, [(level, [(agency, [summary…])…])…])…]``, filtered by a name search; and
        how many agencies there are in all."""
        wanted = normalize_name(query)
        where, params = "1", []
        if wanted:
            escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where, params = "search LIKE ? ESCAPE '\\'", [f"%{escaped}%"]
        with self.refresh()._lock:
            total = self._db.execute(
                f"SELECT count(*) FROM agencies WHERE {where}", params
            ).fetchone()[0]
            agencies = self._db.execute(
                f"SELECT agency_key, agency, place, level FROM agencies WHERE {where} "
                "ORDER BY place, rank, agency, agency_key LIMIT ? OFFSET ?",
                [*params, per_page, (max(page, 1) - 1) * per_page],
            ).fetchall()
            keys = [a[0] for a in agencies]
            docs: dict[str, list[Summary]] = {}
            for part in _chunks(keys):
                marks = ", ".join("?" for _ in part)
                for s in self._summaries(f"agency_key IN ({marks}) AND shown = 1", part):
                    docs.setdefault(s.agency_key, []).append(s)
        out: list = []
        for key, agency, place, level in agencies:
            mine = sorted(docs.get(key, []), key=lambda s: (s.year or 0, s.fetched_at or ""))
            if not out or out[-1][0] != place:
                out.append((place, []))
            levels = out[-1][1]
            if not levels or levels[-1][0] != level:
                levels.append((level, []))
            levels[-1][1].append((agency, mine))
        return out, total

    def queue(self, *, page: int = 1, per_page: int = 100) -> tuple[list[Summary], int]:
        """One page of the documents with undecided cells, failed checks, stale corrections or
        cross-year mismatches, worst first; and how many there are in all."""
        with self.refresh()._lock:
            total = self._db.execute(
                "SELECT count(*) FROM docs WHERE shown = 1 AND severity > 0"
            ).fetchone()[0]
            found = self._summaries(
                "shown = 1 AND severity > 0",
                (per_page, (max(page, 1) - 1) * per_page),
                "ORDER BY severity DESC, agency, year LIMIT ? OFFSET ?",
            )
        return found, total

    def year_mismatches(self, summary: Summary) -> dict[str, str]:
        """Cells of a report that disagree with the agency's reports of the years around it."""
        if summary.year is None or summary.carry is None:
            return {}
        with self.refresh()._lock:
            around = self._summaries(
                "agency_key = ? AND year IN (?, ?) AND shown = 1",
                (summary.agency_key, summary.year - 1, summary.year + 1),
            )
        newest = _newest_by_year(around)
        return year_mismatches(summary, newest.get(summary.year - 1), newest.get(summary.year + 1))

    def load(self, summary: Summary) -> ReportInput:
        """The full record of a summarized document, read from its store with where each cell
        was printed (:mod:`parsers.provenance`). Raises LookupError when it is gone."""
        path = self.data_dir / summary.file if self.data_dir.is_dir() else self.data_dir
        if path.suffix == ".sqlite":
            store = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
            try:
                have = {r[1] for r in store.execute("PRAGMA table_info(records)")}
                columns = [c for c in _PROVENANCE if c in have]
                row = store.execute(
                    f"SELECT {', '.join(columns)}, record FROM records WHERE rowid = ?",
                    (summary.at,),
                ).fetchone()
            finally:
                store.close()
            if row is None:
                raise LookupError(f"record of {summary.report_id} is gone from {summary.file}")
            *values, text = row
            provenance = dict(zip(columns, values, strict=True))
            provenance["url"] = provenance.get("url") or None
            report = decode_report(json.loads(text), origins=True)
            return ReportInput(report, **provenance)
        with path.open("rb") as handle:
            handle.seek(summary.at)
            data = json.loads(handle.readline().decode("utf-8-sig"))
        item = line_to_input(data)
        record = data.get("record") if isinstance(data.get("record"), dict) else data
        item.report = decode_report(record, origins=True)
        return item


class _Changes:
    """What one refresh touched: the reports and agencies to settle again."""

    def __init__(self) -> None:
        self.reports: set[str] = set()
        self.agencies: set[str] = set()
        self.count = 0

    def touch(self, summary: Summary) -> None:
        self.reports.add(summary.report_id)
        self.agencies.add(summary.agency_key)

    def forget(self, db: sqlite3.Connection, name: str, ats: list[int] | None) -> None:
        """Drop documents of a file (all of them, or those rows), noting what they touched."""
        if ats is None:
            parts: Iterable[list] = [[]]
        else:
            parts = _chunks(ats)
        for part in parts:
            if ats is None:
                where, params = "file = ?", [name]
            else:
                marks = ", ".join("?" for _ in part)
                where, params = f"file = ? AND at IN ({marks})", [name, *part]
            for report_id, agency_key in db.execute(
                f"SELECT report_id, agency_key FROM docs WHERE {where}", params
            ):
                self.reports.add(report_id)
                self.agencies.add(agency_key)
            db.execute(f"DELETE FROM docs WHERE {where}", params)


def _summary(row: dict[str, Any]) -> Summary:
    stored = row.pop("carry", None)
    carry = json.loads(stored) if stored else None
    failed = row.pop("failed_checks", None) or ""
    return Summary(
        **row,
        failed_checks=tuple(failed.split(",")) if failed else (),
        carry=tuple(carry) if carry else None,
    )


def _summarize_line(raw: bytes, at: int) -> Summary | None:
    text = raw.decode("utf-8-sig" if at == 0 else "utf-8", errors="replace")
    if not text.strip():
        return None
    try:
        data = json.loads(text)
        item = line_to_input(data)
    except (ValueError, TypeError, AttributeError):
        return None
    record = data.get("record") if isinstance(data.get("record"), dict) else data
    values = {name: getattr(item, name, None) for name in _PROVENANCE}
    values["sha256"] = document_sha256(item)
    return summarize_record(values, record)


def _newest_by_year(summaries: Iterable[Summary]) -> dict[int, Summary]:
    """The newest document (by fetch time) of each year."""
    newest: dict[int, Summary] = {}
    for s in summaries:
        if s.year is None:
            continue
        held = newest.get(s.year)
        if held is None or (s.fetched_at or "") > (held.fetched_at or ""):
            newest[s.year] = s
    return newest


def _record_files(data_dir: Path) -> list[Path]:
    try:
        return store_files(data_dir)
    except FileNotFoundError:
        return []


def _name(data_dir: Path, path: Path) -> str:
    return path.name if data_dir.is_dir() else str(path)


def _batches(cursor: sqlite3.Cursor) -> Iterator[list]:
    while batch := cursor.fetchmany(_BATCH):
        yield batch


def _chunks(items: list, size: int = _BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _index_path(data_dir: Path) -> Path:
    """In the data folder when it can be written, else in the user's cache folder."""
    folder = data_dir if data_dir.is_dir() else data_dir.parent
    if os.access(folder, os.W_OK):
        return folder / INDEX_NAME
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ogi" / "review"
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return cache / f"{digest}.sqlite"


__all__ = ["LEVEL_NAMES", "ReviewIndex", "Summary"]
