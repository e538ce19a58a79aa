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


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width digits and brackets) and collapsed whitespace."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """The comparable form of a label: NFKC, no whitespace, no quotes, unified variants."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", text))
    for old, new in _SUBSTITUTIONS:
        text = text.replace(old, new)
    return text.lower()


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
