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
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scraper.anchors import Link
from scraper.archive import WarcArchive
from scraper.canonical import canonical_url, has_expiry
from scraper.client import ORIGIN_FAILURES, Client, FetchResult, default_user_agent
from scraper.crawl_options import CrawlOptions, active_sites_limit
from scraper.crawl_result import CrawlResult, SiteStats
from scraper.crawl_store import StateRobots, archive_response
from scraper.decoding import decode_body
from scraper.discovery import PageAnalysis, analyse_list, analyse_page
from scraper.network import parse_connect_to, parse_resolve, registrable_domain
from scraper.registry import Registry, Site
from scraper.state import State, iso
from scraper.urls import BadLink

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
HOME_PATHS = {
    "",
    "/",
    "/index.html",
    "/index.htm",
    "/index.shtml",
    "/index.jsp",
    "/index.php",
    "/default.aspx",
    "/default.asp",
    "/index.asp",
    "/index.aspx",
}


Progress = Callable[[str, str, dict[str, Any]], None]
"""``progress(site_key, event, info)``; events: ``start``, ``request``, ``report``, ``done``."""


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
    """
    return asyncio.run(
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


@dataclass
class _Outcome:
    outcome: str  # new | changed | unchanged | not_modified | failed | skipped
    key: str  # the key the body was recorded under (differs after a permanent redirect)
    text: str | None = None
    content_type: str | None = None
    error_kind: str | None = None
    page: PageAnalysis | None = None
    """The report page's analysis, when the fetch already made it."""
    signature: str | None = None
    """A list page's content signature (see :attr:`ListAnalysis.signature`)."""


