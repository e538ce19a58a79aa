"""A cell's spot marked inside the archived source, on the server (the source frame runs no
script): the table cell of an HTML page, the line of a text document, the box on a PDF page."""

from __future__ import annotations

import io
import random

import pytest
from selectolax.lexbor import LexborHTMLParser

import parsers
from fixtures.reportgen import random_record, render_pipe
from fixtures.review import report_page
from output.store import decode_report, encode_report
from review.spots import ANCHOR, mark_html, mark_lines, marks_for, page_boxes


def _stored(report):
    """The report as the review app reads it back from its store."""
    return decode_report(encode_report(report), origins=True)


def test_an_html_cell_its_row_label_and_column_header_are_marked_in_the_page():
    page = report_page(5, "梅河口市进化镇人民政府", 2023).decode("utf-8")
    report = _stored(parsers.parse(page.encode("utf-8")))
    cell = report.tables["applications"]["granted"]["commercial"]
    marked, found = mark_html(page, marks_for(cell, "granted", "commercial"))
    assert found >= 3
    tree = LexborHTMLParser(marked)
    spot = tree.css_first(f"#{ANCHOR}")
    assert spot.attributes["data-ogi"] == "cell" and spot.text(strip=True) == cell.raw
    assert "予以公开" in " ".join(n.text(strip=True) for n in tree.css("[data-ogi=row]"))
    assert [n.text(strip=True) for n in tree.css("[data-ogi=column]")][-1] == "商业企业"
    assert len(tree.css("[data-ogi=cell]")) == 1
    assert "data-ogi=cell" in tree.css_first("head style").text()  # the rule that colours it


def test_a_page_that_no_longer_reads_as_parsed_is_left_unmarked():
    page = report_page(5, "梅河口市进化镇人民政府", 2023).decode("utf-8")
    report = _stored(parsers.parse(page.encode("utf-8")))
    cell = report.tables["applications"]["granted"]["commercial"]
    changed = page.replace(f">{cell.raw}<", ">一百<")  # not the text the parser stored there
    marks = [m for m in marks_for(cell, "granted", "commercial") if m.kind == "cell"]
    assert mark_html(changed, marks) == (changed, 0)


def test_a_pipe_text_cell_is_marked_on_its_line():
    text = render_pipe(random_record(random.Random(4), "2021"))
    report = _stored(parsers.parse(text.encode("utf-8")))
    cell = report.tables["applications"]["granted"]["natural_person"]
    shown = LexborHTMLParser(mark_lines(text, marks_for(cell, "granted", "natural_person")))
    spot = shown.css_first(f"#{ANCHOR}")
    assert spot.attributes["data-ogi"] == "cell"
    assert spot.css_first("i").text() == str(cell.source.line)
    printed = spot.text().removeprefix(str(cell.source.line))  # the line, after its number
    assert printed.strip().rstrip("|").strip() == cell.raw
    assert "予以公开" in " ".join(n.text() for n in shown.css("[data-ogi=row]"))
    assert len(shown.css("pre span")) == len(text.splitlines())
    assert not shown.css("script")


def test_a_pdf_cell_is_boxed_on_its_page_image():
    pytest.importorskip("pypdfium2")
    from PIL import Image

    from fixtures.attachments.pdf_render import render_pdf
    from review.source import BOX_COLOURS, pdf_page_png

    data = render_pdf(random_record(random.Random(4), "2021"), "ruled")
    report = _stored(parsers.parse(data))
    cell = report.tables["applications"]["granted"]["natural_person"]
    boxes = page_boxes(marks_for(cell, "granted", "natural_person"))
    number = cell.source.box[0]
    assert ("cell", cell.source.box[1:]) in boxes[number]
    plain = Image.open(io.BytesIO(pdf_page_png(data, number)))
    drawn = Image.open(io.BytesIO(pdf_page_png(data, number, boxes=boxes[number])))
    assert drawn.size == plain.size and drawn.tobytes() != plain.tobytes()
    x0, top, _x1, bottom = cell.source.box[1:]
    edge = (round(x0 * 1.5 - 2) + 1, round((top + bottom) / 2 * 1.5))  # the box's left side
    assert drawn.convert("RGB").getpixel(edge) == BOX_COLOURS["cell"][0]
