"""Format sniffing from bytes, text encodings, and records for formats we do not parse."""

from __future__ import annotations

import codecs
import hashlib
import io
import random
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.attachments import hostile, ole
from fixtures.attachments.docx_render import add_custom_property, render_docx
from fixtures.attachments.pdf_render import render_pdf
from fixtures.reportgen import random_record, render_html, render_markdown, render_pipe
from parsers import sniff as S
from parsers.sniff import Sniffed, decode_text, detect_encoding, normalize_encoding, sniff
from parsers.unsupported import UnsupportedDocument, unsupported_report, unsupported_warning


@pytest.fixture(scope="module")
def record() -> dict:
    return random_record(random.Random(7), "2021")


# --------------------------------------------------------------------------------------------
# Binary formats
# --------------------------------------------------------------------------------------------


def test_pdf_with_text_layer(record):
    found = sniff(render_pdf(record))
    assert (found.kind, found.detail, found.supported) == (S.PDF, "", True)


def test_scanned_pdf_has_no_text_layer():
    found = sniff(hostile.scanned_pdf())
    assert (found.kind, found.detail) == (S.PDF, S.NO_TEXT_LAYER)
    assert not found.supported
    assert found.describe() == "scanned PDF"


def test_pdf_after_junk_prefix_is_still_pdf(record):
    assert sniff(b"\r\n\x00garbage" + render_pdf(record)).kind == S.PDF


def test_encrypted_pdf_is_flagged_but_left_to_the_pdf_source():
    # Owner-password PDFs open without a password; only the PDF source can tell the two apart.
    locked = sniff(hostile.text_pdf(["x"], user_password="secret"))
    owner = sniff(hostile.text_pdf(["x"], owner_password="owner"))
    assert (locked.kind, locked.detail) == (S.PDF, "encrypted")
    assert (owner.kind, owner.detail) == (S.PDF, "encrypted")
    assert locked.supported and owner.supported


def test_docx_and_wps_written_docx(record):
    docx = render_docx(record)
    assert sniff(docx) == Sniffed(S.DOCX)
    stamped = add_custom_property(docx, "KSOProductBuildVer", "2052-11.1.0.12598")
    assert sniff(stamped) == Sniffed(S.DOCX, None, "Kingsoft WPS")


def test_docx_named_pdf_is_still_docx(record):
    # The content type a server sends is no more trusted than a file name.
    assert sniff(render_docx(record), "application/pdf").kind == S.DOCX


def test_ofd_xlsx_pptx_odt_and_other_zips():
    def zipped(*names: str, mimetype: bytes | None = None) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            if mimetype:
                zf.writestr("mimetype", mimetype)
            for name in names:
                zf.writestr(name, "<x/>")
        return out.getvalue()

    assert sniff(hostile.ofd_file()).kind == S.OFD
    assert sniff(zipped("[Content_Types].xml", "xl/workbook.xml")).kind == S.XLSX
    assert sniff(zipped("[Content_Types].xml", "ppt/presentation.xml")).kind == S.PPTX
    odt = sniff(zipped("content.xml", mimetype=b"application/vnd.oasis.opendocument.text"))
    assert odt.kind == S.ODF and "opendocument.text" in odt.detail
    assert sniff(zipped("report.pdf")) == Sniffed(S.ARCHIVE, None, "zip")


def test_truncated_docx_is_recognised_from_local_headers(record):
    cut = hostile.truncated(render_docx(record), 0.6)
    assert sniff(cut).kind == S.DOCX


@pytest.mark.parametrize(
    ("build", "kind", "detail"),
    [
        (ole.doc_file, S.DOC, ""),
        (ole.wps_file, S.WPS, "Kingsoft WPS Writer"),
        (ole.works_file, S.WPS, "Microsoft Works"),
        (ole.xls_file, S.XLS, ""),
        (lambda: ole.xls_file(kingsoft=True), S.XLS, "Kingsoft ET"),
        (ole.ppt_file, S.PPT, ""),
        (ole.encrypted_ooxml, S.ENCRYPTED, "password-protected OOXML"),
    ],
)
def test_ole2_compound_files(build, kind, detail):
    found = sniff(build())
    assert (found.kind, found.detail) == (kind, detail)
    assert not found.supported


def test_damaged_ole2_is_still_a_compound_file():
    data = ole.doc_file()[:600]
    found = sniff(data)
    assert found.kind == S.DOC and "damaged" in found.detail


