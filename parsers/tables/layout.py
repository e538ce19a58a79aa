"""The shape of each section of the form, per template: its rows and their columns."""

from __future__ import annotations

from functools import lru_cache

from parsers import schema
from parsers.model import MISSING, CellValue


@lru_cache(maxsize=16)
def section_layout(template: str, section: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(row, columns) of a section, in printed order (the schema builds it on each call)."""
    return tuple(schema.shape(template).sections[section].items())


def empty_section(template: str, section: str) -> dict[str, dict[str, CellValue]]:
    return {
        row: {col: CellValue(None, None, MISSING) for col in cols}
        for row, cols in section_layout(template, section)
    }
