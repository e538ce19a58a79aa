"""Column headers kept by header layout (:mod:`parsers.fastpath.htmlheaders`): a page read
with the headers an earlier page of its layout left gives what reading its headers afresh
gives — every value, and the header cells each column printed, the page's own — on pages of
every style; and a page whose header cells differ is read afresh."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.base import Cell
from parsers.cells.html import html_document
from parsers.fastpath import grid, htmlheaders
from parsers.fastpath.htmlplan import Plans
from parsers.tables.placing import header_ranges
from tests.test_fastpath_htmlplan import _stored


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_headers_kept_from_an_earlier_page_are_those_read_afresh(style, template, monkeypatch):
    records = random.Random(11)
    pages = [
        render_html(random_record(records, template), style, rng=random.Random(seed % 2))
        for seed in range(4)
    ]
    calls = []
    find = grid.header_ranges

    def counted(*args, **kwargs):
        calls.append(1)
        return find(*args, **kwargs)

    monkeypatch.setattr(grid, "header_ranges", counted)
    htmlheaders.clear()
    kept_calls = fresh_calls = 0
    for page in pages:
        cells = html_document(page).cells
        monkeypatch.setattr(grid, "PLANS", Plans())  # no plan: the headers are looked for
        before = len(calls)
        kept = grid.read_grid_tables(cells, 2023)
        kept_calls += len(calls) - before
        htmlheaders.clear()
        monkeypatch.setattr(grid, "PLANS", Plans())
        before = len(calls)
        fresh = grid.read_grid_tables(cells, 2023)
        fresh_calls += len(calls) - before
        assert (kept is None) == (fresh is None)
        if fresh is not None:
            assert _stored(kept) == _stored(fresh)
            for row in kept.tables.values():
                for cell in (c for columns in row.values() for c in columns.values()):
                    if cell.origin is not None and cell.origin.headers:
                        shown = {id(c) for c in cells}
                        for printed in cell.origin.headers.values():
                            assert all(id(c) in shown for c in printed)  # this page's cells
    assert kept_calls < fresh_calls  # headers of a layout met before were not looked for


class _Header:
    def __init__(self, label: str, col: int) -> None:
        self.label = label
        self.cell = Cell(label, 0, 0, col)


def _find(labels):
    return header_ranges(labels, {"a": ("甲",), "b": ("乙",)})


def test_a_page_whose_header_cells_differ_is_read_afresh():
    htmlheaders.clear()
    first = [_Header("甲", 0), _Header("乙", 1)]
    found = htmlheaders.cached_headers("test", _find, first)
    assert found is not None and found.ranges == {"a": range(0, 1), "b": range(1, 2)}
    again = [_Header("甲", 0), _Header("乙", 1)]
    kept = htmlheaders.cached_headers("test", _find, again)
    assert kept is not None and kept.ranges == found.ranges
    assert kept.cells == {"a": [again[0].cell], "b": [again[1].cell]}
    assert kept.cells["a"][0] is again[0].cell  # the page's own cell
    moved = [_Header("甲", 0), _Header("乙", 2)]
    assert htmlheaders.cached_headers("test", _find, moved).ranges["b"] == range(2, 3)
    unnamed = [_Header("甲", 0), _Header("丙", 1)]
    assert htmlheaders.cached_headers("test", _find, unnamed) is None
    assert htmlheaders.cached_headers("test", _find, unnamed) is None


def test_the_header_layouts_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(htmlheaders, "MAX_HEADER_LAYOUTS", 3)
    htmlheaders.clear()
    for col in range(10):
        htmlheaders.cached_headers("test", _find, [_Header("甲", col), _Header("乙", col + 1)])
    assert len(htmlheaders._kept) == 3
