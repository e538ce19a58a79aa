"""The sites registry: which agencies to crawl, where their report columns are, and how politely.

The registry is a TOML file. Its minimal form, which must keep working as the format grows::

    [[site]]
    agency = "梅河口市人民政府"
    columns = ["https://www.mhk.gov.cn/zwgk/zfxxgknb/index.html"]

Optional per-site fields (see :class:`Site`) override the ``[defaults]`` table, which overrides
the built-in defaults. A ``[crawl]`` table holds run-wide settings (see :class:`CrawlSettings`).
Every problem is reported as a :class:`RegistryError` naming the file, the line and the field, so
a cron log says exactly what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ogi_errors import RegistryError as RegistryError
from scraper.urls import BadURL, checked_url

LEVELS = ("central", "province", "city", "county", "township", "department")
"""Administrative levels an agency can be registered at."""

ADAPTERS = ("auto", "trs", "hanweb", "gkmlpt", "jpaas", "vsb", "generic")
"""CMS adapters; ``auto`` picks one from the list page itself."""


@dataclass(frozen=True)
class Site:
    """One agency's entry. ``columns`` are the report list pages (columns) to walk."""

    agency: str
    columns: tuple[str, ...]
    level: str | None = None
    division_code: str | None = None
    adapter: str = "auto"
    delay: float = 1.0
    """Seconds between two request starts on one host (robots.txt Crawl-delay may raise it)."""
    concurrency: int = 1
    """Requests in flight at once on one host."""
    allow_hosts: tuple[str, ...] = ()
    """Extra hosts this site may link or redirect to (e.g. a separate attachment server)."""
    max_pages: int = 200
    """Most list pages walked per column, a guard against endless pagination."""
    parent: str | None = None
    """For a township or department published inside another portal: the parent agency."""
    id: str | None = None
    enabled: bool = True
    tls_verify: bool = True
    """Check the TLS certificates of this site's hosts. ``false`` is a conscious choice for a
    host whose certificate is known broken (self-signed, another site's name, expired): its
    HTTPS pages are then fetched without the check (and old TLS versions allowed), and every
    run records the host event ``tls_unverified``. There is no default for it: only per site."""
    line: int | None = None
    """Line of this entry's ``[[site]]`` header in the registry (for messages)."""

    @property
    def key(self) -> str:
        """A stable identifier: the explicit ``id``, else the agency name."""
        return self.id or self.agency

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts of the columns plus the explicitly allowed ones (lower-case, no port)."""
        hs = {(urlsplit(c).hostname or "").lower() for c in self.columns}
        hs.update(h.lower() for h in self.allow_hosts)
        return frozenset(h for h in hs if h)


@dataclass(frozen=True)
class CrawlSettings:
    """Run-wide settings from the ``[crawl]`` table."""

    user_agent: str | None = None
    """The whole User-Agent header; by default ``ogi-reports/<version> (+<contact>)``."""
    contact: str | None = None
    """A URL or mailto: webmasters can reach the operator at; goes into the User-Agent."""
    concurrency: int = 32
    """Requests in flight at once over all hosts."""
    max_body: int = 50 * 1024 * 1024
    """Largest body kept, in bytes; bigger responses are cut and recorded ``too_large``."""
    insecure_hosts: tuple[str, ...] = ()
    """Hosts reached without TLS certificate checks, whichever site links them: exact names or
    ``*.example.gov.cn`` (that domain and every host under it). See ``Site.tls_verify``."""


@dataclass(frozen=True)
class Registry:
    sites: tuple[Site, ...]
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    source: str = "<registry>"

    def __iter__(self):
        return iter(self.sites)

    def __len__(self) -> int:
        return len(self.sites)

    def enabled(self) -> tuple[Site, ...]:
        return tuple(s for s in self.sites if s.enabled)


_SITE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "agency": str,
    "columns": list,
    "column": str,
    "level": str,
    "division_code": (str, int),
    "adapter": str,
    "delay": (int, float),
    "concurrency": int,
    "allow_hosts": list,
    "max_pages": int,
    "parent": str,
    "id": str,
    "enabled": bool,
    "tls_verify": bool,
}
_DEFAULT_FIELDS = {"level", "adapter", "delay", "concurrency", "allow_hosts", "max_pages"}
_CRAWL_FIELDS: dict[str, type | tuple[type, ...]] = {
    "user_agent": str,
    "contact": str,
    "concurrency": int,
    "max_body": int,
    "insecure_hosts": list,
}
_TYPE_NAMES = {
    str: "a string",
    list: "a list",
    int: "an integer",
    float: "a number",
    bool: "true or false",
}


class _Lines:
    """Finds the line of a site's header and of a key inside it, for error messages.

    ``tomllib`` gives positions only for syntax errors, so the text is scanned: the n-th
    ``[[site]]`` header and the first ``key =`` line after it.
    """

    _header = re.compile(r"^\s*\[\[\s*(site|sites)\s*\]\]", re.M)
    _table = re.compile(r"^\s*\[")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.site_lines = [i + 1 for i, ln in enumerate(self.lines) if self._header.match(ln)]

    def site(self, index: int) -> int | None:
        return self.site_lines[index] if index < len(self.site_lines) else None

    def key(self, index: int | None, key: str, table: str | None = None) -> int | None:
        if index is None:
            start = None
            if table is not None:
                pat = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
                start = next((i for i, ln in enumerate(self.lines) if pat.match(ln)), None)
            if start is None:
                return None
        else:
            first = self.site(index)
            if first is None:
                return None
            start = first - 1
        pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in range(start + 1, len(self.lines)):
            if self._table.match(self.lines[i]):
                break
            if pat.match(self.lines[i]):
                return i + 1
        return start + 1


def load_registry(path: str | Path) -> Registry:
    """Read and validate a sites file. Raises :class:`RegistryError`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegistryError("file not found", source=str(p)) from None
    except UnicodeDecodeError as e:
        raise RegistryError(
            f"not UTF-8 text ({e.reason} at byte {e.start})", source=str(p)
        ) from None
    return parse_registry(text, source=str(p))


