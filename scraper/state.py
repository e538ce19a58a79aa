"""Crawl state in SQLite (``data/state.sqlite``): every URL seen, what happened to it, and where
its bytes are in the WARC archive. This is also the interface the harvest stage reads.

Why SQLite: one file, transactions, and it survives ``kill -9`` — every fetch outcome is
committed on its own right after its WARC record is flushed, so a re-run resumes from what is on
disk and ends in the same state as an uninterrupted run.

For the harvest (parsing) stage::

    state = State.open("data/state.sqlite")
    last = state.last_run_id()
    for doc in state.documents(changed_since=previous_harvested_run):
        data = state.read_body(doc)            # the exact bytes fetched
        ...                                     # doc.url, doc.sha256, doc.warc_record_id, ...
    for doc in state.removed(since=previous_harvested_run):
        ...                                     # reports deleted (gone) or moved away

A :class:`Document` is a report page or attachment whose body is archived; ``changed_run`` is
the run in which its bytes were last new or different, so ``documents(changed_since=r)`` yields
exactly what needs (re-)parsing after run ``r`` — unchanged bodies never show up twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.archive import read_response
from scraper.urls import BadLink

SCHEMA_VERSION = 1

STATUSES = (
    "pending",  # discovered, not fetched yet (or not successfully)
    "ok",  # body archived
    "gone",  # 404/410
    "moved",  # permanent redirect; see redirect_to
    "error",  # last attempt failed (network, 5xx, timeout); see error_kind
    "blocked",  # anti-bot challenge (412 $_ts, 521 cookie stub): flagged, never bypassed
    "needs_js",  # a JavaScript-only shell: the content is not in the HTML
    "disallowed",  # robots.txt forbids it
    "too_large",  # body beyond the size cap
    "soft_404",  # 200 page saying the page does not exist
    "offsite",  # redirect to a host outside the site
)
"""Values of ``urls.status`` / :attr:`Document.status`."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,            -- running | done | interrupted
    pid INTEGER,
    stats TEXT                       -- JSON summary
);
CREATE TABLE IF NOT EXISTS urls (
    key TEXT PRIMARY KEY,            -- canonical URL; 'POST <url> <body>' for POSTs
    url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    body TEXT,                       -- form body of a POST
    host TEXT,
    site TEXT,                       -- registry site key
    agency TEXT,
    kind TEXT NOT NULL,              -- robots | list | page | attachment
    is_report INTEGER NOT NULL DEFAULT 0,
    title TEXT,
    list_date TEXT,
    parent TEXT,                     -- key of the page that linked it
    column_url TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    http_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    content_type TEXT,
    size INTEGER,
    encoding TEXT,
    final_url TEXT,
    redirect_to TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_record_id TEXT,
    warc_date TEXT,
    fetched_at TEXT,                 -- when the archived body was fetched
    checked_at TEXT,                 -- last request of any outcome
    first_seen_run INTEGER,
    last_seen_run INTEGER,           -- last run that found a link to it
    changed_run INTEGER,             -- run in which the body was last new or different
    status_run INTEGER,              -- run in which status last changed
    error_kind TEXT,
    last_error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,  -- consecutive failed attempts
    duplicate_of TEXT,               -- key of an earlier URL with the same body
    flags TEXT,
    publisher TEXT,                  -- 发布机构 of a report page's metadata (or meta tags)
    index_no TEXT                    -- 索引号 of a report page's metadata table
);
CREATE INDEX IF NOT EXISTS urls_site ON urls(site, kind);
CREATE INDEX IF NOT EXISTS urls_changed ON urls(changed_run);
CREATE INDEX IF NOT EXISTS urls_sha ON urls(sha256);
CREATE INDEX IF NOT EXISTS urls_parent ON urls(parent);
CREATE INDEX IF NOT EXISTS urls_column ON urls(column_url, kind);
CREATE TABLE IF NOT EXISTS links (
    src TEXT NOT NULL,               -- key of the list/report page
    dst TEXT NOT NULL,               -- key of the linked URL
    kind TEXT NOT NULL,              -- list | page | attachment
    title TEXT,
    list_date TEXT,
    PRIMARY KEY (src, dst)
);
CREATE TABLE IF NOT EXISTS columns (
    url TEXT PRIMARY KEY,
    site TEXT,
    complete_run INTEGER,            -- last run that walked every page of it
    page1_sha TEXT
);
CREATE TABLE IF NOT EXISTS fetches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT,
    outcome TEXT NOT NULL,           -- new | changed | unchanged | not_modified | <status> | retry
    http_status INTEGER,
    sha256 TEXT,
    bytes INTEGER,
    fetched_at TEXT NOT NULL,
    seconds REAL,
    attempts INTEGER,                -- requests sent for it (retries included)
    error_kind TEXT,
    error TEXT,
    warc_record_id TEXT
);
CREATE INDEX IF NOT EXISTS fetches_run ON fetches(run_id);
CREATE TABLE IF NOT EXISTS host_events (
    run_id INTEGER NOT NULL,
    host TEXT NOT NULL,
    kind TEXT NOT NULL,              -- paused | blocked | robots_unreachable | needs_js | ...
    detail TEXT,
    at TEXT,
    PRIMARY KEY (run_id, host, kind)
);
CREATE TABLE IF NOT EXISTS bad_links (
    run_id INTEGER NOT NULL,
    site TEXT,
    page TEXT NOT NULL,              -- key of the page the link was found on
    page_url TEXT,
    url TEXT NOT NULL,               -- the link, resolved as far as it could be
    reason TEXT NOT NULL,            -- why it cannot be fetched (bad port, invalid IPv6 URL …)
    PRIMARY KEY (run_id, page, url)
);
"""


_ADDED_COLUMNS = {"urls": (("publisher", "TEXT"), ("index_no", "TEXT"))}
"""Columns added to tables after the first release: a data folder from before gets them on
open (``CREATE TABLE IF NOT EXISTS`` leaves an existing table as it is)."""


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, columns in _ADDED_COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns:
            if name not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Document:
    """A page or attachment the crawl knows about (what the harvest stage parses).

    ``kind`` is ``page`` (an HTML report page) or ``attachment`` (PDF, DOC, …).
    ``parent_url`` of an attachment is the report page that linked it.
    """

    url: str
    key: str
    site: str | None
    agency: str | None
    kind: str
    is_report: bool
    title: str | None
    list_date: str | None
    parent_url: str | None
    status: str
    http_status: int | None
    sha256: str | None
    content_type: str | None
    size: int | None
    encoding: str | None
    fetched_at: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_record_id: str | None
    first_seen_run: int | None
    changed_run: int | None
    status_run: int | None
    redirect_to: str | None
    final_url: str | None
    """Where the bytes came from when a temporary redirect (e.g. ``downfile.jsp`` → file) was
    followed; None when it is ``url`` itself."""
    duplicate_of: str | None
    error_kind: str | None
    last_error: str | None
    publisher: str | None = None
    """发布机构 from the report page's metadata table or meta tags (pages only)."""
    index_no: str | None = None
    """索引号, the disclosure catalogue's number of the document (pages only)."""


