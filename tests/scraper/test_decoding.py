"""The decoding chain: BOM → header → <meta> → UTF-8 → gb18030 → detector; GB labels = gb18030."""

from __future__ import annotations

from scraper.decoding import (
    decode_body,
    decode_url_component,
    filename_from_disposition,
    meta_charset,
    normalize_label,
)

# 镕 is GBK but not GB2312; 䶮 is only in GB18030.
TEXT = "临城市镕湖与䶮山2023年政府信息公开工作年度报告"


def page(charset_meta: str | None, text: str = TEXT) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
        if charset_meta
        else ""
    )
    return f"<html><head>{meta}<title>{text}</title></head><body><p>{text}</p></body></html>"


def test_gb_labels_mean_gb18030():
    for label in ("gb2312", "GBK", "x-gbk", "cp936", "GB_2312-80", "gb18030"):
        assert normalize_label(label) == "gb18030"
    assert normalize_label("utf8") == "utf-8"
    assert normalize_label("no-such-charset") is None


def test_meta_only_gb2312_with_gb18030_only_characters():
    body = page("gb2312").encode("gb18030")
    d = decode_body(body, "text/html")
    assert (d.encoding, d.source) == ("gb18030", "meta")
    assert TEXT in d.text


def test_header_says_utf8_but_body_is_gbk():
    body = page("gb2312").encode("gb18030")
    d = decode_body(body, "text/html; charset=utf-8")
    assert d.source == "meta" and TEXT in d.text


def test_header_wins_when_it_decodes():
    body = page("gb2312", "纯ASCII? no: 中文").encode("utf-8")
    d = decode_body(body, "text/html; charset=UTF-8")
    assert (d.encoding, d.source) == ("utf-8", "header")


def test_bom_first():
    d = decode_body("\ufeff".encode() + page("gbk").encode("utf-8"), "text/html; charset=gbk")
    assert d.source == "bom" and TEXT in d.text and not d.text.startswith("\ufeff")


def test_no_declaration_utf8_then_gb18030():
    assert decode_body(page(None).encode("utf-8")).source == "utf-8"
    d = decode_body(page(None).encode("gb18030"))
    assert d.encoding == "gb18030" and TEXT in d.text


def test_malformed_meta_and_attribute_order():
    assert meta_charset(b'<meta content="text/html; charset=GBK" httpequiv="ContentType">') == "GBK"
    assert meta_charset(b"<meta charset='gb2312' />") == "gb2312"


def test_filenames_in_utf8_or_gbk():
    assert decode_url_component("%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"
    assert decode_url_component("%C4%EA%B1%A8.pdf") == "年报.pdf"
    assert (
        filename_from_disposition("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf")
        == "年报.pdf"
    )
    raw_gbk = "年报.doc".encode("gbk").decode("latin-1")
    assert filename_from_disposition(f'attachment; filename="{raw_gbk}"') == "年报.doc"
