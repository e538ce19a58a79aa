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

# The one version of the project is ``version`` in pyproject.toml; it is read from the
# installed distribution, by every package that names it (the crawler's User-Agent and WARC
# records, the parser fingerprint, the harvest's runs). ``scraper`` is the lowest package that
# needs it, and ``ogi`` re-exports it. It is read on first use, not on import: reading the
# distribution's metadata costs a command that does not need it (``ogi parse``) a tenth of its
# start-up.
__version__: str


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("ogi-reports")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
