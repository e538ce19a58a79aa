"""Site discovery's parts on their own: link ranking, a page's links and labels, agency names,
the column check's reading of titles, start pages from spreadsheets, and registry writing."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

from scraper.registry import parse_registry
from scraper.sitefinder import labels
from scraper.sitefinder.columns import read_list, report_year, title_agency
from scraper.sitefinder.links import page_links
from scraper.sitefinder.naming import (
    child_kind,
    child_name,
    division_code,
    guess_level,
    site_agency,
)
from scraper.sitefinder.result import FoundColumn, SiteEntry
from scraper.sitefinder.seeds import SeedError, read_starts
from scraper.sitefinder.writer import merge_plan, registry_text

X = "http://www.x.gov.cn"


# --- link ranking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("政府信息公开年报", "/zwgk/zfxxgk/zfxxgknb/index.html"),
        ("政府信息 公开年报", "/a/b/"),  # a label split by <br> and spaces
        ("政府信息公开工作年度报告", "/xxgk/list.htm"),
        ("年度报告", "/fdzdgknr/ndbg/"),
        ("【信息公开年报】", "/col/col1229012345/index.html"),  # a column id with 12345 in it
    ],
)
def test_labels_naming_the_annual_report_lead_to_a_column(label, url):
    r = labels.rank(label, X + url)
    assert r.kind == labels.COLUMN and r.followed


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("统计年报", "/tjj/tjnb/"),
        ("企业年报公示", "/scjg/qynb/"),
        ("年报解读", "/zwgk/nbjd/"),
        ("年报查询", "/search/index.html?q=年报"),
        ("新闻中心", "/xwzx/index.html"),
        ("政务服务", "http://zwfw.hebei.gov.cn/"),
        ("互动交流", "/hdjl/"),
        ("12345热线", "http://12345.x.gov.cn/"),
        ("领导日程", "/rl/index.html?ym=2024-04"),
        ("政府信息公开年报", "/search/index.html?q=政府信息公开年报"),  # words say yes, URL no
        ("华溪县2023年政府信息公开工作年度报告", "/zfxxgknb/202401/t20240125_123.html"),
    ],
)
def test_news_search_calendars_services_and_lookalikes_are_never_columns(label, url):
    r = labels.rank(label, X + url)
    assert r.kind != labels.COLUMN


def test_the_way_there_is_ranked_platform_first():
    platform = labels.rank("政府信息公开", X + "/zwgk/zfxxgk/")
    directory = labels.rank("法定主动公开内容", X + "/zwgk/fdzdgknr/")
    section = labels.rank("政务公开", X + "/zwgk/")
    guide = labels.rank("政府信息公开指南", X + "/zwgk/zfxxgk/gkzn/")
    assert platform.score > directory.score > section.score > 0
    assert not guide.followed
    assert labels.rank("乡镇（街道）信息公开", X + "/xzxxgk/").kind == labels.SUBINDEX
    assert labels.rank("部门信息公开", X + "/bmxxgk/").kind == labels.SUBINDEX
    assert labels.rank("东部片区", X + "/xzxxgk/pq1/").kind == labels.SUBINDEX


def test_a_more_link_speaks_with_its_box_heading():
    assert (
        labels.rank("更多>>", X + "/class.asp?class=1150", "政府信息公开年报").kind == labels.COLUMN
    )
    assert labels.rank("更多>>", X + "/class.asp?class=1100", "通知公告").kind == labels.OTHER
    assert labels.rank("更多", X + "/news/list.htm", "新闻动态").kind == labels.NEVER


# --- a page's links ---------------------------------------------------------------------------

PORTAL = """<html><body>
<div class="box"><div class="box-hd"><span class="tit">政府信息公开年报</span>
<a class="more" href="class.asp?class=1150">更多&gt;&gt;</a></div></div>
<a class="entry" href="https://www.x.gov.cn/zwgk/zfxxgknb/index.html"><i class="icon"></i>
<img src="/i.png" alt=""><p>政府信息<br>公开年报</p></a>
<a href="/zwgk/"><img src="/zwgk.png" alt="政务公开"></a>
<select onchange="window.open(this.value)"><option value="">部门网站</option>
<option value="http://jyj.x.gov.cn/index.htm">县教育局</option></select>
<h3>部门名单</h3><ul><li><a href="/bm/czj/">县财政局</a></li></ul>
<a href="/gkmlpt/index#2571">年报</a> <a href="javascript:void(0)">菜单</a>
<iframe src="/xxgk/index.html" title="信息公开"></iframe>
</body></html>"""


def test_links_keep_their_labels_whatever_the_markup():
    links = {(link.url, link.label): link for link in page_links(PORTAL, X + "/")}
    more = links[(X + "/class.asp?class=1150", "更多>>")]
    assert more.context == "政府信息公开年报"
    assert ("https://www.x.gov.cn/zwgk/zfxxgknb/index.html", "政府信息 公开年报") in links or (
        "https://www.x.gov.cn/zwgk/zfxxgknb/index.html",
        "政府信息公开年报",
    ) in links
    assert (X + "/zwgk/", "政务公开") in links  # an image's alt text
    option = links[("http://jyj.x.gov.cn/index.htm", "县教育局")]
    assert option.in_select and option.context == "部门网站"
    assert links[(X + "/bm/czj/", "县财政局")].context == "部门名单"
    assert (X + "/gkmlpt/index#2571", "年报") in links  # a catalogue category keeps its number
    assert (X + "/xxgk/index.html", "信息公开") in links  # a frame
    assert not any(u.startswith("javascript") for u, _ in links)


def test_a_malformed_link_costs_itself_only():
    page = (
        '<a href="http://www.x.gov.cn:80:80/zfxxgknb/">政府信息公开年报</a>'
        '<a href="http://[gov/zwgk/">政务公开</a><a href="/zwgk/zfxxgk/">政府信息公开</a>'
    )
    assert [link.url for link in page_links(page, X + "/")] == [X + "/zwgk/zfxxgk/"]


# --- agency names ------------------------------------------------------------------------------


def test_sub_platform_labels_become_full_agency_names():
    assert child_name("东岭乡", "华溪县人民政府") == ("华溪县东岭乡人民政府", "township")
    assert child_name("县教育局", "华溪县人民政府") == ("华溪县教育局", "department")
    assert child_name("西街街道", "华溪县人民政府") == ("华溪县西街街道办事处", "township")
    assert child_name("城关镇政府", "华溪县人民政府") == ("华溪县城关镇人民政府", "township")
    assert child_name("华溪县财政局", "华溪县人民政府") == ("华溪县财政局", "department")
    assert child_name("龙泉镇信息公开", "华溪县人民政府") == ("华溪县龙泉镇人民政府", "township")
    assert child_name("3.东岭乡", "华溪县人民政府") == ("华溪县东岭乡人民政府", "township")
    assert child_name("一、县教育局", "华溪县人民政府") == ("华溪县教育局", "department")
    for label in ("东部片区", "政府信息公开年报", "部门名单", "机构职能", "2023年"):
        assert child_kind(label) is None, label


def test_division_codes_only_when_the_places_table_is_sure():
    name, level = child_name("进化镇", "梅河口市人民政府")
    assert division_code(name, level, "220581") == "220581108"
    assert division_code("梅河口市教育局", "department") == "220581"
    assert division_code("华溪县东岭乡人民政府", "township") is None  # not a real place
    assert division_code("青山县人民政府", "county") is None  # several 青山: no guess


def test_a_site_is_named_after_its_title():
    assert site_agency("华溪县人民政府门户网站", "?") == "华溪县人民政府"
    assert site_agency("首页 - 华溪县教育局", "?") == "华溪县教育局"
    assert site_agency("欢迎访问", "www.x.gov.cn") == "www.x.gov.cn"
    assert guess_level("华溪县人民政府") == "county"
    assert guess_level("汉北市人民政府") == "city"
    assert guess_level("华溪县东岭乡人民政府") == "township"
    assert guess_level("华溪县教育局") == "department"


# --- the column check's reading ---------------------------------------------------------------


def test_a_link_named_after_the_column_is_not_a_report():
    page = (
        '<html><body><a href="/zfxxgknb/">政府信息公开年报</a>'
        '<ul><li><a href="./202402/t20240221_1.html" title="华溪县东岭乡人民政府二〇二三年政府信息'
        '公开工作年度报告">华溪县东岭乡人民政府二〇二三年…</a><span>2024-02-21</span></li></ul></body></html>'
    )
    r = read_list(page, X + "/xzxxgk/dlx/xxgknb/", X + "/xzxxgk/dlx/xxgknb/")
    assert len(r.titles) == 1 and r.entries == 1
    assert report_year(r.titles[0]) == 2023
    assert title_agency(r.titles[0]) == "华溪县东岭乡人民政府"
    assert title_agency("2023年政府信息公开工作年度报告") is None


# --- start pages from spreadsheets ------------------------------------------------------------


def test_simple_csv_with_or_without_a_header(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "华溪县人民政府,www.huaxi.gov.cn,130599\n梅河口市人民政府,https://www.mhk.gov.cn/\n"
    )
    starts = read_starts(plain)
    assert [(s.url, s.name, s.division_code) for s in starts] == [
        ("http://www.huaxi.gov.cn/", "华溪县人民政府", "130599"),
        ("https://www.mhk.gov.cn/", "梅河口市人民政府", None),
    ]
    headed = tmp_path / "headed.csv"  # Excel on Chinese Windows writes GB18030
    headed.write_bytes("name,url\n华溪县教育局,http://jyj.huaxi.gov.cn/\n".encode("gb18030"))
    assert [s.name for s in read_starts(headed)] == ["华溪县教育局"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,url\n华溪县,not a url at all\n")
    with pytest.raises(SeedError, match="bad.csv:2"):
        read_starts(bad)


def test_the_national_website_database_export(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["全国政府网站基本信息（导出）"])  # exports start with a title line
    sheet.append(
        ["序号", "网站名称", "政府网站标识码", "首页网址", "主办单位", "网站类别", "运行状态"]
    )
    sheet.append([1, "华溪县人民政府门户网站", "1305990001", "www.huaxi.gov.cn", "华溪县人民政府办公室", "政府门户网站", "正常"])  # fmt: skip
    sheet.append([2, "华溪县教育局网站", "1305990002", "http://jyj.huaxi.gov.cn", "华溪县教育局", "部门网站", "正常"])  # fmt: skip
    sheet.append([3, "华溪县旧网站", "1305990003", "www.oldhx.gov.cn", "华溪县档案馆", "部门网站", "已关停"])  # fmt: skip
    path = tmp_path / "export.xlsx"
    book.save(path)
    starts = read_starts(path)
    assert [(s.url, s.name, s.division_code, s.level) for s in starts] == [
        ("http://www.huaxi.gov.cn/", "华溪县人民政府", "130599", None),
        ("http://jyj.huaxi.gov.cn/", "华溪县教育局", "130599", "department"),
    ]
    as_csv = tmp_path / "export.csv"
    with as_csv.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["网站名称", "首页网址", "主办单位", "政府网站标识码"])
        w.writerow(
            ["梅河口市人民政府", "http://www.mhk.gov.cn/", "梅河口市人民政府办公室", "2205810001"]
        )
    (s,) = read_starts(as_csv)
    assert (s.name, s.division_code) == ("梅河口市人民政府", "220581")


# --- writing and merging ----------------------------------------------------------------------


def entry(agency: str, url: str, **kw) -> SiteEntry:
    col = FoundColumn(
        url, agency, kw.get("level"), kw.get("parent"), "titles", 3, 2023, ("政务公开",)
    )
    return SiteEntry(agency, kw.get("level"), kw.get("parent"), kw.get("code"), [col])


def test_registry_text_loads_and_says_why_each_column_was_taken():
    entries = [
        entry("华溪县人民政府", X + "/zwgk/zfxxgknb/", level="county"),
        entry(
            "华溪县东岭乡人民政府", X + "/dlx/xxgknb/", level="township", parent="华溪县人民政府"
        ),
    ]
    text = registry_text(entries)
    reg = parse_registry(text)
    assert [(s.agency, s.level, s.parent) for s in reg] == [
        ("华溪县人民政府", "county", None),
        ("华溪县东岭乡人民政府", "township", "华溪县人民政府"),
    ]
    assert "# 华溪县东岭乡人民政府: 3 report titles, newest 2023 (via 政务公开)" in text


def test_merging_appends_only_new_columns_and_keeps_the_file_as_it_was():
    hand = (
        "# my registry\n[defaults]\ndelay = 4.0\n\n"
        f'[[site]]\nagency = "华溪县人民政府"  # checked by hand\ncolumns = ["{X}/zwgk/zfxxgknb/index.html"]\n'
        "enabled = false\n"
    )
    found = [
        entry("华溪县人民政府", X + "/zwgk/zfxxgknb/"),  # the same column, another spelling
        entry("华溪县人民政府", X + "/zwgk/ndbg/"),  # a second column of a listed agency
        entry("华溪县教育局", X + "/jyj/zfxxgknb/", level="department"),
    ]
    plan = merge_plan(hand, parse_registry(hand), found)
    assert plan.text.startswith(hand)  # byte for byte
    assert plan.known == 1 and [e.agency for e in plan.added] == ["华溪县人民政府", "华溪县教育局"]
    reg = parse_registry(plan.text)
    assert [s.key for s in reg] == ["华溪县人民政府", "华溪县人民政府-2", "华溪县教育局"]
    assert reg.sites[0].enabled is False and reg.sites[0].delay == 4.0
    again = merge_plan(plan.text, reg, found)  # nothing new the second time
    assert again.added == [] and again.text == plan.text