@dataclass(frozen=True)
class Run:
    id: int
    started_at: str
    finished_at: str | None
    status: str
    stats: dict[str, Any]


_DOC_FIELDS = [f.name for f in fields(Document)]


class State:
    """The crawl state database. Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> State:
        """Open (creating if needed) the state DB at ``path``."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(p, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        _add_missing_columns(conn)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        return cls(conn, p)

    @property
    def archive_dir(self) -> Path:
        """The WARC folder: ``raw/`` beside the database."""
        return self.path.parent / "raw"

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, now: datetime, pid: int | None = None) -> int:
        """Begin a run; runs left 'running' by a dead process are marked 'interrupted'."""
        with self.transaction():
            self.conn.execute("UPDATE runs SET status='interrupted' WHERE status='running'")
            cur = self.conn.execute(
                "INSERT INTO runs(started_at, status, pid) VALUES (?, 'running', ?)",
                (iso(now), pid),
            )
        assert cur.lastrowid is not None  # an INSERT sets it
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, now: datetime, stats: dict[str, Any]) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished_at=?, status='done', stats=? WHERE id=?",
                (iso(now), json.dumps(stats, ensure_ascii=False), run_id),
            )

    def runs(self) -> list[Run]:
        rows = self.conn.execute("SELECT * FROM runs ORDER BY id").fetchall()
        return [
            Run(
                r["id"],
                r["started_at"],
                r["finished_at"],
                r["status"],
                json.loads(r["stats"] or "{}"),
            )
            for r in rows
        ]

    def last_run_id(self, *, finished: bool = True) -> int | None:
        """The newest run (only finished ones by default); None before the first."""
        sql = "SELECT max(id) FROM runs" + (" WHERE status='done'" if finished else "")
        return self.conn.execute(sql).fetchone()[0]

    # -- the harvest interface ---------------------------------------------------------------

    def documents(
        self,
        changed_since: int | None = None,
        *,
        site: str | None = None,
        kind: str | None = None,
        reports_only: bool = False,
        status: str | None = "ok",
    ) -> Iterator[Document]:
        """Report pages and attachments, oldest first.

        ``changed_since=r``: only those whose bytes were new or different in a run after ``r``
        (exclusive), i.e. what to (re-)parse after having processed run ``r``.
        ``status`` (default ``ok``): only documents in that state, always with an archived
        body; ``None`` = every document, fetched or not (see :data:`STATUSES`).
        ``reports_only``: only links whose title/URL said "annual report", plus attachments
        of such pages.
        """
        where = ["kind IN ('page', 'attachment')"]
        args: list[Any] = []
        if changed_since is not None:
            where.append("changed_run > ?")
            args.append(changed_since)
        if site is not None:
            where.append("site = ?")
            args.append(site)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if reports_only:
            where.append("is_report = 1")
        if status is not None:
            where.append("status = ? AND sha256 IS NOT NULL AND warc_file IS NOT NULL")
            args.append(status)
        sql = (
            f"SELECT * FROM urls WHERE {' AND '.join(where)} ORDER BY coalesce(changed_run, 0), key"
        )
        for row in self.conn.execute(sql, args).fetchall():
            yield self._doc(row)

    def removed(self, since: int | None = None, *, site: str | None = None) -> Iterator[Document]:
        """Documents that became ``gone`` or ``moved`` in a run after ``since``."""
        where = ["kind IN ('page', 'attachment')", "status IN ('gone', 'moved')"]
        args: list[Any] = []
        if since is not None:
            where.append("status_run > ?")
            args.append(since)
        if site is not None:
            where.append("site = ?")
            args.append(site)
        for row in self.conn.execute(
            f"SELECT * FROM urls WHERE {' AND '.join(where)} ORDER BY key", args
        ).fetchall():
            yield self._doc(row)

    def document(self, url: str) -> Document | None:
        """One document by URL (or key)."""
        row = self.conn.execute(
            "SELECT * FROM urls WHERE key=? OR url=? LIMIT 1", (url, url)
        ).fetchone()
        return self._doc(row) if row is not None else None

    def attachments(self, page_url: str) -> list[Document]:
        """Attachments linked from a report page."""
        rows = self.conn.execute(
            "SELECT * FROM urls WHERE kind='attachment' AND parent IN (SELECT key FROM urls WHERE key=? OR url=?) ORDER BY key",
            (page_url, page_url),
        ).fetchall()
        return [self._doc(r) for r in rows]

    def read_body(self, doc: Document | str) -> bytes:
        """The archived bytes of a document (or URL), read back from its WARC record."""
        d = self.document(doc) if isinstance(doc, str) else doc
        if d is None or d.warc_file is None or d.warc_offset is None:
            raise KeyError(f"no archived body for {doc if isinstance(doc, str) else doc.url}")
        return read_response(self.archive_dir, d.warc_file, d.warc_offset).body

    def failures(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """Failed fetches of a run (default: the newest run), one dict per URL and outcome."""
        rid = run_id if run_id is not None else self.last_run_id(finished=False)
        rows = self.conn.execute(
            "SELECT f.key, f.url, f.kind, f.outcome, f.http_status, f.error_kind, f.error, u.site "
            "FROM fetches f LEFT JOIN urls u ON u.key=f.key WHERE f.run_id=? AND f.error_kind IS NOT NULL ORDER BY f.id",
            (rid,),
        ).fetchall()
        return [dict(r) for r in rows]

    def host_events(self, run_id: int | None = None) -> list[dict[str, Any]]:
        rid = run_id if run_id is not None else self.last_run_id(finished=False)
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT * FROM host_events WHERE run_id=? ORDER BY host, kind", (rid,)
            )
        ]

    def add_bad_links(self, run_id: int, site: str, page: str, links: Iterable[BadLink]) -> int:
        """Record malformed links found on page ``page`` (a URL key) in run ``run_id``; returns
        how many were not recorded for that page in this run yet."""
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO bad_links(run_id, site, page, page_url, url, reason) "
            "VALUES (?,?,?,?,?,?)",
            [(run_id, site, page, b.page, b.url, b.reason) for b in links],
        )
        return self.conn.total_changes - before

    def bad_links(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """Malformed links found in a run (default: the newest), with the page of each."""
        rid = run_id if run_id is not None else self.last_run_id(finished=False)
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT site, page_url, url, reason FROM bad_links WHERE run_id=? "
                "ORDER BY site, page_url, url",
                (rid,),
            )
        ]

    def url_row(self, key: str) -> dict[str, Any] | None:
        """The raw state row of a URL key (all columns), for diagnostics and tests."""
        row = self.conn.execute("SELECT * FROM urls WHERE key=?", (key,)).fetchone()
        return dict(row) if row is not None else None

    def snapshot(self) -> dict[str, tuple]:
        """A comparable picture of the state: per URL key, (kind, status, sha256, is_report).

        Two crawls of the same site state (one interrupted and resumed, one not) must give
        equal snapshots.
        """
        rows = self.conn.execute(
            "SELECT key, kind, status, sha256, is_report FROM urls WHERE kind != 'robots'"
        ).fetchall()
        return {r["key"]: (r["kind"], r["status"], r["sha256"], bool(r["is_report"])) for r in rows}

    @staticmethod
    def _doc(row: sqlite3.Row) -> Document:
        d = dict(row)
        parent = d.get("parent")
        fields_: dict[str, Any] = {
            k: d.get(k) for k in _DOC_FIELDS if k not in ("parent_url", "is_report")
        }
        return Document(
            **fields_,
            is_report=bool(d.get("is_report")),
            parent_url=parent,
        )

    # -- used by the crawler ---------------------------------------------------------------

    def get(self, key: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM urls WHERE key=?", (key,)).fetchone()

    def known(self, key: str) -> sqlite3.Row:
        """The row of a URL the crawl has already stored (a bug if it has not)."""
        row = self.get(key)
        if row is None:
            raise KeyError(f"no stored URL with the key {key}")
        return row

    def see(
        self,
        key: str,
        *,
        url: str,
        kind: str,
        run_id: int,
        site: str | None,
        agency: str | None,
        host: str | None,
        method: str = "GET",
        body: str | None = None,
        title: str | None = None,
        list_date: str | None = None,
        parent: str | None = None,
        column_url: str | None = None,
        is_report: bool = False,
    ) -> sqlite3.Row:
        """Record that a URL was found (insert, or refresh its title/date/last_seen_run)."""
        self.conn.execute(
            """INSERT INTO urls(key, url, method, body, host, site, agency, kind, is_report, title, list_date,
                                parent, column_url, first_seen_run, last_seen_run)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(key) DO UPDATE SET
                 last_seen_run=excluded.last_seen_run,
                 is_report=max(urls.is_report, excluded.is_report),
                 title=coalesce(excluded.title, urls.title),
                 list_date=coalesce(excluded.list_date, urls.list_date),
                 parent=coalesce(urls.parent, excluded.parent),
                 column_url=coalesce(urls.column_url, excluded.column_url),
                 site=coalesce(urls.site, excluded.site),
                 agency=coalesce(urls.agency, excluded.agency)""",
            (
                key,
                url,
                method,
                body,
                host,
                site,
                agency,
                kind,
                int(is_report),
                title,
                list_date,
                parent,
                column_url,
                run_id,
                run_id,
            ),
        )
        row = self.get(key)
        assert row is not None
        return row

    def update(self, key: str, **values: Any) -> None:
        if not values:
            return
        cols = ", ".join(f"{k}=?" for k in values)
        self.conn.execute(f"UPDATE urls SET {cols} WHERE key=?", (*values.values(), key))

    def set_status(self, key: str, status: str, run_id: int, **values: Any) -> None:
        row = self.get(key)
        if row is not None and row["status"] != status:
            values["status_run"] = run_id
        self.update(key, status=status, **values)

    def log_fetch(
        self,
        run_id: int,
        key: str,
        url: str,
        kind: str,
        outcome: str,
        fetched_at: datetime,
        **values: Any,
    ) -> None:
        cols = ["run_id", "key", "url", "kind", "outcome", "fetched_at", *values]
        self.conn.execute(
            f"INSERT INTO fetches({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (run_id, key, url, kind, outcome, iso(fetched_at), *values.values()),
        )

    def set_links(self, src: str, links: Iterable[tuple[str, str, str | None, str | None]]) -> None:
        """Replace the stored outgoing links of a page: (dst key, kind, title, list_date)."""
        self.conn.execute("DELETE FROM links WHERE src=?", (src,))
        self.conn.executemany(
            "INSERT OR REPLACE INTO links(src, dst, kind, title, list_date) VALUES (?,?,?,?,?)",
            [(src, *link) for link in links],
        )

    def links(self, src: str) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM links WHERE src=? ORDER BY rowid", (src,)
        ).fetchall()

    def column(self, url: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM columns WHERE url=?", (url,)).fetchone()

    def set_column(self, url: str, site: str, **values: Any) -> None:
        self.conn.execute("INSERT OR IGNORE INTO columns(url, site) VALUES (?, ?)", (url, site))
        if values:
            cols = ", ".join(f"{k}=?" for k in values)
            self.conn.execute(f"UPDATE columns SET {cols} WHERE url=?", (*values.values(), url))

    def host_event(self, run_id: int, host: str, kind: str, detail: str, now: datetime) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO host_events(run_id, host, kind, detail, at) VALUES (?,?,?,?,?)",
            (run_id, host, kind, detail, iso(now)),
        )

    def first_with_sha(self, sha: str, exclude: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT key, url, warc_date FROM urls WHERE sha256=? AND key != ? AND warc_file IS NOT NULL ORDER BY first_seen_run, key LIMIT 1",
            (sha, exclude),
        ).fetchone()

    def transaction(self):
        """A context manager for one atomic group of writes."""
        return _Tx(self.conn)


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
