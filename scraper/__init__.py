"""Scraper: finds and fetches report pages and attachments from government sites, politely,
and hands the raw bytes (with URL, headers and fetch time) to the archive and state DB.

Public interface (see each module's docstrings):

- :func:`scraper.sitefinder.discover` — the stage before the registry: from portal home pages
  to annual-report columns (and those of the department and township platforms below them);
- :func:`scraper.registry.load_registry` — read a sites file (TOML) into a ``Registry``;
- :func:`scraper.crawl.crawl` — one crawl run over a registry, returns a ``CrawlResult``;
- :class:`scraper.state.State` — what was fetched: ``documents(changed_since=run_id)``,
  ``read_body(doc)``, runs and failures; the harvest stage reads new/changed documents here.
"""

from importlib.metadata import PackageNotFoundError, version

# The one version of the project is ``version`` in pyproject.toml; it is read here, from the
# installed distribution, by every package that names it (the crawler's User-Agent and WARC
# records, the parser fingerprint, the harvest's runs). ``scraper`` is the lowest package that
# needs it, and ``ogi`` re-exports it.
try:
    __version__ = version("ogi-reports")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