def parse_registry(text: str, *, source: str = "<registry>") -> Registry:
    """Validate registry TOML text into a :class:`Registry`. Raises :class:`RegistryError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        msg = re.sub(r"\s*\(at end of document\)", " (at the end of the file)", msg)
        line = (
            int(m.group(1))
            if m
            else (len(text.splitlines()) or 1)
            if "end of document" in str(e)
            else None
        )
        raise RegistryError(f"not valid TOML: {msg}", source=source, line=line) from None
    lines = _Lines(text)

    unknown = set(data) - {"site", "sites", "defaults", "crawl"}
    if unknown:
        key = sorted(unknown)[0]
        raise RegistryError(
            "unknown top-level key (expected [[site]], [defaults] or [crawl])",
            source=source,
            line=lines.key(None, key, None) or _line_of_table(text, key),
            field=key,
        )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise RegistryError("must be a table", source=source, field="defaults")
    for k, v in defaults.items():
        if k not in _DEFAULT_FIELDS:
            raise RegistryError(
                f"not a default field (allowed: {', '.join(sorted(_DEFAULT_FIELDS))})",
                source=source,
                line=lines.key(None, k, "defaults"),
                field=f"defaults.{k}",
            )
        _check_type(
            v,
            _SITE_FIELDS[k],
            source=source,
            line=lines.key(None, k, "defaults"),
            field=f"defaults.{k}",
        )

    crawl = _parse_crawl(data.get("crawl", {}), source, lines)

    raw_sites = data.get("site", data.get("sites", []))
    if not isinstance(raw_sites, list):
        raise RegistryError("write sites as [[site]] tables", source=source, field="site")
    sites: list[Site] = []
    seen_keys: dict[str, int] = {}
    for i, raw in enumerate(raw_sites):
        site = _parse_site(raw, i, defaults, source, lines)
        if site.key in seen_keys:
            raise RegistryError(
                f"duplicate site (same as site #{seen_keys[site.key]}); give one an 'id'",
                source=source,
                line=site.line,
                field="id" if site.id else "agency",
                site=i + 1,
            )
        seen_keys[site.key] = i + 1
        sites.append(site)
    if not sites:
        raise RegistryError("no [[site]] entries", source=source)
    return Registry(sites=tuple(sites), crawl=crawl, source=source)


def _line_of_table(text: str, key: str) -> int | None:
    pat = re.compile(rf"^\s*\[+\s*{re.escape(key)}\b")
    for i, ln in enumerate(text.splitlines()):
        if pat.match(ln):
            return i + 1
    return None


def _check_type(
    value: Any,
    types: type | tuple[type, ...],
    *,
    source: str,
    line: int | None,
    field: str,
    site: int | None = None,
) -> None:
    tys = types if isinstance(types, tuple) else (types,)
    ok = isinstance(value, tys) and not (isinstance(value, bool) and bool not in tys)
    if not ok:
        names = dict.fromkeys(_TYPE_NAMES.get(t, t.__name__) for t in tys)
        if "an integer" in names and "a number" in names:
            del names["an integer"]
        want = " or ".join(names)
        raise RegistryError(
            f"must be {want}, got {value!r}", source=source, line=line, field=field, site=site
        )


def _parse_crawl(raw: Any, source: str, lines: _Lines) -> CrawlSettings:
    if not isinstance(raw, dict):
        raise RegistryError("must be a table", source=source, field="crawl")
    for k, v in raw.items():
        line = lines.key(None, k, "crawl")
        if k not in _CRAWL_FIELDS:
            raise RegistryError(
                f"unknown field (allowed: {', '.join(sorted(_CRAWL_FIELDS))})",
                source=source,
                line=line,
                field=f"crawl.{k}",
            )
        _check_type(v, _CRAWL_FIELDS[k], source=source, line=line, field=f"crawl.{k}")
        if k in ("concurrency", "max_body") and v < 1:
            raise RegistryError("must be at least 1", source=source, line=line, field=f"crawl.{k}")
        if k == "insecure_hosts":
            for h in v:
                if not isinstance(h, str) or not re.fullmatch(r"(?:\*\.)?[A-Za-z0-9.-]+", h):
                    raise RegistryError(
                        f"not a host name or *.domain: {h!r}",
                        source=source,
                        line=line,
                        field=f"crawl.{k}",
                    )
    values = dict(raw)
    if "insecure_hosts" in values:
        values["insecure_hosts"] = tuple(h.lower() for h in values["insecure_hosts"])
    return CrawlSettings(**values)


def _parse_site(raw: Any, i: int, defaults: dict, source: str, lines: _Lines) -> Site:
    n = i + 1
    header = lines.site(i)
    if not isinstance(raw, dict):
        raise RegistryError("each site must be a table", source=source, line=header, site=n)

    def err(msg: str, key: str) -> RegistryError:
        return RegistryError(msg, source=source, line=lines.key(i, key), field=key, site=n)

    for k, v in raw.items():
        if k not in _SITE_FIELDS:
            raise err(f"unknown field (allowed: {', '.join(sorted(_SITE_FIELDS))})", k)
        _check_type(v, _SITE_FIELDS[k], source=source, line=lines.key(i, k), field=k, site=n)

    merged = {**defaults, **raw}
    agency = merged.get("agency")
    if agency is None:
        raise RegistryError(
            "missing (the agency's name)", source=source, line=header, field="agency", site=n
        )
    if not agency.strip():
        raise err("must not be empty", "agency")

    if "columns" in raw and "column" in raw:
        raise err("give either 'column' or 'columns', not both", "column")
    columns = raw.get("columns", [raw["column"]] if "column" in raw else None)
    if columns is None:
        raise RegistryError(
            "missing (the report list page URLs)",
            source=source,
            line=header,
            field="columns",
            site=n,
        )
    if not columns:
        raise err("must list at least one URL", "columns")
    key_name = "columns" if "columns" in raw else "column"
    for c in columns:
        if not isinstance(c, str):
            raise err(f"every column must be a URL string, got {c!r}", key_name)
        try:
            checked_url(c)
        except BadURL as e:
            raise err(f"{e.reason}: {c!r}", key_name) from None
    if len(set(columns)) != len(columns):
        raise err("lists the same URL twice", key_name)

    level = merged.get("level")
    if level is not None and level not in LEVELS:
        raise err(f"unknown level {level!r} (one of: {', '.join(LEVELS)})", "level")
    code = merged.get("division_code")
    if code is not None:
        code = str(code)
        if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", code):
            raise err(f"must be 6, 9 or 12 digits, got {code!r}", "division_code")
    adapter = merged.get("adapter", "auto")
    if adapter not in ADAPTERS:
        raise err(f"unknown adapter {adapter!r} (one of: {', '.join(ADAPTERS)})", "adapter")
    delay = float(merged.get("delay", 1.0))
    if delay < 0:
        raise err("must not be negative", "delay")
    concurrency = merged.get("concurrency", 1)
    if concurrency < 1:
        raise err("must be at least 1", "concurrency")
    max_pages = merged.get("max_pages", 200)
    if max_pages < 1:
        raise err("must be at least 1", "max_pages")
    allow = merged.get("allow_hosts", [])
    for h in allow:
        if not isinstance(h, str) or not re.fullmatch(r"[A-Za-z0-9.-]+", h):
            raise err(f"not a host name: {h!r}", "allow_hosts")
    return Site(
        agency=agency.strip(),
        columns=tuple(columns),
        level=level,
        division_code=code,
        adapter=adapter,
        delay=delay,
        concurrency=concurrency,
        allow_hosts=tuple(h.lower() for h in allow),
        max_pages=max_pages,
        parent=merged.get("parent"),
        id=merged.get("id"),
        enabled=merged.get("enabled", True),
        tls_verify=raw.get("tls_verify", True),
        line=header,
    )
