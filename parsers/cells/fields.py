"""Labeled page fields (发布日期：…, 来源：…, 发布机构：…) that CMS pages and saved-page text
dumps print around a report; the metadata reader uses them when the report itself is silent."""

from __future__ import annotations

import re

LABELED_FIELD = re.compile(
    r"(?P<key>标\s*题|发布机构|发文机关|发文单位|来\s*源|信息来源|发布日期|发文日期|成文日期|发布时间|上载日期|时\s*间|日\s*期)"
    r"\s*[:：]\s*(?P<value>[^\s|]{2,60}(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)"
)
_SPACES = re.compile(r"\s+")
_KEY_END = re.compile(r"[题构关位源期间]\s*[:：]")
"""The last character of every key of :data:`LABELED_FIELD` and its colon: a text without
them holds no field (a quicker search than the fields', whose keys begin with characters
that prose is full of: 信, 发, 时, 日)."""


def labeled_fields(lines: list[str]) -> dict[str, str]:
    """First value of each labeled field found in ``lines`` (keys without inner spaces).

    The lines that hold a colon (every field has its colon; most lines hold none) are searched
    in one pass, joined by a bar: no field can hold one (neither its label nor the spaces
    around its colon nor its value), so none reaches from one line into the next."""
    found: dict[str, str] = {}
    joined = "|".join([line for line in lines if ":" in line or "：" in line])
    if not _KEY_END.search(joined):
        return found
    for match in LABELED_FIELD.finditer(joined):
        key = match.group("key")
        if not key.isalnum():  # a label printed spaced (标 题)
            key = _SPACES.sub("", key)
        found.setdefault(key, match.group("value").strip())
    return found
