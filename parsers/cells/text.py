"""Plain-text cell source: a report as text, without tables we can position.

Saved-page text dumps often start with a block of ``key: value`` lines (标题, 发布时间, 发布机构,
原文链接 …) and a separator before the body; those fields become the document's metadata. The
body is kept line by line for the metadata and prose readers. Cells run together in such text
(``一、本年新收…801000081``) are read by the flattened-text source, not here.
"""

from __future__ import annotations

import re

from parsers.cells.base import Document
from parsers.cells.fields import labeled_fields
from parsers.labels import normalize_line

_HEADER_LINE = re.compile(r"^(?P<key>[\u4e00-\u9fffA-Za-z]{1,8})\s*[:：]\s*(?P<value>.*)$")
_SEPARATOR = re.compile(r"^[=\-*#_\s]{3,}(?:正文)?[=\-*#_\s]*$")


def text_document(text: str, *, form: str = "text") -> Document:
    lines = [normalize_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    meta: dict[str, str] = {}
    body_start = 0
    for i, line in enumerate(lines[:20]):
        if _SEPARATOR.match(line):
            body_start = i + 1
            break
    if body_start:
        for line in lines[: body_start - 1]:
            match = _HEADER_LINE.match(line)
            if match and match["value"].strip():
                meta.setdefault(match["key"], match["value"].strip())
    body = lines[body_start:]
    for key, value in labeled_fields(lines[:40]).items():
        meta.setdefault(key, value)
    title = meta.get("标题")
    return Document(text="\n".join(body), form=form, title=title, meta=meta)
