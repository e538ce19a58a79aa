"""The grid fast path's reading of a table layout, kept and replayed for the next page of the
same layout.

Reports of one site are printed from one template: the same label cells at the same grid
positions, only the numbers change. Every decision of :func:`parsers.fastpath.grid.read_grid_tables`
— where each table starts, the template, the label cells of each row, its column headers,
the column each value falls in — is a function of that layout alone: each cell's kind (label,
value or blank), a label's normalized text, and the cell's table, grid row, column and
colspan. The one exception, the sums of a table 四 read by order alone, is checked again on
every page (:attr:`Plan.check_sums`). So once a layout has been read, its reading is kept as
indexes into the page's cells (a :class:`Plan`), and a page of the same layout is read by
taking its own values and cells at those indexes: the same record, the same provenance
(header maps and row origins shared between rows exactly as the reader shares them).

The reader writes its reading as a plan as it reads (:mod:`parsers.fastpath.planbuild`: every
value the cell it is printed in, as that cell reads), and the plans kept are bounded (the
layouts a harvest meets most recently).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple, cast

from parsers.cells.base import Cell
from parsers.cells.html_grid import GridCells, PageGrid
from parsers.fastpath.stream import SHAPE, Token
from parsers.model import BLANK, CellValue, RowOrigin
from parsers.recover import SumRule
from parsers.tables.found import Found

MAX_PLANS = 64
"""Layouts kept (a harvest meets a site's pages together; each plan holds a few hundred
indexes)."""

LayoutKey = tuple
_SHAPE_OF = itemgetter(SHAPE)
BY_SHAPES = "by table shapes"
"""Opens a key made from the tables' shapes (no key made cell by cell starts with a string)."""


def layout_key(tokens: Sequence[Token], cells: Sequence[Cell] | PageGrid) -> LayoutKey:
    """What the fast path's reading depends on, cell by cell: a label's normalized text or a
    value's kind (the token's part of its document's shape, :data:`~parsers.fastpath.stream.SHAPE`,
    which says both), and the cell's table, grid row, column and colspan.

    An HTML page's cells carry the shape of each table (:class:`GridCells`), which gives every
    cell's table, row, column and spans: the key is then the shapes and each cell's text or
    kind, not a tuple of positions per cell."""
    layout = cells.layout() if isinstance(cells, GridCells | PageGrid) else None
    if layout is not None:
        return (BY_SHAPES, layout, tuple(map(_SHAPE_OF, tokens)))
    return tuple(
        [
            (
                token[SHAPE],
                cell.table,
                cell.row,
                cell.col,
                cell.colspan,
            )
            for token, cell in zip(tokens, cast(Sequence[Cell], cells), strict=True)
        ]
    )


class PlanOrigin(NamedTuple):
    """A row's origin as indexes: its label cells, how its columns were decided, its header
    map (an index into :attr:`Plan.headers`) and the cells it printed. (A named tuple: a
    page read afresh makes one per row, at a fifth of a frozen dataclass's cost.)"""

    label: tuple[int, ...]
    how: str
    headers: int | None  # index into Plan.headers
    printed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """A reading as indexes into the page's cells."""

    template: str
    votes: dict[str, int]
    headers: tuple[tuple[tuple[str, tuple[int, ...]], ...], ...]  # each map: code → cells
    origins: tuple[PlanOrigin, ...]
    # section → row → column → (source cell index or -1, origin index)
    tables: tuple[tuple[str, tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...]], ...]
    check_sums: tuple[tuple[int, ...], tuple[SumRule, ...]] | None = None
    """Table 四 read by order alone: its values (cell indexes, in the form's order) must add up
    as the fast path asked them to on the page the plan was made from."""

    def adds_up(self, tokens: Sequence[Token]) -> bool:
        """Whether a page's table 四, when the plan read it by order alone, adds up as it
        did on the page the plan was made from (its other plans: always)."""
        if self.check_sums is None:
            return True
        order, rules = self.check_sums
        row = [tokens[i][3].value or 0 for i in order]
        return all(sum(row[i] for i in rule.parts) == row[rule.total] for rule in rules)

    def replay(self, tokens: Sequence[Token], cells: Sequence[Cell]) -> Found | None:
        """The reading of a page of this plan's layout (None: its table 四 does not add up,
        and the general reader reads it, as the fast path would have let it)."""
        if not self.adds_up(tokens):
            return None
        headers = [{code: [cells[i] for i in found] for code, found in m} for m in self.headers]
        origins = [
            RowOrigin(
                [cells[i] for i in o.label],
                o.how,
                None if o.headers is None else headers[o.headers],
                [cells[i] for i in o.printed],
            )
            for o in self.origins
        ]
        tables: dict = {}
        for section, rows in self.tables:
            table = tables[section] = {}
            for code, columns in rows:
                out = table[code] = {}
                for column, i, o in columns:
                    if i < 0:
                        out[column] = CellValue(None, "", BLANK, None, None, None, origins[o])
                    else:
                        p = tokens[i][3]
                        out[column] = CellValue(
                            p.value, p.raw, p.status, p.unit, None, cells[i], origins[o]
                        )
        return Found(template=self.template, tables=tables, template_votes=dict(self.votes))


class Plans:
    """The plans of the layouts met most recently, made for a layout met a second time (a
    layout met once, a page of a template of its own, costs no plan)."""

    def __init__(self, limit: int = MAX_PLANS, *, of_pages: bool = True) -> None:
        self.limit = limit
        self._plans: OrderedDict[LayoutKey, Plan] = OrderedDict()
        self._met: OrderedDict[int, None] = OrderedDict()  # hashes of layouts read once
        self.tables: Plans | None = Plans(limit, of_pages=False) if of_pages else None
        """Plans of single tables, kept beside those of whole pages
        (:mod:`parsers.fastpath.htmlsections`)."""

    def met_before(self, key: LayoutKey) -> bool:
        """Whether a layout was read before (by its hash: a clash only makes a plan early),
        noting that it now has been."""
        mark = hash(key)
        if mark in self._met:
            return True
        self._met[mark] = None
        while len(self._met) > self.limit * _MET_PER_PLAN:
            self._met.popitem(last=False)
        return False

    def get(self, key: LayoutKey) -> Plan | None:
        plan = self._plans.get(key)
        if plan is not None:
            with suppress(KeyError):  # let go of by another thread meanwhile: it still holds
                self._plans.move_to_end(key)
        return plan

    def put(self, key: LayoutKey, plan: Plan) -> None:
        self._plans[key] = plan
        self._plans.move_to_end(key)
        while len(self._plans) > self.limit:
            self._plans.popitem(last=False)

    def clear(self) -> None:
        self._plans.clear()
        self._met.clear()
        if self.tables is not None:
            self.tables.clear()


_MET_PER_PLAN = 16
"""Layouts remembered as read once, for each plan kept (a hash each)."""
