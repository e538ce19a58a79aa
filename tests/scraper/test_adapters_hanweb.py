"""Hanweb jcms columns whose page holds no ``param_…`` object: the ``<nextgroup>`` link's query
carries the column parameters, ``totalRecord``/``perpage`` sit in a script, and the later groups
are asked from the proxy with ``startrecord``/``endrecord``/``perpage`` added to them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from fixtures.sites import FakeWeb
from fixtures.sites.cms import build_cms_world
from fixtures.sites.hanweb_groups import BAD_LINKS, HOST, REPORTS, SHOWN, NextgroupDialect
from scraper.adapters.hanweb import HanwebAdapter
from scraper.canonical import canonical_url
from scraper.discovery import analyse_list
from scraper.state import State

from .conftest import run_crawl

COLUMN = "http://www.h.gov.cn/col/col1229411366/index.html"


def record(i: int, title: str) -> str:
    return (
        f'<record><![CDATA[<li><a href="/art/2024/1/{i % 28 + 1}/art_1229411366_{i}.html" '
        f'title="{title}">{title}</a><span>2024-01-{i % 28 + 1:02d}</span></li>]]></record>'
    )


def column_page(total: int, shown: int, *, perpage: int = 15, amp: str = "&") -> str:
    query = amp.join(
        ["page=1", "webid=3012", "path=/", "columnid=1229411366", "unitid=4484"]
        + ["webname=%E6%B1%89%E8%A5%BF", "permissiontype=0"]
    )
    records = "".join(
        record(i, f"汉西市{2000 + i}年政府信息公开工作年度报告") for i in range(shown)
    )
    return (
        '<html><body><div id="4484"><script type="text/xml"><datastore><nextgroup><![CDATA['
        f'<a href="/module/web/jpage/dataproxy.jsp?{query}"></a>]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script></div>"
        f"<script>var totalRecord = {total};\nvar perpage = {perpage};</script></body></html>"
    )


def ranges(links) -> list[tuple[str, str, str]]:
    out = []
    for link in links:
        q = parse_qs(urlsplit(link.url).query)
        out.append((q["startrecord"][0], q["endrecord"][0], q["perpage"][0]))
    return out


@pytest.mark.parametrize("amp", ["&", "&amp;"])
def test_groups_carry_the_nextgroup_links_column_parameters(amp):
    pages = HanwebAdapter().pages(column_page(62, 15, amp=amp), COLUMN, column_url=COLUMN)
    assert ranges(pages) == [("16", "60", "15"), ("61", "62", "15")]
    for link in pages:
        parts = urlsplit(link.url)
        assert parts.netloc == "www.h.gov.cn" and parts.path == "/module/web/jpage/dataproxy.jsp"
        q = parse_qs(parts.query)
        assert q["columnid"] == ["1229411366"] and q["unitid"] == ["4484"]
        assert q["webid"] == ["3012"] and q["webname"] == ["汉西"] and q["path"] == ["/"]
        assert "page" not in q  # its place in the list is the group's, not page 1's
        assert link.method == "GET" and ("Referer", COLUMN) in link.headers


def test_the_group_size_follows_perpage_and_starts_after_the_shown_records():
    pages = HanwebAdapter().pages(column_page(50, 10, perpage=10), COLUMN, column_url=COLUMN)
    assert ranges(pages) == [("11", "40", "10"), ("41", "50", "10")]
    # everything shown already: nothing more to ask
    assert HanwebAdapter().pages(column_page(15, 15), COLUMN, column_url=COLUMN) == []


def test_without_a_total_the_nextgroup_link_is_followed_as_it_is():
    page = column_page(62, 15).replace("var totalRecord = 62;", "")
    pages = HanwebAdapter().pages(page, COLUMN, column_url=COLUMN)
    assert len(pages) == 1 and parse_qs(urlsplit(pages[0].url).query)["page"] == ["1"]


def test_a_param_object_page_showing_one_page_asks_from_the_next_record():
    records = "".join(record(i, f"通知{i}") for i in range(15))
    page = (
        f'<html><body><script type="text/xml"><datastore><recordset>{records}</recordset>'
        "</datastore></script><script>var param_4484 = {col:1,webid:3012,columnid:1229411366,"
        "unitid:'4484'};new Pager({totalRecord:40,perPage:15});</script></body></html>"
    )
    pages = HanwebAdapter().pages(page, COLUMN, column_url=COLUMN)
    assert [p.url.split("?", 1)[1] for p in pages] == ["startrecord=16&endrecord=40&perpage=15"]
    assert pages[0].method == "POST" and b"columnid=1229411366" in pages[0].data


def test_the_column_page_is_recognised_and_its_shown_records_read():
    a = analyse_list(column_page(62, 15), COLUMN, column_url=COLUMN)
    assert a.adapters == ["hanweb"] and len(a.items) == 15 and len(a.pages) == 2


# --- a crawl of the fake web ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("hanweb-nextgroup")
    with FakeWeb(build_cms_world()) as web:
        result = run_crawl(web.world, data, hosts=[HOST])
        yield web, data, result


def test_every_report_of_the_column_is_found_though_the_page_shows_15(crawled):
    web, data, result = crawled
    truth = {canonical_url(u) for u, t in web.world.truth().items() if t.host == HOST}
    assert len(truth) == REPORTS
    shown = web.world.dialect(web.world.hosts[HOST]).listed("main")[:SHOWN]
    assert sum(i.kind == "report" for i in shown) < REPORTS  # the page alone is not enough
    with State.open(data / "state.sqlite") as st:
        found = {d.key for d in st.documents(kind="page", reports_only=True)}
    assert found == truth
    assert not result.failures and result.total("reports_found") == REPORTS


def test_the_proxy_is_asked_each_group_once_with_the_column_parameters(crawled):
    web, _, _ = crawled
    asked = [
        parse_qs(urlsplit(e["target"]).query)
        for e in web.world.requests(HOST)
        if e["target"].startswith("/module/web/jpage/dataproxy.jsp")
    ]
    listed = len(web.world.dialect(web.world.hosts[HOST]).listed("main"))
    starts = sorted(int(q["startrecord"][0]) for q in asked)
    assert starts == list(range(SHOWN + 1, listed + 1, 45))
    assert all(q["columnid"] == [str(NextgroupDialect.column_id)] for q in asked)


def test_its_malformed_links_cost_only_themselves_and_are_recorded_with_their_pages(crawled):
    web, data, result = crawled
    with State.open(data / "state.sqlite") as st:
        bad = st.bad_links(result.run_id)
    column = web.world.base(HOST) + web.world.hosts[HOST].columns[0]
    on_column = {b["url"] for b in bad if b["page_url"] == column}
    assert any(u.startswith(BAD_LINKS[0]) for u in on_column)  # the navigation's doubled port
    assert any(u.startswith(BAD_LINKS[1]) for u in on_column)  # a notice's broken bracket
    assert any("dataproxy.jsp" in b["page_url"] for b in bad)  # the proxy's answers too
    report_pages = {b["page_url"] for b in bad if "/art/" in b["page_url"]}
    assert len(report_pages) == REPORTS  # each report page's broken related link
    reasons = {b["reason"] for b in bad}
    assert any(r.startswith("bad port") for r in reasons)
    assert "Invalid IPv6 URL" in reasons
    assert result.total("bad_links") == len(bad) and "bad links" in result.summary()
    assert all(not e["target"].startswith("http") for e in web.world.requests(HOST))
