"""The form's rules checked on tables read into flat lists, giving what checking them one cell at
a time gives (:mod:`parsers.checks` does that for every other case, and words what is common).

A report's checks compare some four hundred cells. Where every row of a table holds the columns
the rules ask for — nearly every table — the table is read once into flat lists, row by row in
the order of those columns: each cell's value (None where it is printed blank or with a dash,
undecided or absent) and, unless every cell holds a number, each cell's status. Each rule is
then a list of comparisons at places in those lists worked out once per template and order of
rows (:class:`_Plan`):

- a table with a number in every cell (the usual case) is checked rule by rule over the whole
  table at once, by C-level maps and slices; only a rule that fails is gone through comparison
  by comparison to word its failures;
- any other table is gone through comparison by comparison, each comparison's statuses and
  values taken by one C-level getter: absent, undecided, nothing printed, or blank cells
  counted as 0, worded as :class:`parsers.checks._Rule` words them.

Tables with a row lacking one of those columns, a rule's row missing from the table, and the
outcomes of a 2021 table with a merged （六） row are left to :mod:`parsers.checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice, pairwise, repeat
from operator import add, call, contains, itemgetter
from typing import Any

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

_ROW_CELLS = itemgetter(*SUMMED_COLUMNS)
_GETTER = itemgetter(1)  # a comparison's getter
_GROUP_CELLS = itemgetter(*APPEAL_COLUMNS)
_WIDTH = len(SUMMED_COLUMNS)  # table 三's columns checked, in the flat lists of each row
_APPEAL_WIDTH = len(APPEAL_COLUMNS)

# The column sums of the outcomes are taken over the same columns as the balance's.
assert APPLICATION_COLUMNS == SUMMED_COLUMNS

Getter = Callable[[list], Sequence]  # a comparison's cells, in order, from a flat list
Word = Callable[[str, Sequence], str | None]  # a failed comparison's words, or None if it holds


def word_rule(
    rule: str,
    failures: list[str],
    undecided: list[str],
    absent: list[str],
    blanks: list[str],
    held: int,
) -> Check:
    """A rule's check from what became of its comparisons: those that failed (worded), could
    not be computed (undecided or absent cells), counted blank cells as 0, or held."""
    parts = []
    if failures:
        parts.append("; ".join(failures))
    if undecided:
        parts.append(f"not computed (undecided cells): {', '.join(undecided)}")
    if absent:
        parts.append(f"not computed (not in the document): {', '.join(absent)}")
    if blanks:
        parts.append(f"blank cells counted as 0: {', '.join(blanks)}")
    if failures:
        ok: bool | None = False
    elif undecided or absent:
        ok = None
    elif held:
        ok = True
    else:
        ok = None
        parts.append(EMPTY)
    return Check(rule, ok, " | ".join(parts))


def not_in_document(rule: str, what: str) -> Check:
    return Check(rule, None, f"not computed (not in the document): {what}")


def row_absent(row: dict | None) -> bool:
    """Whether the document lacks the row: none of its cells is there. Its first cell settles
    almost every row, so it is asked first, without a generator."""
    if not row:
        return True
    if next(iter(row.values())).status != MISSING:
        return False
    return all(cell.status == MISSING for cell in row.values())


def fmt(value: int | float) -> str:
    """A sum as the checks print it: integral values without a decimal point."""
    if type(value) is int:
        return str(value)
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def rules_on_flat_tables(
    apps: dict | None, appeals: dict | None, template: str, merged: dict | None = None
) -> list[Check | None]:
    """The four rules (balance, outcomes, columns, appeal totals), each as its check where its
    table reads into flat lists with every row the rule needs; else None."""
    try:  # (a value that is not a number leaves every rule to the rules one by one)
        app_flat = _flat(apps, _ROW_CELLS, _WIDTH)
        appeal_flat = _flat(appeals, _GROUP_CELLS, _APPEAL_WIDTH)
        return rules_on_flats(
            app_flat,
            tuple(apps) if app_flat is not None else (),  # type: ignore[arg-type]
            appeal_flat,
            tuple(appeals) if appeal_flat is not None else (),  # type: ignore[arg-type]
            template,
            apps,
            merged,
        )
    except TypeError:
        return [None, None, None, None]


def rules_on_flats(
    app_flat: Flat | None,
    app_rows: tuple[str, ...],
    appeal_flat: Flat | None,
    groups: tuple[str, ...],
    template: str,
    apps: dict | None = None,
    merged: dict | None = None,
) -> list[Check | None]:
    """:func:`rules_on_flat_tables` on tables already in flat lists (:func:`flat_lists`):
    table 三's (its rows ``app_rows``) and table 四's (its groups ``groups``); None for a table
    not so read. ``apps``: table 三 itself, asked only whether a row is absent where a cell is
    (a table with no absent cell may go without it)."""
    checks: list[Check | None] = [None, None, None, None]
    if app_flat is not None:
        plan = _plan(app_rows, template)
        if app_flat.statuses is None:
            checks[0] = _balance_numbers(app_flat.values, plan)
            checks[1] = _outcomes_numbers(app_flat.values, plan)
            checks[2] = _columns_numbers(app_flat.values, plan)
        else:
            checks[:3] = _table_three(apps, app_flat, plan, template, merged)  # type: ignore[arg-type]
    if appeal_flat is not None:
        if appeal_flat.statuses is None:
            checks[3] = _appeals_numbers(appeal_flat.values, groups)
        else:
            cells = _group_cells(groups)
            checks[3] = _by_comparison("appeals.totals", cells, appeal_flat, _appeal_sum)
    return checks


def flat_lists(values: list, statuses: Callable[[], list[str]]) -> Flat:
    """A table's flat lists from its cells' values in the rules' order (None where a cell
    holds no number) and, called only where some cell holds none, their statuses."""
    if not _holds_none(values):
        return Flat(values, None)
    return _open_flat(values, statuses())


def _holds_none(values: list) -> bool:
    """``None in values``, quick where every value is a number (nearly every table): adding
    the numbers up is a C-level pass, while ``in`` compares each number with None the slow way
    (an ``==`` of two types that cannot compare). A sum that fails (a None, or anything else
    it cannot add) leaves the answer to ``in``."""
    try:
        sum(values)
    except (TypeError, OverflowError):
        return None in values
    return False


def _open_flat(values: list, statuses: list[str]) -> Flat:
    """The flat lists of a table with some cell not a number: whether a cell is absent, and
    whether one is absent or undecided, asked once for every rule."""
    absent = MISSING in statuses
    return Flat(values, statuses, absent or UNCERTAIN in statuses, absent)


class Flat:
    """A table's cells row by row in the rules' column order: each cell's value (None where
    blank, dash, undecided or absent) and, unless every cell holds a number, each cell's
    status, with whether some cell is undecided or absent (``open``) and absent (``absent``)."""

    __slots__ = ("values", "statuses", "open", "absent", "_counted")

    def __init__(
        self, values: list, statuses: list[str] | None, open: bool = False, absent: bool = False
    ) -> None:
        self.values = values
        self.statuses = statuses
        self.open = open
        self.absent = absent
        self._counted: list | None = None

    @property
    def counted(self) -> list:
        """The values with 0 for None (a blank cell counts as 0): made when a comparison with
        a blank cell is first evaluated (a table read with its cells undecided evaluates none)."""
        if self._counted is None:
            self._counted = [0 if value is None else value for value in self.values]
        return self._counted


def _flat(table: dict | None, cells_of: itemgetter, width: int) -> Flat | None:
    """The table in flat lists, when every row holds the rules' columns (else None). (A row's
    other cells change nothing: the rules ask only for these, and a row with a cell that is
    not absent is never absent.)

    A table with a number in every cell (nearly every table) is read in one pass, its values
    taken where a cell's status is a number. A table whose first cell holds none (one read
    with its cells mostly undecided, or printed blank) skips that pass: its lists are made
    at once."""
    if not table:
        return None
    try:
        tried = next(iter(next(iter(table.values())).values())).status == NUMBER
        if tried:
            values = [
                cell.value
                for row in map(cells_of, table.values())
                for cell in row
                if cell.status == NUMBER
            ]
            if len(values) == width * len(table):
                return Flat(values, None)
        cells = [cell for row in map(cells_of, table.values()) for cell in row]
    except (KeyError, StopIteration):  # (a row without the columns; the first with no cell)
        return None
    values = [cell.value for cell in cells]
    statuses = [cell.status for cell in cells]
    if not tried and statuses.count(NUMBER) == len(statuses):  # (a number in every cell)
        return Flat(values, None)
    return _open_flat(values, statuses)


class _Plan:
    """Where each rule of table 三 finds its cells in the flat lists of a table whose rows come
    in one order (None where a row the rule needs is not in the table): worked out once per
    template and order of rows."""

    __slots__ = (
        "balance",
        "balance_cells",
        "outcomes",
        "outcome_cells",
        "outcome_columns",
        "total",
        "row_cells",
    )

    def __init__(self, rows: tuple[str, ...], template: str) -> None:
        at = dict(_starts(rows, _WIDTH))
        self.balance = _row_slices(at, BALANCE_ROWS)
        outcome_rows = schema.OUTCOME_ROWS.get(template)
        self.outcomes = None if outcome_rows is None else _row_slices(at, outcome_rows)
        total = _row_slices(at, ("total",))
        self.total = None if total is None else total[0]
        self.balance_cells = None if self.balance is None else _by_column(self.balance)
        self.outcome_cells = None
        if self.outcomes is not None and self.total is not None:
            self.outcome_cells = _by_column((*self.outcomes, self.total))
        # The outcome rows one after another in the table (as printed): each column's parts
        # are then one slice of the list, added in the same order.
        self.outcome_columns: tuple[slice, ...] | None = None
        starts = [row.start for row in self.outcomes or ()]
        if starts and all(b - a == _WIDTH for a, b in pairwise(starts)):
            end = starts[-1] + _WIDTH
            self.outcome_columns = tuple(
                slice(column, end, _WIDTH) for column in range(starts[0], starts[0] + _WIDTH)
            )
        self.row_cells = [(row, _slice(start, _WIDTH)) for row, start in at.items()]


def _starts(rows: Iterable[str], width: int) -> Iterable[tuple[str, int]]:
    return ((row, i * width) for i, row in enumerate(rows))


def _group_cells(groups: tuple[str, ...]) -> list[tuple[str, Getter]]:
    """Each group of table 四's comparison: its results, the total last (worked out once per
    order of groups: a table has the form's three, nearly always in its order)."""
    found = _GROUP_COMPARISONS.get(groups)
    if found is None:
        if len(_GROUP_COMPARISONS) >= 64:
            _GROUP_COMPARISONS.clear()
        found = _GROUP_COMPARISONS[groups] = [
            (group, _slice(at, _APPEAL_WIDTH)) for group, at in _starts(groups, _APPEAL_WIDTH)
        ]
    return found


