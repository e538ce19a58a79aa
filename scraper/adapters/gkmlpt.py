"""Guangdong's 政府信息公开目录管理平台 (gkmlpt): every agency of the province publishes its open-
government catalogue on it, reports included.

The catalogue page ``/gkmlpt/index`` is a JavaScript shell: its only data is
``window._CONFIG = {SID: '755031', TREE: [{id, name, children: […]}, …]}`` — the site id and
the category tree. Lists come from a JSON API::

    GET /gkmlpt/api/all/<category>?page=<n>&sid=<SID>
    → {"total": 83, "articles": [{"id", "title", "url" or "post_url", "publisher",
                                  "display_publish_time", "create_time", "created_at", …}]}

and articles live at ``/gkmlpt/content/<a>/<b>/post_<id>.html``. Department and district
sub-sites put the same platform under a path (``/lhqkjhgyxxhj/gkmlpt/index``); the API is then
under that path too.

Which category: the column URL may name it (``/gkmlpt/index#2567``, as the site's own links do);
otherwise every category of the tree whose name says annual report (政府信息公开年报,
政府信息公开工作年度报告, 年度报告 …) is read — the topmost one of a branch, since the API
lists a category with its descendants.

Page numbering starts at 1 on most sites and at 0 on some, and the API does not say which.
Page 1 is asked first and its size gives the page count; on a 0-based site the last page
then comes back empty although ``total`` promised more, which is the sign to ask page 0 too.
A 1-based site never pays for the probe; a 0-based one pays one request.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scraper.anchors import Anchor, Link, find_date
from scraper.urls import BadLink, BadURL, checked_url, resolve_url

_CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{")
_SID = re.compile(r"""\bSID\s*:\s*['"]?([\w-]{1,32})['"]?""")
_TREE = re.compile(r"""\bTREE['"]?\s*:\s*\[""")
_NODE_ID = re.compile(r"""['"]?\bid['"]?\s*:\s*['"]?(\d{1,12})['"]?""")
_NODE_NAME = re.compile(
    r"""['"]?\bname['"]?\s*:\s*(?:"((?:[^"\\]|\\.){0,200})"|'([^'\\]{0,200})')"""
)
_REPORT_NAME = re.compile(r"年报|年度报告|年度工作报告")
_NOT_REPORT_NAME = re.compile(r"统计|决算|预算|审计|财务")
_API = "/gkmlpt/api/all/"
_TAG = re.compile(r"<[^>]{0,500}>")

MAX_PAGES = 500
MAX_TREE = 2_000_000
"""Characters of the category tree read; real trees are tens of kilobytes."""
CHINA = timedelta(hours=8)


def is_report_category(name: str) -> bool:
    """A category name that says annual report (and not 统计年报, 决算 …)."""
    return bool(_REPORT_NAME.search(name)) and not _NOT_REPORT_NAME.search(name)


def _tree_text(text: str) -> str | None:
    """The ``TREE: [...]`` array of the page's config, by bracket depth (strings skipped)."""
    m = _TREE.search(text)
    if m is None:
        return None
    start = m.end() - 1
    depth = 0
    quote = None
    i = start
    end = min(len(text), start + MAX_TREE)
    while i < end:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
        i += 1
    return None


def _name(raw_double: str | None, raw_single: str | None) -> str:
    if raw_double is not None:
        try:
            return json.loads(f'"{raw_double}"')
        except ValueError:
            return raw_double
    return raw_single or ""


def report_categories(text: str) -> list[str]:
    """Ids of the annual-report categories in the page's ``TREE`` (topmost of each branch)."""
    tree = _tree_text(text)
    if tree is None:
        return []
    try:
        nodes = json.loads(tree)
    except ValueError:
        nodes = None
    if isinstance(nodes, list):
        found: list[str] = []
        stack = list(reversed(nodes))
        while stack and len(found) < 50:
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            name, nid = str(node.get("name") or ""), node.get("id")
            if nid is not None and is_report_category(name):
                found.append(str(nid))
                continue  # the API lists a category's descendants with it
            for key in ("children", "child", "nodes", "sub"):
                kids = node.get(key)
                if isinstance(kids, list):
                    stack.extend(reversed(kids))
        return found
    # not JSON (unquoted keys, single quotes): read id/name pairs object by object
    found = []
    for segment in re.split(r"[{}]", tree):
        i, n = _NODE_ID.search(segment), _NODE_NAME.search(segment)
        if i and n and is_report_category(_name(n.group(1), n.group(2))):
            found.append(i.group(1))
    return list(dict.fromkeys(found))[:50]


