"""TRS WCM (拓尔思): static pages ``index.html``, ``index_1.html`` …, whose page count exists only
in inline JavaScript: ``createPageHTML(7, 0, "index", "html")`` (total, current 0-based, base
name, extension), ``createPage(…)`` or ``var countPage = 7``.

Newer templates (TRS, and the Sohu-built ones many provinces copied) write
``createPageHTML('page_div', 7, 1, 'index', 'shtml', 150)`` (a container id first, the current
page 1-based, the record count last) and number their pages from 2: ``index_2.shtml`` is page 2,
where the classic call's ``index_1.html`` is."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scraper.anchors import Anchor, Link
from scraper.urls import BadLink

_CREATE = re.compile(
    r"""createPage(?:HTML)?\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w.-]+)["']\s*,\s*["'](\w+)["']"""
)
_CREATE_DIV = re.compile(
    r"""createPage(?:HTML)?\s*\(\s*["'][\w-]{1,64}["']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w.-]+)["']\s*,\s*["'](\w+)["']"""
)
_COUNT = re.compile(r"""var\s+countPage\s*=\s*(\d+)""")
_CURRENT = re.compile(r"""var\s+currentPage\s*=\s*(\d+)""")
_PREFIX = re.compile(r"""var\s+prefixName\s*=\s*["']([\w.-]+)["']""")
_SUFFIX = re.compile(r"""var\s+suffixName\s*=\s*["'](\w+)["']""")

MAX_PAGES = 500


class TrsAdapter:
    name = "trs"

    def detect(self, text: str, url: str) -> bool:
        return bool(_CREATE.search(text) or _CREATE_DIV.search(text) or _COUNT.search(text))

    def anchors(
        self, text: str, url: str, *, rejected: list[BadLink] | None = None
    ) -> list[Anchor]:
        return []

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]:
        d = _CREATE_DIV.search(text)
        if d:
            total, base, ext = min(int(d.group(1)), MAX_PAGES), d.group(3), d.group(4)
            # page k (1-based) is base.ext for k = 1, else base_k.ext
            return [
                Link(urljoin(url, f"{base}.{ext}" if k == 1 else f"{base}_{k}.{ext}"), "list")
                for k in range(1, total + 1)
            ]
        m = _CREATE.search(text)
        if m:
            total, base, ext = int(m.group(1)), m.group(3), m.group(4)
        else:
            c = _COUNT.search(text)
            if not c:
                return []
            total = int(c.group(1))
            p, s = _PREFIX.search(text), _SUFFIX.search(text)
            base = p.group(1) if p else "index"
            ext = (
                s.group(1)
                if s
                else url.rsplit(".", 1)[-1]
                if "." in url.rsplit("/", 1)[-1]
                else "html"
            )
        total = min(total, MAX_PAGES)
        # page k (0-based) is base.ext for k = 0, else base_k.ext, in the current page's folder
        return [
            Link(urljoin(url, f"{base}.{ext}" if k == 0 else f"{base}_{k}.{ext}"), "list")
            for k in range(total)
        ]
