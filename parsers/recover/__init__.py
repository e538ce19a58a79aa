"""Recovering cells run together (``801000081`` → 80|1|0|0|0|0|81) by the table's arithmetic.

:mod:`parsers.recover.splits` lists every reading of a glued row that a printed table could
hold and that satisfies the row's own sums; the matcher then lets the table-wide rules
(:mod:`parsers.solver`) keep the readings that fit the whole table, and decides a cell only
when all of them agree. :mod:`parsers.recover.stated` reads numbers the report states in its
prose, used only to pick the single reading of a row the arithmetic cannot decide (table 二
has no arithmetic), and always said in a warning.
"""

from parsers.recover.splits import (
    MAX_READINGS,
    Piece,
    Readings,
    Slot,
    SumRule,
    is_glued_value,
    part_value,
    read_glued,
    readings,
    slots_for,
)
from parsers.recover.stated import corroborated, stated_numbers

__all__ = [
    "MAX_READINGS",
    "Piece",
    "Readings",
    "Slot",
    "SumRule",
    "corroborated",
    "is_glued_value",
    "part_value",
    "read_glued",
    "readings",
    "slots_for",
    "stated_numbers",
]
