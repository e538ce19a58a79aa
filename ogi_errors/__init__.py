"""The project's error tree, drawn in one place: every error ogi raises on purpose is an
:class:`OgiError`, on the branch of the stage that raised it.

::

    OgiError
    ├── ConfigError           what the user gave cannot be used (an option, a file)  → exit 2
    │   ├── RegistryError         a sites file (scraper.registry)
    │   ├── HarvestConfigError    a harvest's sites file, shard or option
    │   ├── ResolveError          a --resolve HOST:PORT:ADDR entry
    │   ├── StartError            a start address of site discovery
    │   ├── SeedError             a start-page file of site discovery
    │   ├── CorrectionError       a correction or the corrections file
    │   └── FormatError           a dataset format name
    ├── FetchError            the crawler
    │   ├── BadURL                a link that is not a fetchable http(s) URL
    │   └── ContentDecodingError  a body that does not decode with its coding
    ├── ParseError            the parsers: bytes that are not a readable report
    │                             (parsers.unsupported.UnsupportedDocument below it)
    ├── PlaceError            the places table: a name or code that is not a region
    │   ├── RegionNotFound
    │   └── AmbiguousRegion       (several divisions share the name; .candidates)
    ├── ExportError           records → datasets
    │   ├── DataNotFound          no data folder, or no records in it
    │   ├── RecordError           a stored record that cannot be read
    │   ├── RegionError           a comparison's region has no agencies with reports
    │   └── ReportNotFound        no harvested document has that report id
    └── HarvestError          the harvest job
        ├── LockHeld              another harvest holds the data folder            → exit 75
        └── DemoUnavailable       the demo's fake web is not importable

Callers catch the branch they can handle (``except FetchError``), and a bug (a bare
``KeyError`` from a typo) is never mistaken for bad input. Each leaf also derives from the
built-in its callers caught before the tree (``ValueError``, ``LookupError``,
``FileNotFoundError``, ``RuntimeError``), so that older ``except`` clauses still hold.
The command line turns branches into exit codes (defined here, below the tree) in one place,
:mod:`ogi.exits`.

The module sits below every package (it imports nothing of the project), so the crawler,
the parsers, the places table, the datasets and the command line all raise from one tree;
each stage re-exports its own errors where they were always imported from
(``parsers.ParseError``, ``scraper.registry.RegistryError`` …).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "EXIT_LOCKED",
    "EXIT_NOTHING_DONE",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "AmbiguousRegion",
    "BadURL",
    "ConfigError",
    "ContentDecodingError",
    "CorrectionError",
    "DataNotFound",
    "DemoUnavailable",
    "ExportError",
    "FetchError",
    "FormatError",
    "HarvestConfigError",
    "HarvestError",
    "LockHeld",
    "OgiError",
    "ParseError",
    "PlaceError",
    "RecordError",
    "RegionError",
    "RegionNotFound",
    "RegistryError",
    "ReportNotFound",
    "ResolveError",
    "SeedError",
    "StartError",
]


# --- exit codes ----------------------------------------------------------------------------
# Cron habits, for every result that reports one (the crawl's, discovery's, the harvest's) and
# for the command line, which maps the tree's branches onto them in :mod:`ogi.exits`.

EXIT_OK = 0
"""Everything was done."""
EXIT_SOME_FAILED = 1
"""Some sites, start pages or documents failed; the rest was done."""
EXIT_USAGE = 2
"""An option or a file the user gave cannot be used (:class:`ConfigError`)."""
EXIT_NOTHING_DONE = 3
"""Nothing could be done."""
EXIT_LOCKED = 75
"""Another harvest holds the data folder (sysexits' EX_TEMPFAIL: try later)."""


class OgiError(Exception):
    """The base of every error the project raises on purpose."""


# --- configuration: what the user gave -----------------------------------------------------


class ConfigError(OgiError):
    """Something the user gave cannot be used: an option, a sites file, a start list, a
    corrections file. Nothing was done; fixing the input fixes it (exit code 2)."""


class RegistryError(ConfigError, ValueError):
    """A sites file that cannot be used. ``line`` (1-based) and ``field`` say where, when known."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "<registry>",
        line: int | None = None,
        field: str | None = None,
        site: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        self.site = site
        where = source
        if line is not None:
            where += f":{line}"
        parts = [where]
        if site is not None:
            parts.append(f"site #{site}")
        if field is not None:
            parts.append(f"field '{field}'")
        super().__init__(f"{': '.join(parts)}: {message}")


class HarvestConfigError(ConfigError, ValueError):
    """The harvest cannot start: a bad sites file, shard or option (exit code 2)."""


class ResolveError(ConfigError, ValueError):
    """A ``--resolve`` entry that is not ``HOST:PORT:ADDR``."""


class StartError(ConfigError, ValueError):
    """A start address that is not a web address."""


class SeedError(ConfigError, ValueError):
    """A start-page file that cannot be read."""


class CorrectionError(ConfigError, ValueError):
    """A correction that cannot be stored or read: a bad cell code, value, or CSV row."""


class FormatError(ConfigError, ValueError):
    """A dataset format that is not one of csv, parquet, xlsx, sqlite."""


# --- fetching ------------------------------------------------------------------------------


class FetchError(OgiError):
    """The crawler could not use what a site gave it."""


class BadURL(FetchError, ValueError):
    """A link that is not a fetchable http(s) URL, with the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url[:300]!r}")
        self.url = url
        self.reason = reason


