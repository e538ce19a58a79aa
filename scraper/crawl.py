"""One crawl run: registry → list pages → report pages → attachments → WARC + state.

Library first — ``ogi crawl`` is a thin wrapper::

    from scraper.crawl import crawl
    from scraper.registry import load_registry

    result = crawl(load_registry("sites.toml"), "data")
    print(result.summary())
    # then: scraper.state.State.open("data/state.sqlite").documents(changed_since=...)

What a run does, per site (sites run concurrently; hosts are paced by the client):

1. **Walk each column.** List page 1 is fetched with a conditional GET. If it is unchanged (304,
   or the same bytes) and the column was fully walked before, the stored links of its pages are
   reused and nothing else of the column is fetched — the cheap nightly case. Otherwise every
   list page is walked (pagination links, TRS ``createPageHTML``, Hanweb datastore/dataproxy,
   sub-columns), each page conditionally.
2. **Fetch report items.** A report page or attachment is fetched when it is new, when its list
   entry (title/date) changed, when it vanished from a fully walked column (to learn whether it
   is gone or moved), when an earlier attempt failed, or when ``revisit_after`` has passed. A
   re-check is a conditional GET; without validators the bytes are compared by sha256 and an
   identical body is archived as a WARC ``revisit`` record, not stored again.
3. **Attachments** of new or changed report pages are fetched the same way.

Every outcome is committed to the state DB right after its WARC record is written, so a run
killed at any point is resumed by simply running again.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from scraper.archive import WarcArchive
from scraper.client import Client, default_user_agent
from scraper.crawl_columns import ColumnWalking
from scraper.crawl_documents import DocumentFetching
from scraper.crawl_options import CrawlOptions, active_sites_limit
from scraper.crawl_result import CrawlResult, SiteStats
from scraper.crawl_site import Progress
from scraper.crawl_store import StateRobots
from scraper.network import parse_connect_to, parse_resolve
from scraper.registry import Registry
from scraper.state import State
from scraper.winddown import run_to_the_end

log = logging.getLogger(__name__)

TRANSIENT = {
    "timeout",
    "connect",
    "reset",
    "dns",
    "protocol",
    "retry_after_too_long",
    "host_paused",
    "robots_unreachable",
}


def crawl(
    registry: Registry,
    data_dir: str | Path = "data",
    *,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    clock: Callable[[], datetime] | None = None,
    options: CrawlOptions | None = None,
    progress: Progress | None = None,
    sites: list[str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | list[str] | None = None,
) -> CrawlResult:
    """Crawl every enabled site of ``registry`` once; state and WARCs go under ``data_dir``.

    ``resolve``: curl-style ``HOST:PORT:ADDR`` entries (or their parsed mapping).
    ``connect_to``: curl-style ``HOST1:PORT1:HOST2:PORT2`` entries (or their parsed mapping).
    ``clock``: what "now" is (tests move it); defaults to the real UTC time.
    ``sites``: only these site keys (agency names or ids).

    An interrupt raised inside the crawl (a second Ctrl-C, ``SystemExit``) still ends it in
    order: every task is cancelled and finished, the connections closed, before it is raised.
    """
    return run_to_the_end(
        crawl_async(
            registry,
            data_dir,
            resolve=resolve,
            clock=clock,
            options=options,
            progress=progress,
            sites=sites,
            connect_to=connect_to,
        )
    )


async def crawl_async(
    registry: Registry,
    data_dir: str | Path = "data",
    *,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    clock: Callable[[], datetime] | None = None,
    options: CrawlOptions | None = None,
    progress: Progress | None = None,
    sites: list[str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | list[str] | None = None,
) -> CrawlResult:
    """The coroutine behind :func:`crawl`, for callers that run their own event loop."""
    opts = options or CrawlOptions()
    now = clock or (lambda: datetime.now(UTC))
    mapping = parse_resolve(resolve) if isinstance(resolve, list | tuple) else (resolve or {})
    redirect_ports = (
        parse_connect_to(connect_to) if isinstance(connect_to, list | tuple) else (connect_to or {})
    )
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    copts = opts.client
    if registry.crawl.user_agent or registry.crawl.contact:
        copts.user_agent = registry.crawl.user_agent or default_user_agent(registry.crawl.contact)
    copts.global_concurrency = (
        min(copts.global_concurrency, registry.crawl.concurrency)
        if registry.crawl.concurrency
        else copts.global_concurrency
    )
    copts.max_body = min(copts.max_body, registry.crawl.max_body)
    copts.insecure_hosts = tuple(
        dict.fromkeys((*copts.insecure_hosts, *registry.crawl.insecure_hosts, *opts.insecure_hosts))
    )
    chosen = [s for s in registry.enabled() if sites is None or s.key in sites or s.agency in sites]

    state = State.open(data / "state.sqlite")
    started = now()
    t0 = asyncio.get_running_loop().time()
    run_id = state.start_run(started, os.getpid())
    archive = WarcArchive(state.archive_dir, run_id)
    try:
        async with Client(
            copts,
            resolve=mapping,
            robots_store=StateRobots(state, archive, run_id),
            clock=now,
            connect_to=redirect_ports,
        ) as client:
            for site in chosen:
                for host in site.hosts:
                    client.configure_host(
                        host,
                        delay=opts.delay if opts.delay is not None else site.delay,
                        concurrency=opts.concurrency
                        if opts.concurrency is not None
                        else site.concurrency,
                        verify=site.tls_verify,
                    )
            done: set[str] = set()  # URL keys handled in this run, shared: sites may overlap
            crawlers = [
                _SiteCrawl(site, state, archive, client, run_id, opts, now, progress, done)
                for site in chosen
            ]
            active = asyncio.Semaphore(active_sites_limit(opts.max_active_sites))

            async def run_site(c: _SiteCrawl) -> SiteStats:
                async with active:
                    return await c.run()

            results = await asyncio.gather(*(run_site(c) for c in crawlers), return_exceptions=True)
            stats: list[SiteStats] = []
            for c, r in zip(crawlers, results, strict=True):
                if isinstance(r, BaseException):
                    # one bad site never takes the run down
                    log.error("site %s crashed: %r", c.site.key, r, exc_info=r)
                    c.stats.failures[f"crash:{type(r).__name__}"] += 1
                    c.stats.columns_failed = max(c.stats.columns_failed, 1)
                stats.append(c.stats)
            host_requests = client.host_requests()
            paused = dict(client.paused_hosts)
            for host, reason in paused.items():
                state.host_event(run_id, host, "paused", reason, now())
            for host in sorted(client.unverified_hosts):
                state.host_event(
                    run_id,
                    host,
                    "tls_unverified",
                    "HTTPS without a certificate check (tls_verify = false / insecure_hosts)",
                    now(),
                )
    finally:
        archive.close()
    finished = now()
    result = CrawlResult(
        run_id=run_id,
        started_at=started,
        finished_at=finished,
        data_dir=data,
        sites=stats,
        seconds=asyncio.get_running_loop().time() - t0,
        host_requests=host_requests,
        paused_hosts=paused,
    )
    state.finish_run(run_id, finished, result.as_dict())
    state.close()
    return result


class _SiteCrawl(ColumnWalking, DocumentFetching):
    """One site's crawl: its columns walked, then its report documents fetched."""

    async def run(self) -> SiteStats:
        try:
            stats = await self._run()
        except GeneratorExit:
            # closed, not cancelled (its event loop stopped under it): nothing can be awaited
            self.client.give_back_hosts(self.site.hosts)
            raise
        except BaseException:
            await self.client.release_hosts(self.site.hosts)
            raise
        await self.client.release_hosts(self.site.hosts)
        return stats

    async def _run(self) -> SiteStats:
        self._emit("start", agency=self.site.agency)
        walked: list[str] = []
        for column in self.site.columns:
            walk = await self._walk_column(column)
            if walk == "complete":
                walked.append(column)
        items = list(self.listed.values())
        self.stats.reports_found = len(items)
        await self._gather(self._process_item(link) for link in items)
        # vanished from a fully walked column: check once whether gone or moved
        await self._gather(self._process_key(key) for key in self._delisted(walked))
        # left pending or failed by an earlier (possibly killed) run
        await self._gather(self._process_key(key) for key in self._unfinished())
        self._emit("done", stats=self.stats.as_dict())
        return self.stats


__all__ = [
    "CrawlOptions",
    "CrawlResult",
    "Progress",
    "SiteStats",
    "active_sites_limit",
    "crawl",
    "crawl_async",
]
