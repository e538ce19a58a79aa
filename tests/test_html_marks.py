"""The block-tag patterns (:mod:`parsers.cells.html_marks`), built as a tree of the tags'
letters behind a test of the first character, match exactly where the plain list of the tag
names matches: a ``<`` followed by a block tag's name, in any case, then a space, ``/`` or
``>``."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.cells.html_marks import BLOCK_START, BLOCK_TAGS, letter_tree

_PLAIN = re.compile(rf"<(?=(?:{'|'.join(BLOCK_TAGS)})[\s/>])", re.I)
"""The block tags' names one after another: what the tree must match."""


def test_a_letter_tree_matches_its_words_and_nothing_else():
    words = ["t", "td", "table", "tbody", "th", "p", "pre", "h1", "hr"]
    pattern = re.compile(f"(?:{letter_tree(words)})$")
    for word in words:
        assert pattern.match(word)
    for other in ["", "ta", "tab", "tables", "pr", "h", "h2", "x", "tdd"]:
        assert not pattern.match(other)


def test_the_tree_matches_where_the_names_match_letter_by_letter():
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
def test_the_tree_matches_where_the_names_match_on_random_markup(text):
    assert BLOCK_START.sub("\n<", text) == _PLAIN.sub("\n<", text)
