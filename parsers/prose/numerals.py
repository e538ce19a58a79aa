"""Numbers as pre-2019 reports print them: Arabic, Chinese, financial and mixed forms.

Reports before 2019 write counts in every style: ``425``, ``1,516``, ``一百二十三``, ``两千``,
``一千零五``, ``二〇一一`` (digit by digit, mostly years), ``1.2万``, ``3万`` and colloquial
``一万二`` (= 12 000). :func:`parse_number` reads one such token; :data:`NUMBER` is the regular
expression fragment that finds them inside text (the prose patterns build on it).

Why a hand-written reader: the forms are few and well defined, and a wrong reading must come
back as ``None`` (then the count is left absent) rather than as a plausible-looking number.
"""

from __future__ import annotations

import re
import unicodedata

Number = int | float

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "壹": 1,
    "幺": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_ZEROS = frozenset("零〇○O")

CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_CN_CLASS = "".join(sorted(set(CN_NUMERAL_CHARS) - {"O", "幺"}))

# One number token inside (normalized) text. Arabic with optional thousands separators and
# decimals, optionally followed by 万/亿; or a run of Chinese numeral characters. The prose
# patterns always require a unit after it, which keeps 一 in 一是/统一 from reading as 1.
NUMBER = (
    r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[万亿])?"
    rf"|\d+(?:\.\d+)?[千百](?:[{_CN_CLASS}]*)"
    rf"|[{_CN_CLASS}]+)"
)
_NUMBER_RE = re.compile(rf"^{NUMBER}$")
_ARABIC_RE = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<big>[万亿])?$")
_MIXED_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)(?P<unit>[千百])(?P<rest>.*)$")


def to_ascii_digits(text: str) -> str:
    """Full-width digits and separators → ASCII, one character for one (offsets survive)."""
    out = []
    for ch in text:
        if "\uff10" <= ch <= "\uff19" or ch in "\uff0e\uff0c":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


def _integral(value: float) -> Number:
    return int(value) if float(value).is_integer() else value


def parse_chinese(text: str) -> int | None:
    """An integer written in Chinese numerals, or None when the characters do not form one.

    Handles 十二 (12), 二十 (20), 一百零五 (105), 两千 (2000), 一万二千三百 (12300), colloquial
    一万二 (12000) and 三千五 (3500), digit-by-digit 二〇一一 (2011), and financial 壹贰叁.
    """
    if not text or any(
        ch not in _DIGITS and ch not in _SMALL_UNITS and ch not in _BIG_UNITS for ch in text
    ):
        return None
    if all(ch in _DIGITS for ch in text):
        if len(text) == 1:
            return _DIGITS[text]
        if text[0] in _ZEROS or "两" in text or "兩" in text:
            return None  # 两 is never a positional digit; 〇一 is not a count
        return int("".join(str(_DIGITS[ch]) for ch in text))  # 二〇一一 = 2011
    total = 0  # the part already multiplied by 万 / 亿
    section = 0  # the part below the current big unit
    digit: int | None = None
    small = 0  # the last 十/百/千 of this section (units must fall: 千 … 百 … 十)
    big = 0  # the last 万/亿
    zero = False  # a 零 since the last unit (一百零五: the 五 is ones)
    for ch in text:
        if ch in _ZEROS:
            if digit is not None:
                return None
            zero = True
        elif ch in _DIGITS:
            if digit is not None:
                return None  # 一二百 is not a number
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if digit is None:
                if unit != 10:
                    return None  # 百 / 千 need a digit; 十 alone is 一十
                digit = 1
            if small and unit >= small:
                return None
            section += digit * unit
            digit, small, zero = None, unit, False
        else:
            unit = _BIG_UNITS[ch]
            if digit is not None:
                section += digit
                digit = None
            if section == 0 or (unit == 10_000 and big == 10_000):
                return None
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section, small, big, zero = 0, 0, unit, False
    if digit is not None:
        if zero or (small == 0 and big == 0):
            section += digit
        elif small:
            section += digit * max(small // 10, 1)  # 二十五 = 25, 三千五 = 3500
        else:
            section += digit * (big // 10)  # 一万二 = 12000
    return total + section


def parse_number(token: str) -> Number | None:
    """One printed number → int (or float when it has a fraction), None when it is not one.

    ``"1,516"`` → 1516; ``"1.2万"`` → 12000; ``"0.35"`` → 0.35; ``"一百二十三"`` → 123;
    ``"两"`` → 2; ``"3千"`` → 3000; ``"12,34"`` → None (not a thousands grouping).
    """
    if token is None:
        return None
    text = to_ascii_digits(str(token)).replace(" ", "").replace("\u3000", "")
    if not text:
        return None
    match = _ARABIC_RE.match(text)
    if match:
        whole = match["int"].replace(",", "")
        value = float(whole + (match["frac"] or ""))
        if match["big"]:
            value *= _BIG_UNITS[match["big"]]
            return _integral(round(value, 6))
        return int(whole) if not match["frac"] else _integral(value)
    match = _MIXED_RE.match(text)
    if match:
        head = float(match["num"]) * _SMALL_UNITS[match["unit"]]
        rest = match["rest"]
        if not rest:
            return _integral(round(head, 6))
        tail = parse_chinese(rest)
        return None if tail is None else _integral(round(head + tail, 6))
    if not _NUMBER_RE.match(text):
        return None
    return parse_chinese(text)
