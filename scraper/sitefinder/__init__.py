"""Site discovery: from portal home pages (or the national list of government websites) to a
sites registry — the stage before the crawler.

- :func:`discover` — walk from start pages to the annual-report columns of each portal and of
  the department and township platforms below it (:mod:`scraper.sitefinder.walk`);
- :func:`registry_text` / :func:`merge_plan` — the registry TOML, or what to append to one;
- :func:`read_starts` — start pages from a CSV/XLSX (``name,url[,division_code]`` or the
  national government website database's export);
- :func:`check_registry` — every column of a registry fetched once: ok, moved, dead,
  ``needs_js``, blocked.

Modules, one job each: ``labels`` (link ranking), ``links`` (a page's links and labels),
``naming`` (agency names, levels, division codes), ``columns`` (is this a report column?),
``walk`` (the navigation walk), ``fetch`` (the polite client, page budget, conditional GETs),
``cache``, ``result``, ``writer``, ``seeds``, ``check``.
"""

from scraper.sitefinder.fetch import FinderOptions
from scraper.sitefinder.find import StartError, discover, discover_async, start_url
from scraper.sitefinder.result import DiscoveryResult, FoundColumn, Note, SiteEntry, StartOutcome
from scraper.sitefinder.walk import Start
from scraper.sitefinder.writer import MergePlan, merge_plan, registry_text, write_atomic

__all__ = [
    "DiscoveryResult",
    "FinderOptions",
    "FoundColumn",
    "MergePlan",
    "Note",
    "SiteEntry",
    "Start",
    "StartError",
    "StartOutcome",
    "discover",
    "discover_async",
    "merge_plan",
    "registry_text",
    "start_url",
    "write_atomic",
]
