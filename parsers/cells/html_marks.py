"""The block-level tags: those before which a page's text starts a new line
(:mod:`parsers.cells.html_text` reads the lines from the parsed tree by them).

:data:`BLOCK_START` finds where they start in a page's source. The reader no longer writes a
line break there (the page is parsed as written); the tests mark pages with it to compare the
tree's lines with the lines a marked source gives.
"""

from __future__ import annotations

import re

BLOCK_TAGS = [
    *("p", "div", "br", "tr", "td", "th", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("table", "thead", "tbody", "tfoot", "section", "article", "header", "footer", "nav"),
    *("aside", "blockquote", "pre", "dd", "dt", "dl", "center", "form", "hr", "caption"),
]
"""Tags that start a new line in the text rendering (table cells too: one cell per line)."""


_FIRST_LETTERS = "".join(sorted({tag[0] for tag in BLOCK_TAGS}))
BLOCK_START = re.compile(rf"<(?=[{_FIRST_LETTERS}])(?=(?:{'|'.join(BLOCK_TAGS)})[\s/>])", re.I)
"""A ``<`` that starts a block tag, in a page's text. Ignoring case with Unicode rules, a
letter also matches its other case forms (ſ for s, K for k, İ and ı for i), in the first
character's class as in the names."""
