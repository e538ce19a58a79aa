"""What one request came to: :class:`FetchResult`, and the failure kinds that belong to an
origin rather than a host."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

ORIGIN_FAILURES = ("connect", "tls", "tls_cert")
"""Failures of an origin (scheme + host + port), not of a host: a refused port or a broken TLS
set-up says nothing about the host's other scheme."""


@dataclass
class FetchResult:
    """What came back for one request (after redirects and retries)."""

    url: str
    method: str
    final_url: str
    status: int | None = None
    reason: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False
    redirects: list[tuple[str, int]] = field(default_factory=list)
    """(url, status) of every redirect hop followed, in order."""
    error_kind: str | None = None
    """timeout, connect, reset, dns, protocol, tls (handshake failed), tls_cert (certificate
    not trusted: self-signed, expired, another host's name), http_4xx/5xx codes, too_large, redirect_loop,
    too_many_redirects, offsite, blocked, disallowed, robots_unreachable, host_paused,
    retry_after_too_long, not_http, bad_encoding (a body its Content-Encoding does not decode),
    private_address (a host the registry does not name resolves to a private address)."""
    error: str | None = None
    attempts: int = 0
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0
    sent: bool = False
    """Whether any request reached the network (False for robots/scope/paused refusals)."""

    def header(self, name: str) -> str | None:
        n = name.lower()
        for k, v in self.headers:
            if k.lower() == n:
                return v
        return None

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error_kind is None and self.status == 304