@pytest.mark.parametrize(
    ("head", "kind", "detail"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", S.IMAGE, "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", S.IMAGE, "png"),
        (b"GIF89a\x01\x00", S.IMAGE, "gif"),
        (b"GIF87a\x01\x00", S.IMAGE, "gif"),
        (b"II*\x00\x08\x00", S.IMAGE, "tiff"),
        (b"MM\x00*\x00\x08", S.IMAGE, "tiff"),
        (b"RIFF\x00\x01\x00\x00WEBPVP8 ", S.IMAGE, "webp"),
        (b"BM\x00\x01\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00", S.IMAGE, "bmp"),
        (b"Rar!\x1a\x07\x00", S.ARCHIVE, "rar"),
        (b"7z\xbc\xaf\x27\x1c\x00", S.ARCHIVE, "7z"),
        (b"\x1f\x8b\x08\x00", S.ARCHIVE, "gzip"),
    ],
)
def test_images_and_archives(head, kind, detail):
    assert sniff(head + bytes(range(256)) * 4) == Sniffed(kind, None, detail)


def test_empty_and_binary_junk():
    assert sniff(b"").kind == S.EMPTY
    assert sniff(b" \r\n\t ").kind == S.EMPTY
    rng = random.Random(1)
    assert sniff(bytes(rng.randrange(256) for _ in range(5000))).kind == S.BINARY


@settings(max_examples=500, deadline=None)
@given(
    st.binary(max_size=300),
    st.lists(st.sampled_from(list(range(32)) + [32, 65, 200]), max_size=120),
    st.integers(0, 9000),
)
def test_control_ratio_is_the_share_of_control_bytes_in_the_sample(head, tail, pad):
    """The share of the bytes below 32 other than tab, line feed, form feed, carriage return
    and escape among the first BINARY_SAMPLE bytes, with or without any."""
    for data in (head, head + b"a" * pad + bytes(tail), b"a" * pad + bytes(tail)):
        sample = data[: S.BINARY_SAMPLE]
        bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
        assert S._control_ratio(data) == bad / max(len(sample), 1)


# --------------------------------------------------------------------------------------------
# Text formats and encodings
# --------------------------------------------------------------------------------------------


def test_text_forms_from_the_generator(record):
    assert sniff(render_html(record, "word").encode("utf-8")).kind == S.HTML
    assert sniff(render_pipe(record).encode("utf-8")).kind == S.PIPE
    assert sniff(render_pipe(record, joined=True).encode("utf-8")).kind == S.PIPE
    assert sniff(render_markdown(record).encode("utf-8")).kind == S.MARKDOWN
    prose = "平潭综合实验区2011年政府信息公开工作年度报告\n全年主动公开政府信息2599条。\n"
    assert sniff(prose.encode("utf-8")).kind == S.TEXT


def test_pipe_rows_written_one_per_line():
    from parsers.cells.pipe import split_pipe_row

    assert split_pipe_row("规章 | 0 | 0 | 0 |") == (["规章", "0", "0", "0"], 0)
    assert split_pipe_row("第二十条第（一）项 | ||||") == (["第二十条第（一）项"], 4)
    assert split_pipe_row("行政许可 | 0 | ||") == (["行政许可", "0"], 2)
    assert split_pipe_row("单独一格 |") == (["单独一格"], 0)
    assert split_pipe_row("a |  | b |") == (["a", "", "b"], 0)  # a blank in its place
    assert split_pipe_row("| 0 | 5 |") == (["", "0", "5"], 0)  # a leading blank in place
    assert split_pipe_row("|||") is None and split_pipe_row("a | b") is None
    assert split_pipe_row("正文没有竖线") is None


def test_metadata_table_in_pipe_rows_does_not_make_flat_text_pipe_text(record):
    from fixtures.reportgen import render_flat

    head = "".join(
        f"{a} | {b} | {c} | {d} |\n"
        for a, b, c, d in [
            ("索引号", "11341702486344515H/202110-00013", "组配分类", "年度报告"),
            ("发布机构", "某某局", "发文日期", "2022-01-08 15:47"),
            ("发布文号", "无", "关键词", "年报"),
            ("信息来源", "某某局", "主题导航", "综合"),
            ("信息名称", "年报", "内容概述", "年报"),
            ("有效性", "有效", "时效", "长期"),
        ]
    )
    assert sniff((head + render_flat(record)).encode("utf-8")).kind == S.TEXT


def test_html_fragment_without_html_tag():
    fragment = "<p style='text-align:center'>某某局2023年报告</p><p>正文</p>" * 3
    assert sniff(fragment.encode("utf-8")).kind == S.HTML


def test_doc_file_that_is_html(record):
    # Sites often publish Word "web page" saves with a .doc name.
    html = render_html(record, "word").encode("gb18030")
    assert sniff(html, "application/msword").kind == S.HTML


