"""The synthetic report generator: records that add up, and HTML renderings that carry them
faithfully (pipe text, markdown and flattened text are in ``test_reportgen_text``).

The renderers are checked independently of their own code: rendered HTML is expanded to grids
and each official row is found by its label; the numbers printed after it must be the record's
values, in column order (blank cells absent, dashes as printed).
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from fixtures.reportgen import (
    DASHES,
    HTML_STYLES,
    Site,
    arithmetic_errors,
    html_to_pipe,
    iter_cells,
    random_agency,
    random_record,
    random_year,
    render_html,
    render_pipe,
    strip_private,
)
from fixtures.reportgen import labels as L
from fixtures.reportgen.page import PAGE_MAX, PAGE_MIN
from fixtures.reportgen.pipe import table_grid
from fixtures.reportgen.prose import HEADINGS, cn_date, cn_year
from parsers import schema
from tests.reportgen_support import (
    CONTRACT_KEYS,
    RECORDS,
    TEMPLATES,
    expected_row,
    find_row,
    fold,
    html_grids,
    read_value,
    record_id,
    row_labels,
)

# ---------------------------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    template=st.sampled_from(TEMPLATES),
    big=st.booleans(),
    blank_rate=st.sampled_from((0.0, 0.1, 0.3, 0.6)),
    dash_rate=st.sampled_from((0.0, 0.05, 0.2)),
)
def test_records_satisfy_every_arithmetic_rule(seed, template, big, blank_rate, dash_rate):
    record = random_record(
        random.Random(seed), template, blank_rate=blank_rate, dash_rate=dash_rate, big=big
    )
    assert arithmetic_errors(record) == []

    apps = record["tables"]["applications"]
    n = {  # None counts as 0, as in a printed table
        (r, c): (v or 0) for r, cols in apps.items() for c, v in cols.items()
    }
    for row in apps:
        assert sum(n[row, c] for c in schema.APPLICANT_COLUMNS) == n[row, "total"]
    for col in (c.code for c in schema.APPLICATION_COLUMNS):
        outcomes = sum(n[r, col] for r in schema.OUTCOME_ROWS[template])
        assert outcomes == n["total", col]
        assert n["new", col] + n["carried_over", col] == n["total", col] + n["carried_forward", col]
    for values in record["tables"]["appeals"].values():
        parts = [values[k] or 0 for k in ("upheld", "corrected", "other", "pending")]
        assert sum(parts) == (values["total"] or 0)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), template=st.sampled_from(TEMPLATES), big=st.booleans())
def test_records_have_the_contract_shape_and_value_types(seed, template, big):
    record = random_record(random.Random(seed), template, big=big, blank_rate=0.2, dash_rate=0.1)
    assert list(strip_private(record)) == CONTRACT_KEYS
    assert record["source"] is None and record["sha256"] == ""
    assert record["checks"] == [] and record["warnings"] == []
    assert record["template"] == template
    shape = schema.shape(template).sections
    assert {
        s: {r: tuple(c) for r, c in rows.items()} for s, rows in record["tables"].items()
    } == shape
    published = dt.date.fromisoformat(record["published"])
    assert published.year == record["year"] + 1 and published.month <= 3
    lo, hi = (2019, 2020) if template == schema.TEMPLATE_2019 else (2021, 2030)
    assert lo <= record["year"] <= hi
    for section, row, column, value in iter_cells(record):
        if value is None:
            continue
        assert not isinstance(value, bool)
        if column == "amount":
            assert isinstance(value, int | float) and value >= 0
            assert round(value, 2) == value
        else:
            assert isinstance(value, int), (section, row, column, value)
            if column != "change":
                assert value >= 0


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    template=st.sampled_from(TEMPLATES),
    blank_rate=st.floats(0, 0.7),
    dash_rate=st.floats(0, 0.3),
)
def test_blank_and_dash_cells_are_zeros_recorded_in_print_map(
    seed, template, blank_rate, dash_rate
):
    record = random_record(
        random.Random(seed), template, blank_rate=blank_rate, dash_rate=dash_rate
    )
    cells = list(iter_cells(record))
    none_keys = {f"{s}.{r}.{c}" for s, r, c, v in cells if v is None}
    assert set(record["_print"]) == none_keys
    blanks = [k for k, v in record["_print"].items() if v == ""]
    dashes = {v for v in record["_print"].values() if v}
    assert dashes <= set(DASHES) and len(dashes) <= 1
    # the fractions are of all cells, capped by the zero cells available
    zeros_before = sum(1 for *_, v in cells if v == 0) + len(none_keys)
    assert len(blanks) == min(round(blank_rate * len(cells)), zeros_before)
    assert len(none_keys) - len(blanks) == min(
        round(dash_rate * len(cells)), zeros_before - len(blanks)
    )


def test_records_are_reproducible_and_vary():
    a = random_record(random.Random(42), big=True)
    b = random_record(random.Random(42), big=True)
    c = random_record(random.Random(43), big=True)
    assert a == b
    assert a["tables"] != c["tables"]


def test_magnitudes_small_by_default_large_when_big():
    small = [
        random_record(random.Random(s), agency="梅河口市山城镇人民政府")["tables"]["applications"][
            "new"
        ]["total"]
        for s in range(200)
    ]
    big = [
        random_record(random.Random(s), big=True)["tables"]["applications"]["new"]["total"]
        for s in range(50)
    ]
    assert sum(1 for v in small if v == 0) > 50  # townships: mostly nothing
    assert max(small) < 50
    assert min(big) >= 100 and max(big) >= 1000


def test_invalid_arguments_raise():
    with pytest.raises(ValueError):
        random_record(random.Random(1), "2008")
    with pytest.raises(ValueError):
        random_record(random.Random(1), blank_rate=0.8, dash_rate=0.5)
    with pytest.raises(ValueError):
        random_agency(random.Random(1), "planet")


def test_agencies_and_years_look_real():
    rng = random.Random(7)
    names = [random_agency(rng) for _ in range(300)]
    suffixes = ("人民政府", "人民政府办公室", "办事处", "局", "分局")
    assert all(name.endswith(suffixes) for name in names)
    assert any(n.endswith("街道办事处") for n in names)
    assert any(re.search(r"[镇乡]人民政府$", n) for n in names)
    assert any(n.endswith(("教育局", "自然资源局")) or "自然资源局" in n for n in names)
    assert all(random_agency(rng, "township").endswith(("人民政府", "办事处")) for _ in range(30))
    assert {random_year(rng, "2019") for _ in range(50)} == {2019, 2020}
    assert min(random_year(rng, "2021") for _ in range(50)) >= 2021


def test_explicit_agency_and_year_are_kept():
    record = random_record(random.Random(3), "2019", agency="农安县教育局", year=2020)
    assert record["agency"] == "农安县教育局" and record["year"] == 2020


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def assert_html_carries(record: dict, html: str, style: str) -> None:
    grids = html_grids(html)
    rows = [row for grid in grids for row in grid]
    for section, code, label in row_labels(record):
        after = find_row(rows, label)
        assert after is not None, f"{style}: no row labelled {label!r}"
        got = [read_value(t) for t in after]
        assert got == expected_row(record, section, code), (style, label)
    # table 四: the one row of 15 values
    appeals = next(g for g in grids if any("尚未审结" in fold(t) for row in g for t in row))
    want = [
        v
        for g in schema.APPEAL_GROUPS
        for v in expected_row(record, schema.SECTION_APPEALS, g.code)
    ]
    assert [read_value(t) for t in appeals[-1]] == want


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("record", RECORDS, ids=record_id)
def test_html_rows_carry_the_record_values(style, record):
    assert_html_carries(record, render_html(record, style), style)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    template=st.sampled_from(TEMPLATES),
    style=st.sampled_from(HTML_STYLES),
    big=st.booleans(),
    blank_rate=st.sampled_from((0.0, 0.2, 0.5)),
    dash_rate=st.sampled_from((0.0, 0.1)),
)
def test_html_rows_carry_the_record_values_for_any_record(
    seed, template, style, big, blank_rate, dash_rate
):
    rng = random.Random(seed)
    record = random_record(rng, template, big=big, blank_rate=blank_rate, dash_rate=dash_rate)
    assert_html_carries(record, render_html(record, style, rng=rng), style)


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("record", RECORDS[:4], ids=record_id)
def test_html_has_title_headings_labels_and_sign_off(style, record):
    html = render_html(record, style)
    text = fold(html_to_pipe(html))
    template = record["template"]
    assert fold(record["agency"]) in text
    assert str(record["year"]) in text or cn_year(record["year"]) in text
    for heading in HEADINGS:
        assert fold(heading) in text, heading
    group_labels = {r.group for r in L.application_row_labels(template) if r.group}
    group_labels |= {r.sub for r in L.application_row_labels(template) if r.sub}
    headers = [L.APPLICATIONS_CORNER, L.APPLICANT_HEADER, L.LEGAL_PERSONS, L.CONTENT_HEADER]
    headers += [c.label for c in schema.APPLICATION_COLUMNS]
    headers += [m.label for item in schema.PROACTIVE[template] for m in item.measures]
    reconsideration, litigation, kinds, results = L.appeal_headers()
    headers += [reconsideration, litigation, *kinds, *results]
    headers += [
        L.article_title(a) for a in {L.ARTICLE_OF_ITEM[i.code] for i in schema.PROACTIVE[template]}
    ]
    for label in sorted(group_labels) + headers:
        assert fold(label) in text, label
    editor = LexborHTMLParser(html).css_first("div.TRS_Editor")  # trs_page: the article
    tail = fold(html_to_pipe(editor.html))[-200:] if editor else text[-200:]
    assert fold(record["agency"]) in tail
    assert fold(cn_date(dt.date.fromisoformat(record["published"]))) in tail


@pytest.mark.parametrize("record", RECORDS[:4], ids=record_id)
def test_templates_differ_where_the_formats_do(record):
    pipe = render_pipe(record, "clean")
    articles = set(re.findall(r"第二十条第（[一二三四五六七八九]）项", pipe))
    other_rows = [line for line in pipe.splitlines() if "（六）其他处理" in line]
    if record["template"] == schema.TEMPLATE_2019:
        assert len(articles) == 5 and "政府集中采购" in pipe and "本年新制作数量" in pipe
        assert len(other_rows) == 1 and "3.其他 |" not in pipe
    else:
        assert len(articles) == 4 and "政府集中采购" not in pipe and "本年制发件数" in pipe
        assert "3.其他 |" in pipe and "逾期不补正" in pipe


def test_rendering_is_deterministic_and_rng_changes_it():
    record = RECORDS[3]
    assert render_html(record, "word") == render_html(record, "word")
    assert render_html(record, "word", rng=random.Random(1)) != render_html(
        record, "word", rng=random.Random(2)
    )


def test_unknown_style_raises():
    with pytest.raises(ValueError):
        render_html(RECORDS[0], "comic-sans")


def test_word_style_has_the_word_export_deformations():
    seen = {"br_label": False, "nbsp_pad": False, "skew": False, "blank_under_natural": False}
    for seed in range(12):
        record = random_record(random.Random(seed), "2019", blank_rate=0.2)
        html = render_html(record, "word")
        assert "class=MsoNormal" in html and "<span style=" in html
        seen["nbsp_pad"] |= bool(re.search(r"\d</span><span[^>]*>(&nbsp;)+</span>", html))
        seen["br_label"] |= bool(re.search(r"[\u4e00-\u9fff]</span><span[^>]*><br></span>", html))
        tree = LexborHTMLParser(html)
        tables = tree.css("table")
        proactive = table_grid(tables[0])
        header = next(row for row in proactive if row[0] is not None and row[0].text == "信息内容")
        seen["skew"] |= len(header) == 5 and any(c is not None and c.colspan == 2 for c in header)
        apps = table_grid(tables[1])
        third = apps[2]
        seen["blank_under_natural"] |= third[3] is not None and third[3].text == ""
    assert all(seen.values()), seen


def test_fullwidth_style_prints_full_width_digits_units_and_separators():
    record = random_record(random.Random(5), "2019", big=True)
    record["tables"]["proactive"]["procurement"].update({"items": 6, "amount": 251000})
    html = render_html(record, "fullwidth")
    grids = html_grids(html)
    rows = [row for grid in grids for row in grid]
    procurement = find_row(rows, "政府集中采购")
    assert procurement == ["６", "２５１,０００元"] or procurement == ["６", "２５１，０００元"]
    numbers = [t for row in rows for t in row if read_value(t) != t]
    assert numbers and not any(re.search(r"[0-9]", t) for t in numbers)
    assert any(re.search(r"[,，]", t) for t in numbers)


def test_variants_style_uses_label_variants():
    found = set()
    for seed in range(10):
        pipe = render_pipe(random_record(random.Random(seed), "2021"), "variants")
        if '"三安全一稳定"' in pipe:
            found.add("ascii quotes")
        if "(一)予以公开" in pipe or "(三)不予公开" in pipe:
            found.add("half-width brackets")
        if "其它" in pipe:
            found.add("其它")
        if re.search(r"^\(?（?二[）)]部分公开 \|$", pipe, re.M):
            found.add("short 部分公开")
        if re.search(r"^规范性文件 \|$", pipe, re.M):
            found.add("规范性文件")
    assert found == {"ascii quotes", "half-width brackets", "其它", "short 部分公开", "规范性文件"}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("template", TEMPLATES)
def test_trs_pages_are_full_article_pages_of_realistic_size(seed, template):
    record = random_record(random.Random(seed), template, big=seed % 2 == 0, blank_rate=0.1)
    html = render_html(record, "trs_page")
    assert PAGE_MIN <= len(html.encode("utf-8")) <= PAGE_MAX
    tree = LexborHTMLParser(html)
    metas = {m.attributes.get("name"): m.attributes.get("content") for m in tree.css("meta")}
    assert fold(record["agency"]) in fold(metas["ArticleTitle"])
    assert metas["PubDate"].startswith(record["published"])
    assert metas["ContentSource"]
    editor = tree.css_first("div.TRS_Editor")
    assert editor is not None and len(editor.css("table")) >= 3
    page_text = tree.body.text()
    for marker in ("当前位置", "索 引 号", "发布机构", "发文日期", "网站标识码"):
        assert marker in page_text
    assert "申请人情况" not in page_text.replace(editor.text(), "")


def test_trs_page_claims_the_site_it_is_given():
    record = RECORDS[2]
    site = Site.for_record(record, random.Random(1), domain="www.example-county.gov.cn")
    html = render_html(record, "trs_page", site=site)
    tree = LexborHTMLParser(html)
    metas = {m.attributes.get("name"): m.attributes.get("content") for m in tree.css("meta")}
    assert metas["Url"] == site.url
    assert site.url.startswith("https://www.example-county.gov.cn/zwgk/zfxxgk/zfxxgknb/")
    assert metas["SiteIDCode"] == site.site_code and site.site_code in tree.body.text()
    assert metas["PubDate"] == f"{site.published:%Y-%m-%d %H:%M}"
