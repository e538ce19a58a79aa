"""Context text made comparable with place names (NFKC, no whitespace), in half the time.

A name that several divisions share is resolved by the places a report's opening text names,
and its place is not kept (it depends on that text), so every such report normalises some
4,000 characters. Python's NFKC runs its whole algorithm over the text as soon as one character
is not normalised, and a Chinese text always has one (its full-width punctuation, ，（）：).
The ideographs that make most of the text are stable under normalisation: nothing decomposes,
reorders or composes across them (Unicode's "stable code points", UAX #15), so only the runs
between them are normalised, each on its own; the result is the same text.
"""

from __future__ import annotations

import re
import unicodedata

_BETWEEN_IDEOGRAPHS = re.compile(r"[^\u4e00-\u9fff]+")


def _normalized(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def context_text(text: str) -> str:
    """``"".join(unicodedata.normalize("NFKC", text).split())``, computed faster."""
    if not unicodedata.is_normalized("NFKC", text):
        text = _BETWEEN_IDEOGRAPHS.sub(_normalized, text)
    return "".join(text.split())
