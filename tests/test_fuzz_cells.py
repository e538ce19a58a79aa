"""Every cell source fuzzed on its own: html, pipe, markdown, text, flat, pdf and docx.

Inputs are real reports (the shared corpus, when present) and generated ones
(:mod:`fixtures.reportgen`, :mod:`fixtures.attachments`), mutated at the byte level and — for
DOCX — inside ``word/document.xml`` with the container kept valid, plus hand-made junk:
truncated HTML, deep nesting, huge tables, invalid UTF-8/GBK, NUL bytes, ``rowspan="99999"``,
``colspan="-1"``, Word cells spanning 99,999,999 columns, PDF pages of absurd geometry.

Whatever comes in, only two outcomes are allowed, within a time bound per document (and a
memory bound, so that a regression fails instead of exhausting the machine): a
:class:`~parsers.model.ParseError` with a reason, or a well-formed
:class:`~parsers.cells.base.Document` (warnings naming what was cut) that the matcher then turns
into a record or a ``ParseError``.
"""

from __future__ import annotations

import functools
import io
import os
import random
import re
import resource
import zipfile
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.attachments import hostile
from fixtures.attachments.docx_render import DOCX_STYLES, render_docx
from fixtures.attachments.pdf_render import PDF_STYLES, render_pdf
from fixtures.prose.generate import generate as generate_prose
from fixtures.reportgen import (
    HTML_STYLES,
    random_record,
    render_flat,
    render_html,
    render_markdown,
    render_pipe,
)
from ogi.parsing import time_limit  # its DocumentTimeout gets past the parser's own guard
from parsers.cells import html as html_source
from parsers.cells.base import Cell, Document
from parsers.cells.docx import MAX_SPAN as DOCX_MAX_SPAN
from parsers.cells.docx import docx_document
from parsers.cells.flat import flat_document
from parsers.cells.html import html_document
from parsers.cells.markdown import markdown_document
from parsers.cells.pdf import pdf_document
from parsers.cells.pipe import pipe_document
from parsers.cells.text import text_document
from parsers.model import ParseError, Report
from parsers.parse import report_from_document
from parsers.sniff import decode_text
from tests.corpus import CORPUS

TIME_BOUND_SECONDS = 10
MEMORY_BOUND_BYTES = 3 << 30

TEXT_SOURCES = {
    "html": html_document,
    "pipe": pipe_document,
    "markdown": markdown_document,
    "text": text_document,
    "flat": flat_document,
}
BINARY_SOURCES = {"pdf": pdf_document, "docx": docx_document}
SPAN_CAPS = {"html": html_source.MAX_SPAN, "docx": DOCX_MAX_SPAN}


# --- the contract ----------------------------------------------------------------------------


