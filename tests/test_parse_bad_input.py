"""Bad input gives a typed ParseError or a record with warnings — never another exception."""

from __future__ import annotations

import pytest

import parsers
from parsers import ParseError
from tests.corpus import CORPUS, cases


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (bytes(range(256)) * 40, "not_a_report"),
        (
            b"<html><body><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav><p>hello</p></body></html>",
            "not_a_report",
        ),
        (
            "<html><body><h1>关于开展安全生产检查的通知</h1><p>各单位：</p></body></html>".encode(),
            "not_a_report",
        ),
    ],
)
def test_not_a_report_raises_typed_error(data, reason):
    with pytest.raises(ParseError) as info:
        parsers.parse(data, source="bad")
    assert info.value.reason == reason
    assert "bad" in str(info.value)


def test_title_without_tables_gives_a_record_with_a_warning():
    html = "<html><head><title>某某县2023年政府信息公开工作年度报告</title></head><body><p>见附件。</p></body></html>"
    report = parsers.parse(html.encode(), source="notice.html")
    assert report.agency == "某某县"
    assert report.year == 2023
    assert report.tables == {}
    assert any("no statutory tables" in w for w in report.warnings)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
@pytest.mark.parametrize("fraction", [0.1, 0.35, 0.6, 0.85])
def test_truncated_corpus_reports_never_raise_anything_but_parse_error(fraction):
    for case in cases("html", "pipe"):
        data = case.document.read_bytes()
        cut = data[: int(len(data) * fraction)]
        try:
            report = parsers.parse(cut, source=case.name)
        except ParseError:
            continue
        # What was read is either a full value or explicitly missing/undecided, with warnings.
        if report.tables:
            missing = [c for *_, c in report.cells() if c.status in ("missing", "uncertain")]
            assert not missing or report.warnings


def test_huge_spans_and_negative_spans_are_clamped():
    html = (
        "<html><body><h1>某县2023年政府信息公开工作年度报告</h1><table>"
        '<tr><td rowspan="99999" colspan="-1">一、本年新收政府信息公开申请数量</td>'
        '<td colspan="99999">1</td></tr></table></body></html>'
    )
    report = parsers.parse(html.encode(), source="spans.html")
    assert report.year == 2023


def test_deeply_nested_html_does_not_recurse_out():
    html = "<div>" * 5000 + "某县2023年政府信息公开工作年度报告" + "</div>" * 5000
    report = parsers.parse(html.encode(), source="deep.html")
    assert report.year == 2023


def test_non_bytes_input_is_a_type_error():
    with pytest.raises(TypeError):
        parsers.parse("text")  # type: ignore[arg-type]


def test_pdf_that_needs_a_password_gives_an_unknown_record():
    from fixtures.attachments.hostile import text_pdf

    data = text_pdf(["某县2023年政府信息公开工作年度报告"], user_password="secret")
    report = parsers.parse(data, source="locked.pdf")
    assert report.template == "unknown"
    assert report.tables == {}
    assert any("PDF" in w for w in report.warnings)


def test_scanned_pdf_gives_an_unknown_record_naming_the_format():
    from fixtures.attachments.hostile import scanned_pdf

    report = parsers.parse(scanned_pdf(), source="scan.pdf")
    assert report.template == "unknown"
    assert any("scanned PDF" in w for w in report.warnings)
