"""Numbers the report states in its own prose, to corroborate a split the arithmetic leaves open.

Table 二 has no arithmetic at all, so ``8855698`` under 本年制发/本年废止/现行有效 has many
readings. Reports often state some of those numbers in their text: "集中公开现行有效行政规范性
文件698件，动态更新本年度制发的规范性文件88件" leaves only 88|55|698. A statement is read
conservatively — one clause (between ，。；), exactly one counted number in it (``698件``), one
table item named in it (规范性文件) and one measure (现行有效) — and it is only ever used to narrow
the readings the printed row already allows (the cells those left agree on are decided), never
against a printed number.

Table 三's totals are stated the same way (共收到政府信息公开申请218件，上年结转3件，办结215件，结转下年度
继续办理6件): :func:`stated_totals` reads them for the rows whose 总计 column they give.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from parsers import schema
from parsers.labels import normalize_label, normalize_text
from parsers.model import Number

_CLAUSE = re.compile(r"[,，。;；:：!！?？\n()（）]+")
_UNITS = ("件", "条", "项", "个", "万元")  # a clause holding none counts nothing
_COUNTED = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(" + "|".join(_UNITS) + ")")
_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d\s*年")
_TORN = re.compile(r"\d\s+\d+(?:\.\d+)?\s*(?:件|条|项|个|份|万元)")
"""A counted number right after other digits with only a space or a line break between them:
a number a line wrap tore (``上年结转31⏎0件`` is 310, not 0). Which is meant cannot be told, so
the clause states nothing."""

# Words prose uses for the measures (besides the schema's own keys).
_PROSE_MEASURES: dict[str, tuple[str, ...]] = {
    "issued": ("制发", "新制定", "出台"),
    "repealed": ("废止",),
    "in_force": ("现行有效",),
    "made": ("新制作", "制作"),
    "published": ("新公开",),
    "total_public": ("对外公开总", "累计公开"),
    "decisions": ("处理决定", "作出.{0,6}决定"),
    "amount": ("收费金额", "收取.{0,6}费"),
}


def stated_numbers(text: str, template: str) -> dict[tuple[str, str], set[Number]]:
    """``{(item, measure): {values}}`` stated in the text for table 二 of ``template``."""
    items = schema.PROACTIVE.get(template)
    if not items:
        return {}
    facts: dict[tuple[str, str], set[Number]] = defaultdict(set)
    for clause in _CLAUSE.split(normalize_text(text)):
        if not any(unit in clause for unit in _UNITS):
            continue  # (no count: most clauses, told before the regexes run)
        found = _one_count(_COUNTED, clause)
        if found is None:
            continue
        label = normalize_label(clause)
        named = [item for item in items if any(normalize_label(k) in label for k in item.keys)]
        if len(named) != 1:
            continue
        item = named[0]
        measures = [m for m in item.measures if _mentions(label, m)]
        if len(measures) != 1:
            continue
        digits, unit = found
        if (unit == "万元") != (measures[0].code == "amount"):
            continue
        value: Number = float(digits) if "." in digits else int(digits)
        facts[(item.code, measures[0].code)].add(value)
    return dict(facts)


def _one_count(counted: re.Pattern[str], clause: str) -> Any:
    """What ``counted`` finds in ``clause`` (its group, or its groups as a tuple; years left
    out) when it finds exactly one count and no count there was torn by a line wrap
    (:data:`_TORN`); else None: the clause states nothing sure."""
    unyeared = _YEARISH.sub("", clause)
    found = counted.findall(unyeared)
    if len(found) != 1 or _TORN.search(unyeared):
        return None
    return found[0]


def _mentions(label: str, measure: schema.Field) -> bool:
    words = tuple(normalize_label(k) for k in measure.keys) + _PROSE_MEASURES.get(measure.code, ())
    return any(re.search(w, label) for w in words)


def corroborated(
    vectors: Sequence[Sequence[Number | None]],
    columns: Sequence[str],
    facts: dict[str, set[Number]],
) -> list[int]:
    """Indexes of the readings consistent with every stated number (one value per measure)."""
    usable = {c: next(iter(v)) for c, v in facts.items() if len(v) == 1 and c in columns}
    if not usable:
        return list(range(len(vectors)))
    positions = {columns.index(c): value for c, value in usable.items()}
    return [
        i
        for i, vector in enumerate(vectors)
        if all(vector[p] == value for p, value in positions.items())
    ]


# Table 三's rows whose 总计 a clause states, by the words that name them; a clause naming two
# of them (上年结转 and 结转下年度 share 结转) names the one whose words end last.
_TOTAL_ROWS: dict[str, tuple[str, ...]] = {
    "new": ("新收", "收到", "受理"),
    "carried_over": ("上年结转", "上一年度结转", "上年度结转"),
    "total": ("办结", "办理完毕", "总计办理"),
    "carried_forward": ("结转下年", "转下年", "转入下一年", "结转至下年", "继续办理"),
}
_APPLICATIONS = re.compile(r"政府信息公开申请|依申请公开|信息公开申请")
_APPLICATIONS_WORD = "申请"  # (every match of _APPLICATIONS holds it)
_NOT_THIS = re.compile(r"上年|去年|同比|累计|年度报告")
_CASES = re.compile(r"(?<![\d.])(\d+)\s*(?:件|个|份)")


def stated_totals(text: str) -> dict[str, set[int]]:
    """``{row: {values}}``: the 总计 of table 三's rows new, carried_over, total and
    carried_forward the text states, one counted number a clause. The row is named by the
    clause's words (收到…申请, 上年结转, 办结, 结转下年度); the first clause of a sentence must
    speak of applications (政府信息公开申请), the next ones continue it."""
    facts: dict[str, set[int]] = defaultdict(set)
    for sentence in _sentences(normalize_text(text), _APPLICATIONS, _APPLICATIONS_WORD):
        for clause in _clauses(sentence):
            if "件" not in clause and "个" not in clause and "份" not in clause:
                continue  # (no unit of _CASES: most clauses; three tests, not a generator)
            found = _one_count(_CASES, clause)
            if found is None:
                continue
            row = _row_named(clause)
            if row is None or (row == "new" and _NOT_THIS.search(clause)):
                continue
            facts[row].add(int(found))
    return dict(facts)


_SENTENCE_ENDS = "。;；\n"


def _sentences(text: str, naming: re.Pattern[str], word: str) -> list[str]:
    """The sentences of ``text`` (between runs of ``。;；`` and line feeds) in which ``naming``
    finds something, in order, each once. ``word``: a word every match of ``naming`` holds;
    ``naming`` is tried only on the sentences holding it (a report's few sentences on
    applications among its many, and the run of table cells with no sentence end in it).
    Every end mark is made a ``。`` and the text split at ``。`` (a few passes in C, each
    quicker than a search per mention around it, which scans the rest of the text for every
    mark it lacks; a regex is slow on Chinese text)."""
    if word not in text:
        return []
    for mark in _SENTENCE_ENDS[1:]:
        text = text.replace(mark, _SENTENCE_ENDS[0])
    return [s for s in text.split(_SENTENCE_ENDS[0]) if word in s and naming.search(s)]


def _clauses(sentence: str) -> list[str]:
    """The clauses of a sentence, between ``,，:：()（）`` (empty between two of them): each
    mark made a comma and the sentence split at commas, several times quicker than a regex
    on Chinese text."""
    for mark in "，:：()（）":
        sentence = sentence.replace(mark, ",")
    return sentence.split(",")


def _row_named(clause: str) -> str | None:
    best, end = None, -1
    for row, words in _TOTAL_ROWS.items():
        for word in words:
            at = clause.rfind(word)
            if at >= 0 and at + len(word) > end:
                best, end = row, at + len(word)
    return best
