"""The three tables read from a grid source's cells (HTML tables: every cell with its table,
grid row and column), when the page is the common case; None otherwise, and the general reader
(:func:`parsers.tables.read_tables`) reads it instead.

Each step is the general reader's own on grid cells, kept only where its outcome is one this
module builds directly:

- the tables start where the general reader starts them (table 三 at its first 本年新收, back
  over its header cells to the table's edge; table 四 at its result headers);
- the template is told by the labels of table 二 with no tie;
- every row is found once, and its values fall under its column headers one to a column, or
  print exactly as many cells as the form has columns (each value's column is its order);
- table 四 is printed as one row of fifteen under its result headers (or in the form's order,
  adding up).

Anything else — a row whose columns need the table's arithmetic, a row missing or printed
twice, table 四 one row per group, a template decided by the year — returns None: those are
the cases where the general reader weighs readings or words a warning, and it does so from the
start. So the record, its warnings and its provenance are the general reader's.

A cell is read once per distinct text (:func:`parsers.fastpath.stream.cell_token`: labels and
numbers repeat across reports). The reading is written as it is made as the plan of the page's
layout (:mod:`parsers.fastpath.planbuild`: each value the index of its cell, each row's origin
indexes), read from each cell's table and place alone: the cells themselves (but the few
header cells the general reader's header functions take) and the record's
:class:`~parsers.model.CellValue` objects are made by the plan's replay, when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, cast

from parsers import schema
from parsers.cells.base import Cell
from parsers.cells.html_grid import GridCells, Place
from parsers.fastpath.htmlheaders import cached_headers_at
from parsers.fastpath.htmlplan import LayoutKey, Plan, Plans, layout_key
from parsers.fastpath.htmlsections import (
    appeals_plan_key,
    applications_plan_key,
    proactive_plan_key,
    read_and_keep,
    read_section,
)
from parsers.fastpath.planbuild import PlanBuilder, PlannedRow, PlannedTable
from parsers.fastpath.stream import (
    BLANK_CELL,
    LABEL,
    NEW,
    PROACTIVE_START,
    VALUE,
    Token,
    cell_token,
)
from parsers.fastpath.tables import (
    Row,
    application_rows,
    find_appeals_header,
    first_flagged,
    found_tables,
    template_votes,
)
from parsers.labels import normalize_label
from parsers.recover import SumRule
from parsers.tables.appeals import appeal_headers, names_result
from parsers.tables.applications import column_variants
from parsers.tables.found import Found
from parsers.tables.layout import section_layout
from parsers.tables.placing import Headers, header_ranges
from parsers.tables.rowlabels import match_appeal_group, match_application_row, match_item

GridRow = Row  # (code, its label cells, its value cells), as in pipe text's stream
Placing = tuple[str, Sequence[int], Headers | None, tuple[int, ...]]
"""(how the row was placed, the cell each column takes (-1: none), the headers it was placed
under, the cells it printed: those of its values not blank)"""


class _At(NamedTuple):
    """Where a label cell is (its index among the page's cells, its table and grid place), as
    the general reader's header functions read a cell: made for label cells only (a named
    tuple: made at a fraction of a class's cost, and no two alike, their indexes differ)."""

    position: int  # (its index among the page's cells)
    table: int | None
    row: int
    col: int
    colspan: int
    rowspan: int


class _Label(NamedTuple):
    """A label cell as the general reader's header functions read it (its cell, its label)."""

    cell: _At
    label: str
    is_label: bool = True


def read_grid_tables(cells: Sequence[Cell], year_hint: int | None = None) -> Found | None:
    """The tables of a grid source (every cell with its table, row and column), as the
    general reader reads them, or None."""
    if not cells:
        return None
    read = cells.read if isinstance(cells, GridCells) and cells.layout() is not None else None
    key: LayoutKey | None
    if read is not None and len(read[0]) == len(cells):  # (worked out before they were made)
        tokens, key, declined = read
        if declined:
            return None  # (read from the cells' texts already: not the common case)
    else:
        tokens = [cell_token(cell.text) for cell in cells]
        key = layout_key(tokens, cells) if len(cells) <= MAX_PLAN_CELLS else None
    plan: Plan | None = PLANS.get(key) if key is not None else None
    if plan is None:
        tables = [cell.table for cell in cells]
        places = [(cell.row, cell.col, cell.colspan, cell.rowspan) for cell in cells]
        plan, _kept = read_plan(tokens, tables, cast(list[Place], places), key)
        if plan is None:
            return None
    return plan.replay(tokens, cells)


def read_plan(
    tokens: Sequence[Token],
    tables: Sequence[int | None],
    places: Sequence[Place],
    key: LayoutKey | None,
) -> tuple[Plan | None, bool]:
    """A page's reading as the plan of its layout (:mod:`parsers.fastpath.planbuild`), or
    None; and whether the plan is kept for the next page of the layout (made for a layout met
    a second time). ``tables`` and ``places``: each cell's table, and its grid row, column,
    colspan and rowspan; ``key``: the layout (None: a page of more cells than a plan is made for)."""
    grid = _Grid(tokens, tables, places)
    found = _read(grid, key)
    if found is None:
        return None, False
    plan, keep = grid.plan.page_plan(
        cast(str, found.template),
        found.template_votes,
        cast(dict[str, PlannedTable], found.tables),
        _GROUP_SUMS if grid.sums_checked else None,
    )
    if keep and key is not None and PLANS.met_before(key):
        PLANS.put(key, plan)
        return plan, True
    return plan, False


MAX_PLAN_CELLS = 2000
"""Pages of more cells than this are read without a plan (a report's tables have a few
hundred cells): the layouts kept stay small whatever a page holds."""


PLANS = Plans()
"""The readings of the layouts met most recently (:mod:`parsers.fastpath.htmlplan`)."""


def _read(grid: _Grid, key: LayoutKey | None = None) -> Found | None:
    """The three tables as the fast path reads them (each row as :data:`PlannedTable` gives
    it), or None. ``key``: the page's layout, when each table may be taken from the plan of
    its own layout (:mod:`parsers.fastpath.htmlsections`); table 三's plan gives the template
    too (its rows vote)."""
    tokens, at = grid.tokens, grid.tables
    app_start = first_flagged(tokens, NEW, 0)
    if app_start is None:
        return None
    appeals_start = find_appeals_header(tokens, app_start)
    if appeals_start is None:
        return None
    app_block = _block_start(tokens, at, app_start)
    votes = template_votes(tokens, app_block)
    app_key = applications_plan_key(key, app_block, appeals_start, votes)
    kept = PLANS.tables.get(app_key) if app_key is not None and PLANS.tables is not None else None
    applications: Callable[[], PlannedTable | None]
    if kept is not None:  # table 三's layout met before: its rows and the template known
        template, votes = kept.template, dict(kept.votes)

        def applications() -> PlannedTable | None:
            return grid.plan.take(kept, app_block)

    else:
        app_rows = read_grid_rows(
            tokens, at, grid.places, app_block, appeals_start, match_application_row
        )
        app_rows, found_template = application_rows(app_rows, votes)
        if found_template is None or not app_rows:
            return None
        template = found_template

        def applications() -> PlannedTable | None:
            return grid.read_kept(
                app_key,
                schema.SECTION_APPLICATIONS,
                template,
                app_block,
                lambda: grid.applications(app_rows, app_block, appeals_start, template),
                votes,
            )

    end = len(tokens)
    return found_tables(
        template,
        votes,
        lambda: grid.planned(
            proactive_plan_key(key, app_block, template),
            schema.SECTION_PROACTIVE,
            template,
            (0, app_block),
            lambda: grid.proactive(app_block, template),
        ),
        applications,
        lambda: grid.planned(
            appeals_plan_key(key, appeals_start, end),
            schema.SECTION_APPEALS,
            template,
            (appeals_start, end),
            lambda: grid.appeals(appeals_start),
        ),
    )


def _block_start(tokens: Sequence[Token], tables: Sequence[int | None], index: int) -> int:
    """Back from table 三's first row over the cells of its table that are not numbers (its
    header cells and blank cells), as the general reader walks where the source knows tables."""
    anchor = tables[index]
    i = index
    while i > 0 and tables[i - 1] == anchor and tokens[i - 1][0] != VALUE:
        i -= 1
    return i


def read_grid_rows(
    tokens: Sequence[Token],
    tables: Sequence[int | None],
    places: Sequence[Place],
    start: int,
    end: int,
    match: Callable[[str, str | None], str | None],
) -> list[GridRow]:
    """:func:`parsers.tables.tokens.read_rows` on grid cells (each cell's table and place): a
    row is its label cells and the values after them within one grid row; labels of a row
    with no values run into the next row's label; a value with no label before it belongs to
    no row."""
    rows: list[tuple[str | None, list[int], list[int]]] = []
    pending: list[int] = []
    current: list[int] | None = None
    table = row = None  # where the current row's values are
    previous: str | None = None
    for i in range(start, end):
        if tokens[i][0] == LABEL:
            current = None
            pending.append(i)
            continue
        if current is not None and (places[i][0] != row or tables[i] != table):
            current = None  # a value in another grid row ends the row
        if current is None:
            if not pending:
                continue
            code = match("".join([tokens[j][2] for j in pending]), previous)
            if code:
                previous = code
            current = []
            rows.append((code, pending, current))
            table, row = tables[i], places[i][0]
            pending = []
        current.append(i)
    return [(code, label, values) for code, label, values in rows if code is not None]


@lru_cache(maxsize=8)
def _columns_of(template: str, section: str) -> dict[str, tuple[str, ...]]:
    return dict(section_layout(template, section))


_APPLICATION_COLUMNS = tuple(c.code for c in schema.APPLICATION_COLUMNS)
_GROUPS = tuple(g.code for g in schema.APPEAL_GROUPS)
_RESULTS = tuple(r.code for r in schema.APPEAL_RESULTS)
_FLAT = tuple(f"{g}.{r}" for g in _GROUPS for r in _RESULTS)
_FLAT_PARTS = tuple((g, r) for g in _GROUPS for r in _RESULTS)
_GROUP_SUMS = tuple(
    SumRule(tuple(range(gi * 5, gi * 5 + 4)), gi * 5 + 4) for gi in range(len(_GROUPS))
)


_APPLICATION_HEADERS = "table 三's column headers"
_APPEAL_HEADERS = "table 四's result headers"


def _application_headers(labels: Sequence[_Label]) -> Headers | None:
    return header_ranges(labels, column_variants())  # type: ignore[arg-type]


@lru_cache(maxsize=64)
def _measure_variants(item: schema.Item) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Normalized header names of each measure of a section-二 item."""
    return tuple(
        (m.code, tuple(normalize_label(k) for k in (m.label, *m.keys))) for m in item.measures
    )


class _Grid:
    """One document's cells — their tokens, tables and places — read section by section into
    the plan of its reading (:class:`~parsers.fastpath.planbuild.PlanBuilder`)."""

    def __init__(
        self,
        tokens: Sequence[Token],
        tables: Sequence[int | None],
        places: Sequence[Place],
    ) -> None:
        self.tokens = tokens
        self.tables = tables
        self.places = places
        self.plan = PlanBuilder()
        self.sums_checked = False  # table 四 read by order alone, accepted as it adds up

    def _headers_at(
        self,
        kind: Hashable,
        find: Callable[[Sequence[Any]], Headers | None],
        at: Sequence[int],
    ) -> Headers | None:
        """``cached_headers(kind, find, labels)`` of the label cells at ``at``, their
        :class:`_Label` objects made only when the header layout was never met."""
        tokens, tables, places = self.tokens, self.tables, self.places
        layout = tuple([(tokens[i][2], tables[i], places[i]) for i in at])
        return cached_headers_at(
            kind,
            find,
            layout,
            lambda: [_Label(_At(i, tables[i], *places[i]), tokens[i][2]) for i in at],
            lambda k: _At(at[k], tables[at[k]], *places[at[k]]),
        )

    def planned(
        self,
        key: LayoutKey | None,
        section: str,
        template: str,
        span: tuple[int, int],
        read: Callable[[], PlannedTable | None],
    ) -> PlannedTable | None:
        """A table read by ``read()``, or taken from the plan of its layout (``key``; its
        cells: those of ``span``)."""
        plans = PLANS.tables
        if key is None or plans is None:
            return read()
        start, end = span
        table, checked = read_section(
            plans,
            key,
            section,
            template,
            start,
            self.tokens[start:end],
            self.plan,
            read,
            lambda: _GROUP_SUMS if self.sums_checked else None,
        )
        self.sums_checked = self.sums_checked or checked
        return table

    def read_kept(
        self,
        key: LayoutKey | None,
        section: str,
        template: str,
        start: int,
        read: Callable[[], PlannedTable | None],
        votes: dict[str, int],
    ) -> PlannedTable | None:
        """A table whose layout (``key``) has no plan kept, read by ``read()`` and kept as
        the plan of its layout when the layout is met again, with the template's votes its
        reading left (table 三's: its rows vote)."""
        plans = PLANS.tables
        if key is None or plans is None:
            return read()
        table, _checked = read_and_keep(
            plans, key, section, template, start, self.plan, read, lambda: None, votes
        )
        return table

    # -- placing a row ---------------------------------------------------------------------

    def _place(
        self, values: Sequence[int], width: int, headers: Headers | None, columns: Sequence[str]
    ) -> Placing | None:
        """:func:`parsers.tables.placing.place_row` where it gives one reading: under the
        headers, or in order. None when the general reader would need the arithmetic."""
        tokens = self.tokens
        if headers is not None:
            printed: list[int] = []
            found = self._under(values, headers.under(columns), width, printed)
            if found is not None:
                return ("header", found, headers, tuple(printed))
        printed_ = tuple([i for i in values if tokens[i][0] != BLANK_CELL])
        if len(values) > width and all(tokens[i][0] == BLANK_CELL for i in values[width:]):
            values = values[:width]
        if len(values) != width:
            values = [i for i in values if tokens[i][0] != BLANK_CELL]
            if len(values) != width:
                return None
        return ("order", values, None, printed_)

    def _under(
        self,
        values: Sequence[int],
        under: dict[int, tuple[int, ...]],
        width: int,
        printed: list[int],
    ) -> list[int] | None:
        """:func:`parsers.tables.placing._under_headers` on grid cells: the cell each column
        takes (-1: none); ``printed`` is given the values that are not blank, in order."""
        tokens, places = self.tokens, self.places
        chosen = [-1] * width
        numbered = [False] * width
        for i in values:
            _row, col, colspan, _rowspan = places[i]
            if colspan == 1:
                hits: Sequence[int] = under.get(col, ())
            else:
                found: set[int] = set()
                for position in range(col, col + colspan):
                    found.update(under.get(position, ()))
                hits = sorted(found)
            blank = tokens[i][0] == BLANK_CELL
            if len(hits) != 1:
                if blank:
                    continue
                return None
            (k,) = hits
            if not blank:
                if numbered[k]:
                    return None
                numbered[k] = True
                chosen[k] = i
                printed.append(i)
            elif chosen[k] < 0:
                chosen[k] = i
        return chosen

    def _row(self, placing: Placing, columns: Sequence[str], label: Sequence[int]) -> PlannedRow:
        """A placed row as the general reader settles a row of one reading (its origin: the
        label cells, how it was placed, its headers and the cells it printed)."""
        how, chosen, headers, printed = placing
        return self.plan.row(columns, chosen, label, how, headers, printed)

    # -- the sections ------------------------------------------------------------------------

    def proactive(self, end: int, template: str) -> PlannedTable | None:
        """Table 二: every item once, each under the header row nearest above it."""
        tokens = self.tokens
        start = first_flagged(tokens, PROACTIVE_START, 0, end)
        if start is None:
            return None
        items = schema.PROACTIVE[template]
        by_code = {item.code: item for item in items}
        layout = _columns_of(template, schema.SECTION_PROACTIVE)
        rows = read_grid_rows(tokens, self.tables, self.places, start, end, match_item(items))
        by_row: dict[tuple, list[int]] = {}  # the label cells by (table, grid row)
        tables, places = self.tables, self.places
        for i in range(end):
            if tokens[i][0] == LABEL:
                by_row.setdefault((tables[i], places[i][0]), []).append(i)
        found_headers: dict[tuple, Headers | None] = {}
        table: PlannedTable = {}
        for code, label, values in rows:
            if code in table:
                continue
            item = by_code[code]
            measures = tuple(m.code for m in item.measures)
            if layout.get(code) != measures:
                return None
            variants = _measure_variants(item)
            headers = self._measure_headers(by_row, values, variants, found_headers)
            placing = self._place(values, len(measures), headers, measures)
            if placing is None:
                return None
            table[code] = self._row(placing, measures, label)
        if table.keys() != layout.keys():
            return None  # rows not found: the general reader words it
        return {code: table[code] for code in layout}

    def _measure_headers(
        self,
        by_row: dict[tuple, list[int]],
        values: Sequence[int],
        variants: tuple[tuple[str, tuple[str, ...]], ...],
        found: dict[tuple, Headers | None],
    ) -> Headers | None:
        """:func:`parsers.tables.proactive._measure_headers`: the nearest grid row above the
        item's first value, in its table, holding a measure's name."""
        table, grid_row = self.tables[values[0]], self.places[values[0]][0]
        names = [n for _code, names in variants for n in names if n]
        above = sorted((r for t, r in by_row if t == table and r < grid_row), reverse=True)
        tokens = self.tokens
        for r in above:
            labels = by_row[(table, r)]
            if any(n in tokens[i][2] for i in labels for n in names):
                key = (table, r, variants)
                if key not in found:
                    found[key] = self._headers_at(
                        variants,
                        lambda labels: header_ranges(labels, dict(variants), contains=True),
                        labels,
                    )
                return found[key]
        return None

    def applications(
        self, rows: Sequence[GridRow], start: int, end: int, template: str
    ) -> PlannedTable | None:
        """Table 三: every row of the template once, one reading each."""
        layout = _columns_of(template, schema.SECTION_APPLICATIONS)
        tokens = self.tokens
        by_table: dict[int | None, list[int]] = {}  # the label cells of each table
        for i in range(start, end):
            if tokens[i][0] == LABEL:
                by_table.setdefault(self.tables[i], []).append(i)
        headers_of = {
            key: self._headers_at(_APPLICATION_HEADERS, _application_headers, found)
            for key, found in by_table.items()
        }
        columns = _APPLICATION_COLUMNS
        tables = self.tables
        table: PlannedTable = {}
        for code, label, values in rows:
            if code in table or layout.get(code) != columns:
                return None  # printed twice, or not a row of the template: warned about
            # a row's values share its grid row, so its table: the headers of that table
            headers = headers_of.get(tables[values[0]])
            placing = self._place(values, len(columns), headers, columns)
            if placing is None:
                return None
            table[code] = self._row(placing, columns, label)
        if table.keys() != layout.keys():
            return None  # rows not found
        return {code: table[code] for code in layout}

    def appeals(self, start: int) -> PlannedTable | None:
        """Table 四 printed as one row of fifteen values."""
        tokens, tables, places = self.tokens, self.tables, self.places
        end = len(tokens)
        if self._by_group(start, end):
            return None
        header_end = start
        while header_end < end and tokens[header_end][0] != VALUE:
            header_end += 1
        if header_end == end:
            return None
        first_table = tables[header_end]
        first_row = places[header_end][0]
        leading = [
            i
            for i in range(start, header_end)
            if tokens[i][0] == BLANK_CELL and tables[i] == first_table and places[i][0] == first_row
        ]
        values = leading + [
            i for i in range(header_end, end) if tokens[i][0] != LABEL and tables[i] == first_table
        ]
        labels = [i for i in range(start, header_end) if tokens[i][0] == LABEL]
        headers = self._headers_at(_APPEAL_HEADERS, appeal_headers, labels)
        placing = self._place(values, len(_FLAT), headers, _FLAT)
        if placing is None:
            return None
        if placing[0] == "order" and not any(names_result(tokens[i][2]) for i in labels):
            row = [tokens[i][3].value or 0 for i in placing[1]]
            if any(sum(row[i] for i in s.parts) != row[s.total] for s in _GROUP_SUMS):
                return None  # read by totals only: the general reader leaves it undecided
            self.sums_checked = True
        flat = self._row(placing, _FLAT, ())
        out: dict[str, list[tuple[str, int, int]]] = {g: [] for g in _GROUPS}
        for (group, result), (_key, i, o) in zip(_FLAT_PARTS, flat, strict=True):
            out[group].append((result, i, o))
        return {group: tuple(columns) for group, columns in out.items()}

    def _by_group(self, start: int, end: int) -> bool:
        """Whether the general reader reads table 四 one row per group (it then does)."""
        tokens = self.tokens
        rows = [
            row
            for row in read_grid_rows(
                tokens, self.tables, self.places, start, end, match_appeal_group
            )
            if any(tokens[i][0] == VALUE for i in row[2])
        ]
        codes = [row[0] for row in rows]
        if len(set(codes)) < 2 or len(codes) != len(set(codes)):
            return False
        return not any(
            len([i for i in row[2] if tokens[i][0] == VALUE]) > len(_RESULTS) for row in rows
        )
