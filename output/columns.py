"""Column specifications: the one description of every dataset column that all writers share.

A frame alone cannot say that ``division_code`` is an identifier that merely looks like a number
(Excel would drop its leading zeros, pandas would read it back as an integer), or that a count is
an integer even when a null forced it into floats. So each dataset carries a list of
:class:`Column` objects; the writers map their ``kind`` onto each format's types and the codebook
is generated from the same objects, so the documentation cannot drift from the files.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

# Column kinds (the codebook's `type` column uses these words).
TEXT = "text"  # free text (names, warnings)
CODE = "code"  # identifiers and codes: always text, even when they look like numbers
INTEGER = "integer"  # counts
NUMBER = "number"  # amounts and rates (may hold fractions)
BOOLEAN = "boolean"
DATE = "date"  # ISO 8601 date, kept as text so no tool shifts it by a time zone
DATETIME = "datetime"  # ISO 8601 timestamp with its offset, as text
KINDS = (TEXT, CODE, INTEGER, NUMBER, BOOLEAN, DATE, DATETIME)

_PANDAS_DTYPES = {
    TEXT: "string",
    CODE: "string",
    DATE: "string",
    DATETIME: "string",
    INTEGER: "Int64",
    NUMBER: "Float64",
    BOOLEAN: "boolean",
}

ARROW_TYPES = {  # the Arrow type of each kind (chunks, Parquet files)
    TEXT: pa.string(),
    CODE: pa.string(),
    DATE: pa.string(),
    DATETIME: pa.string(),
    INTEGER: pa.int64(),
    NUMBER: pa.float64(),
    BOOLEAN: pa.bool_(),
}
_NULLABLE = {
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}

ALL_TEMPLATES = "all"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of one dataset, with everything the codebook says about it."""

    name: str
    kind: str
    label_zh: str = ""
    label_en: str = ""
    description: str = ""
    templates: str = ALL_TEMPLATES  # comma-separated templates in which the column can be filled
    formula: str = ""  # for derived columns: how it is computed from other columns
    section: str = ""  # for table cells: the code triple
    row: str = ""
    col: str = ""

    @property
    def dtype(self) -> str:
        return _PANDAS_DTYPES[self.kind]


def typed_frame(data: dict[str, list], columns: list[Column]) -> pd.DataFrame:
    """Build a frame whose columns follow ``columns`` exactly (order and nullable dtypes).

    Integer columns that turn out to hold fractions (a parser may read ``1.5`` into a count)
    would fail to cast; they fall back to numbers rather than losing the value, and the caller
    sees the change in the returned frame's dtype (see :func:`effective_columns`).
    """
    length = _length(data)
    out: dict[str, pd.Series] = {}
    for column in columns:
        values = data.get(column.name)
        if values is None:
            values = [None] * length
        out[column.name] = typed_series(values, column)
    return pd.DataFrame(out, columns=[c.name for c in columns])


def typed_series(values: list, column: Column) -> pd.Series:
    """A list as a nullable series of the column's dtype (through Arrow: fast for big lists)."""
    return series_from_arrays([typed_array(values, column)], column)


_TEXT_KINDS = (TEXT, CODE, DATE, DATETIME)


def typed_array(values: list, column: Column) -> pa.Array:
    """A list as an Arrow array of the column's type; counts with fractions become float64."""
    try:
        if column.kind == INTEGER:  # infer, then cast safely: never truncate 1.5 to 1
            return pa.array(values, from_pandas=True).cast(pa.int64(), safe=True)
        return pa.array(values, type=ARROW_TYPES[column.kind], from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        pass
    if column.kind in _TEXT_KINDS:
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if column.kind == INTEGER:
        return pa.array(pd.Series(values, dtype="Float64"), type=pa.float64(), from_pandas=True)
    return pa.array(
        pd.Series(values, dtype=column.dtype), type=ARROW_TYPES[column.kind], from_pandas=True
    )


def series_from_arrays(arrays: list[pa.Array], column: Column) -> pd.Series:
    """Arrow chunks (built piece by piece to bound memory) as one nullable series."""
    if not arrays:
        arrays = [pa.array([], type=ARROW_TYPES[column.kind])]
    if column.kind == INTEGER and any(a.type != pa.int64() for a in arrays):
        arrays = [a.cast(pa.float64()) for a in arrays]
    chunked = pa.chunked_array(arrays, type=arrays[0].type)
    if column.kind in _TEXT_KINDS:
        return pd.Series(pd.arrays.ArrowStringArray(chunked))
    return pd.Series(chunked.to_pandas(types_mapper=_NULLABLE.get))


def conform(frame: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """A chunk of a dataset with the dataset's final types: a count column that holds a
    fraction somewhere in the dataset is a number column in every chunk."""
    for column in columns:
        if column.kind == NUMBER and str(frame[column.name].dtype) == "Int64":
            frame[column.name] = frame[column.name].astype("Float64")
        elif column.kind == INTEGER and str(frame[column.name].dtype) == "Float64":
            raise RuntimeError(f"{column.name}: a fraction in a column planned as integers")
    return frame


def effective_columns(frame: pd.DataFrame, columns: list[Column]) -> list[Column]:
    """The columns as actually stored: an integer column that fell back to numbers says so."""
    fixed = []
    for column in columns:
        if column.kind == INTEGER and str(frame[column.name].dtype) == "Float64":
            column = Column(**{**_asdict(column), "kind": NUMBER})
        fixed.append(column)
    return fixed


def _asdict(column: Column) -> dict:
    return {name: getattr(column, name) for name in Column.__slots__}


def _length(data: dict[str, list]) -> int:
    for values in data.values():
        return len(values)
    return 0
