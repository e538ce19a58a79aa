"""The harvest's parse stage: the documents whose bytes are new since the last harvest (and
those due for a retry, or every one on a re-parse) read from the archive and parsed — on every
core when the backlog is big — and their records put in the records store as they come."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from itertools import chain, islice
from typing import Any, cast

from ogi.book import parser_fingerprint
from ogi.harvest_base import RunBase, _iso, _now
from ogi.parsing import FAILED, NOT_REPORT, RETRY, Job, run_jobs
from ogi.pool import cores
from ogi.reparse import ReparseTally, StoredRecords
from scraper.state import Document, State

log = logging.getLogger(__name__)

POOL_MIN_DOCUMENTS = 200
"""With ``workers`` left to choose, a process pool is used from this many documents to parse:
below it, starting the pool (a second or two) costs more than it saves."""
BATCH = 16
"""Records stored per transaction (also stored every two seconds): a killed run loses little."""


class ParseStage(RunBase):
    """Parsing what the crawl brought (see the module docstring)."""

    def _parse(self) -> None:
        from output.inputs import ReportInput
        from output.store import RecordStore

        lay = self.layout
        if not lay.state_path.exists():
            return
        self._phase("parse")
        t0 = time.monotonic()
        parser = parser_fingerprint()
        state = State.open(lay.state_path)
        store = RecordStore(lay.store_path, parser=parser)
        present = StoredRecords(lay.store_path)
        tally = ReparseTally() if self.reparse else None
        book, r = self._open_book, self.report
        sites = {s.key: s for s in self.registry.sites}
        try:
            last_run = state.last_run_id(finished=False) or 0
            cursor = None if self.reparse else int(book.get("cursor") or 0)
            jobs = self._jobs(state, cursor, present, parser)
            if self.reparse:  # a count first, for the progress bar (no document is read)
                total = sum(1 for _ in self._jobs(state, cursor, present, parser))
                present.current = 0
                self._emit("parse_total", total=total)
            # a look at the backlog's head decides between a pool and this process
            wanted = self.workers or cores()
            threshold = POOL_MIN_DOCUMENTS if self.workers is None else max(2, wanted)
            head = list(islice(jobs, threshold))
            workers = wanted if len(head) >= threshold and wanted > 1 else 1
            r.parse = {"workers": workers, "parser": parser}
            log.info(
                "parsing%s with %d worker(s)",
                f" {len(head)} document(s)" if len(head) < threshold else "",
                workers,
                extra={"event": "parse_workers", "workers": workers},
            )
            batch: list[tuple[Job, Any]] = []
            failures: list[dict[str, Any]] = []
            last_flush = time.monotonic()
            owed = False

            def flush() -> None:
                nonlocal last_flush, owed
                if not batch:
                    return
                if not owed:  # before the first record lands: the datasets now owe an export
                    book.set(export_pending=1)
                    owed = True
                if tally is not None:
                    tally.compare(present, [item for _job, item in batch])
                store.put_many(item for _job, item in batch)
                book.forget((job.url, job.sha256) for job, _item in batch)
                r.records_added += len(batch)
                log.debug(
                    "stored %d record(s)",
                    len(batch),
                    extra={"event": "stored", "records": r.records_added},
                )
                batch.clear()
                last_flush = time.monotonic()

            now = _iso(_now())
            for result in run_jobs(
                chain(head, jobs),
                str(state.archive_dir),
                workers=workers,
                timeout=self.parse_timeout,
            ):
                job = result.job
                if result.ok:
                    report = result.report
                    assert report is not None  # ok means a report
                    site = sites.get(job.site or "")
                    item = ReportInput(
                        report,
                        url=job.url,
                        fetched_at=job.fetched_at,
                        sha256=job.sha256,
                        warc_record_id=job.warc_record_id,
                        site_agency=job.agency or (site.agency if site else None),
                        level=site.level if site else None,
                        division_code=site.division_code if site else None,
                        title=job.title,
                        publisher=job.publisher,
                        index_no=job.index_no,
                    )
                    batch.append((job, item))
                    r.documents["parsed"] += 1
                    r.add_warnings(report.warnings)
                    r.add_failed_checks([c.rule for c in report.checks if c.ok is False])
                else:
                    book.record(result, parser, r.id, now)
                    key = {NOT_REPORT: "not_reports", FAILED: "failed", RETRY: "retry"}[
                        result.outcome
                    ]
                    r.documents[key] += 1
                    if result.outcome != NOT_REPORT:
                        log.info(
                            "document not parsed: %s: %s",
                            job.url,
                            result.error,
                            extra={
                                "event": "parse_failed",
                                "url": job.url,
                                "reason": result.reason,
                            },
                        )
                        if len(failures) < 50:
                            failures.append(
                                {
                                    "url": job.url,
                                    "site": job.site,
                                    "outcome": result.outcome,
                                    "reason": result.reason,
                                    "error": (result.error or "")[:300],
                                }
                            )
                log.debug(
                    "parsed %s: %s",
                    job.url,
                    result.outcome,
                    extra={"event": "parsed", "url": job.url, "outcome": result.outcome},
                )
                self._emit("parsed", url=job.url, outcome=result.outcome)
                if len(batch) >= BATCH or time.monotonic() - last_flush > 2.0:
                    flush()
            flush()
            book.set(cursor=last_run)
            r.parse.update(seconds=round(time.monotonic() - t0, 3), failures=failures)
            if tally is not None:
                r.parse["reparse"] = tally.to_dict(present.current)
            r.write()
        finally:
            present.close()
            store.close()
            state.close()

    def _jobs(
        self, state: State, cursor: int | None, present: StoredRecords, parser: str
    ) -> Iterator[Job]:
        """Documents to parse: due retries, then everything new since ``cursor`` (per site,
        so only one site's document list is in memory at a time). A re-parse takes every
        document whose record another parser made (:mod:`ogi.reparse`)."""

        def done(url: str, sha256: str) -> bool:
            return present.parsed_by(url, sha256, parser) if self.reparse else present(url, sha256)

        book = self._open_book
        retried: set[tuple[str, str]] = set()  # only these could come up twice
        for row in book.due(parser):
            doc = state.document(row["key"] or row["url"])
            if doc is None or doc.sha256 != row["sha256"] or doc.status != "ok":
                book.forget([(row["url"], row["sha256"])])  # changed or gone: the cursor path
                continue
            sha256 = cast(str, doc.sha256)  # the retry book's own, which is never empty
            if done(doc.url, sha256):
                book.forget([(row["url"], row["sha256"])])
                continue
            retried.add((doc.url, sha256))
            yield self._job(state, doc)
        for site in _sites_with_documents(state, cursor):
            for doc in state.documents(changed_since=cursor, site=site):
                pair = (doc.url, doc.sha256 or "")
                if pair in retried or not doc.sha256 or not doc.warc_file:
                    continue
                if done(*pair) or book.is_settled(book.outcome(*pair), parser):
                    continue
                yield self._job(state, doc)

    @staticmethod
    def _job(state: State, doc: Document) -> Job:
        title, publisher, index_no = doc.title, doc.publisher, doc.index_no
        if doc.kind == "attachment" and doc.parent_url:
            # an attachment's link text is often just 附件1.pdf; the report page names the
            # report, and its metadata table says who published it
            parent = state.document(doc.parent_url)
            if parent is not None:
                title = parent.title or title
                publisher, index_no = parent.publisher, parent.index_no
        return Job(
            key=doc.key,
            url=doc.url,
            sha256=doc.sha256 or "",
            warc_file=doc.warc_file or "",
            warc_offset=int(doc.warc_offset or 0),
            content_type=doc.content_type,
            kind=doc.kind,
            site=doc.site,
            agency=doc.agency,
            title=title,
            fetched_at=doc.fetched_at,
            warc_record_id=doc.warc_record_id,
            publisher=publisher,
            index_no=index_no,
        )


def _sites_with_documents(state: State, cursor: int | None) -> list[str]:
    """Site keys with archived documents changed after ``cursor`` (every site when None)."""
    sql = (
        "SELECT DISTINCT site FROM urls WHERE kind IN ('page','attachment') AND status='ok' "
        "AND site IS NOT NULL"
    )
    args: tuple = ()
    if cursor is not None:
        sql += " AND changed_run > ?"
        args = (cursor,)
    return sorted(row[0] for row in state.conn.execute(sql, args))
