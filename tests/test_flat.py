"""Flattened text (cells run together): found in the text, cut at the labels, split by arithmetic.

The property tests compare the parser with an oracle that knows the true table: from the
record's own printed cells it lists every reading of each row (``parsers.recover.readings``,
itself checked against a brute force in ``test_recover``) and every combination of them that
satisfies the table's rules. A cell on which all those readings agree must come back exactly;
any other cell may come back null (named in a warning) but never as a wrong number.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers
from fixtures.reportgen import layout as fixture_layout
from fixtures.reportgen import random_record, render_flat, strip_private
from parsers import schema
from parsers.cells.base import Cell, Document
from parsers.cells.flat import flat_document, segment, table_cells
from parsers.model import UNCERTAIN
from parsers.recover import Piece, SumRule, readings
from parsers.tables import read_tables
from tests.corpus import CORPUS, cases, cell_differences

# --------------------------------------------------------------------------------------------
# Cutting the text
# --------------------------------------------------------------------------------------------


def cut(text: str) -> list[tuple[str, str]]:
    return [("V" if c.glued else "L", c.text) for c in segment(text)]


def test_row_label_numbers_are_not_values():
    got = cut("（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000")
    assert got == [
        ("L", "（三）不予公开1.属于国家秘密"),
        ("V", "0000000"),
        ("L", "2.其他法律行政法规禁止公开"),
        ("V", "0000000"),
    ]
    got = cut("1、信访举报投诉类申请10000012、重复申请0000000")
    assert got[1] == ("V", "1000001") and got[2] == ("L", "2、重复申请")


def test_spaces_and_units_stay_with_the_values():
    got = cut("（七）总计23 0 00 0 023四、结转下年度继续办理 0 0 00 00 0")
    assert got[1] == ("V", "23 0 00 0 023")
    assert got[3] == ("V", "0 0 00 00 0")
    got = cut("采购项目数量采购总金额政府集中采购13575394432.52元三、收到")
    assert got[1] == ("V", "13575394432.52元")


def test_dashes_are_values_but_header_words_are_not():
    got = cut("上一年项目数量本年增/减处理决定数量行政许可—/—（四）无法提供1.本机关不掌握")
    assert got[0] == ("L", "上一年项目数量本年增/减处理决定数量行政许可")
    assert got[1] == ("V", "—/—")
    assert ("L", "（四）无法提供1.本机关不掌握") in got
    got = cut("2.重复申请无无无无无无无3.要求提供公开出版物4.无正当理由大量反复申请0")
    assert got[1] == ("V", "无无无无无无无")
    assert got[2] == ("L", "3.要求提供公开出版物4.无正当理由大量反复申请")


def test_prose_numbers_outside_the_tables_are_not_cells():
    text = (
        "2022年全区共主动公开政府信息14571条，收到申请75件。"
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章000行政规范性文件8855698"
        "三、收到和处理政府信息公开申请情况申请人情况自然人一、本年新收政府信息公开申请数量713000074"
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0五、存在的主要问题及改进情况2023年我们将公开300条。"
    )
    values = [c.text for c in table_cells(text) if c.glued]
    assert values == ["000", "8855698", "713000074", "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"]


def test_prose_naming_rows_of_the_tables_does_not_start_them():
    prose = (
        "根据《条例》第二十条第（一）项规定，本年新收政府信息公开申请数量为75件，上年结转3件，"
        "本年新收申请75件。"
    )
    table = (
        "三、收到和处理政府信息公开申请情况申请人情况一、本年新收政府信息公开申请数量713000074"
        "二、上年结转政府信息公开申请数量1000001"
    )
    values = [c.text for c in table_cells(prose + table) if c.glued]
    assert values == ["713000074", "1000001"]


def test_text_without_tables_stays_plain_text():
    doc = flat_document("标题: 某县2015年政府信息公开工作年度报告\n=====\n全年主动公开信息1200条。")
    assert doc.form == "text" and doc.cells == []


# --------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------

APP_COLUMNS = [c.code for c in schema.APPLICATION_COLUMNS]
APPEAL_COLUMNS = [f"{g.code}.{r.code}" for g in schema.APPEAL_GROUPS for r in schema.APPEAL_RESULTS]
ROW_SUM = [SumRule(tuple(range(6)), 6)]
GROUP_SUMS = [SumRule(tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3)]
MAX_COMBINATIONS = 20_000


def printed_cells(record: dict) -> dict[str, str]:
    """Each value cell's printed text, keyed ``section.row.column`` (blank cells absent)."""
    grids = fixture_layout.tables(record, fixture_layout.Layout(), random.Random(0))
    return {
        cell.key: cell.text
        for tables in grids.values()
        for table in tables
        for row in table.rows
        for cell in row
        if cell.role == "value" and cell.key and cell.text
    }


