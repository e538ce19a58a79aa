"""VSB 博达: pages numbered downwards and planned from the entry page, the JSP alias of every
article, GBK, and page numbers that shift when a report is published (between runs, and
during a walk)."""

from __future__ import annotations

import math
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from fixtures.sites import LATER, FakeWeb
from fixtures.sites.cms import LATE, build_cms_world
from scraper.adapters.vsb import VsbAdapter
from scraper.canonical import canonical_url
from scraper.decoding import decode_body
from scraper.discovery import analyse_list
from scraper.state import State

from .conftest import run_crawl

HOST = "www.bochuan.gov.cn"
ENTRY = "http://www.x.gov.cn/zwgk/xxgknb.htm"


def entry_page(n_pages: int, shown: int = 3) -> str:
    nums = "".join(
        f'<span class="p_no"><a href="xxgknb/{n_pages - p}.htm">{p + 1}</a></span>'
        for p in range(1, shown)
    )
    return (
        '<html><head><script src="/system/resource/js/counter.js"></script></head><body>'
        '<ul><li><a href="../info/1001/51211.htm">XX县2023年政府信息公开工作年度报告</a></li></ul>'
        f'<div class="pb_sys_common"><span class="p_pages"><span class="p_no_d">1</span>{nums}'
        f'<span class="p_next p_fun"><a href="xxgknb/{n_pages - 1}.htm">下页</a></span>'
        f'<span class="p_last p_fun"><a href="xxgknb/1.htm">尾页</a></span></span>'
        f'<span class="p_t">共{n_pages}页</span><input onkeydown="_simple_list_gotopage_fun('
        f"{n_pages},'u5_goto',2)\"></div></body></html>"
    )


def test_every_page_is_planned_from_the_entry_newest_first():
    pages = VsbAdapter().pages(entry_page(31), ENTRY, column_url=ENTRY)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == [f"{n}.htm" for n in range(30, 0, -1)]
    assert all(p.url.startswith("http://www.x.gov.cn/zwgk/xxgknb/") for p in pages)
    a = analyse_list(entry_page(31), ENTRY, column_url=ENTRY)
    assert a.adapters == ["vsb"] and len(a.items) == 1
    # a numbered page plans nothing: the entry page's one reading names them all
    numbered = "http://www.x.gov.cn/zwgk/xxgknb/29.htm"
    assert VsbAdapter().pages(entry_page(31), numbered, column_url=ENTRY) == []


def test_jsp_lists_are_planned_from_their_page_parameters():
    page = (
        '<html><body><script>_simple_list_gotopage_fun(4,"a5GOPAGE",2)</script>'
        '<a href="list.jsp?a5t=4&amp;a5p=2&amp;a5c=15&amp;urltype=tree.TreeTempUrl&amp;'
        'wbtreeid=1011">下页</a></body></html>'
    )
    url = "http://www.x.gov.cn/list.jsp?urltype=tree.TreeTempUrl&wbtreeid=1011"
    pages = VsbAdapter().pages(page, url, column_url=url)
    assert [parse_qs(urlsplit(p.url).query)["a5p"] for p in pages] == [["1"], ["2"], ["3"], ["4"]]
    assert all(parse_qs(urlsplit(p.url).query)["wbtreeid"] == ["1011"] for p in pages)


def test_the_jsp_alias_is_the_same_article():
    a = "http://www.x.gov.cn/czj/content.jsp?urltype=news.NewsContentUrl&wbtreeid=12&wbnewsid=345"
    assert canonical_url(a) == canonical_url("http://www.x.gov.cn/czj/info/12/345.htm")
    b = "http://www.x.gov.cn/xdetails.jsp?urltype=news.NewsContentUrl&wbtreeid=12&wbnewsid=345"
    assert canonical_url(b) == canonical_url("http://www.x.gov.cn/info/12/345.htm")
    assert canonical_url(b) != canonical_url("http://www.x.gov.cn/info/12/346.htm")


# --- crawls ------------------------------------------------------------------------------------


def truth_keys(world) -> dict[str, object]:
    return {canonical_url(u): t for u, t in world.truth().items() if t.host == HOST}


