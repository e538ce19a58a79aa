"""TRS WCM (拓尔思): static pages ``index.html``, ``index_1.html`` …, whose page count exists only
in inline JavaScript: ``createPageHTML(7, 0, "index", "html")`` (total, current 0-based, base
name, extension), ``createPage(…)`` or ``var countPage = 7``."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scraper.discovery import Anchor, Link

_CREATE = re.compile(
    r"""createPage(?:HTML)?\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w.-]+)["']\s*,\s*["'](\w+)["']"""
)
_COUNT = re.compile(r"""var\s+countPage\s*=\s*(\d+)""")
_CURRENT = re.compile(r"""var\s+currentPage\s*=\s*(\d+)""")
_PREFIX = re.compile(r"""var\s+prefixName\s*=\s*["']([\w.-]+)["']""")
_SUFFIX = re.compile(r"""var\s+suffixName\s*=\s*["'](\w+)["']""")

MAX_PAGES = 500


class TrsAdapter:
    name = "trs"

    def detect(self, text: str, url: str) -> bool:
        return bool(_CREATE.search(text) or _COUNT.search(text))

    def anchors(self, text: str, url: str) -> list[Anchor]:
        return []

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]:
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
