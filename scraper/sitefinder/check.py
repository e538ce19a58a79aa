"""``check_registry``: is every column of a sites registry still there? (``ogi sites check``)

Each column is fetched once, politely (the registry's per-site delay, robots.txt, one request at
a time per host, hosts side by side). A column whose page lists nothing itself (a gkmlpt or
jpaas shell) is judged by the first list pages behind it. Each column gets one status:

- ``ok`` — its list shows report titles (how many on its first page, the newest year);
- ``empty`` — it answers, but lists no annual report (yet);
- ``moved`` — it redirects elsewhere (the target is given; update the registry);
- ``dead`` — 404/410, a page saying it does not exist, or a redirect to the home page;
- ``needs_js`` — the page is built by JavaScript;
- ``blocked`` — an anti-bot challenge (never bypassed);
- ``disallowed`` — robots.txt forbids it;
- ``failed`` — the host could not be reached (DNS, timeout, TLS …: the kind is given).

Exit codes as for ``ogi crawl``: 0 every site has a working column, 1 some sites have none,
3 no site has one (2, a bad registry or option, is the command line's).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scraper.network import registrable_domain
from scraper.registry import Registry, Site
from scraper.sitefinder.columns import MAX_FOLLOW, Candidate, pages_behind, read_list
from scraper.sitefinder.fetch import Fetcher, FinderOptions, Page, open_client

WORKING = ("ok", "empty", "moved")
STATUSES = ("ok", "empty", "moved", "dead", "needs_js", "blocked", "disallowed", "failed")


@dataclass
class ColumnStatus:
    site: str
    agency: str
    url: str
    status: str
    titles: int = 0
    newest: int | None = None
    target: str | None = None
    """Where a moved column now is."""
    detail: str = ""

    def describe(self) -> str:
        if self.status in ("ok", "moved") and self.titles:
            what = f"{self.titles} report title{'s' if self.titles != 1 else ''} on its first page"
            what += f", newest {self.newest}" if self.newest else ""
        else:
            what = self.detail
        if self.status == "moved":
            return f"→ {self.target}" + (f" ({what})" if what else "")
        return what

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    columns: list[ColumnStatus] = field(default_factory=list)
    seconds: float = 0.0
    host_requests: dict[str, int] = field(default_factory=dict)

    def counts(self) -> Counter:
        return Counter(c.status for c in self.columns)

    def failed_sites(self) -> list[str]:
        """Sites none of whose columns works."""
        by_site: dict[str, list[ColumnStatus]] = defaultdict(list)
        for c in self.columns:
            by_site[c.site].append(c)
        return [s for s, cols in by_site.items() if not any(c.status in WORKING for c in cols)]

    @property
    def exit_code(self) -> int:
        sites = {c.site for c in self.columns}
        failed = self.failed_sites()
        if not sites or len(failed) == len(sites):
            return 3
        return 1 if failed else 0

    def summary(self) -> str:
        n = self.counts()
        sites = len({c.site for c in self.columns})
        lines = [
            f"checked {len(self.columns)} columns of {sites} sites in {self.seconds:.1f}s "
            f"({sum(self.host_requests.values())} requests): "
            + ", ".join(f"{s} {n[s]}" for s in STATUSES if n[s] or s == "ok")
        ]
        for c in self.columns:
            if c.status != "ok":
                lines.append(f"  {c.status:<10} {c.agency}  {c.url}  {c.describe()}".rstrip())
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": [c.as_dict() for c in self.columns],
            "counts": dict(self.counts()),
            "failed_sites": self.failed_sites(),
            "seconds": round(self.seconds, 3),
            "requests": sum(self.host_requests.values()),
            "exit_code": self.exit_code,
        }


def check_registry(
    registry: Registry,
    *,
    options: FinderOptions | None = None,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | list[str] | None = None,
    sites: list[str] | None = None,
    delay: float | None = None,
) -> CheckResult:
    """Fetch every column of ``registry`` once (see the module docstring). ``delay``
    overrides the registry's per-site delays; ``sites`` limits the check to these keys."""
    return asyncio.run(
        check_async(
            registry,
            options=options,
            resolve=resolve,
            connect_to=connect_to,
            sites=sites,
            delay=delay,
        )
    )


