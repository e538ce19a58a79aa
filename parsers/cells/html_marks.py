"""Where a page's block-level tags start: the HTML source puts a line break before each, so
that the parser's own (fast) text extraction keeps the page's lines.

The patterns run over every ``<`` of a page (a few thousand), so a ``<`` whose next character
no block tag starts with (``</``, ``<a``, ``<img``, ``<!--``) is turned away by one character
class before the tag names are tried: about 10 % less time than trying the names at every
``<``, on every page measured, at exactly the same places.
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


_COMMON = ("td", "tr", "p", "div", "br", "th", "table")
_BY_FREQUENCY = [*_COMMON, *(tag for tag in BLOCK_TAGS if tag not in _COMMON)]
"""The block tags, those of a report page's tables and paragraphs first: the names are tried
in this order at each ``<``."""


def _utf8_block_start() -> re.Pattern[bytes]:
    """:data:`BLOCK_START` for a page's UTF-8 bytes, matching at exactly the same places.

    A bytes pattern ignores the case of ASCII letters only, so the text pattern's other case
    forms (İ and ı for i, K for k, ſ for s) are spelled out as their UTF-8 bytes (and the first
    byte of ſ lets a ``<`` through the first test), as is its ``\\s``: any Unicode space (the
    tests compare both patterns over every code point).

    Each name is tried as its first letter in either case, then its other letters ignoring
    case: a name whose first letter is not the next byte is passed over without being tried
    (a pattern ignoring case as a whole tries every name at every ``<``), nearly a tenth less
    time on report pages, at the same places."""
    also = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
    spaces = "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    spaces += "\u2028\u2029\u202f\u205f\u3000"

    def utf8(chars: str) -> str:
        return "|".join(re.escape(c.encode()).decode("latin-1") for c in chars)

    def letter(ch: str) -> str:
        return f"(?:{ch}|{utf8(also[ch])})" if ch in also else re.escape(ch)

    def firsts(ch: str) -> list[str]:
        return [re.escape(c) for c in {ch: None, ch.upper(): None}] + [
            utf8(c) for c in also.get(ch, "")
        ]

    def rest(tag: str) -> str:
        return f"(?i:{''.join(letter(ch) for ch in tag)})" if tag else ""

    tags = "|".join(first + rest(tag[1:]) for tag in _BY_FREQUENCY for first in firsts(tag[0]))
    # the first bytes of the other case forms of the letters a block tag starts with
    leads = sorted({c.encode()[0] for ch in _FIRST_LETTERS for c in also.get(ch, "")})
    first = "[" + _FIRST_LETTERS + _FIRST_LETTERS.upper()
    first += "".join(f"\\x{b:02x}" for b in leads) + "]"
    end = f"[\\s\\x1c-\\x1f/>]|{utf8(spaces)}"
    return re.compile(f"<(?={first})(?=(?:{tags})(?:{end}))".encode("latin-1"))


BLOCK_START_UTF8 = _utf8_block_start()
"""A ``<`` that starts a block tag, in a page's UTF-8 bytes."""
