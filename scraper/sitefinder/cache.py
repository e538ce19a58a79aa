"""Pages fetched by earlier discovery runs, kept so the next run asks with conditional GETs
(``If-None-Match`` / ``If-Modified-Since``): a portal whose navigation did not change answers
304 and costs it no body. One SQLite file, one row per page; writes are transactions, so a run
that dies leaves a usable cache."""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    body BLOB NOT NULL,
    fetched_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class CachedPage:
    final_url: str
    etag: str | None
    last_modified: str | None
    content_type: str | None
    body: bytes


class PageCache:
    """``PageCache(path)``; ``get(key)`` and ``put(key, …)`` by canonical URL."""

    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(p)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(_SCHEMA)
        self.conn.commit()

    def get(self, key: str) -> CachedPage | None:
        row = self.conn.execute(
            "SELECT final_url, etag, last_modified, content_type, body FROM pages WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        try:
            body = zlib.decompress(row[4])
        except zlib.error:
            return None
        return CachedPage(row[0], row[1], row[2], row[3], body)

    def put(
        self,
        key: str,
        *,
        final_url: str,
        etag: str | None,
        last_modified: str | None,
        content_type: str | None,
        body: bytes,
        fetched_at: str,
    ) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    final_url,
                    etag,
                    last_modified,
                    content_type,
                    zlib.compress(body),
                    fetched_at,
                ),
            )

    def close(self) -> None:
        self.conn.close()
