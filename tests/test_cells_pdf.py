"""The PDF cell source: tables from the text layer, across pages, with and without rulings."""

from __future__ import annotations

import io
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import parsers
from fixtures.attachments import hostile
from fixtures.attachments.pdf_render import PDF_STYLES, _font, render_pdf
from fixtures.reportgen import random_record, strip_private
from parsers.cells.base import Document
from parsers.cells.pdf import _decode_info, pdf_document
from parsers.cells.pdf_text import find_furniture, group_lines, is_page_number, join_lines, reflow
from parsers.labels import normalize_label
from parsers.limits import Limits
from parsers.model import ParseError
from parsers.sniff import NO_TEXT_LAYER, PASSWORD, UNMAPPED
from parsers.unsupported import UnsupportedDocument, unsupported_report
from tests.corpus import cases, cell_differences

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def rows_of(doc: Document, table: int) -> dict[int, dict[int, str]]:
    """{row: {col: text}} of one table."""
    out: dict[int, dict[int, str]] = {}
    for c in doc.cells:
        if c.table == table:
            out.setdefault(c.row, {})[c.col] = c.text
    return out


def table_with(doc: Document, key: str) -> int:
    for c in doc.cells:
        if key in normalize_label(c.text):
            return c.table
    raise AssertionError(f"no table holds {key}")


def row_with(rows: dict[int, dict[int, str]], key: str) -> dict[int, str]:
    hits = [
        cells for cells in rows.values() if any(key in normalize_label(t) for t in cells.values())
    ]
    assert len(hits) == 1, f"{len(hits)} rows hold {key}"
    return hits[0]


def glyph(text: str, x0: float, top: float, size: float = 10.0, width: float | None = None) -> dict:
    width = size if width is None else width
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + size}


def run(
    text: str, x0: float, top: float, size: float = 10.0, step: float | None = None
) -> list[dict]:
    """Glyphs of ``text`` set from ``x0``, one every ``step`` points (Latin glyphs are narrow)."""
    step = size if step is None else step
    width = min(size, step - 0.5) if step < size else size
    return [glyph(ch, x0 + i * step, top, size, width) for i, ch in enumerate(text)]


# --------------------------------------------------------------------------------------------
# The real PDF of the corpus
# --------------------------------------------------------------------------------------------

PDF_CASES = cases("pdf")


@pytest.mark.skipif(not PDF_CASES, reason="shared corpus not available")
@pytest.mark.parametrize("case", PDF_CASES, ids=lambda c: c.name)
def test_corpus_pdf_reproduces_its_record(case):
    data = case.document.read_bytes()
    record = parsers.parse(data, source=str(case.document)).to_dict()
    assert cell_differences(case.expected, record, case.uncertain) == []
    for key in ("agency", "year", "published", "template"):
        assert record[key] == case.expected[key], key
    assert {c["rule"]: c["ok"] for c in record["checks"]} == {
        c["rule"]: c["ok"] for c in case.expected["checks"]
    }


