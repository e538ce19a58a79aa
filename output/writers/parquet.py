"""Parquet: codes as strings, years and counts as 64-bit integers, nulls as nulls.

Each column carries its codebook labels as field metadata (``label_zh``, ``label_en``,
``kind``), so a Parquet file explains itself in any Arrow-based tool. With
``partition_by_year=True`` the datasets that have a ``year`` are written in the Hive layout
(``cells/year=2023/part-0.parquet``; rows without a year under
``year=__HIVE_DEFAULT_PARTITION__``) that DuckDB, Spark and Arrow read as one table; the year
then lives in the folder name, as that layout expects. To get it back as an integer in pandas::

    import pyarrow as pa, pyarrow.dataset as ds
    pd.read_parquet("cells", partitioning=ds.partitioning(
        pa.schema([("year", pa.int64())]), flavor="hive"))
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from output.columns import BOOLEAN, CODE, DATE, DATETIME, INTEGER, NUMBER, TEXT, Column
from output.dataset import Dataset, Datasets
from output.writers.atomic import Staging

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PART_FILE = "part-0.parquet"
COMPRESSION = "zstd"

ARROW_TYPES = {
    TEXT: pa.string(),
    CODE: pa.string(),
    DATE: pa.string(),
    DATETIME: pa.string(),
    INTEGER: pa.int64(),
    NUMBER: pa.float64(),
    BOOLEAN: pa.bool_(),
}


def arrow_schema(columns: list[Column]) -> pa.Schema:
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


def arrow_table(frame: pd.DataFrame, columns: list[Column]) -> pa.Table:
    """The frame as an Arrow table of exactly ``columns`` (pandas dtypes kept in the metadata,
    so pandas reads nullable integers back as integers)."""
    frame = frame[[c.name for c in columns]].reset_index(drop=True)
    return pa.Table.from_pandas(frame, schema=arrow_schema(columns), preserve_index=False)


def write(
    datasets: Datasets,
    out_dir: Path,
    staging: Staging,
    *,
    partition_by_year: bool = False,
    **_options,
) -> None:
    for dataset in datasets:
        if partition_by_year and dataset.partition:
            _write_partitioned(dataset, out_dir, staging)
        else:
            target = out_dir / f"{dataset.name}.parquet"
            temp = staging.temp_for(target, format="parquet", dataset=dataset.name)
            _write_file(arrow_table(dataset.frame, dataset.columns), temp)


def _write_file(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression=COMPRESSION, write_statistics=True)


def _write_partitioned(dataset: Dataset, out_dir: Path, staging: Staging) -> None:
    key = dataset.partition
    root = out_dir / dataset.name
    columns = [c for c in dataset.columns if c.name != key]
    frame = dataset.frame
    years = frame[key]
    written = set()
    values = sorted({int(y) for y in years.dropna().tolist()})
    groups: list[tuple[str, pd.Series]] = [(str(y), years == y) for y in values]
    if years.isna().any():
        groups.append((NULL_PARTITION, years.isna()))
    for label, mask in groups:
        part = frame.loc[mask.fillna(False).to_numpy(dtype=bool)]
        target = root / f"{key}={label}" / PART_FILE
        written.add(target)
        temp = staging.temp_for(target, format="parquet", dataset=dataset.name)
        _write_file(arrow_table(part, columns), temp)
    if root.is_dir():
        for old in root.glob(f"{key}=*/{PART_FILE}"):
            if old not in written:
                staging.remove(old, root=out_dir, format="parquet", dataset=dataset.name)
