"""Reports before 2019: counts read from prose (``parsers.prose``); the appendix tables, forms of
text, detection and the crosswalk are in ``test_prose_tables``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.prose import generate, to_chinese, variants
from parsers import schema
from parsers.prose import (
    EXTRA_KEYS,
    extract_prose,
    is_pre2019,
    parse_number,
)
from parsers.prose.report import read_text
from tests.corpus import cases
from tests.prose_support import SPEC_KEYS, report, squash, values

# ------------------------------------------------------------------------------------------
# The real pre-2019 reports of the corpus
# ------------------------------------------------------------------------------------------

PROSE_CASES = cases("prose")
OTHER_CASES = [c for c in cases() if c.form != "prose"]


@pytest.mark.skipif(not PROSE_CASES, reason="corpus not available")
@pytest.mark.parametrize("case", PROSE_CASES, ids=lambda c: c.name)
def test_corpus_counts_reproduced_exactly(case):
    text = case.document.read_text(encoding="utf-8")
    result = extract_prose(text)
    assert result.values == case.expected["prose"]
    assert set(result.evidence) == set(result.values)


@pytest.mark.skipif(not PROSE_CASES, reason="corpus not available")
@pytest.mark.parametrize("case", PROSE_CASES, ids=lambda c: c.name)
def test_corpus_evidence_quotes_the_report(case):
    text = case.document.read_text(encoding="utf-8")
    for key, evidence in extract_prose(text).evidence.items():
        quoted = evidence.removeprefix("附表: ")
        assert quoted and squash(quoted) in squash(text), key


@pytest.mark.skipif(not PROSE_CASES, reason="corpus not available")
@pytest.mark.parametrize("case", PROSE_CASES, ids=lambda c: c.name)
def test_corpus_prose_reports_detected_and_parsed_end_to_end(case):
    from parsers import parse

    data = case.document.read_bytes()
    assert is_pre2019(data.decode("utf-8"))
    record = parse(data, source=str(case.document))
    assert record.template == schema.TEMPLATE_PRE2019
    assert record.to_dict()["prose"] == case.expected["prose"]


@pytest.mark.skipif(not OTHER_CASES, reason="corpus not available")
@pytest.mark.parametrize("case", OTHER_CASES, ids=lambda c: c.name)
def test_corpus_national_format_reports_are_not_pre2019(case):
    assert not is_pre2019(read_text(case.document))


# ------------------------------------------------------------------------------------------
# Generated variants (fixtures/prose): the wording ranges of real reports
# ------------------------------------------------------------------------------------------

GENERATED = variants(400)


@pytest.mark.parametrize("variant", GENERATED, ids=lambda v: v.name.split()[0])
def test_generated_variant_counts(variant):
    result = extract_prose(variant.text)
    assert result.values == variant.values, variant.name
    assert result.extra == variant.extra, variant.name
    for key in variant.approximate:
        assert any(key in w and "approximate" in w for w in result.warnings), variant.name
    for key in variant.ambiguous:
        assert any(key in w and "split" in w for w in result.warnings), variant.name


def test_generated_variants_cover_every_key_and_both_absence_and_zero():
    seen = {key: set() for key in (*SPEC_KEYS, *EXTRA_KEYS)}
    for variant in GENERATED:
        for key in seen:
            value = {**variant.values, **variant.extra}.get(key)
            seen[key].add("absent" if value is None else "zero" if value == 0 else "value")
    for key, kinds in seen.items():
        assert {"absent", "value"} <= kinds, key
    for key in ("applications_received", "fees_yuan", "reconsideration_cases", "litigation_cases"):
        assert "zero" in seen[key], key


def test_generated_variants_are_detected_as_pre2019():
    assert all(is_pre2019(v.text) for v in GENERATED[:100])


def test_generator_is_deterministic():
    assert generate(7).text == generate(7).text


# ------------------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("425", 425),
        ("1,516", 1516),
        ("１５１６", 1516),
        ("一百二十三", 123),
        ("两", 2),
        ("两千", 2000),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("一千零一十", 1010),
        ("二〇一一", 2011),
        ("一万二", 12000),
        ("三千五", 3500),
        ("1.2万", 12000),
        ("3万", 30000),
        ("3千", 3000),
        ("零", 0),
        ("〇", 0),
        ("0.35", 0.35),
        ("壹佰贰拾叁", 123),
        ("一亿二千万", 120_000_000),
    ],
)
def test_parse_number(token, value):
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["", "一二百", "百", "万", "12,34", "十十", "万万", "abc", "0一"])
def test_parse_number_refuses_what_is_not_a_number(token):
    assert parse_number(token) is None


@given(st.integers(min_value=0, max_value=99_999_999), st.booleans())
def test_chinese_numerals_round_trip(n, liang):
    assert parse_number(to_chinese(n, liang=liang)) == n


@given(st.integers(min_value=1000, max_value=10**9))
def test_grouped_arabic_round_trip(n):
    assert parse_number(f"{n:,}") == n


def test_chinese_numerals_in_sentences():
    text = report(
        ("主动公开政府信息情况", "全年主动公开政府信息一千二百零八条。"),
        (
            "依申请公开政府信息情况",
            "全年共受理政府信息公开申请十二件，同意公开十件，部分公开两件。",
        ),
    )
    assert values(text) == {
        "proactive_items": 1208,
        "applications_received": 12,
        "applications_granted": 10,
        "applications_partial": 2,
    }


def test_wan_and_fees_in_wan_yuan():
    text = report(
        ("主动公开政府信息情况", "全年主动公开政府信息1.2万条。"),
        ("政府信息公开的收费及减免情况", "共收取检索、复制费用0.15万元。"),
    )
    assert values(text) == {"proactive_items": 12000, "fees_yuan": 1500}


# ------------------------------------------------------------------------------------------
# Zero stated in words, and absence when nothing is stated
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("2012年，我县未收到政府信息公开申请。", {"applications_received": 0}),
        (
            "本年度没有收到公民、法人或其他组织提出的政府信息公开申请。",
            {"applications_received": 0},
        ),
        ("全年无依申请公开事项。", {"applications_received": 0}),
        ("全年政府信息公开申请数为零。", {"applications_received": 0}),
        ("本年度未收到有关政府信息公开的行政复议申请。", {"reconsideration_cases": 0}),
        (
            "2012年未发生因政府信息公开申请行政复议和提起行政诉讼的情况。",
            {"reconsideration_cases": 0, "litigation_cases": 0},
        ),
        (
            "2012年未收到有关政府信息公开行政复议、提起行政诉讼的申请。",
            {"reconsideration_cases": 0, "litigation_cases": 0},
        ),
        (
            "因政府信息公开申请提起行政复议和行政诉讼均为零。",
            {"reconsideration_cases": 0, "litigation_cases": 0},
        ),
    ],
)
def test_zero_stated_in_words(sentence, expected):
    text = report(("依申请公开政府信息情况", sentence))
    assert values(text) == expected


def test_zero_under_an_appeals_heading_that_says_none():
    text = report(
        ("依申请公开政府信息情况", "我们规范了申请的受理流程。"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "无。"),
    )
    assert values(text) == {"reconsideration_cases": 0, "litigation_cases": 0}


@pytest.mark.parametrize(
    "sentence",
    ["依申请提供政府信息暂不收费。", "2012年未向申请人收取任何费用。", "收费及减免情况：无。"],
)
def test_applicant_fees_zero(sentence):
    assert values(report(("政府信息公开的收费及减免情况", sentence))) == {"fees_yuan": 0}


def test_agency_spending_is_not_a_fee():
    text = report(
        ("政府信息公开的收费及减免情况", "我们严格执行收费标准。"),
        (
            "工作人员及经费情况",
            "2012年用于宣传、设立和更新公开栏等产生的政府信息公开费用1万元。"
            "全年政府信息公开工作经费支出2.5万元。",
        ),
    )
    assert "fees_yuan" not in values(text)


def test_free_access_outside_applications_is_not_a_fee_statement():
    text = report(("主动公开政府信息情况", "在档案馆设立查阅点，免费提供政府公报，不收费。"))
    assert "fees_yuan" not in values(text)


def test_nothing_stated_gives_nothing():
    text = report(
        ("概述", "我县认真贯彻落实《条例》，不断深化公开内容。"),
        ("主动公开政府信息情况", "主动公开了机构职能、政策法规、规划计划等信息。"),
        ("依申请公开政府信息情况", "进一步规范了依申请公开的受理、审查和答复流程。"),
        ("存在的主要问题及改进措施", "一是公开内容有待深化。"),
    )
    result = extract_prose(text)
    assert result.values == {}
    assert result.extra == {}


def test_no_refusals_in_words_is_not_a_refusal_count():
    text = report(
        ("依申请公开政府信息情况", "（四）不予公开政府信息情况。我局无不予公开政府信息情况。")
    )
    assert "applications_denied" not in values(text)


def test_hypothetical_appeal_is_not_a_count():
    text = report(
        ("依申请公开政府信息情况", "申请人对答复不服的，可以依法申请行政复议或者提起行政诉讼。")
    )
    assert values(text) == {}


def test_window_service_applications_are_not_disclosure_requests():
    text = report(
        ("概述", "政务服务中心全年共受理申请136437件，办结率100%。"),
        ("依申请公开政府信息情况", "全年未收到政府信息公开申请。"),
    )
    assert values(text) == {"applications_received": 0}


def test_published_reconsideration_decisions_are_not_cases():
    text = report(("主动公开政府信息情况", "公开行政复议决定书12份，行政处罚决定30件。"))
    assert "reconsideration_cases" not in values(text)


# ------------------------------------------------------------------------------------------
# This year's figures, not cumulative, part, other-year or approximate ones
# ------------------------------------------------------------------------------------------


def test_this_year_figure_beside_cumulative_figure():
    text = report(
        (
            "主动公开政府信息情况",
            "2012年主动公开政府信息1200条。自《条例》施行以来，累计主动公开政府信息8000条。",
        )
    )
    assert values(text) == {"proactive_items": 1200}


@pytest.mark.parametrize(
    "sentence",
    [
        "历年累计主动公开政府信息8000条。",
        "截至2012年底，累计主动公开政府信息8000条。",
        "自《条例》施行以来，累计主动公开政府信息8000条。",
        "自2008年以来共主动公开政府信息8000条。",
        "上年主动公开政府信息900条。",
        "2011年主动公开政府信息900条。",
        "其中，各乡镇主动公开政府信息122条。",
        "区直、县直各单位主动公开政府信息303条。",
        "其他应主动公开的信息1831条。",
    ],
)
def test_cumulative_part_and_other_year_figures_are_not_taken(sentence):
    assert values(report(("主动公开政府信息情况", sentence))) == {}


def test_accumulated_within_the_year_is_this_year():
    text = report(("主动公开政府信息情况", "2012年，本局累计主动公开政府信息22条。"))
    assert values(text) == {"proactive_items": 22}


def test_whole_of_government_total_is_not_a_part():
    text = report(("主动公开政府信息情况", "2012年，全县各部门共主动公开政府信息5120条。"))
    assert values(text) == {"proactive_items": 5120}


def test_first_total_kept_and_other_statements_warned():
    text = report(
        (
            "主动公开政府信息情况",
            "2012年主动公开政府信息425条。在互联网上，县政府公开办主动公开信息数为62条。",
        )
    )
    result = extract_prose(text)
    assert result.values == {"proactive_items": 425}
    assert any("62" in w for w in result.warnings)


@pytest.mark.parametrize(
    "sentence",
    [
        "全年接待政府信息公开咨询约4900人次。",
        "全年解答政府信息公开咨询3000多人次。",
        "全年受理政府信息公开咨询100余件。",
        "全年受理政府信息公开咨询100件左右。",
    ],
)
def test_approximate_figures_are_not_counts(sentence):
    result = extract_prose(report(("政府信息公开咨询处理情况", sentence)))
    assert "consultations" not in result.values
    assert any("consultations" in w and "approximate" in w for w in result.warnings)


def test_consultations_total_not_its_channels():
    text = report(
        (
            "咨询处理情况",
            "全年共接受公众政府信息公开咨询1516人次，其中现场咨询1300人次，电话咨询125人次。",
        )
    )
    assert values(text) == {"consultations": 1516}
    only_parts = report(("咨询处理情况", "其中现场咨询1300人次，电话咨询125人次。"))
    assert values(only_parts) == {}


# ------------------------------------------------------------------------------------------
# Wordings seen across real reports (composed here in their style)
# ------------------------------------------------------------------------------------------

APPS = "依申请公开政府信息情况"
APPEALS = "因政府信息公开申请行政复议、提起行政诉讼的情况"
FEES = "政府信息公开的收费及减免情况"
PROACTIVE = "主动公开政府信息情况"


@pytest.mark.parametrize(
    ("heading", "sentence", "expected"),
    [
        (
            APPS,
            "2012年，本市各级行政机关共受理政府信息公开申请52371件，比2011年增长12%。",
            {"applications_received": 52371},
        ),
        (APPS, "本年度共受理依申请公开事项2件。", {"applications_received": 2}),
        (APPS, "收到政府信息公开申请共计15件。", {"applications_received": 15}),
        (APPS, "全年共受理申请3件，其中网上申请2件。", {"applications_received": 3}),
        (
            APPS,
            "全年受理政府信息公开申请12件，同比下降20%，上年为15件。",
            {"applications_received": 12},
        ),
        (APPS, "依申请公开件数为零。", {"applications_received": 0}),
        (APPS, "本年度，我局未收到要求提供政府信息的申请。", {"applications_received": 0}),
        (APPS, "无政府信息公开申请。", {"applications_received": 0}),
        (PROACTIVE, "区直各部门对政府信息进行梳理，作为依申请公开信息数46条。", {}),
        (
            APPS,
            "2012年共受理政府信息公开申请12件。答复情况：予以公开8件，部分公开1件，不予公开3件。",
            {
                "applications_received": 12,
                "applications_granted": 8,
                "applications_partial": 1,
                "applications_denied": 3,
            },
        ),
        (APPS, "2012年共受理政府信息公开申请12件，全部予以公开。", {"applications_received": 12}),
        (FEES, "本年度依申请公开政府信息未收取任何费用。", {"fees_yuan": 0}),
        (FEES, "没有发生收费和减免情况。", {"fees_yuan": 0}),
        (FEES, "收取检索、复制、邮寄等成本费用共计0元。", {"fees_yuan": 0}),
        (FEES, "按规定收取工本费20元。", {"fees_yuan": 20}),
        (
            APPEALS,
            "因政府信息公开申请提起行政复议、行政诉讼的情况为零。",
            {"reconsideration_cases": 0, "litigation_cases": 0},
        ),
        (
            APPEALS,
            "被申请行政复议1起，未发生行政诉讼。",
            {"reconsideration_cases": 1, "litigation_cases": 0},
        ),
        (
            APPEALS,
            "全年共发生政府信息公开行政复议案件2件，行政诉讼案件1件，均已审结。",
            {"reconsideration_cases": 2, "litigation_cases": 1},
        ),
        (APPEALS, "行政复议案件2件（维持1件、纠正1件）。", {"reconsideration_cases": 2}),
        (
            APPEALS,
            "2012年，我局无因政府信息公开申请而引起的行政复议和行政诉讼。",
            {"reconsideration_cases": 0, "litigation_cases": 0},
        ),
        (APPEALS, "行政复议、行政诉讼均为0。", {"reconsideration_cases": 0, "litigation_cases": 0}),
        (PROACTIVE, "全年共公开政府信息3456条。", {"proactive_items": 3456}),
        (PROACTIVE, "我委全年主动向社会公开政府信息1234条。", {"proactive_items": 1234}),
        (PROACTIVE, "本年度全区累计主动公开各类政府信息23456条。", {"proactive_items": 23456}),
        (
            PROACTIVE,
            "主动公开政府信息3456条，其中，通过政府网站公开3000条。",
            {"proactive_items": 3456},
        ),
        ("咨询处理情况", "政府信息公开咨询量为1234人次。", {"consultations": 1234}),
    ],
)
def test_real_report_wordings(heading, sentence, expected):
    assert values(report((heading, sentence))) == expected


def test_as_of_figure_left_absent_with_a_warning():
    result = extract_prose(report((APPS, "截至2012年12月31日，共受理政府信息公开申请12件。")))
    assert result.values == {}
    assert any("截至" in w for w in result.warnings)


# ------------------------------------------------------------------------------------------
# Outcomes and the extras
# ------------------------------------------------------------------------------------------


def test_shanghai_style_outcomes():
    text = report(
        (
            "依申请公开政府信息情况",
            "2012年共受理政府信息公开申请152件。在已答复的150件申请中，“同意公开”的67件，"
            "“同意部分公开”的4件，“不予公开”的9件，“信息不存在”的30件，"
            "“非本机关职责权限范围”的25件，“申请内容不明确”的15件。",
        )
    )
    result = extract_prose(text)
    assert result.values == {
        "applications_received": 152,
        "applications_granted": 67,
        "applications_partial": 4,
        "applications_denied": 9,
    }
    assert result.extra == {
        "applications_nonexistent": 30,
        "applications_not_held": 25,
        "applications_unclear": 15,
    }
    assert result.sources["applications_granted"] == "prose"