class ContentDecodingError(FetchError, ValueError):
    """A body that does not decode with the coding its headers name (or an unknown coding)."""


# --- parsing -------------------------------------------------------------------------------


class ParseError(OgiError):
    """The bytes are not a report we can read (not a report, unreadable, unsupported).

    ``reason`` is a short machine-friendly code; ``where`` says what was looked at.
    """

    def __init__(self, message: str, *, reason: str = "unreadable", where: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.where = where

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.where})" if self.where else base


# --- places --------------------------------------------------------------------------------


class PlaceError(OgiError, LookupError):
    """A name or code that cannot be turned into a region."""


class RegionNotFound(PlaceError):
    """No division or zone has that name or code."""


class AmbiguousRegion(PlaceError):
    """Several divisions share the name; ``candidates`` lists them (as regions)."""

    def __init__(self, message: str, candidates: list[Any]) -> None:
        super().__init__(message)
        self.candidates = candidates


# --- datasets ------------------------------------------------------------------------------


class ExportError(OgiError):
    """Records could not be turned into datasets (or read back for a dataset)."""


class DataNotFound(ExportError, FileNotFoundError):
    """No data folder or record file where one was named, or no records in it."""


class RecordError(ExportError, ValueError):
    """A stored record that cannot be read (a record line that is not JSON)."""


class RegionError(ExportError, LookupError):
    """The region is unknown, ambiguous, or has no agencies with reports that year."""


class ReportNotFound(ExportError, LookupError):
    """No harvested document has that report id (or it is ambiguous)."""


# --- the harvest job -----------------------------------------------------------------------


class HarvestError(OgiError):
    """The harvest job could not run."""


class LockHeld(HarvestError, RuntimeError):
    """Another process holds the lock. ``holder`` is what it wrote about itself (may be empty)."""

    def __init__(self, path: Path, holder: dict[str, Any] | None) -> None:
        self.path = path
        self.holder = holder or {}
        who = []
        if self.holder.get("pid"):
            who.append(f"pid {self.holder['pid']}")
        if self.holder.get("host"):
            who.append(f"on {self.holder['host']}")
        if self.holder.get("started_at"):
            who.append(f"since {self.holder['started_at']}")
        detail = f" ({' '.join(who)})" if who else ""
        super().__init__(
            f"another harvest is already running on {path.parent}{detail}; "
            f"this one exits without doing anything (lock file: {path})"
        )


class DemoUnavailable(HarvestError, RuntimeError):
    """The fake web is not importable (an installed wheel without the source checkout)."""
