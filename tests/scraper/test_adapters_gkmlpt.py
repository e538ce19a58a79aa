"""Guangdong gkmlpt: the category tree read from the JS shell, the JSON list API with 1- and
0-based pages (detected, not assumed), and whole crawls of the fake web's gkmlpt hosts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from fixtures.sites import LATER, FakeWeb
from fixtures.sites.cms import build_cms_world
from fixtures.sites.dialects import Resp
from scraper.adapters.gkmlpt import GkmlptAdapter, report_categories
from scraper.canonical import canonical_url
from scraper.discovery import analyse_list
from scraper.state import State

from .conftest import run_crawl

HOSTS = ["www.nanhai.gov.cn", "www.dongjiang.gov.cn"]
SHELL = "http://www.x.gov.cn/gkmlpt/index"


def shell(tree: str, sid: str = "755031") -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开</title>'
        f"<script>window._CONFIG = {{SID: '{sid}', TREE: {tree}, ROOT: '/gkmlpt/'}};</script>"
        '<script src="/gkmlpt/static/js/app.js"></script></head><body><div id="app"></div>'
        "</body></html>"
    )


def api(total: int, n: int, start: int = 0, **extra) -> str:
    arts = [
        {
            "id": 11962319 + k,
            "title": f"XX区{2020 + k % 4}年政府信息公开工作年度报告",
            "url": f"http://www.x.gov.cn/gkmlpt/content/11/11962/post_{11962319 + k}.html",
            "display_publish_time": 1706148000,  # 2024-01-25 10:00 in China
            **extra,
        }
        for k in range(start, start + n)
    ]
    return json.dumps({"total": total, "articles": arts}, ensure_ascii=False)


def test_report_categories_from_a_json_tree():
    tree = json.dumps(
        [
            {
                "id": 1,
                "name": "政府信息公开",
                "children": [
                    {"id": 2, "name": "通知公告", "children": []},
                    {"id": 3, "name": "统计年报", "children": []},
                    {
                        "id": 4,
                        "name": "政府信息公开年报",
                        "children": [{"id": 5, "name": "部门年度报告", "children": []}],
                    },
                    {"id": 6, "name": "政府信息公开工作年度报告（镇街）", "children": []},
                ],
            }
        ],
        ensure_ascii=True,  # \\u escapes, as some servers write them
    )
    # the topmost report category of each branch: the API lists a category's children with it
    assert report_categories(shell(tree)) == ["4", "6"]


def test_report_categories_from_a_javascript_literal_tree():
    tree = (
        "[{id: 1, name: '政府信息公开', children: [{id: 7, name: '年度报告', children: []}, "
        "{id: 8, name: '预算决算', children: []}]}]"
    )
    assert report_categories(shell(tree)) == ["7"]


def test_shell_plans_page_1_of_each_report_category_under_the_sites_path():
    tree = json.dumps([{"id": 9, "name": "政府信息公开年报", "children": []}])
    ad = GkmlptAdapter()
    url = "http://www.szlh.gov.cn/lhqkjhgyxxhj/gkmlpt/index"
    page = shell(tree, sid="755325")
    assert ad.detect(page, url)
    (link,) = ad.pages(page, url, column_url=url)
    assert link.url == "http://www.szlh.gov.cn/lhqkjhgyxxhj/gkmlpt/api/all/9?page=1&sid=755325"
    # a category named in the column URL wins over names
    (named,) = ad.pages(page, url, column_url=url + "#2811")
    assert "/api/all/2811?" in named.url
    # a shell whose tree names no report category plans nothing (and is then a JS shell)
    bare = shell(json.dumps([{"id": 2, "name": "通知公告", "children": []}]))
    assert ad.pages(bare, url, column_url=url) == []
    assert analyse_list(bare, url, column_url=url).needs_js


def test_api_answers_give_items_and_the_other_pages():
    url = "http://www.x.gov.cn/gkmlpt/api/all/4?page=1&sid=2"
    a = analyse_list(api(23, 10), url, column_url=SHELL)
    assert a.adapters == ["gkmlpt"] and len(a.items) == 10
    assert {i.date for i in a.items} == {"2024-01-25"}  # epoch seconds, read in China time
    assert [parse_qs(urlsplit(p.url).query)["page"] for p in a.pages] == [["2"], ["3"]]
    # a later page plans nothing more
    b = analyse_list(api(23, 10, 10), url.replace("page=1", "page=2"), column_url=SHELL)
    assert b.pages == [] and len(b.items) == 10


def test_page_numbers_from_0_are_detected_by_an_empty_page_the_total_promised():
    # page 1 of a 0-based site is its second page; its last planned page comes back empty
    ad = GkmlptAdapter()
    last = "http://www.x.gov.cn/gkmlpt/api/all/4?page=3&sid=2"
    (probe,) = ad.pages(api(23, 0), last, column_url=SHELL)
    assert parse_qs(urlsplit(probe.url).query)["page"] == ["0"]
    # an empty category asks nothing more
    assert ad.pages(json.dumps({"total": 0, "articles": []}), last, column_url=SHELL) == []


def test_relative_post_urls_and_other_date_fields():
    url = "http://www.x.gov.cn/gkmlpt/api/all/4?page=1&sid=2"
    body = json.dumps(
        {
            "total": 1,
            "articles": [
                {
                    "title": "<em>XX区</em>2023年政府信息公开工作年度报告",
                    "post_url": "/gkmlpt/content/1/1234/post_1234567.html",
                    "created_at": "2024-02-01 09:00:00",
                }
            ],
        },
        ensure_ascii=False,
    )
    (item,) = analyse_list(body, url, column_url=SHELL).items
    assert item.url == "http://www.x.gov.cn/gkmlpt/content/1/1234/post_1234567.html"
    assert item.title == "XX区2023年政府信息公开工作年度报告" and item.date == "2024-02-01"


# --- crawls of the fake web ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("gkmlpt")
    with FakeWeb(build_cms_world()) as web:
        result = run_crawl(web.world, data, hosts=HOSTS)
        yield web, data, result


def api_pages(web, host: str) -> list[tuple[str, str]]:
    out = []
    for e in web.world.requests(host):
        p = urlsplit(e["target"])
        if p.path.startswith("/gkmlpt/api/"):
            out.append((p.path.rsplit("/", 1)[1], parse_qs(p.query)["page"][0]))
    return out


def test_every_report_once_on_both_hosts(crawled):
    web, data, result = crawled
    truth = {canonical_url(u): t for u, t in web.world.truth().items() if t.host in HOSTS}
    assert len(truth) == 22
    with State.open(data / "state.sqlite") as st:
        pages = {d.key: d for d in st.documents(kind="page", reports_only=True)}
        assert set(pages) == set(truth)
        for key, t in truth.items():
            assert pages[key].title == t.title
        atts = {d.key for d in st.documents(kind="attachment")}
        assert {canonical_url(a) for t in truth.values() for a in t.attachments} <= atts
    fetched = Counter((e["host"], e["target"]) for e in web.world.log if "/post_" in e["target"])
    assert fetched and set(fetched.values()) == {1}
    assert result.failures == Counter() and not result.failed_sites


def test_numbering_is_detected_not_assumed(crawled):
    web, _, _ = crawled
    one_based, zero_based = (api_pages(web, h) for h in HOSTS)
    # 1-based: pages 1..3 of category 2567, never a page 0
    assert one_based == [("2567", "1"), ("2567", "2"), ("2567", "3")]
    # 0-based: 1..3 as planned, the last empty, then page 0 once
    assert sorted(zero_based) == [("2571", "0"), ("2571", "1"), ("2571", "2"), ("2571", "3")]
    assert zero_based[-1] == ("2571", "0")


def test_only_the_report_category_is_read_and_the_sid_is_passed(crawled):
    web, _, _ = crawled
    for host in HOSTS:
        sid = web.world.hosts[host].options["sid"]
        for e in web.world.requests(host):
            if "/gkmlpt/api/" in e["target"]:
                assert parse_qs(urlsplit(e["target"]).query)["sid"] == [sid]
                assert e["status"] == 200
                assert e["headers"]["referer"].endswith("/gkmlpt/index")
    # the second host's category has no report-like name: only the column URL's #2571 names it
    assert {c for c, _ in api_pages(web, HOSTS[1])} == {"2571"}


def test_the_shell_is_not_a_js_only_page_and_dates_come_from_the_api(crawled):
    web, data, _ = crawled
    with State.open(data / "state.sqlite") as st:
        for host in HOSTS:
            col = st.url_row(canonical_url(web.world.base(host) + "/gkmlpt/index"))
            assert col["status"] == "ok" and col["error_kind"] is None
        host = web.world.hosts[HOSTS[0]]
        for it in host.items:
            if it.kind == "report" and it.visible(web.world.today):
                d = web.world.dialect(host)
                doc = st.document(canonical_url(web.world.base(host.name) + d.item_path(it, None)))
                assert doc.list_date == f"{it.list_date(web.world.today):%Y-%m-%d}"


def test_nightly_rerun_asks_the_shell_and_page_1_then_finds_the_late_report(tmp_path):
    with FakeWeb(build_cms_world()) as web:
        world = web.world
        run_crawl(world, tmp_path, hosts=HOSTS)
        world.clear_log()
        again = run_crawl(world, tmp_path, hosts=HOSTS)
        for host in HOSTS:
            targets = [urlsplit(e["target"]) for e in world.requests(host)]
            # robots.txt is remembered for a day; the shell and API page 1 decide
            assert len(targets) == 2 and targets[0].path == "/gkmlpt/index"
            assert targets[1].path.startswith("/gkmlpt/api/all/")
            assert parse_qs(targets[1].query)["page"] == ["1"]
        assert again.total("new") == 0
        world.set_today(LATER)
        world.clear_log()
        later = run_crawl(world, tmp_path, hosts=HOSTS)
        truth = {canonical_url(u) for u, t in world.truth().items() if t.host in HOSTS}
        with State.open(tmp_path / "state.sqlite") as st:
            assert {d.key for d in st.documents(kind="page", reports_only=True)} == truth
            new = [d for d in st.documents(changed_since=again.run_id) if d.kind == "page"]
        assert len(new) == 2 and all("交通运输局" in d.title for d in new)
        # no report page of the first run was downloaded again: only the new ones
        downloaded = {e["target"] for e in world.log if "/post_" in e["target"]}
        assert downloaded == {urlsplit(d.url).path for d in new}
        assert later.total("changed") == 0


def test_epoch_dates_are_china_days():
    # 2024-01-24 17:00 UTC is already the 25th in China
    at = int(datetime(2024, 1, 24, 17, tzinfo=UTC).timestamp())
    body = json.dumps(
        {
            "total": 1,
            "articles": [
                {
                    "title": "XX区2023年政府信息公开工作年度报告",
                    "url": "/gkmlpt/content/1/1/post_1.html",
                    "display_publish_time": at * 1000,
                }
            ],
        },
        ensure_ascii=False,
    )
    url = "http://www.x.gov.cn/gkmlpt/api/all/4?page=1&sid=2"
    (item,) = analyse_list(body, url, column_url=SHELL).items
    assert item.date == "2024-01-25"


def test_a_shell_whose_api_fails_is_a_failed_column_not_an_empty_one(tmp_path):
    def api_down(req, resp):
        if req.path.startswith("/gkmlpt/api/"):
            return Resp(500, [("Content-Type", "text/html")], b"error", validators=False)
        return resp

    with FakeWeb(build_cms_world()) as web:
        web.world.chaos = api_down
        result = run_crawl(web.world, tmp_path, hosts=HOSTS[:1])
    (site,) = result.sites
    assert site.failed and site.failures["http_500"] >= 1 and result.exit_code == 3
