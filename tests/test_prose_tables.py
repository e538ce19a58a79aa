"""Reports before 2019: the appendix tables, forms of text, detection, the crosswalk to the
national form and the measuring command (``parsers.prose``)."""

from __future__ import annotations

import json

import pytest

from fixtures.prose import variants
from parsers import schema
from parsers.model import CellValue, Report
from parsers.prose import (
    CROSSWALK,
    PROSE_KEYS,
    extract_prose,
    is_pre2019,
    table_equivalent,
)
from parsers.prose.__main__ import main
from tests.prose_support import SPEC_KEYS, report, values

# ------------------------------------------------------------------------------------------
# Appendix tables
# ------------------------------------------------------------------------------------------

FUJIAN_HEADER = "附件：政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计 "


def test_spaced_fujian_appendix_gives_this_year_column():
    table = (
        FUJIAN_HEADER
        + "主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 2.政府公报公开 条 7 7 "
        "受理依申请公开信息总数 条 3 9 行政复议数 条 0 1 行政诉讼数 条 0 0"
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {
        "proactive_items": 425,
        "applications_received": 3,
        "reconsideration_cases": 0,
        "litigation_cases": 0,
    }
    assert result.evidence["proactive_items"].startswith("附表: 主动公开信息数")
    assert set(result.sources.values()) == {"appendix"}


def test_run_together_cells_split_by_the_tables_own_totals():
    # 1240 alone could be 1|240 or 12|40; its parts 830 (8|30) and 410 (4|10) decide: 12|40.
    table = (
        "指标名称计量单位2012年度历年累计主动公开信息数条1240"
        "其中：1、政府网站公开数条8302、政府公报公开数条410行政复议数件03"
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {"proactive_items": 12, "reconsideration_cases": 0}
    assert not [w for w in result.warnings if "split" in w]


def test_ambiguous_run_together_cells_left_absent_with_warning():
    table = "指标名称计量单位2012年度历年累计主动公开信息数条1240行政复议数件03"
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {"reconsideration_cases": 0}
    assert any("proactive_items" in w and "split" in w for w in result.warnings)


def test_ambiguous_cells_resolved_by_the_sentence_that_states_the_figure():
    table = "指标名称计量单位2012年度历年累计主动公开信息数条1240"
    text = report(("主动公开政府信息情况", "全年主动公开政府信息12条。"), appendix=table)
    result = extract_prose(text)
    assert result.values == {"proactive_items": 12}
    assert result.warnings == []


def test_totals_that_do_not_add_up_are_reported():
    table = (
        FUJIAN_HEADER
        + "受理依申请公开信息总数 条 5 9 其中：1.当面申请数 条 1 2 2.网上申请数 条 1 2"
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {"applications_received": 5}
    assert any("do not add up" in w for w in result.warnings)


def test_dingxi_design_reads_year_to_date_column_past_the_code_column():
    table = (
        "定西市政府信息公开情况统计报表\n指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计 |\n"
        "主动公开信息数 | 条 | 01 | 120 | 480 |\n"
        "申请总数 | 条 | 10 | 2 | 7 |\n"
        "其中:1.当面申请数 | 条 | 11 | 2 | 7 |\n"
        "对申请的答复总数 | 条 | 17 | 2 | 7 |\n"
        "其中:1.同意公开答复数 | 条 | 18 | 1 | 4 |\n"
        "2.同意部分公开答复数 | 条 | 19 | 0 | 1 |\n"
        "3.否决公开答复总数 | 条 | 20 | 1 | 2 |\n"
        "其中:(1)“信息不存在”数 | 条 | 22 | 1 | 2 |\n"
        "行政复议数 | 件 | 32 | 0 | 1 |\n"
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {
        "proactive_items": 480,
        "applications_received": 7,
        "applications_granted": 4,
        "applications_partial": 1,
        "applications_denied": 2,
        "reconsideration_cases": 1,
    }
    assert result.extra == {"applications_nonexistent": 2}


def test_national_statistics_table_with_fees_in_wan_yuan():
    table = (
        "统计指标 单位 统计数\n"
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 条 2310\n"
        "（一）收到申请数 件 12\n1.当面申请数 件 2\n2.传真申请数 件 0\n3.网络申请数 件 9\n4.信函申请数 件 1\n"
        "四、行政复议数量 件 1\n五、行政诉讼数量 件 0\n"
        "七、依申请公开信息收取的费用 万元 0.05\n"
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费） 万元 3\n"
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {
        "proactive_items": 2310,
        "applications_received": 12,
        "fees_yuan": 500,
        "reconsideration_cases": 1,
        "litigation_cases": 0,
    }


def test_all_years_only_table_gives_no_figures_for_the_year():
    table = "指标名称 计量单位 历年累计 主动公开信息数 条 1516 行政复议数 件 2"
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {}
    assert any("all-years" in w for w in result.warnings)


def test_appendix_wins_over_a_disagreeing_sentence_with_a_warning():
    table = FUJIAN_HEADER + "主动公开信息数 条 430 1516"
    text = report(("主动公开政府信息情况", "全年主动公开政府信息425条。"), appendix=table)
    result = extract_prose(text)
    assert result.values == {"proactive_items": 430}
    assert any("425" in w and "430" in w for w in result.warnings)


def test_outcome_rows_of_no_applications_are_not_recorded():
    table = (
        FUJIAN_HEADER + "受理依申请公开信息总数 条 0 4 对申请的答复数 条 0 4 "
        "其中：1.同意公开答复数 条 0 3 2.同意部分公开答复数 条 0 1 3.否决公开答复数 条 0 0"
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {"applications_received": 0}


def test_hostile_digit_runs_are_refused_not_guessed():
    table = (
        "指标名称 计量单位 2012年度 历年累计 主动公开信息数 条 "
        + "1" * 300
        + " 其中：1、政府网站公开数条"
        + "2" * 200
        + "2、政府公报公开数条"
        + "3" * 200
    )
    result = extract_prose(report(("概述", "略。"), appendix=table))
    assert result.values == {}
    assert any("too many ways" in w or "split" in w for w in result.warnings)


# ------------------------------------------------------------------------------------------
# Forms of text
# ------------------------------------------------------------------------------------------


def test_traditional_fullwidth_and_flattened_text():
    simplified = report(
        ("主动公开政府信息情况", "全年主动公开政府信息1208条。"),
        ("依申请公开政府信息情况", "全年共受理政府信息公开申请12件。"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "行政复议1件，行政诉讼2件。"),
    )
    expected = {
        "proactive_items": 1208,
        "applications_received": 12,
        "reconsideration_cases": 1,
        "litigation_cases": 2,
    }
    traditional = simplified.translate(
        str.maketrans("条开请复议诉讼务动数", "條開請複議訴訟務動數")
    )
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in simplified)
    flattened = simplified.replace("\n", "")
    for text in (simplified, traditional, fullwidth, flattened):
        assert values(text) == expected


def test_evidence_is_the_original_sentence():
    text = report(("主动公开政府信息情况", "２０１２年，我县主动公开政府信息１２０８條。"))
    result = extract_prose(text)
    assert result.values == {"proactive_items": 1208}
    assert "１２０８條" in result.evidence["proactive_items"]


def test_report_year_given_by_the_caller_is_used():
    body = report(("主动公开政府信息情况", "2011年主动公开政府信息900条。"), year=2011)
    assert values(body) == {"proactive_items": 900}
    assert values(body, year=2012) == {}


def test_empty_text():
    result = extract_prose("")
    assert result.values == {} and result.warnings


# ------------------------------------------------------------------------------------------
# Detection
# ------------------------------------------------------------------------------------------


def test_detects_old_format_reports():
    assert is_pre2019(report(("依申请公开政府信息情况", "全年未收到申请。")))
    assert is_pre2019(report(("政府信息公开的收费及减免情况", "暂不收费。")))


def test_national_format_is_not_pre2019_whatever_the_year():
    text = (
        "2018年度政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 | 3 |\n二、上年结转政府信息公开申请数量 | 0 |\n"
        "四、结转下年度继续办理 | 0 |"
    )
    assert not is_pre2019(text)


def test_recent_report_needs_more_than_one_old_phrase():
    image_tables = (
        "某县2020年政府信息公开工作年度报告\n二、主动公开政府信息情况（表格见附件图片）\n"
        "六、其他需要报告的事项 本机关无收费及减免情况。"
    )
    assert not is_pre2019(image_tables)
    old_layout = (
        "某县2019年政府信息公开工作年度报告\n三、依申请公开政府信息情况\n全年未收到申请。\n"
        "四、政府信息公开的收费及减免情况\n暂不收费。"
    )
    assert is_pre2019(old_layout)


def test_year_alone_decides_only_with_report_vocabulary():
    assert is_pre2019("某县2012年政府信息公开工作年度报告。主动公开政府信息300条。")
    assert not is_pre2019("2012年全县经济运行情况通报。地区生产总值增长8%。")
    assert not is_pre2019("某县2020年政府信息公开工作年度报告。主动公开政府信息300条。")
    assert not is_pre2019("")


# ------------------------------------------------------------------------------------------
# Crosswalk
# ------------------------------------------------------------------------------------------


def test_crosswalk_covers_exactly_the_spec_keys():
    assert tuple(CROSSWALK) == SPEC_KEYS == PROSE_KEYS
    for key, entry in CROSSWALK.items():
        assert entry["column"] == f"prose__{key}"
        assert entry["label_zh"] and entry["label_en"]
        assert entry["codes"] or entry["note"], key


@pytest.mark.parametrize("template", [schema.TEMPLATE_2019, schema.TEMPLATE_2021])
def test_crosswalk_codes_exist_in_both_national_templates(template):
    cells = set(schema.shape(template).codes())
    for entry in CROSSWALK.values():
        for code in entry["codes"]:
            assert code in cells, code


def test_crosswalk_mappings_named_in_the_issue():
    assert CROSSWALK["applications_received"]["codes"] == (("applications", "new", "total"),)
    assert CROSSWALK["reconsideration_cases"]["code"] == ("appeals", "reconsideration", "total")
    litigation = CROSSWALK["litigation_cases"]
    assert litigation["code"] is None
    assert litigation["formula"] == (
        "appeals.litigation_direct.total + appeals.litigation_after_reconsideration.total"
    )


def test_table_equivalent_computes_the_crosswalk_formula():
    tables = {
        "applications": {"new": {"total": CellValue(7)}},
        "appeals": {
            "reconsideration": {"total": CellValue(2)},
            "litigation_direct": {"total": CellValue(1)},
            "litigation_after_reconsideration": {"total": CellValue(3)},
        },
    }
    rep = Report(template="2021", tables=tables)
    assert table_equivalent(rep, "applications_received") == 7
    assert table_equivalent(rep, "litigation_cases") == 4
    assert table_equivalent(rep.tables_dict(), "reconsideration_cases") == 2
    assert table_equivalent(rep, "proactive_items") is None
    tables["appeals"]["litigation_direct"]["total"] = CellValue(None, "—", "dash")
    assert table_equivalent(rep, "litigation_cases") is None


def test_datasets_read_the_crosswalk():
    prose_adapter = pytest.importorskip("output.prose")
    fields = prose_adapter.load_crosswalk()
    assert set(fields) == set(SPEC_KEYS)
    assert fields["applications_received"].code == "applications__new__total"
    assert fields["applications_received"].label_zh


# ------------------------------------------------------------------------------------------
# The measuring command
# ------------------------------------------------------------------------------------------


def test_report_command_measures_a_folder(tmp_path, capsys):
    docs, expected = tmp_path / "docs", tmp_path / "expected"
    docs.mkdir()
    expected.mkdir()
    chosen = variants(12)
    for i, variant in enumerate(chosen):
        (docs / f"r{i}.txt").write_text(variant.text, encoding="utf-8")
        (expected / f"r{i}.json").write_text(
            json.dumps({"prose": variant.values}, ensure_ascii=False), encoding="utf-8"
        )
    (docs / "national.txt").write_text(
        "一、本年新收政府信息公开申请数量 | 3 |\n四、结转下年度继续办理 | 0 |", encoding="utf-8"
    )
    assert main(["--report", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 13
    assert data["pre2019"] == 12
    assert data["compared"] == data["exact"] == 12
    found = sum(1 for v in chosen if "proactive_items" in v.values)
    assert data["found"]["proactive_items"] == found
    assert data["share"]["proactive_items"] == pytest.approx(found / 12)
    assert main(["--report", str(tmp_path)]) == 0
    assert "expected counts reproduced exactly: 12/12" in capsys.readouterr().out


def test_file_command_prints_counts(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text(
        report(("依申请公开政府信息情况", "全年未收到政府信息公开申请。")), encoding="utf-8"
    )
    assert main([str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pre2019"] is True
    assert out["prose"] == {"applications_received": 0}
    assert main([]) == 2
    assert main(["--report", str(tmp_path / "missing")]) == 2