@contextmanager
def memory_bound(extra: int = MEMORY_BOUND_BYTES):
    """Address space capped at what is mapped now plus ``extra``: a regression that allocates
    without bound fails with MemoryError instead of taking the machine down."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc (not Linux): the time bound alone
        yield
        return
    limit = mapped + extra if hard == resource.RLIM_INFINITY else min(hard, mapped + extra)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def check_document(doc: Document, form: str) -> None:
    """A cell stream the matcher can rely on, whatever the input was."""
    assert isinstance(doc, Document)
    assert isinstance(doc.text, str) and isinstance(doc.form, str)
    assert doc.title is None or isinstance(doc.title, str)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in doc.meta.items())
    assert all(isinstance(w, str) and w for w in doc.warnings)
    cap = SPAN_CAPS.get(form)
    for cell in doc.cells:
        assert isinstance(cell, Cell) and isinstance(cell.text, str)
        for position in (cell.table, cell.row, cell.col):
            assert position is None or (isinstance(position, int) and position >= 0)
        assert cell.colspan >= 1 and cell.rowspan >= 1 and cell.empty_run >= 0
        if cap is not None:
            assert cell.colspan <= cap and cell.rowspan <= max(cap, len(doc.cells))


def survive(form: str, data: bytes) -> Document | None:
    """Run one cell source (and the matcher on its cells) under the time bound."""
    source = TEXT_SOURCES.get(form) or BINARY_SOURCES[form]
    with time_limit(TIME_BOUND_SECONDS, cpu=True), memory_bound():
        try:
            doc = source(decode_text(data) if form in TEXT_SOURCES else data)
        except ParseError as exc:
            assert exc.reason
            return None
        check_document(doc, form)
        try:
            report = report_from_document(doc, data, source="fuzz")
        except ParseError as exc:
            assert exc.reason
        else:
            assert isinstance(report, Report)
            report.to_dict()  # the record always serializes
    return doc


# --- seeds -----------------------------------------------------------------------------------


def _record(seed: int) -> dict:
    rng = random.Random(seed)
    return random_record(
        rng, rng.choice(["2019", "2021"]), blank_rate=rng.choice([0, 0.1, 0.4]), dash_rate=0.05
    )


def render_text(seed: int, form: str) -> bytes:
    """One generated report in a text form (prose reports before 2019 for ``text``)."""
    record = _record(seed)
    rng = random.Random(seed)
    if form == "html":
        return render_html(record, rng.choice(HTML_STYLES), rng=rng).encode()
    if form == "pipe":
        return render_pipe(record, rng=rng).encode()
    if form == "markdown":
        return render_markdown(record, rng=rng).encode()
    if form == "flat":
        return render_flat(record, rng=rng).encode()
    return generate_prose(seed).text.encode()


_CORPUS_FORMS = {
    "html": ("*.html",),
    "pipe": ("*.pipe.txt",),
    "markdown": ("*.md",),
    "flat": ("*.flat.txt",),
    "text": ("*.prose.txt",),
    "pdf": ("*.pdf",),
    "docx": ("*.docx",),
}


def corpus(form: str) -> list[bytes]:
    if not CORPUS.exists():
        return []
    return [
        p.read_bytes()
        for pattern in _CORPUS_FORMS[form]
        for p in sorted((CORPUS / "docs").glob(pattern))
    ]


@functools.cache
def text_seeds() -> tuple[bytes, ...]:
    """Reports in every text form: a source meets its own form and the others' too."""
    out = [render_text(seed, form) for seed in range(3) for form in TEXT_SOURCES]
    for form in TEXT_SOURCES:
        out.extend(corpus(form))
    return tuple(out)


@functools.cache
def pdf_seeds() -> tuple[bytes, ...]:
    out = [render_pdf(_record(seed), style) for seed, style in enumerate(PDF_STYLES)]
    out.append(hostile.text_pdf(["2023年某县政府信息公开工作年度报告", "一、总体情况"], pages=2))
    out.extend(corpus("pdf"))
    return tuple(out)


@functools.cache
def docx_seeds() -> tuple[bytes, ...]:
    out = [render_docx(_record(seed), style) for seed, style in enumerate(DOCX_STYLES)]
    out.extend(corpus("docx"))
    return tuple(out)


# --- mutations -------------------------------------------------------------------------------

_SPANS = [
    b' rowspan="99999"',
    b' colspan="-1"',
    b' colspan="0"',
    b' colspan="1e9"',
    b' rowspan=" 99999999999999999999"',
    b" rowspan=abc",
]
_DOCX_INJECTIONS = [
    b'<w:gridSpan w:val="99999999"/>',
    b'<w:gridSpan w:val="-3"/>',
    b'<w:gridBefore w:val="2147483647"/>',
    b'<w:vMerge w:val="continue"/>',
    b"<w:vMerge/>",
    b"<w:hMerge/>",
    b"<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>",
    b"\x00",
    b"&#0;",
    b"<w:t>" + "一二三".encode() * 2000 + b"</w:t>",
]


