"""A page's reading written as a plan while it is read: every value a cell index, every row's
provenance indexes of its label, header and printed cells.

The grid fast path (:mod:`parsers.fastpath.grid`) decides, for each value of the form, which
of the page's cells it is (or that none is: a blank it makes), and for each row its label
cells, how its columns were decided, its column headers and the cells it printed. Those
decisions are all a reading is: a :class:`~parsers.fastpath.htmlplan.Plan` holds them as
indexes into the page's cells, and its replay makes the record's cells
(:class:`~parsers.model.CellValue`, :class:`~parsers.model.RowOrigin`) from any page of the
same layout. So the reader writes the plan itself, row by row, instead of making the record's
cells and working the plan out of them afterwards: a page whose layout was never met is then
read as a planned page is, its cells and the record's made only when something asks for them
(:mod:`parsers.fastpath.htmlreading`).

A table read from the plan of its own layout (:mod:`parsers.fastpath.htmlsections`) is taken
into the page's plan with its indexes moved to where the table starts on the page, and a table
read afresh gives such a plan of its own the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any, cast

from parsers.fastpath.htmlplan import Plan, PlanOrigin
from parsers.recover import SumRule
from parsers.tables.placing import Headers

PlannedRow = tuple[tuple[str, int, int], ...]
"""A row's columns: (column, the index of the cell it takes or -1 for none, its origin)."""
PlannedTable = dict[str, PlannedRow]
"""A table as read: row code → its columns."""


_origin = cast(Any, tuple.__new__)
"""Makes a :class:`PlanOrigin` from its fields' tuple (the named tuple's own ``__new__`` is a
function of Python, at twice the cost, and a fresh page makes one per row)."""


class PlanBuilder:
    """The origins and header maps of a page's rows, in the order the reader meets them (the
    header functions hand back the header cells they were given, each knowing its position)."""

    __slots__ = ("origins", "headers", "_header_ids", "_held")

    def __init__(self) -> None:
        self.origins: list[PlanOrigin] = []
        self.headers: list[tuple[tuple[str, tuple[int, ...]], ...]] = []
        self._header_ids: dict[int, int] = {}
        self._held: list[Headers] = []  # (alive while read: their ids stay theirs)

    def row(
        self,
        columns: Sequence[str],
        chosen: Sequence[int],
        label: Sequence[int],
        how: str,
        headers: Headers | None,
        printed: tuple[int, ...],
    ) -> PlannedRow:
        """A placed row: each column with the cell it takes (-1: none) and the row's origin."""
        o = len(self.origins)
        h = None if headers is None else self._header_map(headers)
        self.origins.append(_origin(PlanOrigin, (tuple(label), how, h, printed)))
        return tuple(zip(columns, chosen, repeat(o)))  # (as many as the columns)

    def _header_map(self, headers: Headers) -> int:
        h = self._header_ids.get(id(headers))
        if h is None:
            entry = tuple(
                (code, tuple([cast(Any, cell).position for cell in cells]))
                for code, cells in headers.cells.items()
            )
            h = self._header_ids[id(headers)] = len(self.headers)
            self.headers.append(entry)
            self._held.append(headers)
        return h

    def take(self, plan: Plan, start: int) -> PlannedTable:
        """The one table of a table's plan (:mod:`parsers.fastpath.htmlsections`) as read on
        this page, where the table starts at cell ``start``."""
        o0, h0 = len(self.origins), len(self.headers)
        key = (id(plan), start, o0, h0)
        moved = _moved.get(key)
        if moved is None or moved[0] is not plan:
            moved = (plan, *_moved_by(plan, start, o0, h0))
            if len(_moved) >= _MOVED_KEPT:
                _moved.clear()
            _moved[key] = moved
        _plan, headers, origins, table = moved
        self.headers.extend(headers)
        self.origins.extend(origins)
        return table

    def table_plan(
        self,
        section: str,
        template: str,
        table: PlannedTable,
        start: int,
        since: tuple[int, int],
        sums: tuple[SumRule, ...] | None,
        votes: dict[str, int] | None = None,
    ) -> Plan | None:
        """The plan of one table read afresh from cell ``start`` on (``since``: how many
        origins and header maps there were before it was read), its indexes counted from
        ``start``; None when it names a cell before it. ``votes``: the template's votes, for
        a table whose layout decides them (table 三's)."""
        o0, h0 = since
        headers = []
        for found in self.headers[h0:]:
            moved = tuple((code, tuple([i - start for i in cells])) for code, cells in found)
            if any(i < 0 for _code, cells in moved for i in cells):
                return None
            headers.append(moved)
        origins = []
        for origin in self.origins[o0:]:
            label = tuple([i - start for i in origin.label])
            printed = tuple([i - start for i in origin.printed])
            if (label and min(label) < 0) or (printed and min(printed) < 0):
                return None
            headers_at = None if origin.headers is None else origin.headers - h0
            origins.append(PlanOrigin(label, origin.how, headers_at, printed))
        rows = []
        for code, columns in table.items():
            moved_row = []
            for column, i, o in columns:
                if o < o0 or (i >= 0 and i < start):
                    return None
                moved_row.append((column, -1 if i < 0 else i - start, o - o0))
            rows.append((code, tuple(moved_row)))
        tables = ((section, tuple(rows)),)
        return _plan(template, dict(votes or {}), tuple(headers), tuple(origins), tables, sums)

    def page_plan(
        self,
        template: str,
        votes: dict[str, int],
        tables: dict[str, PlannedTable],
        sums: tuple[SumRule, ...] | None,
    ) -> tuple[Plan, bool]:
        """The plan of the whole page, and whether it may be kept for other pages (not when
        its table 四 had to add up but names no cell to check: then only this page's)."""
        planned = tuple((section, tuple(rows.items())) for section, rows in tables.items())
        headers, origins = tuple(self.headers), tuple(self.origins)
        plan = _plan(template, dict(votes), headers, origins, planned, sums)
        if plan is None:
            return Plan(template, dict(votes), headers, origins, planned), False
        return plan, True


