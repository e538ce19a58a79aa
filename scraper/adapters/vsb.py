"""VSB / 博达站群 (many county portals and most universities).

A column is ``…/zwgk/xxgknb.htm``; its older pages are ``…/zwgk/xxgknb/<n>.htm`` numbered
*downwards*: with 31 pages, page 2 is ``30.htm`` and the last, oldest page is ``1.htm``. The
pager shows a few of them (``<span class="p_no"><a href="xxgknb/30.htm">2</a>``, 下页, 尾页)
and the count in ``共31页`` and ``_simple_list_gotopage_fun(31, …)``.

Because numbers count from the oldest page, the items behind a number shift whenever one is
published, and a new page ``31.htm`` appears once the last one is full. So every page is
planned from one reading of the entry page — the one snapshot that names them all — and asked
newest first: an item pushed one page older while the walk runs is read twice (kept once, by
URL) rather than skipped. Between runs a publication changes the entry page, so the next run
walks the whole column again and reads every page as it is then: nothing is missed or counted
twice. (A publication *during* a walk that also opens a new page renumbers everything; pages
read before and after it then disagree and a page's items can be missed by that walk — the
entry page read by it is already out of date, so the next run walks the column again and finds
them.)

Articles are ``/info/<tree>/<id>.htm``, also reachable as ``content.jsp?urltype=news.
NewsContentUrl&wbtreeid=<tree>&wbnewsid=<id>`` (one identity: see
:func:`scraper.canonical.canonical_url`). The JSP list variant pages with
``?a<unit>t=<pages>&a<unit>p=<page>&a<unit>c=<size>`` parameters; those are planned the same way.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scraper.anchors import Anchor, Link
from scraper.urls import BadLink, BadURL, resolve_url, split_url

_MARKERS = re.compile(
    r"_simple_list_gotopage_fun|/system/resource/js/|pb_sys_common|urltype=news\.NewsContentUrl|"
    r"v_news_content|vsb_content",
    re.I,
)
_GOTOPAGE = re.compile(r"_simple_list_gotopage_fun\s*\(\s*(\d{1,5})\s*,")
_TOTAL = re.compile(r"共\s*(\d{1,5})\s*页|\b\d{1,5}\s*/\s*(\d{1,5})\s*(?:页|</)")
_HREF = re.compile(r"""href\s*=\s*["']([^"'<>\s]{1,500})["']""", re.I)
_JSP_PAGE = re.compile(r"^a(\d{1,8})p$")

MAX_PAGES = 500


def _total(text: str) -> int | None:
    m = _GOTOPAGE.search(text)
    if m:
        return int(m.group(1))
    m = _TOTAL.search(text)
    if m:
        return int(m.group(1) or m.group(2))
    return None


class VsbAdapter:
    name = "vsb"

    def detect(self, text: str, url: str) -> bool:
        return bool(_MARKERS.search(text[:2_000_000]))

    def anchors(
        self, text: str, url: str, *, rejected: list[BadLink] | None = None
    ) -> list[Anchor]:
        return []

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]:
        parts = urlsplit(url)
        jsp = self._jsp_pages(text, url)
        if jsp:
            return jsp
        if not parts.path.lower().endswith(".htm") or parts.query:
            return []
        stem = parts.path[: -len(".htm")]
        if re.fullmatch(r"\d{1,6}", stem.rsplit("/", 1)[-1]):
            return []  # a numbered page: the entry page planned them all
        folder = urlunsplit(parts._replace(path=stem + "/", query="", fragment=""))
        numbers = []
        for href in _HREF.findall(text):
            try:
                target = resolve_url(url, href)
            except BadURL:
                continue  # a malformed link is no page number (the link reader records it)
            if target.startswith(folder):
                rest = target[len(folder) :]
                if re.fullmatch(r"\d{1,6}\.htm", rest):
                    numbers.append(int(rest[:-4]))
        if not numbers:
            return []
        total = _total(text)
        last = max(numbers)
        if total is not None and total - 1 >= last:
            last = total - 1  # the pager shows only a few numbers; the count says how many
        last = min(last, MAX_PAGES)
        return [Link(f"{folder}{n}.htm", "list") for n in range(last, 0, -1)]

    def _jsp_pages(self, text: str, url: str) -> list[Link]:
        """``list.jsp?a5t=31&a5p=2&a5c=15&…``: every page from the total in ``a5t``."""
        for href in _HREF.findall(text):
            try:
                parts = split_url(resolve_url(url, href.replace("&amp;", "&")))
            except BadURL:
                continue
            q = parse_qsl(parts.query, keep_blank_values=True)
            keys = dict(q)
            unit = next((m.group(1) for k in keys if (m := _JSP_PAGE.match(k))), None)
            if unit is None or not keys.get(f"a{unit}t", "").isdigit():
                continue
            total = min(int(keys[f"a{unit}t"]), MAX_PAGES)
            out = []
            for n in range(1, total + 1):
                qn = [(k, str(n) if k == f"a{unit}p" else v) for k, v in q]
                out.append(Link(urlunsplit(parts._replace(query=urlencode(qn))), "list"))
            return out
        return []
