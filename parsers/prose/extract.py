"""Pre-2019 report text → the counts it states, each with the sentence or row it came from.

Two readers, one answer per key:

* the prose rules (:mod:`parsers.prose.patterns`) read sentences such as 主动公开政府信息425条,
  全年共受理政府信息公开申请12件, 未收到行政复议申请, 依申请提供政府信息暂不收费;
* the appendix reader (:mod:`parsers.prose.appendix`) reads the statistics table, splitting
  cells that ran together by the table's own totals.

When both give a value and they agree, the sentence is the evidence. When they disagree, the
appendix (the report's own statistics) wins and a warning quotes both. A key stated nowhere is
absent — never 0.

One deliberate gap: when no application was received this year, the appendix's outcome rows
(同意公开答复数 0 …) describe nothing and are not recorded; an outcome stated in a sentence is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsers.prose import patterns as P
from parsers.prose.appendix import AppendixResult, read_appendix
from parsers.prose.crosswalk import CROSSWALK, EXTRA_FIELDS
from parsers.prose.numerals import Number
from parsers.prose.text import normalize, report_year, sections

PROSE_KEYS: tuple[str, ...] = tuple(CROSSWALK)
EXTRA_KEYS: tuple[str, ...] = tuple(EXTRA_FIELDS)
OUTCOME_KEYS = (
    "applications_granted",
    "applications_partial",
    "applications_denied",
    *EXTRA_KEYS,
)
PROSE = "prose"
APPENDIX = "appendix"


@dataclass
class ProseResult:
    """The counts of one report: ``values`` and ``evidence`` hold exactly the record's keys."""

    values: dict[str, Number] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Outcomes beyond the record's keys (信息不存在, 非本机关, 申请内容不明确).
    extra: dict[str, Number] = field(default_factory=dict)
    extra_evidence: dict[str, str] = field(default_factory=dict)
    # Where each value (record keys and extras) came from: "prose" or "appendix".
    sources: dict[str, str] = field(default_factory=dict)
    year: int | None = None  # the report year used to tell this year's figures from others

    def to_dict(self) -> dict[str, Any]:
        return {
            "prose": dict(self.values),
            "prose_evidence": dict(self.evidence),
            "warnings": list(self.warnings),
            "extra": dict(self.extra),
            "extra_evidence": dict(self.extra_evidence),
            "sources": dict(self.sources),
        }


def extract_prose(text: str, *, year: int | None = None) -> ProseResult:
    """The counts a pre-2019 report states. ``year``: the report year, when already known."""
    if not text:
        return ProseResult(warnings=["empty text: no prose counts"])
    norm = normalize(text)
    year = year if year is not None else report_year(norm)
    table = read_appendix(norm, text)
    masked = norm
    if table.span is not None:
        start, end = table.span
        masked = norm[:start] + " " * (end - start) + norm[end:]
    ctx = P.Context(original=text, text=masked, sections=sections(masked), year=year)
    candidates = P.read_candidates(ctx)
    result = ProseResult(year=year)
    result.warnings.extend(ctx.warnings)
    result.warnings.extend(table.warnings)
    chosen: dict[str, tuple[Number, str, str]] = {}
    for key in (*PROSE_KEYS, *EXTRA_KEYS):
        picked = _pick(key, candidates.get(key, []), result.warnings)
        merged = _merge(key, picked, table, result.warnings)
        if merged is not None:
            chosen[key] = merged
    received = chosen.get("applications_received")
    if received is not None and received[0] == 0:
        for key in OUTCOME_KEYS:
            if key in chosen and chosen[key][2] == APPENDIX:
                del chosen[key]
    result.warnings = list(dict.fromkeys(result.warnings))  # several rules may see one sentence
    for key, (value, evidence, source) in chosen.items():
        if key in CROSSWALK:
            result.values[key] = value
            result.evidence[key] = evidence
        else:
            result.extra[key] = value
            result.extra_evidence[key] = evidence
        result.sources[key] = source
    return result


def _pick(key: str, cands: list[P.Candidate], warnings: list[str]) -> P.Candidate | None:
    """The best reading of a key: in its own section, not a part, first in the text."""
    if not cands:
        return None
    cands = sorted(cands, key=lambda c: c.rank)
    best = cands[0]
    others = {
        c.value: c
        for c in cands[1:]
        if c.value != best.value and c.in_section == best.in_section and not c.weaker
    }
    for value, cand in others.items():
        warnings.append(f"{key}: the text also states {value} ({cand.evidence}); {best.value} kept")
    return best


def _merge(
    key: str, picked: P.Candidate | None, table: AppendixResult, warnings: list[str]
) -> tuple[Number, str, str] | None:
    in_table = key in table.values
    if picked is None and not in_table:
        if key in table.ambiguous:
            options = ", ".join(str(v) for v in sorted(table.ambiguous[key]))
            warnings.append(
                f"{key}: the appendix cells cannot be split uniquely (possible: {options}); "
                "not recorded"
            )
        return None
    if picked is None:
        return table.values[key], table.evidence[key], APPENDIX
    if in_table and table.values[key] != picked.value:
        warnings.append(
            f"{key}: the text states {picked.value} ({picked.evidence}) but the appendix gives "
            f"{table.values[key]} ({table.evidence[key]}); the appendix kept"
        )
        return table.values[key], table.evidence[key], APPENDIX
    if key in table.ambiguous and picked.value not in table.ambiguous[key]:
        options = ", ".join(str(v) for v in sorted(table.ambiguous[key]))
        warnings.append(
            f"{key}: the text states {picked.value} but no split of the appendix cells gives it "
            f"(possible: {options})"
        )
    return picked.value, picked.evidence, PROSE
