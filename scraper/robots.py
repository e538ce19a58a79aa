"""robots.txt, RFC 9309: where bodies are kept between runs, what an origin's file says, and
the rules every request is checked against (an unreachable robots.txt means "not this run",
never "allow all")."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from protego import Protego

from scraper.client_options import ClientOptions
from scraper.fetch_result import ORIGIN_FAILURES, FetchResult


class RobotsStore:
    """Where robots.txt bodies are kept between runs (the crawler backs it with the state DB)."""

    def load(self, origin: str) -> tuple[int, bytes, float] | None:
        """(HTTP status, body, fetched-at epoch seconds) of the stored robots.txt, if any."""
        return None

    def save(self, origin: str, result: FetchResult) -> None:
        return None


@dataclass
class Robots:
    parser: Protego | None  # None = allow all
    unreachable: str | None = None
    kind: str | None = None
    """The failure kind when the origin itself cannot be reached (``connect``, ``tls``,
    ``tls_cert``): every URL of the origin fails with it, without pausing the host, so the
    other scheme of the same host can still be tried."""


class RobotsRules:
    """robots.txt per origin: read once per run (from the store while fresh, else fetched),
    shared by every request to the origin; ``Crawl-delay`` raises the host's delay.

    ``fetch(origin, host)`` fetches an origin's robots.txt (None: treat it as missing);
    ``raise_delay(host, seconds)`` makes a host's pacing at least that slow."""

    def __init__(
        self,
        options: ClientOptions,
        store: RobotsStore,
        clock: Callable[[], datetime],
        fetch: Callable[[str, str], Awaitable[FetchResult | None]],
        raise_delay: Callable[[str, float], None],
    ) -> None:
        self.options = options
        self.store = store
        self.clock = clock
        self.fetch = fetch
        self.raise_delay = raise_delay
        self._rules: dict[str, Robots] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> tuple[bool, str | None, str | None]:
        """(allowed, reason if not, the origin's failure kind when it cannot be reached)."""
        parts = urlsplit(url)
        rb = await self._for(parts.scheme, parts.hostname or "", parts.port)
        if rb.unreachable:
            return False, rb.unreachable, rb.kind
        if rb.parser is not None and not rb.parser.can_fetch(url, self.options.user_agent):
            return False, "disallowed", None
        return True, None, None

    async def _for(self, scheme: str, host: str, port: int | None) -> Robots:
        origin = f"{scheme}://{host}" + (f":{port}" if port else "")
        if origin in self._rules:
            return self._rules[origin]
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin in self._rules:
                return self._rules[origin]
            rb = await self._load(origin, host)
            self._rules[origin] = rb
            return rb

    async def _load(self, origin: str, host: str) -> Robots:
        stored = self.store.load(origin)
        now = self.clock().timestamp()
        if stored is not None and now - stored[2] < self.options.robots_ttl:
            status, body, _ = stored
        else:
            res = await self.fetch(origin, host)
            if res is None:  # redirected off-site, to a refused address or too often: missing
                return Robots(None)
            if res.sent:
                self.store.save(origin, res)
            if res.error_kind is not None or res.status is None:
                if res.error_kind == "blocked":
                    return Robots(None, unreachable=res.error)
                reason = f"robots.txt: {res.error_kind}: {res.error}"
                if res.error_kind in ORIGIN_FAILURES:
                    return Robots(None, unreachable=reason, kind=res.error_kind)
                return Robots(None, unreachable=reason)
            status, body = res.status, res.body
        if 200 <= status < 300:
            parser = Protego.parse(robots_text(body))
            delay = parser.crawl_delay(self.options.user_agent)
            if delay:
                self.raise_delay(host, min(float(delay), self.options.max_crawl_delay))
            return Robots(parser)
        if 400 <= status < 500:  # RFC 9309: unavailable → no restrictions
            return Robots(None)
        return Robots(None, unreachable=f"robots.txt: HTTP {status}")


MAX_ROBOTS_BYTES = 500 * 1024
"""RFC 9309 §2.5: parse at least 500 KiB. Beyond that a robots.txt is ignored — a 50 MB file of
wildcard rules would otherwise cost seconds to parse and tens of milliseconds per URL checked."""


def robots_text(body: bytes) -> str:
    if len(body) > MAX_ROBOTS_BYTES:
        body = body[:MAX_ROBOTS_BYTES]
        body = body[: body.rfind(b"\n") + 1]  # no half rule at the cut
    return body.decode("utf-8", errors="replace")
