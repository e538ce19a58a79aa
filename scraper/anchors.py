"""The links of a page: anchors with their text, title and date, resolved and checked (a
malformed link is recorded and left out), and what a page's text says of it (a soft 404, a
meta refresh, a JavaScript shell)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from scraper.canonical import canonical_url
from scraper.urls import BadLink, BadURL, checked_url, is_http, resolve_url

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def find_date(text: str | None) -> str | None:
    """The first date in a text, as YYYY-MM-DD (``2024-01-25``, ``2024年1月25日``, ``2024/1/25``)."""
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


@dataclass(frozen=True)
class Anchor:
    """A link as found on a page."""

    url: str
    text: str
    title: str | None = None
    date: str | None = None

    @property
    def label(self) -> str:
        """The best title: the ``title`` attribute (often complete) or the link text."""
        t = (self.title or "").strip()
        return t if len(t) >= len(self.text) else self.text


@dataclass(frozen=True)
class Link:
    """Something to fetch next: a list page, a report page or an attachment."""

    url: str
    kind: str  # list | page | attachment
    title: str | None = None
    date: str | None = None
    is_report: bool = False
    method: str = "GET"
    data: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        c = canonical_url(self.url)
        if self.method == "GET":
            return c
        return f"{self.method} {c} {(self.data or b'').decode('utf-8', 'replace')}"


def clean_text(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ")).strip()


_CONTEXT_CHARS = 400
_CONTEXT_NODES = 200


def short_text(node) -> str | None:
    """The text of ``node`` when it is short (under 400 characters, within 200 nodes), else
    None — found without walking a big subtree: asking every link of a 20,000-link block for
    the block's whole text took 78 s on one 780 KB page (quadratic)."""
    parts: list[str] = []
    size = 0
    for i, child in enumerate(node.traverse(include_text=True)):
        if i > _CONTEXT_NODES:
            return None
        if child.tag == "-text":
            piece = child.text_content or ""
            parts.append(piece)
            size += len(piece.strip())
            if size >= _CONTEXT_CHARS:
                return None
    text = clean_text("".join(parts))
    return text if len(text) < _CONTEXT_CHARS else None


def html_anchors(
    html: str,
    base_url: str,
    tree: LexborHTMLParser | None = None,
    *,
    rejected: list[BadLink] | None = None,
) -> list[Anchor]:
    """Every ``<a href>`` of an HTML document or fragment, absolute, with a nearby date.

    Only fetchable http(s) URLs are returned: a malformed link (``http://host:80:80/…``,
    ``http://[gov/…``) is left out and, when ``rejected`` is given, added to it with the page
    (``base_url``) it came from — one bad link never costs the others."""
    tree = tree if tree is not None else LexborHTMLParser(html)
    base = base_url
    b = tree.css_first("base[href]")
    if b is not None and b.attributes.get("href"):
        try:
            base = checked_url(resolve_url(base_url, b.attributes["href"] or ""))
        except BadURL as e:
            _reject(rejected, e, base_url)
    out = []
    resolved: dict[str, str | BadURL | None] = {}  # pages repeat their links many times
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            url = resolved[href]
        except KeyError:
            url = resolved[href] = _resolve_link(base, href)
        if url is None:
            continue  # file:, ftp:, data: … are never fetched, so never recorded either
        if isinstance(url, BadURL):
            _reject(rejected, url, base_url)
            continue
        text = clean_text(a.text())
        date = None
        node = a.parent
        for _ in range(
            2
        ):  # the list item, then its row (table layouts put the date in a sibling cell)
            if node is None:
                break
            ctx = short_text(node)
            if ctx is None:
                break
            date = find_date(ctx.replace(text, " ", 1))
            if date:
                break
            node = node.parent
        out.append(
            Anchor(
                url=url, text=text, title=clean_text(a.attributes.get("title")) or None, date=date
            )
        )
    return out


def _resolve_link(base: str, href: str) -> str | BadURL | None:
    """The fetchable URL a link names, None for another scheme, or why it is malformed."""
    try:
        url = resolve_url(base, href)
        return checked_url(url) if is_http(url) else None
    except BadURL as e:
        return e


def _reject(rejected: list[BadLink] | None, error: BadURL, page: str) -> None:
    if rejected is not None:
        rejected.append(BadLink.of(error, page))


def fetchable(links: list, page: str, rejected: list[BadLink] | None) -> list:
    """The links (or anchors) whose URL can be fetched; the others go to ``rejected``."""
    out = []
    for link in links:
        try:
            checked_url(link.url)
        except BadURL as e:
            _reject(rejected, e, page)
            continue
        out.append(link)
    return out


def visible_text(html: str, tree: LexborHTMLParser | None = None) -> str:
    """The text a reader sees (scripts and styles removed). Modifies ``tree`` if given."""
    tree = tree if tree is not None else LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    return clean_text(body.text() if body is not None else "")


_SOFT404 = re.compile(
    r"页面不存在|找不到(?:该|您|你)?(?:要)?(?:访问|请求)?的?页面|访问的页面不存在|页面已删除|错误页面|页面未找到|信息不存在|文章不存在|Page Not Found|404 Not Found",
    re.I,
)


def is_soft_404(html: str, text: str | None = None) -> bool:
    """A 200 page that says the page does not exist (short pages only)."""
    if len(html) > 20000:
        return False
    text = visible_text(html) if text is None else text
    return len(text) < 1500 and bool(_SOFT404.search(text) or _SOFT404.search(html[:3000]))


_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*\d*\s*;?\s*url\s*=\s*['"]?([^"'>\s]+)""",
    re.I,
)
_REFRESH2 = re.compile(
    r"""<meta[^>]+content\s*=\s*["']?\s*\d*\s*;\s*url\s*=\s*['"]?([^"'>\s]+)[^>]*http-equiv\s*=\s*["']?refresh""",
    re.I,
)


def meta_refresh(html: str, base_url: str, *, rejected: list[BadLink] | None = None) -> str | None:
    """The target of a ``<meta http-equiv="refresh" content="0;url=…">`` redirect (None, and
    added to ``rejected``, when it is malformed)."""
    head = html[:8000]
    m = _REFRESH.search(head) or _REFRESH2.search(head)
    if not m:
        return None
    try:
        return checked_url(resolve_url(base_url, m.group(1)))
    except BadURL as e:
        _reject(rejected, e, base_url)
        return None


def looks_js_only(html: str, n_links: int, text: str | None = None) -> bool:
    """A shell page whose content is built by JavaScript: little text, scripts, few links."""
    if n_links > 3 or "<script" not in html.lower():
        return False
    return len(visible_text(html) if text is None else text) < 300
