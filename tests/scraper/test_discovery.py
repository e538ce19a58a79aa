"""Discovery: report titles, URL identity, and pagination of each CMS family."""

from __future__ import annotations

import pytest

from scraper.anchors import meta_refresh
from scraper.canonical import canonical_url, is_attachment_url
from scraper.discovery import analyse_list, analyse_page
from scraper.titles import is_report_title

COL = "http://www.x.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html"


@pytest.mark.parametrize(
    "title",
    [
        "XX县人民政府2023年政府信息公开工作年度报告",
        "二〇二三年XX县政府信息公开工作年度报告",
        "XX镇人民政府2023年度政府信息公开工作年度报告（更正）",
        "XX街道办事处2022年政府信息公开工作年度报告(修订版)",
        "XX县教育局2023年信息公开年报",
        "2019年度政府信息公开年报（图片版）",
        "XX市人力资源和社会保障局2023年政务公开工作年度报告.pdf",
    ],
)
def test_report_titles(title):
    assert is_report_title(title)


@pytest.mark.parametrize(
    "title",
    [
        "关于做好2023年政府信息公开工作年度报告编制工作的通知",
        "《XX县2023年政府信息公开工作年度报告》解读",
        "2023年统计年报",
        "XX县2024年政务公开工作要点",
        "XX县政府信息公开指南",
        "",
        None,
    ],
)
def test_not_report_titles(title):
    assert not is_report_title(title)


def test_canonical_url_merges_aliases():
    same = {
        canonical_url("HTTP://WWW.X.gov.cn:80/zwgk/./a/../zfxxgknb/index.html#top"),
        canonical_url("http://www.x.gov.cn/zwgk//zfxxgknb/"),
        canonical_url("http://www.x.gov.cn/zwgk/zfxxgknb/?utm_source=wx"),
    }
    assert same == {"http://www.x.gov.cn/zwgk/zfxxgknb/"}
    assert canonical_url(
        "http://x.gov.cn/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1521&wbnewsid=51211"
    ) == canonical_url("http://x.gov.cn/info/1521/51211.htm")
    assert canonical_url("http://x.gov.cn:8080/a.html") != canonical_url("http://x.gov.cn/a.html")
    assert canonical_url("http://x.gov.cn/show.asp?id=1") != canonical_url(
        "http://x.gov.cn/show.asp?id=2"
    )


def test_attachment_urls():
    assert is_attachment_url("http://x.gov.cn/a/P020240125512345678901.pdf")
    assert is_attachment_url(
        "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=ab.pdf&showname=x"
    )
    assert is_attachment_url("http://x.gov.cn/uploadfiles/2024/1.WPS")
    assert not is_attachment_url("http://x.gov.cn/a/t20240125_1.html")


def test_trs_list_items_dates_and_create_page_html():
    html = """<html><body><div class="nav"><a href="/">首页</a></div>
    <div class="subnav"><a href="./index.html">全部</a><a href="./xzjd/index.html">乡镇</a></div>
    <ul class="list">
      <li><a href="./202401/t20240125_1.html" title="XX县2023年政府信息公开工作年度报告">XX县2023年…</a><span>2024-01-25</span></li>
      <li><a href="./202401/t20240120_2.html" title="关于XX的通知">关于XX的通知</a><span>2024-01-20</span></li>
    </ul><script>createPageHTML(3, 0, "index", "html");</script></body></html>"""
    a = analyse_list(html, COL, column_url=COL)
    assert [(i.url, i.title, i.date, i.kind) for i in a.items] == [
        (
            "http://www.x.gov.cn/zwgk/zfxxgk/zfxxgknb/202401/t20240125_1.html",
            "XX县2023年政府信息公开工作年度报告",
            "2024-01-25",
            "page",
        )
    ]
    pages = {p.url for p in a.pages}
    assert "http://www.x.gov.cn/zwgk/zfxxgk/zfxxgknb/index_1.html" in pages
    assert "http://www.x.gov.cn/zwgk/zfxxgk/zfxxgknb/index_2.html" in pages
    assert "http://www.x.gov.cn/zwgk/zfxxgk/zfxxgknb/index_3.html" not in pages
    assert (
        "http://www.x.gov.cn/zwgk/zfxxgk/zfxxgknb/xzjd/index.html" in pages
    )  # township sub-column
    assert "http://www.x.gov.cn/" not in pages
    assert "trs" in a.adapters


