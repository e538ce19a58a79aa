"""Hanweb jpaas: the build-unit request named by the shell's ``queryData``, its JSON pages,
year archives, and the download gateway whose links expire and which rate-limits."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fixtures.sites import FakeWeb
from fixtures.sites.cms import GATEWAY, UNIT, build_cms_world
from fixtures.sites.dialects import Resp
from scraper.adapters.jpaas import JpaasAdapter, unit_request
from scraper.canonical import canonical_url, has_expiry, is_attachment_url
from scraper.discovery import analyse_list
from scraper.state import State

from .conftest import fast_options, run_crawl

HOST = "www.jianghe.gov.cn"
COLUMN = "http://www.x.gov.cn/col/col1229106835/index.html"
QUERY = (
    "{&#39;webId&#39;:&#39;3630&#39;,&#39;pageId&#39;:&#39;1229106835&#39;,"
    "&#39;tplSetId&#39;:&#39;5HrZ&#39;,&#39;pageType&#39;:&#39;column&#39;,"
    "&#39;tagId&#39;:&#39;当前栏目list&#39;,&#39;editType&#39;:&#39;null&#39;}"
)
SHELL = (
    '<html><head><meta charset="utf-8"><title>年报</title></head><body><div id="u"></div>'
    '<script src="/module/jpaas/AuthorizedRead/unitbuild.js" '
    f'url="/api-gateway/jpaas-publish-server/front/page/build/unit" queryData="{QUERY}">'
    "</script></body></html>"
)


def unit_answer(items: int, count: int | None, rows: int = 15) -> str:
    lis = "".join(
        f'<li class="clearfix"><a href="/col/col1/art/2024/art_{k:032x}.html" '
        f'title="XX市{2000 + k}年政府信息公开工作年度报告">…</a><span>2024-01-25</span></li>'
        for k in range(items)
    )
    box = f'<div class="pagination" rows="{rows}" count="{count}"></div>' if count else ""
    return json.dumps({"success": True, "data": {"html": f"<ul>{lis}</ul>{box}"}})


def test_the_shells_query_data_becomes_the_first_build_unit_request():
    api, params = unit_request(SHELL, COLUMN)
    assert api == "http://www.x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
    assert params["webId"] == "3630" and params["tagId"] == "当前栏目list"
    a = analyse_list(SHELL, COLUMN, column_url=COLUMN)
    assert a.adapters == ["jpaas"] and not a.needs_js and not a.items
    (first,) = a.pages
    q = parse_qs(urlsplit(first.url).query)
    assert json.loads(q["paramJson"][0]) == {"pageNo": 1, "pageSize": 15}
    assert q["pageId"] == ["1229106835"] and ("Referer", COLUMN) in first.headers


def test_page_1_plans_the_rest_from_rows_and_count():
    url = (
        "http://www.x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3630"
        "&pageId=1&paramJson=%7B%22pageNo%22%3A1%2C%22pageSize%22%3A15%7D"
    )
    a = analyse_list(unit_answer(15, 83), url, column_url=COLUMN)
    assert len(a.items) == 15
    numbers = [json.loads(parse_qs(urlsplit(p.url).query)["paramJson"][0]) for p in a.pages]
    assert numbers == [{"pageNo": k, "pageSize": 15} for k in range(2, 7)]  # 83 / 15 → 6
    assert all(parse_qs(urlsplit(p.url).query)["webId"] == ["3630"] for p in a.pages)
    # page 2 plans nothing; a fragment without a count is followed until a page is empty
    p2 = url.replace("%3A1%2C", "%3A2%2C")
    assert JpaasAdapter().pages(unit_answer(15, 83), p2, column_url=COLUMN) == []
    (nxt,) = JpaasAdapter().pages(unit_answer(3, None), p2, column_url=COLUMN)
    assert json.loads(parse_qs(urlsplit(nxt.url).query)["paramJson"][0])["pageNo"] == 3
    assert JpaasAdapter().pages(unit_answer(0, None), p2, column_url=COLUMN) == []


def test_gateway_links_are_attachments_whose_expiry_is_not_their_identity():
    link = f"http://www.x.gov.cn{GATEWAY}?fileUrl=%2Fa%2Fb.pdf&fileName=%E5%B9%B4%E6%8A%A5.pdf"
    fresh = link + "&expires=1712000000&sign=ab12"
    assert is_attachment_url(link) and has_expiry(fresh) and not has_expiry(link)
    assert canonical_url(fresh) == canonical_url(link + "&expires=1712999999&sign=ffff")


# --- crawls ------------------------------------------------------------------------------------


def reports_of(world) -> dict[str, object]:
    return {canonical_url(u): t for u, t in world.truth().items() if t.host == HOST}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("jpaas")
    with FakeWeb(build_cms_world()) as web:
        result = run_crawl(web.world, data, hosts=[HOST])
        yield web, data, result


def test_every_report_once_including_the_year_archives(crawled):
    web, data, result = crawled
    truth = reports_of(web.world)
    assert len(truth) == 11 and any("2018年" in t.title for t in truth.values())
    with State.open(data / "state.sqlite") as st:
        assert {d.key for d in st.documents(kind="page", reports_only=True)} == set(truth)
        atts = {d.key: d for d in st.documents(kind="attachment")}
        want = {canonical_url(a) for t in truth.values() for a in t.attachments}
        assert want and set(atts) == want and all(d.status == "ok" for d in atts.values())
    pages = Counter(e["target"] for e in web.world.requests(HOST) if "/art/" in e["target"])
    assert set(pages.values()) == {1}
    assert not result.failures


def test_build_unit_pages_carry_the_shell_as_referer(crawled):
    web, _, _ = crawled
    calls = [e for e in web.world.requests(HOST) if urlsplit(e["target"]).path == UNIT]
    numbers = [
        json.loads(parse_qs(urlsplit(e["target"]).query)["paramJson"][0])["pageNo"] for e in calls
    ]
    assert numbers == [1, 2]
    column = web.world.base(HOST) + web.world.hosts[HOST].columns[0]
    assert all(e["headers"]["referer"] == column and e["status"] == 200 for e in calls)


def test_the_per_host_delay_keeps_the_gateway_from_answering_429(crawled):
    web, _, _ = crawled
    gateway = [e for e in web.world.requests(HOST) if e["target"].startswith(GATEWAY)]
    assert gateway and all(e["status"] == 200 for e in gateway)
    # and it would answer 429 to faster polling: the delay is what prevents it
    base = f"http://127.0.0.1:{web.port}"
    target = gateway[0]["target"]
    with httpx.Client(headers={"Host": f"{HOST}:{web.port}"}) as c:
        codes = [c.get(base + target).status_code for _ in range(2)]
    assert codes[1] == 429


def fail_gateway(req, resp):
    if req.path == GATEWAY:
        return Resp(503, [("Content-Type", "text/html")], b"busy", validators=False)
    return resp


def test_an_expired_link_is_read_again_from_its_page_and_fetched_at_once(tmp_path):
    with FakeWeb(build_cms_world()) as web:
        world = web.world
        world.chaos = fail_gateway  # run 1: pages fetched, every download fails
        first = run_crawl(world, tmp_path, hosts=[HOST])
        assert first.failures
        world.chaos = None
        world.hosts[HOST].gateway_skew = timedelta(days=1).total_seconds()  # links expire
        world.clear_log()
        second = run_crawl(world, tmp_path, hosts=[HOST])
        want = {canonical_url(a) for t in reports_of(world).values() for a in t.attachments}
        with State.open(tmp_path / "state.sqlite") as st:
            atts = {d.key: d for d in st.documents(kind="attachment")}
            assert set(atts) == want and all(d.status == "ok" and d.sha256 for d in atts.values())
            outcomes = Counter(
                r["outcome"]
                for r in st.conn.execute(
                    "SELECT outcome FROM fetches WHERE run_id=? AND kind='attachment'",
                    (second.run_id,),
                )
            )
        # each stale link: one 403, then the fresh one from its page (read again once)
        assert outcomes["link_expired"] == len(want) and outcomes["new"] == len(want)
        gateway = Counter(e["status"] for e in world.requests(HOST) if GATEWAY in e["target"])
        assert gateway == Counter({403: len(want), 200: len(want)})
        # the cure leaves no failure behind
        assert "link_expired" not in second.failures


def test_a_link_that_stays_expired_is_its_own_failure_kind(tmp_path):
    with FakeWeb(build_cms_world()) as web:
        world = web.world
        run_crawl(world, tmp_path, hosts=[HOST])
        host = world.hosts[HOST]
        host.options["link_ttl"] = -60  # the gateway now hands out links that are already dead
        host.gateway_skew = 3600
        again = run_crawl(
            world, tmp_path, hosts=[HOST], options=fast_options(revisit_after=timedelta(0))
        )
        assert again.failures["link_expired"] >= 1
        with State.open(tmp_path / "state.sqlite") as st:
            kinds = {f["error_kind"] for f in st.failures(again.run_id)}
            assert "link_expired" in kinds
            # what was fetched before is kept
            atts = list(st.documents(kind="attachment"))
            assert atts and all(d.sha256 and st.read_body(d) for d in atts)


def test_nightly_reruns_ask_the_shell_and_the_lists_behind_it(tmp_path):
    with FakeWeb(build_cms_world()) as web:
        world = web.world
        host = world.hosts[HOST]
        old = next(i for i in host.items if i.kind == "report" and i.published.year == 2020)
        old.changed = date(2024, 4, 10)  # an archived report re-issued (new list date)
        run_crawl(world, tmp_path, hosts=[HOST])
        world.clear_log()
        same = run_crawl(world, tmp_path, hosts=[HOST])
        paths = [urlsplit(e["target"]).path for e in world.requests(HOST)]
        # the shell, build-unit page 1 and the year archives: nothing else
        assert paths.count(UNIT) == 1 and all(p == UNIT or p.startswith("/col/") for p in paths)
        assert not any("/art/" in p for p in paths) and same.total("new") == 0
        # only an archive changed: the column is walked, the re-issued report read again
        world.set_today(date(2024, 4, 12))
        world.clear_log()
        changed = run_crawl(world, tmp_path, hosts=[HOST])
        assert changed.total("changed") >= 1
        page = world.dialect(host).item_path(old, world.today)
        assert [e["status"] for e in world.log if e["target"] == page] == [200]
