"""``ogi status``: what the last harvests did, which sites keep failing, what awaits a retry.

Read-only: it opens the run reports (``data/runs/*.json``), the crawl state and the harvest's
bookkeeping without writing, and probes the lock without disturbing a running harvest. So it
is safe to run at any time, from a shell or a monitoring script (``ogi status --json``).

A run report still saying ``running`` whose partition is not locked any more belongs to a
harvest that was killed: it is shown as ``interrupted``, with the stage it died in.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ogi import lock
from ogi.book import MAX_RETRIES, Book, parser_fingerprint
from ogi.layout import Layout, layouts
from ogi.parsing import FAILED, RETRY
from ogi.runs import INTERRUPTED, RUNNING, RunReport, load_runs
from ogi_errors import DataNotFound


@dataclass
class Status:
    """Everything ``ogi status`` shows, as data (``to_dict`` is its JSON)."""

    data_dir: Path
    runs: list[RunReport] = field(default_factory=list)
    running: list[dict[str, Any]] = field(default_factory=list)
    failing_sites: list[dict[str, Any]] = field(default_factory=list)
    fetch_retries: list[dict[str, Any]] = field(default_factory=list)
    fetch_retry_count: int = 0
    fetch_retry_kinds: dict[str, int] = field(default_factory=dict)
    parse_retries: list[dict[str, Any]] = field(default_factory=list)
    parse_retry_count: int = 0
    parse_gave_up: list[dict[str, Any]] = field(default_factory=list)
    parse_gave_up_count: int = 0
    unreadable: int = 0
    older_parser: int = 0
    """Records read by an older parser (``ogi harvest --reparse`` re-reads them)."""
    corrections: int = 0
    """Reviewers' corrections in force (applied at export)."""
    stale_corrections: list[dict[str, Any]] = field(default_factory=list)
    """Corrections not applied: their document changed since (see :mod:`output.corrections`)."""
    corrections_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "data_dir": str(self.data_dir),
            "running": self.running,
            "runs": [r.to_dict() for r in self.runs],
            "failing_sites": self.failing_sites,
            "fetch_retries": {
                "count": self.fetch_retry_count,
                "by_kind": self.fetch_retry_kinds,
                "items": self.fetch_retries,
            },
            "parse_retries": {"count": self.parse_retry_count, "items": self.parse_retries},
            "parse_gave_up": {"count": self.parse_gave_up_count, "items": self.parse_gave_up},
            "unreadable": self.unreadable,
            "older_parser": self.older_parser,
            "corrections": {
                "active": self.corrections,
                "stale": self.stale_corrections,
                "error": self.corrections_error,
            },
        }


def status(
    data_dir: str | Path = "data", *, last: int = 10, min_runs: int = 2, limit: int = 20
) -> Status:
    """Read the state of a data folder.

    ``last``: run reports listed; ``min_runs``: a site is "failing" after this many failed runs
    in a row; ``limit``: most items listed per section (counts are always complete).
    """
    data = Path(data_dir)
    if not data.is_dir():
        raise DataNotFound(f"no data folder {data}")
    out = Status(data)
    parts = layouts(data)
    holders = {}
    for part in parts:
        who = lock.holder(part.lock_path)
        if who is not None:
            holders[str(part.shard) if part.shard else None] = who
            out.running.append({"shard": str(part.shard) if part.shard else None, **who})
    runs = load_runs(data)
    for run in runs:
        if run.status == RUNNING and run.shard not in holders:
            run.status = INTERRUPTED
    out.runs = runs[-last:] if last else runs
    out.failing_sites = failing_sites(runs, min_runs=min_runs)
    parser = parser_fingerprint()
    for part in parts:
        _fetch_retries(part, out, limit)
        _parse_retries(part, out, parser, limit)
    _corrections(data, out)
    return out


def _corrections(data: Path, out: Status) -> None:
    """Corrections in force and stale ones (every stale one is listed: each needs a look)."""
    from output.correct import load_corrections
    from output.corrections import CorrectionError

    try:
        found = load_corrections(data)
    except (CorrectionError, OSError, sqlite3.Error) as exc:
        out.corrections_error = str(exc)
        return
    out.corrections = len(found)
    out.stale_corrections = [s.to_dict() for s in found.stale]


