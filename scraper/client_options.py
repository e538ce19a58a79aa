"""What the polite client is told: its options, and who it says it is (the User-Agent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scraper import __version__

DEFAULT_CONTACT = "https://pypi.org/project/ogi-reports/"


def default_user_agent(contact: str | None = None) -> str:
    """``ogi-reports/<version> (+<contact>)``: who we are and how to reach the operator."""
    return f"ogi-reports/{__version__} (+{contact or DEFAULT_CONTACT}; annual-report harvester)"


@dataclass
class ClientOptions:
    """Knobs of the client. Defaults suit real sites; tests shrink the timeouts."""

    user_agent: str = field(default_factory=default_user_agent)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    """Whole exchange (headers + body) of one attempt."""
    max_body: int = 50 * 1024 * 1024
    retries: int = 3
    """Extra attempts after the first for retryable failures."""
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 120.0
    """A Retry-After longer than this is not waited for: the URL fails for this run."""
    max_redirects: int = 10
    host_failure_limit: int = 5
    """Consecutive failed URLs after which a host is paused for the rest of the run."""
    global_concurrency: int = 32
    max_crawl_delay: float = 60.0
    robots_ttl: float = 24 * 3600
    """Seconds a stored robots.txt is reused before it is fetched again (RFC 9309: 24 h)."""
    offline: bool = False
    """Only hosts in the resolve map can be reached (no real DNS)."""
    verify: bool = True
    """Verify TLS certificates (hosts configured with ``verify=False`` and ``insecure_hosts``
    excepted). False turns verification off for every host — for tests, never for a harvest."""
    ca_bundle: str | None = None
    """A PEM file of CA certificates to trust instead of the system's."""
    insecure_hosts: tuple[str, ...] = ()
    """Hosts reached without certificate checks: exact names or ``*.example.gov.cn``."""
