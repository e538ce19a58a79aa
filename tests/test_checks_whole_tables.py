"""The checks made over whole tables of printed numbers give what the rules give one
comparison at a time: the same four checks, in order, with the same words, on tables that
hold and tables that do not (a changed number, a float, a blank, an undecided or absent cell,
a row or column the document lacks, cells beyond the template's (first or last in a row), rows in
another order, a third of the cells undecided, nearly all of them undecided)."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import blank_zeros, damage_total, random_record
from parsers import checks, schema
from parsers.checks_whole import (
    APPEAL_COLUMNS,
    HELD,
    SUMMED_COLUMNS,
    all_hold,
    table_plan,
)
from parsers.model import BLANK, DASH, MISSING, NUMBER, UNCERTAIN, CellValue, Check


def _one_by_one(tables: dict, template: str, merged: dict | None = None) -> list:
    """The four rules worded comparison by comparison (what run_checks must give)."""
    apps = tables.get(schema.SECTION_APPLICATIONS)
    appeals = tables.get(schema.SECTION_APPEALS)
    return [
        checks._balance(apps),
        checks._outcomes(apps, template, merged or {}),
        checks._columns(apps),
        checks._appeal_totals(appeals),
    ]


def _cell(value) -> CellValue:
    if value is None:
        return CellValue(None, "", BLANK)
    return CellValue(value, str(value), NUMBER)


def _tables(record: dict) -> dict:
    return {
        section: {
            row: {col: _cell(value) for col, value in cells.items()} for row, cells in rows.items()
        }
        for section, rows in record["tables"].items()
    }


def _change(rng: random.Random, tables: dict) -> str:
    """One change a real table may show; returns its name."""
    section = rng.choice([schema.SECTION_APPLICATIONS, schema.SECTION_APPEALS])
    rows = tables[section]
    row = rng.choice(list(rows))
    col = rng.choice(list(rows[row]))
    kind = rng.choice(
        ["number", "float", "blank", "dash", "undecided", "absent", "no_row", "no_col", "extra"]
        + ["reordered", "undecided_many", "undecided_most", "extra_first"]
    )
    if kind == "number":
        rows[row][col] = CellValue(rng.randint(0, 50), "n", NUMBER)
    elif kind == "float":
        rows[row][col] = CellValue(rng.choice([0.5, 1.25, 2.0]), "f", NUMBER)
    elif kind in ("blank", "dash"):
        rows[row][col] = CellValue(None, "", BLANK if kind == "blank" else DASH)
    elif kind == "undecided":
        rows[row][col] = CellValue(None, None, UNCERTAIN)
    elif kind == "absent":
        rows[row] = {c: CellValue.missing() for c in rows[row]}
    elif kind == "no_row":
        del rows[row]
    elif kind == "no_col":
        del rows[row][col]
    elif kind == "undecided_many":  # a reading that left a third of the table open
        for cells in rows.values():
            for column in cells:
                if rng.random() < 0.3:
                    cells[column] = CellValue(None, None, UNCERTAIN)
    elif kind == "undecided_most":  # a reading that left nearly every cell open (rows blank)
        for cells in rows.values():
            blank = rng.random() < 0.3
            for column in cells:
                if blank or rng.random() < 0.9:
                    cells[column] = CellValue(None, None, BLANK if blank else UNCERTAIN)
    elif kind == "extra":
        rows[row]["note"] = CellValue(None, None, MISSING)
    elif kind == "extra_first":  # a cell the rules do not ask for, first in the first row
        first = next(iter(rows))
        note = CellValue(None, None, rng.choice([MISSING, BLANK, UNCERTAIN]))
        rows[first] = {"note": note, **rows[first]}
    else:  # rows printed in another order (the outcome rows no longer one run)
        order = list(rows)
        rng.shuffle(order)
        tables[section] = {name: rows[name] for name in order}
    return kind


@pytest.mark.parametrize("template", [schema.TEMPLATE_2019, schema.TEMPLATE_2021])
def test_whole_table_checks_word_what_the_rules_word(template):
    rng = random.Random(1414)
    seen = set()
    for i in range(400):
        blank_rate = (0, 0, 0.1, 0.5, 1.0)[i % 5]  # none, some or every cell printed blank
        record = random_record(rng, template, big=i % 7 == 0, blank_rate=blank_rate)
        tables = _tables(record)
        for _ in range(i % 4):  # a quarter of the tables as generated: every sum holds
            seen.add(_change(rng, tables))
        assert checks.run_checks(tables, template) == _one_by_one(tables, template)
    assert len(seen) == 13


def test_a_table_that_holds_gives_true_checks_with_no_detail():
    tables = _tables(random_record(random.Random(3), schema.TEMPLATE_2021))
    found = checks.run_checks(tables, schema.TEMPLATE_2021)
    assert [(c.ok, c.detail) for c in found] == [(True, "")] * 4


def test_a_merged_other_row_is_still_summed():
    rng = random.Random(5)
    tables = _tables(random_record(rng, schema.TEMPLATE_2021))
    apps = tables[schema.SECTION_APPLICATIONS]
    merged = {"other": {c: CellValue(0, "0", NUMBER) for c in apps["total"]}}
    for row in ("other_no_correction", "other_no_fee", "other_other"):
        apps[row] = {c: CellValue.missing() for c in apps[row]}
    found = checks.run_checks(tables, schema.TEMPLATE_2021, merged=merged)
    assert found == _one_by_one(tables, schema.TEMPLATE_2021, merged)


def _all_hold(tables: dict, template: str) -> bool | None:
    """:func:`all_hold` on the tables' values in flat lists (a TypeError as False), or None
    where a row lacks a column the rules ask for (the tables are then not read so)."""
    apps = tables[schema.SECTION_APPLICATIONS]
    appeals = tables[schema.SECTION_APPEALS]
    try:
        values = [cells[c].value for cells in apps.values() for c in SUMMED_COLUMNS]
        values += [cells[c].value for cells in appeals.values() for c in APPEAL_COLUMNS]
    except KeyError:
        return None
    try:
        return all_hold(values, len(apps) * len(SUMMED_COLUMNS), table_plan(tuple(apps), template))
    except TypeError:
        return False


def _one_rule_fails(rng: random.Random, tables: dict, template: str) -> None:
    """Numbers changed so that a single rule of table 三 fails, the others still holding: a
    row's count and its total raised alike (the outcomes, or the balance for the new
    applications, no longer add up) or a count moved from one outcome row to another (the
    two rows no longer sum; a count may go below zero, which the rules do not mind)."""
    apps = tables[schema.SECTION_APPLICATIONS]
    column = rng.choice(SUMMED_COLUMNS[:-1])
    outcomes = [row for row in schema.OUTCOME_ROWS[template] if row in apps]
    kind = rng.choice(["outcome", "new", "moved"])
    rows = [rng.choice(outcomes)] if kind == "outcome" else ["new"]
    if kind == "moved":
        rows = rng.sample(outcomes, 2)
    columns = [column] if kind == "moved" else [column, "total"]
    changes = [(row, c, step) for row, step in zip(rows, (1, -1), strict=False) for c in columns]
    for row, c, step in changes:
        apps[row][c] = CellValue((apps[row][c].value or 0) + step, "n", NUMBER)


@pytest.mark.parametrize("template", [schema.TEMPLATE_2019, schema.TEMPLATE_2021])
def test_all_hold_is_true_exactly_where_every_check_holds_with_nothing_to_say(template):
    """Generated tables with random numbers, cells printed blank (as zeros or not at all),
    dashes, totals printed wrong, a single rule failing, and the changes above: ``all_hold`` says True exactly where
    the rules give four checks that hold with no detail."""
    rng = random.Random(2614)
    held = seen = 0
    for i in range(600):
        blank_rate = (0, 0, 0.02, 0.3)[i % 4]
        record = random_record(
            rng, template, big=i % 7 == 0, blank_rate=blank_rate, dash_rate=(0, 0.05)[i % 2]
        )
        if i % 5 == 1:
            record = blank_zeros(record)
        if i % 3 == 2:
            record = damage_total(record, rng, rng.choice(["applications", "appeals", None]))
        tables = _tables(record)
        for _ in range(i % 4 // 3):
            _change(rng, tables)
        if i % 5 == 4:
            _one_rule_fails(rng, tables, template)
        found = _all_hold(tables, template)
        if found is None:
            continue
        seen += 1
        expected = checks.run_checks(tables, template) == [Check(*h) for h in HELD]
        assert found == expected
        held += expected
    assert seen >= 500 and 25 <= held <= seen - 25
