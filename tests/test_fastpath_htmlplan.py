"""A layout's reading replayed (:mod:`parsers.fastpath.htmlplan`) gives what reading the page
afresh gives — every value, template vote and where each value was printed, with the header
maps and row origins shared as the reader shares them — on pages of every style whose layout
an earlier page had; and a table 四 read by order alone is checked again on every page."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.html import html_document
from parsers.fastpath import grid
from parsers.fastpath.htmlplan import Plans, layout_key
from parsers.fastpath.stream import cell_token
from parsers.model import Report
from parsers.provenance import decode, encode
from tests.test_fastpath_grid import _reading


def _stored(found) -> dict:
    """The reading and its provenance as the records store keeps it (shared header maps
    are stored once, so sharing shows)."""
    report = Report(source=None, sha256="", tables=found.tables, template=found.template)
    return {"reading": _reading(found), "origins": decode(encode(report))}


def _same_layout_pages(style: str, template: str, seed: int, count: int):
    """Pages of one layout: the layout drawn from the same generator each time, the numbers
    from records of their own."""
    records = random.Random(seed)
    for _ in range(count):
        record = random_record(records, template)
        yield render_html(record, style, rng=random.Random(seed))


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_a_replayed_reading_is_the_fresh_reading(style, template, monkeypatch):
    plans = Plans()
    monkeypatch.setattr(grid, "PLANS", plans)
    replayed = 0
    for seed in range(3):
        for page in _same_layout_pages(style, template, seed, 4):
            cells = html_document(page).cells
            tokens = [cell_token(c.text) for c in cells]
            had_plan = plans.get(layout_key(tokens, cells)) is not None
            found = grid.read_grid_tables(cells, 2023)
            monkeypatch.setattr(grid, "PLANS", Plans())  # read afresh, no plan
            fresh = grid.read_grid_tables(cells, 2023)
            monkeypatch.setattr(grid, "PLANS", plans)
            assert (found is None) == (fresh is None)
            if fresh is not None:
                assert _stored(found) == _stored(fresh)
                replayed += had_plan
    assert replayed >= 3  # layouts met again were replayed, not read afresh


def test_table_four_read_by_order_is_checked_on_every_page():
    page = render_html(random_record(random.Random(5), "2021"), "clean", rng=random.Random(5))
    cells = html_document(page).cells
    tokens = [cell_token(c.text) for c in cells]
    grid.PLANS.clear()
    places = [(c.row, c.col, c.colspan, c.rowspan) for c in cells]
    reading = grid._Grid(tokens, [c.table for c in cells], places)  # type: ignore[arg-type]
    found = grid._read(reading)
    assert found is not None and found.template is not None
    plan, kept = reading.plan.page_plan(  # (as if its table 四 were read by order)
        found.template, found.template_votes, found.tables, grid._GROUP_SUMS
    )
    assert kept and plan.check_sums is not None
    assert plan.replay(tokens, cells) is not None  # the page's own table 四 adds up
    order = plan.check_sums[0]
    first_total = order[4]  # the first group's total, one more than its parts
    changed = list(tokens)
    value = tokens[first_total][3].value or 0
    changed[first_total] = cell_token(str(int(value) + 1))
    assert plan.replay(changed, cells) is None  # left to the general reader


def test_a_page_of_more_cells_than_a_plan_keeps_is_read_without_one(monkeypatch):
    page = render_html(random_record(random.Random(9), "2019"), "word", rng=random.Random(9))
    cells = html_document(page).cells
    plans = Plans()
    monkeypatch.setattr(grid, "PLANS", plans)
    fresh = grid.read_grid_tables(cells, 2023)
    assert fresh is not None and len(plans._plans) == 0  # a layout met once: no plan yet
    grid.read_grid_tables(cells, 2023)
    assert len(plans._plans) == 1  # met again, a page of the usual size: kept
    plans.clear()
    monkeypatch.setattr(grid, "MAX_PLAN_CELLS", len(cells) - 1)
    found = grid.read_grid_tables(cells, 2023)
    assert found is not None and _stored(found) == _stored(fresh)
    assert len(plans._plans) == 0  # read as before, nothing kept


def test_a_key_by_table_shapes_tells_apart_what_a_key_cell_by_cell_tells_apart():
    pages = []
    for style in HTML_STYLES:
        for template in ("2021", "2019"):
            for seed in range(2):
                pages.extend(_same_layout_pages(style, template, seed, 2))
    keys = []
    for page in pages:
        cells = html_document(page).cells
        tokens = [cell_token(c.text) for c in cells]
        by_shapes, by_cell = layout_key(tokens, cells), layout_key(tokens, list(cells))
        assert by_shapes != by_cell  # the page's cells carry their tables' shapes
        keys.append((by_shapes, by_cell))
    for shapes_a, cells_a in keys:
        for shapes_b, cells_b in keys:
            assert (shapes_a == shapes_b) == (cells_a == cells_b)
    assert len({k for k, _ in keys}) < len(keys)  # some layouts met twice


def test_cells_changed_after_the_page_was_read_are_keyed_cell_by_cell():
    page = render_html(random_record(random.Random(3), "2021"), "word", rng=random.Random(3))
    cells = html_document(page).cells
    del cells[-1]
    tokens = [cell_token(c.text) for c in cells]
    assert layout_key(tokens, cells) == layout_key(tokens, list(cells))