_GROUP_COMPARISONS: dict[tuple[str, ...], list[tuple[str, Getter]]] = {}


def _slice(start: int, width: int) -> Getter:
    return itemgetter(slice(start, start + width))


def _row_slices(at: dict[str, int], rows: Sequence[str]) -> tuple[slice, ...] | None:
    """Each row's cells in the flat lists, or None when one of the rows is not there."""
    try:
        return tuple(slice(at[row], at[row] + _WIDTH) for row in rows)
    except KeyError:
        return None


def _by_column(rows: Sequence[slice]) -> list[tuple[str, Getter]]:
    """Each column's comparison over ``rows``: its cells in those rows, in order."""
    return [
        (column, itemgetter(*(row.start + j for row in rows)))
        for j, column in enumerate(APPLICATION_COLUMNS)
    ]


_PLANS: dict[tuple[str, tuple[str, ...]], _Plan] = {}


def _plan(rows: tuple[str, ...], template: str) -> _Plan:
    key = (template, rows)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= 256:
            _PLANS.clear()
        plan = _PLANS[key] = _Plan(key[1], template)
    return plan


# --- tables with a number in every cell: each rule over the whole table at once ---------------


HELD = (
    ("applications.balance", True, ""),
    ("applications.outcomes", True, ""),
    ("applications.columns", True, ""),
    ("appeals.totals", True, ""),
)
"""The four checks of tables where every comparison holds (:func:`all_hold`), as
:func:`rules_on_flats` gives them."""


