"""The DOCX cell source: merged cells on the grid, reading order, hostile packages."""

from __future__ import annotations

import copy
import io
import random
import zipfile

import pytest
from docx import Document as new_document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers
from fixtures.attachments import hostile
from fixtures.attachments.docx_render import DOCX_STYLES, render_docx
from fixtures.reportgen import random_record, strip_private
from parsers.cells.docx import docx_document, paragraph_text
from parsers.labels import normalize_label
from parsers.limits import Limits
from parsers.model import ParseError
from tests.corpus import cell_differences


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cells(data: bytes, table: int = 0) -> list[tuple[int, int, int, int, str]]:
    return [
        (c.row, c.col, c.rowspan, c.colspan, c.text)
        for c in docx_document(data).cells
        if c.table == table
    ]


# --------------------------------------------------------------------------------------------
# Generated reports round-trip exactly
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", DOCX_STYLES)
@pytest.mark.parametrize("seed", range(5))
def test_generated_docx_round_trips(style, seed):
    rng = random.Random(seed)
    record = random_record(rng, rng.choice(["2019", "2021"]), blank_rate=0.1, dash_rate=0.03)
    parsed = parsers.parse(render_docx(record, style), source="x.docx").to_dict()
    expected = strip_private(record)
    assert cell_differences(expected, parsed) == []
    for key in ("agency", "year", "published", "template"):
        assert parsed[key] == expected[key], key


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32),
    st.sampled_from(["2019", "2021"]),
    st.sampled_from(DOCX_STYLES),
    st.sampled_from([0.0, 0.1, 0.3, 0.5]),
    st.booleans(),
)
def test_random_tables_round_trip_through_docx(seed, template, style, blank, big):
    record = random_record(random.Random(seed), template, blank_rate=blank, dash_rate=0.05, big=big)
    parsed = parsers.parse(render_docx(record, style)).to_dict()
    assert cell_differences(strip_private(record), parsed) == []


def test_merged_cells_of_table_three_follow_the_html_rule():
    record = random_record(random.Random(2), "2021")
    doc = docx_document(render_docx(record, "clean"))
    t3 = next(c.table for c in doc.cells if "本年新收" in c.text)
    cells = [c for c in doc.cells if c.table == t3]
    group = next(c for c in cells if c.text == "三、本年度办理结果")
    assert (group.col, group.rowspan, group.colspan) == (0, 22, 1)
    corner = next(c for c in cells if c.text.startswith("（本列数据"))
    assert (corner.row, corner.col, corner.rowspan, corner.colspan) == (0, 0, 3, 3)
    assert next(c for c in cells if c.text == "法人或其他组织").colspan == 5
    starts = {(c.row, c.col) for c in cells}
    covered = {
        (r, k)
        for c in cells
        for r in range(c.row, c.row + c.rowspan)
        for k in range(c.col, c.col + c.colspan)
        if (r, k) != (c.row, c.col)
    }
    assert not starts & covered
    # Every grid position of the table is either a cell's start or covered by one.
    width = max(c.col + c.colspan for c in cells)
    height = max(c.row + c.rowspan for c in cells)
    assert starts | covered == {(r, k) for r in range(height) for k in range(width)}


def test_text_keeps_reading_order_with_tables_as_rows():
    record = random_record(random.Random(3), "2019")
    doc = docx_document(render_docx(record, "clean"))
    lines = doc.text.splitlines()
    i_heading = lines.index("三、收到和处理政府信息公开申请情况")
    i_row = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    i_next = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert i_heading < i_row < i_next
    assert " | " in lines[i_row]
    assert doc.title == f"{record['agency']}{record['year']}年政府信息公开工作年度报告"
    assert doc.form == "docx"


def test_title_split_over_two_paragraphs_is_joined():
    record = random_record(random.Random(4), "2021")
    doc = docx_document(render_docx(record, "paragraphs"))
    assert doc.title == f"{record['agency']}{record['year']}年政府信息公开工作年度报告"


# --------------------------------------------------------------------------------------------
# The grid: gridBefore, legacy hMerge, vMerge, nested tables, content controls
# --------------------------------------------------------------------------------------------


def _table_doc(rows: list[list[str]]):
    doc = new_document()
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    return doc, table


def test_grid_before_shifts_a_row_to_its_true_columns():
    doc, table = _table_doc([["信息内容", "自然人", "总计"], ["本年新收", "3", "3"]])
    tr = table.rows[1]._tr
    first = tr.findall(qn("w:tc"))[0]
    tr.remove(first)  # the row starts one grid column to the right
    tr_pr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.append(before)
    assert (1, 1, 1, 1, "3") in _cells(_save(doc))
    assert (1, 2, 1, 1, "3") in _cells(_save(doc))


def test_legacy_horizontal_merge_is_one_cell():
    doc, table = _table_doc([["申请人情况", "", "总计"], ["1", "2", "3"]])
    tcs = table.rows[0]._tr.findall(qn("w:tc"))
    for tc, val in ((tcs[0], "restart"), (tcs[1], None)):
        merge = OxmlElement("w:hMerge")
        if val:
            merge.set(qn("w:val"), val)
        tc.get_or_add_tcPr().append(merge)
    cells = _cells(_save(doc))
    assert (0, 0, 1, 2, "申请人情况") in cells
    assert (0, 2, 1, 1, "总计") in cells
    assert [c for c in cells if c[0] == 0 and c[1] == 1] == []


