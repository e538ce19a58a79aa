"""A malformed link costs that link only: ``http://host:80:80/…`` and ``http://[gov/…`` (real
pages carry both) are left out wherever links are extracted, resolved, canonicalised, planned by
an adapter, followed as redirects or named in a sites file — and recorded with the page they
came from. Before, one such link on a list page ended the crawl of its whole site
(``crash:ValueError``)."""

from __future__ import annotations

import asyncio
import json

import pytest

from fixtures.sites import FakeWeb
from fixtures.sites.hostile import COLUMN, hostile_world, html, redirect, report_page
from scraper.adapters.gkmlpt import GkmlptAdapter
from scraper.adapters.hanweb import HanwebAdapter
from scraper.adapters.jpaas import UNIT_PATH, unit_request
from scraper.adapters.vsb import VsbAdapter
from scraper.anchors import html_anchors
from scraper.canonical import canonical_url
from scraper.client import Client
from scraper.discovery import analyse_list, analyse_page
from scraper.network import parse_resolve
from scraper.registry import RegistryError, parse_registry
from scraper.state import State
from scraper.urls import BadURL, checked_url, malformed, resolve_url
from tests.scraper.conftest import fast_options

PAGE = "http://www.x.gov.cn/zwgk/zfxxgknb/index.html"
TITLE = "2023年青石县政府信息公开工作年度报告"

GOOD = [
    "http://www.x.gov.cn/a/b.html",
    "https://www.x.gov.cn:8443/a?b=1",
    "http://中文.政务/年报.html",
    "http://[::1]:8080/x",
    "http://10.0.0.1/x",
    "http://a_b.x.gov.cn/x y.html",
]
BAD = {
    "http://www.x.gov.cn:80:80/a.html": "bad port",
    "http://www.x.gov.cn:8O/a.html": "bad port",
    "http://www.x.gov.cn:99999/a.html": "bad port",
    "http://www.x.gov.cn:0/a.html": "bad port",
    "http://[gov/a.html": "Invalid IPv6 URL",
    "http://[gov]/a.html": "does not appear to be an IPv4 or IPv6 address",
    "http://www.x gov.cn/a.html": "characters no host name has",
    "http://www.x.gov.cn%20/a.html": "characters no host name has",
    "http://999.1.1.1/a.html": "not an IPv4 address",
    "http:///a.html": "no host",
    "http://www.x.gov.cn/a\x01.html": "control character",
    "ftp://www.x.gov.cn/a.pdf": "not an http(s) URL",
}


@pytest.mark.parametrize("url", GOOD)
def test_fetchable_urls_pass_and_canonicalise(url):
    assert checked_url(url) == url and malformed(url) is None
    assert checked_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize(("url", "reason"), BAD.items())
def test_malformed_urls_are_a_typed_error_with_the_reason(url, reason):
    with pytest.raises(BadURL) as e:
        checked_url(url)
    assert reason in e.value.reason and e.value.url == url
    assert isinstance(e.value, ValueError)  # callers that catch ValueError still do


def test_canonicalising_a_malformed_url_is_a_bad_url_not_a_bare_value_error():
    for url in ("http://www.x.gov.cn:80:80/a.html", "http://[gov/a.html"):
        with pytest.raises(BadURL):
            canonical_url(url)
    with pytest.raises(BadURL):
        resolve_url(PAGE, "//[gov/a.html")


def list_page(*hrefs: str, head: str = "") -> str:
    items = "".join(f'<li><a href="{h}" title="{TITLE}">{TITLE}</a></li>' for h in hrefs)
    return f"<html><head>{head}</head><body><ul>{items}</ul></body></html>"


def test_link_extraction_keeps_the_good_links_and_names_the_bad_ones_with_their_page():
    page = list_page("http://www.x.gov.cn:80:80/1.html", "./2.html", "http://[gov/3.html", "#x")
    rejected = []
    anchors = html_anchors(page, PAGE, rejected=rejected)
    assert [a.url for a in anchors] == ["http://www.x.gov.cn/zwgk/zfxxgknb/2.html"]
    assert [(b.url, b.page) for b in rejected] == [
        ("http://www.x.gov.cn:80:80/1.html", PAGE),
        ("http://[gov/3.html", PAGE),
    ]
    assert html_anchors(page, PAGE) == anchors  # without a list to fill: left out all the same


def test_a_malformed_base_href_leaves_the_page_address_as_base():
    rejected = []
    anchors = html_anchors(
        list_page("2.html", head='<base href="http://[gov/">'), PAGE, rejected=rejected
    )
    assert [a.url for a in anchors] == ["http://www.x.gov.cn/zwgk/zfxxgknb/2.html"]
    assert rejected and rejected[0].reason == "Invalid IPv6 URL"


