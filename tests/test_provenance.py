"""Where each number came from: the parser keeps, for every placed value, the cell of the source
it was printed in (HTML table/grid row/column, the line of pipe text, the PDF page and box),
its row's label as printed, the column header that placed it and how the columns were decided;
the store keeps it beside the record and gives it back to the review app only."""

from __future__ import annotations

import json
import pickle
import random

import pytest

import parsers
from fixtures.reportgen import random_record, render_html, render_pipe
from fixtures.review import report_page
from output.store import decode_report, encode_report
from parsers.cells.html import html_document
from parsers.cells.pipe import pipe_document
from parsers.model import NUMBER, UNCERTAIN
from parsers.provenance import header_text
from parsers.tables.read import read_tables


def _record(seed: int = 11) -> dict:
    return random_record(random.Random(seed), "2021")


def _stored(report):
    """The report as the review app reads it back from a store."""
    return decode_report(
        json.loads(json.dumps(encode_report(report), ensure_ascii=False)), origins=True
    )


def test_html_cells_point_at_their_grid_cell_row_label_and_column_header():
    html = render_html(_record(), "clean")
    report = parsers.parse(html.encode("utf-8"))
    grid = {(c.table, c.row, c.col): c.text for c in html_document(html).cells}
    numbers = [(s, r, c, cell) for s, r, c, cell in report.cells() if cell.status == NUMBER]
    assert numbers
    for _section, _row, _column, cell in numbers:
        source = cell.source
        assert source is not None
        assert grid[(source.table, source.row, source.col)] == source.text == cell.raw
    granted = report.tables["applications"]["granted"]["commercial"]
    assert granted.origin.label_text.endswith("予以公开")
    assert granted.origin.how == "header"
    assert header_text(granted.origin, "granted", "commercial") == "商业企业"
    # a row's label cells share its grid row (headers printed above the first row are not in it)
    label = granted.origin.label_cells
    assert label and all(c.table == granted.source.table for c in label)
    assert report.tables["proactive"]["regulations"]["issued"].origin.label_text == "规章"
    appeals = report.tables["appeals"]["litigation_direct"]["total"]
    assert (
        header_text(appeals.origin, "litigation_direct", "total")
        == "行政诉讼 / 未经复议直接起诉 / 总计"
    )


def test_pipe_cells_point_at_the_line_they_are_printed_on():
    text = render_pipe(_record())
    lines = text.splitlines()
    # the fast path keeps the line alone (an int, no object per value); the general reader, on
    # cells, the cell with its line; the store gives both back as cells
    fast = parsers.parse(text.encode("utf-8"))
    general = read_tables(pipe_document(text)).tables
    report = _stored(fast)
    numbers = [(key, cell) for *key, cell in report.cells() if cell.status == NUMBER]
    assert len(numbers) > 100
    for (section, row, column), cell in numbers:
        printed = lines[cell.source.line - 1]
        assert printed.strip().rstrip("|").strip() == cell.raw
        assert fast.tables[section][row][column].source == cell.source.line
        assert general[section][row][column].source.line == cell.source.line
    for tables in (report.tables, general):
        granted = tables["applications"]["granted"]["natural_person"]
        assert granted.origin.how == "order" and granted.origin.label_text.endswith("予以公开")
        assert header_text(granted.origin, "granted", "natural_person") is None  # no headers
        label_line = granted.origin.label_cells[-1].line
        assert label_line < granted.source.line and "予以公开" in lines[label_line - 1]


def test_pdf_cells_carry_the_page_and_box_their_text_is_printed_in():
    pypdfium2 = pytest.importorskip("pypdfium2")
    from fixtures.attachments.pdf_render import render_pdf
    from parsers.cells.pdfium import PDFIUM_LOCK

    data = render_pdf(_record(), "ruled")
    report = _stored(parsers.parse(data))  # through the store, as the review app reads it
    numbers = [cell for *_key, cell in report.cells() if cell.status == NUMBER]
    assert len(numbers) > 100
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            pages = {}
            for cell in numbers:
                page_number, x0, top, x1, bottom = cell.source.box
                if page_number not in pages:
                    page = document[page_number - 1]
                    pages[page_number] = (page, page.get_textpage(), page.get_bbox())
                _page, text, (left, _bottom, _right, page_top) = pages[page_number]
                inside = text.get_text_bounded(
                    left + x0, page_top - bottom, left + x1, page_top - top
                )
                assert "".join(inside.split()) == cell.raw, (cell.source.box, inside)
            for page, text, _box in pages.values():
                text.close()
                page.close()
        finally:
            document.close()
    assert len({c.source.box[0] for c in numbers}) >= 2  # the tables run over several pages


def test_an_undecided_row_keeps_its_label_and_printed_values():
    report = _stored(parsers.parse(report_page(7, "梅河口市进化镇人民政府", 2023, glue=True)))
    cell = report.tables["proactive"]["regulations"]["issued"]
    assert cell.status == UNCERTAIN and cell.source is None
    assert cell.origin.label_text == "规章" and cell.origin.how == "arithmetic"
    (printed,) = cell.origin.printed
    assert printed.text.isdigit() and len(printed.text) >= 3  # the numbers run together
    assert (printed.table, printed.row) == (
        cell.origin.label_cells[0].table,
        cell.origin.label_cells[0].row,
    )


def test_the_store_keeps_provenance_aside_and_the_export_never_reads_it():
    report = parsers.parse(render_html(_record(), "clean").encode("utf-8"))
    encoded = encode_report(report)
    assert isinstance(encoded["_origins"], str)  # one compressed text, not objects to build
    assert all(len(entry) == 3 for rows in encoded["_cells"].values()
               for columns in rows.values() for entry in columns.values())  # fmt: skip
    plain = decode_report(json.loads(json.dumps(encoded)))
    assert plain.to_dict() == report.to_dict()
    assert all(cell.source is None and cell.origin is None for *_k, cell in plain.cells())
    back = _stored(report)
    for (_s, _r, _c, before), (_s2, _r2, _c2, after) in zip(
        report.cells(), back.cells(), strict=True
    ):
        if before.source is None:
            assert after.source is None
        else:
            kept = (after.source.table, after.source.row, after.source.col, after.source.text)
            assert kept == (before.source.table, before.source.row, before.source.col, before.raw)
        assert after.origin.label_text == before.origin.label_text
    # a record stored before provenance existed reads as it did
    del encoded["_origins"]
    older = decode_report(json.loads(json.dumps(encoded)), origins=True)
    assert older.to_dict() == report.to_dict() and all(c.source is None for *_k, c in older.cells())


def test_records_cross_process_boundaries_with_their_provenance_and_readings():
    report = parsers.parse(report_page(7, "梅河口市进化镇人民政府", 2023, glue=True))
    back = pickle.loads(pickle.dumps(report))
    for (*_key, before), (*_same, after) in zip(report.cells(), back.cells(), strict=True):
        assert after == before
        assert (after.readings is None) == (before.readings is None)
        assert (after.source is None) == (before.source is None)
        if before.source is not None:
            assert after.source.text == before.source.text
            assert (after.source.row, after.source.col) == (before.source.row, before.source.col)
        assert after.origin.label_text == before.origin.label_text
    assert any(c.readings is not None for *_k, c in back.cells())