def row_text(printed: dict[str, str], section: str, row: str, columns: list[str]) -> str:
    return "".join(printed.get(f"{section}.{row}.{c}", "") for c in columns)


def decided_cells(record: dict) -> dict[str, object] | None:
    """The cells every consistent reading agrees on, with their value (None: too many
    combinations to list)."""
    template = record["template"]
    printed = printed_cells(record)
    decided: dict[str, object] = {}

    def agree(prefix: str, columns: list[str], vectors: list[tuple]) -> None:
        for i, column in enumerate(columns):
            if len({v[i] for v in vectors}) == 1:
                decided[f"{prefix}.{column}"] = vectors[0][i]

    for item in schema.PROACTIVE[template]:
        measures = [m.code for m in item.measures]
        text = row_text(printed, "proactive", item.code, measures)
        found = readings([Piece(text)], measures) if text else None
        if found and found.prints:
            agree(f"proactive.{item.code}", measures, found.vectors)

    appeals = "".join(printed.get(f"appeals.{c}", "") for c in APPEAL_COLUMNS)
    found = readings([Piece(appeals)], APPEAL_COLUMNS, GROUP_SUMS)
    if found.prints:
        agree("appeals", APPEAL_COLUMNS, found.vectors)

    rows = [r.code for r in schema.application_rows(template)]
    options = {}
    for row in rows:
        text = row_text(printed, "applications", row, APP_COLUMNS)
        found = readings([Piece(text)], APP_COLUMNS, ROW_SUM)
        if not found.prints:
            return None
        options[row] = found.vectors
    free = [r for r in rows if len(options[r]) > 1]
    combos = 1
    for row in free:
        combos *= len(options[row])
    if combos > MAX_COMBINATIONS:
        return None
    outcomes = schema.OUTCOME_ROWS[template]
    consistent: list[dict[str, tuple]] = []
    for choice in itertools.product(*(options[r] for r in free)):
        table = {r: options[r][0] for r in rows}
        table.update(dict(zip(free, choice, strict=True)))
        if _table_adds_up(table, outcomes):
            consistent.append(table)
    if not consistent:
        return None
    for row in rows:
        agree(f"applications.{row}", APP_COLUMNS, [t[row] for t in consistent])
    return decided


def _table_adds_up(table: dict[str, tuple], outcomes: tuple[str, ...]) -> bool:
    def n(row: str, i: int) -> int:
        return table[row][i] or 0

    for i in range(len(APP_COLUMNS)):
        if sum(n(r, i) for r in outcomes) != n("total", i):
            return False
        if n("new", i) + n("carried_over", i) != n("total", i) + n("carried_forward", i):
            return False
    return True


def flat_cells(record: dict) -> dict[str, object]:
    """The record's cells keyed ``section.row.column`` (appeals as ``appeals.group.result``)."""
    return {
        f"{section}.{row}.{column}": value
        for section, rows in record["tables"].items()
        for row, columns in rows.items()
        for column, value in columns.items()
    }


def assert_never_wrong(report, record: dict) -> None:
    want = strip_private(record)
    wrong = [d for d in cell_differences(want, report.to_dict()) if not d.endswith("got None")]
    assert wrong == []
    for _, row, column, cell in report.cells():
        if cell.status == UNCERTAIN:
            assert any(row in w and column in w for w in report.warnings), (row, column)


# --------------------------------------------------------------------------------------------
# Random tables, flattened
# --------------------------------------------------------------------------------------------

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.integers(0, 2**32), st.sampled_from(["2019", "2021"]))
def test_flat_text_recovers_every_cell_the_arithmetic_decides(seed, template):
    record = random_record(random.Random(seed), template)
    text = render_flat(record, rng=random.Random(seed))
    report = parsers.parse(text.encode("utf-8"), source="report.txt")
    assert_never_wrong(report, record)
    got = report.to_dict()
    assert got["template"] == template and got["year"] == record["year"]
    decided = decided_cells(record)
    if decided is None:
        return
    cells = flat_cells(got)
    for key, value in decided.items():
        assert cells[key] == value, key


@SETTINGS
@given(
    st.integers(0, 2**32),
    st.sampled_from(["2019", "2021"]),
    st.sampled_from([0.1, 0.3]),
    st.sampled_from([0.0, 0.05]),
    st.booleans(),
)
def test_flat_text_with_blanks_and_dashes_never_gives_a_wrong_number(
    seed, template, blank, dash, big
):
    record = random_record(random.Random(seed), template, blank_rate=blank, dash_rate=dash, big=big)
    text = render_flat(record, rng=random.Random(seed))
    report = parsers.parse(text.encode("utf-8"), source="report.txt")
    assert_never_wrong(report, record)


