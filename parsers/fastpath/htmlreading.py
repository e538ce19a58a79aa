"""An HTML page read from its cells' texts and places: its checks now, its record's cells when
they are first asked for.

A page of a layout met before is read by replaying that layout's plan
(:mod:`parsers.fastpath.htmlplan`): each value is the reading of the cell at an index the plan
keeps. A page of a layout never met is read afresh into a plan of its own
(:mod:`parsers.fastpath.planbuild`), kept when the layout is met again. What the parse itself
needs of that reading — the template, the checks, the printed
values the record store writes — comes from the cells' texts alone (their tokens). The
record's cells (:class:`~parsers.model.CellValue`, each with its source
:class:`~parsers.cells.base.Cell` and its row's :class:`~parsers.model.RowOrigin`) and the
page's cells themselves, several hundred objects, are made only when something reads the
record's tables: :class:`GridReading` is left with the record by
:func:`parsers.model.defer_tables`, as a pipe text's :class:`~parsers.fastpath.reading.PlannedReading`
is, and the page's cells with its document by :func:`parsers.cells.base.defer_cells`. The
cells made are the same, slot for slot, as those the plan's replay makes at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import cast

from parsers.cells.base import DeferredCells
from parsers.cells.html_grid import PageGrid
from parsers.checks import run_checks
from parsers.fastpath import grid as grid_reader
from parsers.fastpath.htmlplan import Plan, layout_key
from parsers.fastpath.plan import Plan as RowsPlan
from parsers.fastpath.planorigins import plan_origins
from parsers.fastpath.reading import UNFILLED, PlannedReading, PrintedTables
from parsers.fastpath.stream import TEXT, Token
from parsers.model import CellValue, Check, Tables


def planned_grid_reading(grid: DeferredCells) -> GridReading | None:
    """The reading of a page from its cells' texts and places (``grid``), its cells not
    made, or None: the page is then read by the general reader (which makes them).

    A page whose layout has a plan kept is read by the plan (whose table 四 read by order must
    add up on this page too); any other is read afresh into a plan of its own
    (:func:`parsers.fastpath.grid.read_plan`, which keeps it when the layout is met again)."""
    if not isinstance(grid, PageGrid) or not grid.count or grid.count > grid_reader.MAX_PLAN_CELLS:
        return None
    tokens = grid.tokens
    key = layout_key(tokens, grid)
    plan = grid_reader.PLANS.get(key)  # (the grid reader's plans: it makes them)
    kept = plan is not None
    if plan is None:
        tables, places = grid.places()
        plan, kept = grid_reader.read_plan(tokens, tables, places, key)
    elif not plan.adds_up(tokens):
        plan = None
    if plan is None:
        grid.read = (tokens, key, True)  # (the reading of the cells made need not look again)
        return None
    return GridReading(plan, tokens, grid, kept=kept)


class GridReading(PlannedReading):
    """The tables of one page read by a plan: its template and votes, its checks, each cell's
    printed value, and the record's cells made when asked.

    What it gives is what a pipe text's :class:`~parsers.fastpath.reading.PlannedReading`
    gives, and the same way where the two plans meet: the printed values, the record store's
    values and detail, and the checks, which read the values where they lie among the tokens
    through the plan's rows (:func:`checking_plan`, a pipe plan's view of the page's plan)."""

    __slots__ = ("_grid", "_page_plan", "_kept")

    def __init__(
        self, plan: Plan, tokens: Sequence[Token], grid: PageGrid, *, kept: bool = True
    ) -> None:
        super().__init__(checking_plan(plan) if kept else _UNKEPT, tokens, None)
        self.template, self.votes = plan.template, plan.votes
        self._page_plan = plan
        self._grid = grid
        self._kept = kept
        """Whether the plan is kept for other pages (else it is this page's alone: what is
        worked out once per plan is not worked out or kept for it)."""

    def checks(self) -> list[Check]:
        """The form's rules checked on the printed values: from the tokens through the plan's
        rows when the plan is kept (:func:`parsers.fastpath.checking.planned_checks`, worked
        out once per plan), else on the printed values at once."""
        if self._kept:
            return super().checks()
        return run_checks(cast(Tables, self.printed), self.template)

    @property
    def printed(self) -> PrintedTables:
        """What each cell printed, table by table (made once, when first asked)."""
        printed = self._printed
        if printed is None:
            printed = self._printed = {}
            tokens = self._tokens
            for section, rows in self._page_plan.tables:
                table = printed[section] = {}
                for code, columns in rows:
                    row = table[code] = {}
                    for column, i, _o in columns:  # (a loop: a comprehension is a call per row)
                        row[column] = UNFILLED if i < 0 else tokens[i][3]
        return printed

    def origins(self) -> str | None:
        """The record's stored provenance (:func:`parsers.provenance.encode`).

        Every place in it is a cell's table, grid row and column, which the layout fixes; a
        plan's values are never undecided, so no printed cells are added; what else differs
        between the pages of a plan is only the text of the label and header cells. So the
        text is written once per plan and those texts, and kept (a bounded memory). It is
        written from the plan's indexes and the page's cell texts and places
        (:func:`parsers.fastpath.planorigins.plan_origins`): the record's cells are not made
        for it."""
        plan, tokens = self._page_plan, self._tokens
        if not self._kept:
            return plan_origins(plan, tokens, self._grid)
        kept = _origins.get(id(plan))
        if kept is None or kept[0] is not plan:
            kept = _origins[id(plan)] = (plan, _texts_at(plan), {})
            while len(_origins) > _PLANS_KEPT:
                _origins.popitem(last=False)
        _plan, indexes, written = kept
        key = tuple([tokens[i][TEXT] for i in indexes])
        text = written.get(key)
        if text is None:
            text = plan_origins(plan, tokens, self._grid)
            if len(written) >= _TEXTS_KEPT:
                written.clear()
            written[key] = text
        return text

    def tables(self, provenance: bool = True) -> Tables:
        """The record's cells, as the plan's replay makes them from the page's cells; without
        their sources and origins when ``provenance`` is false (then made from the printed
        values alone: the page's cells are not made)."""
        if not provenance:
            new, cell_value = object.__new__, CellValue
            tables: Tables = {}
            for section, rows in self.printed.items():
                table = tables[section] = {}
                for row, columns in rows.items():
                    made = table[row] = {}
                    for column, p in columns.items():
                        # (made empty and its slots filled: CellValue(...) at two thirds the cost)
                        made[column] = cell = new(cell_value)
                        cell.value, cell.raw, cell.status, cell.unit = (
                            p.value,
                            p.raw,
                            p.status,
                            p.unit,
                        )
                        cell.readings = cell.source = cell.origin = None
            return tables
        found = self._page_plan.replay(self._tokens, self._grid.cells())
        assert found is not None  # (its sums were checked when the reading was made)
        return found.tables


