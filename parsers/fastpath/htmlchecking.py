"""The form's rules checked on an HTML page read by its layout's plan
(:mod:`parsers.fastpath.htmlreading`), on its values where they lie among the page's cell
tokens, without reading them into tables first.

:func:`parsers.checks.run_checks` reads table 三 and table 四 into flat lists, row by row in
the rules' column order (:mod:`parsers.checks_whole`), then checks each rule over them. A plan
keeps the cell each value is read from, so the flat lists are taken straight from the page's
tokens by a getter worked out once per plan, and the rules run on them: the same checks,
worded the same (``tests/test_fastpath_htmlreading.py``). A plan with a cell of those tables
read from no cell (a row printed with no values) is left to the checks on its printed values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter, itemgetter

from parsers import schema
from parsers.checks_whole import (
    APPEAL_COLUMNS,
    SUMMED_COLUMNS,
    Flat,
    flat_lists,
    rules_on_flats,
)
from parsers.fastpath.htmlplan import Plan
from parsers.fastpath.stream import NUMBER, PRINTED
from parsers.model import Check

Getters = tuple[tuple[str, ...], Callable, tuple[str, ...], Callable]
"""Table 三's rows and the getter of its cells' tokens in the rules' order; table 四's groups
and the getter of theirs."""

_getters: dict[int, tuple[Plan, Getters | None]] = {}
_KEPT = 512
_PRINTED = itemgetter(PRINTED)
_NUMBER = itemgetter(NUMBER)
_STATUS = attrgetter("status")


def grid_checks(plan: Plan, tokens: Sequence[tuple]) -> list[Check] | None:
    """The four rules' checks of a page read by ``plan`` (``tokens``: its cells'), or None
    where the plan leaves them to the checks on its printed values."""
    kept = _getters.get(id(plan))
    if kept is None or kept[0] is not plan:
        if len(_getters) >= _KEPT:
            _getters.clear()
        kept = _getters[id(plan)] = (plan, _plan_getters(plan))
    getters = kept[1]
    if getters is None:
        return None
    app_rows, app_cells, groups, appeal_cells = getters
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
    no number: every cell a plan reads a value from prints a value, a blank or a dash)."""
    return flat_lists(list(map(_NUMBER, tokens)), lambda: list(map(_STATUS, map(_PRINTED, tokens))))


def _plan_getters(plan: Plan) -> Getters | None:
    """The getters of :data:`Getters` for ``plan``, or None when a cell the rules ask for is
    read from no cell (or a row lacks a column they ask for)."""
    sections = dict(plan.tables)
    apps = sections.get(schema.SECTION_APPLICATIONS)
    appeals = sections.get(schema.SECTION_APPEALS)
    if not apps or not appeals:
        return None
    app_at = _indexes(apps, SUMMED_COLUMNS)
    appeal_at = _indexes(appeals, APPEAL_COLUMNS)
    if app_at is None or appeal_at is None:
        return None
    return (
        tuple(code for code, _columns in apps),
        itemgetter(*app_at),
        tuple(code for code, _columns in appeals),
        itemgetter(*appeal_at),
    )


def _indexes(
    rows: tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...], columns: tuple[str, ...]
) -> list[int] | None:
    """The index of the cell of each row's value in each of ``columns``, row by row; None
    when a row lacks one or reads one from no cell."""
    out: list[int] = []
    for _code, cells in rows:
        at = {column: i for column, i, _o in cells}
        try:
            found = [at[column] for column in columns]
        except KeyError:
            return None
        if min(found) < 0:
            return None
        out.extend(found)
    return out if len(out) >= 2 else None
