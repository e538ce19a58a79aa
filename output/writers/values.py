"""Column values as plain Python objects, the way the writers need them."""

from __future__ import annotations

import math

import pandas as pd

from output.columns import BOOLEAN, INTEGER, NUMBER, Column


def python_values(series: pd.Series, column: Column) -> list:
    """The column as Python values: None for null, int for integers, bool for booleans."""
    values = series.to_numpy(dtype=object, na_value=None)
    if column.kind == INTEGER:
        return [None if v is None else int(v) for v in values]
    if column.kind == NUMBER:
        return [None if v is None or _nan(v) else float(v) for v in values]
    if column.kind == BOOLEAN:
        return [None if v is None else bool(v) for v in values]
    return [None if v is None else str(v) for v in values]


def format_number(value: float) -> str:
    """Shortest round-trip text of a number; integral values without ``.0``."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