def table_plan(rows: tuple[str, ...], template: str) -> _Plan:
    """Where the rules find table 三's cells in its flat lists (see :class:`_Plan`), for a
    caller that keeps it (worked out once per template and order of rows)."""
    return _plan(rows, template)


def all_hold(values: list, split: int, plan: _Plan) -> bool:
    """Whether every comparison of the four rules holds on tables with a number in every cell:
    ``values``, table 三's cells in its flat lists (``split`` of them, rows as ``plan`` has
    them) then table 四's. False where one does not hold, where a row a rule needs is not in
    the table or where a total holds None: :func:`rules_on_flats` then words what it finds.
    Raises TypeError where another cell holds None (or anything not a number).

    The comparisons are those :func:`rules_on_flats` makes on tables of numbers, in the same
    order of addition; every cell is in one of them (each row's columns sum to its total), so
    tables that hold have a number in every cell, and their checks are :data:`HELD`. A report
    whose tables add up (nearly all of them) is checked by this alone, its cells read once,
    with no list of statuses and no rule worded."""
    if plan.balance is None or plan.outcomes is None or plan.total is None:
        return False
    new, carried_over, total, carried_forward = plan.balance
    if list(map(add, values[new], values[carried_over])) != list(
        map(add, values[total], values[carried_forward])
    ):
        return False
    if plan.outcome_columns is not None:
        sums = [sum(values[column]) for column in plan.outcome_columns]
    else:
        sums = list(map(sum, zip(*(values[row] for row in plan.outcomes), strict=True)))
    if sums != values[plan.total]:
        return False
    cells = iter(values)
    rows = zip(*[islice(cells, split)] * _WIDTH, strict=True)
    if [1 for a, b, c, d, e, f, total in rows if a + b + c + d + e + f != total]:
        return False
    groups = zip(*[cells] * _APPEAL_WIDTH, strict=True)
    return not [1 for a, b, c, d, total in groups if a + b + c + d != total]


