"""Choosing adapters: ``adapter = "auto"`` recognises each CMS family from its column page as
the fake web serves it; a registry name forces one; ``generic`` uses none."""

from __future__ import annotations

import json

import httpx
import pytest

from fixtures.sites import FakeWeb, build_world
from ogi.parsing import time_limit  # its DocumentTimeout gets past the parser's own guard
from scraper.canonical import canonical_url
from scraper.crawl import crawl
from scraper.decoding import decode_body
from scraper.discovery import analyse_list
from scraper.registry import ADAPTERS, RegistryError, parse_registry
from scraper.state import State

from .conftest import fast_options, world_clock

FAMILIES = {
    "www.qingshan.gov.cn": ["trs"],
    "www.hanbei.gov.cn": ["hanweb"],
    "www.hanxi.gov.cn": ["hanweb"],  # column parameters only in <nextgroup>
    "www.nanhai.gov.cn": ["gkmlpt"],
    "www.dongjiang.gov.cn": ["gkmlpt"],
    "www.jianghe.gov.cn": ["jpaas"],
    "www.bochuan.gov.cn": ["vsb"],
    "www.pager5.gov.cn": ["trs"],  # createPageHTML('page_div', …)
    "rsj.lincheng.gov.cn": [],  # links only
    "www.gucheng.gov.cn": [],
    "www.pager1.gov.cn": [],
}


@pytest.fixture(scope="module")
def web():
    with FakeWeb(build_world(faults=False, cms=True)) as w:
        yield w


def column_page(web, host: str) -> tuple[str, str]:
    world = web.world
    path = world.hosts[host].columns[0]
    with httpx.Client() as c:
        r = c.get(
            f"http://127.0.0.1:{web.port}{path.split('#')[0]}",
            headers={"Host": f"{host}:{web.port}"},
        )
    assert r.status_code == 200
    return decode_body(r.content, r.headers.get("content-type")).text, world.base(host) + path


@pytest.mark.parametrize(("host", "family"), FAMILIES.items())
def test_auto_recognises_each_family_from_its_column_page(web, host, family):
    text, url = column_page(web, host)
    a = analyse_list(text, url, column_url=url)
    assert a.adapters == family
    assert not a.needs_js and (a.items or a.pages)


def test_generic_uses_no_adapter_and_a_shell_is_then_a_js_page(web):
    text, url = column_page(web, "www.nanhai.gov.cn")
    generic = analyse_list(text, url, column_url=url, adapter="generic")
    assert generic.adapters == [] and generic.needs_js
    forced = analyse_list(text, url, column_url=url, adapter="gkmlpt")
    assert forced.adapters == ["gkmlpt"] and forced.pages


def test_registry_knows_every_adapter_and_names_them_when_wrong():
    for name in ("gkmlpt", "jpaas", "vsb"):
        assert name in ADAPTERS
        site = parse_registry(
            f'[[site]]\nagency = "甲"\ncolumns = ["http://a.gov.cn/x.htm"]\nadapter = "{name}"\n'
        ).sites[0]
        assert site.adapter == name
    with pytest.raises(RegistryError) as e:
        parse_registry('[[site]]\nagency = "甲"\ncolumns = ["http://a.gov.cn/"]\nadapter = "x"\n')
    assert "gkmlpt" in str(e.value) and "vsb" in str(e.value) and e.value.line == 4


def test_a_forced_adapter_crawls_like_auto(web, tmp_path):
    world = web.world
    host = "www.bochuan.gov.cn"
    text = world.registry_toml(hosts=[host]).replace("delay = 0.0", 'delay = 0.0\nadapter = "vsb"')
    result = crawl(
        parse_registry(text),
        tmp_path,
        resolve=world.resolve_entries(),
        clock=world_clock(world),
        options=fast_options(),
    )
    with State.open(tmp_path / "state.sqlite") as st:
        found = {d.key for d in st.documents(kind="page", reports_only=True)}
    truth = {canonical_url(t.url) for t in world.truth().values() if t.host == host}
    assert found == truth and not result.failures


# --- pages built to make the adapters' own work explode ---------------------------------------


HOSTILE = {
    "gkmlpt-unclosed-tree": (
        "http://x.gov.cn/gkmlpt/index",
        "<script>window._CONFIG = {SID: '1', TREE: [" + "{id: 1, name: '" * 200_000,
    ),
    "gkmlpt-deep-tree": (
        "http://x.gov.cn/gkmlpt/index",
        "<script>window._CONFIG = {SID: '1', TREE: "
        + '[{"id":1,"name":"年报","children":' * 100_000,
    ),
    "gkmlpt-huge-total": (
        "http://x.gov.cn/gkmlpt/api/all/1?page=1&sid=1",
        json.dumps({"total": 10**15, "articles": [{"title": "x", "url": "/a"}]}),
    ),
    "jpaas-script-tags": (
        "http://x.gov.cn/col/col1/index.html",
        "<script " * 300_000 + ' queryData=\'{"a":"b"}\' jpaas>',
    ),
    "jpaas-huge-count": (
        "http://x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?paramJson="
        "%7B%22pageNo%22%3A1%7D",
        json.dumps({"data": {"html": '<div class="pagination" rows="1" count="999999999">'}}),
    ),
    "vsb-many-pages": (
        "http://x.gov.cn/zwgk/xxgknb.htm",
        "<script src='/system/resource/js/x.js'></script>共99999页"
        + "".join(f"<a href='xxgknb/{i}.htm'>{i}</a>" for i in range(30_000)),
    ),
    "counted-pages": (
        "http://x.gov.cn/list.php",
        "<html><body>共9999页 " + "<a href='?page=2'>下一页</a>" * 30_000 + "</body></html>",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_adapter_input_built_to_explode_is_read_in_bounded_time(name):
    url, page = HOSTILE[name]
    with time_limit(10, cpu=True):
        a = analyse_list(page, url, column_url=url)
    assert len(a.pages) <= 500  # page plans are capped whatever a page claims
