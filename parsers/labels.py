"""Label normalization: the one place that decides when two printed labels are "the same".

Real reports vary: full-width vs half-width brackets and digits, “” vs "" quotes, 其它 vs 其他,
spaces inside words (``本年新 制作数量``), line breaks, trailing colons. Matching is done on
:func:`normalize_label` of both sides, so the schema's keys are written once, normalized.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DROP = re.compile(r"[\s\u00a0\u3000\u200b\ufeff“”‘’\"'「」『』《》〈〉<>|｜:：*＊·•]+")
_SUBSTITUTIONS = (
    ("其它", "其他"),
    ("〔", "("),
    ("〕", ")"),
    ("【", "("),
    ("】", ")"),
    ("[", "("),
    ("]", ")"),
    ("﹝", "("),
    ("﹞", ")"),
    ("，", ","),
    ("、", ","),
    ("．", "."),
)


# The compatibility characters Chinese reports are full of (full-width punctuation and digits,
# no-break and ideographic spaces; the small and full-width brackets of document numbers, as in
# 国办公开办函﹝2021﹞30号), each with its NFKC form, most frequent first.
_COMMON_COMPAT = (
    tuple((c, unicodedata.normalize("NFKC", c)) for c in "，（）：；\u00a0\u3000！？"),
    tuple((c, unicodedata.normalize("NFKC", c)) for c in "０１２３４５６７８９％．－／"),
    tuple((c, unicodedata.normalize("NFKC", c)) for c in "﹝﹞［］"),
)


MOST_NFKC_CHARS = 18
"""The most characters NFKC makes of one (U+FDFA, ﷺ: eighteen): a normalized text is at most
that many times as long as its source (the rest of the normalization only removes)."""


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, fast for the usual report text.

    Full NFKC normalization of a page costs tens of nanoseconds a character. Replacing the
    common compatibility characters by their NFKC forms first (one fast pass each) usually
    leaves the text normalized; the full normalization runs only when rarer ones remain.
    Replacing a character by its NFKC form never changes the NFKC form of the text around it
    (the compatibility decomposition of the whole stays the same), so the result is identical.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    if len(text) < 64:  # a cell or a short line: one normalization is as quick
        return unicodedata.normalize("NFKC", text)
    for group in _COMMON_COMPAT:
        for old, new in group:
            text = text.replace(old, new)
        if unicodedata.is_normalized("NFKC", text):
            return text
    return unicodedata.normalize("NFKC", text)


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width digits and brackets) and collapsed whitespace."""
    return " ".join(nfkc(text).split())


LINE_SPACES = ("\t", "\x1f", "\u1680")
"""The white space other than the space that NFKC leaves in a line as ``str.splitlines`` cuts
it: the rest of Python's white space is a line break, or a character NFKC makes a space (the
tests check every code point)."""


def normalize_line(line: str) -> str:
    """:func:`normalize_text` of a line that holds no line break (``str.splitlines`` cuts it).

    Splitting a line at its white space and joining it again costs as much as normalizing it,
    and most lines of a report hold none to collapse (Chinese prose has no spaces): a few
    searches for one character find out whether there is any, at a fraction of the cost.
    """
    text = nfkc(line)
    if " " in text and (text[0] == " " or text[-1] == " " or "  " in text):
        return " ".join(text.split())
    if LINE_SPACES[0] in text or LINE_SPACES[1] in text or LINE_SPACES[2] in text:
        return " ".join(text.split())
    return text


CELL_TEXTS: dict[str, str] = {}
"""Each cell-sized text :func:`normalize_cell` was given, and its normalized form: cells repeat
(0, 1, 本年新收 … on every report). A loop over a page's cells may look a text up here first
(one ``dict.get``) and call :func:`normalize_cell` only for the texts it lacks."""
_CELL_TEXTS_KEPT = 32768  # (a bounded memory: cleared when full)


def normalize_cell(text: str) -> str:
    """:func:`normalize_text` of a table cell; kept in :data:`CELL_TEXTS`, for cell-sized
    texts only."""
    found = CELL_TEXTS.get(text)
    if found is not None:
        return found
    normalized = normalize_text(text)
    if len(text) <= 200:
        if len(CELL_TEXTS) >= _CELL_TEXTS_KEPT:
            CELL_TEXTS.clear()
        CELL_TEXTS[text] = normalized
    return normalized


def normalize_lines(text: str, limit: int | None = None) -> list[str]:
    """The non-empty lines of ``text`` (split at line feeds), each as :func:`normalize_text`
    gives it; the first ``limit`` only, when given.

    The whole text is normalized at once rather than line by line (a page has hundreds of
    lines): NFKC never creates, removes or combines across a line feed, so the two are equal.
    """
    lines = nfkc(text).split("\n")
    if limit is None:
        return [" ".join(line.split()) for line in lines if line and not line.isspace()]
    out: list[str] = []
    for line in lines:
        if len(out) >= limit:
            break
        if line and not line.isspace():
            out.append(" ".join(line.split()))
    return out


def normalize_label(text: str) -> str:
    """The comparable form of a label: NFKC, no whitespace, no quotes, unified variants.

    Labels repeat from report to report and are cached; long texts (a whole table's or
    block's text, searched for key words) are unique to their page and are not.
    """
    return _label(text) if len(text) > _LONGEST_CACHED_LABEL else _cached_label(text)


_LONGEST_CACHED_LABEL = 200


def _label(text: str) -> str:
    text = _DROP.sub("", nfkc(text))
    for old, new in _SUBSTITUTIONS:
        text = text.replace(old, new)
    return text.lower()


_cached_label = lru_cache(maxsize=65536)(_label)


@lru_cache(maxsize=4096)
def normalized_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize_label(k) for k in keys)


def find_key(label: str, keys: tuple[str, ...]) -> int:
    """End position of the last occurrence of any key in a normalized label, or -1."""
    best = -1
    for key in normalized_keys(keys):
        pos = label.rfind(key)
        if pos >= 0:
            best = max(best, pos + len(key))
    return best
