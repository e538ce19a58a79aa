"""Labeled page fields (发布日期：…, 来源：…, 发布机构：…) that CMS pages and saved-page text
dumps print around a report; the metadata reader uses them when the report itself is silent."""

from __future__ import annotations

import re

LABELED_FIELD = re.compile(
    r"(?P<key>标\s*题|发布机构|发文机关|发文单位|来\s*源|信息来源|发布日期|发文日期|成文日期|发布时间|上载日期|时\s*间|日\s*期)"
    r"\s*[:：]\s*(?P<value>[^\s|]{2,60}(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)"
)


def labeled_fields(lines: list[str]) -> dict[str, str]:
    """First value of each labeled field found in ``lines`` (keys without inner spaces)."""
    found: dict[str, str] = {}
    for line in lines:
        if ":" not in line and "：" not in line:
            continue  # every field has its colon (a quick test: most lines hold none)
        for match in LABELED_FIELD.finditer(line):
            key = re.sub(r"\s+", "", match.group("key"))
            found.setdefault(key, match.group("value").strip())
    return found
