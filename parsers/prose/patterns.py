"""Reading the report's counts from its sentences: every match of a wording rule
(:mod:`parsers.prose.wording`) that really is the report's own figure for the year becomes a
:class:`Candidate`; :mod:`parsers.prose.extract` chooses among them.

A match is refused where its section and sentence say it is something else (see the rules'
``where``/``needs``/``veto``), when it names a part (``subset``), when it is approximate (约,
多, 余, 左右 …), cumulative (历年累计, 截至…累计, 自《条例》施行以来) or of another year
(去年, 2011年 in a 2012 report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.prose import text as T
from parsers.prose.numerals import Number, parse_number
from parsers.prose.wording import (
    ACCUMULATED,
    ANCHOR,
    APPROX_AFTER,
    APPROX_AFTER_UNIT,
    APPROX_BEFORE,
    CONS_CHANNEL,
    OTHER_YEAR,
    RULES,
    SINCE,
    SINCE_YEAR,
    STRONG_CUMULATIVE,
    UNTIL,
    WHOLE,
    YEAR_TOKEN,
    Rule,
)

# Consultations by channel (现场咨询 N 人次) are parts of the total unless the clause says 共.
_CHANNEL_SUBSET = {"consultations": CONS_CHANNEL}


@dataclass
class Candidate:
    """One reading of one key: the value, where it was read and how much to trust it."""

    key: str
    value: Number
    start: int
    end: int
    rule: str
    in_section: bool
    weaker: bool
    evidence: str = ""

    @property
    def rank(self) -> tuple[int, int, int]:
        return (0 if self.in_section else 1, 1 if self.weaker else 0, self.start)


@dataclass
class Context:
    """The prepared text a report's rules run over."""

    original: str
    text: str  # normalized, appendix masked
    sections: list[T.Section]
    year: int | None
    warnings: list[str] = field(default_factory=list)
    until_skipped: list[str] = field(default_factory=list)  # 截至… figures, maybe cumulative


def read_candidates(ctx: Context) -> dict[str, list[Candidate]]:
    """Every acceptable reading of every key, in no particular order."""
    out: dict[str, list[Candidate]] = {}
    seen_approx: set[tuple[str, int]] = set()
    for rule in RULES:
        for match in rule.regex.finditer(ctx.text):
            for cand in _evaluate(ctx, rule, match, seen_approx):
                out.setdefault(cand.key, []).append(cand)
    return out


def _evaluate(
    ctx: Context, rule: Rule, match: re.Match[str], seen_approx: set[tuple[str, int]]
) -> list[Candidate]:
    text = ctx.text
    start, end = match.span()
    kinds = T.kinds_at(ctx.sections, start)
    in_section = bool(kinds & rule.where)
    s_start, s_end = T.sentence_at(text, start, end, limit=400)
    sentence = text[s_start:s_end]
    if not in_section and (rule.needs is None or not rule.needs.search(sentence)):
        return []
    if rule.must is not None and not rule.must.search(sentence):
        return []
    c_start = T.clause_start(text, start)
    prefix = text[c_start:start]
    clause = text[c_start : T.clause_end(text, end)] if not rule.zero else text[c_start:end]
    whole_clause = text[c_start : T.clause_end(text, end)]
    if rule.veto is not None and rule.veto.search(whole_clause if not rule.zero else clause):
        return []
    if rule.lead_veto is not None and rule.lead_veto.search(text[max(0, start - 4) : start]):
        return []
    if rule.tail_veto is not None and rule.tail_veto.search(text[end : T.clause_end(text, end)]):
        return []
    if rule.gap_veto is not None and "gap" in match.re.groupindex:
        gap = match.group("gap") or ""
        if rule.gap_veto.search(gap):
            return []
    if _is_part(rule, prefix + match.group(0)):
        return []
    skipped = len(ctx.until_skipped)
    if _is_cumulative(ctx, text[T.sentence_start(text, start) : start], match.group(0)):
        if len(ctx.until_skipped) > skipped and not rule.zero:
            e_start, e_end = T.sentence_at(ctx.original, start, end)
            ctx.warnings.append(
                f"{rule.keys[0]}: a 截至 (as of) figure may be cumulative, not recorded: "
                f"{_clean(ctx.original[e_start:e_end])}"
            )
        return []
    if _is_other_year(ctx, prefix + match.group(0)):
        return []
    weaker = any(p.search(prefix) for p in rule.weaker)
    e_start, e_end = T.sentence_at(ctx.original, start, end)
    evidence = _clean(ctx.original[e_start:e_end])
    values: list[Number] = []
    if rule.zero:
        values = [0] * len(rule.keys)
    else:
        for group in rule.groups[: len(rule.keys)]:
            token = match.group(group)
            if token is None:
                return []
            value = parse_number(token)
            if value is None:
                return []
            if _approximate(text, match, group):
                key = rule.keys[0]
                if (key, match.start(group)) not in seen_approx:
                    seen_approx.add((key, match.start(group)))
                    ctx.warnings.append(
                        f"{key}: approximate figure not recorded as a count: {evidence}"
                    )
                return []
            if "u" in match.re.groupindex and match.group("u") == "万元":
                value = _yuan(value, 10_000)
            values.append(value)
    out = [
        Candidate(key, value, start, end, rule.name, in_section, weaker, evidence)
        for key, value in zip(rule.keys, values, strict=False)
    ]
    if rule.zero and rule.also:
        rest = text[start : T.clause_end(text, end)]
        for key, pattern in rule.also:
            if pattern.search(rest):
                out.append(Candidate(key, 0, start, end, rule.name, in_section, weaker, evidence))
    return out