def article_requests(world) -> Counter:
    """Requests for each article, whichever of its two URLs was used (by article id)."""
    c: Counter = Counter()
    for e in world.requests(HOST):
        t = e["target"]
        if t.startswith("/info/"):
            c[t.rsplit("/", 1)[1][:-4]] += 1
        elif t.startswith("/content.jsp"):
            c[t.rsplit("wbnewsid=", 1)[1]] += 1
    return c


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("vsb")
    with FakeWeb(build_cms_world()) as web:
        result = run_crawl(web.world, data, hosts=[HOST])
        yield web, data, result


def test_every_report_once_though_listed_under_two_urls(crawled):
    web, data, result = crawled
    truth = truth_keys(web.world)
    assert len(truth) == 10
    with State.open(data / "state.sqlite") as st:
        assert {d.key for d in st.documents(kind="page", reports_only=True)} == set(truth)
        atts = {d.key for d in st.documents(kind="attachment")}
        assert {canonical_url(a) for t in truth.values() for a in t.attachments} <= atts
    # the newest report is linked by /info/… in the list and by content.jsp in a side box
    assert set(article_requests(web.world).values()) == {1}
    assert any(e["target"].startswith("/content.jsp") for e in web.world.requests(HOST))
    assert not result.failures


def test_pages_are_walked_newest_first_and_none_twice(crawled):
    web, _, _ = crawled
    lists = [e["target"] for e in web.world.requests(HOST) if e["target"].startswith("/zwgk/")]
    assert lists == ["/zwgk/xxgknb.htm", "/zwgk/xxgknb/2.htm", "/zwgk/xxgknb/1.htm"]


def test_gbk_titles_decode_exactly(crawled):
    web, data, _ = crawled
    with State.open(data / "state.sqlite") as st:
        docs = {d.key: d for d in st.documents(kind="page", reports_only=True)}
        for key, t in truth_keys(web.world).items():
            assert docs[key].title == t.title and docs[key].encoding == "gb18030"
        rare = [d for d in docs.values() if "䶮" in d.title]
        assert len(rare) == 1
        assert "䶮" in decode_body(st.read_body(rare[0]), rare[0].content_type).text


def n_pages(world) -> int:
    d = world.dialect(world.hosts[HOST])
    return math.ceil(len(d.listed("main")) / d.opt("page_size"))


def test_numbers_shifting_between_runs_lose_and_double_nothing(tmp_path):
    with FakeWeb(build_cms_world()) as web:
        world = web.world
        before = n_pages(world)
        first = run_crawl(world, tmp_path, hosts=[HOST])
        world.set_today(LATER)
        assert n_pages(world) == before + 1  # the late report opened a page: numbers shift
        second = run_crawl(world, tmp_path, hosts=[HOST])
        truth = truth_keys(world)
        with State.open(tmp_path / "state.sqlite") as st:
            docs = {d.key: d for d in st.documents(kind="page", reports_only=True)}
            assert set(docs) == set(truth)
            new = [d for d in st.documents(changed_since=first.run_id) if d.kind == "page"]
        assert [d.title for d in new] == [t.title for t in truth.values() if "水利局" in t.title]
        # every article fetched once over both runs, the shifted pages notwithstanding
        assert set(article_requests(world).values()) == {1}
        walked = {e["target"] for e in world.requests(HOST) if e["target"].startswith("/zwgk/")}
        assert f"/zwgk/xxgknb/{before}.htm" in walked  # the new page number was read
        assert second.total("new") == 2  # the report and its attachment
        assert second.total("gone") == 0 and not second.failures


def test_a_report_published_during_the_walk_is_found_by_the_next_run(tmp_path):
    with FakeWeb(build_cms_world()) as web:
        world = web.world
        host = world.hosts[HOST]
        (late,) = [i for i in host.items if i.published == LATE]  # not out yet …
        seen: list[str] = []

        def publish_mid_walk(req, resp):
            # the entry page has been served; everything after it sees one more report
            if req.host == HOST and req.path == "/zwgk/xxgknb/2.htm" and not seen:
                seen.append(req.path)
                late.published = world.today
            return resp

        world.chaos = publish_mid_walk
        first = run_crawl(world, tmp_path, hosts=[HOST])
        assert seen
        second = run_crawl(world, tmp_path, hosts=[HOST])
        truth = truth_keys(world)
        with State.open(tmp_path / "state.sqlite") as st:
            assert {d.key for d in st.documents(kind="page", reports_only=True)} == set(truth)
            gone = list(st.removed(since=first.run_id - 1))
        assert gone == []  # nothing that was read is taken for deleted
        assert set(article_requests(world).values()) == {1}
        assert second.total("new") >= 1
