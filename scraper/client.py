"""The polite HTTP client: one place that decides whether, when and how a request is sent.

Everything a government web server should be able to expect from us lives here:

- robots.txt per origin via Protego; ``Crawl-delay`` honoured; an unreachable robots.txt (5xx,
  timeout, reset) means "try this host again next run", never "allow all";
- per-host pacing: at least ``delay`` seconds between two request starts and at most
  ``concurrency`` requests in flight on a host, plus a global in-flight limit;
- an identifying User-Agent with a contact URL;
- retries with exponential backoff and jitter for network errors, 429 and 5xx, honouring
  ``Retry-After`` (capped); a host that keeps failing is paused for the rest of the run;
- limits: connect/read/total timeouts, a body size cap counted in *decoded* bytes (gzip/br
  bombs are cut at the cap, see :mod:`scraper.inflate`), http(s) only, hosts limited to the
  site's own (redirects may stay within the same registrable domain), redirect loops stopped;
- conditional GET (``If-None-Match`` / ``If-Modified-Since``);
- anti-bot challenges (412 with a ``$_ts`` script, 521 cookie stubs) are *flagged* ``blocked``
  and the host is left alone — never bypassed.

Tests and users behind odd DNS map host names to addresses with ``resolve`` entries in curl's
``HOST:PORT:ADDR`` form, and (host, port) pairs to another address *and port* with
``connect_to`` entries in curl's ``HOST1:PORT1:HOST2:PORT2`` form; with ``offline=True`` a host
missing from the map fails like NXDOMAIN instead of reaching the real DNS.

TLS: certificates are verified (against the system's CAs, or ``ca_bundle``). Many government
hosts have broken ones (self-signed, another site's name, expired) or only old TLS; a host the
registry marks ``tls_verify = false`` (or that matches ``insecure_hosts``) is reached without
checking its certificate and with old protocol versions allowed — a choice the operator makes
per host, recorded in the crawl state, never a default. A certificate that fails verification
is the failure kind ``tls_cert``; any other handshake failure is ``tls``; neither is retried.

Which addresses may be reached: a host the registry names (``configure_host``, or the host of a
URL given to :meth:`Client.fetch` without a ``scope``) is connected to wherever it resolves — that
is how ``--resolve`` points registry hosts at 127.0.0.1 in tests. Any other host (a redirect or a
link to a sibling host of the same domain) must resolve, through the resolve map or DNS, to a
public address; a private, loopback or link-local one is refused (``private_address``), and the
address that was checked is the one connected to, so DNS cannot change its answer in between.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from scraper.client_options import DEFAULT_CONTACT, ClientOptions, default_user_agent
from scraper.fetch_result import ORIGIN_FAILURES, FetchResult
from scraper.inflate import ACCEPT_ENCODING, ContentDecodingError, read_capped
from scraper.network import (
    host_matches,
    insecure_tls_context,
    is_ip_literal,
    is_public_address,
    make_transport,
    registrable_domain,
    tls_failure_kind,
)
from scraper.responses import RETRY_STATUS, classify_challenge, parse_retry_after
from scraper.robots import RobotsRules, RobotsStore
from scraper.urls import BadURL, checked_url, malformed, redirect_target, resolve_url

__all__ = [
    "DEFAULT_CONTACT",
    "ORIGIN_FAILURES",
    "Client",
    "ClientOptions",
    "FetchResult",
    "RobotsStore",
    "default_user_agent",
    "gather_limited",
]

log = logging.getLogger(__name__)


# --- hosts ---------------------------------------------------------------------------------


@dataclass
class _Host:
    name: str
    delay: float
    concurrency: int
    sem: asyncio.Semaphore
    verify: bool = True
    """Check this host's TLS certificate (False: the registry's ``tls_verify = false``)."""
    next_start: float = 0.0
    failures: int = 0
    paused: str | None = None
    requests: int = 0
    users: int = 0
    http: httpx.AsyncClient | None = None
    """One connection pool per host: a shared pool scans every connection on every request."""


MAX_ROBOTS_REDIRECTS = 5


class Client:
    """Polite fetching for one crawl run. Use as ``async with Client(...) as c``."""

    def __init__(
        self,
        options: ClientOptions | None = None,
        *,
        resolve: dict[tuple[str, int], str] | None = None,
        robots_store: RobotsStore | None = None,
        clock: Callable[[], datetime] | None = None,
        on_request: Callable[[str, str], None] | None = None,
        connect_to: dict[tuple[str, int], tuple[str, int]] | None = None,
    ) -> None:
        self.options = options or ClientOptions()
        self.resolve = resolve or {}
        self.connect_to = connect_to or {}
        self._insecure_ssl: ssl.SSLContext | None = None
        self.unverified_hosts: set[str] = set()
        """Hosts an HTTPS request went to without a certificate check in this run."""
        self.robots_store = robots_store or RobotsStore()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.on_request = on_request
        self._hosts: dict[str, _Host] = {}
        self.robots = RobotsRules(
            self.options, self.robots_store, self.clock, self._fetch_robots, self._raise_delay
        )
        self._global = asyncio.Semaphore(self.options.global_concurrency)
        self._open = False
        self._ssl: ssl.SSLContext | bool | None = None
        self.paused_hosts: dict[str, str] = {}
        self._named: set[str] = set()
        self._pinned: dict[tuple[str, int], str] = {}
        self._refused: dict[tuple[str, int], str] = {}

    async def __aenter__(self) -> Client:
        self._open = True
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self._open = False
        if exc_type is GeneratorExit:
            return  # closed, not cancelled: nothing can be awaited (see give_back_hosts)
        for hs in self._hosts.values():
            if hs.http is not None:
                http, hs.http = hs.http, None
                await http.aclose()

    def verifies(self, host: str) -> bool:
        """Whether TLS certificates of ``host`` are checked."""
        hs = self._host(host)
        return (
            self.options.verify
            and hs.verify
            and not host_matches(hs.name, self.options.insecure_hosts)
        )

    def _ssl_for(self, hs: _Host) -> ssl.SSLContext | bool:
        if not self.verifies(hs.name):
            if self._insecure_ssl is None:
                self._insecure_ssl = insecure_tls_context()
            return self._insecure_ssl
        if self._ssl is None:  # loading the CA bundle takes ~20 ms: once per run, not per host
            self._ssl = ssl.create_default_context(cafile=self.options.ca_bundle)
        return self._ssl

    def _http_for(self, hs: _Host) -> httpx.AsyncClient:
        if hs.http is None:
            o = self.options
            limits = httpx.Limits(
                max_connections=hs.concurrency + 1,
                max_keepalive_connections=hs.concurrency,
                keepalive_expiry=30,
            )
            hs.http = httpx.AsyncClient(
                transport=make_transport(
                    self.resolve,
                    offline=o.offline,
                    verify=self._ssl_for(hs),
                    limits=limits,
                    pinned=self._pinned,
                    connect_to=self.connect_to,
                ),
                timeout=httpx.Timeout(
                    connect=o.connect_timeout, read=o.read_timeout, write=o.read_timeout, pool=None
                ),
                follow_redirects=False,
                headers={
                    "User-Agent": o.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                    "Accept-Language": "zh-CN,zh;q=0.9",
                    "Accept-Encoding": ACCEPT_ENCODING,
                },
            )
        return hs.http

    async def release_host(self, host: str) -> None:
        """A site using ``host`` is done; the host's connections close when no site needs them."""
        await self.release_hosts((host,))

    async def release_hosts(self, hosts: Iterable[str]) -> None:
        """A site using ``hosts`` is done; each host's connections close when no site needs
        them. Every host is given back before anything is awaited, so a crawl cancelled while
        the connections close still frees all its hosts."""
        names = [h.lower() for h in hosts]
        self.give_back_hosts(names)
        for name in names:
            hs = self._hosts.get(name)
            if hs is not None and hs.users <= 0 and hs.http is not None:
                http, hs.http = hs.http, None  # a later request opens a new pool
                await http.aclose()

    def give_back_hosts(self, hosts: Iterable[str]) -> None:
        """A site using ``hosts`` is done, said without awaiting anything; their connections
        stay open until the client is left.

        This is the release for a crawl that is closed rather than cancelled: a coroutine
        collected or closed after its event loop stopped (a caller abandoning it) runs its
        clean-up on ``GeneratorExit``, where an await raises — and what it raises is only
        reported as unraisable."""
        for host in hosts:
            hs = self._hosts.get(host.lower())
            if hs is not None:
                hs.users -= 1

    # -- hosts ------------------------------------------------------------------------------

    def configure_host(
        self,
        host: str,
        *,
        delay: float,
        concurrency: int,
        named: bool = True,
        verify: bool = True,
    ) -> None:
        """Set a host's pacing; several sites on one host share it (the strictest wins).

        A configured host is one the registry names (``named``): it is reached at whatever
        address it resolves to, private ones included (see the module docstring).
        ``verify=False`` (the registry's ``tls_verify = false``) stops checking the host's TLS
        certificate; one site saying so is enough, since the certificate is the host's.
        """
        h = host.lower()
        if named:
            self._named.add(h)
        cur = self._hosts.get(h)
        if cur is None:
            self._hosts[h] = _Host(
                h, delay, concurrency, asyncio.Semaphore(concurrency), verify=verify, users=1
            )
        else:
            cur.verify = cur.verify and verify
            cur.users += 1
            cur.delay = max(cur.delay, delay)
            if concurrency < cur.concurrency:
                cur.concurrency = concurrency
                cur.sem = asyncio.Semaphore(concurrency)

    def _host(self, host: str) -> _Host:
        h = host.lower()
        if h not in self._hosts:
            self.configure_host(h, delay=1.0, concurrency=1, named=False)
        return self._hosts[h]

    def pause_host(self, host: str, reason: str) -> None:
        hs = self._host(host)
        if hs.paused is None:
            hs.paused = reason
            self.paused_hosts[hs.name] = reason
            log.warning("pausing host %s for this run: %s", host, reason)

    def host_paused(self, host: str) -> str | None:
        return self._host(host).paused

    def host_users(self, host: str) -> int:
        """How many sites use ``host`` and have not released it yet."""
        hs = self._hosts.get(host.lower())
        return 0 if hs is None else hs.users

    def host_connected(self, host: str) -> bool:
        """Whether ``host`` has a connection pool open."""
        hs = self._hosts.get(host.lower())
        return hs is not None and hs.http is not None

    def host_requests(self) -> dict[str, int]:
        return {h.name: h.requests for h in self._hosts.values()}

    def host_delay(self, host: str) -> float:
        return self._host(host).delay

    def _raise_delay(self, host: str, seconds: float) -> None:
        """A robots.txt ``Crawl-delay``: the host is paced at least that slowly."""
        hs = self._host(host)
        hs.delay = max(hs.delay, seconds)

    # -- robots -----------------------------------------------------------------------------

    async def _fetch_robots(self, origin: str, host: str) -> FetchResult | None:
        """GET ``/robots.txt``, following up to five redirects within the host's registrable
        domain (RFC 9309 §2.3.1.2) — an HTTP site that sends everything to HTTPS sends its
        robots.txt there too. None: the file is to be treated as missing (a redirect off the
        domain, to a refused address, or one redirect too many)."""
        url = origin + "/robots.txt"
        res = await self._exchange_with_retries(url, "GET", None, {}, robots=True)
        for _ in range(MAX_ROBOTS_REDIRECTS):
            location = res.header("location")
            if res.error_kind is not None or res.status not in (301, 302, 303, 307, 308):
                return res
            if not location:
                return res
            try:
                url = checked_url(resolve_url(url, location))
            except BadURL:
                return None  # a malformed Location: as good as no robots.txt
            p = urlsplit(url)
            target = (p.hostname or "").lower()
            if registrable_domain(target) != registrable_domain(host):
                return None
            if await self._vet_address(target, p.port or (443 if p.scheme == "https" else 80)):
                return None
            res = await self._exchange_with_retries(url, "GET", None, {}, robots=True)
        return None if res.status in (301, 302, 303, 307, 308) else res

    async def allowed(self, url: str) -> tuple[bool, str | None]:
        """(allowed, reason-if-not). Fetches robots.txt for the origin on first use."""
        ok, why, _kind = await self.robots.check(url)
        return ok, why

    # -- fetching ---------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        scope: Callable[[str], bool] | None = None,
    ) -> FetchResult:
        """Fetch ``url`` politely; never raises for network or HTTP trouble (see ``error_kind``).

        ``scope(host)`` says which hosts redirects may go to (default: the same registrable
        domain as ``url``). Without a ``scope`` the caller chose ``url`` itself, so its host
        counts as named; with one (the crawler's), only configured hosts are named.
        """
        start = time.monotonic()
        hdrs = dict(headers or {})
        if etag:
            hdrs["If-None-Match"] = etag
        if last_modified:
            hdrs["If-Modified-Since"] = last_modified
        bad = malformed(url)
        if bad is not None:
            return FetchResult(url, method, url, error_kind="bad_url", error=bad)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchResult(
                url, method, url, error_kind="not_http", error="only http(s) URLs are fetched"
            )
        base_domain = registrable_domain(parts.hostname)
        in_scope = scope or (lambda h: registrable_domain(h) == base_domain)
        if scope is None:
            self._named.add(parts.hostname.lower())
        seen: set[str] = set()
        redirects: list[tuple[str, int]] = []
        cur_url, cur_method, cur_data = url, method, data
        result: FetchResult | None = None
        for _hop in range(self.options.max_redirects + 1):
            bad = malformed(cur_url)
            if bad is not None:
                result = FetchResult(
                    url, method, cur_url, error_kind="bad_url", error=f"redirect to {bad}"
                )
                break
            p = urlsplit(cur_url)
            host = (p.hostname or "").lower()
            if p.scheme not in ("http", "https") or not host:
                result = FetchResult(
                    url,
                    method,
                    cur_url,
                    error_kind="not_http",
                    error=f"redirect to non-http URL {cur_url}",
                )
                break
            if not in_scope(host):
                result = FetchResult(
                    url,
                    method,
                    cur_url,
                    error_kind="offsite",
                    error=f"redirect to a host outside the site: {cur_url}",
                )
                break
            refusal = await self._vet_address(host, p.port or (443 if p.scheme == "https" else 80))
            if refusal:
                result = FetchResult(
                    url, method, cur_url, error_kind="private_address", error=refusal
                )
                break
            paused = self._host(host).paused
            if paused:
                kind = "blocked" if paused.startswith("anti-bot") else "host_paused"
                result = FetchResult(url, method, cur_url, error_kind=kind, error=paused)
                break
            ok, why, origin_kind = await self.robots.check(cur_url)
            if not ok:
                if origin_kind:  # the origin cannot be reached at all: its own kind, no pause
                    kind = origin_kind
                elif why == "disallowed":
                    kind = "disallowed"
                elif why and why.startswith("anti-bot"):
                    kind = "blocked"
                else:
                    kind = "robots_unreachable"
                if kind == "robots_unreachable":
                    self.pause_host(host, why or kind)
                result = FetchResult(url, method, cur_url, error_kind=kind, error=why)
                break
            key = f"{cur_method} {cur_url}"
            if key in seen:
                result = FetchResult(
                    url,
                    method,
                    cur_url,
                    error_kind="redirect_loop",
                    error=f"redirect loop back to {cur_url}",
                )
                break
            seen.add(key)
            result = await self._exchange_with_retries(cur_url, cur_method, cur_data, hdrs)
            result.url = url
            if (
                result.error_kind is None
                and result.status in (301, 302, 303, 307, 308)
                and result.header("location")
            ):
                loc = redirect_target(cur_url, result.header("location") or "")
                redirects.append((cur_url, result.status))
                if result.status in (301, 302, 303) and cur_method == "POST":
                    cur_method, cur_data = "GET", None
                cur_url = loc.split("#", 1)[0]
                continue
            break
        else:
            result = FetchResult(
                url,
                method,
                cur_url,
                error_kind="too_many_redirects",
                error=f"more than {self.options.max_redirects} redirects",
            )
        assert result is not None
        result.url = url
        result.method = method
        if result.final_url == url and redirects:
            result.final_url = cur_url
        result.redirects = redirects
        result.seconds = time.monotonic() - start
        return result

    async def _vet_address(self, host: str, port: int) -> str | None:
        """Why ``host`` may not be connected to, or None. Named hosts are not checked; any
        other host must resolve to a public address, which is then pinned for the run."""
        if host in self._named:
            return None
        key = (host, port)
        if key in self._pinned:
            return None
        if key in self._refused:
            return self._refused[key]
        th, tport = self.connect_to.get(key) or self.connect_to.get(("*", port)) or key
        addr = self.resolve.get((th, tport)) or self.resolve.get(("*", tport))
        if addr is None and is_ip_literal(th):
            addr = th.strip("[]")
        if addr is None and th != host:
            host, port = th, tport  # the connect-to target is what gets resolved
        if addr is None:
            if self.options.offline:
                return None  # not in the resolve map: the connection fails like NXDOMAIN
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
            except OSError:
                return None  # a DNS failure is reported by the connection attempt
            if not infos:
                return None
            addr = str(infos[0][4][0])
        if not is_public_address(addr):
            reason = (
                f"{host} resolves to {addr}, a private or local address; only hosts the "
                "registry names are reached there"
            )
            self._refused[key] = reason
            log.warning("refusing %s:%d: %s", host, port, reason)
            return reason
        self._pinned[key] = addr
        return None

    async def _exchange_with_retries(
        self,
        url: str,
        method: str,
        data: bytes | None,
        headers: dict[str, str],
        *,
        robots: bool = False,
    ) -> FetchResult:
        o = self.options
        host = (urlsplit(url).hostname or "").lower()
        hs = self._host(host)
        attempt = 0
        while True:
            attempt += 1
            res = await self._exchange(hs, url, method, data, headers)
            res.attempts = attempt
            retryable = res.error_kind in ("timeout", "connect", "reset", "protocol") or (
                res.error_kind is None and res.status in RETRY_STATUS
            )
            if not retryable:
                if (
                    res.error_kind is None
                    and res.status is not None
                    and res.status < 500
                    and res.status != 429
                ):
                    hs.failures = 0
                return res
            wait = None
            if res.error_kind is None and res.status in (429, 503):
                wait = parse_retry_after(res.header("retry-after"))
                if wait is not None and wait > o.max_retry_after:
                    res.error_kind = "retry_after_too_long"
                    res.error = f"HTTP {res.status} with Retry-After {wait:.0f}s"
                    self._note_failure(hs, res)
                    return res
            if attempt > o.retries:
                if res.error_kind is None:
                    res.error_kind = f"http_{res.status}"
                    res.error = f"HTTP {res.status} after {attempt} attempts"
                self._note_failure(hs, res)
                return res
            if wait is None:
                wait = min(o.backoff_max, o.backoff_base * 2 ** (attempt - 1))
                wait = wait * (0.5 + random.random())  # jitter
            # A throttled host is throttled for every request, not just this one.
            hs.next_start = max(hs.next_start, time.monotonic() + wait)
            log.info("retrying %s in %.2fs (%s)", url, wait, res.error_kind or res.status)

    def _note_failure(self, hs: _Host, res: FetchResult) -> None:
        hs.failures += 1
        if hs.failures >= self.options.host_failure_limit:
            self.pause_host(hs.name, f"{hs.failures} failures in a row (last: {res.error_kind})")

    async def _exchange(
        self, hs: _Host, url: str, method: str, data: bytes | None, headers: dict[str, str]
    ) -> FetchResult:
        """One request/response on the wire, paced by the host gate."""
        assert self._open, "use Client as an async context manager"
        http = self._http_for(hs)
        o = self.options
        res = FetchResult(url, method, url, fetched_at=self.clock(), request_body=data)
        async with hs.sem, self._global:
            now = time.monotonic()
            if hs.next_start > now:
                await asyncio.sleep(hs.next_start - now)
            hs.next_start = time.monotonic() + hs.delay
            wire = _WireClock()
            hs.requests += 1
            res.fetched_at = self.clock()
            res.sent = True
            if url.startswith("https:") and not self.verifies(hs.name):
                self.unverified_hosts.add(hs.name)
            if self.on_request is not None:
                self.on_request(hs.name, url)
            try:
                req = http.build_request(
                    method, url, content=data, headers=headers, extensions={"trace": wire.trace}
                )
            except (httpx.InvalidURL, ValueError) as e:  # UnicodeError is a ValueError
                res.error_kind, res.error = "bad_url", f"{type(e).__name__}: {e}"
                return res
            res.request_headers = [(k, v) for k, v in req.headers.items()]
            try:
                async with asyncio.timeout(o.total_timeout):
                    resp = await http.send(req, stream=True)
                    try:
                        res.status = resp.status_code
                        res.reason = resp.reason_phrase
                        res.headers = [(k, v) for k, v in resp.headers.multi_items()]
                        length = resp.headers.get("content-length")
                        if length and length.isdigit() and int(length) > o.max_body:
                            res.truncated = True
                        else:
                            res.body, res.truncated = await read_capped(resp, o.max_body)
                    finally:
                        await resp.aclose()
                if res.truncated:
                    res.error_kind = "too_large"
                    res.error = f"body larger than {o.max_body} bytes"
                    return res
                challenge = classify_challenge(res.status, res.headers, res.body)
                if challenge:
                    res.error_kind = "blocked"
                    res.error = f"anti-bot challenge ({challenge}, HTTP {res.status}); not bypassed"
                    self.pause_host(hs.name, res.error)
            except TimeoutError:
                res.error_kind, res.error = (
                    "timeout",
                    f"no complete answer within {o.total_timeout}s",
                )
            except httpx.TimeoutException as e:
                res.error_kind, res.error = "timeout", f"{type(e).__name__}: {e}"
            except httpx.ConnectError as e:
                msg = str(e)
                kind = tls_failure_kind(e) or (
                    "dns"
                    if ("resolve" in msg or "Name or service" in msg or "nodename" in msg)
                    else "connect"
                )
                res.error_kind, res.error = kind, f"ConnectError: {msg}"
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as e:
                msg = str(e) or type(e).__name__
                kind = (
                    "bad_url"  # httpx reads a redirect's Location before we see the answer
                    if "Invalid URL in location header" in msg
                    else "reset"
                    if (
                        "reset" in msg.lower()
                        or "disconnect" in msg.lower()
                        or isinstance(e, httpx.ReadError)
                    )
                    else "protocol"
                )
                res.error_kind, res.error = kind, f"{type(e).__name__}: {msg}"
            except httpx.HTTPError as e:
                res.error_kind, res.error = "protocol", f"{type(e).__name__}: {e}"
            except ContentDecodingError as e:
                res.error_kind, res.error = "bad_encoding", str(e)
            finally:
                if wire.sent is not None:
                    hs.next_start = max(hs.next_start, wire.sent + hs.delay)
        return res


class _WireClock:
    """When a request's headers actually left for the host (httpcore's ``trace`` extension).

    The host gate paces request *starts*, but between the start and the socket write the event
    loop may be busy elsewhere (parsing a big list page); the request then leaves late and the
    next one, paced from the start, would reach the host right behind it. Pacing the next start
    from the write as well keeps ``delay`` between two requests as the host sees them."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent: float | None = None

    async def trace(self, event: str, info: dict) -> None:
        if event.endswith("send_request_headers.complete"):
            self.sent = time.monotonic()


async def gather_limited(coros: Iterable[Awaitable[object]], limit: int) -> list[object]:
    """Run awaitables with at most ``limit`` at a time (keeps task counts bounded)."""
    sem = asyncio.Semaphore(limit)

    async def run(c: Awaitable[object]) -> object:
        async with sem:
            return await c

    return await asyncio.gather(*(run(c) for c in coros))
