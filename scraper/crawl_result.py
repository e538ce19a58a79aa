"""What a crawl run did: per site, and for the run (the summary ``ogi crawl`` prints)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ogi_errors import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED
from scraper.urls import BadLink

MAX_EXAMPLES = 5
"""Bad links named per site in a run's account (the state keeps every one)."""


@dataclass
class SiteStats:
    """What happened to one site in one run."""

    site: str
    agency: str
    requests: int = 0
    list_pages: int = 0
    reports_found: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0
    moved: int = 0
    attachments: int = 0
    failures: Counter = field(default_factory=Counter)
    flags: set[str] = field(default_factory=set)
    columns_ok: int = 0
    columns_failed: int = 0
    bad_links: int = 0
    """Malformed links found on the site's pages (left out; each costs only itself)."""
    bad_link_examples: list[dict[str, str]] = field(default_factory=list)
    """The first few of them: link, page, reason (all are in the state's ``bad_links``)."""

    def add_bad_links(self, links: list[BadLink]) -> None:
        self.bad_links += len(links)
        room = MAX_EXAMPLES - len(self.bad_link_examples)
        self.bad_link_examples.extend(b.as_dict() for b in links[: max(room, 0)])

    @property
    def failed(self) -> bool:
        """The site could not be crawled at all (no column walked)."""
        return self.columns_ok == 0 and self.columns_failed > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "agency": self.agency,
            "requests": self.requests,
            "list_pages": self.list_pages,
            "reports_found": self.reports_found,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "gone": self.gone,
            "moved": self.moved,
            "attachments": self.attachments,
            "failures": dict(self.failures),
            "flags": sorted(self.flags),
            "columns_ok": self.columns_ok,
            "columns_failed": self.columns_failed,
            "bad_links": self.bad_links,
            "bad_link_examples": self.bad_link_examples,
        }


@dataclass
class CrawlResult:
    """The outcome of :func:`crawl`. Documents themselves are read from :attr:`state_path`."""

    run_id: int
    started_at: datetime
    finished_at: datetime
    data_dir: Path
    sites: list[SiteStats]
    seconds: float = 0.0
    host_requests: dict[str, int] = field(default_factory=dict)
    paused_hosts: dict[str, str] = field(default_factory=dict)

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.sqlite"

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.sites)

    @property
    def failures(self) -> Counter:
        c: Counter = Counter()
        for s in self.sites:
            c.update(s.failures)
        return c

    @property
    def bad_links(self) -> list[dict[str, str]]:
        """Examples of malformed links, a few per site (the count is ``total("bad_links")``)."""
        return [b for s in self.sites for b in s.bad_link_examples]

    @property
    def failed_sites(self) -> list[SiteStats]:
        return [s for s in self.sites if s.failed]

    @property
    def exit_code(self) -> int:
        """Cron habits: 0 all sites crawled, 1 some failed, 3 none could be crawled."""
        if self.sites and len(self.failed_sites) == len(self.sites):
            return EXIT_NOTHING_DONE
        return EXIT_SOME_FAILED if self.failed_sites else EXIT_OK

    def summary(self) -> str:
        lines = [
            f"run {self.run_id}: {len(self.sites)} sites, {self.total('requests')} requests in {self.seconds:.1f}s",
            f"  list pages {self.total('list_pages')}, reports found {self.total('reports_found')}, attachments {self.total('attachments')}",
            f"  new {self.total('new')}, changed {self.total('changed')}, unchanged {self.total('unchanged')}, gone {self.total('gone')}, moved {self.total('moved')}",
        ]
        if self.failures:
            lines.append(
                "  failures: " + ", ".join(f"{k} {v}" for k, v in self.failures.most_common())
            )
        if self.total("bad_links"):
            lines.append(
                f"  bad links {self.total('bad_links')} left out (malformed URLs; "
                "each with its page in the state's bad_links)"
            )
        for s in self.failed_sites:
            lines.append(
                f"  FAILED {s.agency}: " + ", ".join(sorted(s.failures) or sorted(s.flags))
            )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "seconds": round(self.seconds, 3),
            "sites": [s.as_dict() for s in self.sites],
            "failures": dict(self.failures),
            "paused_hosts": self.paused_hosts,
            "bad_links": self.total("bad_links"),
        }
