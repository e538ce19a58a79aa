"""The links of a portal page as a reader sees them: each with its label and, where the label
says nothing (更多>>, an icon), the heading of the box around it.

Labels come split by ``<br>`` or wrapped around icons (``<a><i></i><img alt=…><p>政府信息<br>
公开年报</p></a>``): the text of the link, else its ``title``, else an image's ``alt``.
Department sites are often listed in a ``<select>`` (部门网站) whose options carry the
addresses; old portals put the open-government platform in a frame. All of those count as
links. Navigation that only JavaScript builds is not read (see :func:`needs_js`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.anchors import looks_js_only, visible_text
from scraper.sitefinder.labels import is_generic, normalise
from scraper.urls import BadURL, checked_url, is_http, resolve_url

MAX_LINKS = 3000
"""Links read from one page (real portal pages have a few hundred)."""
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "dt", "legend", "caption", "strong", "b"}
_HEADING_CLASS = re.compile(r"tit|title|hd|head|name|caption|lm", re.I)
_HEADING_NODES = 40
_MAYBE_AGENCY = re.compile(
    r"(?:局|委|办|室|中心|乡|镇|街道|苏木|所|院|队|站|会|处|厅|部|社|馆|署)"
    r"(?:人民政府|政府|办事处|信息公开|政务公开|公开|网站|平台)?\s*$"
)
"""Labels that may name a sub-platform's agency (their box heading is read)."""
_SEPARATORS = re.compile(r"\s*[-_|｜—–·:：>＞»]+\s*")


@dataclass(frozen=True)
class PageLink:
    url: str
    """Absolute, without its fragment unless the fragment names a catalogue category
    (``/gkmlpt/index#2571``)."""
    label: str
    context: str | None = None
    """The heading of the box (or the caption of the ``<select>``) the link sits in."""
    in_select: bool = False


def _text(node: LexborNode) -> str:
    return re.sub(r"\s+", " ", (node.text(deep=True) or "").replace("\xa0", " ")).strip()


def _label(a: LexborNode) -> str:
    text = _text(a)
    if text:
        return text
    for attr in ("title", "aria-label"):
        v = (a.attributes.get(attr) or "").strip()
        if v:
            return v
    img = a.css_first("img[alt]")
    return (img.attributes.get("alt") or "").strip() if img is not None else ""


def _is_heading(node: LexborNode) -> bool:
    if node.tag in _HEADING_TAGS:
        return True
    cls = node.attributes.get("class") or ""
    return node.tag in ("span", "div", "p", "li") and bool(_HEADING_CLASS.search(cls))


def _heading(node: LexborNode) -> str | None:
    """The first heading-like text inside ``node`` that holds no link (among its first nodes
    only: a box's heading comes first, and big containers must not cost a full walk)."""
    for i, child in enumerate(node.traverse()):
        if i > _HEADING_NODES:
            return None
        if child.tag == "a" or not _is_heading(child) or child.css_first("a") is not None:
            continue  # a heading bar holding the 更多 link: its parts are visited next
        text = _text(child)
        if text:
            return text
    return None


def _before(node: LexborNode) -> str | None:
    """A heading just before ``node`` (``<h3>部门名单</h3><ul>…</ul>``)."""
    sib = node.prev
    for _ in range(4):
        if sib is None:
            return None
        if sib.tag not in ("-text", "-comment"):
            if _is_heading(sib) and sib.css_first("a") is None:
                return _text(sib) or None
            return None
        sib = sib.prev
    return None


def _context(a: LexborNode) -> str | None:
    """The heading of the nearest box around a link (three levels up at most)."""
    own = normalise(_label(a))
    node = a.parent
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return None
        h = _heading(node) or _before(node)
        if h and normalise(h) != own:
            return h
        node = node.parent
    return None


def _absolute(base_url: str, href: str) -> str | None:
    """``href`` made absolute, or None when it is no fetchable http(s) URL (``mailto:``, or
    malformed: ``http://host:80:80/``, ``http://[gov/`` — such a link costs itself only). The
    fragment is kept when it names a catalogue category (``/gkmlpt/index#2571``)."""
    frag = href.rsplit("#", 1)[1] if "#" in href else ""
    try:
        url = resolve_url(base_url, href)
        if not is_http(url):
            return None
        checked_url(url)
    except BadURL:
        return None
    return f"{url}#{frag}" if re.fullmatch(r"\d{1,12}", frag) else url


def page_links(html: str, url: str, tree: LexborHTMLParser | None = None) -> list[PageLink]:
    """Every followable link of a page, in document order, absolute."""
    tree = tree if tree is not None else LexborHTMLParser(html)
    base_url = url
    b = tree.css_first("base[href]")
    if b is not None and b.attributes.get("href"):
        base_url = _absolute(url, b.attributes["href"] or "") or url
    out: list[PageLink] = []
    for node in tree.css("a[href], area[href], option[value], frame[src], iframe[src]"):
        if len(out) >= MAX_LINKS:
            break
        tag = node.tag
        attr = "src" if tag in ("frame", "iframe") else "value" if tag == "option" else "href"
        href = (node.attributes.get(attr) or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        if tag == "option" and not re.match(r"(?:https?:)?//|/|\.\.?/|[\w-]+\.s?html?$", href):
            continue  # an option's value is an address only when it looks like one
        absolute = _absolute(base_url, href)
        if absolute is None:
            continue
        if tag == "option":
            select = node.parent
            while select is not None and select.tag != "select":
                select = select.parent
            first = select.css_first("option") if select is not None else None
            caption = _text(first) if first is not None and first is not node else None
            out.append(PageLink(absolute, _text(node), caption, in_select=True))
            continue
        if tag in ("frame", "iframe"):
            label = (node.attributes.get("title") or node.attributes.get("name") or "").strip()
            out.append(PageLink(absolute, label))
            continue
        label = _label(node)
        # the box heading speaks for a bare 更多 and says whether names are a sub-platform list
        wanted = is_generic(label) or _MAYBE_AGENCY.search(label) is not None
        out.append(PageLink(absolute, label, _context(node) if wanted else None))
    return out


def page_title(tree: LexborHTMLParser) -> str:
    """The page's name: ``<meta name="ColumnName">`` if any, else the ``<title>``."""
    for m in tree.css("meta[name]"):
        if (m.attributes.get("name") or "").lower() == "columnname":
            v = (m.attributes.get("content") or "").strip()
            if v:
                return v
    t = tree.css_first("title")
    return _text(t) if t is not None else ""


def title_parts(title: str) -> list[str]:
    """A title split at its separators (``政府信息公开年报_华溪县人民政府`` → two parts)."""
    return [p for p in _SEPARATORS.split(title or "") if p]


def site_name(tree: LexborHTMLParser) -> str | None:
    """The site's name as it gives it: ``<meta name="SiteName">``, else the ``<title>``."""
    for m in tree.css("meta[name]"):
        if (m.attributes.get("name") or "").lower() == "sitename":
            v = (m.attributes.get("content") or "").strip()
            if v:
                return v
    t = tree.css_first("title")
    return _text(t) or None if t is not None else None


def needs_js(html: str, links: list[PageLink]) -> bool:
    """A page whose content (its navigation included) only JavaScript builds: scripts, little
    text, hardly a link. Such navigation is reported, never guessed from the script."""
    if len(links) > 3:  # a page with links is read, whatever its scripts do
        return False
    return looks_js_only(html, len(links), visible_text(html))