@pytest.mark.skipif(not PDF_CASES, reason="shared corpus not available")
@pytest.mark.parametrize("case", PDF_CASES, ids=lambda c: c.name)
def test_corpus_pdf_cells_stand_under_their_headers(case):
    """Every value of tables 三 and 四 sits in the grid column of its header cell."""
    doc = pdf_document(case.document.read_bytes())
    apps = case.expected["tables"]["applications"]
    t3 = table_with(doc, "本年新收")
    rows = rows_of(doc, t3)
    header_col = {}
    for cells in rows.values():
        for col, text in cells.items():
            header_col.setdefault(normalize_label(text), col)
    columns = {
        "natural_person": "自然人",
        "commercial": "商业企业",
        "research": "科研机构",
        "social_org": "社会公益组织",
        "legal_service": "法律服务机构",
        "other_org": "其他",
        "total": "总计",
    }
    labels = {
        "new": "本年新收",
        "carried_over": "上年结转",
        "unable_not_held": "不掌握",
        "total": "(七)总计",
    }
    labels |= {"denied_process_info": "过程性信息", "carried_forward": "结转下年度"}
    for code, key in labels.items():
        row = row_with(rows, key)
        for column, header in columns.items():
            assert row.get(header_col[header]) == str(apps[code][column]), (code, column)
    # Table 四: one row of 15 values in group order.
    t4 = table_with(doc, "复议后起诉")
    values = [r for r in rows_of(doc, t4).values() if all(t.isdigit() for t in r.values())]
    assert len(values) == 1
    appeals = case.expected["tables"]["appeals"]
    expected = [
        str(appeals[g][r])
        for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        for r in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert [values[0][c] for c in sorted(values[0])] == expected


@pytest.mark.skipif(not PDF_CASES, reason="shared corpus not available")
def test_corpus_pdf_text_is_clean():
    doc = pdf_document(PDF_CASES[0].document.read_bytes())
    lines = doc.text.splitlines()
    assert not any(is_page_number(line) for line in lines)
    # Wrapped lines are joined back into paragraphs: the period sentence is one line.
    assert any("统计期限自2023年1月1日起至2023年12月31日止" in line for line in lines)
    assert doc.title and "政府信息公开工作年度报告" in doc.title


# --------------------------------------------------------------------------------------------
# Generated PDFs: every style round-trips exactly
# --------------------------------------------------------------------------------------------

SEEDS = range(6)


@pytest.mark.parametrize("style", PDF_STYLES)
@pytest.mark.parametrize("seed", SEEDS)
def test_generated_pdf_round_trips(style, seed):
    rng = random.Random(seed)
    record = random_record(rng, rng.choice(["2019", "2021"]), blank_rate=0.1, dash_rate=0.03)
    parsed = parsers.parse(render_pdf(record, style), source="x.pdf").to_dict()
    expected = strip_private(record)
    assert cell_differences(expected, parsed) == []
    for key in ("agency", "year", "published", "template"):
        assert parsed[key] == expected[key], key


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32),
    st.sampled_from(["2019", "2021"]),
    st.sampled_from(PDF_STYLES),
    st.sampled_from([0.0, 0.1, 0.3, 0.5]),
    st.sampled_from([0.0, 0.05]),
    st.booleans(),
)
def test_random_tables_round_trip_through_pdf(seed, template, style, blank, dash, big):
    record = random_record(random.Random(seed), template, blank_rate=blank, dash_rate=dash, big=big)
    parsed = parsers.parse(render_pdf(record, style)).to_dict()
    assert cell_differences(strip_private(record), parsed) == []


def _applications_table(doc: Document) -> dict[int, dict[int, str]]:
    return rows_of(doc, table_with(doc, "本年新收"))


@pytest.mark.parametrize("style", ["ruled", "unruled"])
def test_table_broken_by_a_page_is_one_table(style):
    record = random_record(random.Random(3), "2021")
    data = render_pdf(record, style)
    doc = pdf_document(data)
    rows = _applications_table(doc)
    # The first and the last row of table 三 are in one table although pages apart.
    first, last = row_with(rows, "本年新收"), row_with(rows, "结转下年度")
    assert first and last
    assert "— 2 —" in hostile_text_pages(data)


