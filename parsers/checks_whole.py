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
            grid, blanks = found
            if blanks:
                held[0] = _balance_with_blanks(grid)
                held[1] = _outcomes_with_blanks(grid, template)
                held[2] = _sums_with_blanks("applications.columns", grid.items())
            else:
                numbers = cast(Numbers, grid)
                held[0] = _balance_held(numbers)
                held[1] = _outcomes_held(numbers, template)
                held[2] = _columns_held(numbers)
        found = _values(appeals, APPEAL_COLUMNS)
        if found is not None:
            grid, blanks = found
            if blanks:
                held[3] = _sums_with_blanks("appeals.totals", grid.items())
            else:
                held[3] = _appeals_held(cast(Numbers, grid))
    except TypeError:
        return [None, None, None, None]
    return held


def _values(table: dict | None, columns: tuple[str, ...]) -> tuple[Grid, bool] | None:
    """Each row's values in ``columns`` order (None where the cell is printed blank or with a
    dash) and whether any is blank, when every row holds those columns and none of their cells
    is undecided or absent; else None. (A row's other cells change nothing: the rules ask only
    for these, and a row with a cell that is not absent is never absent.)"""
    if not table:
        return None
    try:
        cells = list(map(itemgetter(*columns), table.values()))
    except KeyError:
        return None
    values = [cell.value for row in cells for cell in row if cell.status == NUMBER]
    blanks = len(values) != len(columns) * len(cells)
    if blanks:
        statuses = {cell.status for row in cells for cell in row}
        if MISSING in statuses or UNCERTAIN in statuses:
            return None
        values = [cell.value for row in cells for cell in row]
    rows = zip(*[iter(values)] * len(columns), strict=True)
    return dict(zip(table, rows, strict=True)), blanks


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


def _balance_with_blanks(grid: Grid) -> Check | None:
    try:
        rows = list(map(grid.__getitem__, BALANCE_ROWS))
    except KeyError:
        return None
    held = 0
    blanks: list[str] = []
    for column, values in zip(APPLICATION_COLUMNS, zip(*rows, strict=True), strict=True):
        counted = _counted(column, values, blanks)
        if counted is None:
            continue
        new, carried_over, total, carried_forward = counted
        if new + carried_over != total + carried_forward:
            return None
        held += 1
    return _worded("applications.balance", held, blanks)


def _outcomes_with_blanks(grid: Grid, template: str) -> Check | None:
    rows = _outcome_rows(grid, template)
    if rows is None:
        return None
    comparisons = zip(APPLICATION_COLUMNS, zip(*rows, strict=True), strict=True)
    return _sums_with_blanks("applications.outcomes", comparisons)


def _sums_with_blanks(name: str, comparisons: Iterable[tuple[str, Values]]) -> Check | None:
    """A rule whose comparisons each sum their values but the last to the last."""
    held = 0
    blanks: list[str] = []
    for where, values in comparisons:
        counted = _counted(where, values, blanks)
        if counted is None:
            continue
        *parts, total = counted
        if sum(parts) != total:
            return None
        held += 1
    return _worded(name, held, blanks)


def _counted(where: str, values: Values, blanks: list[str]) -> Sequence[int | float] | None:
    """A comparison's values with blank cells as 0 (and ``where`` added to ``blanks``), or
    None when every cell is blank: there is nothing to check."""
    if None not in values:
        return values  # type: ignore[return-value]  # no None in it
    if values.count(None) == len(values):
        return None
    blanks.append(where)
    return [0 if value is None else value for value in values]


def _worded(name: str, held: int, blanks: list[str]) -> Check:
    """The check of a rule none of whose comparisons failed, as the rules one by one word it."""
    parts = [f"blank cells counted as 0: {', '.join(blanks)}"] if blanks else []
    if held:
        return Check(name, True, " | ".join(parts))
    return Check(name, None, " | ".join([*parts, EMPTY]))
