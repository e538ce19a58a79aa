"""An HTML page read by its layout's plan without its cells made
(:mod:`parsers.fastpath.htmlreading`): the record — values, printed detail, checks, stored
provenance, and the cells when they are read — is the one the plan's replay makes at once,
and the page's cells, made when first read, are the cells the page gives."""

from __future__ import annotations

import pickle
import random

import pytest

from fixtures.reportgen import HTML_STYLES, damage_total, random_record, render_html
from output.store import encode_report
from parsers import parse
from parsers.bounds import MAX_CELLS, bound_document
from parsers.cells.base import Cell, Document, defer_cells
from parsers.cells.html import html_document, reading_tree, statutory_tables
from parsers.cells.html_grid import PageGrid, shaped_table_cells
from parsers.checks import run_checks
from parsers.fastpath import grid
from parsers.fastpath.checking import planned_checks
from parsers.fastpath.htmlplan import Plans
from parsers.fastpath.htmlreading import GridReading, planned_grid_reading
from parsers.fastpath.stream import cell_token
from parsers.model import Report
from parsers.provenance import encode
from parsers.tables import read_tables


def _same_layout_pages(style: str, template: str, seed: int, count: int, damaged: bool = False):
    """Pages of one layout (drawn from the same generator), numbers from records of their own
    (``damaged``: every other one with a total printed wrong, so that its checks fail)."""
    records = random.Random(seed)
    for i in range(count):
        record = random_record(records, template)
        if damaged and i % 2:
            record = damage_total(record, records, ("applications", "appeals")[i // 2 % 2])
        yield render_html(record, style, rng=random.Random(seed))


def _eager(page: str) -> Report:
    """The record with its cells made at once (the page's cells read, the plan replayed)."""
    doc = html_document(page)
    doc.cells  # noqa: B018  (made now: the reading below replays the plan on them)
    found = read_tables(doc)
    assert found is not None and found.template is not None
    report = Report(template=found.template, tables=found.tables, form="html")
    report.checks = run_checks(report.tables, report.template, merged=found.merged)
    return report


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_a_planned_page_is_read_as_the_replay_reads_it(style, template, monkeypatch):
    monkeypatch.setattr(grid, "PLANS", Plans())
    planned = 0
    failed = 0
    kept = 0
    for page in _same_layout_pages(style, template, 3, 8, damaged=True):
        reading = planned_grid_reading(html_document(page).deferred_cells())  # type: ignore[arg-type]
        eager = _eager(page)  # (the layout's second page makes its plan)
        if reading is None:
            continue
        planned += 1
        assert isinstance(reading, GridReading)
        assert reading.template == eager.template
        assert reading.values() == eager.tables_dict()
        assert reading.checks() == eager.checks
        if reading._kept:  # (a plan of a layout met before: its checks read the tokens)
            kept += 1
            assert planned_checks(reading._plan, reading._tokens) is not None
        failed += any(check.ok is False for check in eager.checks)
        assert reading.detail() == {
            section: {
                row: {column: [c.raw, c.status, c.unit] for column, c in columns.items()}
                for row, columns in rows.items()
            }
            for section, rows in eager.tables.items()
        }
        assert reading.origins() == encode(eager)
        assert reading.origins() == encode(eager)  # (the second time: the text kept)
        assert reading.tables() == eager.tables
        assert reading.tables(provenance=False) == eager.tables
        for section, rows in reading.tables(provenance=False).items():
            for row, columns in rows.items():
                for column, cell in columns.items():
                    assert (cell.source, cell.origin) == (None, None)
                    assert cell.raw == eager.tables[section][row][column].raw
    assert planned >= 5 and failed >= 2
    assert 0 < kept < planned  # (the layout's first page read afresh into a plan of its own)


def test_the_kept_provenance_follows_the_label_texts(monkeypatch):
    """Two pages of one plan whose label cells print their words differently (spaced apart:
    the same label, another cell text) store each its own label texts."""
    monkeypatch.setattr(grid, "PLANS", Plans())
    record = random_record(random.Random(8), "2021")
    page = render_html(record, "clean", rng=random.Random(8))
    assert "本年新收" in page
    spaced = page.replace("本年新收", "本年 新收")
    stored: dict[str, set[str]] = {page: set(), spaced: set()}
    for text in (page, page, page, spaced, page, spaced):
        report = parse(text.encode())
        reading = report.deferred_tables()
        eager = _eager(text)
        if reading is not None:
            assert reading.origins() == encode(eager)
        stored[text].add(encode_report(report)["_origins"])
        assert encode_report(report)["_origins"] == encode(eager)
    assert isinstance(reading, GridReading)  # (the spaced page too: the same plan)
    assert len(stored[page]) == len(stored[spaced]) == 1 and stored[page] != stored[spaced]


@pytest.mark.parametrize("style", HTML_STYLES)
def test_a_pages_cells_made_when_first_read_are_its_cells(style):
    for page in _same_layout_pages(style, "2021", 4, 2):
        doc = html_document(page)
        grid_of_page = doc.deferred_cells()
        assert isinstance(grid_of_page, PageGrid)
        tokens = list(grid_of_page.tokens)
        tree, _dropped = reading_tree(page)
        for node in tree.css("script, style, noscript, template, iframe, object, svg"):
            node.decompose()
        expected: list[Cell] = []
        for index, table in enumerate(statutory_tables(tree.body)):
            expected.extend(shaped_table_cells(table, index)[0])
        assert doc.cells == expected
        assert tokens == [cell_token(cell.text) for cell in expected]
        assert doc.deferred_cells() is None and doc.cells is doc.cells


def test_a_planned_record_pickles_and_stores_as_one_made_at_once(monkeypatch):
    monkeypatch.setattr(grid, "PLANS", Plans())
    pages = list(_same_layout_pages("word", "2019", 6, 4))
    for page in pages[:2]:
        parse(page.encode())
    report = parse(pages[2].encode())
    assert isinstance(report.deferred_tables(), GridReading)
    stored = encode_report(report)
    made = parse(pages[2].encode())
    made.tables  # noqa: B018  (made before it is stored)
    assert made.deferred_tables() is None
    assert encode_report(made) == stored
    assert pickle.loads(pickle.dumps(report)) == made


class _Many:
    """Deferred cells of a page with more cells than the matcher takes."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count

    def cells(self) -> list[Cell]:
        return [Cell(str(i), 0, i, 0) for i in range(self.count)]


def test_deferred_cells_are_bounded_as_made_ones():
    doc = defer_cells(Document(text="", form="html"), _Many(MAX_CELLS + 5))
    bound_document(doc)
    assert len(doc.cells) == MAX_CELLS
    assert any("only the first" in w for w in doc.warnings)
    small = defer_cells(Document(text="", form="html"), _Many(3))
    bound_document(small)
    assert small.deferred_cells() is not None  # (counted, not made)
    assert small.cells == _Many(3).cells()
