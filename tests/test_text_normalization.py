"""The fast text normalizers give exactly what the plain definitions give.

``nfkc`` replaces the common full-width characters before (or instead of) a full NFKC pass, and
``normalize_lines`` normalizes a whole page at once instead of line by line; both must agree
with the straightforward definitions on any text, including combining marks next to the
replaced characters, Hangul jamo, and every kind of whitespace.
"""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.labels import (
    _DROP,
    _SUBSTITUTIONS,
    LINE_SPACES,
    nfkc,
    normalize_label,
    normalize_line,
    normalize_lines,
    normalize_text,
)

# Characters that exercise the edge cases: the replaced full-width forms, combining marks that
# compose or reorder, half-width katakana with voicing marks, jamo, ligatures, line breaks and
# whitespace of every kind.
_TRICKY = (
    "，（）：；\u00a0\u3000！？０１２３４５６７８９％．－／﹝﹞［］"
    "\u0301\u0308\u0323\u0338\u0345\u3099\u309a\uff76\uff9e\u1100\u1161\u11a8\ufb01"
    "\u2003\u2028\u0085\x1c\t\r\n 本年新收a1e"
)
texts = st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(), max_size=200)


def _lines_one_by_one(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = normalize_text(line)
        if line:
            out.append(line)
    return out


@settings(max_examples=2000, deadline=None)
@given(texts)
def test_nfkc_equals_unicodedata(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=500, deadline=None)
@given(texts, st.integers(min_value=64, max_value=300))
def test_nfkc_of_long_text_equals_unicodedata(text, repeat):
    long = ("（" * repeat) + text + ("\u3000" * repeat) + text
    assert nfkc(long) == unicodedata.normalize("NFKC", long)


@settings(max_examples=2000, deadline=None)
@given(texts)
def test_normalize_lines_equals_line_by_line(text):
    assert normalize_lines(text) == _lines_one_by_one(text)


def test_normalize_lines_of_a_page_fragment():
    page = "\n  \u3000\n本年新\u00a0 制作数量：１２\n\t\n（一）  行政许可 \n"
    assert normalize_lines(page) == ["本年新 制作数量:12", "(一) 行政许可"]


@settings(max_examples=500, deadline=None)
@given(texts, st.integers(0, 8))
def test_normalize_lines_with_a_limit_is_a_prefix(text, limit):
    assert normalize_lines(text, limit=limit) == normalize_lines(text)[:limit]


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 400))
def test_normalize_label_of_short_and_long_texts(text, pad):
    """Labels are cached and page-long texts are not; both read the same way."""

    def plain(t: str) -> str:
        t = _DROP.sub("", unicodedata.normalize("NFKC", t))
        for old, new in _SUBSTITUTIONS:
            t = t.replace(old, new)
        return t.lower()

    for sample in (text, "本年新收（一）" * pad + text):
        assert normalize_label(sample) == plain(sample)


@settings(max_examples=2000, deadline=None)
@given(texts, st.sampled_from(["", "（" * 70, " \u3000 ", "本年新收" * 20]))
def test_normalize_line_equals_normalize_text_on_every_line(text, pad):
    """Long and short lines, with and without white space to collapse (the tricky characters
    hold every kind, and the full-width ones NFKC makes spaces)."""
    for line in (pad + text + pad).splitlines():
        assert normalize_line(line) == normalize_text(line)


def test_the_white_space_nfkc_leaves_in_a_line_is_the_space_or_a_line_space():
    """Every code point: what NFKC makes of a character that is no line break holds no white
    space but the space and the :data:`LINE_SPACES` (which it leaves as they are)."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or len(f"a{char}a".splitlines()) > 1:
            continue  # (a surrogate; a line break)
        spaces = {c for c in unicodedata.normalize("NFKC", char) if c.isspace() and c != " "}
        assert spaces <= {char} & set(LINE_SPACES), hex(code)
    assert all(c.isspace() and len(f"a{c}a".splitlines()) == 1 for c in LINE_SPACES)


def test_normalize_line_collapses_every_kind_of_space():
    for line in ("a\tb", "a\x1fb", "a\u1680b", " a", "a ", "a  b", "a\u3000b", "\u2003a"):
        assert normalize_line(line) == normalize_text(line)
    assert normalize_line("本年新\u3000\u3000制作数量：１２") == "本年新 制作数量:12"
    assert normalize_line("本年新 制作数量") == "本年新 制作数量"
