"""Hanweb 大汉 jcms + jpage (``/col/col<ID>/index.html``).

The first records of a column sit inside ``<script type="text/xml"><datastore>…<record>
<![CDATA[<li>…</li>]]></record>…`` — invisible to a link extractor until the CDATA is unwrapped.
Later records come from ``POST /module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&
perpage=15`` with the column's ``param`` object as the form body and the column page as Referer;
answers are the same XML, in groups of three pages, and consecutive groups overlap by one record
(URL canonicalisation removes the duplicate). Older installs use ``/module/jpage/dataproxy.jsp``;
the ``proxyUrl`` in the page says which.

Some columns carry no ``param_…`` object: the datastore's ``<nextgroup>`` link
(``dataproxy.jsp?page=1&webid=…&columnid=…&unitid=…``) holds the column parameters in its query,
and ``totalRecord``/``perpage`` sit in a script. Later groups are then asked with
``startrecord``/``endrecord``/``perpage`` added to those parameters, as GET requests to the same
proxy (dataproxy.jsp reads its parameters from the query and the form body alike).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlunsplit

from scraper.anchors import Anchor, Link, html_anchors
from scraper.urls import BadLink, BadURL, checked_url, resolve_url, split_url

_RECORD_START = re.compile(r"<record>\s*<!\[CDATA\[", re.I)
_RECORD_END = re.compile(r"\]\]>\s*</record>", re.I)
_PARAM = re.compile(r"var\s+param_\w+\s*=\s*\{([^{}]*)\}")  # [^{}]: no rescans (linear)
_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,}\s]+))""")
_TOTAL = re.compile(
    r"totalRecord\s*[:=]\s*['\"]?(\d+)|<totalrecord>\s*(\d+)\s*</totalrecord>", re.I
)
_PERPAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)|[?&]perpage=(\d+)", re.I)
_PROXY = re.compile(r"""proxyUrl\s*[:=]\s*['"]([^'"]+)['"]""")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[\s*<a[^>]+href=['\"]([^'\"]+)['\"]", re.I)
_GROUP_KEYS = frozenset({"page", "startrecord", "endrecord", "perpage"})
"""Query keys of a ``<nextgroup>`` link that name its place in the list, not the column."""

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
MAX_RECORDS = 20000
MAX_PER_PAGE = 500


def records(text: str) -> list[str]:
    """The CDATA bodies of ``<record><![CDATA[…]]></record>`` in order, in one linear pass.

    A CDATA section ends at the first ``]]>``; a lazy ``.*?`` regex would instead rescan the
    rest of the page for every unclosed record (30 s for a 527 KB page of them).
    """
    out: list[str] = []
    pos = 0
    while True:
        start = _RECORD_START.search(text, pos)
        if start is None:
            return out
        end = text.find("]]>", start.end())
        if end < 0:
            return out  # no record after this one can close either
        if _RECORD_END.match(text, end):
            out.append(text[start.end() : end])
        pos = end + 3


class HanwebAdapter:
    name = "hanweb"

    def detect(self, text: str, url: str) -> bool:
        return "<datastore" in text.lower() or "dataproxy.jsp" in text

    def anchors(
        self, text: str, url: str, *, rejected: list[BadLink] | None = None
    ) -> list[Anchor]:
        out: list[Anchor] = []
        for rec in records(text):
            out.extend(html_anchors(rec, url, rejected=rejected))
        return out

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]:
        if "dataproxy.jsp" in url:
            return []  # a proxy answer: the column page already planned every group
        tot = _TOTAL.search(text)
        nextgroup = _NEXTGROUP.search(text)
        m = _PARAM.search(text)
        if tot is None or (m is None and nextgroup is None):
            return self._nextgroup(text, url)
        total = min(int(tot.group(1) or tot.group(2)), MAX_RECORDS)
        pp = _PERPAGE.search(text)
        # the page's script is the server's word: perPage 0 would never advance the groups
        per_page = min(max(int(pp.group(1) or pp.group(2)) if pp else 15, 1), MAX_PER_PAGE)
        groups = _groups(total, per_page, shown=len(records(text)))
        if m is None:
            assert nextgroup is not None  # one of the two was found (checked above)
            return self._nextgroup_groups(nextgroup.group(1), url, groups, per_page)
        params: dict[str, str] = {}
        for k, a, b, c in _PAIR.findall(m.group(1)):
            params[k] = a or b or c
        px = _PROXY.search(text)
        try:
            proxy = checked_url(resolve_url(url, px.group(1) if px else DEFAULT_PROXY))
        except BadURL:  # proxyUrl:'javascript:…', or a malformed address: the usual path
            proxy = urljoin(url, DEFAULT_PROXY)
        body = urlencode(params).encode()
        return [
            Link(
                f"{proxy}?{urlencode({'startrecord': start, 'endrecord': end, 'perpage': per_page})}",
                "list",
                method="POST",
                data=body,
                headers=(
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Referer", url),
                ),
            )
            for start, end in groups
        ]

    def _nextgroup_groups(
        self, href: str, url: str, groups: list[tuple[int, int]], per_page: int
    ) -> list[Link]:
        """The groups asked from the proxy the ``<nextgroup>`` link names, with the column
        parameters of its query (``page=1`` dropped) and the group's records added."""
        target = split_url(checked_url(resolve_url(url, unescape(href).strip())))
        if "dataproxy" not in target.path:
            return self._nextgroup_link(href, url)
        column = [
            (k, v)
            for k, v in parse_qsl(target.query, keep_blank_values=True)
            if k.lower() not in _GROUP_KEYS
        ]
        links = []
        for start, end in groups:
            query = [("startrecord", str(start)), ("endrecord", str(end))]
            query += [("perpage", str(per_page)), *column]
            links.append(
                Link(
                    urlunsplit(target._replace(query=urlencode(query), fragment="")),
                    "list",
                    headers=(("Referer", url),),
                )
            )
        return links

    def _nextgroup(self, text: str, url: str) -> list[Link]:
        m = _NEXTGROUP.search(text)
        return self._nextgroup_link(m.group(1), url) if m else []

    @staticmethod
    def _nextgroup_link(href: str, url: str) -> list[Link]:
        target = checked_url(resolve_url(url, unescape(href).strip()))
        return [Link(target, "list", headers=(("Referer", url),))]


def _groups(total: int, per_page: int, *, shown: int) -> list[tuple[int, int]]:
    """(startrecord, endrecord) of each group after the ``shown`` records the page holds:
    three pages a group, as jpage asks them."""
    group = per_page * 3
    out = []
    start = shown + 1
    while start <= total:
        end = min(start + group - 1, total)
        out.append((start, end))
        start = end + 1
    return out
