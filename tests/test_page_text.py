"""An HTML page's document makes its text when first read
(:class:`parsers.cells.page_document.PageDocument`): what a record reads of it without making
it (its end, a bound on its length) is what the whole text gives."""

from __future__ import annotations

import pickle
import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.base import Document
from parsers.cells.html import html_document
from parsers.cells.html_lines import ReportLines
from parsers.cells.page_document import PageDocument
from parsers.labels import normalize_lines
from parsers.meta import _TAIL_LINES, _signoff, _tail_lines, _text_end


class _Lines(ReportLines):
    """The lines of a given text, as the report block's text gives them."""

    def __init__(self, text: str) -> None:  # (no page: only the block's text)
        self._head = None
        self._lines = None
        self._page_text = None
        self._whole = False
        self._body = self._cut = text


_PIECES = (
    "\n", "\n\n", " ", "\u3000", "０", "ﷺ", "（一）", "0", "本年新收", "e\u0301", "\r", "\t",
    "某某县人民政府\n2024年1月20日", "x" * 300, "\n" * 30, "，", "\u0301",
)  # fmt: skip


def _texts():
    rng = random.Random(3)
    for _ in range(300):
        yield "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 500)))
    for i in range(20):
        page = render_html(random_record(rng, ("2021", "2019")[i % 2]), HTML_STYLES[i % 5], rng=rng)
        yield html_document(page)._lines._read


@pytest.mark.parametrize("cut", [(_TAIL_LINES + 2, 512), (1, 0), (40, 3000)])
def test_the_text_end_is_the_end_of_the_whole_text(cut):
    for raw in _texts():
        whole = "\n".join(normalize_lines(raw))
        lines = _Lines(raw)
        end = lines.text_end(*cut)
        assert end == whole or whole.endswith("\n" + end)
        if end != whole:
            assert len(end.split("\n")) >= cut[0] and len(end) > cut[1]
        assert lines.most_chars() >= len(whole)


def test_the_sign_off_is_read_as_from_the_whole_text():
    for raw in _texts():
        whole = "\n".join(normalize_lines(raw))
        doc = PageDocument(_Lines(raw), form="html")
        (tail, count), (whole_tail, whole_count) = _tail_lines(_text_end(doc)), _tail_lines(whole)
        assert tail == whole_tail and (count > 3) == (whole_count > 3)
        assert _signoff(tail, count) == _signoff(whole_tail, whole_count)
        assert doc.text == whole  # and the whole text, when read


@pytest.mark.parametrize("style", HTML_STYLES)
def test_a_page_document_equals_the_plain_document(style):
    rng = random.Random(style)
    page = render_html(random_record(rng, "2021"), style, rng=rng)
    doc = html_document(page)
    plain = Document(
        text="\n".join(doc._lines.lines),
        cells=doc.cells,
        form=doc.form,
        title=doc.title,
        meta=dict(doc.meta.items()),
        warnings=doc.warnings,
    )
    assert doc == plain and plain == doc
    copied = pickle.loads(pickle.dumps(doc))
    assert type(copied) is Document and copied == plain
    doc.text = "changed"
    assert doc != plain and doc.text == "changed"
