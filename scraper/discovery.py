"""From a list (column) page to report links and more list pages; from a report page to its
attachments and metadata.

The crawler knows nothing of the report format beyond the question "is this link a report?"
(:mod:`scraper.titles`). Links are read by :mod:`scraper.anchors`, pagination by
:mod:`scraper.pagers`, CMS quirks by :mod:`scraper.adapters`, an article's metadata table by
:mod:`scraper.xxgk`; this module ties them together, and keys URLs by
:func:`scraper.canonical.canonical_url` so that one article reached by two URLs is fetched
once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

# --- page analysis ---------------------------------------------------------------------------
from scraper.adapters import adapters_for
from scraper.anchors import (
    Anchor,
    Link,
    clean_text,
    fetchable,
    find_date,
    html_anchors,
    is_soft_404,
    looks_js_only,
    meta_refresh,
    visible_text,
)
from scraper.canonical import canonical_url, column_dir, is_attachment_url
from scraper.pagers import counted_pages, is_pager_link, is_pager_text, is_sub_column
from scraper.titles import is_report_column, is_report_title
from scraper.urls import BadLink
from scraper.xxgk import xxgk_metadata


@dataclass
class ListAnalysis:
    items: list[Link] = field(default_factory=list)
    """Report pages / report attachments linked from the list."""
    pages: list[Link] = field(default_factory=list)
    """More list pages: pagination, sub-columns, CMS list API requests."""
    adapters: list[str] = field(default_factory=list)
    needs_js: bool = False
    soft_404: bool = False
    refresh: str | None = None
    bad_links: list[BadLink] = field(default_factory=list)
    """Malformed links of the page, left out (see :mod:`scraper.urls`)."""
    signature: str | None = None
    """What the page lists, pagination aside (a hash of its other links). Two pages of one
    walk with the same signature show the same content: a server answering an out-of-range
    page with page 1 (or an empty page after an empty page), whose own pagination links
    must not be followed again — that is how endless "下一页" chains are stopped."""


@dataclass
class PageAnalysis:
    attachments: list[Link] = field(default_factory=list)
    title: str | None = None
    """``ArticleTitle`` meta, else the metadata table's 名称/标题, else ``<title>``."""
    date: str | None = None
    """``PubDate`` meta, else the metadata table's 发布日期/发文日期/成文日期 (YYYY-MM-DD)."""
    publisher: str | None = None
    """The metadata table's 发布机构/发文机关/发文单位, or the ``ContentSource`` meta."""
    index_no: str | None = None
    """The metadata table's 索引号."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Every recognised label of the xxgk metadata table (see :func:`xxgk_metadata`)."""
    soft_404: bool = False
    refresh: str | None = None
    needs_js: bool = False
    bad_links: list[BadLink] = field(default_factory=list)
    """Malformed links of the page, left out (see :mod:`scraper.urls`)."""


