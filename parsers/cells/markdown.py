"""Markdown cell source: tables as ``| a | b |`` rows (from PDF/OCR converters), text around.

Each markdown table becomes a grid with known rows and columns (markdown has no spans);
separator rows (``|---|``) are skipped. Text lines stay text, for metadata and prose.
"""

from __future__ import annotations

import re

from parsers.cells.base import Cell, Document
from parsers.labels import normalize_text

_ROW = re.compile(r"^\s*\|(?P<body>.*)\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def split_row(line: str) -> list[str] | None:
    """The cells of one markdown table row, or None when the line is not a row."""
    match = _ROW.match(line)
    if not match:
        return None
    return [normalize_text(c) for c in re.split(r"(?<!\\)\|", match["body"])]


def markdown_document(text: str) -> Document:
    cells: list[Cell] = []
    lines: list[str] = []
    table = -1
    row = 0
    in_table = False
    for raw in text.splitlines():
        if _RULE.match(raw) and "-" in raw:
            continue
        parts = split_row(raw)
        if parts is None:
            in_table = False
            stripped = normalize_text(raw.lstrip("#").strip())
            if stripped:
                lines.append(stripped)
            continue
        if not in_table:
            table += 1
            row = 0
            in_table = True
        for col, part in enumerate(parts):
            cells.append(Cell(part, table, row, col))
        lines.append(" | ".join(p for p in parts if p))
        row += 1
    title = None
    return Document(text="\n".join(lines), cells=cells, form="markdown", title=title)
