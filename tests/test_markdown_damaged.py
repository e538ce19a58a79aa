"""Damaged converter markdown: torn labels, tables in pieces, sub-tables printed as text.

Rows of table 三 whose labels the converter moved elsewhere are placed by the form's row order
only when the labelled rows around them leave exactly as many places; everything else that
cannot be placed stays null, with a warning — never a number in the wrong row.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers
from fixtures.damaged_markdown import render_damaged_markdown
from fixtures.reportgen import random_record, strip_private
from parsers.model import UNCERTAIN
from tests.corpus import CORPUS, cases, cell_differences

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_md(text: str):
    return parsers.parse(text.encode("utf-8"), source="report.md")


def wrong_numbers(record: dict, report) -> list[str]:
    got = report.to_dict()
    return [d for d in cell_differences(strip_private(record), got) if not d.endswith("got None")]


def assert_nulls_are_named(report) -> None:
    for section, row, column, cell in report.cells():
        if cell.value is None and cell.status == UNCERTAIN:
            assert any(row in w and column in w for w in report.warnings), (section, row, column)


@SETTINGS
@given(st.integers(0, 2**32), st.sampled_from(["2019", "2021"]), st.sampled_from([0.0, 0.05]))
def test_torn_rows_and_pieces_give_back_tables_three_and_four(seed, template, dash):
    record = random_record(random.Random(seed), template, dash_rate=dash)
    report = parse_md(render_damaged_markdown(record, rng=random.Random(seed), torn=0.35))
    want = strip_private(record)
    got = report.to_dict()
    for section in ("applications", "appeals"):
        assert (
            cell_differences(
                {"tables": {section: want["tables"][section]}},
                {"tables": {section: got["tables"].get(section, {})}},
            )
            == []
        )
    assert wrong_numbers(record, report) == []
    assert_nulls_are_named(report)
    assert got["template"] == template


@SETTINGS
@given(st.integers(0, 2**32), st.sampled_from(["2019", "2021"]))
def test_sub_tables_printed_as_text_are_read(seed, template):
    record = random_record(random.Random(seed), template)
    report = parse_md(render_damaged_markdown(record, rng=random.Random(seed)))
    got = report.to_dict()["tables"]["proactive"]
    for row, columns in strip_private(record)["tables"]["proactive"].items():
        values = [v for v in columns.values()]
        if any(v is None for v in values) and len(values) > 1:
            continue  # a blank cell vanished from a text line: its row is ambiguous
        assert got[row] == columns, row


@SETTINGS
@given(
    st.integers(0, 2**32),
    st.sampled_from(["2019", "2021"]),
    st.sampled_from([0.1, 0.3]),
    st.sampled_from([0.0, 0.05]),
    st.booleans(),
)
def test_damaged_markdown_with_blanks_never_gives_a_wrong_number(seed, template, blank, dash, big):
    record = random_record(random.Random(seed), template, blank_rate=blank, dash_rate=dash, big=big)
    report = parse_md(render_damaged_markdown(record, rng=random.Random(seed), torn=0.5))
    assert wrong_numbers(record, report) == []
    assert_nulls_are_named(report)


def test_number_only_rows_that_do_not_fit_their_gap_are_left_out():
    record = random_record(random.Random(11), "2021")
    text = render_damaged_markdown(record, rng=random.Random(3), torn=0.0)
    lines = text.splitlines()
    # tear the label off one row and drop the next row entirely: two form rows, one row left
    target = next(i for i, line in enumerate(lines) if line.startswith("| 2.重复申请 |"))
    values = lines[target].split("|")[2:]
    lines[target] = "|" + "|".join(values)
    dropped = next(i for i, line in enumerate(lines) if line.startswith("| 3.要求提供公开出版物 |"))
    del lines[dropped]
    report = parse_md("\n".join(lines))
    got = report.to_dict()["tables"]["applications"]
    assert all(v is None for v in got["rejected_duplicate"].values())
    assert all(v is None for v in got["rejected_publication"].values())
    assert any("could not be placed" in w for w in report.warnings)
    assert wrong_numbers(record, report) == []


def test_torn_rows_placed_by_order_are_named():
    record = random_record(random.Random(5), "2021")
    text = render_damaged_markdown(record, rng=random.Random(5), torn=1.0)
    report = parse_md(text)
    placed = next(w for w in report.warnings if "placed by the form's row order" in w)
    assert "granted" in placed and "carried_forward" in placed
    assert wrong_numbers(record, report) == []


def test_numbers_in_prose_before_the_tables_are_not_cells():
    record = random_record(random.Random(8), "2021")
    record["tables"]["proactive"]["licensing"]["decisions"] = 41
    text = render_damaged_markdown(record, rng=random.Random(8))
    head, _, tail = text.partition("\n\n")
    text = head + "\n\n行政许可 9999\n行政处罚 8888\n\n" + tail
    got = parse_md(text).to_dict()["tables"]["proactive"]
    assert got["licensing"]["decisions"] == 41


# --------------------------------------------------------------------------------------------
# The real converter output
# --------------------------------------------------------------------------------------------

MD_CASES = cases("markdown")


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
@pytest.mark.parametrize("case", MD_CASES, ids=[c.name for c in MD_CASES])
def test_real_converter_markdown_reproduces_its_record(case):
    report = parsers.parse(case.document.read_bytes(), source=case.document.name)
    got = report.to_dict()
    assert cell_differences(case.expected, got, case.uncertain) == []
    for key in ("agency", "year", "published", "template"):
        assert got[key] == case.expected[key], key
    assert any("placed by the form's row order" in w for w in report.warnings)
