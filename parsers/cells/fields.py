"""Labeled page fields (发布日期：…, 来源：…, 发布机构：…) that CMS pages and saved-page text
dumps print around a report; the metadata reader uses them when the report itself is silent."""

from __future__ import annotations

import re

FIELD_KEYS = (
    r"标\s*题",
    "发布机构",
    "发文机关",
    "发文单位",
    r"来\s*源",
    "信息来源",
    "发布日期",
    "发文日期",
    "成文日期",
    "发布时间",
    "上载日期",
    r"时\s*间",
    r"日\s*期",
)
"""The labels of the fields (patterns of normalized text: a label printed spaced, 标 题)."""
LABELED_FIELD = re.compile(
    rf"(?P<key>{'|'.join(FIELD_KEYS)})"
    r"\s*[:：]\s*(?P<value>[^\s|]{2,60}(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)"
)
COLON_SOURCES = ":\u2a74\ufe13\ufe55\uff1a"
"""Every character whose NFKC form holds a colon (``:``; ``：`` is never left by NFKC): the
colon itself, ⩴, the vertical and small presentation forms and the full-width colon (the
tests check every code point)."""
MADE_BY_NFKC = {
    "文": "\u2f42\u3246",
    "日": "\u2f47\u3230\u3290\u33e0-\u33fe",
    "上": "\u3196\u32a4",
    "成": "\u337b\U0002f8b2",
}
"""For each character of the labels that NFKC makes of other characters, those characters (as
a regular-expression class: ⽇, ㊐, ㏠ 1日 …; the tests check every code point)."""


def _printed_backwards(key: str) -> str:
    """A label's pattern read backwards (its last character first), matching it as printed
    before normalizing: any character NFKC makes one of its characters of stands for it."""
    parts: list[str] = []
    at = 0
    while at < len(key):
        if key.startswith(r"\s*", at):
            parts.append(r"\s*")
            at += 3
            continue
        char = key[at]
        parts.append(f"[{char}{MADE_BY_NFKC[char]}]" if char in MADE_BY_NFKC else char)
        at += 1
    return "".join(reversed(parts))


# Searched in the text read backwards: a colon opens each match, and the search skips to them
# (most of a page's text holds none), where a label's first character would be tried at every
# position of the text.
_FIELD_BACKWARDS = re.compile(
    rf"[{COLON_SOURCES}]\s*(?:{'|'.join(map(_printed_backwards, FIELD_KEYS))})"
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


def may_hold_fields(text: str, end: int) -> bool:
    """Whether ``labeled_fields(normalize_lines(text[:end]))`` may find a field, read from the
    text as it is, before its lines are cut and normalized (one search instead of both): False
    only when it finds none.

    Each field's label and colon lie on one line of the normalized text with nothing but white
    space between them. NFKC makes each character of them of one character of the text (a
    label's character of itself or of one of :data:`MADE_BY_NFKC`, which each make no other
    character of a label; a colon only of :data:`COLON_SOURCES`), white space of nothing but
    white space, and no character of nothing (the tests check every code point); so the text
    holds a label, as :func:`_printed_backwards` matches it backwards, followed by a colon with white space
    between (a line feed between lines is white space to the search). ``text`` may hold more
    than the lines (text the lines do not show, text the line feeds of block elements would
    part): the search then finds more, never less."""
    return _FIELD_BACKWARDS.search(text[end - 1 :: -1] if end > 0 else "") is not None
