"""The harvest's own bookkeeping, ``harvest.sqlite``: the parse cursor, documents that gave
no record (not a report, failed, to retry) and by which parser, and whether an export is owed."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ogi import __version__
from ogi.parsing import RETRY, JobResult

MAX_RETRIES = 3
"""Runs in which a document stopped by a timeout or crash is tried again (per parser version)."""


_BOOK_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS parse_outcomes (
    url TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    key TEXT,                 -- the crawl state's URL key
    site TEXT,
    agency TEXT,
    outcome TEXT NOT NULL,    -- not_report | failed | retry
    reason TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    parser TEXT,              -- fingerprint of the parser that gave this outcome
    first_at TEXT,
    last_at TEXT,
    run TEXT,
    PRIMARY KEY (url, sha256)
);
CREATE INDEX IF NOT EXISTS parse_outcomes_outcome ON parse_outcomes(outcome);
"""


class Book:
    """``harvest.sqlite``: the parse cursor, documents that did not give a record, export owed."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_BOOK_SCHEMA)

    @classmethod
    def open_readonly(cls, path: str | os.PathLike) -> Book | None:
        p = Path(path)
        if not p.exists():
            return None
        book = cls.__new__(cls)
        book.path = p
        book.db = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        book.db.row_factory = sqlite3.Row
        return book

    def close(self) -> None:
        self.db.close()

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row is not None else default

    def set(self, **values: Any) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for key, value in values.items():
                self.db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                    (key, None if value is None else str(value)),
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def outcome(self, url: str, sha256: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT * FROM parse_outcomes WHERE url=? AND sha256=?", (url, sha256)
        ).fetchone()

    def record(self, result: JobResult, parser: str, run: str, now: str) -> None:
        job = result.job
        old = self.outcome(job.url, job.sha256)
        attempts = 1 if old is None or old["parser"] != parser else old["attempts"] + 1
        self.db.execute(
            """INSERT OR REPLACE INTO parse_outcomes
               (url, sha256, key, site, agency, outcome, reason, error, attempts, parser,
                first_at, last_at, run)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                job.url,
                job.sha256,
                job.key,
                job.site,
                job.agency,
                result.outcome,
                result.reason,
                (result.error or "")[:2000],
                attempts,
                parser,
                old["first_at"] if old is not None else now,
                now,
                run,
            ),
        )

    def forget(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.db.executemany("DELETE FROM parse_outcomes WHERE url=? AND sha256=?", list(pairs))

    def due(self, parser: str) -> list[sqlite3.Row]:
        """Documents to try again now: stopped by a timeout or crash fewer than
        :data:`MAX_RETRIES` times, or read by an older parser."""
        return self.db.execute(
            "SELECT * FROM parse_outcomes WHERE (outcome=? AND attempts < ?) OR parser IS NOT ? "
            "ORDER BY url",
            (RETRY, MAX_RETRIES, parser),
        ).fetchall()

    def is_settled(self, row: sqlite3.Row | None, parser: str) -> bool:
        """True when a recorded outcome means: do not parse this document again now."""
        if row is None or row["parser"] != parser:
            return False
        return row["outcome"] != RETRY or row["attempts"] >= MAX_RETRIES

    def outcomes(self, outcome: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT * FROM parse_outcomes"
        args: tuple = ()
        if outcome is not None:
            sql += " WHERE outcome=?"
            args = (outcome,)
        return self.db.execute(sql + " ORDER BY last_at DESC, url", args).fetchall()


_PARSER_FINGERPRINT: str | None = None


def parser_fingerprint() -> str:
    """``<version>+<digest>`` of the parser's code (and of the places table's, which gives a
    record its ``place``): a new parser retries documents the old one could not read (and
    ``--reparse`` re-reads everything)."""
    global _PARSER_FINGERPRINT
    if _PARSER_FINGERPRINT is None:
        import parsers
        import places

        digest = hashlib.sha256()
        for package in (parsers, places):
            root = Path(str(package.__file__)).parent
            for path in sorted(root.rglob("*.py")):
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
        _PARSER_FINGERPRINT = f"{__version__}+{digest.hexdigest()[:12]}"
    return _PARSER_FINGERPRINT
