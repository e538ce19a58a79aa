"""The form's rules checked on whole tables, where that is what checking them one comparison at
a time gives (:mod:`parsers.checks` words every other case).

A report's checks compare some four hundred cells, and almost every table comes either with a
printed number in every cell or with some cells printed blank; in both, no cell a rule needs is
undecided or absent. Their values are then read once, in one pass over the table, and a rule
that holds on every comparison is worded here: ``ok`` with no detail when every cell holds a
number (the comparisons made over the whole table at once by C-level maps and unpacking), or,
where cells are blank, counted as 0 and named as the rules name them. A rule with a comparison
that fails, and every table with an undecided or absent cell, a row the rule needs missing, or
a value that is not a number, is left to the rules one comparison at a time, which word it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import add, itemgetter
from typing import cast

from parsers import schema
from parsers.model import MISSING, NUMBER, UNCERTAIN, Check

BALANCE_ROWS = ("new", "carried_over", "total", "carried_forward")
"""Table 三's rows in its balance: new + carried over = total + carried forward."""
APPLICATION_COLUMNS = tuple(c.code for c in schema.APPLICATION_COLUMNS)
"""Table 三's columns, the total last: the balance and the outcomes are checked in each."""
SUMMED_COLUMNS = (*schema.APPLICANT_COLUMNS, "total")
"""Table 三's columns that each of its rows sums (the applicants', then their total)."""
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
"""Table 四's results in each group, the total last."""

EMPTY = "nothing printed to check (every cell blank)"

Values = tuple[int | float | None, ...]
Grid = dict[str, Values]  # a table's values by row, None where a cell is blank
Numbers = dict[str, tuple[int | float, ...]]  # the same, with no cell blank


def rules_that_hold(apps: dict | None, appeals: dict | None, template: str) -> list[Check | None]:
    """The four rules (balance, outcomes, columns, appeal totals), each as its check where it
    holds on a table with no undecided or absent cell; else None."""
    held: list[Check | None] = [None, None, None, None]
    try:  # (a value that is not a number leaves every rule to be worded one by one)
        found = _values(apps, SUMMED_COLUMNS)
        if found is not None:
            grid, numbers = found
            held[0] = _balance_held(numbers)
            held[1] = _outcomes_held(numbers, template)
            held[2] = _columns_held(numbers)
            if grid is not numbers:  # some cells blank: word what held as the rules do
                held[:3] = _blanks_named(held[:3], grid, template)
        found = _values(appeals, APPEAL_COLUMNS)
        if found is not None:
            grid, numbers = found
            appeal_totals = _appeals_held(numbers)
            if appeal_totals is not None and grid is not numbers:
                appeal_totals = _with_blanks(appeal_totals, grid.items())
            held[3] = appeal_totals
    except TypeError:
        return [None, None, None, None]
    return held


def _values(table: dict | None, columns: tuple[str, ...]) -> tuple[Grid, Numbers] | None:
    """Each row's values in ``columns`` order, when every row holds those columns and none of
    their cells is undecided or absent (else None): as printed (None where a cell is printed
    blank or with a dash), and with blank cells as 0 — the same object when none is blank.
    (A row's other cells change nothing: the rules ask only for these, and a row with a cell
    that is not absent is never absent.)"""
    if not table:
        return None
    try:
        cells = list(map(itemgetter(*columns), table.values()))
    except KeyError:
        return None
    values = [cell.value for row in cells for cell in row if cell.status == NUMBER]
    width = len(columns)
    if len(values) == width * len(cells):
        grid = dict(zip(table, zip(*[iter(values)] * width, strict=True), strict=True))
        return grid, cast(Numbers, grid)
    statuses = {cell.status for row in cells for cell in row}
    if MISSING in statuses or UNCERTAIN in statuses:
        return None
    values = [cell.value for row in cells for cell in row]
    counted = [0 if value is None else value for value in values]
    grid = dict(zip(table, zip(*[iter(values)] * width, strict=True), strict=True))
    numbers = dict(zip(table, zip(*[iter(counted)] * width, strict=True), strict=True))
    return grid, numbers


