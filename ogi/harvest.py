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

This module runs the stages; the parse stage is :mod:`ogi.harvest_parse`, the export stage
:mod:`ogi.harvest_export`, and what they share :mod:`ogi.harvest_base`.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ogi import __version__
from ogi.book import MAX_RETRIES, Book, parser_fingerprint
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED
from ogi.harvest_base import Progress, _iso, _now
from ogi.harvest_export import ExportStage, stores_fingerprint
from ogi.harvest_parse import ParseStage
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
from ogi.runs import (
    NOTHING_DONE,
    OK,
    SOME_FAILED,
    RunReport,
    new_run_id,
)
from ogi_errors import FormatError
from scraper.crawl import CrawlOptions, CrawlResult, crawl
from scraper.registry import Registry, RegistryError, load_registry

log = logging.getLogger(__name__)


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
    except FormatError as exc:
        raise HarvestConfigError(str(exc)) from None


@dataclass
class _Run(ParseStage, ExportStage):
    """One harvest: the crawl, then the parse and export stages, under the report."""

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
            self.book = Book(lay.book_path)
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
