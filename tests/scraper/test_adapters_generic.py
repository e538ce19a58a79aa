"""Pagination habits without a CMS adapter (``list-N.html``, ``N.html``, ``&cur_page=N`` behind a
JavaScript pager, 0-based ``pageIndex``, ``createPageHTML('page_div', …)``), page counts that
lie, and the xxgk metadata table that gives a report page's date and publisher."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

from fixtures.sites import FakeWeb
from fixtures.sites.cms import PAGING_STYLES, build_cms_world
from scraper.adapters.trs import TrsAdapter
from scraper.anchors import html_anchors
from scraper.canonical import canonical_url
from scraper.discovery import analyse_list, analyse_page
from scraper.pagers import counted_pages, is_pager_text
from scraper.state import State
from scraper.xxgk import xxgk_metadata

from .conftest import run_crawl

HOSTS = {f"www.pager{n + 1}.gov.cn": style for n, style in enumerate(PAGING_STYLES)}


def pages_of(html: str, url: str) -> list[str]:
    return [p.url for p in analyse_list(html, url, column_url=url).pages]


@pytest.mark.parametrize(
    "text", ["下一页", "[下一页]", "下页>>", "下一页 >", "尾 页", "末页", "»", "3", "[3]", "第3页"]
)
def test_pager_texts(text):
    assert is_pager_text(text)


@pytest.mark.parametrize("text", ["2023年报", "首页", "政务公开", "更多>>", ""])
def test_not_pager_texts(text):
    assert not is_pager_text(text)


def test_a_page_count_in_the_text_with_a_javascript_pager():
    url = "http://x.gov.cn/iList.jsp?node_id=GKxxgk&cat_id=15971&cur_page=1"
    html = (
        "<html><body><ul><li><a href='/a.html'>XX县2023年政府信息公开工作年度报告</a></li></ul>"
        "<div>共4页 当前第1页 <a href='javascript:void(0)' onclick='goPage(2)'>下一页</a></div>"
        "</body></html>"
    )
    assert pages_of(html, url) == [url.replace("cur_page=1", f"cur_page={k}") for k in (2, 3, 4)]


def test_numbering_from_zero_is_read_from_a_numbered_link():
    url = "http://x.gov.cn/list.aspx?id=12"
    html = (
        "<html><body>共4页 <a href='list.aspx?id=12&amp;pageIndex=1'>2</a> "
        "<a href='list.aspx?id=12&amp;pageIndex=1'>下一页</a></body></html>"
    )
    got = {urlsplit(u).query for u in pages_of(html, url)}
    assert got == {"id=12&pageIndex=1", "id=12&pageIndex=2", "id=12&pageIndex=3"}


def test_numbered_file_names_count_up_from_the_link_pattern():
    url = "http://x.gov.cn/htmls/0421_xxgknb/list-1.html"
    html = "<html><body>共5页 <a href='list-2.html'>下一页</a> <a href='list-5.html'>尾页</a></body></html>"
    got = sorted(u.rsplit("/", 1)[1] for u in pages_of(html, url))
    assert got == ["list-2.html", "list-3.html", "list-4.html", "list-5.html"]


def test_no_count_is_invented():
    url = "http://x.gov.cn/zwgk/xxgknb/2.htm"
    # numbered downwards (下一页 goes to a smaller number): not a series to count up
    down = "<html><body>共9页 <a href='1.htm'>下一页</a> <a href='3.htm'>上一页</a></body></html>"
    assert counted_pages(down, url, html_anchors(down, url)) == []
    lst = "http://x.gov.cn/l.php"
    # numbered links that disagree about the numbering
    odd = "<html><body>共9页 <a href='?page=2'>2</a> <a href='?page=7'>3</a></body></html>"
    assert counted_pages(odd, lst, html_anchors(odd, lst)) == []
    # a count with no page address anywhere
    assert counted_pages(odd, lst, []) == []
    # links that agree: every page
    even = odd.replace("?page=7", "?page=3")
    got = [urlsplit(p.url).query for p in counted_pages(even, lst, html_anchors(even, lst))]
    assert got == [f"page={k}" for k in range(2, 10)]


def test_trs_page_div_calls_number_pages_from_2():
    html = "<script>createPageHTML('page_div', 4, 1, 'dezlist', 'shtml', 37);</script>"
    url = "http://x.gov.cn/szjt/dejgxx/dezlist.shtml"
    got = [p.url.rsplit("/", 1)[1] for p in TrsAdapter().pages(html, url, column_url=url)]
    assert got == ["dezlist.shtml", "dezlist_2.shtml", "dezlist_3.shtml", "dezlist_4.shtml"]


@pytest.mark.parametrize(
    ("html", "publisher", "date", "index"),
    [
        (
            "<table><tr><td>索 引 号：</td><td>11440300/2024-00123</td><td>分　　类：</td>"
            "<td>年报</td></tr><tr><td>发布机构：</td><td>XX县人民政府办公室</td>"
            "<td>发文日期：</td><td>2024-01-25</td></tr></table>",
            "XX县人民政府办公室",
            "2024-01-25",
            "11440300/2024-00123",
        ),
        (
            "<table><tr><td>索&nbsp;&nbsp;引&nbsp;&nbsp;号:</td><td>006543210/2024-00001</td></tr>"
            "<tr><td>名&nbsp;&nbsp;&nbsp; 称：</td><td>XX县2023年政府信息公开工作年度报告</td></tr>"
            "<tr><td>发文机关:</td><td>XX县水利局</td><td>成文日期：</td><td>2024年1月25日</td></tr>"
            "</table>",
            "XX县水利局",
            "2024-01-25",
            "006543210/2024-00001",
        ),
        (
            "<ul><li><b>索引号：</b>000014349/2024-02</li><li><B>发文单位:</B>XX镇人民政府</li>"
            "<li><b>上载日期：</b>2024/1/25</li></ul>",
            "XX镇人民政府",
            "2024-01-25",
            "000014349/2024-02",
        ),
        (
            "<div><p>索引号：0001/2024-01　发布机构：XX县教育局 | 发文日期：2024年01月25日</p>"
            "<p>单位名称：别的</p></div>",
            "XX县教育局",
            "2024-01-25",
            "0001/2024-01",
        ),
    ],
    ids=["table", "spaced-labels", "list-items", "one-line"],
)
def test_metadata_table_label_variants(html, publisher, date, index):
    page = f"<html><head><title>站点</title></head><body>{html}<div>正文</div></body></html>"
    a = analyse_page(page, "http://x.gov.cn/a/t20240125_1.html")
    assert (a.publisher, a.date, a.index_no) == (publisher, date, index)
    assert xxgk_metadata(LexborHTMLParser(page))["index_no"] == index


def test_meta_tags_win_and_the_table_fills_in():
    page = (
        '<html><head><meta name="ArticleTitle" content="XX县2023年政府信息公开工作年度报告">'
        '<meta name="PubDate" content="2024-02-01 10:00"></head><body><table><tr>'
        "<td>名　　称：</td><td>别的名称</td><td>发布日期：</td><td>2024-01-25</td></tr></table>"
        "</body></html>"
    )
    a = analyse_page(page, "http://x.gov.cn/a.html")
    assert a.title == "XX县2023年政府信息公开工作年度报告" and a.date == "2024-02-01"
    assert analyse_page(page.replace("PubDate", "Other"), "http://x.gov.cn/a.html").date == (
        "2024-01-25"
    )


# --- crawls ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("paging")
    with FakeWeb(build_cms_world()) as web:
        result = run_crawl(web.world, data, hosts=list(HOSTS))
        yield web, data, result


def list_requests(web, host: str) -> list[str]:
    return [
        e["target"]
        for e in web.world.requests(host)
        if e["target"] != "/robots.txt" and "/docs/" not in e["target"]
    ]


def test_every_habit_finds_every_report_once(crawled):
    web, data, result = crawled
    truth = {canonical_url(u): t for u, t in web.world.truth().items() if t.host in HOSTS}
    assert Counter(t.host for t in truth.values()) == Counter(dict.fromkeys(HOSTS, 7))
    with State.open(data / "state.sqlite") as st:
        assert {d.key for d in st.documents(kind="page", reports_only=True)} == set(truth)
    fetched = Counter(
        (e["host"], e["target"])
        for e in web.world.log
        if "/docs/" in e["target"] and e["target"].endswith(".html")
    )
    assert set(fetched.values()) == {1}
    assert not result.failures


def real_pages(web, host: str) -> int:
    d = web.world.dialect(web.world.hosts[host])
    return -(-len(d.listed("main")) // d.opt("page_size"))


@pytest.mark.parametrize("style", ["list_n", "numeric", "cur_page", "page_div"])
def test_each_page_is_read_once(crawled, style):
    web, _, _ = crawled
    host = next(h for h, s in HOSTS.items() if s == style)
    got = list_requests(web, host)
    assert len(got) == len(set(got)) == real_pages(web, host), got


def test_zero_based_page_index_reads_each_page_and_page_1_under_its_other_name(crawled):
    web, _, _ = crawled
    host = next(h for h, s in HOSTS.items() if s == "pageindex")
    got = list_requests(web, host)
    assert len(got) == len(set(got))
    # the column URL and pageIndex=0 are both page 1 (the site links both): one read too many
    assert len(got) == real_pages(web, host) + 1


def test_a_count_two_pages_too_high_costs_the_empty_pages_only(crawled):
    web, _, _ = crawled
    host = next(h for h, s in HOSTS.items() if s == "wrong_empty")
    got = list_requests(web, host)
    assert len(got) == len(set(got))
    # declared pages (two of them empty) and the column URL's ?page=1 twin; nothing beyond
    assert len(got) <= real_pages(web, host) + 3
    assert not any(f"page={real_pages(web, host) + 3}" in t for t in got)


def test_an_endless_next_link_is_not_followed_past_a_repeated_page(crawled):
    web, _, _ = crawled
    host = next(h for h, s in HOSTS.items() if s == "wrong_loop")
    got = list_requests(web, host)
    # every real page, then one page beyond the last (answered with page 1): stop there
    assert len(got) == real_pages(web, host) + 1 and len(set(got)) == len(got)


def test_dates_missing_from_the_list_come_from_the_pages_metadata(crawled):
    web, data, _ = crawled
    host = next(h for h, s in HOSTS.items() if s == "numeric")
    site = web.world.hosts[host]
    d = web.world.dialect(site)
    with State.open(data / "state.sqlite") as st:
        checked = 0
        for it in site.items:
            if it.kind != "report":
                continue
            doc = st.document(canonical_url(web.world.base(host) + d.item_path(it, None)))
            assert doc.list_date == f"{it.list_date(web.world.today):%Y-%m-%d}"
            checked += 1
    assert checked == 7
