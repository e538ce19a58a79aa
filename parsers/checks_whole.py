"""The form's rules checked on whole tables, where that is what checking them one comparison at
a time gives (:mod:`parsers.checks` words every other case).

A report's checks compare some four hundred cells, and almost every table comes with a printed
number in every cell, or with some cells printed blank or with a dash: no cell a rule needs is
undecided or absent. Such a table is read once into one flat list of values, row by row in the
order of its columns; each rule is then a few slices of that list, at offsets planned once per
template and order of rows (:class:`_Plan`). A rule is tested on the whole table at once
(C-level maps and slices); only a rule that fails, or that meets blank cells, is gone through
comparison by comparison, and worded exactly as the rules one by one word it (the failures,
then the comparisons that counted blank cells as 0, or that nothing was printed to check).

Every table with an undecided or absent cell, a column the rules need missing from a row, or a
row a rule needs missing, is left to the rules one comparison at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from operator import add, itemgetter

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

Value = int | float | None

_ROW_CELLS = itemgetter(*SUMMED_COLUMNS)
_GROUP_CELLS = itemgetter(*APPEAL_COLUMNS)
_WIDTH = len(SUMMED_COLUMNS)  # table 三's columns checked, in the flat list of each row
_APPEAL_WIDTH = len(APPEAL_COLUMNS)

# The column sums of the outcomes are taken over the same columns as the balance's.
assert APPLICATION_COLUMNS == SUMMED_COLUMNS


def rules_that_hold(apps: dict | None, appeals: dict | None, template: str) -> list[Check | None]:
    """The four rules (balance, outcomes, columns, appeal totals), each as its check where its
    table has no undecided or absent cell and every row and column it needs; else None."""
    held: list[Check | None] = [None, None, None, None]
    try:  # (a value that is not a number leaves every rule to be worded one by one)
        found = _flat_values(apps, _ROW_CELLS, _WIDTH)
        if found is not None:
            plan = _plan(apps, template)  # type: ignore[arg-type]
            held[0] = _balance(*found, plan)
            held[1] = _outcomes(*found, plan)
            held[2] = _columns(*found, plan)
        found = _flat_values(appeals, _GROUP_CELLS, _APPEAL_WIDTH)
        if found is not None:
            held[3] = _appeal_totals(*found, tuple(appeals))  # type: ignore[arg-type]
    except TypeError:
        return [None, None, None, None]
    return held


def _flat_values(
    table: dict | None, cells_of: itemgetter, width: int
) -> tuple[list[Value], list[int | float]] | None:
    """The table's values row by row in the rules' column order, when every row holds those
    columns and none of their cells is undecided or absent (else None): as printed (None where
    a cell is printed blank or with a dash), and with blank cells as 0 — the same list when
    none is blank. (A row's other cells change nothing: the rules ask only for these, and a row
    with a cell that is not absent is never absent.)"""
    if not table:
        return None
    try:
        rows = list(map(cells_of, table.values()))
    except KeyError:
        return None
    values = [cell.value for row in rows for cell in row if cell.status == NUMBER]
    if len(values) == width * len(rows):
        return values, values
    statuses = {cell.status for row in rows for cell in row}
    if MISSING in statuses or UNCERTAIN in statuses:
        return None
    values = [cell.value for row in rows for cell in row]
    return values, [0 if value is None else value for value in values]


class _Plan:
    """Where each rule of table 三 finds its rows in the flat list of a table whose rows come
    in one order (slices of that list; None where a row the rule needs is not in the table):
    worked out once per template and order of rows."""

    __slots__ = ("rows", "balance", "outcomes", "outcome_columns", "total")

    def __init__(self, rows: tuple[str, ...], template: str) -> None:
        at = {row: i * _WIDTH for i, row in enumerate(rows)}
        self.rows = rows
        self.balance = _row_slices(at, BALANCE_ROWS)
        outcome_rows = schema.OUTCOME_ROWS.get(template)
        self.outcomes = None if outcome_rows is None else _row_slices(at, outcome_rows)
        total = _row_slices(at, ("total",))
        self.total = None if total is None else total[0]
        # The outcome rows one after another in the table (as printed): each column's parts
        # are then one slice of the list, added in the same order.
        self.outcome_columns: tuple[slice, ...] | None = None
        starts = [row.start for row in self.outcomes or ()]
        if starts and all(b - a == _WIDTH for a, b in pairwise(starts)):
            end = starts[-1] + _WIDTH
            self.outcome_columns = tuple(
                slice(column, end, _WIDTH) for column in range(starts[0], starts[0] + _WIDTH)
            )


def _row_slices(at: dict[str, int], rows: Sequence[str]) -> tuple[slice, ...] | None:
    """Each row's values in the flat list, or None when one of the rows is not there."""
    try:
        return tuple(slice(at[row], at[row] + _WIDTH) for row in rows)
    except KeyError:
        return None


_PLANS: dict[tuple[str, tuple[str, ...]], _Plan] = {}


