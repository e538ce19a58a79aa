"""The fast path on HTML grid cells (:mod:`parsers.fastpath.grid`) gives what the general reader
gives — every value, warning and template vote, and where each value was printed (its cell,
its row's label and column headers, how its columns were decided) — on pages of every style,
and leaves the pages it does not read to the general reader."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.html import html_document
from parsers.fastpath.grid import read_grid_tables
from parsers.provenance import place_of
from parsers.tables.read import read_tables


def _cells(place):
    return [(c.text, place_of(c)) for c in place]


def _reading(found) -> dict:
    """Everything a read keeps, with each cell's provenance spelled out."""
    tables = {}
    for section, table in found.tables.items():
        for row, columns in table.items():
            for column, cell in columns.items():
                origin = cell.origin
                headers = None
                if origin is not None and origin.headers:
                    headers = {k: _cells(v) for k, v in origin.headers.items()}
                tables[(section, row, column)] = (
                    cell.value, cell.raw, cell.status, cell.unit,
                    place_of(cell.source, cell.raw),
                    None if origin is None else (
                        origin.how, _cells(origin.label_cells), headers, _cells(origin.printed)
                    ),
                )  # fmt: skip
    return {
        "template": found.template,
        "votes": found.template_votes,
        "warnings": found.warnings,
        "tables": tables,
        "keys": {s: {r: list(c) for r, c in t.items()} for s, t in found.tables.items()},
    }


def _pages(count: int, seed: int):
    rng = random.Random(seed)
    for i in range(count):
        style = HTML_STYLES[i % len(HTML_STYLES)]
        record = random_record(
            rng,
            ("2021", "2019")[(i // len(HTML_STYLES)) % 2],
            blank_rate=rng.choice((0.0, 0.05, 0.3)),
            dash_rate=rng.choice((0.0, 0.1)),
        )
        yield style, render_html(record, style, rng=rng)


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_reads_html_pages_as_the_general_reader_does(seed):
    read = 0
    for style, page in _pages(25, seed):
        fast = read_tables(html_document(page), year_hint=2023)
        general = read_tables(html_document(page), year_hint=2023, fast=False)
        assert _reading(fast) == _reading(general), style
        read += read_grid_tables(html_document(page).cells, 2023) is not None
    assert read >= 15  # the common case is read by the fast path (the rest by the general one)


def _swap_first_values(page: str) -> str:
    """Table 三's first row printed with one number too many (a row the arithmetic reads)."""
    at = page.index("本年新收")
    cell = page.index("<td", at)
    return page[:cell] + "<td>7</td>" + page[cell:]


def test_pages_off_the_common_case_are_left_to_the_general_reader():
    page = render_html(random_record(random.Random(5), "2021"), "clean")
    cells = html_document(page).cells
    assert read_grid_tables(cells, 2023) is not None
    odd = _swap_first_values(page)
    assert read_grid_tables(html_document(odd).cells, 2023) is None
    fast = read_tables(html_document(odd), year_hint=2023)
    general = read_tables(html_document(odd), year_hint=2023, fast=False)
    assert _reading(fast) == _reading(general)
    no_table_four = page[: page.index("行政复议")]
    assert read_grid_tables(html_document(no_table_four).cells, 2023) is None
