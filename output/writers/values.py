"""Column values as plain Python objects, the way the writers need them.

Converted a column at a time through NumPy (millions of cells go through here for every
format), with the same result as a value-by-value conversion: None for null (a NaN number
too), ``int`` for integers, ``float`` for numbers, ``bool`` for booleans, ``str`` for text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from output.columns import BOOLEAN, INTEGER, NUMBER, Column


def python_values(series: pd.Series, column: Column) -> list:
    """The column as Python values: None for null, int for integers, bool for booleans."""
    if column.kind == NUMBER:
        floats = series.to_numpy(dtype="float64", na_value=np.nan)
        values = floats.tolist()
        for index in np.flatnonzero(np.isnan(floats)).tolist():
            values[index] = None
        return values
    if column.kind == INTEGER and not series.hasnans:
        return series.to_numpy(dtype="int64").tolist()
    values = series.to_numpy(dtype=object, na_value=None)
    if column.kind == INTEGER:
        return [None if v is None else int(v) for v in values]
    if column.kind == BOOLEAN:
        return [None if v is None else bool(v) for v in values]
    if isinstance(series.dtype, pd.StringDtype):  # already str or None
        return values.tolist()
    return [None if v is None else str(v) for v in values]


def format_number(value: float) -> str:
    """Shortest round-trip text of a number; integral values without ``.0``."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)
