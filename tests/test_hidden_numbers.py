"""What real documents hide, read on small documents written for each case: the behaviour
named in each test, with the warning that says how a cell was decided."""

from __future__ import annotations

import random

import parsers
from fixtures.families.appeals_row import appeals_lines
from fixtures.families.document import appeal_values, compose, text_tables
from fixtures.families.glued import flat_report
from fixtures.families.ocr_markdown import appeals_lines as ocr_appeals_lines
from fixtures.reportgen import random_record, render_pipe
from fixtures.reportgen.records import cell_key
from parsers import schema
from parsers.labels import normalize_label
from parsers.tables import match_application_row

APPEALS = schema.SECTION_APPEALS


def _appeals(report) -> list:
    return [report.value(APPEALS, g.code, r.code) for g in schema.APPEAL_GROUPS for r in schema.APPEAL_RESULTS]  # fmt: skip


def _record(seed: int, template: str = "2021", **kwargs) -> dict:
    return random_record(random.Random(seed), template, big=True, **kwargs)


# --- pre-2019 appendix -------------------------------------------------------------------------

_REPORT = (
    "东岭镇人民政府2016年政府信息公开工作年度报告\n"
    "本报告所列数据的统计期限自2016年1月1日起至2016年12月31日止。\n"
    "三、依申请公开政府信息情况\n对收到的申请均依法答复，具体情况见附表。\n"
    "附件：东岭镇人民政府2016年政府信息公开情况统计表\n"
)
_ROWS = [
    ("主动公开政府信息数", "条", 251, 900),
    ("受理依申请公开信息总数", "条", 34, 120),
    ("对申请的答复总数", "条", 34, 120),
    ("其中：1.同意公开答复数", "条", 20, 80),
    ("2.同意部分公开答复数", "条", 5, 10),
    ("3.否决公开答复数", "条", 9, 30),
    ("行政复试数", "件", 2, 5),
    ("行政诉讼数", "件", 1, 1),
    ("行政申诉（举报）数", "件", 0, 0),
]


def _appendix(header: str) -> str:
    rows = "\n".join(f"{a} | {b} | {c} | {d} |" for a, b, c, d in _ROWS)
    return _REPORT + header + "\n" + rows + "\n"


def test_appendix_columns_come_from_the_header_not_the_title_above_it():
    report = parsers.parse(_appendix("指标 | 单位 | 本年度 | 历年累计 |").encode())
    assert report.prose == {
        "proactive_items": 251,
        "applications_received": 34,
        "applications_granted": 20,
        "applications_partial": 5,
        "applications_denied": 9,
        "reconsideration_cases": 2,  # printed 行政复试数
        "litigation_cases": 1,
    }


def test_appendix_year_column_is_taken_whichever_side_it_is_on():
    text = _appendix("项目 | 单位 | 历年累计 | 2016年度 |")
    text = text.replace(" | 251 | 900 |", " | 900 | 251 |")
    for _, _, this, hist in _ROWS[1:]:
        text = text.replace(f" | {this} | {hist} |", f" | {hist} | {this} |")
    report = parsers.parse(text.encode())
    assert report.prose["proactive_items"] == 251
    assert report.prose["applications_granted"] == 20


# --- table 四 as one row of fifteen --------------------------------------------------------------


def _with_appeals(record: dict, lines: list[str], *, plain: bool = False) -> bytes:
    rng = random.Random(7)

    def tables(section: str) -> list[str] | None:
        if section == APPEALS:
            return lines
        return text_tables(record, section, rng) if plain else None

    return compose(record, rng, tables).encode()


def test_a_markdown_row_of_numbers_under_the_heading_is_read_in_the_forms_order():
    record = _record(1)
    values = appeal_values(record)
    report = parsers.parse(_with_appeals(record, appeals_lines("markdown", values, [])))
    assert _appeals(report) == values


def test_converted_text_one_number_a_line_is_read_in_the_forms_order():
    record = _record(2)
    values = appeal_values(record)
    data = _with_appeals(
        record, appeals_lines("text_each", values, ["行政复议", "行政诉讼"]), plain=True
    )
    assert _appeals(parsers.parse(data)) == values


def test_a_headerless_row_whose_groups_do_not_add_up_is_left_undecided():
    record = _record(3)
    values = appeal_values(record)
    values[4] += 1  # reconsideration's total no longer checks its results
    report = parsers.parse(_with_appeals(record, appeals_lines("markdown", values, [])))
    assert _appeals(report) == [None] * 15
    assert any("does not add up in the form's order" in w for w in report.warnings)


