"""The table a comparison is: agencies ranked by indicators, this year beside last year.

Shared by :mod:`output.compare` (which builds it) and :mod:`output.compare_render` (which
draws it), so that neither imports the other's half.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from output.indicators import Indicator

PREV = "__prev"
"""Suffix of an indicator's column for the year before."""
CHANGE = "__change"
"""Suffix of an indicator's column for the change since the year before."""


@dataclass
class RankedTable:
    """A ranked table of the agencies of one region for one year (and the year before).

    Columns: ``rank``, the agency's names and codes, and per indicator ``<code>`` (this
    year), ``<code>__prev`` (last year) and ``<code>__change``; ``caution`` says why a
    row is ``flagged``.
    """

    region: str  # the region as described to readers
    year: int
    indicators: tuple[Indicator, ...]
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def flagged(self) -> pd.DataFrame:
        return self.table[self.table["flagged"]]
