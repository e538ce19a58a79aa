"""The column check: is this page an annual-report column?

A page is read as a list by the crawler's own reader (:func:`scraper.discovery.analyse_list`,
CMS adapters included), so a column is accepted exactly when the crawler would find reports in
it: when its list shows at least one annual-report title. A column page that lists nothing
itself — a gkmlpt or jpaas shell, a container of year or agency sub-columns — is judged by the
list pages behind it. A new column with nothing in it yet is accepted only when the link that
led to it names the annual report. Which agency's reports a column holds is read from the
titles (``华溪县东岭乡人民政府2023年…`` → ``华溪县东岭乡人民政府``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scraper.anchors import Link
from scraper.canonical import canonical_url
from scraper.discovery import analyse_list
from scraper.sitefinder.labels import is_article_url, normalise

MAX_FOLLOW = 2
"""List pages behind a shell read to judge it (the first ones: the newest reports)."""
FOLLOW_DEPTH = 2
"""Shells behind shells followed at most this deep."""

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([二两][〇○零Ｏ一二三四五六七八九]{3})\s*年")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {
    "○": "0",
    "零": "0",
    "Ｏ": "0",
    "两": "2",
}
_HREF = re.compile(r"""href\s*=\s*["']([^"'<>\s]{1,500})["']""", re.I)
_AGENCY_BEFORE_YEAR = re.compile(
    r"^(.{2,40}?)(?:关于)?(?:(?:19|20)\d{2}|[二两][〇○零Ｏ一二三四五六七八九]{3})\s*年"
)


@dataclass
class ListReading:
    """What a page shows when read as a list."""

    titles: list[str] = field(default_factory=list)
    """Annual-report titles it lists."""
    entries: int = 0
    """List entries of any kind (links to articles, report links)."""
    pages: list[Link] = field(default_factory=list)
    """List pages behind it (API pages of a shell, pagination, sub-columns)."""
    adapters: list[str] = field(default_factory=list)
    needs_js: bool = False
    soft_404: bool = False

    @property
    def shell(self) -> bool:
        """It lists nothing itself but leads to list pages."""
        return not self.titles and not self.entries and bool(self.pages)


def read_list(text: str, url: str, column_url: str) -> ListReading:
    """Read ``text`` (fetched from ``url``) as a page of the column ``column_url``."""
    a = analyse_list(text, url, column_url=column_url)
    # a report's title names its year: a link labelled 政府信息公开年报 is the column, not a report
    titles = [i.title for i in a.items if i.is_report and i.title and report_year(i.title)]
    articles = sum(1 for h in _HREF.findall(text) if is_article_url(h))  # relative or not
    return ListReading(
        titles=titles,
        entries=max(articles, len(titles)),
        pages=list(a.pages),
        adapters=list(a.adapters),
        needs_js=a.needs_js,
        soft_404=a.soft_404,
    )


def report_year(title: str) -> int | None:
    """The year a report title names (``2023年…``, ``二〇二三年…``)."""
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(title)
    if m:
        digits = "".join(_CN_DIGITS.get(c, "") for c in m.group(1))
        return int(digits) if len(digits) == 4 else None
    return None


def title_agency(title: str) -> str | None:
    """The agency a report title names before its year, if any."""
    m = _AGENCY_BEFORE_YEAR.match(normalise(title))
    if not m:
        return None
    name = m.group(1).rstrip("《（(")
    return name if len(name) >= 3 else None


def same_agency(a: str, b: str) -> bool:
    """Two spellings of one agency (``华溪县人民政府`` and ``华溪县政府``)."""

    def core(s: str) -> str:
        return re.sub(r"人民政府$|政府$", "", normalise(s))

    return core(a) == core(b)


@dataclass
class Candidate:
    """A page being judged as a column, across the list pages behind it."""

    url: str
    """The column URL (a catalogue's fragment kept: ``/gkmlpt/index#2571``)."""
    label_named: bool
    """The link (or the page's title) named the annual report."""
    trail: tuple[str, ...] = ()
    titles: list[str] = field(default_factory=list)
    waiting: int = 0
    empty: bool = True
    """Nothing listed so far (no entries on any page read)."""
    blocked: bool = False
    """A page of it was JavaScript-only or said it does not exist."""

    def add(self, reading: ListReading) -> None:
        self.titles.extend(reading.titles)
        if reading.entries:
            self.empty = False
        if reading.needs_js or reading.soft_404:
            self.blocked = True

    @property
    def evidence(self) -> str | None:
        """``titles`` (it lists reports), ``label`` (empty, but named the annual report) or
        None (not a column)."""
        if self.titles:
            return "titles"
        if self.label_named and self.empty and not self.blocked:
            return "label"
        return None

    @property
    def newest(self) -> int | None:
        years = [y for y in (report_year(t) for t in self.titles) if y]
        return max(years) if years else None

    def agencies(self) -> set[str]:
        return {a for a in (title_agency(t) for t in self.titles) if a}


def pages_behind(reading: ListReading, url: str, *, followable: bool) -> list[Link]:
    """The list pages to read to judge a page that lists nothing itself: those a CMS adapter
    names (a catalogue's API), or any (sub-columns by year or agency) when the link named the
    annual report. Never the page itself again."""
    if not followable or not reading.shell:
        return []
    own = canonical_url(url)
    return [p for p in reading.pages if canonical_url(p.url) != own]


def column_key(url: str) -> str:
    """A column's identity: its canonical URL, with a catalogue fragment (``#2571``) kept."""
    frag = url.split("#", 1)[1] if "#" in url else ""
    return canonical_url(url) + (f"#{frag}" if frag else "")
