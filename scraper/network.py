"""Where connections go: the resolve and connect-to maps (curl's ``--resolve`` and
``--connect-to``), TLS contexts, the transport that honours them, and which addresses and
domains count as public or as the same site."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import ssl
import warnings
from collections.abc import Iterable

import httpcore
import httpx

from ogi_errors import ResolveError as ResolveError

log = logging.getLogger(__name__)


def parse_resolve(entries: Iterable[str] | None) -> dict[tuple[str, int], str]:
    """Parse curl-style ``HOST:PORT:ADDR`` entries into {(host, port): addr}.

    ``HOST`` may be ``*`` (any host on that port); ``ADDR`` may be an IPv6 literal in brackets
    and may list several addresses separated by commas (the first is used).
    """
    out: dict[tuple[str, int], str] = {}
    for entry in entries or ():
        m = re.fullmatch(
            r"\+?([^:\s]+):(\d{1,5}):(\[[0-9A-Fa-f:.]+\]|[^,\s]+)(?:,.*)?", entry.strip()
        )
        if not m:
            raise ResolveError(f"--resolve entry {entry!r} is not HOST:PORT:ADDR")
        host, port, addr = m.group(1).lower(), int(m.group(2)), m.group(3).strip("[]")
        if not 0 < port < 65536:
            raise ResolveError(f"--resolve entry {entry!r}: port out of range")
        out[(host, port)] = addr
    return out


def parse_connect_to(entries: Iterable[str] | None) -> dict[tuple[str, int], tuple[str, int]]:
    """Parse curl-style ``HOST1:PORT1:HOST2:PORT2`` entries into {(host1, port1): (host2, port2)}:
    requests for HOST1:PORT1 connect to HOST2:PORT2 instead (an empty HOST2 keeps HOST1). The URL,
    Host header and TLS name stay HOST1's. ``HOST1`` may be ``*`` (any host on PORT1)."""
    out: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in entries or ():
        m = re.fullmatch(
            r"([^:\s]+):(\d{1,5}):(\[[0-9A-Fa-f:.]+\]|[^:\s]*):(\d{1,5})", entry.strip()
        )
        if not m:
            raise ResolveError(f"--connect-to entry {entry!r} is not HOST1:PORT1:HOST2:PORT2")
        host, port = m.group(1).lower(), int(m.group(2))
        target, tport = m.group(3).strip("[]") or host, int(m.group(4))
        if not (0 < port < 65536 and 0 < tport < 65536):
            raise ResolveError(f"--connect-to entry {entry!r}: port out of range")
        out[(host, port)] = (target, tport)
    return out


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def insecure_tls_context() -> ssl.SSLContext:
    """For hosts whose TLS is known broken: no certificate or name check, legacy renegotiation
    and old protocol versions and ciphers allowed (what old government servers still speak)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)
    with contextlib.suppress(ValueError, ssl.SSLError), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deprecated: hence "insecure"
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    with contextlib.suppress(ssl.SSLError):
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


def host_matches(host: str, patterns: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``patterns`` (exact names, or ``*.domain`` for the domain and
    every host under it)."""
    h = host.lower().rstrip(".")
    for p in patterns:
        p = p.lower().rstrip(".")
        if p.startswith("*."):
            if h == p[2:] or h.endswith(p[1:]):
                return True
        elif h == p:
            return True
    return False


def tls_failure_kind(exc: BaseException) -> str | None:
    """``tls_cert`` for a certificate that failed verification, ``tls`` for another TLS
    failure, None when ``exc`` is not about TLS (walks the exception's causes)."""
    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 8:
        if isinstance(e, ssl.SSLCertVerificationError):
            return "tls_cert"
        if isinstance(e, ssl.SSLError):
            return "tls"
        e = e.__cause__ or e.__context__
        seen += 1
    msg = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in msg or "certificate verify failed" in msg:
        return "tls_cert"
    if "[SSL" in msg or "SSL:" in msg or "TLSV1_ALERT" in msg:
        return "tls"
    return None


