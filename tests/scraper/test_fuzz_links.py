"""Link extraction and URL canonicalisation fuzzed: whatever a page writes in an ``href`` (or a
CMS script, a list API answer, a ``<base>`` or a refresh), reading it never raises; every link
that comes out can be fetched and canonicalised; a malformed one is accounted for, with its
page, instead of being silently lost."""

from __future__ import annotations

import html
import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.anchors import html_anchors
from scraper.canonical import canonical_url
from scraper.discovery import analyse_list, analyse_page
from scraper.urls import BadURL, checked_url

PAGE = "http://www.x.gov.cn/zwgk/zfxxgknb/index.html"
TITLE = "2023年青石县政府信息公开工作年度报告"
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces real broken links are made of: doubled or lettered ports, brackets, spaces, percent
# signs, backslashes, user info, full-width and CJK characters, control characters
_HOST_CHARS = "abcxyz019.-_[]:@% \\/中文。．\x00\x01\t\n"
hosts = st.one_of(
    st.sampled_from(["www.x.gov.cn", "x.gov.cn", "[::1]", "10.0.0.1", "中文.政务", "[gov", ""]),
    st.text(alphabet=_HOST_CHARS, max_size=20),
)
ports = st.one_of(
    st.just(""),
    st.sampled_from([":80", ":80:80", ":8O", ":0", ":99999", ":", ":-1", ":１２"]),
    st.text(alphabet="0123456789:O", max_size=8).map(lambda p: ":" + p),
)
paths = st.text(alphabet="abc/._-?=&#%年报 \\\x00[]", max_size=30)
schemes = st.sampled_from(["http://", "https://", "HTTP://", "//", "ftp://", "javascript:", ""])
structured = st.builds(lambda s, h, p, q: s + h + p + q, schemes, hosts, ports, paths)
hrefs = st.one_of(structured, st.text(max_size=40))


def anchors_page(links: list[str]) -> str:
    items = "".join(
        f'<li><a href="{html.escape(h, quote=True)}" title="{TITLE}">{TITLE}</a></li>'
        for h in links
    )
    return f"<html><body><ul>{items}</ul></body></html>"


def assert_fetchable(url: str) -> None:
    assert checked_url(url) == url
    key = canonical_url(url)
    assert checked_url(key) == key
    httpx.URL(key)  # the client can build a request for it


@FUZZ
@given(st.lists(hrefs, max_size=8), st.one_of(st.just(""), hrefs))
def test_link_extraction_never_raises_and_returns_only_fetchable_links(links, base):
    page = anchors_page(links)
    if base:
        page = page.replace("<body>", f'<base href="{html.escape(base, quote=True)}"><body>')
    rejected = []
    anchors = html_anchors(page, PAGE, rejected=rejected)
    for a in anchors:
        assert_fetchable(a.url)
    assert all(b.page == PAGE and b.reason for b in rejected)
    assert len(anchors) + len(rejected) <= len(links) + 1


@FUZZ
@given(structured)
def test_an_absolute_http_link_is_either_kept_or_recorded(href):
    if not href.lower().startswith(("http://", "https://")) or any(c in href for c in '"<>&'):
        return
    rejected = []
    anchors = html_anchors(anchors_page([href]), PAGE, rejected=rejected)
    assert len(anchors) + len(rejected) == 1


@FUZZ
@given(st.one_of(hrefs, st.text()))
def test_canonical_url_is_a_bad_url_or_a_stable_identity(text):
    try:
        key = canonical_url(text)
    except BadURL:
        return
    try:
        checked_url(text)
    except BadURL:
        return  # not fetchable, but readable: an identity all the same
    assert canonical_url(key) == key


def _adapter_pages(href: str) -> list[tuple[str, str]]:
    """(page text, page URL) of each CMS family with ``href`` where it takes addresses."""
    a = html.escape(href, quote=True)
    j = json.dumps(href)
    record = f'<record><![CDATA[<li><a href="{a}" title="{TITLE}">{TITLE}</a></li>]]></record>'
    hanweb = (
        f'<html><body><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{a}">'
        f"</a>]]></nextgroup><recordset>{record}</recordset></datastore></script>"
        f"<script>var totalRecord = 60; var perpage = 15;</script>"
        f"<script>var param_1 = {{columnid:1}};new Pager({{totalRecord:60,perPage:15,"
        f"proxyUrl:{j}}});</script></body></html>"
    )
    gkmlpt = json.dumps({"total": 300, "articles": [{"title": TITLE, "url": href}] * 3})
    jpaas_shell = (
        f'<html><body><script src="/jpaas/unitbuild.js" url={j} '
        "queryData=\"{'webId':'1','pageId':'2'}\"></script></body></html>"
    )
    jpaas_answer = json.dumps(
        {"success": True, "data": {"html": f'<ul><li><a href="{a}">{TITLE}</a></li></ul>'}}
    )
    vsb = (
        '<html><body><script src="/system/resource/js/counter.js"></script>'
        f'<a href="{a}">2</a><a href="xxgknb/3.htm">3</a><span>共4页</span></body></html>'
    )
    return [
        (hanweb, "http://www.x.gov.cn/col/col1/index.html"),
        (hanweb, "http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1"),
        (gkmlpt, "http://www.x.gov.cn/gkmlpt/api/all/2567?page=1&sid=1"),
        (jpaas_shell, "http://www.x.gov.cn/col/col2/index.html"),
        (
            jpaas_answer,
            "http://www.x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?paramJson=%7B%22pageNo%22%3A1%7D",
        ),
        (vsb, "http://www.x.gov.cn/zwgk/xxgknb.htm"),
    ]


@FUZZ
@given(hrefs)
def test_every_adapter_reads_a_page_with_any_address_without_raising(href):
    for text, url in _adapter_pages(href):
        out = analyse_list(text, url, column_url=url)
        for link in (*out.items, *out.pages):
            assert_fetchable(link.url)
            assert link.key
        assert all(b.page == url for b in out.bad_links)


@FUZZ
@given(hrefs, hrefs)
def test_report_pages_with_any_attachment_or_refresh_address_are_read(attachment, refresh):
    page = (
        f'<html><head><meta http-equiv="refresh" content="0;url={html.escape(refresh)}">'
        f'</head><body><a href="{html.escape(attachment, quote=True)}">附件.pdf</a>'
        '<a href="./a.pdf">附件</a></body></html>'
    )
    out = analyse_page(page, PAGE)
    assert "http://www.x.gov.cn/zwgk/zfxxgknb/a.pdf" in {a.url for a in out.attachments}
    for a in out.attachments:
        assert_fetchable(a.url)
    if out.refresh is not None:
        assert_fetchable(out.refresh)
