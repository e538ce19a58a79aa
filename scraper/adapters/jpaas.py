"""Hanweb jpaas (集约化平台): the platform most Jiangsu, Shandong and Zhejiang agencies moved to.

A column page is a shell. Its list is built in the browser from a "page build unit" named by
a script tag::

    <script src="/module/jpaas/AuthorizedRead/unitbuild.js"
            url="/api-gateway/jpaas-publish-server/front/page/build/unit"
            queryData="{'webId':'…','pageId':'…','tplSetId':'…','pageType':'column',
                        'tagId':'当前栏目list','editType':'null','parseType':'bulidstatic'}">

and fetched as ``GET <url>?<queryData>&paramJson={"pageNo":N,"pageSize":15}``, which answers
``{"success":true,"data":{"html":"<ul><li>…</li></ul><div class=\\"pagination\\" rows=\\"15\\"
count=\\"83\\">"}}``: an HTML fragment of the list with the page size and record count in its
pagination block. Page 1's count plans every other page; a fragment without one is followed
page by page until a page comes back empty (or repeats one already read).

Older years often sit in static year archives beside the column (``…/2021n/index.html``); the
generic link reading finds those. Attachments are served by a download gateway whose links
carry an expiry (see :func:`scraper.canonical.has_expiry` and the crawler's handling of it).
"""

from __future__ import annotations

import html
import json
import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scraper.anchors import Anchor, Link, html_anchors
from scraper.urls import BadLink, BadURL, checked_url, resolve_url

_QUERY_DATA = re.compile(r"\bquerydata\s*=", re.I)
_TAG_SPAN = 4000
"""Characters a unit's script tag may span on either side of its ``queryData``."""
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_PAGINATION = re.compile(r"<div\b[^>]*\bclass=[\"']?[^\"'>]*pagination[^>]*>", re.I)
_ROWS = re.compile(r"""\brows\s*=\s*["']?(\d{1,6})""", re.I)
_COUNT = re.compile(r"""\bcount\s*=\s*["']?(\d{1,9})""", re.I)
_DATA_PAGE = re.compile(r"""\bdata-page\s*=\s*["']?(\d{1,6})""", re.I)

UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DEFAULT_PAGE_SIZE = 15
MAX_PAGES = 500
MAX_CHAIN = 200
"""Pages followed one by one when the fragment gives no record count."""


def _attributes(tag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in _ATTR.findall(tag):
        if v[:1] in "\"'":
            v = v[1:-1]
        out.setdefault(k.lower(), html.unescape(v))
    return out


def _query_data(raw: str) -> dict[str, str] | None:
    """``queryData`` as a flat dict: JSON, or the single-quoted near-JSON most sites write."""
    for candidate in (raw, raw.replace("'", '"')):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return {
                str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for k, v in data.items()
                if v is not None
            }
    return None


def _unit_tags(text: str):
    """The ``<script …queryData=…>`` tags of a page, found from each ``queryData`` back to its
    ``<script`` (a bounded look each way: linear however many tags the page has)."""
    head = text[:2_000_000]
    low = head.lower()
    for n, m in enumerate(_QUERY_DATA.finditer(head)):
        if n >= 50:
            return
        start = low.rfind("<script", max(0, m.start() - _TAG_SPAN), m.start())
        if start < 0 or ">" in head[start : m.start()]:
            continue
        end = head.find(">", m.end(), m.end() + _TAG_SPAN)
        if end > 0:
            yield head[start : end + 1]


def unit_request(text: str, url: str) -> tuple[str, dict[str, str]] | None:
    """(API URL, query parameters) of the page's list build unit, if it has one."""
    for tag in _unit_tags(text):
        attrs = _attributes(tag)
        params = _query_data(attrs.get("querydata", ""))
        if not params:
            continue
        api = attrs.get("url") or ""
        if "jpaas" not in api and "build/unit" not in api:
            api = UNIT_PATH
        try:
            target = checked_url(resolve_url(url, api))
        except BadURL:  # javascript:…, or a malformed address: the usual path
            target = urljoin(url, UNIT_PATH)
        return target, params
    return None


def _fragment(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    inner = data.get("data")
    if isinstance(inner, dict):
        inner = inner.get("html")
    return inner if isinstance(inner, str) else None


def _paged(api: str, params: dict[str, str], page: int, size: int) -> str:
    q = dict(params)
    try:
        extra = json.loads(q.get("paramJson") or "{}")
    except ValueError:
        extra = {}
    if not isinstance(extra, dict):
        extra = {}
    extra.update(pageNo=page, pageSize=size)
    q["paramJson"] = json.dumps(extra, separators=(",", ":"), ensure_ascii=False)
    parts = urlsplit(api)
    base = [(k, v) for k, v in parse_qsl(parts.query, True) if k not in q]
    return urlunsplit(parts._replace(query=urlencode(base + list(q.items())), fragment=""))


def _page_of(url: str) -> tuple[dict[str, str], int, int] | None:
    """(other parameters, pageNo, pageSize) of a build-unit request URL."""
    q = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    try:
        pj = json.loads(q.get("paramJson") or "{}")
        page = int(pj.get("pageNo", 1))
        size = int(pj.get("pageSize", DEFAULT_PAGE_SIZE))
    except (ValueError, TypeError, AttributeError):
        return None
    return q, page, max(1, min(size, 1000))


class JpaasAdapter:
    name = "jpaas"

    def detect(self, text: str, url: str) -> bool:
        if "/jpaas-publish-server/" in url or "/build/unit" in urlsplit(url).path:
            return True
        head = text[:2_000_000]
        return "querydata" in head.lower() and ("jpaas" in head or "unitbuild" in head)

    def anchors(
        self, text: str, url: str, *, rejected: list[BadLink] | None = None
    ) -> list[Anchor]:
        if not text.lstrip().startswith("{"):
            return []
        frag = _fragment(text)
        return html_anchors(frag, url, rejected=rejected) if frag else []

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]:
        if text.lstrip().startswith("{"):
            return self._more_pages(text, url)
        unit = unit_request(text, url)
        if unit is None:
            return []
        api, params = unit
        try:
            size = int(json.loads(params.get("paramJson") or "{}").get("pageSize", 0))
        except (ValueError, TypeError, AttributeError):
            size = 0
        size = size if 0 < size <= 1000 else DEFAULT_PAGE_SIZE
        return [Link(_paged(api, params, 1, size), "list", headers=(("Referer", url),))]

    def _more_pages(self, text: str, url: str) -> list[Link]:
        frag = _fragment(text)
        here = _page_of(url)
        if frag is None or here is None:
            return []
        params, page, size = here
        api = urlunsplit(urlsplit(url)._replace(query="", fragment=""))
        box = _PAGINATION.search(frag)
        rows = _ROWS.search(box.group(0)) if box else None
        count = _COUNT.search(box.group(0)) if box else None
        if count is not None:
            per = int(rows.group(1)) if rows and int(rows.group(1)) > 0 else size
            if page != 1:
                return []
            last = min(math.ceil(int(count.group(1)) / per), MAX_PAGES)
            return [Link(_paged(api, params, k, per), "list") for k in range(2, last + 1)]
        numbers = [int(n) for n in _DATA_PAGE.findall(frag)]
        if numbers:  # page buttons: the highest is the last page
            if page != 1:
                return []
            last = min(max(numbers), MAX_PAGES)
            return [Link(_paged(api, params, k, size), "list") for k in range(2, last + 1)]
        # no count: one page after another while pages have links
        if page < MAX_CHAIN and html_anchors(frag, url):
            return [Link(_paged(api, params, page + 1, size), "list")]
        return []