def test_list_and_report_pages_record_their_bad_links():
    a = analyse_list(
        list_page("http://www.x.gov.cn:80:80/1.html", "./2.html"), PAGE, column_url=PAGE
    )
    assert [i.url for i in a.items] == ["http://www.x.gov.cn/zwgk/zfxxgknb/2.html"]
    assert [b.url for b in a.bad_links] == ["http://www.x.gov.cn:80:80/1.html"]
    report = (
        '<html><head><meta http-equiv="refresh" content="0;url=http://[gov/new.html"></head>'
        '<body><a href="./a.pdf">附件</a><a href="http://www.x.gov.cn:80:80/b.pdf">附件</a>'
        "</body></html>"
    )
    p = analyse_page(report, PAGE)
    assert [x.url for x in p.attachments] == ["http://www.x.gov.cn/zwgk/zfxxgknb/a.pdf"]
    assert p.refresh is None
    assert {b.url for b in p.bad_links} == {
        "http://[gov/new.html",
        "http://www.x.gov.cn:80:80/b.pdf",
    }


# --- adapters: a malformed address costs that address only ------------------------------------


def test_hanweb_a_malformed_proxy_url_falls_back_to_the_usual_proxy():
    page = (
        '<html><body><script type="text/xml"><datastore><recordset></recordset></datastore>'
        "</script><script>var param_1 = {columnid:1,unitid:'1'};new Pager({totalRecord:30,"
        "perPage:15,proxyUrl:'http://[gov/dataproxy.jsp'});</script></body></html>"
    )
    pages = HanwebAdapter().pages(page, PAGE, column_url=PAGE)
    assert pages and all(
        p.url.startswith("http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?") for p in pages
    )


def test_hanweb_records_and_a_malformed_nextgroup_are_recorded_by_the_list_reader():
    records = "".join(
        f'<record><![CDATA[<li><a href="{h}" title="{TITLE}">{TITLE}</a></li>]]></record>'
        for h in ("/art/1.html", "http://[gov/art/2.html")
    )
    page = (
        '<html><body><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="'
        'http://www.x.gov.cn:1:2/module/web/jpage/dataproxy.jsp?page=1&columnid=1"></a>]]>'
        f"</nextgroup><recordset>{records}</recordset></datastore></script>"
        "<script>var totalRecord = 40; var perpage = 15;</script></body></html>"
    )
    a = analyse_list(page, PAGE, column_url=PAGE)
    assert [i.url for i in a.items] == ["http://www.x.gov.cn/art/1.html"]
    assert not a.pages
    assert [b.url for b in a.bad_links][0] == "http://[gov/art/2.html"
    assert any(b.reason.startswith("hanweb pages") for b in a.bad_links)


def test_vsb_plans_its_pages_past_a_malformed_link():
    page = (
        '<html><body><script src="/system/resource/js/counter.js"></script>'
        '<a href="http://[gov/x.htm">x</a><a href="xxgknb/3.htm">2</a>'
        "<span>共4页</span></body></html>"
    )
    entry = "http://www.x.gov.cn/zwgk/xxgknb.htm"
    pages = VsbAdapter().pages(page, entry, column_url=entry)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["3.htm", "2.htm", "1.htm"]


def test_gkmlpt_keeps_the_other_articles_of_an_answer():
    api = "http://www.x.gov.cn/gkmlpt/api/all/2567?page=1&sid=755031"
    answer = json.dumps(
        {
            "total": 2,
            "articles": [
                {"title": TITLE, "url": "http://www.x.gov.cn:80:80/gkmlpt/content/1/post_1.html"},
                {"title": TITLE, "url": "/gkmlpt/content/1/post_2.html"},
            ],
        }
    )
    rejected = []
    anchors = GkmlptAdapter().anchors(answer, api, rejected=rejected)
    assert [a.url for a in anchors] == ["http://www.x.gov.cn/gkmlpt/content/1/post_2.html"]
    assert rejected[0].page == api and rejected[0].reason.startswith("bad port")


def test_jpaas_a_malformed_unit_address_falls_back_to_the_usual_path():
    page = (
        '<script url="http://[gov/api" queryData="{\'webId\':\'1\'}" src="unitbuild.js"></script>'
    )
    got = unit_request(page + " jpaas", "http://www.x.gov.cn/col/col1/index.html")
    assert got is not None and got[0] == "http://www.x.gov.cn" + UNIT_PATH


