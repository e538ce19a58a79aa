"""A UTF-8 page read as bytes gives exactly what its decoded text gives.

The HTML source marks block tags with a pattern over the text, or, when the page is UTF-8,
with the same pattern over its bytes (so the HTML parser reads them without a copy). The
text pattern ignores case with Unicode rules and its ``\\s`` is Unicode whitespace; these
tests hold the bytes pattern to the same matches.
"""

from __future__ import annotations

import random
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.html import html_document
from parsers.cells.html_marks import BLOCK_START as _BLOCK_START
from parsers.cells.html_marks import BLOCK_START_UTF8 as _BLOCK_START_UTF8
from parsers.cells.html_marks import BLOCK_TAGS as _BLOCK_TAGS


def _marked(text: str) -> bytes:
    return _BLOCK_START.sub("\n<", text).encode()


def _marked_utf8(text: str) -> bytes:
    return _BLOCK_START_UTF8.sub(b"\n<", text.encode())


def _relevant_characters() -> list[str]:
    """Every character that could take part in a match: whitespace, and every character
    whose case forms involve an ASCII letter (İ, ı, ſ, K …), plus ASCII itself."""
    out = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        forms = ch.lower() + ch.upper() + ch.casefold()
        if code < 0x80 or ch.isspace() or any(c in string.ascii_letters for c in forms):
            out.append(ch)
    return out


def test_patterns_agree_wherever_a_character_can_matter():
    tags = sorted(set(_BLOCK_TAGS))
    for ch in _relevant_characters():
        samples = [f"<{ch}", f"<{ch}iv>", f"<br{ch}", f"<BR{ch}x"]
        for tag in tags:
            samples.append(f"<{tag}{ch}")
            for i in range(len(tag)):
                samples.append(f"<{tag[:i]}{ch}{tag[i + 1 :]} ")
        for sample in samples:
            assert _marked(sample) == _marked_utf8(sample), repr(sample)


_PIECES = st.sampled_from(
    ["<", ">", "/", " ", "\u3000", "\xa0", "\u2028", "\x1c", "İ", "ı", "ſ", "K", "本", "0"]
    + [t.upper() for t in _BLOCK_TAGS]
    + _BLOCK_TAGS
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES | st.characters(exclude_categories=("Cs",)), max_size=40).map("".join))
def test_patterns_agree_on_random_markup(text):
    assert _marked(text) == _marked_utf8(text)


def test_a_page_read_as_bytes_equals_the_page_read_as_text():
    rng = random.Random(11)
    for template in ("2019", "2021"):
        record = random_record(rng, template, blank_rate=0.1)
        for style in HTML_STYLES:
            page = render_html(record, style, rng=random.Random(5))
            from_text, from_bytes = html_document(page), html_document(page.encode())
            assert from_bytes.cells == from_text.cells
            assert from_bytes.text == from_text.text
            assert (from_bytes.title, from_bytes.meta, from_bytes.warnings) == (
                from_text.title,
                from_text.meta,
                from_text.warnings,
            )
