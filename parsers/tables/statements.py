"""The report's own prose narrowing the readings of a row printed with fewer numbers than
columns (see :mod:`parsers.recover.stated`).

A statement keeps the readings that give its number in its cell; the cells the readings kept
agree on are then decided. It is used only on rows the printed numbers and the arithmetic leave
open, only when it keeps some readings and drops others — a statement no reading gives is
reported and ignored, never set against a printed number — and every use is named in a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Any

from parsers.model import Number
from parsers.placements import Placements
from parsers.tables.placing import Placed


def narrow(
    placed: Placed,
    columns: Sequence[str],
    facts: Mapping[str, Set[Number]],
    where: str,
    warnings: list[str],
) -> Placed:
    """The readings of ``placed`` that agree with every stated ``{column: {value}}`` (one
    value a column; columns stated twice differently are not used)."""
    usable = {c: next(iter(v)) for c, v in facts.items() if len(v) == 1 and c in columns}
    if not usable or len(placed.vectors) < 2:
        return placed
    at = {columns.index(c): value for c, value in usable.items()}
    if isinstance(placed.vectors, Placements):  # (its readings are not built to be tested)
        kept = placed.vectors.holding(at)
    else:
        kept = [
            i
            for i, vector in enumerate(placed.vectors)
            if all((vector[p] or 0) == value for p, value in at.items())  # a blank cell is a 0
        ]
    stated = ", ".join(f"{c}={v}" for c, v in usable.items())
    shown = placed.shown or _printed(placed)
    if not kept:
        warnings.append(
            f"{where}: the text states {stated}, which no reading of the printed values "
            f"({shown}) gives; not used"
        )
        return placed
    if len(kept) == len(placed.vectors):
        return placed
    warnings.append(
        f"{where}: the printed values ({shown}) were placed using what the report states in its "
        f"text ({stated}), not by arithmetic"
    )
    return Placed(
        _at(placed.vectors, kept, lazy=False),  # (the arithmetic reads every one of these)
        _at(placed.prints, kept),
        "stated in the text",
        placed.shown,
        sources=None if placed.sources is None else _at(placed.sources, kept),
        label=placed.label,
        values=placed.values,
        headers=placed.headers,
    )


def _at(readings: Sequence, indexes: list[int], *, lazy: bool = True) -> Sequence:
    """The readings at ``indexes``; of placements left to arithmetic, ``lazy``: each built
    when asked (the printed cells and sources of a row are asked for only where its readings
    agree), else all at once from the shape's table."""
    if isinstance(readings, Placements):
        return Picked(readings, indexes) if lazy else readings.at(indexes)
    return [readings[i] for i in indexes]


class Picked(Sequence):
    """Some of a row's placements, in order, each built when first asked for."""

    __slots__ = ("readings", "indexes")

    def __init__(self, readings: Placements, indexes: list[int]) -> None:
        self.readings = readings
        self.indexes = indexes

    def __len__(self) -> int:
        return len(self.indexes)

    def __getitem__(self, index: Any) -> Any:  # an int gives a reading, a slice a list
        if isinstance(index, slice):
            return [self.readings[i] for i in self.indexes[index]]
        return self.readings[self.indexes[index]]


def _printed(placed: Placed) -> str:
    prints = placed.prints
    first = prints.values if isinstance(prints, Placements) else prints[0]  # (see settle)
    return ", ".join([p.raw for p in first if p is not None and p.value is not None])
