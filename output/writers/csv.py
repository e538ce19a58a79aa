"""CSV: one ``<dataset>.csv`` per dataset, UTF-8 with a BOM so Excel shows the Chinese.

Numbers are written in their shortest exact form (``3``, not ``3.0``); nulls are empty fields
(so ``""`` and null cannot be told apart in CSV: use Parquet or SQLite when that matters).
Identifier columns such as ``division_code`` must be read as text — the codebook's ``type``
says which (``code``); in pandas: ``dtype={"division_code": str}``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from output.columns import NUMBER
from output.dataset import Datasets
from output.writers.atomic import Staging
from output.writers.values import format_number, python_values

ENCODING = "utf-8-sig"


def write(datasets: Datasets, out_dir: Path, staging: Staging, **_options) -> None:
    for dataset in datasets:
        frame = dataset.frame
        numbers = [c for c in dataset.columns if c.kind == NUMBER]
        if numbers:
            frame = frame.copy(deep=False)
            for column in numbers:
                frame[column.name] = pd.Series(
                    [None if v is None else format_number(v)
                     for v in python_values(frame[column.name], column)],
                    index=frame.index,
                    dtype=object,
                )  # fmt: skip
        temp = staging.temp_for(out_dir / f"{dataset.name}.csv", format="csv", dataset=dataset.name)
        frame.to_csv(temp, index=False, encoding=ENCODING, lineterminator="\n")