def analyse_list(
    text: str, url: str, *, column_url: str, adapter: str = "auto", content_type: str | None = None
) -> ListAnalysis:
    """Read a list page (HTML, or a CMS list API response) of the column ``column_url``."""
    out = ListAnalysis()
    in_col = is_report_column(column_url)
    anchors: list[Anchor] = []
    head = text.lstrip()[:1]
    is_json = head in ("{", "[")
    is_html = not is_json and (
        "<html" in text[:2000].lower() or "<body" in text.lower() or head != "<"
    )
    bad = out.bad_links
    if is_html and not text.lstrip().startswith("<?xml"):
        out.refresh = meta_refresh(text, url, rejected=bad)
        anchors = html_anchors(text, url, rejected=bad)
    for ad in adapters_for(adapter, text, url):
        out.adapters.append(ad.name)
        try:
            anchors.extend(fetchable(ad.anchors(text, url, rejected=bad), url, bad))
        except ValueError as e:  # an address the adapter built from the page is malformed
            bad.append(BadLink(getattr(e, "url", url), url, f"{ad.name} records: {e}"))
        try:
            out.pages.extend(fetchable(ad.pages(text, url, column_url=column_url), url, bad))
        except ValueError as e:
            bad.append(BadLink(getattr(e, "url", url), url, f"{ad.name} pages: {e}"))
    cdir = column_dir(column_url)
    here = urlsplit(url)
    seen: set[str] = set()
    pager_keys: set[str] = {p.key for p in out.pages}
    pagers: list[Anchor] = []
    for a in anchors:
        label = a.label
        key = canonical_url(a.url)
        if key in seen:
            if key in pager_keys and is_pager_text(a.text):
                pagers.append(a)  # 下一页 and "3" often share a URL: both tell the numbering
            continue
        if is_report_title(label, in_report_column=in_col) or (
            is_attachment_url(a.url) and is_report_title(a.text or label, in_report_column=in_col)
        ):
            seen.add(key)
            kind = "attachment" if is_attachment_url(a.url) else "page"
            out.items.append(Link(a.url, kind, title=label, date=a.date, is_report=True))
            continue
        target = urlsplit(a.url)
        if target.hostname != here.hostname or is_attachment_url(a.url):
            continue
        pager = is_pager_link(a, target, here, cdir)
        if pager:
            pagers.append(a)
        if pager or is_sub_column(a, target, cdir, url):
            seen.add(key)
            pager_keys.add(key)
            out.pages.append(Link(a.url, "list", title=label or None))
    if is_html and not out.adapters:  # CMS adapters know their own numbering
        for link in counted_pages(text, url, pagers):
            if link.key not in pager_keys:
                pager_keys.add(link.key)
                out.pages.append(link)
    own = canonical_url(url)
    content = sorted(
        {canonical_url(a.url) for a in anchors} - pager_keys - {own} | {i.key for i in out.items}
    )
    kind = "json" if is_json else "html" if is_html else "xml"
    out.signature = hashlib.sha1("\n".join([kind, *content]).encode()).hexdigest()
    if not out.items and not out.pages and is_html:
        out.soft_404 = is_soft_404(text)
        out.needs_js = not out.soft_404 and not out.refresh and looks_js_only(text, len(anchors))
    return out


def analyse_page(text: str, url: str) -> PageAnalysis:
    """Read a report page: its attachments, title, date and publisher, and whether it is really
    a page. The title, date and publisher come from the page's meta tags and its xxgk metadata
    table, for lists that show none of them (or only a truncated title)."""
    out = PageAnalysis()
    out.refresh = meta_refresh(text, url, rejected=out.bad_links)
    tree = LexborHTMLParser(text)
    meta = {
        (m.attributes.get("name") or "").lower(): (m.attributes.get("content") or "")
        for m in tree.css("meta[name]")
    }
    table = xxgk_metadata(tree)
    out.metadata = table
    out.title = (
        clean_text(meta.get("articletitle"))
        or table.get("title")
        or (clean_text(title.text()) if (title := tree.css_first("title")) else None)
    )
    out.date = (
        find_date(meta.get("pubdate"))
        or find_date(meta.get("publishdate"))
        or find_date(table.get("published"))
        or find_date(table.get("issued"))
    )
    out.publisher = table.get("publisher") or clean_text(meta.get("contentsource")) or None
    out.index_no = table.get("index_no")
    anchors = html_anchors(text, url, tree, rejected=out.bad_links)
    seen: set[str] = set()
    for a in anchors:
        if not is_attachment_url(a.url):
            continue
        key = canonical_url(a.url)
        if key in seen:
            continue
        seen.add(key)
        out.attachments.append(Link(a.url, "attachment", title=a.label or None, is_report=True))
    if len(text) < 20000 or len(anchors) <= 3:  # only short pages can be error stubs or shells
        seen_text = visible_text(text, tree)
        out.soft_404 = is_soft_404(text, seen_text)
        if not out.soft_404 and not out.refresh:
            out.needs_js = looks_js_only(text, len(anchors), seen_text)
    return out
