"""Reading one printed cell: a number, a blank, a dash, or not a value at all.

Printed cells carry full-width digits (１２), thousands separators (1,234), units (251000元),
signs (+1036, -18 in the 2019 本年增/减 column), padding (&nbsp;12&nbsp;), and notes such as
``55（含自然失效29件）``. Blank, ``—``, ``-``, ``/`` and ``无`` are not numbers: they become
``None`` with their raw text kept, never 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from parsers.model import BLANK, DASH, NUMBER, Number

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
DASHES = frozenset(
    {
        "-",
        "—",
        "——",
        "–",
        "－",
        "―",
        "─",
        "/",
        "／",
        "\\",
        "无",
        "無",
        "空",
        "~",
        "〃",
        "--",
        "---",
        "×",
    }
)
MAX_DIGITS = 64
"""Longer than any count or amount a report prints: a longer run of digits is not one value
(and ``int()`` refuses strings past 4,300 digits)."""
UNITS = ("万元", "元", "件", "条", "个", "项", "次", "人次", "宗", "份", "起", "人")
_NUMBER = re.compile(
    r"^(?P<num>[+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?P<unit>万元|元|件|条|个|项|次|人次|宗|份|起|人)?"
    r"(?P<note>[(（][^()（）]*[)）])?$"
)


@dataclass(frozen=True, slots=True)
class Printed:
    """What a cell printed: its number (or None), a status, the raw text and any unit."""

    value: Number | None
    status: str
    raw: str
    unit: str | None = None


def compact(text: str) -> str:
    """The cell text without any whitespace, NFKC-normalized (full-width → ASCII)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=65536)
def read_value(text: str) -> Printed | None:
    """Read a cell as a value, or return None when the text is not a value (it is a label)."""
    raw = text.strip()
    if raw.isdigit() and raw.isascii():
        return Printed(int(raw), NUMBER, raw) if len(raw) <= MAX_DIGITS else None
    flat = compact(text)
    if not flat:
        return Printed(None, BLANK, raw)
    if flat in DASHES or (len(flat) <= 3 and set(flat) <= set("-—–－―─/／")):
        return Printed(None, DASH, raw)
    match = _NUMBER.match(flat)
    if not match:
        return None
    digits = match.group("num").replace(",", "")
    if len(digits) > MAX_DIGITS + 1:  # a decimal point may be among them
        return None
    number: Number = float(digits) if "." in digits else int(digits)
    return Printed(number, NUMBER, raw, match.group("unit"))


def is_value(text: str) -> bool:
    """True when the text reads as a cell value (number, blank or dash), not a label."""
    return read_value(text) is not None