def _plan(table: dict, template: str) -> _Plan:
    key = (template, tuple(table))
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= 256:
            _PLANS.clear()
        plan = _PLANS[key] = _Plan(key[1], template)
    return plan


# --- the rules ----------------------------------------------------------------------------------


def _balance(values: list, counted: list, plan: _Plan) -> Check | None:
    if plan.balance is None:
        return None  # a row the balance needs is missing (the rules word it)
    new, carried_over, total, carried_forward = plan.balance
    left = list(map(add, counted[new], counted[carried_over]))
    right = list(map(add, counted[total], counted[carried_forward]))
    if left == right and values is counted:
        return Check("applications.balance", True, "")
    printed = zip(*(values[row] for row in plan.balance), strict=True)
    failures = [
        f"{col}: new+carried_over {fmt(a)} vs total+carried_forward {fmt(b)}"
        for col, a, b in zip(APPLICATION_COLUMNS, left, right, strict=True)
        if a != b
    ]
    return _worded("applications.balance", failures, zip(APPLICATION_COLUMNS, printed, strict=True))


def _outcomes(values: list[Value], counted: list, plan: _Plan) -> Check | None:
    if plan.outcomes is None or plan.total is None:
        return None  # a row the outcomes need is missing (the rules word it)
    if plan.outcome_columns is not None:
        sums = [sum(counted[column]) for column in plan.outcome_columns]
    else:
        sums = list(map(sum, zip(*(counted[row] for row in plan.outcomes), strict=True)))
    total = counted[plan.total]
    if sums == total and values is counted:
        return Check("applications.outcomes", True, "")
    failures = [
        f"{col}: outcomes sum {fmt(a)} vs total {fmt(b)}"
        for col, a, b in zip(APPLICATION_COLUMNS, sums, total, strict=True)
        if a != b
    ]
    printed = zip(*(values[row] for row in (*plan.outcomes, plan.total)), strict=True)
    return _worded(
        "applications.outcomes", failures, zip(APPLICATION_COLUMNS, printed, strict=True)
    )


def _columns(values: list[Value], counted: list, plan: _Plan) -> Check:
    """Each row of table 三: its six applicant columns sum to its total (added in the order
    ``sum()`` adds them in the rules one by one)."""
    width = _WIDTH
    if values is counted and not [
        1
        for a, b, c, d, e, f, total in zip(*[iter(counted)] * width, strict=True)
        if a + b + c + d + e + f != total
    ]:
        return Check("applications.columns", True, "")
    sums = _row_sums(counted, width)
    totals = counted[width - 1 :: width]
    failures = [
        f"{row}: columns sum {fmt(a)} vs total {fmt(b)}"
        for row, a, b in zip(plan.rows, sums, totals, strict=True)
        if a != b
    ]
    printed = (values[at : at + width] for at in range(0, len(values), width))
    return _worded("applications.columns", failures, zip(plan.rows, printed, strict=True))


def _appeal_totals(values: list[Value], counted: list, groups: tuple[str, ...]) -> Check:
    """Each group of table 四: its four results sum to its total."""
    width = _APPEAL_WIDTH
    if values is counted and not [
        1
        for a, b, c, d, total in zip(*[iter(counted)] * width, strict=True)
        if a + b + c + d != total
    ]:
        return Check("appeals.totals", True, "")
    sums = _row_sums(counted, width)
    totals = counted[width - 1 :: width]
    failures = [
        f"{group}: {fmt(a)} vs total {fmt(b)}"
        for group, a, b in zip(groups, sums, totals, strict=True)
        if a != b
    ]
    printed = (values[at : at + width] for at in range(0, len(values), width))
    return _worded("appeals.totals", failures, zip(groups, printed, strict=True))


def _row_sums(counted: list, width: int) -> list:
    """Each row's parts (all its values but the last) added as ``sum()`` adds them."""
    sums = [0] * (len(counted) // width)
    for column in range(width - 1):
        sums = list(map(add, sums, counted[column::width]))
    return sums


def _worded(rule: str, failures: list[str], comparisons: Iterable[tuple[str, Sequence]]) -> Check:
    """A rule worded as the rules one by one word it (:class:`parsers.checks._Rule`), from its
    failures and each comparison's values as printed (None where blank): a comparison with
    nothing printed checks nothing (a failure is never one: a blank counts as 0, and 0 = 0),
    one with a blank cell is named."""
    blanks = []
    checked = 0
    for where, printed in comparisons:
        if None in printed:
            if printed.count(None) == len(printed):
                continue  # nothing printed to check
            blanks.append(where)
        checked += 1
    parts = ["; ".join(failures)] if failures else []
    if blanks:
        parts.append(f"blank cells counted as 0: {', '.join(blanks)}")
    if failures:
        return Check(rule, False, " | ".join(parts))
    if checked:
        return Check(rule, True, " | ".join(parts))
    return Check(rule, None, " | ".join([*parts, EMPTY]))


def fmt(value: int | float) -> str:
    """A sum as the checks print it: integral values without a decimal point."""
    if type(value) is int:
        return str(value)
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