def test_a_sites_file_naming_a_malformed_column_is_a_registry_error():
    text = '[[site]]\nagency = "甲"\ncolumns = ["http://www.x.gov.cn:80:80/zfxxgknb/"]\n'
    with pytest.raises(RegistryError) as e:
        parse_registry(text)
    assert e.value.field == "columns" and "bad port" in str(e.value)
    with pytest.raises(RegistryError):
        parse_registry(text.replace(":80:80", "").replace("http://www", "http://[www"))


# --- crawls -----------------------------------------------------------------------------------

HOST = "www.hostile.gov.cn"


def crawl_site(web, data, *hrefs: str):
    from scraper.crawl import crawl

    text = (
        f'[[site]]\nagency = "青石县人民政府"\ncolumns = ["{web.world.base(HOST)}{COLUMN}"]\n'
        "delay = 0\n"
    )
    return crawl(
        parse_registry(text), data, resolve=web.world.resolve_entries(), options=fast_options()
    )


@pytest.fixture
def web():
    with FakeWeb(hostile_world(HOST)) as w:
        yield w


def test_a_crawl_survives_malformed_links_everywhere_and_gets_every_report(web, tmp_path):
    site = web.world.hosts[HOST]
    good = [f"/r/{y}.html" for y in (2021, 2022, 2023)]
    site.links = [
        (f"http://{HOST}:80:80/r/2020.html", "2020年青石县政府信息公开工作年度报告"),
        ("http://[gov/r/2019.html", "2019年青石县政府信息公开工作年度报告"),
        *((g, f"{g[3:7]}年青石县政府信息公开工作年度报告") for g in good),
        ("/moved.html", "2018年青石县政府信息公开工作年度报告"),
    ]
    for g in good:
        site.routes[g] = report_page(
            f"{g[3:7]}年青石县政府信息公开工作年度报告",
            [("./a.pdf", "附件"), ("http://[gov/b.pdf", "附件")],
        )
    site.routes["/moved.html"] = redirect("http://[gov/elsewhere.html", 301)
    site.script = '<a href="http://www.hostile.gov.cn:8O/zwgk/">政务公开</a>'
    result = crawl_site(web, tmp_path)
    assert not result.failed_sites and "crash:ValueError" not in result.failures
    with State.open(tmp_path / "state.sqlite") as st:
        pages = {d.url for d in st.documents(kind="page", reports_only=True)}
        bad = st.bad_links(result.run_id)
        moved = st.url_row(canonical_url(web.world.base(HOST) + "/moved.html"))
    assert pages == {web.world.base(HOST) + g for g in good}
    column = web.world.base(HOST) + COLUMN
    assert {b["url"] for b in bad if b["page_url"] == column} == {
        f"http://{HOST}:80:80/r/2020.html",
        "http://[gov/r/2019.html",
        f"http://{HOST}:8O/zwgk/",
    }
    assert {b["page_url"] for b in bad if b["url"] == "http://[gov/b.pdf"} == {
        web.world.base(HOST) + g for g in good
    }
    assert moved["error_kind"] == "bad_url" and "Invalid IPv6 URL" in moved["last_error"]
    assert result.failures == {"bad_url": 1}  # the one link that led nowhere; nothing else


def test_the_client_answers_a_malformed_url_or_location_with_an_error_kind(web):
    routes = web.world.hosts[HOST].routes
    routes["/r1.html"] = redirect(f"http://{HOST}:80:80/x.html", 302)
    routes["/r2.html"] = redirect("http://[gov/x.html", 302)
    routes["/ok.html"] = html("<html><body>ok</body></html>")
    base = web.world.base(HOST)

    async def go():
        mapping = parse_resolve(web.world.resolve_entries())
        async with Client(fast_options().client, resolve=mapping) as c:
            return [
                await c.fetch(u)
                for u in (
                    "http://[gov/x.html",
                    f"{base}/r1.html",
                    f"{base}/r2.html",
                    f"{base}/ok.html",
                )
            ]

    direct, port, bracket, fine = asyncio.run(go())
    assert direct.error_kind == "bad_url" and not direct.sent
    assert port.error_kind == "bad_url" and "80:80" in port.error and port.attempts == 1
    assert bracket.error_kind == "bad_url" and "Invalid IPv6 URL" in bracket.error
    assert fine.status == 200 and fine.error_kind is None


def test_the_harvest_summary_names_the_bad_links_left_out():
    from ogi.runs import RunReport, summary

    report = RunReport(id="r", started_at="2024-04-01T02:00:00Z")
    assert "bad links" not in summary(report)
    report.crawl = {
        "bad_links": 3,
        "bad_link_examples": [{"url": "http://[gov/a.html", "page": PAGE, "reason": "x"}],
    }
    assert "bad links  3 malformed link(s) left out" in summary(report)
