"""The PDF source reads pages through PDFium: its glyph boxes and rulings are those pdfminer
gave (so the layout rules written for them still hold), and its table search finds exactly
the cells pdfplumber's table finder finds from the same rulings."""

from __future__ import annotations

import io
import itertools
import random

import pdfplumber
import pytest
from pdfplumber.table import TableFinder

from fixtures.attachments.pdf_render import PDF_STYLES, render_pdf
from fixtures.reportgen import random_record
from parsers.cells.pdf_rulings import (
    TABLE_SETTINGS,
    closing_edges,
    find_tables,
    ruling_edges,
    visible,
)
from parsers.cells.pdfium import PdfFile

PLUMBER_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", **TABLE_SETTINGS}


def _pdfs() -> list[bytes]:
    rng = random.Random(11)
    out = []
    for i, style in enumerate(PDF_STYLES * 2):
        record = random_record(rng, ("2019", "2021")[i % 2], blank_rate=0.05, big=i == 3)
        out.append(render_pdf(record, style))
    return out


PDFS = _pdfs()


class _Page:
    """What pdfplumber's table finder reads of a page."""

    def __init__(self, edges):
        self.edges = edges
        self.bbox = (0, 0, 600, 900)


@pytest.mark.parametrize("data", PDFS, ids=[f"{s}-{i}" for i, s in enumerate(PDF_STYLES * 2)])
def test_tables_are_the_cells_pdfplumbers_finder_gives(data):
    tables = 0
    with PdfFile(data) as pdf:
        for _, content in pdf.pages():
            edges = ruling_edges([s for s in content.shapes if visible(s)])
            want = TableFinder(_Page(edges), PLUMBER_SETTINGS).tables
            got = find_tables(edges)
            assert [t.cells for t in got] == [t.cells for t in want]
            assert [t.bbox for t in got] == [t.bbox for t in want]
            tables += len(got)
            if want:
                extra_h, extra_v = closing_edges([t.bbox for t in want], edges)
                settings = dict(
                    PLUMBER_SETTINGS,
                    explicit_horizontal_lines=extra_h,
                    explicit_vertical_lines=extra_v,
                )
                if extra_h or extra_v:
                    want = TableFinder(_Page(edges), settings).tables
                    assert [t.cells for t in find_tables(edges, extra_h, extra_v)] == [
                        t.cells for t in want
                    ]
    unruled = data in PDFS[2::3]
    assert tables or unruled


def _random_rulings(rng: random.Random) -> list[dict]:
    """A page of rulings as exports draw them: a grid whose lines are split into pieces,
    nudged off their place by up to a few points (snapped or not), some missing, and a few
    stray short strokes, in any order."""

    def nudge() -> float:
        return rng.choice([0.0, 0.0, 0.3, -0.7, 1.5, 2.9, 3.1, rng.uniform(-4, 4)])

    xs = sorted(rng.sample(range(50, 550, 10), rng.randint(2, 8)))
    ys = sorted(rng.sample(range(50, 800, 12), rng.randint(2, 12)))
    edges = []
    for across, along, orientation in ((ys, xs, "h"), (xs, ys, "v")):
        for at in across:
            if rng.random() < 0.1:
                continue
            cuts = sorted(rng.sample(along, rng.randint(2, len(along))))
            if rng.random() < 0.7:
                cuts = [along[0], along[-1]]
            for start, end in itertools.pairwise(cuts):
                place = at + nudge()
                a, b = start + nudge(), end + nudge()
                if orientation == "h":
                    edges.append(
                        {
                            "orientation": "h",
                            "x0": a,
                            "x1": b,
                            "top": place,
                            "bottom": place,
                            "width": b - a,
                            "height": 0.0,
                        }
                    )
                else:
                    edges.append(
                        {
                            "orientation": "v",
                            "x0": place,
                            "x1": place,
                            "top": a,
                            "bottom": b,
                            "width": 0.0,
                            "height": b - a,
                        }
                    )
    for _ in range(rng.randint(0, 4)):
        x, y, w, h = rng.uniform(0, 600), rng.uniform(0, 800), rng.uniform(0, 5), rng.uniform(0, 5)
        edges.append({"orientation": rng.choice(["h", "v", None]), "x0": x, "x1": x + w,
                      "top": y, "bottom": y + h, "width": w, "height": h})  # fmt: skip
    rng.shuffle(edges)
    return edges


