"""CMS adapters: the quirks of one publishing system each (pagination written in JavaScript,
list records hidden in XML, list APIs). An adapter adds anchors and list pages that plain link
extraction cannot see; the generic link reading in :mod:`scraper.anchors` always runs too.

``auto`` (the default) lets every adapter look at the page and join in when it recognises its
system; a registry ``adapter = "trs"`` forces one. What each recognises:

- ``trs``: ``createPageHTML(…)``/``createPage(…)`` or ``var countPage`` in the page;
- ``hanweb``: a ``<datastore>`` block or a ``dataproxy.jsp`` address;
- ``gkmlpt``: ``window._CONFIG`` on a ``/gkmlpt/`` page, or a ``/gkmlpt/api/`` answer;
- ``jpaas``: a script tag with ``queryData`` naming jpaas/unitbuild, or a build-unit answer;
- ``vsb``: VSB's own marks (``_simple_list_gotopage_fun``, ``/system/resource/js/``,
  ``pb_sys_common``, ``urltype=news.NewsContentUrl``, ``v_news_content``).

Several may join on one page; their additions are merged and deduplicated by URL. A malformed
address in what an adapter reads (a record's link, a ``proxyUrl``, an API path) costs that
address only: adapters skip it, and :func:`scraper.discovery.analyse_list` records it as a bad
link of the page (and records the adapter's error, should one still escape).
"""

from __future__ import annotations

from typing import Protocol

from scraper.adapters.gkmlpt import GkmlptAdapter
from scraper.adapters.hanweb import HanwebAdapter
from scraper.adapters.jpaas import JpaasAdapter
from scraper.adapters.trs import TrsAdapter
from scraper.adapters.vsb import VsbAdapter
from scraper.anchors import Anchor, Link
from scraper.urls import BadLink


class Adapter(Protocol):
    name: str

    def detect(self, text: str, url: str) -> bool: ...

    def anchors(
        self, text: str, url: str, *, rejected: list[BadLink] | None = None
    ) -> list[Anchor]:
        """Report and list links the page hides from plain link extraction; malformed ones
        are left out and added to ``rejected``."""
        ...

    def pages(self, text: str, url: str, *, column_url: str) -> list[Link]: ...


ADAPTERS: dict[str, Adapter] = {
    "trs": TrsAdapter(),
    "hanweb": HanwebAdapter(),
    "gkmlpt": GkmlptAdapter(),
    "jpaas": JpaasAdapter(),
    "vsb": VsbAdapter(),
}


def adapters_for(name: str, text: str, url: str) -> list[Adapter]:
    """The adapters that apply to a page: the named one, or every one that recognises it."""
    if name == "generic":
        return []
    if name != "auto":
        return [ADAPTERS[name]]
    return [a for a in ADAPTERS.values() if a.detect(text, url)]
