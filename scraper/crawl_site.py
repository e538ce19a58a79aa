"""One site's crawl: the state every stage of it shares, and the helpers they share.

:class:`SiteCrawl` (in :mod:`scraper.crawl`) is built from stages, one module each:
:mod:`scraper.crawl_record` fetches one URL and records the outcome,
:mod:`scraper.crawl_columns` walks a column's list pages, and
:mod:`scraper.crawl_documents` fetches report pages and follows their attachments.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scraper.anchors import Link
from scraper.archive import WarcArchive
from scraper.canonical import canonical_url, has_expiry
from scraper.client import Client
from scraper.crawl_options import CrawlOptions
from scraper.crawl_result import SiteStats
from scraper.discovery import PageAnalysis
from scraper.network import registrable_domain
from scraper.registry import Site
from scraper.state import State
from scraper.urls import BadLink

log = logging.getLogger(__name__)


Progress = Callable[[str, str, dict[str, Any]], None]
"""``progress(site_key, event, info)``; events: ``start``, ``request``, ``report``, ``done``."""


@dataclass
class Outcome:
    """What one fetch came to, as the stages that asked for it need it."""

    outcome: str  # new | changed | unchanged | not_modified | failed | skipped
    key: str  # the key the body was recorded under (differs after a permanent redirect)
    text: str | None = None
    content_type: str | None = None
    error_kind: str | None = None
    page: PageAnalysis | None = None
    """The report page's analysis, when the fetch already made it."""
    signature: str | None = None
    """A list page's content signature (see :attr:`ListAnalysis.signature`)."""


class SiteBase:
    """What one site's crawl holds: the site, the stores, the client, this run's bookkeeping."""

    def __init__(
        self,
        site: Site,
        state: State,
        archive: WarcArchive,
        client: Client,
        run_id: int,
        opts: CrawlOptions,
        now,
        progress: Progress | None,
        done: set[str],
    ) -> None:
        self.site = site
        self.state = state
        self.archive = archive
        self.client = client
        self.run_id = run_id
        self.opts = opts
        self.now = now
        self.progress = progress
        self.stats = SiteStats(site.key, site.agency)
        self.domains = {registrable_domain(h) for h in site.hosts}
        self.done = done
        self.listed: dict[str, Link] = {}
        self.refreshed: dict[str, dict[str, Link]] = {}
        """Report pages read again in this run for fresh time-limited links."""
        self.bad_seen: set[tuple[str, str]] = set()

    def in_scope(self, host: str) -> bool:
        h = host.lower()
        return h in self.site.hosts or registrable_domain(h) in self.domains

    def _emit(self, event: str, **info: Any) -> None:
        if self.progress is not None:
            try:
                self.progress(self.site.key, event, info)
            except Exception:  # a broken progress display must not stop the crawl
                log.exception("progress callback failed")

    def _note_bad_links(self, page_key: str, bad: list[BadLink]) -> None:
        """A page's malformed links, left out of the crawl: recorded with the page, counted."""
        new = [b for b in bad if (page_key, b.url) not in self.bad_seen]
        if new:
            self.bad_seen.update((page_key, b.url) for b in new)
            self.state.add_bad_links(self.run_id, self.site.key, page_key, new)
            self.stats.add_bad_links(list({b.url: b for b in new}.values()))

    def _see(self, link: Link, *, kind: str, parent: str | None, column: str | None):
        return self.state.see(
            link.key,
            url=link.url,
            kind=kind,
            run_id=self.run_id,
            site=self.site.key,
            agency=self.site.agency,
            host=urlsplit(link.url).hostname,
            method=link.method,
            body=link.data.decode("utf-8", "replace") if link.data else None,
            title=link.title,
            list_date=link.date,
            parent=parent,
            column_url=column,
            is_report=link.is_report,
        )

    async def _gather(self, coros) -> None:
        limit = max(2, self.site.concurrency + 1)
        sem = asyncio.Semaphore(limit)

        async def one(c):
            async with sem:
                await c

        tasks = []
        for c in list(coros):
            task = asyncio.ensure_future(one(c))
            # a crawl cancelled while this one waited for a slot, or before its task ever ran
            # (which runs none of its code): its coroutine was made but never started, and
            # closing it says so (instead of a "never awaited" warning at garbage collection);
            # a started one has already finished when its task is done
            task.add_done_callback(functools.partial(_close, c))
            tasks.append(task)
        await asyncio.gather(*tasks)

    def _link_from_row(self, r, parent_key: str | None) -> Link:
        headers: tuple[tuple[str, str], ...] = ()
        if r["method"] == "POST" or r["kind"] == "list":
            # list APIs (Hanweb dataproxy, jpaas build units, gkmlpt) expect the page that
            # calls them as Referer, like a browser sends it: for page 2 of an API, the page
            # that called page 1
            parent = self.state.get(parent_key) if parent_key else None
            path = urlsplit(r["url"]).path
            for _ in range(5):
                if parent is None or urlsplit(parent["url"]).path != path or not parent["parent"]:
                    break
                parent = self.state.get(parent["parent"])
            referer = (("Referer", parent["url"].split("#", 1)[0]),) if parent is not None else ()
            form = (("Content-Type", "application/x-www-form-urlencoded"),)
            headers = (form if r["method"] == "POST" else ()) + referer
        return Link(
            r["url"],
            r["kind"],
            title=r["title"],
            date=r["list_date"],
            is_report=bool(r["is_report"]),
            method=r["method"],
            data=r["body"].encode() if r["body"] else None,
            headers=headers,
        )

    def _keep_fresh(self, link: Link, old) -> None:
        """A time-limited link (``…&expires=…``) is fetched from the address last seen: the
        stored one would have expired (the identity, without expiry, stays the same)."""
        if old is not None and old["url"] != link.url and has_expiry(link.url):
            self.state.update(link.key, url=link.url)

    def _seen_target(self, row) -> None:
        """A listed URL that redirects (301 or meta refresh): its target counts as listed too."""
        if row["status"] == "moved" and row["redirect_to"]:
            self.state.update(canonical_url(row["redirect_to"]), last_seen_run=self.run_id)


def _close(coro: Coroutine[Any, Any, Any], _task: asyncio.Future[Any]) -> None:
    """Close ``coro`` once the task that was to run it is done (see ``SiteBase._gather``)."""
    coro.close()
