"""Tables 二 and 四 replayed from plans of their own layout
(:mod:`parsers.fastpath.htmlsections`) give what reading the page afresh gives — every value,
template vote and where each value was printed — on pages whose layouts as a whole differ
(table 三 varies from page to page), and a table 四 read by order alone is checked again."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers import schema
from parsers.cells.html import html_document
from parsers.fastpath import grid
from parsers.fastpath.htmlplan import Plans
from parsers.fastpath.htmlsections import (
    appeals_plan_key,
    proactive_plan_key,
    read_section,
    section_key,
)
from parsers.fastpath.stream import NEW, cell_token
from parsers.fastpath.tables import find_appeals_header, first_flagged
from tests.test_fastpath_htmlplan import _stored


def _pages(style: str, seed: int, count: int):
    rng = random.Random(seed)
    for i in range(count):
        record = random_record(rng, ("2021", "2019")[i % 2])
        yield render_html(record, style, rng=rng)


@pytest.mark.parametrize("style", HTML_STYLES)
def test_a_table_replayed_from_its_own_plan_is_the_fresh_reading(style, monkeypatch):
    plans = Plans()
    assert plans.tables is not None
    hits = []
    kept_get = plans.tables.get
    monkeypatch.setattr(plans.tables, "get", lambda key: hits.append(kept_get(key)) or hits[-1])
    monkeypatch.setattr(grid, "PLANS", plans)
    for page in _pages(style, 11, 24):
        cells = html_document(page).cells
        found = grid.read_grid_tables(cells, 2023)
        monkeypatch.setattr(grid, "PLANS", Plans())  # read afresh, no plan of any kind
        fresh = grid.read_grid_tables(cells, 2023)
        monkeypatch.setattr(grid, "PLANS", plans)
        assert (found is None) == (fresh is None)
        if fresh is not None:
            assert _stored(found) == _stored(fresh)
    assert any(plan is not None for plan in hits)  # some tables were replayed


def test_a_table_four_plan_checks_its_sums_on_every_page():
    """A table 四 read by order alone keeps the rules its values met in its plan: a page of
    the same layout whose values do not add up is left to the general reader, and one whose
    values add up says so, for the page's own plan to check them too."""
    page = render_html(random_record(random.Random(5), "2021"), "clean", rng=random.Random(5))
    cells = html_document(page).cells
    tokens = [cell_token(c.text) for c in cells]
    start = find_appeals_header(tokens, first_flagged(tokens, NEW, 0) or 0)
    assert start is not None
    tables = [c.table for c in cells]
    places = [(c.row, c.col, c.colspan, c.rowspan) for c in cells]
    plans = Plans(of_pages=False)
    key = appeals_plan_key(grid.layout_key(tokens, cells), start, len(cells))
    mine = tokens[start:]
    for _ in range(2):  # met twice: the plan is made, with the rules (as if read by order)
        fresh = grid._Grid(tokens, tables, places)  # type: ignore[arg-type]
        table, checked = read_section(
            plans,
            key,
            schema.SECTION_APPEALS,
            "2021",
            start,
            mine,
            fresh.plan,
            lambda fresh=fresh: fresh.appeals(start),  # type: ignore[misc]
            _sums,
        )
        assert table is not None and checked
    replaying = grid._Grid(tokens, tables, places)  # type: ignore[arg-type]
    replayed, checked = read_section(
        plans, key, schema.SECTION_APPEALS, "2021", start, mine, replaying.plan, _unread, _sums
    )
    assert checked and replayed == table  # every value from the same cell
    assert replaying.plan.origins == fresh.plan.origins  # and from the same rows
    total = table[grid._GROUPS[0]][4][1]  # the first group's total, one more than its parts
    changed = list(mine)
    changed[total - start] = cell_token(str(int(tokens[total][3].value or 0) + 1))
    again = grid._Grid(tokens, tables, places)  # type: ignore[arg-type]
    assert read_section(
        plans, key, schema.SECTION_APPEALS, "2021", start, changed, again.plan, _unread, _sums
    ) == (None, True)


def _sums():
    return grid._GROUP_SUMS


def _unread():
    raise AssertionError("a table with a plan is not read again")


def test_a_table_key_holds_the_shapes_of_its_tables_and_its_cells_kinds():
    page = render_html(random_record(random.Random(2), "2021"), "word", rng=random.Random(2))
    cells = html_document(page).cells
    tokens = [cell_token(c.text) for c in cells]
    key = grid.layout_key(tokens, cells)
    _, layout, kinds = key
    first = layout[0][0]
    assert proactive_plan_key(key, first, "2021") == (
        (schema.SECTION_PROACTIVE, "2021"),
        0,
        layout[:1],
        kinds[:first],
    )
    assert proactive_plan_key(key, first, "2021") != proactive_plan_key(key, first, "2019")
    # from inside the second table to the end: where in that table it starts
    assert appeals_plan_key(key, first + 3, len(cells)) == (
        (schema.SECTION_APPEALS,),
        3,
        layout[1:],
        kinds[first + 3 :],
    )
    assert section_key(key, 5, 5) is None  # no cells
    assert section_key(grid.layout_key(tokens, list(cells)), 0, first) is None  # cell by cell


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_table_three_met_again_is_taken_from_its_plan_with_its_template(
    style, template, monkeypatch
):
    """A page whose table 三 has a layout met twice before takes that table, the template and
    the template's votes from the table's plan (its rows are not read again) and reads as the
    page read afresh does, though the page's layout as a whole has no plan."""
    plans = Plans()
    monkeypatch.setattr(grid, "PLANS", plans)
    pages = [
        html_document(render_html(record, style, rng=random.Random(3))).cells
        for record in (random_record(random.Random(seed), template) for seed in range(3))
    ]
    for cells in pages[:2]:  # the layout met twice: its plans made
        grid.read_grid_tables(cells, 2023)
    plans._plans.clear()  # no plan of the whole page
    read = grid._Grid.applications
    monkeypatch.setattr(grid._Grid, "applications", _unread_table)
    found = grid.read_grid_tables(pages[2], 2023)
    monkeypatch.setattr(grid._Grid, "applications", read)
    monkeypatch.setattr(grid, "PLANS", Plans())  # read afresh, no plan of any kind
    fresh = grid.read_grid_tables(pages[2], 2023)
    assert fresh is not None and found is not None
    assert _stored(found) == _stored(fresh)
    assert found.template_votes == fresh.template_votes


def _unread_table(*_args):
    raise AssertionError("a table whose layout has a plan is not read again")
