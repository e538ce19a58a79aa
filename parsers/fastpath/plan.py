"""A shape's plan: how every document of one shape of pipe text is read (worked out once by
:mod:`parsers.fastpath.tables`, replayed by :mod:`parsers.fastpath.reading`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Plan:
    """How a shape of document is read: the template and its votes; each table's rows in the
    form's order, each with its columns beside the index of the value each takes and its
    label's indexes (:data:`BuiltRow`); and the indexes of table 四's fifteen values, with
    whether they must add up (printed without their result headers). Indexes are those of
    the document's stream as its source gave it."""

    template: str
    votes: dict[str, int]
    rows: tuple[tuple[str, tuple[BuiltRow, ...]], ...]
    appeals: tuple[int, ...]
    appeals_add_up: bool


BuiltRow = tuple[str, tuple[str, ...], tuple[tuple[str, int], ...], Sequence[int] | None]
"""(row code, its columns, each column with the index of its value — none for a row that
prints none —, the indexes of its label's cells: None for table 四's groups printed as one
row of fifteen values, which share one origin with no label)"""