def failing_sites(runs: list[RunReport], *, min_runs: int = 2) -> list[dict[str, Any]]:
    """Sites that failed in each of the last ``min_runs`` (or more) finished runs in a row of
    their partition, longest streak first."""
    by_part: dict[str | None, list[RunReport]] = {}
    for run in runs:
        if run.status in (RUNNING, INTERRUPTED) or not run.sites.get("total"):
            continue
        by_part.setdefault(run.shard, []).append(run)
    out = []
    for shard, part_runs in by_part.items():
        newest = part_runs[-1]
        for failed in newest.sites.get("failed_sites") or []:
            key = failed.get("site")
            streak, since = 0, None
            kinds: Counter[str] = Counter()
            for run in reversed(part_runs):
                match = next(
                    (f for f in run.sites.get("failed_sites") or [] if f.get("site") == key), None
                )
                if match is None:
                    break
                streak += 1
                since = run.started_at
                kinds.update(match.get("kinds") or [])
            if streak >= min_runs:
                out.append(
                    {
                        "site": key,
                        "agency": failed.get("agency"),
                        "shard": shard,
                        "runs": streak,
                        "since": since,
                        "kinds": [k for k, _ in kinds.most_common()],
                    }
                )
    out.sort(key=lambda s: (-s["runs"], s["agency"] or ""))
    return out


def _fetch_retries(part: Layout, out: Status, limit: int) -> None:
    """Report pages and attachments the crawler has not fetched yet or failed to fetch: the next
    crawl tries them again (read from the crawl state, without writing to it)."""
    if not part.state_path.exists():
        return
    db = sqlite3.connect(f"{part.state_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    db.row_factory = sqlite3.Row
    where = (
        "kind IN ('page','attachment') AND (is_report=1 OR kind='attachment') "
        "AND status IN ('error','pending')"
    )
    try:
        kinds = db.execute(
            f"SELECT coalesce(error_kind, 'not fetched yet') AS k, count(*) FROM urls "
            f"WHERE {where} GROUP BY k"
        ).fetchall()
        rows = db.execute(
            f"SELECT url, site, agency, kind, status, error_kind, last_error, attempts, checked_at "
            f"FROM urls WHERE {where} ORDER BY attempts DESC, checked_at DESC LIMIT ?",
            (limit,),
        ).fetchall()
    except sqlite3.Error:
        return
    finally:
        db.close()
    shard = str(part.shard) if part.shard else None
    for kind, count in kinds:
        out.fetch_retry_kinds[kind] = out.fetch_retry_kinds.get(kind, 0) + count
        out.fetch_retry_count += count
    room = max(0, limit - len(out.fetch_retries))
    out.fetch_retries += [{**dict(r), "shard": shard} for r in rows[:room]]


def _parse_retries(part: Layout, out: Status, parser: str, limit: int) -> None:
    book = Book.open_readonly(part.book_path)
    if book is None:
        return
    shard = str(part.shard) if part.shard else None
    try:
        for row in book.outcomes(RETRY):
            item = {
                "url": row["url"],
                "site": row["site"],
                "agency": row["agency"],
                "reason": row["reason"],
                "error": row["error"],
                "attempts": row["attempts"],
                "last_at": row["last_at"],
                "shard": shard,
            }
            if row["attempts"] < MAX_RETRIES or row["parser"] != parser:
                out.parse_retry_count += 1
                if len(out.parse_retries) < limit:
                    out.parse_retries.append(item)
            else:
                out.parse_gave_up_count += 1
                if len(out.parse_gave_up) < limit:
                    out.parse_gave_up.append(item)
        out.unreadable += len(book.outcomes(FAILED))
    except sqlite3.Error:
        pass
    finally:
        book.close()
    store = part.store_path
    if store.exists():
        try:
            db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                out.older_parser += db.execute(
                    "SELECT count(*) FROM records WHERE parser IS NOT ?", (parser,)
                ).fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            pass