def _balance_numbers(values: list, plan: _Plan) -> Check | None:
    if plan.balance is None:
        return None  # a row the balance needs is missing (the rules one by one word it)
    new, carried_over, total, carried_forward = plan.balance
    left = list(map(add, values[new], values[carried_over]))
    right = list(map(add, values[total], values[carried_forward]))
    if left == right:
        return Check("applications.balance", True, "")
    return _failed("applications.balance", plan.balance_cells, values, _balance)  # type: ignore[arg-type]


def _outcomes_numbers(values: list, plan: _Plan) -> Check | None:
    if plan.outcome_cells is None or plan.outcomes is None or plan.total is None:
        return None  # a row the outcomes need is missing (the rules one by one word it)
    if plan.outcome_columns is not None:
        sums = [sum(values[column]) for column in plan.outcome_columns]
    else:
        sums = list(map(sum, zip(*(values[row] for row in plan.outcomes), strict=True)))
    if sums == values[plan.total]:
        return Check("applications.outcomes", True, "")
    return _failed("applications.outcomes", plan.outcome_cells, values, _outcome_sum)


def _columns_numbers(values: list, plan: _Plan) -> Check:
    """Each row of table 三: its six applicant columns sum to its total."""
    rows = zip(*[iter(values)] * _WIDTH, strict=True)
    if not [1 for a, b, c, d, e, f, total in rows if a + b + c + d + e + f != total]:
        return Check("applications.columns", True, "")
    return _failed("applications.columns", plan.row_cells, values, _row_sum)


def _appeals_numbers(values: list, groups: tuple[str, ...]) -> Check:
    """Each group of table 四: its four results sum to its total."""
    rows = zip(*[iter(values)] * _APPEAL_WIDTH, strict=True)
    if not [1 for a, b, c, d, total in rows if a + b + c + d != total]:
        return Check("appeals.totals", True, "")
    return _failed("appeals.totals", _group_cells(groups), values, _appeal_sum)


def _failed(rule: str, comparisons: list[tuple[str, Getter]], values: list, word: Word) -> Check:
    """A rule that fails on a table with a number in every cell: each comparison worded."""
    failures = [f for f in (word(where, cells(values)) for where, cells in comparisons) if f]
    return word_rule(rule, failures, [], [], [], len(comparisons) - len(failures))


# --- any other table: comparison by comparison -----------------------------------------------