def hostile_text_pages(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def test_header_rows_repeated_after_a_page_break_are_dropped():
    record = random_record(random.Random(3), "2021")
    data = render_pdf(record, "ruled")
    assert hostile_text_pages(data).count("申请人情况") == 2  # the PDF repeats the header
    rows = _applications_table(pdf_document(data))
    headers = [t for cells in rows.values() for t in cells.values() if t == "申请人情况"]
    assert headers == ["申请人情况"]


def test_page_numbers_and_running_headers_leave_the_text():
    record = random_record(random.Random(4), "2019")
    doc = pdf_document(render_pdf(record, "wps"))
    lines = doc.text.splitlines()
    assert not any(is_page_number(line) for line in lines)
    assert f"{record['agency']}办公室" not in lines


def test_invisible_background_rectangles_make_no_tables():
    record = random_record(random.Random(5), "2021")
    doc = pdf_document(render_pdf(record, "wps"))
    assert {c.table for c in doc.cells} == {0, 1, 2}
    assert not any("本报告根据" in c.text for c in doc.cells)


def test_merged_cells_keep_their_first_position_and_spans():
    record = random_record(random.Random(6), "2021")
    doc = pdf_document(render_pdf(record, "ruled"))
    t3 = table_with(doc, "本年新收")
    cells = [c for c in doc.cells if c.table == t3]
    group = next(c for c in cells if normalize_label(c.text) == "三,本年度办理结果")
    assert group.rowspan == 22 and group.col == 0
    legal = next(c for c in cells if c.text == "法人或其他组织")
    assert legal.colspan == 5
    # No cell starts inside a merged cell.
    covered = {
        (r, col)
        for c in cells
        for r in range(c.row, c.row + c.rowspan)
        for col in range(c.col, c.col + c.colspan)
        if (r, col) != (c.row, c.col)
    }
    assert not covered & {(c.row, c.col) for c in cells}


# --------------------------------------------------------------------------------------------
# Geometry: numbers split and merged by the layout
# --------------------------------------------------------------------------------------------


def _canvas_pdf(draw) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont(_font(), 10)
    draw(c)
    c.showPage()
    c.save()
    return out.getvalue()


def test_number_wrapped_inside_a_ruled_cell_is_one_number():
    def draw(c):
        x = [100, 260, 300, 340]
        for y in (700, 680, 640):
            c.line(x[0], y, x[-1], y)
        for xx in x:
            c.line(xx, 640, xx, 700)
        c.drawString(104, 686, "信息内容")
        c.drawString(264, 686, "件数")
        c.drawString(304, 686, "金额")
        c.drawString(104, 660, "行政处罚")
        c.drawString(264, 666, "41")  # 4119 wrapped in a narrow cell
        c.drawString(264, 652, "19")
        c.drawString(304, 660, "7")

    rows = rows_of(pdf_document(_canvas_pdf(draw)), 0)
    assert rows[1] == {0: "行政处罚", 1: "4119", 2: "7"}


def test_numbers_run_together_are_cut_where_the_columns_are():
    anchors = [300, 320, 340]  # narrow value columns, no rulings

    def draw(c):
        for i, label in enumerate(["本年新收", "上年结转", "予以公开"]):
            y = 700 - 20 * i
            c.drawString(100, y, label)
            if i == 1:
                # "7" and "15" in adjacent columns, spaced so that they read as one run "715".
                t = c.beginText(anchors[0] - 2.5, y)
                t.setFont(_font(), 10)
                t.setCharSpace(8)
                t.textOut("715")
                t.setCharSpace(0)  # the text state outlives the text object
                c.drawText(t)
                c.drawCentredString(anchors[2], y, "22")
                continue
            for a, v in zip(anchors, ["1", "2", "3"], strict=True):
                c.drawCentredString(a, y, v)

    doc = pdf_document(_canvas_pdf(draw))
    rows = rows_of(doc, 0)
    assert row_with(rows, "上年结转") == {0: "上年结转", 1: "7", 2: "15", 3: "22"}
    assert row_with(rows, "本年新收") == {0: "本年新收", 1: "1", 2: "2", 3: "3"}


def test_no_table_found_gives_run_together_cells():
    lines = [
        "某某区人民政府2023年政府信息公开工作年度报告",
        "一、本年新收政府信息公开申请数量801000081",
        "二、上年结转政府信息公开申请数量0000000",
    ]
    doc = pdf_document(hostile.text_pdf(lines))
    assert doc.cells and all(c.glued and c.table is None for c in doc.cells)
    assert [c.text for c in doc.cells] == lines
    assert any("no table found" in w for w in doc.warnings)


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def test_chinese_glyph_gaps_are_not_spaces_but_latin_word_gaps_are():
    line = group_lines(
        run("电话", 0, 0)
        + run("0517", 24, 0, step=5.5)
        + run("ab", 50, 0, step=5)
        + run("cd", 63, 0, step=5)
    )[0]
    assert line.text == "电话0517 ab cd"
    assert join_lines(
        ["本报告由淮安市洪泽区人民政府办公室根据《中华人民共和", "国政府信息公开条例》"]
    ) == ("本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》")
    assert join_lines(["Jisupdf", "Editor"]) == "Jisupdf Editor"
    assert join_lines(["41", "19"]) == "4119"


def test_a_wide_gap_splits_a_line_into_segments():
    line = group_lines(run("行政许可", 0, 0) + run("550", 200, 0, step=5.5))[0]
    assert [s.text for s in line.segments] == ["行政许可", "550"]


def test_glyphs_drawn_twice_for_bold_are_read_once():
    glyphs = run("规章", 0, 0) + run("规章", 0.3, 0.2)
    assert group_lines(glyphs)[0].text == "规章"


@pytest.mark.parametrize(
    ("text", "furniture"),
    [
        ("— 3 —", True),
        ("- 12 -", True),
        ("3", True),
        ("第 3 页", True),
        ("第3页 共9页", True),
        ("3/9", True),
        ("Page 2 of 7", True),
        ("2023年", False),
        ("一、总体情况", False),
        ("21", True),
    ],
)
def test_page_number_forms(text, furniture):
    assert is_page_number(text) is furniture


def test_running_header_repeated_on_pages_is_furniture_but_body_lines_are_not():
    height = 842.0
    pages = []
    for p in range(4):
        lines = group_lines(
            run("洪泽区人民政府办公室", 100, 30)
            + run("正文第一行", 100, 300 + p)
            + run(f"- {p + 1} -", 280, 800, step=6)
        )
        pages.append((height, lines))
    found = find_furniture(pages)
    texts = {pages[p][1][i].text for p, i in found}
    assert texts == {"洪泽区人民政府办公室", "- 1 -", "- 2 -", "- 3 -", "- 4 -"}


def test_reflow_joins_wrapped_lines_and_keeps_headings_and_indents():
    lines = group_lines(
        run("一、总体情况", 80, 100)
        + run("本年度主动公开信息一千余条，依申请", 100, 120)  # indented paragraph start
        + run("公开工作平稳有序。", 80, 140)
        + run("二、主动公开政府信息情况", 80, 160)
    )
    right = max(line.x1 for line in lines)
    assert reflow(lines, 80, right) == [
        "一、总体情况",
        "本年度主动公开信息一千余条，依申请公开工作平稳有序。",
        "二、主动公开政府信息情况",
    ]


def test_utf16le_info_strings_are_decoded():
    title = "洪泽区人民政府2023年报告"
    data = hostile.pdf_with_info(
        Title=b"\xff\xfe" + title.encode("utf-16-le"),  # as WPS writes it (not PDF's own BE)
        Author=b"\xfe\xff" + "张三".encode("utf-16-be"),
    )
    from parsers.cells.pdf import _metadata
    from parsers.cells.pdfium import PdfFile

    with PdfFile(data) as pdf:
        meta = _metadata(pdf.metadata())
    assert meta["PdfTitle"] == title and meta["PdfAuthor"] == "张三"
    assert _decode_info("ÿþ" + "报告".encode("utf-16-le").decode("latin-1")) == "报告"
    assert _decode_info("plain title") == "plain title"


@pytest.mark.parametrize(
    "title",
    [
        b"\xfe\xff\xd8\x00",  # a lone high surrogate, PDF's own UTF-16BE
        b"\xff\xfe\x00\xd8",  # the same as WPS's UTF-16LE
        b"\xfe\xff\xdc\x00\x00A",  # a lone low surrogate before a letter
    ],
)
def test_info_string_that_is_not_utf16_keeps_the_others_and_the_document(title):
    data = hostile.pdf_with_info(Title=title, Author=b"\xfe\xff" + "张三".encode("utf-16-be"))
    from parsers.cells.pdfium import PdfFile

    with PdfFile(data) as pdf:
        meta = pdf.metadata()
    assert meta["Author"] == "张三"
    assert "\ufffd" in meta["Title"] and meta["Title"].encode("utf-8")  # no lone surrogate
    # the document is still read: its one page is empty, so it is a scan, not unreadable
    with pytest.raises(UnsupportedDocument) as info:
        pdf_document(data)
    assert info.value.sniffed.detail == NO_TEXT_LAYER


# --------------------------------------------------------------------------------------------
# Bad input: bounded time, a clear error or a warning
# --------------------------------------------------------------------------------------------


def test_scanned_pdf_is_unsupported_with_its_reason():
    data = hostile.scanned_pdf()
    with pytest.raises(UnsupportedDocument) as info:
        pdf_document(data)
    assert info.value.sniffed.detail == NO_TEXT_LAYER
    report = unsupported_report(info.value.sniffed, data, "scan.pdf")
    assert report.warnings == ["scanned PDF: no text layer"]
    assert report.template == "unknown" and report.tables == {}


def test_pdf_that_needs_a_password_is_unsupported():
    with pytest.raises(UnsupportedDocument) as info:
        pdf_document(hostile.text_pdf(["本年新收 1 2 3"], user_password="secret"))
    assert info.value.sniffed.detail == PASSWORD


def test_pdf_with_an_owner_password_only_is_read():
    data = hostile.text_pdf(
        ["Annual report 2023: 1136 items"], owner_password="x", font="Helvetica"
    )
    assert "Annual report 2023: 1136 items" in pdf_document(data).text


def test_text_layer_without_a_character_map_is_unsupported():
    data = hostile.unmapped_cid_pdf()
    with pytest.raises(UnsupportedDocument) as info:
        pdf_document(data)
    assert info.value.sniffed.detail == UNMAPPED
    assert unsupported_report(info.value.sniffed, data).warnings == [
        "PDF: not parsed (text layer without a character map)"
    ]


def test_an_encrypted_cid_font_is_read_through_its_embedded_map():
    # pdfminer could not map this encrypted CID font's glyphs to characters ("(cid:1952)"…)
    data = hostile.text_pdf(["洪泽区人民政府2023年政府信息公开工作年度报告"], owner_password="x")
    assert "洪泽区人民政府2023年政府信息公开工作年度报告" in pdf_document(data).text


def test_flate_bomb_is_refused_before_inflating():
    data = hostile.flate_bomb_pdf(40 << 20)
    assert len(data) < 100_000
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        pdf_document(data, limits=Limits(max_unpacked_bytes=16 << 20))
    assert info.value.reason == "zip_bomb"
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.9, 0.99])
def test_truncated_pdf_gives_a_parse_error(fraction):
    record = random_record(random.Random(8), "2021")
    data = hostile.truncated(render_pdf(record), fraction)
    try:
        doc = pdf_document(data)
    except UnsupportedDocument:
        return
    except ParseError as err:
        assert "truncated" in str(err) or "damaged" in str(err)
        return
    assert isinstance(doc, Document)