def test_hanweb_datastore_and_dataproxy_groups():
    def rec(i, t):
        return f'<record><![CDATA[<li><a href="/art/2024/1/{i}/art_1229012345_{i}.html" title="{t}">{t}</a><span>2024-01-{i:02d}</span></li>]]></record>'  # noqa: E731

    records = "".join(
        rec(i, f"汉北市{2000 + i}年政府信息公开工作年度报告" if i % 2 else f"通知{i}")
        for i in range(1, 46)
    )
    html = (
        '<html><body><div id="247686"><script type="text/xml"><datastore><recordset>'
        + records
        + "</recordset></datastore></script></div>"
        "<script>var param_247686 = {col:1,appid:1,webid:39,path:'/',columnid:1229012345,unitid:'247686',webname:'汉北市',permissiontype:0};"
        "new Pager({totalRecord:100,perPage:15,proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script></body></html>"
    )
    url = "http://www.h.gov.cn/col/col1229012345/index.html"
    a = analyse_list(html, url, column_url=url)
    assert len(a.items) == 23  # odd records are reports
    posts = [p for p in a.pages if p.method == "POST"]
    assert [p.url.split("?", 1)[1] for p in posts] == [
        "startrecord=46&endrecord=90&perpage=15",
        "startrecord=91&endrecord=100&perpage=15",
    ]
    assert all(
        p.url.startswith("http://www.h.gov.cn/module/web/jpage/dataproxy.jsp?") for p in posts
    )
    assert b"columnid=1229012345" in posts[0].data and ("Referer", url) in posts[0].headers
    # the proxy's answer is read the same way, and plans no further requests
    xml = (
        '<?xml version="1.0"?><datastore><recordset>'
        + rec(47, "汉北市2016年政府信息公开工作年度报告")
        + "</recordset></datastore>"
    )
    b = analyse_list(xml, posts[0].url, column_url=url)
    assert [i.title for i in b.items] == ["汉北市2016年政府信息公开工作年度报告"] and not b.pages


def test_link_pagination_and_table_dates():
    html = """<html><body><table>
    <tr><td><a href="show.asp?id=1">古城县2023年政府信息公开工作年度报告</a></td><td>2024年1月25日</td></tr>
    <tr><td colspan=2><a href="class.asp?class=1150&page=1">首页</a> <a href="class.asp?class=1150&page=2">下一页</a>
    <a href="class.asp?class=1150&page=5">尾页</a> <a href="class.asp?class=1200">办事指南</a></td></tr></table></body></html>"""
    url = "http://www.g.gov.cn/class.asp?class=1150"
    a = analyse_list(html, url, column_url=url)
    assert [(i.url, i.date) for i in a.items] == [
        ("http://www.g.gov.cn/show.asp?id=1", "2024-01-25")
    ]
    assert {p.url for p in a.pages} == {
        "http://www.g.gov.cn/class.asp?class=1150&page=2",
        "http://www.g.gov.cn/class.asp?class=1150&page=5",
    }


def test_js_shell_and_soft_404_and_refresh():
    shell = '<html><head><title>公开</title></head><body><div id="app"></div><script src="/js/app.js"></script></body></html>'
    assert analyse_list(shell, COL, column_url=COL).needs_js
    soft = "<html><body><p>对不起，您访问的页面不存在！</p><a href='/'>返回首页</a></body></html>"
    assert analyse_page(soft, COL).soft_404
    assert (
        meta_refresh(
            '<meta http-equiv="refresh" content="0;url=show.asp?id=9">',
            "http://g.gov.cn/show.asp?id=1",
        )
        == "http://g.gov.cn/show.asp?id=9"
    )


def test_report_page_attachments_deduplicated():
    html = """<html><head><meta name="ArticleTitle" content="XX县2023年政府信息公开工作年度报告"><meta name="PubDate" content="2024-01-25 10:19"></head>
    <body><div class="TRS_Editor"><p>正文</p></div>
    <a href="./P020240125512345678901.pdf">XX县2023年年报.pdf</a>
    <a href="/zwgk/zfxxgknb/202401/P020240125512345678901.pdf">（超链版）</a>
    <a href="/module/download/downfile.jsp?classid=0&filename=ab.doc&showname=%C4%EA%B1%A8.doc">年报.doc</a></body></html>"""
    a = analyse_page(html, "http://x.gov.cn/zwgk/zfxxgknb/202401/t20240125_1.html")
    assert a.title == "XX县2023年政府信息公开工作年度报告" and a.date == "2024-01-25"
    assert [x.url for x in a.attachments] == [
        "http://x.gov.cn/zwgk/zfxxgknb/202401/P020240125512345678901.pdf",
        "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=ab.doc&showname=%C4%EA%B1%A8.doc",
    ]
