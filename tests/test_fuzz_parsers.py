"""Hostile and broken input: only a ParseError or a record (with warnings) may come out, and
within a time bound per document — never another exception, never a hang.

Inputs are mutated real and generated reports (truncated, bytes flipped, spans made absurd,
encodings broken) and generated junk (deep nesting, huge tables, NUL bytes, invalid UTF-8/GBK).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers
from fixtures.reportgen import random_record, render_html, render_markdown, render_pipe
from ogi.parsing import time_limit  # its DocumentTimeout gets past the parser's own guard
from parsers import ParseError, Report
from tests.corpus import CORPUS

TIME_BOUND_SECONDS = 10


def parse_safely(data: bytes) -> Report | None:
    """Parse under the time bound; a ParseError is an acceptable outcome."""
    with time_limit(TIME_BOUND_SECONDS, cpu=True):
        try:
            report = parsers.parse(data, source="fuzz")
        except ParseError as exc:
            assert exc.reason
            return None
    assert isinstance(report, Report)
    report.to_dict()  # the record must always serialize
    return report


def _seeds() -> list[bytes]:
    rng = random.Random(99)
    out = []
    for template in ("2019", "2021"):
        record = random_record(rng, template, blank_rate=0.1, dash_rate=0.05)
        out.append(render_html(record, "word", rng=rng).encode())
        out.append(render_pipe(record, rng=rng).encode())
        out.append(render_markdown(record, rng=rng).encode())
    if CORPUS.exists():
        for path in sorted((CORPUS / "docs").glob("*")):
            if path.suffix in (".html", ".txt", ".md"):
                out.append(path.read_bytes())
    return out


SEEDS = _seeds()
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate", "span"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 2000))]
        elif kind == "duplicate":
            chunk = data[at : at + draw(st.integers(1, 5000))]
            data[at:at] = chunk * draw(st.integers(1, 5))
        else:
            span = draw(
                st.sampled_from(
                    [b' rowspan="99999"', b' colspan="-1"', b' colspan="0"', b" rowspan=abc"]
                )
            )
            pos = data.find(b"<td", at)
            if pos >= 0:
                data[pos + 3 : pos + 3] = span
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_reports_give_a_record_or_a_parse_error(data):
    parse_safely(data)


@FUZZ
@given(st.binary(max_size=20_000))
def test_random_bytes_give_a_record_or_a_parse_error(data):
    parse_safely(data)


@FUZZ
@given(st.text(max_size=5_000))
def test_random_text_gives_a_record_or_a_parse_error(text):
    parse_safely(text.encode("utf-8", errors="surrogatepass"))


@pytest.mark.parametrize(
    "data",
    [
        b"<div>" * 20_000 + "某县2023年政府信息公开工作年度报告".encode() + b"</div>" * 20_000,
        b"<table>" * 3_000 + b"<tr><td>1</td></tr>" + b"</table>" * 3_000,
        b"<html><body><table>"
        + b"<tr>"
        + b"<td>0</td>" * 300
        + b"</tr>" * 1
        + (b"<tr>" + b"<td>1</td>" * 300 + b"</tr>") * 500
        + b"</table></body></html>",
        b'<table><tr><td rowspan="99999" colspan="99999">x</td></tr>' * 200 + b"</table>",
        b"\x00" * 100_000,
        b"<html>" + b"\x00\xff\xfe" * 10_000 + b"</html>",
        "一、本年新收政府信息公开申请数量".encode("gb18030") + b"\x81\x30" * 5000,
        b"\xef\xbb\xbf" + "某县2023年政府信息公开工作年度报告 |\n".encode() * 5000,
        ("x" * 200_000).encode(),
        ("|" * 100_000 + "\n").encode() * 3,
        ("某" * 100_000).encode(),
    ],
    ids=[
        "deep-divs",
        "deep-tables",
        "huge-table",
        "absurd-spans",
        "nul-bytes",
        "invalid-utf8",
        "truncated-gbk",
        "bom-many-titles",
        "one-long-line",
        "pipes-only",
        "cjk-long-line",
    ],
)
def test_generated_junk_gives_a_record_or_a_parse_error(data):
    parse_safely(data)
