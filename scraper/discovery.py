"""From a list (column) page to report links: what is a report, what is another list page.

The crawler knows nothing of the report format beyond this module's question "is this link a
report?", answered from the link's title (``2023年…政府信息公开工作年度报告``, ``二〇二三年…``,
``…年报``, 更正/修订版 re-issues) and its URL. Pagination and CMS quirks live in
:mod:`scraper.adapters`; this module ties them together and canonicalises URLs so that one
article reached by two URLs is fetched once.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

# --- report titles -------------------------------------------------------------------------

_CN_DIGIT = "〇○零Ｏ一二三四五六七八九"
_YEAR = rf"(?:(?:19|20)\d{{2}}|[１２][０-９]{{3}}|[二两][{_CN_DIGIT}]{{3}})"
_OGI = r"(?:政府信息公开|政务信息公开|信息公开|政务公开)"
_REPORT_CORE = re.compile(
    rf"{_YEAR}\s*年\s*度?.{{0,40}}?{_OGI}.{{0,16}}?(?:年度?报告|年报|工作报告|报告)"
    rf"|{_OGI}.{{0,16}}?(?:年度?报告|年报)"
    rf"|{_YEAR}\s*年\s*度?.{{0,40}}?(?:年度?报告|年报)"
)
_SUFFIX = re.compile(
    r"(?:[（(【\[][^（）()【】\[\]]{0,12}[）)】\]]|\.(?:pdf|docx?|wps|ofd|xlsx?)|\s|[-—_:：]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})+$",
    re.I,
)
_NOT_REPORT = re.compile(
    r"通知|公告|的函|要点|通报|编制|培训|评估|考核|指引|模板|格式|征求|意见|方案|解读|说明|目录|指南|制度|规定|办法|统计年报|决算|预算"
)
_REISSUE = re.compile(r"更正|修订|修正|重新发布|更新版")


MAX_TITLE = 300
"""Longest link title read as a report title (real ones are under 100 characters)."""


def is_report_title(title: str | None, *, in_report_column: bool = False) -> bool:
    """Whether a link title names an annual OGI report.

    The title (after stripping trailing ``（更正）``/``（图片版）``/``.pdf``/dates) must end with
    报告 or 年报 and mention information disclosure; inside a known report column (whose URL says
    ``zfxxgknb``/``xxgknb``/``gknb``) a year plus 年度报告/年报 is enough.
    """
    if not title:
        return False
    t = re.sub(r"\s+", "", title)
    if len(t) > MAX_TITLE:
        return False  # not a title; and _SUFFIX is quadratic on long runs of its characters
    core = _SUFFIX.sub("", t)
    if not (core.endswith("报告") or core.endswith("年报")):
        return False
    if _NOT_REPORT.search(core):
        return False
    m = _REPORT_CORE.search(core)
    if not m:
        return False
    return bool(re.search(_OGI, core)) or in_report_column


def is_reissue(title: str | None) -> bool:
    """A corrected or revised re-issue (更正/修订版) of a report."""
    return bool(title and _REISSUE.search(title))


_COLUMN_URL = re.compile(r"zfxxgknb|xxgknb|gknb|ndbg|nianbao|gongkainianbao", re.I)


def is_report_column(url: str) -> bool:
    return bool(_COLUMN_URL.search(url))


# --- URLs ----------------------------------------------------------------------------------

ATTACHMENT_EXTS = (
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".ofd",
    ".xls",
    ".xlsx",
    ".et",
    ".rtf",
    ".zip",
    ".rar",
    ".7z",
    ".csv",
    ".txt",
)
_DOWNLOAD = re.compile(
    r"downfile\.jsp|download\.jsp|/module/download/|filedownload|attachment\.(?:jsp|do|aspx?)|getfile",
    re.I,
)
_TRACKING = re.compile(
    r"^(?:utm_\w+|spm|from|source|src|share|wxfrom|isappinstalled|timestamp|_t|t)$", re.I
)


def is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXTS):
        return True
    if _DOWNLOAD.search(path):
        return True
    # download endpoints often carry the file name in the query
    return bool(
        re.search(
            r"(?:filename|showname|file)=[^&]*\.(?:pdf|docx?|wps|ofd|xlsx?)\b", parts.query, re.I
        )
    )


def canonical_url(url: str) -> str:
    """The identity of a URL: lower-case scheme/host, no default port, no fragment, dot
    segments resolved, tracking parameters dropped, ``…/index.html`` = ``…/``, and the VSB
    alias ``content.jsp?…wbtreeid=T&wbnewsid=N`` = ``/info/T/N.htm``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else f"{host}:{port}"
    )
    path = parts.path or "/"
    path = re.sub(r"/{2,}", "/", path)
    trailing = path.endswith("/")
    path = posixpath.normpath(path) if path not in ("", "/") else "/"
    if trailing and not path.endswith("/"):
        path += "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    q = dict(query)
    if path.lower().endswith("content.jsp") and q.get("wbtreeid") and q.get("wbnewsid"):
        return urlunsplit((scheme, netloc, f"/info/{q['wbtreeid']}/{q['wbnewsid']}.htm", "", ""))
    base = path.rsplit("/", 1)
    if (
        len(base) == 2
        and re.fullmatch(r"index\.(?:html?|shtml|jsp|php|aspx?)", base[1], re.I)
        and not query
    ):
        path = base[0] + "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def column_dir(url: str) -> str:
    """The directory of a column URL (``…/zfxxgknb/index.html`` → ``…/zfxxgknb/``)."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# --- links ---------------------------------------------------------------------------------

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


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ")).strip()


_CONTEXT_CHARS = 400
_CONTEXT_NODES = 200


def _short_text(node) -> str | None:
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
    text = _clean("".join(parts))
    return text if len(text) < _CONTEXT_CHARS else None


def html_anchors(html: str, base_url: str, tree: LexborHTMLParser | None = None) -> list[Anchor]:
    """Every ``<a href>`` of an HTML document or fragment, absolute, with a nearby date."""
    tree = tree if tree is not None else LexborHTMLParser(html)
    base = base_url
    b = tree.css_first("base[href]")
    if b is not None and b.attributes.get("href"):
        base = urljoin(base_url, b.attributes["href"] or "")
    out = []
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue  # file:, ftp:, data: … are never fetched, so never recorded either
        text = _clean(a.text())
        date = None
        node = a.parent
        for _ in range(
            2
        ):  # the list item, then its row (table layouts put the date in a sibling cell)
            if node is None:
                break
            ctx = _short_text(node)
            if ctx is None:
                break
            date = find_date(ctx.replace(text, " ", 1))
            if date:
                break
            node = node.parent
        out.append(
            Anchor(url=url, text=text, title=_clean(a.attributes.get("title")) or None, date=date)
        )
    return out


def visible_text(html: str, tree: LexborHTMLParser | None = None) -> str:
    """The text a reader sees (scripts and styles removed). Modifies ``tree`` if given."""
    tree = tree if tree is not None else LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    return _clean(body.text() if body is not None else "")


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


def meta_refresh(html: str, base_url: str) -> str | None:
    """The target of a ``<meta http-equiv="refresh" content="0;url=…">`` redirect."""
    head = html[:8000]
    m = _REFRESH.search(head) or _REFRESH2.search(head)
    return urljoin(base_url, m.group(1)) if m else None


def looks_js_only(html: str, n_links: int, text: str | None = None) -> bool:
    """A shell page whose content is built by JavaScript: little text, scripts, few links."""
    if n_links > 3 or "<script" not in html.lower():
        return False
    return len(visible_text(html) if text is None else text) < 300


# --- page analysis ---------------------------------------------------------------------------


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


@dataclass
class PageAnalysis:
    attachments: list[Link] = field(default_factory=list)
    title: str | None = None
    date: str | None = None
    soft_404: bool = False
    refresh: str | None = None
    needs_js: bool = False


_LISTLIKE = re.compile(
    r"(?:index|list|default|more)(?:[_-]\d+)?\.(?:s?html?|jsp|aspx?|php)$|^\d+\.s?html?$|^$", re.I
)


def analyse_list(
    text: str, url: str, *, column_url: str, adapter: str = "auto", content_type: str | None = None
) -> ListAnalysis:
    """Read a list page (HTML, or a CMS list API response) of the column ``column_url``."""
    from scraper.adapters import adapters_for

    out = ListAnalysis()
    in_col = is_report_column(column_url)
    anchors: list[Anchor] = []
    is_html = (
        "<html" in text[:2000].lower()
        or "<body" in text.lower()
        or not text.lstrip().startswith("<")
    )
    if is_html and not text.lstrip().startswith("<?xml"):
        out.refresh = meta_refresh(text, url)
        anchors = html_anchors(text, url)
    for ad in adapters_for(adapter, text, url):
        out.adapters.append(ad.name)
        anchors.extend(ad.anchors(text, url))
        out.pages.extend(ad.pages(text, url, column_url=column_url))
    cdir = column_dir(column_url)
    here = urlsplit(url)
    seen: set[str] = set()
    for a in anchors:
        label = a.label
        key = canonical_url(a.url)
        if key in seen:
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
        if _is_pager_link(a, target, here, cdir) or _is_sub_column(a, target, cdir, url):
            seen.add(key)
            out.pages.append(Link(a.url, "list", title=label or None))
    if not out.items and not out.pages and is_html:
        out.soft_404 = is_soft_404(text)
        out.needs_js = not out.soft_404 and not out.refresh and looks_js_only(text, len(anchors))
    return out


_PAGER_TEXT = re.compile(r"^(?:下一?页|下页|后页|尾页|末页|最后一?页|next|>|>>|»|\d{1,4})$", re.I)


def _is_pager_link(a: Anchor, target, here, cdir: str) -> bool:
    if not _PAGER_TEXT.match(a.text.strip()):
        return False
    if target.path == here.path:
        return target.query != here.query and bool(
            re.search(r"page|pageindex|pageno|cur_page|p=|start", target.query, re.I)
        )
    tdir = target.path.rsplit("/", 1)[0] + "/"
    cpath = urlsplit(cdir).path
    return tdir.startswith(cpath) and bool(_LISTLIKE.search(target.path.rsplit("/", 1)[1]))


def _is_sub_column(a: Anchor, target, cdir: str, page_url: str) -> bool:
    """A deeper list under the column (year ``2023n/``, township ``xzjd/`` sub-columns)."""
    cpath = urlsplit(cdir).path
    if not target.path.startswith(cpath) or target.query:
        return False
    rest = target.path[len(cpath) :]
    if not rest or rest.count("/") > 2 or "/" not in rest:
        return False
    name = rest.rsplit("/", 1)[1]
    if not _LISTLIKE.search(name):
        return False
    # TRS article dirs are YYYYMM; they hold articles, not lists.
    return not re.fullmatch(r"\d{6}/.*", rest)


def analyse_page(text: str, url: str) -> PageAnalysis:
    """Read a report page: its attachments, title and date, and whether it is really a page."""
    out = PageAnalysis()
    out.refresh = meta_refresh(text, url)
    tree = LexborHTMLParser(text)
    meta = {
        (m.attributes.get("name") or "").lower(): (m.attributes.get("content") or "")
        for m in tree.css("meta[name]")
    }
    out.title = _clean(meta.get("articletitle")) or (
        _clean(tree.css_first("title").text()) if tree.css_first("title") else None
    )
    out.date = find_date(meta.get("pubdate")) or find_date(meta.get("publishdate"))
    anchors = html_anchors(text, url, tree)
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