def _is_part(rule: Rule, before: str) -> bool:
    """A clause naming a part (各乡镇…, 网上申请…) rather than the whole."""
    if WHOLE.search(before):
        return False
    if any(p.search(before) for p in rule.subset):
        return True
    channel = _CHANNEL_SUBSET.get(rule.keys[0])
    return bool(channel is not None and channel.search(before))


def _is_cumulative(ctx: Context, sentence_before: str, match_text: str) -> bool:
    """历年累计, 截至…累计, 自《条例》施行以来: not this year's figure.

    ``sentence_before`` runs from the sentence start to the match; what precedes a figure in
    its sentence qualifies it (截至2012年底，累计… / 2012年，我局累计… for the year itself).
    """
    full = sentence_before + match_text
    if STRONG_CUMULATIVE.search(full):
        return True
    for token in SINCE_YEAR.findall(full):
        if ctx.year is None or T.year_value(token) != ctx.year:
            return True
    years = years_in(full)
    anchored = bool(ANCHOR.search(full)) or (
        ctx.year in years if ctx.year is not None else bool(years)
    )
    for match in SINCE.finditer(full):
        before = full[max(0, match.start() - 6) : match.start()]
        this_year = re.search(r"(?:今年|本年|年初|本年度)$", before) or (
            ctx.year is not None and ctx.year in years_in(before) and before.endswith("年")
        )
        if not this_year:
            return True
    if UNTIL.search(full) and (ACCUMULATED.search(full) or not ANCHOR.search(full)):
        if not ACCUMULATED.search(full):
            ctx.until_skipped.append(match_text)
        return True
    return bool(ACCUMULATED.search(full) and not anchored)


def years_in(text: str) -> set[int]:
    """Years written in a clause: 2012年 or 二〇一二年."""
    out = set()
    for token in YEAR_TOKEN.findall(text):
        value = T.year_value(token)
        if value is not None and 1990 <= value <= 2100:
            out.add(value)
    return out


def _is_other_year(ctx: Context, clause: str) -> bool:
    if OTHER_YEAR.search(clause) and not re.search(r"上年结转", clause):
        return True
    if ctx.year is None:
        return False
    years = years_in(clause)
    return bool(years) and ctx.year not in years


def _approximate(text: str, match: re.Match[str], group: str) -> bool:
    n_start, n_end = match.span(group)
    if APPROX_BEFORE.search(text[max(0, n_start - 3) : n_start]):
        return True
    if APPROX_AFTER.match(text[n_end : n_end + 2]):
        return True
    if "u" in match.re.groupindex and match.group("u"):
        u_end = match.end("u")
        if APPROX_AFTER_UNIT.match(text[u_end : u_end + 3]):
            return True
    return False


def _yuan(value: Number, factor: int) -> Number:
    out = round(value * factor, 2)
    return int(out) if float(out).is_integer() else out


def _clean(evidence: str) -> str:
    return re.sub(r"\s+", " ", evidence).strip()
