"""The checks follow the record contract: true, false, or null when a needed cell is
undecided or absent; a printed blank counts as 0 and the detail says so."""

from __future__ import annotations

import random

import pytest

import parsers
from bench.families import score_case
from fixtures.families import cases
from fixtures.families.blank_checks import KINDS, blank_everything
from fixtures.reportgen import random_record, render_pipe
from parsers import schema
from parsers.checks import run_checks
from parsers.model import BLANK, MISSING, NUMBER, UNCERTAIN, CellValue
from parsers.tables.layout import empty_section

FAMILY = cases("checks_contract", 3 * len(KINDS))  # every kind in each of its forms


def _tables(value=0, status=NUMBER) -> dict:
    """A 2021 record's tables with every cell ``value`` (printed as ``status``)."""
    out = {}
    for section in (schema.SECTION_APPLICATIONS, schema.SECTION_APPEALS):
        out[section] = empty_section(schema.TEMPLATE_2021, section)
        for cells in out[section].values():
            for col in cells:
                cells[col] = CellValue(value, "" if value is None else str(value), status)
    return out


def _by_rule(tables: dict, **kwargs) -> dict:
    return {c.rule: c for c in run_checks(tables, schema.TEMPLATE_2021, **kwargs)}


def test_all_blank_template_checks_nothing():
    checks = _by_rule(_tables(None, BLANK))
    assert {rule: c.ok for rule, c in checks.items()} == dict.fromkeys(checks, None)
    assert all("nothing printed to check" in c.detail for c in checks.values())


def test_all_zero_table_passes_every_check():
    assert all(c.ok is True for c in _by_rule(_tables(0)).values())


def test_blank_cells_count_as_zero_and_the_detail_says_so():
    tables = _tables(0)
    apps = tables[schema.SECTION_APPLICATIONS]
    apps["new"]["research"] = CellValue(None, "", BLANK)
    checks = _by_rule(tables)
    assert checks["applications.balance"].ok is True
    assert "blank cells counted as 0: research" in checks["applications.balance"].detail


def test_missing_rows_make_the_balance_null_not_false():
    tables = _tables(0)
    apps = tables[schema.SECTION_APPLICATIONS]
    apps["new"]["total"] = CellValue(5, "5", NUMBER)  # would fail against absent rows as 0
    apps["new"]["natural_person"] = CellValue(5, "5", NUMBER)
    for code in ("carried_over", "carried_forward"):
        apps[code] = {c: CellValue.missing() for c in apps[code]}
    checks = _by_rule(tables)
    assert checks["applications.balance"].ok is None
    assert "carried_over" in checks["applications.balance"].detail
    assert checks["applications.columns"].ok is True  # the rows present still add up


def test_an_undecided_cell_makes_its_rule_null_unless_another_part_fails():
    tables = _tables(0)
    appeals = tables[schema.SECTION_APPEALS]
    appeals["reconsideration"]["other"] = CellValue(None, None, UNCERTAIN)
    assert _by_rule(tables)["appeals.totals"].ok is None
    appeals["litigation_direct"]["total"] = CellValue(3, "3", NUMBER)
    check = _by_rule(tables)["appeals.totals"]
    assert check.ok is False
    assert "litigation_direct" in check.detail and "reconsideration" in check.detail


def test_absent_tables_are_reported_as_null():
    checks = {c.rule: c for c in run_checks({}, schema.TEMPLATE_2021)}
    assert set(checks) == {
        "applications.balance",
        "applications.outcomes",
        "applications.columns",
        "appeals.totals",
    }
    assert all(c.ok is None and "not in the document" in c.detail for c in checks.values())


def test_a_single_other_row_in_a_2021_table_still_sums_the_outcomes():
    tables = _tables(0)
    apps = tables[schema.SECTION_APPLICATIONS]
    for code in ("other_no_correction", "other_no_fee", "other_other"):
        apps[code] = {c: CellValue(None, None, MISSING) for c in apps[code]}
    assert _by_rule(tables)["applications.outcomes"].ok is None
    merged = {"other": {c: CellValue(0, "0", NUMBER) for c in apps["new"]}}
    assert _by_rule(tables, merged=merged)["applications.outcomes"].ok is True


@pytest.mark.parametrize("case", FAMILY, ids=lambda c: c.name)
def test_generated_documents_follow_the_contract(case):
    tally = score_case(case)
    assert tally.wrong == 0 and tally.undecided == 0, tally.failures
    record = parsers.parse(case.data).to_dict()
    got = {c["rule"]: c["ok"] for c in record["checks"]}
    assert got == case.checks
    if "blank_template" in case.name:  # tables present, every cell null as printed blank
        report = parsers.parse(case.data)
        assert set(report.tables) == set(schema.SECTIONS)
        assert {cell.status for *_, cell in report.cells()} == {BLANK}
        assert not any("not found" in w for w in report.warnings)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_an_unfilled_template_in_pipe_text_is_read_as_blank_tables(template):
    record = random_record(random.Random(3), template)
    blank_everything(record)
    report = parsers.parse(render_pipe(record, "clean", random.Random(4)).encode())
    assert report.form == "pipe"
    assert set(report.tables) == set(schema.SECTIONS)
    assert {cell.status for *_, cell in report.cells()} == {BLANK}
    assert [c.ok for c in report.checks] == [None] * 4