async def check_async(
    registry: Registry,
    *,
    options: FinderOptions | None = None,
    resolve=None,
    connect_to=None,
    sites: list[str] | None = None,
    delay: float | None = None,
) -> CheckResult:
    """The coroutine behind :func:`check_registry`."""
    opts = options or FinderOptions()
    chosen = [s for s in registry.enabled() if sites is None or s.key in sites or s.agency in sites]
    t0 = time.perf_counter()
    client = open_client(opts, (), resolve=resolve, connect_to=connect_to)
    for s in chosen:  # the registry's politeness, per site (the strictest wins on a shared host)
        for h in s.hosts:
            client.configure_host(h, delay=delay if delay is not None else s.delay, concurrency=1)
    # hosts the registry does not name (a redirect's target) get the most careful site's delay
    least = delay if delay is not None else max((s.delay for s in chosen), default=opts.delay)
    fetcher = Fetcher(client, dataclasses.replace(opts, delay=least))
    by_host: dict[str, list[tuple[Site, str]]] = defaultdict(list)
    for s in chosen:
        for c in s.columns:
            by_host[(urlsplit(c).hostname or "").lower()].append((s, c))
    out: dict[tuple[str, str], ColumnStatus] = {}

    async def host_worker(items: list[tuple[Site, str]]) -> None:
        for site, url in items:
            out[(site.key, url)] = await check_column(fetcher, site, url)

    try:
        async with client:
            await asyncio.gather(*(host_worker(items) for items in by_host.values()))
            requests = client.host_requests()
    finally:
        fetcher.close()
    ordered = [out[(s.key, c)] for s in chosen for c in s.columns]
    return CheckResult(
        ordered, time.perf_counter() - t0, {h: n for h, n in sorted(requests.items()) if n}
    )


async def check_column(fetcher: Fetcher, site: Site, url: str) -> ColumnStatus:
    """One column's status (one fetch; a shell's first list pages besides)."""
    domains = {registrable_domain(h) for h in site.hosts}

    def scope(host: str) -> bool:
        return host.lower() in site.hosts or registrable_domain(host.lower()) in domains

    status = ColumnStatus(site.key, site.agency, url, "failed")
    page = await fetcher.get(url, scope=scope)
    if not page.ok:
        return _failure(status, page)
    if page.to_home:
        status.status, status.detail = "dead", f"redirects to the home page {page.final_url}"
        return status
    cand = Candidate(url, label_named=False)
    reading = read_list(page.text or "", page.final_url, url)
    cand.add(reading)
    behind = pages_behind(reading, page.final_url, followable=bool(reading.adapters))
    referer = (("Referer", page.final_url),)
    for link in behind[:MAX_FOLLOW]:
        more = await fetcher.get(link.url, headers=link.headers or referer, scope=scope)
        if more.ok:
            cand.add(read_list(more.text or "", more.final_url, url))
    status.titles, status.newest = len(cand.titles), cand.newest
    if reading.soft_404:
        status.status, status.detail = "dead", "the page says it does not exist"
    elif reading.needs_js and not cand.titles:
        status.status, status.detail = "needs_js", "the list is built by JavaScript"
    elif page.moved:
        status.status, status.target = "moved", page.moved
    elif cand.titles:
        status.status = "ok"
    else:
        status.status, status.detail = "empty", "no annual-report title in its list"
    return status


def _failure(status: ColumnStatus, page: Page) -> ColumnStatus:
    kind = page.error_kind or "failed"
    if kind in ("http_404", "http_410"):
        status.status = "dead"
    elif kind == "blocked":
        status.status = "blocked"
    elif kind == "disallowed":
        status.status = "disallowed"
    elif kind == "offsite":
        status.status, status.target = "moved", page.final_url
        status.detail = "to another domain"
        return status
    status.detail = page.error or kind
    if status.status == "failed":
        status.detail = f"{kind}: {page.error}" if page.error else kind
    return status