def checking_plan(plan: Plan) -> RowsPlan:
    """The page plan's rows as a pipe text's plan gives them (each row's columns, and the cell
    index of each column that reads one), for the checks that read a plan's values among the
    tokens (:func:`parsers.fastpath.checking.planned_checks`, which leaves a row with a column
    read from no cell to the checks on the printed values). Made once per plan (the checks
    keep what they work out by the plan they are given)."""
    kept = _checking.get(id(plan))
    if kept is None or kept[0] is not plan:
        rows = tuple(
            (
                section,
                tuple(
                    (
                        code,
                        tuple([column for column, _i, _o in columns]),
                        tuple([(column, i) for column, i, _o in columns if i >= 0]),
                        None,
                    )
                    for code, columns in table
                ),
            )
            for section, table in plan.tables
        )
        kept = _checking[id(plan)] = (plan, RowsPlan(plan.template, plan.votes, rows, (), False))
        while len(_checking) > _PLANS_KEPT:
            _checking.popitem(last=False)
    return kept[1]


_checking: OrderedDict[int, tuple[Plan, RowsPlan]] = OrderedDict()

_UNKEPT = RowsPlan("", {}, (), (), False)
"""The checking plan of a reading whose plan is not kept (its checks read the printed
values: :meth:`GridReading.checks`)."""

_origins: OrderedDict[int, tuple[Plan, tuple[int, ...], dict[tuple[str, ...], str | None]]]
_origins = OrderedDict()
_PLANS_KEPT = 256
_TEXTS_KEPT = 16  # per plan


def _texts_at(plan: Plan) -> tuple[int, ...]:
    """The indexes of the cells whose texts a plan's stored provenance holds: its rows' label
    cells and its header cells."""
    found: set[int] = set()
    for origin in plan.origins:
        found.update(origin.label)
    for headers in plan.headers:
        for _code, cells in headers:
            found.update(cells)
    return tuple(sorted(found))