def mutate(draw, data: bytes, *, injections=_SPANS, anchor: bytes = b"<td") -> bytes:
    """Up to six byte-level edits: truncation, flips, insertions, deletions, duplicated runs
    and injected attributes."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not out:
            break
        kind = draw(
            st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate", "inject"])
        )
        at = draw(st.integers(0, len(out) - 1))
        if kind == "truncate":
            del out[at:]
        elif kind == "flip":
            out[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 2000))]
        elif kind == "duplicate":
            chunk = out[at : at + draw(st.integers(1, 5000))]
            out[at:at] = chunk * draw(st.integers(1, 5))
        else:
            pos = out.find(anchor, at)
            if pos < 0:
                pos = out.find(anchor)
            if pos >= 0:
                out[pos + len(anchor) : pos + len(anchor)] = draw(st.sampled_from(injections))
    return bytes(out)


@st.composite
def text_inputs(draw) -> bytes:
    if draw(st.booleans()):
        data = draw(st.sampled_from(text_seeds()))
    else:  # a freshly generated report
        data = render_text(draw(st.integers(0, 10_000)), draw(st.sampled_from(list(TEXT_SOURCES))))
    if draw(st.integers(0, 3)) == 0:  # the same text in a Chinese legacy encoding
        data = data.decode("utf-8", "replace").encode("gb18030", "replace")
    return mutate(draw, data)


@st.composite
def pdf_inputs(draw) -> bytes:
    return mutate(draw, draw(st.sampled_from(pdf_seeds())), anchor=b" re")


_NUMBER = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: f"{f:.3f}"),
    st.sampled_from(["1e400", "-0", "99999999999999999999", "NaN", ".", "--5"]),
)


@st.composite
def pdf_drawings(draw) -> bytes:
    """A page of random rulings, rectangles and glyph-less text operators (absurd geometry)."""
    ops = []
    for _ in range(draw(st.integers(1, 400))):
        kind = draw(st.sampled_from(["re", "line", "text", "cm", "junk"]))
        n = [draw(_NUMBER) for _ in range(6)]
        if kind == "re":
            ops.append(f"{n[0]} {n[1]} {n[2]} {n[3]} re {draw(st.sampled_from('SfB'))}")
        elif kind == "line":
            ops.append(f"{n[0]} {n[1]} m {n[2]} {n[3]} l S")
        elif kind == "text":
            ops.append(f"BT /F1 {n[0]} Tf {n[1]} {n[2]} Td (123 \\(x) Tj ET")
        elif kind == "cm":
            ops.append(f"{' '.join(n)} cm")
        else:
            ops.append(draw(st.text(alphabet="0123456789 .-[]()<>/qQBTETfS", max_size=30)))
    return hostile.minimal_pdf("\n".join(ops).encode(), compress=draw(st.booleans()))


@st.composite
def docx_inputs(draw) -> bytes:
    """A valid ZIP whose document.xml is mutated (the XML and the table grid are the target)."""
    data = draw(st.sampled_from(docx_seeds()))
    if draw(st.integers(0, 4)) == 0:
        return mutate(draw, data, anchor=b"PK")  # the container itself
    src = zipfile.ZipFile(io.BytesIO(data))
    xml = src.read("word/document.xml")
    xml = mutate(draw, xml, injections=_DOCX_INJECTIONS, anchor=b"<w:tcPr>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, body)
    return out.getvalue()


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("form", list(TEXT_SOURCES))
@settings(FUZZ, max_examples=30)
@given(data=text_inputs())
def test_text_sources_survive_mutated_reports(form, data):
    survive(form, data)


@pytest.mark.parametrize("form", list(TEXT_SOURCES))
@settings(FUZZ, max_examples=15)
@given(text=st.text(max_size=3000))
def test_text_sources_survive_random_text(form, text):
    survive(form, text.encode("utf-8"))


@settings(FUZZ, max_examples=15)
@given(data=pdf_inputs())
def test_pdf_source_survives_mutated_reports(data):
    survive("pdf", data)


@settings(FUZZ, max_examples=15)
@given(data=pdf_drawings())
def test_pdf_source_survives_absurd_page_geometry(data):
    survive("pdf", data)


@settings(FUZZ, max_examples=30)
@given(data=docx_inputs())
def test_docx_source_survives_mutated_reports(data):
    survive("docx", data)


@pytest.mark.parametrize("form", list(BINARY_SOURCES))
@settings(FUZZ, max_examples=15)
@given(data=st.binary(max_size=5000))
def test_binary_sources_survive_random_bytes(form, data):
    survive(form, data)


# --- hand-made junk --------------------------------------------------------------------------

_TITLE = "某县2023年政府信息公开工作年度报告"


@functools.cache
def html_junk() -> dict[str, bytes]:
    page = render_text(7, "html")
    table_row = "<tr>" + "<td>1</td>" * 300 + "</tr>"
    return {
        "truncated-html": page[: len(page) // 3],
        "truncated-in-a-tag": page[: page.find(b"<td") + 3],
        "deep-divs": b"<div>" * 30_000 + _TITLE.encode() + b"</div>" * 30_000,
        "deep-tables": b"<table><tr><td>" * 3_000 + b"1" + b"</td></tr></table>" * 3_000,
        "unclosed-cells": b"<table>" + b"<tr><td>" * 20_000,
        "huge-table": f"<table>{(table_row + chr(10)) * 400}</table>".encode(),
        "absurd-spans": b"<table>"
        + '<tr><td rowspan="99999" colspan="99999">本年新收</td></tr>'.encode() * 300
        + b"</table>",
        "negative-spans": b"<table>"
        + '<tr><td colspan="-1" rowspan="-5">本年新收</td><td colspan="0">2</td></tr>'.encode()
        * 500
        + b"</table>",
        "spans-in-report-table": re.sub(rb'colspan="\d+"', b'colspan="99999"', page),
        "nul-bytes": b"\x00" * 100_000 + page[:5000] + b"\x00" * 1000,
        "invalid-utf8": b"<html>" + b"\xff\xfe\xc3\x28\xa0\xa1" * 10_000 + b"</html>",
        "truncated-gbk": "一、本年新收政府信息公开申请数量".encode("gb18030") + b"\x81\x30" * 5000,
        "gbk-page-cut": page.decode().encode("gb18030", "replace")[:-1] + b"\x81",
        "one-long-line": b"x" * 300_000,
        "pipes-only": (b"|" * 100_000 + b"\n") * 3,
        "pipe-rows": "自然人 |\n".encode() * 50_000,
        "markdown-wide": b"|" + b" 1 |" * 50_000 + b"\n|" + b"---|" * 50_000 + b"\n",
        "digits-run": "一、本年新收政府信息公开申请数量".encode() + b"1234567890" * 2_000,
        "cjk-long-line": ("某" * 100_000).encode(),
        "many-titles": ("2023年政府信息公开工作年度报告 |\n" * 5000).encode(),
        "empty": b"",
        "whitespace": b" \r\n\t\x0b\x0c" * 1000,
    }


@pytest.mark.parametrize("junk", list(html_junk()))
@pytest.mark.parametrize("form", list(TEXT_SOURCES))
def test_text_sources_survive_junk(form, junk):
    survive(form, html_junk()[junk])


def test_absurd_spans_are_clamped_and_huge_grids_cut_with_a_warning():
    doc = survive("html", html_junk()["absurd-spans"])
    assert doc is not None and doc.cells
    assert max(c.colspan for c in doc.cells) <= html_source.MAX_SPAN
    assert any("truncated" in w for w in doc.warnings)
    doc = survive("html", html_junk()["negative-spans"])
    assert {(c.colspan, c.rowspan) for c in doc.cells} == {(1, 1)}


def _docx_with(xml_edit) -> bytes:
    data = docx_seeds()[0]
    src = zipfile.ZipFile(io.BytesIO(data))
    xml = xml_edit(src.read("word/document.xml"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                info.filename, xml if info.filename == "word/document.xml" else src.read(info)
            )
    return out.getvalue()


def _nested_tables(depth: int):
    def edit(xml: bytes) -> bytes:
        inner = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>"
        for _ in range(depth):
            inner = b"<w:tbl><w:tr><w:tc>" + inner + b"</w:tc></w:tr></w:tbl><w:p/>"
        return xml.replace(b"<w:body>", b"<w:body>" + inner, 1)

    return edit


def _huge_docx_table(xml: bytes) -> bytes:
    """4,000 rows of 60 cells (over the cell cap), varied enough to pass the zip ratio cap."""
    rng = random.Random(5)
    rows = b"".join(
        b"<w:tr>"
        + b"".join(
            f"<w:tc><w:p><w:r><w:t>{rng.randrange(10**9)}</w:t></w:r></w:p></w:tc>".encode()
            for _ in range(60)
        )
        + b"</w:tr>"
        for _ in range(4000)
    )
    return xml.replace(b"<w:body>", b"<w:body><w:tbl>" + rows + b"</w:tbl>", 1)


DOCX_JUNK = {
    "gridspan-99999999": lambda x: re.sub(
        rb'w:gridSpan w:val="\d+"', b'w:gridSpan w:val="99999999"', x
    ),
    "gridbefore-huge": lambda x: x.replace(
        b"<w:tr>", b'<w:tr><w:trPr><w:gridBefore w:val="2147483647"/></w:trPr>'
    ),
    "hmerge-everywhere": lambda x: x.replace(b"<w:tcPr>", b"<w:tcPr><w:hMerge/>"),
    "vmerge-without-restart": lambda x: x.replace(
        b"<w:tcPr>", b'<w:tcPr><w:vMerge w:val="continue"/>'
    ),
    "nested-tables": _nested_tables(200),
    "too-deep-for-the-xml-parser": _nested_tables(400),
    "huge-table": _huge_docx_table,
    "truncated-xml": lambda x: x[: len(x) // 2],
    "nul-in-xml": lambda x: x.replace(b"<w:t>", b"<w:t>\x00", 3),
    "empty-body": lambda x: re.sub(rb"<w:body>.*</w:body>", b"<w:body/>", x, flags=re.S),
    "not-xml": lambda x: b"\xff\xfe" + x[:100],
}


@pytest.mark.parametrize("junk", list(DOCX_JUNK))
def test_docx_source_survives_junk(junk):
    doc = survive("docx", _docx_with(DOCX_JUNK[junk]))
    if junk == "gridspan-99999999":
        assert doc is not None and any("cut to fit" in w for w in doc.warnings)
    if junk == "huge-table":
        assert doc is not None and any("capped" in w for w in doc.warnings)


@functools.cache
def _pdf_junk() -> dict[str, bytes]:
    box = b"0 0 1 1 re S\n"
    return {
        "many-pages": hostile.text_pdf(["2023年政府信息公开工作年度报告", "第一页"], pages=130),
        "ten-thousand-rulings": hostile.minimal_pdf(box * 10_000),
        "huge-numbers": hostile.minimal_pdf(b"1e308 1e308 1e308 1e308 re S 0 0 m 1e309 -1e309 l S"),
        "truncated": hostile.truncated(pdf_seeds()[0], 0.6),
        "scanned": hostile.scanned_pdf(1),
        "password": hostile.text_pdf(["x"], user_password="secret"),
        "not-a-pdf": b"%PDF-1.4\n" + b"\x00" * 10_000,
        "only-header": b"%PDF-1.7\n%%EOF\n",
    }


@pytest.mark.parametrize(
    "junk",
    [
        "many-pages",
        "ten-thousand-rulings",
        "huge-numbers",
        "truncated",
        "scanned",
        "password",
        "not-a-pdf",
        "only-header",
    ],
)
def test_pdf_source_survives_junk(junk):
    doc = survive("pdf", _pdf_junk()[junk])
    if junk == "many-pages":
        assert doc is not None and any("page" in w for w in doc.warnings)