def test_page_cap_is_named_in_a_warning():
    doc = pdf_document(hostile.text_pdf(["第一行"], pages=12), limits=Limits(max_pages=3))
    assert "PDF capped: read 3 of 12 pages (page limit)" in doc.warnings


def test_time_cap_stops_between_pages_after_the_first():
    doc = pdf_document(hostile.text_pdf(["第一行"], pages=5), limits=Limits(max_seconds=0))
    assert "PDF capped: read 1 of 5 pages (time limit 0 s)" in doc.warnings
    assert "第一行" in doc.text


def test_glyph_cap_per_page_is_named():
    doc = pdf_document(
        hostile.text_pdf(["一二三四五六七八九十"]), limits=Limits(max_chars_per_page=4)
    )
    assert any("only the first 4 read (glyph limit)" in w for w in doc.warnings)


def test_ruling_cap_per_page_is_named():
    def draw(c):
        for i in range(60):
            c.line(100, 100 + 5 * i, 300, 100 + 5 * i)
        c.drawString(100, 700, "本年新收 1 2 3")

    doc = pdf_document(_canvas_pdf(draw), limits=Limits(max_rulings_per_page=50))
    assert "PDF page 1: 60 drawn lines, tables not searched (ruling limit)" in doc.warnings
    assert "本年新收" in doc.text


def test_input_size_cap():
    with pytest.raises(ParseError) as info:
        pdf_document(hostile.text_pdf(["x"]), limits=Limits(max_input_bytes=100))
    assert info.value.reason == "too_large"


def test_not_a_pdf_gives_a_parse_error():
    with pytest.raises(ParseError):
        pdf_document(b"%PDF-1.4\n" + b"\x00garbage" * 100)


def test_a_generated_pdf_is_the_same_file_every_time_it_is_rendered():
    # Records are compared across runs by their source's sha256: a generated PDF that carried
    # its creation time or a random document ID would differ on every run.
    record = random_record(random.Random(5), "2021")
    first = render_pdf(record, PDF_STYLES[0])
    time.sleep(1.1)  # past the PDF date's one-second resolution
    assert render_pdf(record, PDF_STYLES[0]) == first
