"""A pipe text's document makes its text when first read
(:class:`parsers.cells.pipe_document.PipeDocument`): what a record reads of it without making
it (its first lines, its end, a bound on its length) is what the whole text gives."""

from __future__ import annotations

import pickle
import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_pipe
from parsers.cells.base import Document
from parsers.cells.pipe import _cells_by_line, pipe_stream_document
from parsers.cells.pipe_document import PipeDocument
from parsers.meta import _HEAD_LINES, _TAIL_LINES, _signoff, _tail_lines, _text_end, read_meta

_PIECES = (
    "\n", "\n\n", " ", "\u3000", "０ |\n", "ﷺ", "（一）|\n", "0 |\n", "本年新收 |\n", "||\n",
    "|||\n", "e\u0301", "\r\n", "\t", "某某县人民政府\n2024年1月20日\n", "x" * 300, "\n" * 30,
    "，", "\u0301", "\u2028", "\x0c", " | \n", "2021年某某县政府信息公开工作年度报告\n",
)  # fmt: skip


def _texts():
    rng = random.Random(5)
    for _ in range(300):
        ends = ("\n", "\n", "\n", "") if rng.random() < 0.7 else ("",)  # (most: a piece a line)
        yield "".join(rng.choice(_PIECES) + rng.choice(ends) for _ in range(rng.randint(0, 400)))
    for i in range(20):
        record = random_record(rng, ("2021", "2019")[i % 2])
        yield render_pipe(record, HTML_STYLES[i % len(HTML_STYLES)], rng=rng)


def _documents():
    """Each text's document read a token per line, and its text as read line by line."""
    for text in _texts():
        doc = pipe_stream_document(text)
        if isinstance(doc, PipeDocument):
            yield doc, "\n".join(_cells_by_line(text.splitlines())[2])


def test_many_texts_are_read_a_token_per_line():
    assert sum(1 for _ in _documents()) > 100


def test_the_text_is_the_lines_read_one_by_one():
    for doc, whole in _documents():
        assert doc.most_text_chars() >= len(whole)
        assert doc.text == whole
        assert doc.most_text_chars() == len(whole)  # (once made: its length)


@pytest.mark.parametrize("cut", [(_TAIL_LINES, 0), (_TAIL_LINES + 2, 512), (1, 0), (40, 3000)])
def test_the_text_end_is_the_end_of_the_whole_text(cut):
    for doc, whole in _documents():
        end = doc.text_end(*cut)
        assert end == whole or whole.endswith("\n" + end)
        if end != whole:
            assert len(end.split("\n")) >= cut[0] and len(end) > cut[1]


def test_the_sign_off_and_title_are_read_as_from_the_whole_text():
    for doc, whole in _documents():
        (tail, count), (whole_tail, whole_count) = _tail_lines(_text_end(doc)), _tail_lines(whole)
        assert tail == whole_tail and (count > 3) == (whole_count > 3)
        assert _signoff(tail, count) == _signoff(whole_tail, whole_count)
        plain = pipe_stream_document(whole)  # (its lines are the text's own)
        assert (doc.title, doc.meta) == (plain.title, plain.meta)


def test_the_first_lines_are_the_whole_texts():
    for doc, whole in _documents():
        for count in (1, 5, _HEAD_LINES):
            assert doc.head_lines(count) == list(filter(str.strip, whole.splitlines()))[:count]


def test_the_metadata_is_read_as_from_the_whole_text():
    for doc, whole in _documents():
        plain = Document(text=whole, form="pipe", title=doc.title, meta=doc.meta)
        assert read_meta(doc) == read_meta(plain)


@pytest.mark.parametrize("style", HTML_STYLES)
def test_a_reports_metadata_is_read_without_making_its_text(style):
    rng = random.Random(style)
    for template in ("2019", "2021"):
        doc = pipe_stream_document(render_pipe(random_record(rng, template), style, rng=rng))
        meta = read_meta(doc)
        assert meta.agency and meta.year
        assert doc._text is None


def test_a_pipe_document_equals_the_plain_document():
    record = random_record(random.Random(9), "2021")
    doc = pipe_stream_document(render_pipe(record))
    assert isinstance(doc, PipeDocument)
    plain = Document(
        text=doc.text,
        form=doc.form,
        title=doc.title,
        meta=dict(doc.meta),
        stream=doc.stream,
        stream_lines=doc.stream_lines,
    )
    assert doc == plain and plain == doc
    copied = pickle.loads(pickle.dumps(doc))
    assert type(copied) is Document and copied == plain
    doc.text = "changed"
    assert doc != plain and doc.text == "changed" and doc.text_end(1, 0) == "changed"
