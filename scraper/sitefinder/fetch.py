"""Fetching for discovery and for the column check: the crawler's polite client
(:class:`scraper.client.Client`: robots.txt, per-host delay, retries, size caps, anti-bot
detection), plus a page budget per host, conditional GETs against a cache of earlier runs,
decoding, and the crawler's host rules — links and redirects stay within the start page's
registrable domain, and a host nobody named is reached only at a public address.

Hosts count as named when they are a start page's host or a ``--resolve`` entry maps them
(``*:PORT:ADDR`` included): the operator wrote them down. That is how the fake web's
sub-platform hosts are reached at 127.0.0.1."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scraper.canonical import canonical_url
from scraper.client import Client, ClientOptions
from scraper.crawl_options import active_sites_limit
from scraper.crawl_record import HOME_PATHS
from scraper.decoding import decode_body
from scraper.network import parse_connect_to, parse_resolve
from scraper.sitefinder.cache import PageCache

DEFAULT_DELAY = 2.0
DEFAULT_BUDGET = 300


def default_cache_path() -> Path:
    """Where ``ogi sites discover`` keeps its page cache: ``$XDG_CACHE_HOME/ogi`` (by default
    ``~/.cache/ogi``) — like any other tool's download cache, outside the registry's folder."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "ogi" / "discover.sqlite"


@dataclass
class FinderOptions:
    """How discovery (and the column check) fetch."""

    client: ClientOptions = field(default_factory=ClientOptions)
    delay: float = DEFAULT_DELAY
    """Seconds between two requests to one host (robots.txt Crawl-delay may raise it)."""
    budget: int = DEFAULT_BUDGET
    """Pages requested per host at most (robots.txt and retries aside)."""
    max_depth: int = 6
    """Navigation links followed from a platform's root page at most."""
    hosts_at_once: int = field(default_factory=active_sites_limit)
    """Hosts walked at the same time (each holds a connection while it is); by default a
    quarter of the open-file limit, as for the crawler's sites."""
    insecure_hosts: tuple[str, ...] = ()
    """Hosts whose TLS certificates are not checked (exact names or ``*.domain``)."""
    cache: str | Path | None = None
    """A page cache for conditional GETs across runs (None: none)."""
    on_request: Callable[[str, str], None] | None = None
    """Called with (host, url) as each request leaves (robots.txt included): a progress
    display, or a test timing the requests."""


@dataclass
class Page:
    """One fetch's outcome, decoded."""

    url: str
    final_url: str
    status: int | None = None
    text: str | None = None
    content_type: str | None = None
    error_kind: str | None = None
    error: str | None = None
    redirects: list[tuple[str, int]] = field(default_factory=list)
    cached: bool = False
    """The body came from the cache (the server answered 304)."""

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.text is not None

    @property
    def to_home(self) -> bool:
        """Redirected to the site's home page (how dead columns often answer)."""
        return bool(self.redirects) and (
            urlsplit(self.final_url).path in HOME_PATHS
            and urlsplit(self.url).path not in HOME_PATHS
        )

    @property
    def moved(self) -> str | None:
        """Where a permanent redirect sent the URL, if anywhere else."""
        if self.redirects and canonical_url(self.final_url) != canonical_url(self.url):
            return self.final_url
        return None


class Fetcher:
    """Pages through one :class:`Client`, counted against the per-host budget."""

    def __init__(self, client: Client, options: FinderOptions) -> None:
        self.client = client
        self.options = options
        self.pages: Counter[str] = Counter()
        self.cache = PageCache(options.cache) if options.cache else None
        self._configured: set[str] = set()

    def host_ready(self, host: str, port: int) -> None:
        """Pace ``host`` with the discovery's delay (once; the strictest setting wins). A host
        the operator's ``--resolve`` maps (``*`` included) is named: it is reached there."""
        if host not in self._configured:
            self._configured.add(host)
            mapped = (host, port) in self.client.resolve or ("*", port) in self.client.resolve
            self.client.configure_host(host, delay=self.options.delay, concurrency=1, named=mapped)

    def spent(self, host: str) -> bool:
        return self.pages[host] >= self.options.budget

    async def get(
        self,
        url: str,
        *,
        headers: Iterable[tuple[str, str]] = (),
        scope: Callable[[str], bool] | None = None,
    ) -> Page:
        """GET ``url`` politely (conditionally when cached); never raises for web trouble."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        self.host_ready(host, parts.port or (443 if parts.scheme == "https" else 80))
        self.pages[host] += 1
        key = canonical_url(url)
        cached = self.cache.get(key) if self.cache is not None else None
        res = await self.client.fetch(
            url,
            headers=dict(headers),
            etag=cached.etag if cached else None,
            last_modified=cached.last_modified if cached else None,
            scope=scope,
        )
        if not res.sent:  # refused before any request (robots.txt, a paused host): no page
            self.pages[host] -= 1
        page = Page(url, res.final_url, res.status, redirects=list(res.redirects))
        page.error_kind, page.error = res.error_kind, res.error
        if res.not_modified and cached is not None:
            body, ctype, page.final_url, page.cached = (
                cached.body,
                cached.content_type,
                cached.final_url,
                True,
            )
        elif res.ok:
            body, ctype = res.body, res.header("content-type")
            if self.cache is not None:
                self.cache.put(
                    key,
                    final_url=res.final_url,
                    etag=res.header("etag"),
                    last_modified=res.header("last-modified"),
                    content_type=ctype,
                    body=body,
                    fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
        else:
            if page.error_kind is None and res.status is not None:
                page.error_kind, page.error = f"http_{res.status}", f"HTTP {res.status}"
            return page
        page.content_type = ctype
        page.text = decode_body(body, ctype).text
        return page

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def open_client(
    options: FinderOptions,
    hosts: Iterable[str],
    *,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | list[str] | None = None,
) -> Client:
    """A client for discovery or the check: ``hosts`` (and every host with a ``--resolve``
    entry) are named and paced with ``options.delay``."""
    mapping = parse_resolve(resolve) if isinstance(resolve, list | tuple) else (resolve or {})
    ports = (
        parse_connect_to(connect_to) if isinstance(connect_to, list | tuple) else (connect_to or {})
    )
    copts = options.client
    copts.insecure_hosts = tuple(dict.fromkeys((*copts.insecure_hosts, *options.insecure_hosts)))
    client = Client(copts, resolve=mapping, connect_to=ports, on_request=options.on_request)
    for h in sorted({h.lower() for h in hosts}):
        client.configure_host(h, delay=options.delay, concurrency=1)
    return client