@SETTINGS
@given(st.integers(0, 2**32), st.sampled_from(["2019", "2021"]), st.booleans())
def test_pdf_text_lines_run_together_go_through_the_same_recovery(seed, template, big):
    """A PDF whose tables could not be found gives its text lines as glued cells."""
    record = random_record(random.Random(seed), template, big=big)
    grids = fixture_layout.tables(record, fixture_layout.Layout(), random.Random(seed))
    lines = ["某单位政府信息公开工作年度报告", "全年主动公开政府信息120条。"]
    headings = {
        "proactive": "二、主动公开政府信息情况",
        "applications": "三、收到和处理政府信息公开申请情况",
        "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    }
    for section, tables in grids.items():
        lines.append(headings[section])
        for table in tables:
            for row in table.rows:
                lines.append("".join(c.text.replace("\n", "") for c in row if c.text))
    lines.append("五、存在的主要问题及改进情况 2024年将公开300条。")
    doc = Document(
        text="\n".join(lines), cells=[Cell(line, glued=True) for line in lines], form="pdf"
    )
    found = read_tables(doc, year_hint=record["year"])
    assert found.template == template
    got = {
        section: {r: {c: v.value for c, v in cols.items()} for r, cols in rows.items()}
        for section, rows in found.tables.items()
    }
    want = strip_private(record)["tables"]
    for section in ("applications", "appeals"):
        for row, columns in want[section].items():
            for column, value in columns.items():
                assert got[section][row][column] in (value, None), (section, row, column)


# --------------------------------------------------------------------------------------------
# Real flattened reports
# --------------------------------------------------------------------------------------------

FLAT_CASES = cases("flat")


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
@pytest.mark.parametrize("case", FLAT_CASES, ids=[c.name for c in FLAT_CASES])
def test_real_flat_text_tables_three_and_four_are_recovered_exactly(case):
    report = parsers.parse(case.document.read_bytes(), source=case.document.name)
    got = report.to_dict()
    for section in ("applications", "appeals"):
        want = {"tables": {section: case.expected["tables"][section]}}
        assert (
            cell_differences(want, {"tables": {section: got["tables"][section]}}, case.uncertain)
            == []
        )
    for key in ("agency", "year", "published", "template"):
        assert got[key] == case.expected[key], key
    assert {c["rule"]: c["ok"] for c in got["checks"]} == {
        c["rule"]: c["ok"] for c in case.expected["checks"]
    }


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
@pytest.mark.parametrize("case", FLAT_CASES, ids=[c.name for c in FLAT_CASES])
def test_real_flat_text_table_two_is_right_or_reported_undecided(case):
    """Table 二 has no arithmetic: a run such as 898989 under three columns has many readings.
    Each cell is the expected number, or null and named in a warning — never another number."""
    report = parsers.parse(case.document.read_bytes(), source=case.document.name)
    got = report.to_dict()["tables"]["proactive"]
    for row, columns in case.expected["tables"]["proactive"].items():
        for column, value in columns.items():
            if got[row][column] == value:
                continue
            assert got[row][column] is None, (row, column)
            assert report.tables["proactive"][row][column].status == UNCERTAIN
            assert any(row in w and column in w for w in report.warnings), (row, column)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_stated_numbers_decide_a_real_row_and_say_so():
    case = next((c for c in FLAT_CASES if c.name.startswith("2022_pingtan")), None)
    if case is None:
        pytest.skip("2022 flat report not in the corpus")
    report = parsers.parse(case.document.read_bytes(), source=case.document.name)
    row = report.to_dict()["tables"]["proactive"]["normative_documents"]
    assert row == case.expected["tables"]["proactive"]["normative_documents"]
    assert any("normative_documents" in w and "states in its text" in w for w in report.warnings)


PDF_CASES = cases("pdf")


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
@pytest.mark.parametrize("case", PDF_CASES, ids=[c.name for c in PDF_CASES])
def test_real_pdf_text_lines_never_give_a_number_to_the_wrong_row(case):
    """The PDF's page text, line by line, as the PDF source gives it when it finds no table.

    Labels there wrap over several lines around numbers of other rows; numbers are only read
    with a label on their own line, so rows may be lost but none is misplaced."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(case.document.read_bytes())) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    doc = Document(text="\n".join(lines), cells=[Cell(x, glued=True) for x in lines], form="pdf")
    found = read_tables(doc, year_hint=case.expected["year"])
    assert found.template == case.expected["template"]
    got = {
        "tables": {
            section: {r: {c: v.value for c, v in cols.items()} for r, cols in rows.items()}
            for section, rows in found.tables.items()
        }
    }
    differences = cell_differences(case.expected, got, case.uncertain)
    assert [d for d in differences if not d.endswith("got None")] == []
    assert got["tables"]["appeals"] == case.expected["tables"]["appeals"]