def _moved_by(
    plan: Plan, start: int, o0: int, h0: int
) -> tuple[list[tuple], list[PlanOrigin], PlannedTable]:
    """A table's plan moved to cell ``start`` of a page whose plan has ``o0`` origins and
    ``h0`` header maps before it: its header maps, origins and rows."""
    headers = [
        tuple((code, tuple([i + start for i in cells])) for code, cells in found)
        for found in plan.headers
    ]
    origins = [
        PlanOrigin(
            tuple([i + start for i in o.label]),
            o.how,
            None if o.headers is None else o.headers + h0,
            tuple([i + start for i in o.printed]),
        )
        for o in plan.origins
    ]
    ((_section, rows),) = plan.tables
    table = {
        code: tuple([(column, -1 if i < 0 else i + start, o + o0) for column, i, o in columns])
        for code, columns in rows
    }
    return headers, origins, table


_moved: dict[tuple[int, int, int, int], tuple[Plan, list, list, PlannedTable]] = {}
"""Tables' plans as moved to where a page holds them (a table 二 starts at the page's first
cell, so its plan moves the same way on every page that has it): bounded, cleared when full."""
_MOVED_KEPT = 256


def _plan(
    template: str,
    votes: dict[str, int],
    headers: tuple,
    origins: tuple[PlanOrigin, ...],
    tables: tuple,
    sums: tuple[SumRule, ...] | None,
) -> Plan | None:
    check_sums = None
    if sums is not None:  # (table 四's values, in the form's order, must add up on every page)
        from parsers import schema

        order = tuple(
            i
            for section, rows in tables
            if section == schema.SECTION_APPEALS
            for _code, columns in rows
            for _column, i, _o in columns
        )
        if not order or min(order) < 0:
            return None
        check_sums = (order, sums)
    return Plan(template, votes, headers, origins, tables, check_sums)