def _table_three(
    apps: dict, flat: Flat, plan: _Plan, template: str, merged: dict | None
) -> list[Check | None]:
    """Table 三's three rules on a table with some cell not a number."""
    absent_rows = flat.absent
    balance = outcomes = None
    if plan.balance_cells is not None:
        missing = [r for r in BALANCE_ROWS if row_absent(apps[r])] if absent_rows else []
        balance = (
            not_in_document("applications.balance", f"rows {', '.join(missing)}")
            if missing
            else _by_comparison("applications.balance", plan.balance_cells, flat, _balance)
        )
    if plan.outcome_cells is not None and not (merged and "other" in merged):
        missing = []
        if absent_rows:
            rows = (*schema.OUTCOME_ROWS.get(template, ()), "total")
            missing = [r for r in rows if row_absent(apps[r])]
        outcomes = (
            not_in_document("applications.outcomes", f"rows {', '.join(missing)}")
            if missing
            else _by_comparison("applications.outcomes", plan.outcome_cells, flat, _outcome_sum)
        )
    comparisons: Sequence[tuple[str, Getter]] = plan.row_cells
    if absent_rows:  # a row the document lacks has no sum of its own to check
        comparisons = [(row, cells) for row, cells in comparisons if not row_absent(apps[row])]
    columns = _by_comparison("applications.columns", comparisons, flat, _row_sum)
    return [balance, outcomes, columns]


def _by_comparison(
    rule: str, comparisons: Sequence[tuple[str, Getter]], flat: Flat, word: Word
) -> Check:
    """A rule gone through comparison by comparison, as :class:`parsers.checks._Rule` goes
    through it: a comparison with an absent cell is not computed (absent), else one with an
    undecided cell (undecided), else one with nothing printed checks nothing; blank cells
    count as 0 and are named. A rule whose comparisons all have an undecided cell (and none an
    absent one) is told so at once (:func:`_all_undecided`)."""
    statuses, values, open_cells = flat.statuses, flat.values, flat.open
    counted: list | None = None  # (the values with blanks as 0, asked once a rule needs them)
    any_absent = flat.absent
    if open_cells and not any_absent and _all_undecided(comparisons, statuses):  # type: ignore[arg-type]
        return word_rule(rule, [], [where for where, _cells in comparisons], [], [], 0)
    failures: list[str] = []
    undecided: list[str] = []
    absent: list[str] = []
    blanks: list[str] = []
    held = 0
    for where, cells in comparisons:
        if open_cells:  # (else no comparison has an absent or undecided cell)
            found: Any = cells(statuses)  # type: ignore[arg-type]
            if any_absent and MISSING in found:
                absent.append(where)
                continue
            if UNCERTAIN in found:
                undecided.append(where)
                continue
        printed = cells(values)
        if None in printed:
            if printed.count(None) == len(printed):
                continue  # nothing printed to check
            blanks.append(where)
            if counted is None:
                counted = flat.counted
            printed = cells(counted)
        failure = word(where, printed)
        if failure is None:
            held += 1
        else:
            failures.append(failure)
    return word_rule(rule, failures, undecided, absent, blanks, held)


def _all_undecided(comparisons: Sequence[tuple[str, Getter]], statuses: list[str]) -> bool:
    """Whether every comparison has an undecided cell: asked of them all by one C-level pass
    (stopping at the first with none), which settles a rule of a table read with its cells
    mostly undecided without going through its comparisons one by one."""
    found = map(call, map(_GETTER, comparisons), repeat(statuses))
    return all(map(contains, found, repeat(UNCERTAIN)))


# --- each comparison, worded where it fails -----------------------------------------------------


def _balance(where: str, values: Sequence) -> str | None:
    new, carried_over, total, carried_forward = values
    left, right = new + carried_over, total + carried_forward
    if left == right:
        return None
    return f"{where}: new+carried_over {fmt(left)} vs total+carried_forward {fmt(right)}"


def _sum_failure(values: Sequence) -> tuple[Any, Any] | None:
    """Parts first, total last (added as ``sum()`` adds them): the sum and the total where
    they differ."""
    *parts, total = values
    summed = sum(parts)
    return None if summed == total else (summed, total)


def _outcome_sum(where: str, values: Sequence) -> str | None:
    found = _sum_failure(values)
    return found and f"{where}: outcomes sum {fmt(found[0])} vs total {fmt(found[1])}"


def _row_sum(where: str, values: Sequence) -> str | None:
    found = _sum_failure(values)
    return found and f"{where}: columns sum {fmt(found[0])} vs total {fmt(found[1])}"


def _appeal_sum(where: str, values: Sequence) -> str | None:
    found = _sum_failure(values)
    return found and f"{where}: {fmt(found[0])} vs total {fmt(found[1])}"
