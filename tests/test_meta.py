"""Agency, report year and publication date from titles, sign-offs and page fields."""

from __future__ import annotations

import pytest

from parsers.cells.base import Document
from parsers.meta import parse_date, parse_title, read_meta


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("梅河口市进化镇人民政府2023年政府信息公开工作年度报告", "梅河口市进化镇人民政府", 2023),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        ("关于印发某某县2022年度政府信息公开工作年度报告的通知", "某某县", 2022),
        ("某某县教育局二〇二三年政府信息公开工作年度报告", "某某县教育局", 2023),
        ("2024 年上海市科委政府信息公开工作年度报告", "上海市科委", 2024),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局", 2013),
        ("某某市人民政府2023年政府信息公开年报", "某某市人民政府", 2023),
        ("某某街道办事处2023年度政府信息公开工作年度报告（更正）", "某某街道办事处", 2023),
        (
            "根据要求，现将某某镇人民政府2023年政府信息公开工作年度报告公布如下",
            "某某镇人民政府",
            2023,
        ),
        ("标题: 平潭综合实验区2022年度政府信息公开工作年度报告", "平潭综合实验区", 2022),
    ],
)
def test_titles(title, agency, year):
    found = parse_title(title)
    assert found is not None
    assert (found.agency, found.year) == (agency, year)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024年1月17日", "2024-01-17"),
        ("2024年01月17日", "2024-01-17"),
        ("2024-1-7", "2024-01-07"),
        ("二〇二四年一月十七日", "2024-01-17"),
        ("二○一二年二月二十日", "2012-02-20"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
    ],
)
def test_dates(text, iso):
    assert parse_date(text).isoformat() == iso


def test_invalid_dates_are_not_dates():
    assert parse_date("2024年2月30日") is None
    assert parse_date("第2024号") is None


def test_sign_off_gives_agency_and_date_when_there_is_no_title():
    doc = Document(text="一、总体情况\n正文……\n某某县财政局\n2024年1月25日")
    meta = read_meta(doc)
    assert (meta.agency, meta.published, meta.year) == ("某某县财政局", "2024-01-25", 2023)
    assert any("inferred" in w for w in meta.warnings)


def test_sign_off_before_an_appendix_in_flattened_text():
    text = "……加强监督。 某某县人民政府 二〇二四年三月一日 附件1：统计表 指标 2023年 1 2"
    meta = read_meta(Document(text=text, title="某某县2023年政府信息公开工作年度报告"))
    assert meta.published == "2024-03-01"


def test_sign_off_wins_over_the_page_date():
    doc = Document(
        text="正文\n某某镇人民政府\n2024年1月17日",
        title="某某镇人民政府2023年政府信息公开工作年度报告",
        meta={"PubDate": "2024-01-25 10:00"},
    )
    assert read_meta(doc).published == "2024-01-17"


def test_page_date_fields_when_there_is_no_sign_off():
    doc = Document(
        text="正文", title="某某县2023年政府信息公开工作年度报告", meta={"日期": "2024-01-25"}
    )
    assert read_meta(doc).published == "2024-01-25"


def test_a_date_before_the_report_year_is_not_the_publication():
    doc = Document(text="正文\n某某县\n2022年5月1日", title="某某县2023年政府信息公开工作年度报告")
    assert read_meta(doc).published is None
