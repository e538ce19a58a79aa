"""The nightly harvest: crawl → parse what is new or changed → update the datasets, in one call.

Library first — ``ogi harvest`` is a thin wrapper::

    from ogi.harvest import harvest

    report = harvest("sites/starter.toml", "data")        # a RunReport
    report.exit_code, report.documents, report.export

What one run does, under an exclusive lock on the data folder (:mod:`ogi.lock`):

1. **crawl** the registry's sites (:func:`scraper.crawl.crawl`): conditional GETs, only new or
   changed bodies are downloaded, every response goes to the WARC archive and the state DB;
2. **parse** the documents whose bytes are new since the last harvest (and those due for a
   retry) — on all cores when the backlog is big (:mod:`ogi.parsing`), streaming, never holding
   the documents in memory — and put each record in the parse results store
   (:class:`output.store.RecordStore`, ``data/records.sqlite``);
3. **export** the datasets (:func:`output.export.export`) — only when a record store changed
   since the last export, or the datasets are missing; unchanged files are not rewritten.

Resuming needs no special mode: every stage is idempotent and commits as it goes. The crawl
commits each fetch; a document is parsed when its ``(url, sha256)`` is not in the store yet
(so a run killed mid-parse re-parses only what it had not stored); a flag set before the first
record is stored and cleared only after a successful export makes the next run export if this
one died before finishing. Nothing is ever deleted: a changed document adds a record (earlier
versions stay, and the datasets mark them superseded), and a report that disappears from its
site keeps its record.

Sharding (``shard="2/4"``): the registry's sites are split by a stable hash of their host, so
every host is crawled by exactly one machine. A shard keeps its crawl state in
``data/shards/2-of-4/`` and writes its records to ``data/records-2-of-4.sqlite``; ``ogi export
--data DIR`` reads every ``records*.sqlite`` of a folder, so the partitions of several machines
copied into one folder merge into one set of datasets. A sharded run does not export unless
asked (the merged export is one job, run once all partitions are in).

Bookkeeping of the harvest itself (what was parsed up to which crawl run, documents that failed
to parse, whether an export is owed) lives in ``harvest.sqlite`` beside the crawl state.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, cast

from ogi import __version__
from ogi.book import MAX_RETRIES, Book, parser_fingerprint
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED
from ogi.layout import (
    BOOK_NAME,
    DATASETS_DIR,
    HarvestConfigError,
    Layout,
    Shard,
    layouts,
    shard_of,
    site_host,
)
from ogi.lock import DataLock
from ogi.parsing import FAILED, NOT_REPORT, RETRY, Job, run_jobs
from ogi.pool import cores
from ogi.reparse import ReparseTally, StoredRecords
from ogi.runs import (
    NOTHING_DONE,
    OK,
    SOME_FAILED,
    RunReport,
    new_run_id,
)
from output.correct import corrections_fingerprint
from scraper.crawl import CrawlOptions, CrawlResult, crawl
from scraper.registry import Registry, RegistryError, Site, load_registry
from scraper.state import Document, State

log = logging.getLogger(__name__)


POOL_MIN_DOCUMENTS = 200
"""With ``workers`` left to choose, a process pool is used from this many documents to parse:
below it, starting the pool (a second or two) costs more than it saves."""
BATCH = 16
"""Records stored per transaction (also stored every two seconds): a killed run loses little."""


Progress = Callable[[str, dict[str, Any]], None]
"""``progress(event, info)``: ``phase`` (info: name), ``fetch``, ``parsed``, ``export_stage``."""


# --------------------------------------------------------------------------------------------
# The harvest
# --------------------------------------------------------------------------------------------


def harvest(
    sites_file: str | os.PathLike | Registry,
    data_dir: str | os.PathLike = "data",
    *,
    shard: str | Shard | None = None,
    workers: int | None = None,
    export: bool | None = None,
    formats: str | Iterable[str] | None = None,
    sites: Iterable[str] | None = None,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    crawl_options: CrawlOptions | None = None,
    clock: Callable[[], datetime] | None = None,
    reparse: bool = False,
    parse_timeout: float | None = 600.0,
    progress: Progress | None = None,
) -> RunReport:
    """Run one harvest of ``sites_file`` into ``data_dir`` and return its :class:`RunReport`.

    - ``shard``: ``"I/N"`` — only the sites whose host hashes to part I of N (see module doc);
    - ``workers``: parse processes (default: every core); 1 parses in this process;
    - ``export``: write the datasets when something changed (default: yes, unless sharded);
      ``formats``: which (default csv, parquet, xlsx, sqlite);
    - ``sites``: only these site keys or agency names;
    - ``resolve``, ``crawl_options``, ``clock``: passed to :func:`scraper.crawl.crawl`;
    - ``reparse``: parse every archived document again (after a parser upgrade);
    - ``parse_timeout``: seconds one document may take before it is stopped and retried later.

    Raises :class:`HarvestConfigError` for a bad sites file or option and
    :class:`ogi.lock.LockHeld` when another harvest holds the data folder. Anything else that
    goes wrong — sites that fail, documents that cannot be read, even an error in a stage — is
    recorded in the report and the exit code, and never stops the other stages.
    """
    part = Shard.parse(shard)
    registry = _registry(sites_file)
    chosen_formats = _formats(formats)
    only = set(sites) if sites is not None else None
    chosen = [
        s
        for s in registry.enabled()
        if (only is None or s.key in only or s.agency in only) and (part is None or part.owns(s))
    ]
    if only is not None and not any(s.key in only or s.agency in only for s in registry.enabled()):
        raise HarvestConfigError("no enabled site of the registry matches --site")
    layout = Layout(Path(data_dir), part)
    run = _Run(
        layout=layout,
        registry=registry,
        chosen=chosen,
        sites_file=str(sites_file) if not isinstance(sites_file, Registry) else registry.source,
        workers=workers,
        export=(part is None) if export is None else export,
        formats=chosen_formats,
        resolve=resolve,
        crawl_options=crawl_options,
        clock=clock,
        reparse=reparse,
        parse_timeout=parse_timeout,
        progress=progress,
    )
    with DataLock(layout.lock_path, info={"shard": str(part) if part else None}):
        return run.run()


def _registry(sites_file: str | os.PathLike | Registry) -> Registry:
    if isinstance(sites_file, Registry):
        return sites_file
    try:
        return load_registry(Path(sites_file))
    except RegistryError as exc:
        raise HarvestConfigError(str(exc)) from None


def _formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    from output.export import DEFAULT_FORMATS, parse_formats

    try:
        return parse_formats(formats) if formats is not None else DEFAULT_FORMATS
    except ValueError as exc:
        raise HarvestConfigError(str(exc)) from None


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass
class _Run:
    layout: Layout
    registry: Registry
    chosen: list[Site]
    sites_file: str
    workers: int | None
    export: bool
    formats: tuple[str, ...]
    resolve: Any
    crawl_options: CrawlOptions | None
    clock: Callable[[], datetime] | None
    reparse: bool
    parse_timeout: float | None
    progress: Progress | None

    def run(self) -> RunReport:
        started = _now()
        t0 = time.monotonic()
        lay = self.layout
        lay.runs_dir.mkdir(parents=True, exist_ok=True)
        shard = str(lay.shard) if lay.shard else None
        self.report = report = RunReport(
            id=new_run_id(lay.runs_dir, started, lay.shard.name if lay.shard else None),
            started_at=_iso(started),
            pid=os.getpid(),
            host=socket.gethostname(),
            version=__version__,
            shard=shard,
            sites_file=self.sites_file,
            data_dir=str(lay.data_dir),
        )
        report.write(lay.runs_dir)
        log.info(
            "harvest %s started: %d site(s)%s",
            report.id,
            len(self.chosen),
            f", shard {shard}" if shard else "",
            extra={"event": "harvest_start", "run": report.id},
        )
        crawled: CrawlResult | None = None
        try:
            self.book: Book | None = Book(lay.book_path)
        except Exception as exc:  # an unreadable bookkeeping file: say so, touch nothing
            log.exception("cannot open %s", lay.book_path)
            report.errors.append(f"bookkeeping {lay.book_path}: {type(exc).__name__}: {exc}")
            self.book = None
        if self.book is not None:
            try:
                for name, stage in (("crawl", self._crawl), ("parse", self._parse)):
                    try:
                        out = stage()
                        if name == "crawl":
                            crawled = out
                    except Exception as exc:  # a bug in a stage: recorded, the next one runs
                        log.exception("%s stage failed", name)
                        report.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                try:
                    self._export()
                except Exception as exc:
                    log.exception("export stage failed")
                    report.errors.append(f"export: {type(exc).__name__}: {exc}")
                    report.export = {"ran": False, "error": f"{type(exc).__name__}: {exc}"}
            finally:
                self.book.close()
        report.phase = "done"
        report.finished_at = _iso(_now())
        report.seconds = round(time.monotonic() - t0, 3)
        report.status, report.exit_code = self._verdict(crawled)
        report.write()
        log.info(
            "harvest %s finished: %s (exit %d)",
            report.id,
            report.status,
            report.exit_code,
            extra={"event": "harvest_done", "run": report.id, "exit_code": report.exit_code},
        )
        return report

    def _phase(self, name: str) -> None:
        self.report.phase = name
        self.report.write()
        log.info("%s stage", name, extra={"event": f"{name}_start", "run": self.report.id})
        self._emit("phase", name=name)

    def _emit(self, event: str, **info: Any) -> None:
        if self.progress is not None:
            try:
                self.progress(event, info)
            except Exception:  # a broken display never stops the harvest
                log.exception("progress callback failed")

    def _verdict(self, crawled: CrawlResult | None) -> tuple[str, int]:
        r = self.report
        if not self.chosen:
            r.errors.append(
                "no site to crawl" + (f" in shard {r.shard}" if r.shard else " (all disabled)")
            )
            return NOTHING_DONE, EXIT_NOTHING_DONE
        if crawled is None or (r.sites["total"] and r.sites["failed"] == r.sites["total"]):
            return NOTHING_DONE, EXIT_NOTHING_DONE
        troubles = (
            r.sites["failed"]
            or r.documents["failed"]
            or r.documents["retry"]
            or r.errors
            or r.export.get("error")
        )
        return (SOME_FAILED, EXIT_SOME_FAILED) if troubles else (OK, EXIT_OK)

    # -- 1. crawl ----------------------------------------------------------------------------

    def _crawl(self) -> CrawlResult | None:
        if not self.chosen:
            return None
        self._phase("crawl")
        sub = Registry(
            sites=tuple(self.chosen), crawl=self.registry.crawl, source=self.registry.source
        )

        def on_event(site: str, event: str, info: dict[str, Any]) -> None:
            if event == "request":
                log.debug(
                    "fetched %s",
                    info.get("url"),
                    extra={
                        "event": "fetch",
                        "site": site,
                        "url": info.get("url"),
                        "status": info.get("status"),
                    },
                )
                self._emit("fetch", site=site, **info)
            elif event == "done":
                self._emit("site_done", site=site)

        result = crawl(
            sub,
            self.layout.root,
            resolve=self.resolve,
            clock=self.clock,
            options=self.crawl_options or CrawlOptions(),
            progress=on_event,
        )
        failed = [
            {
                "site": s.site,
                "agency": s.agency,
                "kinds": sorted(s.failures) or sorted(s.flags) or ["failed"],
            }
            for s in result.failed_sites
        ]
        r = self.report
        r.sites = {
            "total": len(result.sites),
            "ok": len(result.sites) - len(failed),
            "failed": len(failed),
            "failed_sites": failed,
        }
        r.crawl = {
            "run_id": result.run_id,
            "requests": result.total("requests"),
            "list_pages": result.total("list_pages"),
            "reports_found": result.total("reports_found"),
            "failures": dict(result.failures.most_common()),
            "paused_hosts": result.paused_hosts,
            "bad_links": result.total("bad_links"),
            "bad_link_examples": result.bad_links[:20],
            "seconds": round(result.seconds, 3),
        }
        for name in ("new", "changed", "unchanged", "gone", "moved"):
            r.documents[name] = result.total(name)
        for s in failed:
            log.info(
                "site failed: %s (%s)",
                s["agency"],
                ", ".join(s["kinds"]),
                extra={"event": "site_failed", "site": s["site"], "kinds": s["kinds"]},
            )
        r.write()
        return result

    # -- 2. parse ----------------------------------------------------------------------------

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

    # -- 3. export ---------------------------------------------------------------------------

    def _export(self) -> None:
        r = self.report
        if not self.export:
            r.export = {
                "ran": False,
                "reason": "sharded run: merge the partitions with `ogi export --data DIR`"
                if self.layout.shard
                else "export disabled",
            }
            return
        reason = self._export_reason()
        if reason is None:
            r.export = {"ran": False, "reason": "nothing changed since the last export"}
            log.info("datasets unchanged: not rewritten", extra={"event": "export_skipped"})
            return
        if not any(count for _name, count, _top in _store_stats(self.layout.data_dir)):
            r.export = {"ran": False, "reason": "no records yet"}
            return
        from output.export import export
        from output.store import load_records

        self._phase("export")
        t0 = time.monotonic()
        fingerprint = stores_fingerprint(self.layout.data_dir)

        def on_stage(text: str) -> None:
            log.info("export: %s", text, extra={"event": "export_stage", "stage": text})
            self._emit("export_stage", stage=text)

        out = self.layout.datasets_dir
        result = export(
            load_records(self.layout.data_dir),
            out,
            self.formats,
            keep_datasets=False,
            on_stage=on_stage,
            corrections=self.layout.data_dir,
        )
        self._open_book.set(
            export_pending=0,
            exported_stores=fingerprint,
            export_formats=",".join(self.formats),
            exported_corrections=corrections_fingerprint(self.layout.data_dir),
        )
        r.export = {
            "ran": True,
            "reason": reason,
            "out_dir": str(out),
            "changed": [str(p.relative_to(out)) for p in result.changed],
            "unchanged": len(result.unchanged),
            "rows": result.rows,
            "notes": result.notes[:20],
            "seconds": round(time.monotonic() - t0, 3),
        }
        log.info(
            "datasets written to %s: %d file(s) changed, %d unchanged",
            out,
            len(result.changed),
            len(result.unchanged),
            extra={"event": "export_done", "changed": len(result.changed)},
        )

    @property
    def _open_book(self) -> Book:
        """The bookkeeping, for the stages (they run only when it opened)."""
        assert self.book is not None
        return self.book

    def _export_reason(self) -> str | None:
        book = self._open_book
        if book.get("export_pending") == "1":
            return "new records"
        if book.get("exported_stores") != stores_fingerprint(self.layout.data_dir):
            return "record stores changed"
        if book.get("export_formats") != ",".join(self.formats):
            return "formats changed"
        if book.get("exported_corrections", "none") != corrections_fingerprint(
            self.layout.data_dir
        ):
            return "corrections changed"
        return _datasets_missing(self.layout.datasets_dir, self.formats)


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


def _store_stats(data_dir: Path) -> list[tuple[str, int, int]]:
    """(file name, rows, a number that grows with every write) of every record store."""
    from output.store import store_files

    out: list[tuple[str, int, int]] = []
    try:
        files = store_files(data_dir)
    except FileNotFoundError:
        return out
    for path in files:
        if path.suffix == ".sqlite":
            try:
                db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
                try:
                    count, top = db.execute(
                        "SELECT count(*), coalesce(max(rowid), 0) FROM records"
                    ).fetchone()
                finally:
                    db.close()
            except sqlite3.Error:
                count, top = 0, 0
        else:
            stat = path.stat()
            count, top = 1 if stat.st_size else 0, stat.st_mtime_ns ^ stat.st_size
        out.append((path.name, int(count), int(top)))
    return out


def stores_fingerprint(data_dir: str | os.PathLike) -> str:
    """A digest that changes whenever any record store of the folder gains, loses or replaces
    a record (or a store appears or goes): what the datasets were last built from."""
    stats = _store_stats(Path(data_dir))
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:24]


def _datasets_missing(out: Path, formats: tuple[str, ...]) -> str | None:
    """Why the datasets must be written although no record changed (missing or edited files),
    read from the export manifest (``output.manifest``); None when they are intact."""
    import json

    from output.manifest import FILE_NAME

    try:
        manifest = json.loads((out / FILE_NAME).read_text(encoding="utf-8"))
        entries = manifest["formats"]
    except (OSError, ValueError, KeyError, TypeError):
        return "datasets missing"
    for fmt in formats:
        entry = entries.get(fmt)
        if not entry or not entry.get("files"):
            return f"{fmt} datasets missing"
        for name, (size, mtime) in entry["files"].items():
            try:
                stat = (out / name).stat()
            except OSError:
                return f"{name} missing"
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return f"{name} modified since the last export"
    return None


__all__ = [
    "BOOK_NAME",
    "DATASETS_DIR",
    "MAX_RETRIES",
    "Book",
    "HarvestConfigError",
    "Layout",
    "Shard",
    "harvest",
    "layouts",
    "parser_fingerprint",
    "shard_of",
    "site_host",
    "stores_fingerprint",
]