def test_word_2003_xml_and_mht():
    xml = '<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>'
    assert sniff(xml.encode()) == Sniffed(S.XML, "utf-8", "Word 2003 XML")
    mht = "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n"
    assert sniff(mht.encode()).kind == S.MHT
    assert sniff(b"{\\rtf1\\ansi hello}").kind == S.RTF


def test_gb2312_page_with_a_gb18030_only_character_decodes_whole():
    # U+3400 is outside GBK; only GB18030 (the superset GB2312 labels are read as) has it.
    text = "<html><head><meta charset='gb2312'></head><body>㐀 洪泽区人民政府 报告</body></html>"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")
    found = sniff(data)
    assert (found.kind, found.encoding) == (S.HTML, "gb18030")
    assert decode_text(data, found) == text


def test_header_says_utf8_but_body_is_gbk():
    text = "<html><body><p>收到和处理政府信息公开申请情况</p></body></html>"
    found = sniff(text.encode("gbk"), "text/html; charset=UTF-8")
    assert found.encoding == "gb18030"
    assert decode_text(text.encode("gbk"), found) == text


def test_declared_gbk_but_valid_utf8_is_utf8():
    text = "<meta charset='gbk'><p>政府信息公开工作年度报告</p>"
    assert sniff(text.encode("utf-8")).encoding == "utf-8"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ],
)
def test_byte_order_marks(bom, encoding):
    text = "本年新收 |\n21 |\n" * 10
    codec = {
        "utf-8-sig": "utf-8",
        "utf-16": "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be",
    }
    data = bom + text.encode(codec[encoding])
    found = sniff(data)
    assert found.encoding == encoding
    assert decode_text(data, found) == text


def test_utf8_cut_inside_a_character_is_still_utf8():
    data = "政府信息公开工作年度报告".encode()[:-1]
    assert detect_encoding(data)[0] == "utf-8"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("cp936", "gb18030"),
        ("GB18030", "gb18030"),
        ("UTF8", "utf-8"),
        ("big5", "big5"),
        ("no-such-charset", None),
        ("", None),
    ],
)
def test_charset_labels(label, codec):
    assert normalize_encoding(label) == codec


CJK = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
    | st.sampled_from("，。、（）0123456789 \n"),
    min_size=20,
    max_size=200,
)


@settings(max_examples=60, deadline=None)
@given(CJK, st.sampled_from(["utf-8", "gb18030", "gbk"]))
def test_chinese_text_round_trips_through_its_encoding(text, codec):
    data = text.encode(codec)
    found = sniff(data)
    if codec != "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return  # valid UTF-8 by accident: UTF-8 wins by design
    assert decode_text(data, found) == text


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=3000),
    st.none() | st.sampled_from(["text/html; charset=gbk", "application/pdf"]),
)
def test_sniff_never_fails_on_arbitrary_bytes(data, content_type):
    found = sniff(data, content_type)
    assert found.kind in S._NAMES
    if found.is_text:
        assert isinstance(decode_text(data, found), str)


# --------------------------------------------------------------------------------------------
# Records for unparsed formats
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sniffed", "warning"),
    [
        (Sniffed(S.PDF, None, S.NO_TEXT_LAYER), "scanned PDF: no text layer"),
        (Sniffed(S.PDF, None, S.PASSWORD), "encrypted PDF: password required"),
        (
            Sniffed(S.WPS, None, "Kingsoft WPS Writer"),
            "WPS document: not parsed (Kingsoft WPS Writer)",
        ),
        (Sniffed(S.WPS), "WPS document: not parsed"),
        (Sniffed(S.DOC), "DOC document: not parsed"),
        (Sniffed(S.OFD), "OFD document: not parsed"),
        (Sniffed(S.XLS, None, "Kingsoft ET"), "XLS spreadsheet: not parsed (Kingsoft ET)"),
    ],
)
def test_unsupported_warning_names_the_format(sniffed, warning):
    assert unsupported_warning(sniffed) == warning


def test_unsupported_report_lists_the_document():
    data = ole.wps_file()
    report = unsupported_report(sniff(data), data, "https://example.gov.cn/P020240125.wps")
    record = report.to_dict()
    assert record["template"] == "unknown"
    assert record["tables"] == {} and record["checks"] == []
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["source"] == "https://example.gov.cn/P020240125.wps"
    assert record["warnings"] == ["WPS document: not parsed (Kingsoft WPS Writer)"]
    assert report.form == S.WPS


def test_unsupported_document_error_carries_what_was_found():
    err = UnsupportedDocument(Sniffed(S.PDF, None, S.NO_TEXT_LAYER), where="a.pdf")
    assert err.reason == "unsupported"
    assert err.sniffed.detail == S.NO_TEXT_LAYER
    assert str(err) == "scanned PDF: no text layer (a.pdf)"
