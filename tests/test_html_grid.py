"""A table's grid (:func:`parsers.cells.html_grid.table_cells`): each cell at the grid row and
column a walk of the rows gives it, spans pushing later cells aside and the grid cut at its
bound; the places worked out once per table shape give every page of that shape its own
texts."""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.cells import html as html_source
from parsers.cells import html_grid
from parsers.cells.base import Cell
from parsers.cells.html_grid import (
    MAX_GRID_CELLS,
    shaped_table_cells,
    span,
    table_cells,
    table_rows,
)
from parsers.labels import normalize_cell


def _walked(table, index: int) -> tuple[list[Cell], str | None]:
    """The grid as a plain walk of each row's cells places them."""
    rows = table_rows(table, html_grid.MAX_TABLE_ROWS)[: html_grid.MAX_TABLE_ROWS]
    below: dict[int, set[int]] = {}
    filled = 0
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        taken = below.pop(r, set())
        col = 0
        for node in row.iter():
            if node.tag not in ("td", "th"):
                continue
            while col in taken:
                col += 1
            attributes = node.attributes
            rowspan = min(span(attributes, "rowspan"), max(1, len(rows) - r))
            colspan = span(attributes, "colspan")
            filled += rowspan * colspan
            if filled > MAX_GRID_CELLS:
                return cells, f"table {index}: grid larger than {MAX_GRID_CELLS} cells, truncated"
            for dr in range(1, rowspan):
                below.setdefault(r + dr, set()).update(range(col, col + colspan))
            cells.append(Cell(normalize_cell(node.text()), index, r, col, colspan, rowspan))
            col += colspan
    return cells, None


def _table(rng: random.Random, texts: random.Random) -> str:
    rows = []
    for _ in range(rng.randint(0, 8)):
        cells = []
        for _ in range(rng.randint(0, 6)):
            attrs = ""
            if rng.random() < 0.3:
                attrs += f' rowspan="{rng.choice(["2", "3", "0", "x", " 4", "99999"])}"'
            if rng.random() < 0.3:
                attrs += f' colspan="{rng.choice(["2", "3", "1", "-1", "5abc"])}"'
            tag = rng.choice(("td", "td", "th"))
            cells.append(f"<{tag}{attrs}>{texts.choice(['1', '本年新收', ' ', '—', '２'])}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


@pytest.mark.parametrize("seed", range(80))
def test_cells_are_where_a_walk_of_the_rows_puts_them(seed):
    for texts_seed in (seed, seed + 1000):  # the same shape with other texts: places kept
        page = _table(random.Random(seed), random.Random(texts_seed))
        table = LexborHTMLParser(page).css_first("table")
        assert table_cells(table, 3) == _walked(table, 3)


def test_a_grid_larger_than_its_bound_is_cut_with_a_warning():
    rows = MAX_GRID_CELLS // 400 + 1  # within the rows read, each of 400 grid positions
    row = '<tr><td colspan="200">x</td><td colspan="200">1</td><td>2</td></tr>'
    table = LexborHTMLParser("<table>" + row * rows + "</table>").css_first("table")
    cells, warning = table_cells(table, 0)
    assert (cells, warning) == _walked(table, 0)
    assert warning is not None and "truncated" in warning


@pytest.mark.parametrize("seed", range(40))
def test_spanning_cells_found_in_the_page_walk_give_the_same_grid(seed):
    """The HTML source finds the cells that span in its one walk of the page
    (:data:`parsers.cells.html._SCAN`) instead of searching each table: the same grids, on
    pages of several tables with spanning elements around and inside them."""
    rng = random.Random(seed)
    tables = [_table(rng, random.Random(seed + k)) for k in range(rng.randint(1, 4))]
    around = ('<div rowspan="2">x</div>', '<p colspan="3">y</p>', "", '<td rowspan="4">z</td>')
    page = "".join(rng.choice(around) + t for t in tables)
    tree = LexborHTMLParser(f"<html><body>{page}</body></html>")
    scanned = tree.css(html_source._SCAN)
    spanning = {node.mem_id for node in scanned if node.tag in ("td", "th")}
    for index, table in enumerate(tree.css("table")):
        assert shaped_table_cells(table, index, spanning) == shaped_table_cells(table, index)
        assert shaped_table_cells(table, index)[0] == _walked(table, index)[0]
