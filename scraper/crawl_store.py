"""Writing what a crawl fetched: each response into the WARC archive, and robots.txt into
the state database as well, so a run within a day reuses it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import urlsplit

from scraper.archive import WarcArchive, read_response
from scraper.client import FetchResult, RobotsStore
from scraper.state import State, iso


class StateRobots(RobotsStore):
    """Keeps robots.txt in the state DB and the WARC, so a run within a day reuses it."""

    def __init__(self, state: State, archive: WarcArchive, run_id: int) -> None:
        self.state = state
        self.archive = archive
        self.run_id = run_id

    def load(self, origin: str) -> tuple[int, bytes, float] | None:
        row = self.state.get(f"{origin}/robots.txt")
        if row is None or row["http_status"] is None or row["checked_at"] is None:
            return None
        body = b""
        if row["warc_file"] and row["http_status"] < 300:
            try:
                body = read_response(
                    self.state.archive_dir, row["warc_file"], row["warc_offset"]
                ).body
            except (OSError, ValueError):
                return None
        return int(row["http_status"]), body, datetime.fromisoformat(row["checked_at"]).timestamp()

    def save(self, origin: str, res: FetchResult) -> None:
        if res.status is None:
            return
        key = f"{origin}/robots.txt"
        ref = archive_response(self.archive, res)
        with self.state.transaction():
            self.state.see(
                key,
                url=key,
                kind="robots",
                run_id=self.run_id,
                site=None,
                agency=None,
                host=urlsplit(origin).hostname,
            )
            self.state.update(
                key,
                status="ok" if res.status < 400 else "gone",
                http_status=res.status,
                sha256=hashlib.sha256(res.body).hexdigest(),
                warc_file=ref.file,
                warc_offset=ref.offset,
                warc_record_id=ref.record_id,
                checked_at=iso(res.fetched_at),
                fetched_at=iso(res.fetched_at),
            )
            self.state.log_fetch(
                self.run_id,
                key,
                key,
                "robots",
                str(res.status),
                res.fetched_at,
                http_status=res.status,
                warc_record_id=ref.record_id,
                attempts=res.attempts,
            )


def archive_response(
    archive: WarcArchive, res: FetchResult, revisit_of: tuple[str, str, str] | None = None
):
    return archive.write(
        url=res.final_url,
        method=res.method if not res.redirects else "GET",
        request_headers=res.request_headers,
        request_body=res.request_body,
        status=res.status or 0,
        reason=res.reason,
        response_headers=res.headers,
        body=res.body,
        fetched_at=res.fetched_at,
        truncated=res.truncated,
        revisit_of=revisit_of,
    )