@pytest.mark.parametrize("seed", range(4))
def test_tables_from_random_rulings_are_the_cells_pdfplumbers_finder_gives(seed):
    rng = random.Random(seed)
    tables = 0
    for _ in range(60):
        edges = _random_rulings(rng)
        want = TableFinder(_Page(edges), PLUMBER_SETTINGS).tables
        got = find_tables(edges)
        assert [t.cells for t in got] == [t.cells for t in want]
        tables += len(got)
        if want:
            extra_h, extra_v = closing_edges([t.bbox for t in want], edges)
            settings = dict(
                PLUMBER_SETTINGS, explicit_horizontal_lines=extra_h, explicit_vertical_lines=extra_v
            )
            want = TableFinder(_Page(edges), settings).tables
            assert [t.cells for t in find_tables(edges, extra_h, extra_v)] == [
                t.cells for t in want
            ]
    assert tables > 30


@pytest.mark.parametrize("data", PDFS[:3], ids=PDF_STYLES)
def test_glyphs_and_rulings_are_where_pdfminer_put_them(data):
    plumber = pdfplumber.open(io.BytesIO(data))
    with PdfFile(data) as pdf:
        for number, content in pdf.pages():
            page = plumber.pages[number]
            theirs = [c for c in page.chars if not c["text"].isspace()]
            assert len(content.glyphs) == len(theirs)

            def order(g):
                return (g["text"], round(g["x0"]), round(g["bottom"]))

            for ours, their in zip(
                sorted(content.glyphs, key=order), sorted(theirs, key=order), strict=True
            ):
                assert ours["text"] == their["text"]
                assert ours["x0"] == pytest.approx(their["x0"], abs=0.1)
                # the loose box of a few glyphs ends past their advance, by up to 1.5 pt
                assert ours["x1"] == pytest.approx(their["x1"], abs=1.5)
                for key in ("top", "bottom"):  # one em from the descent, as pdfminer has it
                    assert ours[key] == pytest.approx(their[key], abs=0.5), (key, ours, their)
            ours = sorted(
                (round(e["x0"], 1), round(e["top"], 1), round(e["x1"], 1), round(e["bottom"], 1))
                for e in ruling_edges([s for s in content.shapes if visible(s)])
                if e["orientation"]
            )
            their = sorted(
                (round(e["x0"], 1), round(e["top"], 1), round(e["x1"], 1), round(e["bottom"], 1))
                for e in page.filter(visible).edges
                if e["orientation"]
            )
            assert ours == their


def test_glyphs_a_degenerate_matrix_throws_to_infinity_are_left_out():
    from fixtures.attachments.hostile import minimal_pdf
    from parsers.cells.pdf import pdf_document
    from parsers.unsupported import UnsupportedDocument

    content = (
        b"0 0 179 13411 0 0 cm\n0 0 0 232526 0 0 cm\n0 26648 0 0 0 0 cm\n"
        b"BT /F1 -40475767502536704.000 Tf 0 0 Td (123 \\(x) Tj ET\n"
        + b"BT /F1 0 Tf 0 0 Td (123 \\(x) Tj ET\n"
        * 3
    )
    data = minimal_pdf(content, compress=False)
    with PdfFile(data) as pdf:
        for _, page in pdf.pages():
            assert all(-1e9 < g[k] < 1e9 for g in page.glyphs for k in ("x0", "x1", "top"))
    with pytest.raises(UnsupportedDocument):  # nothing readable is left: no text layer
        pdf_document(data)
