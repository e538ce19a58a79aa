"""Where a pre-2019 appendix statistics table starts, and what its value columns are.

A table is found by its header words (指标名称 / 统计指标 / 项目 … 单位) or by its title
(…统计表 / 附表) followed closely by a row label. Its value columns are read from the header's
words only — never from the title above it, which names the year too (``…2018年政府信息公开情况
统计表`` over ``指标 单位 本年度 历年累计``): 本年度 / <year>年度 (the year's figure), 历年累计 (all
years), 本年累计 / 本期 (定西), 统计数 (one column). When the rows themselves print one count of
numbers throughout and the header words disagree, the rows are believed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

HEADER = re.compile(
    r"指\s*标\s*名\s*称|统\s*计\s*指\s*标|指\s*标\s*项\s*目|计\s*量\s*单\s*位"
    r"|(?:指\s*标|项\s*目)[\s|:：]*(?:计\s*量\s*)?单\s*位"
)
TITLE = re.compile(r"统\s*计\s*表|统\s*计\s*报\s*表|情\s*况\s*表|附\s*表")
COLUMNS = re.compile(
    r"(?P<thiscum>本\s*年\s*累\s*计)|(?P<hist>历\s*年\s*累\s*计|累\s*计\s*数?)"
    r"|(?P<period>本\s*期(?:\s*实\s*际)?)|(?P<year>(?:19|20)\d{2}\s*年\s*度?|本\s*年\s*度?|当\s*年)"
    r"|(?P<plain>统\s*计\s*数|数\s*量|数\s*值|合\s*计)"
)
CODE_COLUMN = re.compile(r"代\s*码")
THIS_PRIORITY = ("thiscum", "year", "plain", "period")
# What follows a row label in a table: a unit (maybe in brackets), a separator, or a number.
_AFTER_LABEL = re.compile(
    r"^[\s|:：”\"*]*(?:[（(]?\s*(?:万元|元|人次|条|件|个|人|次|项|篇|份|起)|\d)"
)


def find_table(text: str, labels: re.Pattern[str]) -> tuple[int, int] | None:
    """Where the statistics table starts (its header) and its first row label, or None."""
    for header in HEADER.finditer(text):
        first = labels.search(text, header.end(), min(len(text), header.end() + 300))
        if first is not None:
            return header.start(), first.start()
    for title in TITLE.finditer(text):
        first = labels.search(text, title.end(), min(len(text), title.end() + 120))
        if first is not None and _AFTER_LABEL.match(text[first.end() : first.end() + 12]):
            return title.start(), first.start()
    return None


def header_columns(header: str) -> tuple[list[str], bool]:
    """The value columns the header names, in order (``plain`` when it names none), and
    whether it has a code column (定西's 代码)."""
    titles = list(TITLE.finditer(header))
    words = header[titles[-1].end() :] if titles else header
    columns = [next(k for k, v in m.groupdict().items() if v) for m in COLUMNS.finditer(words)]
    return columns or ["plain"], bool(CODE_COLUMN.search(words))


def believe_rows(columns: list[str], counts: Sequence[int]) -> list[str]:
    """The columns, cut to the count of numbers the rows print when nearly every row prints
    the same count (two or more, printed apart) and the header names more columns (words of
    the header that are not columns); the header's last columns are kept."""
    counted = [c for c in counts if c]
    if len(counted) < 3:
        return columns
    width, seen = Counter(counted).most_common(1)[0]
    # one number a row may be a row whose cells ran together: only separate numbers count
    if 2 <= width < len(columns) and seen >= 0.7 * len(counted) and max(counted) <= width:
        return columns[-width:]
    return columns