# --- every cell a number ----------------------------------------------------------------------


def _balance_held(grid: Numbers) -> Check | None:
    try:
        new, carried_over, total, carried_forward = map(grid.__getitem__, BALANCE_ROWS)
    except KeyError:
        return None
    if list(map(add, new, carried_over)) != list(map(add, total, carried_forward)):
        return None
    return Check("applications.balance", True, "")


def _outcomes_held(grid: Numbers, template: str) -> Check | None:
    rows = _outcome_rows(grid, template)
    if rows is None:
        return None
    *parts, total = rows
    if list(map(sum, zip(*parts, strict=True))) != list(total):
        return None
    return Check("applications.outcomes", True, "")


def _columns_held(grid: Numbers) -> Check | None:
    """Each row of table 三: its six applicant columns sum to its total (added in the order
    ``sum()`` adds them in the rules one by one)."""
    if [1 for a, b, c, d, e, f, total in grid.values() if a + b + c + d + e + f != total]:
        return None
    return Check("applications.columns", True, "")


def _appeals_held(grid: Numbers) -> Check | None:
    """Each group of table 四: its four results sum to its total."""
    if [1 for a, b, c, d, total in grid.values() if a + b + c + d != total]:
        return None
    return Check("appeals.totals", True, "")


_OUTCOMES = {template: itemgetter(*rows, "total") for template, rows in schema.OUTCOME_ROWS.items()}


def _outcome_rows(grid: Mapping[str, Sequence], template: str) -> Sequence[Sequence] | None:
    """Table 三's outcome rows of ``template``, then its total row; None when one is missing."""
    try:
        return _OUTCOMES[template](grid)
    except KeyError:  # a row the document lacks (the rules word it)
        return None


# --- some cells blank -------------------------------------------------------------------------
# Blank cells count as 0, so a rule holds with them where it holds on the table with 0 in their
# place; what is left is to name its comparisons that had blank cells and to leave out those
# that had nothing else (nothing printed to check).


def _blanks_named(held: list[Check | None], grid: Grid, template: str) -> list[Check | None]:
    """Table 三's three rules as they held with blank cells as 0, worded as the rules word
    them (each rule that held has every row its comparisons ask for)."""
    balance, outcomes, columns = held
    if balance is not None:
        balance = _with_blanks(balance, _balance_columns(grid))
    rows = _outcome_rows(grid, template)
    if outcomes is not None and rows is not None:
        outcomes = _with_blanks(outcomes, _by_column(rows))
    if columns is not None:
        columns = _with_blanks(columns, grid.items())
    return [balance, outcomes, columns]


def _balance_columns(grid: Grid) -> Iterable[tuple[str, Sequence]]:
    """The balance's comparisons: each column's values in its four rows."""
    rows = map(grid.__getitem__, BALANCE_ROWS)
    return zip(APPLICATION_COLUMNS, zip(*rows, strict=True), strict=True)


def _by_column(rows: Sequence[Sequence]) -> Iterable[tuple[str, Sequence]]:
    """Comparisons made in each column of table 三 over ``rows``."""
    return zip(APPLICATION_COLUMNS, zip(*rows, strict=True), strict=True)


def _with_blanks(held: Check, comparisons: Iterable[tuple[str, Sequence]]) -> Check:
    """``held`` (a rule that holds with blank cells as 0) worded as the rules one by one word
    it: the comparisons that had a blank cell named, those with nothing printed not counted."""
    blanks = []
    checked = 0
    for where, values in comparisons:
        if None in values:
            if values.count(None) == len(values):
                continue  # nothing printed to check
            blanks.append(where)
        checked += 1
    parts = [f"blank cells counted as 0: {', '.join(blanks)}"] if blanks else []
    if checked:
        return Check(held.rule, True, " | ".join(parts))
    return Check(held.rule, None, " | ".join([*parts, EMPTY]))
