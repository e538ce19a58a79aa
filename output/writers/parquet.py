"""Parquet: codes as strings, years and counts as 64-bit integers, nulls as nulls.

Each column carries its codebook labels as field metadata (``label_zh``, ``label_en``,
``kind``), so a Parquet file explains itself in any Arrow-based tool. With
``partition_by=("year", "province")`` (or ``("year",)``) the datasets that can be split —
``reports``, ``cells`` (its chunks carry their report's province for this) and ``panel`` — are
written in the Hive layout (``cells/year=2023/province=吉林省/part-0.parquet``; a null under
``__HIVE_DEFAULT_PARTITION__``) that DuckDB, Spark, Polars and Arrow read as one table; the keys
then live in the folder names, as that layout expects. To get the year back as an integer in
pandas::

    import pyarrow as pa, pyarrow.dataset as ds
    pd.read_parquet("cells", partitioning=ds.partitioning(
        pa.schema([("year", pa.int64())]), flavor="hive"))

Rows are written a row group at a time: at most 1,048,576 rows (Arrow's default) and at most
about four million values, so the cells (16 columns) get row groups of ≈262,000 rows, a wide
table such as the panel (≈330 columns) of ≈12,700, and memory holds one row group, not the
table. For a partitioned dataset the
chunks are first sorted into one Arrow stream per partition in a scratch folder (compressed),
then each is written; the files are the same whichever order the rows arrived in.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from output.columns import Column
from output.dataset import Dataset, Datasets
from output.writers.arrow import arrow_schema, as_table, frame_table, parquet_table
from output.writers.atomic import TEMP_PREFIX, Staging
from output.writers.base import Sink, empty_frame, feed

__all__ = ["ParquetSink", "arrow_schema", "arrow_table", "write"]

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PART_FILE = "part-0.parquet"
COMPRESSION = "zstd"
ROW_GROUP_ROWS = 1024 * 1024  # pyarrow's default
ROW_GROUP_VALUES = 4 * 1024 * 1024  # rows × columns per row group: bounds the memory a group takes
SPILL_CODEC = "lz4"


def arrow_table(frame: pd.DataFrame, columns: list[Column]) -> pa.Table:
    """The frame as an Arrow table of exactly ``columns`` (pandas dtypes kept in the metadata,
    so pandas reads nullable integers back as integers)."""
    return frame_table(frame, columns)


def row_group_rows(columns: list[Column]) -> int:
    return max(1, min(ROW_GROUP_ROWS, ROW_GROUP_VALUES // max(len(columns), 1)))


class _File:
    """One Parquet file written a row group at a time from Arrow tables of any length."""

    def __init__(self, path: Path, columns: list[Column]) -> None:
        self.path = path
        self.columns = columns
        self.group = row_group_rows(columns)
        self.pending: list[pa.Table] = []
        self.buffered = 0
        self.writer: pq.ParquetWriter | None = None

    def add(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        self.pending.append(table)
        self.buffered += table.num_rows
        while self.buffered >= self.group:
            self._flush(self.group)

    def _flush(self, rows: int) -> None:
        table = pa.concat_tables(self.pending)
        head, rest = table.slice(0, rows), table.slice(rows)
        if self.writer is None:
            self.writer = pq.ParquetWriter(
                self.path, head.schema, compression=COMPRESSION, write_statistics=True
            )
        self.writer.write_table(_one_chunk(head), row_group_size=rows)
        self.pending = [rest] if rest.num_rows else []
        self.buffered = rest.num_rows

    def close(self) -> None:
        if self.buffered:
            self._flush(self.buffered)
        if self.writer is None:  # no rows at all: an empty file with the schema
            table = arrow_table(empty_frame(self.columns), self.columns)
            pq.write_table(table, self.path, compression=COMPRESSION, write_statistics=True)
            return
        self.writer.close()
        self.writer = None

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _one_chunk(table: pa.Table) -> pa.Table:
    """Each column as one contiguous array: the row group's bytes then do not depend on how
    the rows were cut into chunks on their way here."""
    return table.combine_chunks()


class _Partitioned:
    """One dataset split by its partition keys: chunks sorted into one Arrow stream per
    partition (``year=2023/province=吉林省``) in a scratch folder, then each written."""

    def __init__(
        self,
        dataset: Dataset,
        keys: tuple[str, ...],
        out_dir: Path,
        staging: Staging,
        scratch: Path | None,
    ) -> None:
        self.dataset = dataset
        self.keys = keys
        self.columns = [c for c in dataset.columns if c.name not in keys]
        self.root = out_dir / dataset.name
        self.out_dir = out_dir
        self.staging = staging
        self.folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "parts-", dir=scratch or out_dir))
        self.streams: dict[
            tuple[str, ...], tuple[Path, pa.OSFile, ipc.RecordBatchStreamWriter]
        ] = {}

    def add(self, chunk: pa.Table) -> None:
        labels = [partition_labels(chunk.column(key).to_pylist(), key) for key in self.keys]
        groups: dict[tuple[str, ...], list[int]] = {}
        for row, label in enumerate(zip(*labels, strict=True)):
            groups.setdefault(label, []).append(row)
        for label in sorted(groups, key=partition_order):
            rows = groups[label]
            part = chunk if len(rows) == chunk.num_rows else chunk.take(rows)
            table = parquet_table(part, self.columns)
            stream = self.streams.get(label)
            if stream is None:
                path = self.folder / f"{len(self.streams)}.arrows"
                sink = pa.OSFile(str(path), "wb")
                options = ipc.IpcWriteOptions(compression=SPILL_CODEC)
                stream = (path, sink, ipc.new_stream(sink, table.schema, options=options))
                self.streams[label] = stream
            stream[2].write_table(table)

    def close(self) -> None:
        written = set()
        for label in sorted(self.streams, key=partition_order):
            path, sink, writer = self.streams[label]
            writer.close()
            sink.close()
            folder = "/".join(f"{k}={v}" for k, v in zip(self.keys, label, strict=True))
            target = self.root / folder / PART_FILE
            written.add(target)
            temp = self.staging.temp_for(target, format="parquet", dataset=self.dataset.name)
            out = _File(temp, self.columns)
            with pa.memory_map(str(path)) as source:
                reader = ipc.open_stream(source)
                for batch in reader:
                    out.add(pa.Table.from_batches([batch]))
            out.close()
            path.unlink()
        self.streams.clear()
        self.folder.rmdir()
        if self.root.is_dir():  # files of partitions that have no rows now (or another layout)
            for old in self.root.glob(f"**/{PART_FILE}"):
                if old not in written:
                    self.staging.remove(
                        old, root=self.out_dir, format="parquet", dataset=self.dataset.name
                    )

    def abort(self) -> None:
        import shutil

        for _path, sink, writer in self.streams.values():
            try:
                writer.close()
            finally:
                sink.close()
        self.streams.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


# Characters a Hive partition value cannot hold as they are (Spark's list): written as %XX.
_ESCAPED = set("\"#%'*/:=?\\\x7f{[]^") | {chr(c) for c in range(0x20)}


def escape_partition(value: str) -> str:
    """A partition value as a folder name: unsafe characters as ``%XX``, the rest (Chinese
    place names included) as they are — as Spark writes them and DuckDB, Arrow and Polars read
    them back."""
    if not any(ch in _ESCAPED for ch in value):
        return value
    return "".join(f"%{ord(ch):02X}" if ch in _ESCAPED else ch for ch in value)


def partition_labels(values: list, key: str) -> list[str]:
    """Each row's folder label for ``key`` (a year as an integer; nulls as Hive's default)."""
    out = []
    for value in values:
        if value is None:
            out.append(NULL_PARTITION)
        elif key == "year":
            out.append(str(int(value)))
        else:
            out.append(escape_partition(str(value)) or NULL_PARTITION)
    return out


def partition_order(labels: tuple[str, ...]) -> tuple:
    """Partitions in a stable order: years as numbers, text as text, nulls last."""
    return tuple(_label_order(label) for label in labels)


def _label_order(label: str) -> tuple:
    if label == NULL_PARTITION:
        return (1, 0, "")
    if label.lstrip("-").isdigit():
        return (0, int(label), "")
    return (0, 0, label)


class ParquetSink(Sink):
    def __init__(
        self,
        out_dir: Path,
        staging: Staging,
        *,
        partition_by: tuple[str, ...] = (),
        scratch: Path | None = None,
        **_options,
    ) -> None:
        super().__init__(out_dir, staging)
        self.partition_by = tuple(partition_by)
        self.scratch = scratch
        self._target: _File | _Partitioned | None = None

    def begin(self, dataset: Dataset) -> None:
        super().begin(dataset)
        keys = partition_keys(dataset, self.partition_by)
        if keys:
            self._target = _Partitioned(dataset, keys, self.out_dir, self.staging, self.scratch)
        else:
            target = self.out_dir / f"{dataset.name}.parquet"
            temp = self.staging.temp_for(target, format="parquet", dataset=dataset.name)
            self._target = _File(temp, dataset.columns)

    def write(self, chunk) -> None:
        table = as_table(chunk, self.current)
        if isinstance(self._target, _Partitioned):
            self._target.add(table)
        else:
            assert self._target is not None  # opened by begin()
            self._target.add(parquet_table(table, self.current.columns))

    def end(self) -> None:
        assert self._target is not None  # opened by begin()
        self._target.close()
        self._target = None
        super().end()

    def abort(self) -> None:
        if self._target is not None:
            self._target.abort()


def write(
    datasets: Datasets,
    out_dir: Path,
    staging: Staging,
    *,
    partition_by: tuple[str, ...] = (),
    **_options,
) -> None:
    feed(ParquetSink(out_dir, staging, partition_by=partition_by), datasets)


def partition_keys(dataset: Dataset, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The keys ``dataset`` is split by: the wanted ones it has (as a column, or carried beside
    its rows for partitioning: :attr:`Dataset.hidden`); none for a dataset never partitioned."""
    if not dataset.partition or not wanted:
        return ()
    have = {c.name for c in dataset.columns} | set(dataset.hidden)
    return tuple(key for key in wanted if key in have)
