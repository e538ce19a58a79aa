"""Chunks as Arrow tables: the one form every writer takes.

A build streams each dataset as chunks. The big one, ``cells``, is read back from its spilled
Parquet files as Arrow record batches and stays Arrow all the way to the files: Parquet is
written from it as it is, SQLite loads it through ADBC's bulk ingest, CSV is formatted by
DuckDB, and no pandas frame of two hundred million cells is ever built. The small datasets
(reports, panel, codebook) are made as pandas frames; each of their chunks is turned into
Arrow once, before it is handed to the writers (:func:`as_table`).

The tables follow the dataset's :class:`~output.columns.Column` kinds exactly (text as
``string``, counts as ``int64``, amounts as ``float64``, booleans as ``bool``); the Parquet
schema also carries the column labels and the pandas metadata that lets pandas read nullable
integers back as integers (:func:`parquet_schema`).
"""

from __future__ import annotations

import functools
from typing import TypeAlias

import pandas as pd
import pyarrow as pa

from output.columns import ARROW_TYPES, TEXT, Column
from output.dataset import Dataset

Chunk: TypeAlias = pa.Table | pd.DataFrame


def arrow_schema(columns: list[Column]) -> pa.Schema:
    """The columns as Arrow fields, each with its codebook labels as field metadata."""
    return pa.schema(
        [
            pa.field(
                c.name,
                ARROW_TYPES[c.kind],
                metadata={"kind": c.kind, "label_zh": c.label_zh, "label_en": c.label_en},
            )
            for c in columns
        ]
    )


def frame_table(frame: pd.DataFrame, columns: list[Column]) -> pa.Table:
    """A pandas frame as an Arrow table of exactly ``columns`` (with pandas' metadata)."""
    frame = frame[[c.name for c in columns]].reset_index(drop=True)
    return pa.Table.from_pandas(frame, schema=arrow_schema(columns), preserve_index=False)


def hidden_columns(dataset: Dataset) -> list[Column]:
    """What the chunks carry beside the dataset's columns, only to partition by (text)."""
    return [Column(name, TEXT) for name in dataset.hidden]


def as_table(chunk: Chunk, dataset: Dataset) -> pa.Table:
    """A chunk as an Arrow table of the dataset's columns (plus the hidden ones it carries)."""
    columns = list(dataset.columns)
    if isinstance(chunk, pd.DataFrame):
        columns += [c for c in hidden_columns(dataset) if c.name in chunk.columns]
        return frame_table(chunk, columns)
    return chunk


def select(table: pa.Table, columns: list[Column]) -> pa.Table:
    """The table cut to ``columns``, in their order and types (a plain schema)."""
    arrays = []
    for column in columns:
        array = table.column(column.name)
        wanted = ARROW_TYPES[column.kind]
        if array.type != wanted:
            array = array.cast(wanted)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])


def parquet_table(table: pa.Table, columns: list[Column]) -> pa.Table:
    """The table with the Parquet files' schema: labels and pandas metadata included."""
    plain = select(table, columns)
    return pa.Table.from_arrays(plain.columns, schema=parquet_schema(tuple(columns)))


@functools.lru_cache(maxsize=64)
def parquet_schema(columns: tuple[Column, ...]) -> pa.Schema:
    """The schema a frame of these columns gets from pandas (its metadata does not depend on
    the rows: every column has a fixed nullable dtype)."""
    from output.columns import typed_frame

    return frame_table(typed_frame({}, list(columns)), list(columns)).schema


def values(array: pa.ChunkedArray | pa.Array) -> list:
    """A column as plain Python values (None for null) — what xlsx cells are made of."""
    return array.to_pylist()


def to_frame(table: pa.Table, columns: list[Column]) -> pd.DataFrame:
    """An Arrow chunk as a pandas frame with the columns' nullable dtypes."""
    from output.columns import series_from_arrays

    out = {}
    for column in columns:
        if column.name in table.column_names:
            out[column.name] = series_from_arrays(list(table.column(column.name).chunks), column)
    return pd.DataFrame(out, columns=list(out))
