"""The block-tag patterns (:mod:`parsers.cells.html_marks`), the tag names behind a test of
the first character, match exactly where the tag names alone match: a ``<`` followed by a
block tag's name, in any case, then a space, ``/`` or ``>``."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.cells.html_marks import BLOCK_START, BLOCK_TAGS

_PLAIN = re.compile(rf"<(?=(?:{'|'.join(BLOCK_TAGS)})[\s/>])", re.I)
"""The block tags' names one after another, no first test: what the pattern must match."""


def test_the_first_test_turns_away_no_block_tag_letter_by_letter():
    for tag in sorted(set(BLOCK_TAGS)):
        for ch in ["", "a", "x", "1", "ſ", "K", "İ", "ı", " ", ">", "/", "\u3000", "\x1c"]:
            for i in range(len(tag) + 1):
                for text in (f"<{tag[:i]}{ch}{tag[i:]} ", f"<{tag[:i]}{ch}{tag[i + 1 :]}>"):
                    for case in (text, text.upper(), text.title()):
                        assert BLOCK_START.sub("\n<", case) == _PLAIN.sub("\n<", case), case


_PIECES = st.sampled_from(
    ["<", ">", "/", " ", "\u3000", "\xa0", "\x1c", "ſ", "K", "İ", "本"]
    + [t.upper() for t in BLOCK_TAGS]
    + BLOCK_TAGS
    + [t[:-1] for t in BLOCK_TAGS]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES | st.characters(exclude_categories=("Cs",)), max_size=40).map("".join))
def test_the_first_test_turns_away_no_block_tag_on_random_markup(text):
    assert BLOCK_START.sub("\n<", text) == _PLAIN.sub("\n<", text)