def _day(value) -> str | None:
    """A date from an API field: epoch seconds or milliseconds (China time), or text."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        seconds = value / 1000 if value > 10**11 else value
        try:
            return (datetime.fromtimestamp(seconds, UTC) + CHINA).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        if value.isdigit():
            return _day(int(value))
        return find_date(value)
    return None


def _api_answer(text: str) -> tuple[int, list[dict]] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    articles = data.get("articles")
    if not isinstance(articles, list):
        return None
    try:
        total = int(data.get("total") or 0)
    except (TypeError, ValueError):
        total = 0
    return max(total, 0), [a for a in articles if isinstance(a, dict)]


def _page_url(url: str, page: int) -> str:
    parts = urlsplit(url)
    q = [(k, str(page) if k == "page" else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(q), fragment=""))


class GkmlptAdapter:
    name = "gkmlpt"

    def detect(self, text: str, url: str) -> bool:
        if _API in urlsplit(url).path:
            return True
        return "/gkmlpt/" in url and bool(_CONFIG.search(text[:200_000]))

    def anchors(
        self, text: str, url: str, *, rejected: list[BadLink] | None = None
    ) -> list[Anchor]:
        if _API not in urlsplit(url).path:
            return []
        answer = _api_answer(text)
        if answer is None:
            return []
        out = []
        for a in answer[1]:
            href = a.get("url") or a.get("post_url") or a.get("link")
            if not isinstance(href, str) or not href.strip():
                continue
            title = _TAG.sub("", str(a.get("title") or "")).strip()
            date = next(
                (
                    d
                    for d in map(
                        _day,
                        (
                            a.get("display_publish_time"),
                            a.get("publish_time"),
                            a.get("created_at"),
                            a.get("create_time"),
                        ),
                    )
                    if d
                ),
                None,
            )
            try:
                target = checked_url(resolve_url(url, href.strip()))
            except BadURL as e:
                if rejected is not None:
                    rejected.append(BadLink.of(e, url))
                continue
            out.append(Anchor(target, title, title or None, date))
        return out

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]:
        parts = urlsplit(url)
        if _API in parts.path:
            return self._more_pages(text, url)
        sid = _SID.search(text[:200_000])
        if sid is None or "/gkmlpt/" not in parts.path:
            return []
        fragment = urlsplit(column_url).fragment
        cats = [fragment] if fragment.isdigit() else report_categories(text)
        prefix = parts.path.split("/gkmlpt/", 1)[0]
        return [
            Link(
                urlunsplit(
                    (
                        parts.scheme,
                        parts.netloc,
                        f"{prefix}{_API}{cat}",
                        urlencode({"page": 1, "sid": sid.group(1)}),
                        "",
                    )
                ),
                "list",
                headers=(("Referer", urlunsplit(parts._replace(fragment=""))),),
            )
            for cat in cats
        ]

    def _more_pages(self, text: str, url: str) -> list[Link]:
        answer = _api_answer(text)
        if answer is None:
            return []
        total, articles = answer
        page = dict(parse_qsl(urlsplit(url).query)).get("page", "")
        if not page.isdigit():
            return []
        n = int(page)
        if n == 1 and articles:
            count = min(math.ceil(total / len(articles)), MAX_PAGES)
            return [Link(_page_url(url, k), "list") for k in range(2, count + 1)]
        if n >= 1 and not articles and total > 0:
            # numbered from 0: page 1 was the second page and the first is still unread
            return [Link(_page_url(url, 0), "list")]
        return []
