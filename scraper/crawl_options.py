"""How a crawl run behaves beyond the per-site registry settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from scraper.client import ClientOptions


def active_sites_limit(configured: int | None = None) -> int:
    """How many sites are crawled at once: ``configured``, or a quarter of the soft limit on
    open files (sockets, the state database and the WARC files share it), clamped to
    64..1,024."""
    if configured is not None:
        return max(1, configured)
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):  # no resource module (Windows)
        return 256
    if soft == resource.RLIM_INFINITY:
        return 1024
    return max(64, min(1024, soft // 4))


@dataclass
class CrawlOptions:
    """How a run behaves beyond the per-site registry settings."""

    client: ClientOptions = field(default_factory=ClientOptions)
    revisit_after: timedelta | None = timedelta(days=30)
    """Re-check a fetched document after this long even if its list entry did not change
    (None: never)."""
    full: bool = False
    """Walk every list page even when page 1 is unchanged."""
    max_attempts: int = 10
    """Consecutive failed attempts after which a URL waits for ``revisit_after``."""
    delay: float | None = None
    """Override every site's delay (seconds)."""
    concurrency: int | None = None
    """Override every site's per-host concurrency."""
    max_active_sites: int | None = None
    """Sites crawled at the same time. Each holds a connection to its host(s) while active, so
    this bounds open sockets. None: a quarter of the process's file-descriptor limit, between
    64 and 1,024 (256 under the common limit of 1,024) — polite hosts each take about one
    request a second, so the more of them are active, the more of the machine is used."""
    insecure_hosts: tuple[str, ...] = ()
    """Hosts reached over HTTPS without a certificate check, for this run (exact names or
    ``*.domain``), on top of the registry's ``tls_verify = false`` and ``[crawl]
    insecure_hosts``. Recorded per run as the host event ``tls_unverified``."""
    scheme_fallback: bool = True
    """When a column's first page cannot be reached on its scheme (refused, TLS failure), try
    the other scheme on the same host once (default ports only), and record that."""