class _SiteCrawl:
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

    # -- helpers ----------------------------------------------------------------------------

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

    # -- the run ----------------------------------------------------------------------------

    async def run(self) -> SiteStats:
        try:
            return await self._run()
        finally:
            for host in self.site.hosts:
                await self.client.release_host(host)

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

    async def _gather(self, coros) -> None:
        limit = max(2, self.site.concurrency + 1)
        sem = asyncio.Semaphore(limit)

        async def one(c):
            async with sem:
                await c

        await asyncio.gather(*(one(c) for c in coros))

    # -- list pages -------------------------------------------------------------------------

    async def _walk_column(self, column: str) -> str | None:
        """Walk one column: ``complete`` (every page read), ``partial``, ``reused`` (page 1
        unchanged, stored links used) or None (not at all).

        Page 1 decides whether the column changed. A *shell* page 1 — one that lists no items,
        only other list pages, like a gkmlpt or jpaas page whose list comes from an API — does
        not: when it is unchanged, the list pages it points to decide, and the column is
        reused only when all of them are unchanged too.

        A list page whose content repeats one already read in this walk (an out-of-range page
        answered with page 1, a second empty page) is not followed further: that ends
        pagination chains that never end."""
        start = Link(column, "list")
        col = self.state.column(column)
        # the run that last walked the column to its end: what an unchanged walk may reuse
        reusable: int | None = None
        if not self.opts.full and col is not None:
            reusable = col["complete_run"]
        queue: list[tuple[Link, str | None]] = [(start, None)]
        visited: set[str] = set()
        signatures: set[str] = set()
        complete = True
        first = True
        deciders: set[str] | None = None  # an unchanged shell's list pages, still to decide
        held: list[str] = []  # unchanged deciders whose links wait for the verdict
        fallback: tuple[str, str, str] | None = None  # (url tried, failure kind, url used)
        shell_failed = listed_ok = 0
        page_count = 0
        while queue and page_count < self.site.max_pages:
            link, parent = queue.pop(0)
            if link.key in visited:
                continue
            visited.add(link.key)
            page_count += 1
            out = await self._fetch_list(link, parent, column)
            visited.add(out.key)  # a page reached by redirect is not walked again
            failed = out.outcome in ("failed", "skipped")
            if first:
                if failed:
                    other = self._other_scheme(link, out) if fallback is None else None
                    if other is not None:
                        fallback = (link.url, out.error_kind or "", other.url)
                        queue.insert(0, (other, None))
                        page_count -= 1
                        continue
                    self.stats.columns_failed += 1
                    with self.state.transaction():
                        self.state.set_column(column, self.site.key)
                    return None
                first = False
                if fallback is not None:
                    self._record_fallback(column, *fallback)
                unchanged = out.outcome in ("unchanged", "not_modified")
                if unchanged and reusable is not None and self._read_by_walk(out.key, reusable):
                    if not self._is_shell(out.key):
                        self._reuse_column(column, reusable)
                        self.stats.columns_ok += 1
                        return "reused"
                    deciders = {p.key for p in self._page_links(out.key, out)}
            elif deciders is not None and reusable is not None and link.key in deciders:
                unchanged = out.outcome in ("unchanged", "not_modified")
                if unchanged and self._read_by_walk(out.key, reusable):
                    deciders.discard(link.key)
                    held.append(out.key)
                    if not deciders:
                        self._reuse_column(column, reusable)
                        self.stats.columns_ok += 1
                        return "reused"
                    continue
                deciders = None  # something changed behind the shell: walk it all
                for key in held:
                    queue.extend((p, key) for p in self._page_links(key, out))
            if failed:
                # a page robots.txt forbids is skipped on purpose; anything else leaves a gap
                complete = complete and out.error_kind == "disallowed"
                shell_failed += parent is not None
                continue
            listed_ok += parent is not None
            if out.signature is not None:
                if out.signature in signatures:
                    continue  # the same content again: its pagination leads nowhere new
                signatures.add(out.signature)
            for page in self._page_links(out.key, out):
                if page.key not in visited:
                    queue.append((page, out.key))
        if queue:
            complete = False
            self.stats.failures["max_pages"] += 1
        if shell_failed and not listed_ok and self._is_shell(self._start_key(start, fallback)):
            # the shell was read but every list behind it failed: nothing of the column is known
            self.stats.columns_failed += 1
            with self.state.transaction():
                self.state.set_column(column, self.site.key)
            return None
        self.stats.columns_ok += 1
        with self.state.transaction():
            self.state.set_column(
                column, self.site.key, **({"complete_run": self.run_id} if complete else {})
            )
        return "complete" if complete else "partial"

    @staticmethod
    def _start_key(start: Link, fallback: tuple[str, str, str] | None) -> str:
        return canonical_url(fallback[2]) if fallback else start.key

    def _is_shell(self, key: str) -> bool:
        """A list page that lists no items, only other list pages (stored links)."""
        rows = self.state.links(key)
        return bool(rows) and all(r["kind"] == "list" for r in rows)

    def _other_scheme(self, link: Link, out: _Outcome) -> Link | None:
        """The column URL on the other scheme, when its own could not be reached at all."""
        if not self.opts.scheme_fallback or out.error_kind not in ORIGIN_FAILURES:
            return None
        parts = urlsplit(link.url)
        if parts.port is not None or parts.scheme not in ("http", "https"):
            return None  # another port's other scheme is anyone's guess
        other = "http" if parts.scheme == "https" else "https"
        return Link(parts._replace(scheme=other).geturl(), "list")

    def _record_fallback(self, column: str, tried: str, kind: str, used: str) -> None:
        """The column was reached on the other scheme: a flag and a host event, not a failure."""
        self.stats.flags.add("scheme_fallback")
        if self.stats.failures.get(kind):
            self.stats.failures[kind] -= 1
            if not self.stats.failures[kind]:
                del self.stats.failures[kind]
        with self.state.transaction():
            self.state.host_event(
                self.run_id,
                urlsplit(column).hostname or "",
                "scheme_fallback",
                f"{tried} failed ({kind}); used {used}",
                self.now(),
            )

    def _page_links(self, key: str, out: _Outcome) -> list[Link]:
        """The list pages linked from a list page (from this fetch, or stored if unchanged)."""
        pages = []
        for row in self.state.links(key):
            if row["kind"] != "list":
                continue
            r = self.state.get(row["dst"])
            if r is None:
                continue
            pages.append(self._link_from_row(r, key))
        return pages

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

    def _read_by_walk(self, key: str, complete_run: int) -> bool:
        """Page 1's stored body is the one the last complete walk read. A run killed mid-walk
        may have stored a newer page 1 without walking the pages after it: then the column must
        be walked again, not reused."""
        row = self.state.get(key)
        return row is not None and (row["changed_run"] or 0) <= complete_run

    def _reuse_column(self, column: str, complete_run: int) -> None:
        """Page 1 unchanged: the column's items are the stored links of its list pages."""
        rows = self.state.conn.execute(
            "SELECT l.dst, l.title, l.list_date FROM links l JOIN urls s ON s.key = l.src "
            "WHERE s.column_url = ? AND s.kind = 'list' AND s.last_seen_run >= ? AND l.kind != 'list'",
            (column, complete_run),
        ).fetchall()
        for row in rows:
            r = self.state.get(row["dst"])
            if r is not None and row["dst"] not in self.listed:
                self.listed[row["dst"]] = self._link_from_row(r, None)

    async def _fetch_list(self, link: Link, parent: str | None, column: str) -> _Outcome:
        with self.state.transaction():
            row = self._see(link, kind="list", parent=parent, column=column)
        self.stats.list_pages += 1
        out = await self._fetch(
            link, row, kind="list", then=lambda o: self._read_list(link, o, column)
        )
        if out.outcome in ("failed", "skipped"):
            return out
        if out.text is None:  # 304: the stored links stand
            self._items_from_links(out.key)
        return out

    def _read_list(self, link: Link, out: _Outcome, column: str) -> _Outcome:
        """Store a fetched list page's items and pages (inside the fetch's transaction)."""
        assert out.text is not None  # a list is read from a fetched body (a 304 has none)
        analysis = analyse_list(
            out.text,
            link.url if out.key == link.key else self.state.known(out.key)["url"],
            column_url=column,
            adapter=self.site.adapter,
        )
        self._note_bad_links(out.key, analysis.bad_links)
        if analysis.needs_js or analysis.soft_404:
            flag = "needs_js" if analysis.needs_js else "soft_404"
            self.state.set_status(
                out.key, flag, self.run_id, error_kind=flag, last_error=f"list page: {flag}"
            )
            if flag == "needs_js":
                self.state.host_event(
                    self.run_id,
                    urlsplit(link.url).hostname or "",
                    "needs_js",
                    link.url,
                    self.now(),
                )
            self.stats.flags.add(flag)
            return _Outcome("failed", out.key, error_kind=flag)  # counted by _fetch
        out.signature = analysis.signature
        pages = list(analysis.pages)
        if analysis.refresh and not analysis.items:
            pages.append(Link(analysis.refresh, "list"))
        items = [i for i in analysis.items if self.in_scope(urlsplit(i.url).hostname or "")]
        pages = [p for p in pages if self.in_scope(urlsplit(p.url).hostname or "")]
        for p in pages:
            self._see(p, kind="list", parent=out.key, column=column)
        for it in items:
            self._see_item(it, parent=out.key, column=column)
        self.state.set_links(out.key, [(x.key, x.kind, x.title, x.date) for x in (*items, *pages)])
        for it in items:
            self.listed.setdefault(it.key, it)
        return out

    def _see_item(self, it: Link, *, parent: str, column: str) -> None:
        old = self.state.get(it.key)
        self._see(it, kind=it.kind, parent=parent, column=column)
        self._keep_fresh(it, old)
        if old is not None:
            self._seen_target(old)
        if (
            old is not None
            and old["status"] not in ("pending",)
            and (
                (it.title and old["title"] != it.title) or (it.date and old["list_date"] != it.date)
            )
        ):
            self.state.update(it.key, flags="recheck")

    def _keep_fresh(self, link: Link, old) -> None:
        """A time-limited link (``…&expires=…``) is fetched from the address last seen: the
        stored one would have expired (the identity, without expiry, stays the same)."""
        if old is not None and old["url"] != link.url and has_expiry(link.url):
            self.state.update(link.key, url=link.url)

    def _items_from_links(self, key: str) -> None:
        with self.state.transaction():
            for row in self.state.links(key):
                if row["kind"] == "list":
                    self.state.update(row["dst"], last_seen_run=self.run_id)
                    continue
                r = self.state.get(row["dst"])
                if r is None:
                    continue
                self.state.update(row["dst"], last_seen_run=self.run_id)
                self._seen_target(r)
                self.listed.setdefault(row["dst"], self._link_from_row(r, None))

    def _seen_target(self, row) -> None:
        """A listed URL that redirects (301 or meta refresh): its target counts as listed too."""
        if row["status"] == "moved" and row["redirect_to"]:
            self.state.update(canonical_url(row["redirect_to"]), last_seen_run=self.run_id)

    # -- items ------------------------------------------------------------------------------

    def _due(self, row) -> bool:
        """Whether an already-known item must be (re)checked in this run."""
        status = row["status"]
        if status == "pending":
            return True
        if row["flags"] in ("recheck", "delisted_check"):
            return True
        if status == "error" and (row["attempts"] or 0) < self.opts.max_attempts:
            return True
        if self.opts.revisit_after is not None and row["checked_at"]:
            last = datetime.fromisoformat(row["checked_at"])
            return self.now() - last >= self.opts.revisit_after
        return False

    async def _process_item(self, link: Link) -> None:
        if link.key in self.done:
            return
        self.done.add(link.key)
        row = self.state.get(link.key)
        if row is None:
            return
        if not self._due(row):
            if row["kind"] == "page":
                await self._unfinished_attachments(link.key)
            return
        found: list[Link] = []

        def see_attachments(o: _Outcome) -> _Outcome:
            if row["kind"] == "page" and o.outcome in ("new", "changed"):
                found.extend(self._see_attachments(o.key, o.text or "", o.page))
            return o

        out = await self._fetch(link, row, kind=row["kind"], then=see_attachments)
        if out.error_kind == "link_expired" and row["parent"]:
            await self._retry_expired(link, row)
            return
        if row["kind"] == "page" and out.outcome in ("new", "changed") and out.text is not None:
            self.stats.attachments += len(found)
            await self._gather(self._process_item(a) for a in found)
        elif row["kind"] == "page":
            await self._unfinished_attachments(out.key)

    async def _retry_expired(self, link: Link, row) -> None:
        """A time-limited link answered 403: read its page again (once per run) for a fresh
        link, and fetch that at once. A failure that the fresh link cures is not counted."""
        fresh = (await self._fresh_links(row["parent"])).get(link.key)
        if fresh is None or fresh.url == link.url:
            return
        again = await self._fetch(fresh, self.state.get(link.key), kind=row["kind"])
        if again.outcome not in ("failed", "skipped") and self.stats.failures.get("link_expired"):
            self.stats.failures["link_expired"] -= 1
            if not self.stats.failures["link_expired"]:
                del self.stats.failures["link_expired"]

    async def _fresh_links(self, page_key: str) -> dict[str, Link]:
        """The attachment links a report page gives now, by key (its body read unconditionally,
        once per run); stored attachment rows get the fresh addresses."""
        if page_key in self.refreshed:
            return self.refreshed[page_key]
        self.refreshed[page_key] = {}
        page = self.state.get(page_key)
        if page is None or page["kind"] != "page":
            return {}
        got: dict[str, Link] = {}

        def read(o: _Outcome) -> _Outcome:
            analysis = o.page or analyse_page(o.text or "", page["final_url"] or page["url"])
            if o.outcome in ("new", "changed"):
                atts = self._see_attachments(o.key, o.text or "", analysis)
            else:
                atts = [
                    a for a in analysis.attachments if self.in_scope(urlsplit(a.url).hostname or "")
                ]
                for a in atts:
                    self._keep_fresh(a, self.state.get(a.key))
            got.update((a.key, a) for a in atts)
            return o

        link = self._link_from_row(page, page["parent"])
        await self._fetch(link, page, kind="page", then=read, conditional=False)
        self.refreshed[page_key] = got
        return got

    async def _process_key(self, key: str) -> None:
        row = self.state.get(key)
        if row is None:
            return
        await self._process_item(self._link_from_row(row, row["parent"]))

    def _see_attachments(
        self, page_key: str, text: str, analysis: PageAnalysis | None
    ) -> list[Link]:
        """Store a fetched report page's attachments (inside the fetch's transaction)."""
        page = self.state.known(page_key)
        if analysis is None:
            analysis = analyse_page(text, page["final_url"] or page["url"])
        self._note_bad_links(page_key, analysis.bad_links)
        atts = [a for a in analysis.attachments if self.in_scope(urlsplit(a.url).hostname or "")]
        for a in atts:
            old = self.state.get(a.key)
            self._see(a, kind="attachment", parent=page_key, column=page["column_url"])
            self._keep_fresh(a, old)
        self.state.set_links(page_key, [(a.key, "attachment", a.title, None) for a in atts])
        # a changed page may carry re-uploaded files under the same URLs
        for a in atts:
            r = self.state.get(a.key)
            if r is not None and r["status"] == "ok":
                self.state.update(a.key, flags="recheck")
        return atts

    async def _unfinished_attachments(self, page_key: str) -> None:
        rows = self.state.conn.execute(
            "SELECT * FROM urls WHERE kind='attachment' AND parent=? AND (status IN ('pending','error') OR flags='recheck')",
            (page_key,),
        ).fetchall()
        await self._gather(self._process_item(self._link_from_row(r, page_key)) for r in rows)

    def _delisted(self, walked: list[str]) -> list[str]:
        if not walked:
            return []
        marks = ",".join("?" * len(walked))
        rows = self.state.conn.execute(
            f"SELECT u.key FROM urls u JOIN urls p ON p.key = u.parent WHERE u.site = ? AND p.kind = 'list' "
            f"AND u.column_url IN ({marks}) AND u.kind IN ('page','attachment') AND u.status = 'ok' "
            f"AND u.last_seen_run < ? AND (u.flags IS NULL OR u.flags != 'delisted')",
            (self.site.key, *walked, self.run_id),
        ).fetchall()
        keys = [r["key"] for r in rows if r["key"] not in self.done]
        with self.state.transaction():
            for k in keys:
                self.state.update(k, flags="delisted_check")
        return keys

    def _unfinished(self) -> list[str]:
        rows = self.state.conn.execute(
            "SELECT key FROM urls WHERE site = ? AND kind IN ('page','attachment') AND (status IN ('pending','error') OR flags IN ('recheck','delisted_check'))",
            (self.site.key,),
        ).fetchall()
        return [r["key"] for r in rows if r["key"] not in self.done]

    # -- one fetch, recorded --------------------------------------------------------------------

    async def _fetch(
        self,
        link: Link,
        row,
        *,
        kind: str,
        then: Callable[[_Outcome], _Outcome] | None = None,
        conditional: bool = True,
    ) -> _Outcome:
        """Fetch and record one URL. ``then(outcome)`` runs in the same transaction when a body
        was read: what the body links to is committed together with the body's new hash, so a
        run killed in between cannot leave a page "unchanged" with its links never stored.
        ``conditional=False`` asks for the body even when the stored validators match."""
        conditional = conditional and row["status"] == "ok" and row["sha256"] is not None
        res = await self.client.fetch(
            link.url,
            method=link.method,
            data=link.data,
            headers=dict(link.headers),
            etag=row["etag"] if conditional else None,
            last_modified=row["last_modified"] if conditional else None,
            scope=self.in_scope,
        )
        if res.sent:
            self.stats.requests += res.attempts
        self._emit("request", url=link.url, kind=kind, status=res.status, error=res.error_kind)
        with self.state.transaction():
            out = self._record(link, row, res, kind)
            if then is not None and out.text is not None:
                out = then(out)
        removed = (
            out.error_kind in ("http_404", "http_410", "soft_404", "redirect_to_home")
            and kind != "list"
        )
        if out.outcome == "failed" and out.error_kind and not removed:
            self.stats.failures[out.error_kind] += 1
        return out

    def _record(self, link: Link, row, res: FetchResult, kind: str) -> _Outcome:
        st, key = self.state, link.key
        now = res.fetched_at
        flags_after = None if row["flags"] not in ("delisted_check",) else "delisted"
        ref = (
            archive_response(self.archive, res)
            if res.sent and res.status is not None and not res.ok
            else None
        )

        def fail(status: str | None, error_kind: str, error: str | None, **extra: Any) -> _Outcome:
            values: dict[str, Any] = {
                "error_kind": error_kind,
                "last_error": error,
                "checked_at": iso(now),
                "attempts": (row["attempts"] or 0) + 1,
                **extra,
            }
            if res.status is not None:
                values["http_status"] = res.status
            if status is not None:
                st.set_status(key, status, self.run_id, **values)
            else:
                st.update(key, **values)
            st.log_fetch(
                self.run_id,
                key,
                link.url,
                kind,
                error_kind,
                now,
                http_status=res.status,
                error_kind=error_kind,
                error=error,
                seconds=res.seconds,
                attempts=res.attempts,
                warc_record_id=ref.record_id if ref else None,
            )
            return _Outcome("failed", key, error_kind=error_kind)

        if not res.sent and res.error_kind in ("disallowed",):
            return fail("disallowed", "disallowed", res.error)
        if res.error_kind in ("offsite", "private_address"):
            return fail("offsite", res.error_kind, res.error, redirect_to=res.final_url)
        if res.error_kind == "blocked":
            self.stats.flags.add("blocked")
            st.host_event(
                self.run_id, urlsplit(res.final_url).hostname or "", "blocked", res.error or "", now
            )
            return fail("blocked", "blocked", res.error)
        if res.error_kind == "too_large":
            return fail("too_large", "too_large", res.error)
        if res.error_kind in ("redirect_loop", "too_many_redirects", "not_http"):
            return fail("error", res.error_kind, res.error)
        if res.error_kind is not None:
            if res.error_kind == "robots_unreachable":
                st.host_event(
                    self.run_id,
                    urlsplit(link.url).hostname or "",
                    "robots_unreachable",
                    res.error or "",
                    now,
                )
            # transient: keep an archived body's status; a never-fetched URL becomes 'error'
            return fail(None if row["status"] == "ok" else "error", res.error_kind, res.error)

        # a permanent redirect moves the document to its new URL
        permanent = bool(res.redirects) and res.redirects[0][1] in (301, 308)
        final_path = urlsplit(res.final_url).path
        if res.redirects and final_path in HOME_PATHS and urlsplit(link.url).path not in HOME_PATHS:
            self.stats.gone += kind != "list"
            return fail(
                "gone",
                "redirect_to_home",
                f"redirected to the home page {res.final_url}",
                redirect_to=res.final_url,
            )
        if permanent and canonical_url(res.final_url) != key:
            new = Link(
                res.final_url, kind, title=link.title, date=link.date, is_report=link.is_report
            )
            st.set_status(
                key,
                "moved",
                self.run_id,
                redirect_to=res.final_url,
                checked_at=iso(now),
                http_status=res.redirects[0][1],
                flags=None,
                error_kind=None,
                last_error=None,
            )
            st.log_fetch(
                self.run_id, key, link.url, kind, "moved", now, http_status=res.redirects[0][1]
            )
            self.stats.moved += kind != "list"
            self.done.add(key)
            key = new.key
            self.done.add(key)
            row = self._see(new, kind=kind, parent=row["parent"], column=row["column_url"])
            link = new

        if res.status in (401, 403) and has_expiry(link.url):
            return fail(
                None if row["status"] == "ok" else "error",
                "link_expired",
                f"HTTP {res.status} for a time-limited link: it expired; its page gives a fresh one",
            )
        if res.status in (404, 410):
            if kind != "list":
                self.stats.gone += 1
            return fail("gone", f"http_{res.status}", f"HTTP {res.status}")
        if res.status == 304:
            st.update(
                key,
                checked_at=iso(now),
                attempts=0,
                error_kind=None,
                last_error=None,
                flags=flags_after,
                http_status=304,
            )
            st.log_fetch(
                self.run_id,
                key,
                link.url,
                kind,
                "not_modified",
                now,
                http_status=304,
                seconds=res.seconds,
                attempts=res.attempts,
                warc_record_id=ref.record_id if ref else None,
            )
            if kind != "list":
                self.stats.unchanged += 1
            return _Outcome("not_modified", key)
        if res.status is None or not (200 <= res.status < 300):
            return fail(
                None if row["status"] == "ok" else "error",
                f"http_{res.status}",
                f"HTTP {res.status}",
            )

        ctype = res.header("content-type")
        text = None
        encoding = None
        analysis: PageAnalysis | None = None
        if kind in ("list", "page") or (ctype or "").startswith(
            ("text/", "application/xml", "application/xhtml")
        ):
            dec = decode_body(res.body, ctype)
            text, encoding = dec.text, dec.encoding
            if kind == "page":
                analysis = analyse_page(text, res.final_url)
                if (
                    analysis.refresh
                    and canonical_url(analysis.refresh) != key
                    and len(res.body) < 4096
                ):
                    # a meta-refresh stub: the document lives at the target
                    ref = archive_response(self.archive, res)
                    st.set_status(
                        key,
                        "moved",
                        self.run_id,
                        redirect_to=analysis.refresh,
                        checked_at=iso(now),
                        http_status=res.status,
                        warc_file=ref.file,
                        warc_offset=ref.offset,
                        warc_record_id=ref.record_id,
                        flags=None,
                    )
                    st.log_fetch(
                        self.run_id,
                        key,
                        link.url,
                        kind,
                        "moved",
                        now,
                        http_status=res.status,
                        warc_record_id=ref.record_id,
                    )
                    target = Link(
                        analysis.refresh,
                        "page",
                        title=link.title,
                        date=link.date,
                        is_report=link.is_report,
                    )
                    if self.in_scope(urlsplit(target.url).hostname or ""):
                        self._see(
                            target, kind="page", parent=row["parent"], column=row["column_url"]
                        )
                        self.listed.setdefault(target.key, target)
                    return _Outcome("failed", key, error_kind=None)
                if analysis.soft_404:
                    self.stats.gone += 1
                    ref = archive_response(self.archive, res)
                    return fail(
                        "soft_404",
                        "soft_404",
                        "the page says it does not exist",
                        warc_file=ref.file,
                        warc_offset=ref.offset,
                        warc_record_id=ref.record_id,
                    )
                if analysis.needs_js:
                    self.stats.flags.add("needs_js")
                    return fail("needs_js", "needs_js", "the content is built by JavaScript")

        sha = hashlib.sha256(res.body).hexdigest()
        common = {
            "checked_at": iso(now),
            "attempts": 0,
            "error_kind": None,
            "last_error": None,
            "http_status": res.status,
            "etag": res.header("etag"),
            "last_modified": res.header("last-modified"),
            "final_url": res.final_url if res.final_url != link.url else None,
            "flags": flags_after,
            "encoding": encoding,
        }
        if row["sha256"] == sha and row["warc_file"]:
            rev = archive_response(
                self.archive, res, revisit_of=(sha, row["url"], row["warc_date"] or iso(now))
            )
            st.set_status(key, "ok", self.run_id, **common)
            st.log_fetch(
                self.run_id,
                key,
                link.url,
                kind,
                "unchanged",
                now,
                http_status=res.status,
                sha256=sha,
                bytes=len(res.body),
                seconds=res.seconds,
                attempts=res.attempts,
                warc_record_id=rev.record_id,
            )
            if kind != "list":
                self.stats.unchanged += 1
            return _Outcome("unchanged", key, text=text, content_type=ctype, page=analysis)
        ref = archive_response(self.archive, res)
        outcome = "changed" if row["sha256"] else "new"
        dup = st.first_with_sha(sha, key) if kind != "list" else None
        st.set_status(
            key,
            "ok",
            self.run_id,
            **common,
            sha256=sha,
            size=len(res.body),
            content_type=ctype,
            warc_file=ref.file,
            warc_offset=ref.offset,
            warc_record_id=ref.record_id,
            warc_date=iso(now),
            fetched_at=iso(now),
            changed_run=self.run_id,
            duplicate_of=dup["key"] if dup is not None else None,
        )
        st.log_fetch(
            self.run_id,
            key,
            link.url,
            kind,
            outcome,
            now,
            http_status=res.status,
            sha256=sha,
            bytes=len(res.body),
            seconds=res.seconds,
            attempts=res.attempts,
            warc_record_id=ref.record_id,
        )
        if analysis is not None:
            # what the list did not say, the page's meta tags and metadata table may
            known = {
                "title": analysis.title if not row["title"] else None,
                "list_date": analysis.date if not row["list_date"] else None,
                "publisher": analysis.publisher,
                "index_no": analysis.index_no,
            }
            if any(known.values()):
                st.update(key, **{k: v for k, v in known.items() if v})
        if kind != "list":
            setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
            if row["is_report"]:
                self._emit("report", url=link.url, title=link.title, outcome=outcome)
        return _Outcome(outcome, key, text=text, content_type=ctype, page=analysis)


__all__ = [
    "CrawlOptions",
    "CrawlResult",
    "Progress",
    "SiteStats",
    "active_sites_limit",
    "crawl",
    "crawl_async",
]