class _ResolvingBackend(httpcore.AsyncNetworkBackend):
    """Connects to the mapped address for (host, port); the URL, Host header and TLS SNI keep
    the original name, exactly like curl's ``--resolve``."""

    def __init__(
        self,
        inner: httpcore.AsyncNetworkBackend,
        mapping: dict[tuple[str, int], str],
        offline: bool,
        pinned: dict[tuple[str, int], str] | None = None,
        connect_to: dict[tuple[str, int], tuple[str, int]] | None = None,
    ) -> None:
        self.inner = inner
        self.mapping = mapping
        self.offline = offline
        self.pinned = pinned if pinned is not None else {}
        self.connect_to = connect_to or {}

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        h = host.lower()
        th, tport = self.connect_to.get((h, port)) or self.connect_to.get(("*", port)) or (h, port)
        addr = (
            self.pinned.get((h, port))
            or self.mapping.get((th, tport))
            or self.mapping.get(("*", tport))
        )
        if addr is None:
            if self.offline and not is_ip_literal(th):
                raise httpcore.ConnectError(
                    f"cannot resolve {th} (offline: not in the resolve map)"
                )
            addr = th
        return await self.inner.connect_tcp(
            addr, tport, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self, path, timeout=None, socket_options=None
    ):  # pragma: no cover
        return await self.inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )

    async def sleep(self, seconds: float) -> None:  # pragma: no cover
        await self.inner.sleep(seconds)


def make_transport(
    resolve: dict[tuple[str, int], str] | None,
    *,
    offline: bool = False,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits | None = None,
    pinned: dict[tuple[str, int], str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | None = None,
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections go through the resolve map and the connect-to map
    (and ``pinned``: the addresses the client vetted for hosts the registry does not name)."""
    transport = httpx.AsyncHTTPTransport(
        verify=verify,
        limits=limits or httpx.Limits(max_connections=200, max_keepalive_connections=100),
        retries=0,
    )
    if resolve or offline or pinned is not None or connect_to:
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(
            pool, "_network_backend"
        ):  # pragma: no cover - httpx internals moved
            raise RuntimeError("this httpx version does not allow a resolver override")
        pool._network_backend = _ResolvingBackend(
            pool._network_backend, resolve or {}, offline, pinned, connect_to
        )
    return transport


def is_public_address(addr: str) -> bool:
    """Whether an IP address is on the public internet: not private (10/8, 172.16/12,
    192.168/16, fc00::/7), loopback, link-local, carrier-grade NAT (100.64/10), multicast,
    reserved or unspecified — in any spelling, IPv4-mapped IPv6 included."""
    try:
        ip = ipaddress.ip_address(addr.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return ip.is_global and not ip.is_multicast


# --- domains -------------------------------------------------------------------------------

_CN_SECOND_LEVEL = {"gov", "com", "net", "org", "edu", "ac", "mil"} | {
    "bj", "sh", "tj", "cq", "he", "sx", "nm", "ln", "jl", "hl", "js", "zj", "ah", "fj", "jx", "sd", "ha", "hb",
    "hn", "gd", "gx", "hi", "sc", "gz", "yn", "xz", "sn", "gs", "qh", "nx", "xj", "tw", "hk", "mo",
}  # fmt: skip


def registrable_domain(host: str) -> str:
    """The domain a host belongs to, knowing China's second-level suffixes (``gov.cn``, …):
    ``www.mhk.gov.cn`` → ``mhk.gov.cn``; ``zyk.bjhd.gov.cn`` → ``bjhd.gov.cn``."""
    h = host.lower().rstrip(".")
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", h):
        return h
    parts = h.split(".")
    if len(parts) >= 3 and parts[-1] == "cn" and parts[-2] in _CN_SECOND_LEVEL:
        return ".".join(parts[-3:])
    if (
        len(parts) >= 3
        and len(parts[-1]) == 2
        and parts[-2] in {"com", "net", "org", "gov", "edu", "ac", "co"}
    ):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])