def test_vertical_merge_continues_until_a_restart():
    doc, table = _table_doc(
        [["（三）不予公开", "1.属于国家秘密"], ["", "2.其他"], ["（四）", "3.其他"]]
    )
    table.cell(0, 0).merge(table.cell(1, 0))
    cells = _cells(_save(doc))
    assert (0, 0, 2, 1, "（三）不予公开") in cells
    assert (2, 0, 1, 1, "（四）") in cells
    assert not [c for c in cells if (c[0], c[1]) == (1, 0)]


def test_nested_table_is_its_own_table_and_not_in_the_cell_text():
    doc, table = _table_doc([["外层", "x"]])
    inner = table.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内层一"
    inner.cell(0, 1).text = "内层二"
    data = _save(doc)
    assert _cells(data, 0) == [(0, 0, 1, 1, "外层"), (0, 1, 1, 1, "x")]
    assert _cells(data, 1) == [(0, 0, 1, 1, "内层一"), (0, 1, 1, 1, "内层二")]


def test_table_inside_a_content_control_is_read():
    doc, table = _table_doc([["规章", "0"]])
    tbl = table._tbl
    body = tbl.getparent()
    sdt = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    body.replace(tbl, sdt)
    content.append(tbl)
    assert _cells(_save(doc)) == [(0, 0, 1, 1, "规章"), (0, 1, 1, 1, "0")]


def test_paragraph_text_skips_field_codes_deleted_text_and_text_boxes():
    doc = new_document()
    p = doc.add_paragraph("本年")
    for tag, text in (("w:instrText", " PAGE "), ("w:delText", "删除")):
        r = OxmlElement("w:r")
        t = OxmlElement(tag)
        t.text = text
        r.append(t)
        p._p.append(r)
    run = p.add_run("新收")
    run.add_break()
    run2 = p.add_run("申请")
    box = OxmlElement("w:txbxContent")
    inner = OxmlElement("w:p")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "文本框"
    r.append(t)
    inner.append(r)
    box.append(inner)
    run2._r.append(box)
    assert paragraph_text(p._p) == "本年新收\n申请"


# --------------------------------------------------------------------------------------------
# Packages python-docx cannot open, and hostile ones
# --------------------------------------------------------------------------------------------


def _without(data: bytes, member: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def test_package_without_relationships_is_read_from_document_xml():
    record = random_record(random.Random(5), "2021")
    good = render_docx(record)
    broken = _without(good, "_rels/.rels")
    with pytest.raises(Exception):  # noqa: B017 - python-docx itself cannot open it
        new_document(io.BytesIO(broken))
    assert [(c.row, c.col, c.text) for c in docx_document(broken).cells] == [
        (c.row, c.col, c.text) for c in docx_document(good).cells
    ]


def test_iso_strict_namespace_is_read():
    doc, _ = _table_doc([["规章", "0"]])
    data = _save(doc)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    transitional = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(transitional, strict)
            dst.writestr(info, body)
    strict_doc = _without(out.getvalue(), "_rels/.rels")
    assert _cells(strict_doc) == [(0, 0, 1, 1, "规章"), (0, 1, 1, 1, "0")]


def test_zip_bomb_is_refused_before_extracting():
    with pytest.raises(ParseError) as info:
        docx_document(hostile.zip_bomb(24 << 20), limits=Limits(max_unpacked_bytes=16 << 20))
    assert info.value.reason == "zip_bomb"


def test_highly_compressed_member_is_refused_by_its_ratio():
    with pytest.raises(ParseError) as info:
        docx_document(hostile.zip_bomb(4 << 20))  # zeros compress about 1000:1
    assert info.value.reason == "zip_bomb" and "compressed" in str(info.value)


def test_too_many_members_is_refused():
    with pytest.raises(ParseError) as info:
        docx_document(hostile.zip_many_members(60), limits=Limits(max_members=50))
    assert info.value.reason == "zip_bomb"


def test_member_whose_header_understates_its_size_is_not_trusted():
    doc, _ = _table_doc([["规章", "0"]])
    lying = hostile.understated_zip(_save(doc), declared=50)
    with pytest.raises(ParseError):
        docx_document(lying)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_docx_gives_a_parse_error(fraction):
    record = random_record(random.Random(6), "2019")
    with pytest.raises(ParseError):
        docx_document(hostile.truncated(render_docx(record), fraction))


def test_damaged_document_xml_gives_a_parse_error():
    doc, _ = _table_doc([["规章", "0"]])
    src = zipfile.ZipFile(io.BytesIO(_save(doc)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                body = body[: len(body) // 2]
            dst.writestr(info, body)
    with pytest.raises(ParseError):
        docx_document(out.getvalue())


def test_entity_expansion_is_not_performed():
    doc, _ = _table_doc([["规章", "0"]])
    src = zipfile.ZipFile(io.BytesIO(_save(doc)))
    out = io.BytesIO()
    laughs = b'<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                head, rest = body.split(b"?>", 1)
                body = head + b"?>" + laughs + rest.replace(b">0<", b">&b;<", 1)
            dst.writestr(info, body)
    try:
        cells = docx_document(out.getvalue()).cells
    except ParseError:
        return
    assert not any("haha" in c.text for c in cells)


def test_copy_of_table_rows_keeps_row_indices():
    # A table of 30 identical rows: rows are numbered by the grid, not by content.
    doc, table = _table_doc([["行政处罚", "5"]])
    tr = table.rows[0]._tr
    for _ in range(29):
        tr.addnext(copy.deepcopy(tr))
    rows = sorted({c[0] for c in _cells(_save(doc))})
    assert rows == list(range(30))
    assert all(normalize_label(c[4]) in ("行政处罚", "5") for c in _cells(_save(doc)))