def test_ocr_markdown_table_of_three_small_tables_is_read_group_by_group():
    record = _record(4)
    report = parsers.parse(_with_appeals(record, ocr_appeals_lines(record, random.Random(1))))
    assert _appeals(report) == appeal_values(record)


# --- digits run together ------------------------------------------------------------------------


def _glued_record(values: list[int]) -> dict:
    record = _record(5)
    for (group, result), value in zip(
        [(g.code, r.code) for g in schema.APPEAL_GROUPS for r in schema.APPEAL_RESULTS],
        values,
        strict=True,
    ):
        record["tables"][APPEALS][group][result] = value
    return record


def test_a_run_with_one_split_is_decided_where_the_document_prints_zeros():
    values = [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]  # 10203120001200000
    record = _glued_record(values)
    report = parsers.parse(flat_report(record, random.Random(1)).encode())
    assert _appeals(report) == values
    assert any("split into every cell" in w for w in report.warnings)


def test_a_run_is_not_split_into_every_cell_where_the_document_leaves_cells_blank():
    record = _glued_record([1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0])
    record["tables"]["applications"]["new"]["research"] = None  # a blank in table 三
    record.setdefault("_print", {})[cell_key("applications", "new", "research")] = ""
    report = parsers.parse(flat_report(record, random.Random(1)).encode())
    assert not any("split into every cell" in w for w in report.warnings)
    assert report.value(APPEALS, "litigation_direct", "upheld") is None


def test_labels_of_blank_rows_run_into_the_next_give_its_values_to_the_last_row_named():
    text = (
        "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请3.其他819"
    )
    assert match_application_row(normalize_label(text), "rejected_confirmation") == "other_other"
    assert (
        match_application_row(normalize_label("2.逾期不缴费"), "other_no_correction")
        == "other_no_fee"
    )


# --- statements in the prose, identities ---------------------------------------------------------


def _pipe_with_statement(statement: str, printed: dict[str, int | None]) -> bytes:
    record = _record(6)
    cells = record["tables"]["proactive"]["normative_documents"]
    for measure, value in printed.items():
        cells[measure] = value
        if value is None:
            record.setdefault("_print", {})[
                cell_key("proactive", "normative_documents", measure)
            ] = ""
    lines = render_pipe(record, "clean", random.Random(2)).split("\n")
    at = next(i for i, line in enumerate(lines) if "总体情况" in line) + 1
    lines.insert(at, statement)
    return "\n".join(lines).encode()


def test_a_statement_decides_the_cell_it_names_among_the_readings_the_row_allows():
    data = _pipe_with_statement(
        "现行有效行政规范性文件22件。", {"issued": 5, "repealed": None, "in_force": 22}
    )
    report = parsers.parse(data)
    assert report.value("proactive", "normative_documents", "in_force") == 22
    assert any("states in its text (in_force=22)" in w for w in report.warnings)


def test_a_statement_no_reading_gives_is_not_used():
    data = _pipe_with_statement(
        "现行有效行政规范性文件23件。", {"issued": 5, "repealed": None, "in_force": 22}
    )
    report = parsers.parse(data)
    cells = report.tables["proactive"]["normative_documents"]
    assert [c.value for c in cells.values()] == [None, None, None]
    assert any("which no reading of the printed values" in w for w in report.warnings)


def test_cells_the_identities_decide_are_named_with_the_identities():
    record = _record(8, blank_rate=0.3)
    report = parsers.parse(render_pipe(record, "clean", random.Random(3)).encode())
    named = [w for w in report.warnings if "decided by the form's identities" in w]
    assert named and all("row totals" in w for w in named if "table 三" in w)
    for *_, cell in report.cells():
        assert cell.value is None or cell.status == "number"


# --- metadata -----------------------------------------------------------------------------------


def test_stray_lines_above_the_title_never_join_the_agency():
    title = "宿迁市人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度……\n"
    for head in ("正文\n", "索引号：11000000/2024-00012\n", "首页 > 政务公开 > 年报\n",
                 "【打印】【关闭】\n", "正文\n宿迁市人民政府\n"):  # fmt: skip
        assert parsers.parse((head + title).encode()).agency == "宿迁市人民政府", head


def test_shortened_labels_keep_the_official_words_that_name_their_row():
    short = {
        "2.逾期不缴费": "other_no_fee",
        "无现成信息": "unable_need_creation",
        "补正后不明确": "unable_unclear",
        "举报投诉": "rejected_complaint",
        "反复申请": "rejected_excessive",
        "查询事项": "denied_query",
        "重复申请": "rejected_duplicate",
    }
    for label, code in short.items():
        assert match_application_row(normalize_label(label), None) == code, label
