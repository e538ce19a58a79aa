"""What the tests of pre-2019 reports share: the keys of the record contract and a small
report composed from numbered sections."""

from __future__ import annotations

import re

from parsers.prose import (
    extract_prose,
)

SPEC_KEYS = (
    "proactive_items",
    "applications_received",
    "applications_granted",
    "applications_partial",
    "applications_denied",
    "fees_yuan",
    "reconsideration_cases",
    "litigation_cases",
    "consultations",
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def report(*sections: tuple[str, str], year: int = 2012, appendix: str = "") -> str:
    """A small pre-2019 report: title, numbered sections, optional appendix table."""
    numerals = "一二三四五六七八九十"
    parts = [f"某某县人民政府{year}年政府信息公开工作年度报告"]
    for i, (heading, body) in enumerate(sections):
        parts.append(f"{numerals[i]}、{heading}\n{body}")
    if appendix:
        parts.append(appendix)
    return "\n".join(parts)


def values(text: str, **kwargs) -> dict:
    return extract_prose(text, **kwargs).values
