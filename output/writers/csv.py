"""CSV: one ``<dataset>.csv`` per dataset, UTF-8 with a BOM so Excel shows the Chinese.

Numbers are written in their shortest exact form (``3``, not ``3.0``); nulls are empty fields
(so ``""`` and null cannot be told apart in CSV: use Parquet or SQLite when that matters).
Identifier columns such as ``division_code`` must be read as text — the codebook's ``type``
says which (``code``); in pandas: ``dtype={"division_code": str}``.

Rows are appended chunk by chunk, so a file of two hundred million cells is written with one
chunk in memory; the bytes are the same as writing the whole table at once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from output.columns import NUMBER, Column
from output.dataset import Dataset, Datasets
from output.writers.atomic import Staging
from output.writers.base import Sink, feed
from output.writers.values import format_number, python_values

ENCODING = "utf-8-sig"
BOM = "\ufeff".encode()


class CsvSink(Sink):
    """Rows go through :mod:`csv` (the writer pandas' ``to_csv`` uses, with the same dialect:
    minimal quoting, ``\n`` line ends), fed plain Python values column by column — the same
    bytes as ``DataFrame.to_csv``, without building a formatted copy of every chunk."""

    def __init__(self, out_dir: Path, staging: Staging, **_options) -> None:
        super().__init__(out_dir, staging)
        self._handle: BinaryIO | None = None

    def begin(self, dataset: Dataset) -> None:
        super().begin(dataset)
        name = dataset.name
        temp = self.staging.temp_for(self.out_dir / f"{name}.csv", format="csv", dataset=name)
        self._handle = temp.open("wb")
        self._handle.write(BOM)
        self._rows([[c.name for c in dataset.columns]])

    def write(self, chunk: pd.DataFrame) -> None:
        columns = self.current.columns
        values = [_csv_values(chunk[c.name], c) for c in columns]
        self._rows(zip(*values, strict=True))

    def _rows(self, rows) -> None:
        """Rows written through a text buffer and encoded once per chunk (a file opened as
        ``utf-8-sig`` text would run that codec's Python encoder for every row)."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        assert self._handle is not None  # opened by begin()
        self._handle.write(buffer.getvalue().encode("utf-8"))

    def end(self) -> None:
        assert self._handle is not None  # opened by begin()
        self._handle.close()
        self._handle = None
        super().end()

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _csv_values(series: pd.Series, column: Column) -> list:
    """A column as the values ``to_csv`` prints: numbers in their shortest exact form, nulls as
    None (an empty field)."""
    values = python_values(series, column)
    if column.kind == NUMBER:
        return [None if v is None else format_number(v) for v in values]
    return values


def write(datasets: Datasets, out_dir: Path, staging: Staging, **options) -> None:
    feed(CsvSink(out_dir, staging, **options), datasets)
