"""CSV: one ``<dataset>.csv`` per dataset, UTF-8 with a BOM so Excel shows the Chinese.

Numbers are written in their shortest exact form (``3``, not ``3.0``); nulls are empty fields
(so ``""`` and null cannot be told apart in CSV: use Parquet or SQLite when that matters).
Identifier columns such as ``division_code`` must be read as text — the codebook's ``type``
says which (``code``); in pandas: ``dtype={"division_code": str}``.

Rows are appended chunk by chunk, so a file of two hundred million cells is written with one
chunk in memory; the bytes are the same as writing the whole table at once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from output.columns import NUMBER
from output.dataset import Dataset, Datasets
from output.writers.atomic import Staging
from output.writers.base import Sink, empty_frame, feed
from output.writers.values import format_number, python_values

ENCODING = "utf-8-sig"


class CsvSink(Sink):
    def __init__(self, out_dir: Path, staging: Staging, **_options) -> None:
        super().__init__(out_dir, staging)
        self._handle = None
        self._header = True

    def begin(self, dataset: Dataset) -> None:
        super().begin(dataset)
        name = dataset.name
        temp = self.staging.temp_for(self.out_dir / f"{name}.csv", format="csv", dataset=name)
        self._handle = temp.open("w", encoding=ENCODING, newline="")
        self._header = True

    def write(self, chunk: pd.DataFrame) -> None:
        dataset = self.dataset
        numbers = [c for c in dataset.columns if c.kind == NUMBER]
        if numbers:
            chunk = chunk.copy(deep=False)
            for column in numbers:
                chunk[column.name] = pd.Series(
                    [None if v is None else format_number(v)
                     for v in python_values(chunk[column.name], column)],
                    index=chunk.index,
                    dtype=object,
                )  # fmt: skip
        chunk.to_csv(self._handle, index=False, header=self._header, lineterminator="\n")
        self._header = False

    def end(self) -> None:
        if self._header:  # no rows: the header alone
            self.write(empty_frame(self.dataset.columns))
        self._handle.close()
        self._handle = None
        super().end()

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()


def write(datasets: Datasets, out_dir: Path, staging: Staging, **options) -> None:
    feed(CsvSink(out_dir, staging, **options), datasets)
