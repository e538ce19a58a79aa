"""From a list (column) page to report links: what is a report, what is another list page.

The crawler knows nothing of the report format beyond this module's question "is this link a
report?", answered from the link's title (``2023年…政府信息公开工作年度报告``, ``二〇二三年…``,
``…年报``, 更正/修订版 re-issues) and its URL. Pagination and CMS quirks live in
:mod:`scraper.adapters`; this module ties them together and canonicalises URLs so that one
article reached by two URLs is fetched once.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.urls import BadLink, BadURL, checked_url, is_http, resolve_url, split_url, url_port

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
    r"downfile\.jsp|download\.jsp|/module/download/|filedownload|file-download|attachment\.(?:jsp|do|aspx?)|getfile",
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
            r"(?:filename|showname|file|fileurl|filepath)=[^&]*\.(?:pdf|docx?|wps|ofd|xlsx?)\b",
            parts.query,
            re.I,
        )
    )


_EXPIRY = re.compile(r"^(?:expires?|expiry|expire_?time|deadline|x-amz-expires)$", re.I)
_SIGNING = re.compile(
    r"^(?:sign|signature|x-amz-signature|x-amz-credential|x-amz-date|x-amz-security-token|"
    r"x-amz-signedheaders|x-amz-algorithm|ossaccesskeyid|auth_key)$",
    re.I,
)


def has_expiry(url: str) -> bool:
    """Whether a URL carries an expiry parameter (``expires=…``): a signed, time-limited link
    such as the jpaas download gateway's. Such a link must be fetched soon after the page that
    gave it; a 403 later means it expired, not that the file is gone."""
    return any(_EXPIRY.match(k) for k, _ in parse_qsl(urlsplit(url).query))


def canonical_url(url: str) -> str:
    """The identity of a URL: lower-case scheme/host, no default port, no fragment, dot
    segments resolved, tracking parameters dropped, ``…/index.html`` = ``…/``, and the VSB
    alias ``content.jsp?…wbtreeid=T&wbnewsid=N`` = ``info/T/N.htm`` beside it.

    Expiry and signature parameters of time-limited links (``expires``, ``sign``,
    ``X-Amz-*`` …) are not part of the identity: the same file gets a fresh link every time
    its page is read (see :func:`has_expiry`).

    A malformed URL (``http://host:80:80/``, ``http://[gov/``) raises :class:`BadURL`."""
    parts = split_url(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    port = url_port(parts, url)
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
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (_TRACKING.match(k) or _EXPIRY.match(k) or _SIGNING.match(k))
    ]
    q = dict(query)
    low = path.lower()
    if (
        low.endswith(".jsp")
        and q.get("wbtreeid", "").isdigit()
        and q.get("wbnewsid", "").isdigit()
        and (low.endswith("/content.jsp") or q.get("urltype", "").lower() == "news.newscontenturl")
    ):
        # VSB serves every article twice: /info/<tree>/<id>.htm and the JSP alias beside it
        root = path.rsplit("/", 1)[0]
        info = f"{root}/info/{q['wbtreeid']}/{q['wbnewsid']}.htm"
        return urlunsplit((scheme, netloc, info, "", ""))
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
        url = resolved.get(href, _UNSEEN)
        if url is _UNSEEN:
            url = resolved[href] = _resolve_link(base, href)
        if url is None:
            continue  # file:, ftp:, data: … are never fetched, so never recorded either
        if isinstance(url, BadURL):
            _reject(rejected, url, base_url)
            continue
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


_UNSEEN = object()


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
        pager = _is_pager_link(a, target, here, cdir)
        if pager:
            pagers.append(a)
        if pager or _is_sub_column(a, target, cdir, url):
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


_PAGER_TEXT = re.compile(
    r"^(?:下一?页|下页|后一?页|上一?页|上页|前一?页|尾页|末页|最后一?页|"
    r"next(?:page)?|prev(?:ious)?(?:page)?|last(?:page)?|第?\d{1,4}页?)$",
    re.I,
)
_PREV_TEXT = re.compile(r"上一?页|上页|前一?页|prev", re.I)
_PAGER_JUNK = re.compile(r"[\s\u3000\xa0\[\]【】<>《》«»‹›()（）|.·]+")


def is_pager_text(text: str) -> bool:
    """Link text of a pagination control: 下一页, [下一页], 下页>>, 上一页, 尾 页, 末页, »,
    a page number (``3``, ``[3]``, ``第3页``)."""
    t = text.strip()
    if t in (">", ">>", "»", "›", ">|", "→", "<", "«", "‹", "←"):
        return True
    return bool(_PAGER_TEXT.match(_PAGER_JUNK.sub("", t)))


def _is_pager_link(a: Anchor, target, here, cdir: str) -> bool:
    if not is_pager_text(a.text):
        return False
    if target.path == here.path:
        return target.query != here.query and bool(
            re.search(r"page|pageindex|pageno|cur_page|p=|start", target.query, re.I)
        )
    tdir = target.path.rsplit("/", 1)[0] + "/"
    cpath = urlsplit(cdir).path
    return tdir.startswith(cpath) and bool(_LISTLIKE.search(target.path.rsplit("/", 1)[1]))


# --- page counts written in the page ---------------------------------------------------------

_PAGE_PARAM = re.compile(
    r"^(?:page|pageno|page_no|pagenum|pagenumber|pageindex|page_index|cur_?page|currentpage|"
    r"pn|p|ipage|pagenow|startpage|pageid)$",
    re.I,
)
_TOTAL_PAGES = (
    re.compile(r"共\s*(\d{1,4})\s*页"),
    re.compile(r"第?\s*\d{1,4}\s*/\s*(\d{1,4})\s*页"),
    re.compile(r"页次\s*[:：]?\s*\d{1,4}\s*/\s*(\d{1,4})"),
    re.compile(
        r"\b(?:totalPages?|pageCount|page_count|pagecount|maxPage|totalpage|pageTotal)"
        r"\s*[:=]\s*['\"]?(\d{1,4})\b",
        re.I,
    ),
)
_CURRENT_PAGE = (
    re.compile(r"第\s*(\d{1,4})\s*(?:/\s*\d{1,4}\s*)?页"),
    re.compile(r"当前\s*第?\s*(\d{1,4})\s*页"),
    re.compile(r"页次\s*[:：]?\s*(\d{1,4})\s*/"),
    re.compile(r"(\d{1,4})\s*/\s*\d{1,4}\s*页"),
)
_NUMBERED_FILE = re.compile(r"^(.*?)(\d{1,5})(\.[A-Za-z]{2,5})$")
_TAGS = re.compile(r"<[^>]{0,2000}>")
MAX_COUNTED_PAGES = 500


def _first_int(patterns, text: str) -> int | None:
    for pat in patterns:
        m = pat.search(text)
        if m:
            return int(m.group(1))
    return None


def _page_value(url: str, param: str | None) -> int | None:
    """The page number a URL carries: in query parameter ``param``, or (``param`` None) at the
    end of its file name (``list-3.html``, ``3.html``)."""
    parts = urlsplit(url)
    if param is not None:
        v = dict(parse_qsl(parts.query, keep_blank_values=True)).get(param)
        return int(v) if v is not None and v.isdigit() else None
    m = _NUMBERED_FILE.match(parts.path.rsplit("/", 1)[-1])
    return int(m.group(2)) if m else None


def _with_value(template: str, param: str | None, value: int, here: str) -> str:
    parts = urlsplit(template)
    if param is not None:
        q = [(k, str(value) if k == param else v) for k, v in parse_qsl(parts.query, True)]
        if param not in dict(q):
            q.append((param, str(value)))
        return urlunsplit(parts._replace(query=urlencode(q), fragment=""))
    head, name = parts.path.rsplit("/", 1)
    m = _NUMBERED_FILE.match(name)
    if m is None:  # pragma: no cover - templates are chosen for matching
        return here
    return urlunsplit(parts._replace(path=f"{head}/{m.group(1)}{value}{m.group(3)}", fragment=""))


def counted_pages(text: str, url: str, pagers: list[Anchor]) -> list[Link]:
    """Every page of a list whose page count is written in the page (共12页, 第1/12页,
    页次：1/12, ``totalPage = 12``) while its pagination links show only a few pages or only
    下一页. The page address comes from the list's own URL or one of its pagination links:
    a page parameter (``?page=2``, ``&cur_page=2``, ``pageIndex=1``) or a number ending the file
    name (``list-2.html``, ``2.html``). Whether numbering starts at 0 or 1 is read from a
    numbered pagination link (text ``3`` → value 3 or 2) or from the page's own number and the
    current page it names, never assumed. At most ``MAX_COUNTED_PAGES`` links."""
    if "页" not in text and "page" not in text.lower():
        return []
    plain = _TAGS.sub(" ", text)
    total = _first_int(_TOTAL_PAGES, plain)
    if not total or total < 2:
        return []
    total = min(total, MAX_COUNTED_PAGES)
    here = urlsplit(url)
    here_q = dict(parse_qsl(here.query, keep_blank_values=True))
    here_dir = here.path.rsplit("/", 1)[0]
    param: str | None = next((k for k in here_q if _PAGE_PARAM.match(k)), None)
    template: str | None = url if param is not None else None
    numbered: list[tuple[int, int]] = []  # (shown number, page value) of numbered links
    nexts: list[int] = []
    prevs: list[int] = []
    for a in pagers:
        t = urlsplit(a.url)
        if template is None and t.path == here.path:
            q = dict(parse_qsl(t.query, keep_blank_values=True))
            diff = [k for k in q if here_q.get(k) != q[k]]
            if len(diff) == 1 and _PAGE_PARAM.match(diff[0]) and q[diff[0]].isdigit():
                template, param = a.url, diff[0]
        elif template is None and t.path != here.path and t.path.rsplit("/", 1)[0] == here_dir:
            mine = _NUMBERED_FILE.match(here.path.rsplit("/", 1)[-1])
            theirs = _NUMBERED_FILE.match(t.path.rsplit("/", 1)[-1])
            if theirs and (mine is None or mine.group(1, 3) == theirs.group(1, 3)):
                template, param = a.url, None
    if template is None:
        return []
    for a in pagers:
        value = _page_value(a.url, param)
        if value is None or (param is None and not _same_series(a.url, template)):
            continue
        shown = re.sub(r"\D", "", a.text)
        if shown and a.text.strip().strip("[]【】第页 ").isdigit():
            numbered.append((int(shown), value))
        elif re.search(r"下一?页|下页|后一?页|next", a.text, re.I):
            nexts.append(value)
        elif _PREV_TEXT.search(a.text):
            prevs.append(value)
    own = _page_value(url, param)
    if own is not None and (any(v <= own for v in nexts) or any(v >= own for v in prevs)):
        return []  # numbered downwards (VSB): not a series to count up
    if len({value - shown for shown, value in numbered}) > 1:
        return []  # the links disagree about the numbering: nothing safe to plan
    current = _first_int(_CURRENT_PAGE, plain)
    shown_here = current if current is not None else 1 if own is None else None
    if numbered:  # a link showing "3" carries page value 3 (1-based) or 2 (0-based)
        offset = numbered[0][1] - numbered[0][0]
    elif own is not None and current is not None:
        offset = own - current
    elif nexts and shown_here is not None:
        offset = nexts[0] - (shown_here + 1)
    else:
        offset = -1 if own == 0 else 0
    out: list[Link] = []
    own_key = canonical_url(url)
    for shown_page in range(1, total + 1):
        value = shown_page + offset
        if shown_page == shown_here or value < 0 or (param is None and value == 0 and own is None):
            continue
        link = Link(_with_value(template, param, value, url), "list")
        if link.key != own_key:
            out.append(link)
    return out


def _same_series(url: str, template: str) -> bool:
    a = _NUMBERED_FILE.match(urlsplit(url).path.rsplit("/", 1)[-1])
    b = _NUMBERED_FILE.match(urlsplit(template).path.rsplit("/", 1)[-1])
    return bool(a and b and a.group(1, 3) == b.group(1, 3))


def _is_sub_column(a: Anchor, target, cdir: str, page_url: str) -> bool:
    """A deeper list under the column (year ``2023n/``, township ``xzjd/`` sub-columns)."""
    cpath = urlsplit(cdir).path
    if not target.path.startswith(cpath) or target.query or cpath == "/":
        return False  # a list at the site root (``/iList.jsp?…``) has no folder of its own
    rest = target.path[len(cpath) :]
    if not rest or rest.count("/") > 2 or "/" not in rest:
        return False
    name = rest.rsplit("/", 1)[1]
    if not _LISTLIKE.search(name):
        return False
    # TRS article dirs are YYYYMM; they hold articles, not lists.
    return not re.fullmatch(r"\d{6}/.*", rest)


# --- the xxgk metadata table --------------------------------------------------------------

_LABELS = {
    "index_no": ("索引号", "索引编号"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发文单位",
        "发布单位",
        "发布机关",
        "公开主体",
        "制发机关",
        "公开机构",
        "信息来源",
    ),
    "published": ("发布日期", "公开日期", "发布时间", "上载日期", "生成日期"),
    "issued": ("发文日期", "成文日期", "印发日期"),
    "title": ("名称", "标题", "文件名称", "信息名称", "文章标题"),
    "doc_no": ("文号", "发文字号", "文件编号"),
    "category": ("分类", "主题分类", "组配分类", "体裁分类", "信息分类"),
}
_LABEL_OF = {label: key for key, labels in _LABELS.items() for label in labels}
_LABEL_JUNK = re.compile(r"[\s\u3000\xa0:：\[\]【】]+")
_GAP = r"[\s\u3000\xa0]*"
_INLINE_LABEL = re.compile(
    "("
    + "|".join(_GAP.join(map(re.escape, lab)) for lab in sorted(_LABEL_OF, key=len, reverse=True))
    + f"){_GAP}[:：]"
)
_LABEL_BEFORE = " \u3000\xa0|｜;；,，、)）]】"
_MAX_META_NODES = 400


def _label(text: str) -> str | None:
    """The metadata key of a label cell (``索 引 号：``, ``名&nbsp;&nbsp;称``, ``发文机关:``)."""
    t = _LABEL_JUNK.sub("", text)
    return _LABEL_OF.get(t) if 2 <= len(t) <= 8 else None


def xxgk_metadata(tree: LexborHTMLParser) -> dict[str, str]:
    """The label/value block an open-government (xxgk) article page shows above its body:
    索引号, 发布机构, 发文日期, 名称, 文号 … in a table (label cell, value cell), or as
    ``<li><b>索引号：</b>…</li>`` lines. Labels are matched whatever their spacing (``索 引 号``,
    full-width spaces, ``&nbsp;``) or colon; keys are those of ``_LABELS``. Only the first few
    hundred rows are read, so a huge table costs little."""
    out: dict[str, str] = {}
    for i, row in enumerate(tree.css("tr")):
        if i >= _MAX_META_NODES:
            break
        cells = [c for c in row.iter() if c.tag in ("td", "th")]
        if len(cells) > 12:
            continue
        for k in range(len(cells) - 1):
            key = _label(cells[k].text() or "")
            if key and key not in out:
                value = _clean(cells[k + 1].text())
                if value and _label(value) is None:
                    out[key] = value
    for i, node in enumerate(tree.css("li, p, span, dd, td")):
        if i >= _MAX_META_NODES * 4:
            break
        text = _short_text(node)
        if text and len(text) <= 300:
            _inline_labels(text, out)
    return out


def _inline_labels(text: str, out: dict[str, str]) -> None:
    """``索引号：… 发布机构：… 发文日期：…`` written in one line: each value runs to the next
    label."""
    found = [
        m
        for m in _INLINE_LABEL.finditer(text)
        if m.start() == 0 or text[m.start() - 1] in _LABEL_BEFORE
    ]
    for m, nxt in zip(found, [*found[1:], None], strict=False):
        key = _label(m.group(1))
        value = text[m.end() : nxt.start() if nxt else len(text)].strip(" \u3000\xa0|｜;；,，")
        if key and value and key not in out:
            out[key] = value


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
        _clean(meta.get("articletitle"))
        or table.get("title")
        or (_clean(tree.css_first("title").text()) if tree.css_first("title") else None)
    )
    out.date = (
        find_date(meta.get("pubdate"))
        or find_date(meta.get("publishdate"))
        or find_date(table.get("published"))
        or find_date(table.get("issued"))
    )
    out.publisher = table.get("publisher") or _clean(meta.get("contentsource")) or None
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
