"""The form's rules checked on a planned pipe-text record's values where they lie, in its token
stream, without reading them into tables first.

:func:`parsers.checks.run_checks` reads table 三 and table 四 into flat lists, row by row in
the rules' column order (:mod:`parsers.checks_whole`), then checks each rule over them. For a
document of a planned shape (:mod:`parsers.fastpath.tables`) the token behind each of those
cells is known from the plan: the flat lists are taken straight from the stream, by a getter
worked out once per plan (:func:`_plan_checking`), and the rules run on them — the same checks,
worded the same (``tests/test_fastpath_reading.py``). Tables that add up, nearly all, are told so
by one pass over both tables' numbers, read by one getter, before any rule is worded. A plan with a row printed with no values is
left to :func:`~parsers.checks.run_checks` on the record's printed values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from parsers import schema
from parsers.checks_whole import (
    APPEAL_COLUMNS,
    HELD,
    SUMMED_COLUMNS,
    Flat,
    all_hold,
    flat_lists,
    rules_on_flats,
    table_plan,
)
from parsers.fastpath.plan import BuiltRow, Plan
from parsers.fastpath.stream import NUMBER, PRINTED
from parsers.model import Check

Getters = tuple[tuple[str, ...], Callable, tuple[str, ...], Callable]
"""Table 三's rows and the getter of its cells' tokens in the rules' order; table 四's groups
and the getter of theirs."""


class _Checking(NamedTuple):
    """What the checks of one plan work out once: the getters (:data:`Getters`), the getter
    of both tables' cells' tokens at once (table 三's first, ``split`` of them) and where the
    rules find table 三's cells (:func:`parsers.checks_whole.table_plan`)."""

    getters: Getters
    cells: Callable
    split: int
    table: Any


_checking: dict[int, tuple[Plan, _Checking | None]] = {}
_KEPT = 512
_PRINTED = itemgetter(PRINTED)
_NUMBER = itemgetter(NUMBER)
_STATUS = attrgetter("status")


def planned_checks(plan: Plan, tokens: Sequence[tuple]) -> list[Check] | None:
    """The four rules' checks of a document of ``plan``'s shape (its tokens as the plan's
    indexes read them), or None where the plan leaves them to the checks on its tables.

    Tables that add up (nearly every report's) are told by one pass over their numbers
    (:func:`parsers.checks_whole.all_hold`); any other goes through the rules that word what
    they find."""
    kept = _checking.get(id(plan))
    if kept is None or kept[0] is not plan:
        if len(_checking) >= _KEPT:
            _checking.clear()
        kept = _checking[id(plan)] = (plan, _plan_checking(plan))
    checking = kept[1]
    if checking is None:
        return None
    try:
        if all_hold(list(map(_NUMBER, checking.cells(tokens))), checking.split, checking.table):
            return [Check(*held) for held in HELD]
    except TypeError:
        pass  # (a cell with no number: the rules below say what it does to each)
    app_rows, app_cells, groups, appeal_cells = checking.getters
    try:  # (a value that is not a number leaves the rules to the checks on the tables)
        checks = rules_on_flats(
            _flat(app_cells(tokens)), app_rows, _flat(appeal_cells(tokens)), groups, plan.template
        )
    except TypeError:
        return None
    if None in checks:
        return None
    return checks  # type: ignore[return-value]


def _flat(tokens: Sequence[tuple]) -> Flat:
    """The flat lists of the cells of these tokens (their statuses only where some cell holds
    no number)."""
    return flat_lists(list(map(_NUMBER, tokens)), lambda: list(map(_STATUS, map(_PRINTED, tokens))))


def _plan_checking(plan: Plan) -> _Checking | None:
    """:class:`_Checking` for ``plan``, or None where the plan leaves the checks to the
    tables (see :func:`_plan_getters`)."""
    getters = _plan_getters(plan)
    if getters is None:
        return None
    app_at = _indexes(dict(plan.rows)[schema.SECTION_APPLICATIONS], SUMMED_COLUMNS)
    appeal_at = _indexes(dict(plan.rows)[schema.SECTION_APPEALS], APPEAL_COLUMNS)
    assert app_at is not None and appeal_at is not None  # (as _plan_getters found them)
    return _Checking(
        getters,
        itemgetter(*app_at, *appeal_at),
        len(app_at),
        table_plan(getters[0], plan.template),
    )


def _plan_getters(plan: Plan) -> Getters | None:
    """The getters of :data:`Getters` for ``plan``, or None when a row of table 三 or 四 prints
    no values (or lacks a column the rules ask for)."""
    sections = dict(plan.rows)
    apps = sections.get(schema.SECTION_APPLICATIONS)
    appeals = sections.get(schema.SECTION_APPEALS)
    if not apps or not appeals:
        return None
    app_at = _indexes(apps, SUMMED_COLUMNS)
    appeal_at = _indexes(appeals, APPEAL_COLUMNS)
    if app_at is None or appeal_at is None:
        return None
    return (
        tuple(row[0] for row in apps),
        itemgetter(*app_at),
        tuple(row[0] for row in appeals),
        itemgetter(*appeal_at),
    )


def _indexes(rows: tuple[BuiltRow, ...], columns: tuple[str, ...]) -> list[int] | None:
    """The stream index of each row's cell in each of ``columns``, row by row; None when a
    row lacks one."""
    out: list[int] = []
    for _code, _columns, pairs, _label in rows:
        at = dict(pairs)
        try:
            out.extend(at[column] for column in columns)
        except KeyError:
            return None
    return out if len(out) >= 2 else None
