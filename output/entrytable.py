"""The build's entries on disk: one row per document read, decided by DuckDB, read back in order.

An export of the national archive reads about a million documents. What decides the datasets'
rows — which copies of the same bytes count, which agency a report belongs to, the order of
the rows — is a few fields per document (:class:`~output.entries.Entry`), but a million of them
as Python objects is half a gigabyte that grows with the archive. So the index pass writes each
entry as a row of Parquet files in the build's scratch folder (:class:`EntrySpill`) and DuckDB,
which sorts and aggregates out of core within a fixed memory limit, makes the set-wide
decisions in a few steps written to Parquet (:func:`decide`), read back by :func:`grouped`:

- the copies of one document (same digest, from two URLs or two shards): the first fetched
  counts (then the smaller URL, then the first read);
- agency identity: a name seen with exactly one division code gets that code where a record
  has none (:func:`output.entries.assign_agency_ids`, in SQL);
- the rows come back in (agency, year) order, so versions and the cross-year identities are
  decided one agency at a time, with only that agency's entries in memory.

The decided entries are written again, in the datasets' row order (:class:`EntryLog`), and read
back a batch at a time for the reports and the panel. Memory holds a batch of entries and one
agency, whatever the number of documents.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from output.entries import Entry

BUCKET_ROWS = 50_000  # decided entries sorted in memory at once
SPILL_ROWS = 10_000  # entries per spilled file (held as Python values until written)
READ_ROWS = 20_000  # entries per batch read back
DUCKDB_MEMORY = "128MB"  # beyond it, DuckDB aggregates and sorts on disk
DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "memory_limit": DUCKDB_MEMORY,
    "threads": 1,  # each thread holds buffers of its own: one keeps the peak fixed
    "preserve_insertion_order": True,
}

_TEXT = pa.string()
_TEXTS = pa.list_(pa.string())
ENTRY_FIELDS: dict[str, pa.DataType] = {
    "position": pa.int64(),
    "report_id": _TEXT,
    "agency": _TEXT,
    "name_key": _TEXT,
    "division_code": _TEXT,
    "level": _TEXT,
    "year": pa.float64(),  # a year with a fraction is kept (see Build's year kind)
    "published": _TEXT,
    "fetched_at": _TEXT,
    "correction": pa.bool_(),
    "n_cells": pa.int64(),
    "n_numbers": pa.int64(),
    "n_uncertain": pa.int64(),
    "failed_checks": _TEXTS,
    "n_warnings": pa.int64(),
    "has_prose": pa.bool_(),
    "extra_codes": _TEXTS,
    "prose_keys": _TEXTS,
    "blob": pa.int64(),
    "agency_id": _TEXT,
    "version": pa.int64(),
    "n_versions": pa.int64(),
    "status": _TEXT,
    "superseded_by": _TEXT,
    "duplicate_of": _TEXT,
    "changed_cells": pa.int64(),
}
EXTRA_FIELDS: dict[str, pa.DataType] = {
    "seen_at": _TEXT,  # which copy of the same bytes counts (output.entries.first_seen)
    "seen_url": _TEXT,
    "digest": pa.binary(),  # the record's digest: its share of the build's input key
    "source": pa.int32(),  # where to read the record again (a store's reader, or -1)
    "at": pa.int64(),  # its row there (or its position in the build's sequence)
}
_ENTRY_NAMES = tuple(f.name for f in dataclasses.fields(Entry))
_RANK = "_rank"  # an entry's place in the decided order
_IPC = ipc.IpcWriteOptions(compression="lz4")


@dataclasses.dataclass(slots=True)
class Located:
    """An entry with what the build needs besides: its digest and where to read it again."""

    entry: Entry
    digest: bytes
    source: int
    at: int


class _Spill:
    """Rows of a fixed schema appended to numbered Parquet files in a folder."""

    def __init__(self, folder: Path, fields: dict[str, pa.DataType]) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.schema = pa.schema(list(fields.items()))
        self.files: list[Path] = []
        self.count = 0
        self._rows: dict[str, list] = {name: [] for name in fields}

    def _append(self, values: dict[str, Any]) -> None:
        for name, column in self._rows.items():
            column.append(values[name])
        if len(self._rows["report_id"]) >= SPILL_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._rows["report_id"]:
            return
        table = pa.table(
            [pa.array(self._rows[f.name], type=f.type) for f in self.schema], schema=self.schema
        )
        path = self.folder / f"part-{len(self.files):06d}.parquet"
        pq.write_table(table, path, compression="lz4")
        self.files.append(path)
        self.count += table.num_rows
        self._rows = {name: [] for name in self._rows}


class EntrySpill(_Spill):
    """Every entry the index pass reads (duplicates included), as it reads them."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, {**ENTRY_FIELDS, **EXTRA_FIELDS})

    def add(self, located: Located, seen: tuple[str, str]) -> None:
        values = _entry_values(located.entry)
        values.update(
            seen_at=seen[0],
            seen_url=seen[1],
            digest=located.digest,
            source=located.source,
            at=located.at,
        )
        self._append(values)


class EntryLog(_Spill):
    """The decided entries, in the datasets' row order, read back a batch at a time."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, ENTRY_FIELDS)

    def add(self, entry: Entry) -> None:
        self._append(_entry_values(entry))

    def __iter__(self) -> Iterator[Entry]:
        self.flush()
        for path in self.files:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=READ_ROWS):
                yield from (_entry(row) for row in batch.to_pylist())


def grouped(spill: EntrySpill, temp: Path) -> Iterator[Located]:
    """The entries kept (one per document), agency ids set, in (agency_id, year) order."""
    spill.flush()
    if not spill.files:
        return
    order = decide(spill.files, temp)
    try:
        yield from _in_order(spill, order, temp)
    finally:
        order.unlink(missing_ok=True)


def decide(files: list[Path], temp: Path) -> Path:
    """The set-wide decisions, made by DuckDB a step at a time, each step's result written to
    Parquet in ``temp``: the first copy of each document (an aggregate, not a window over every
    column: DuckDB spills an aggregate to disk, and holds a window's rows), the division code a
    name has wherever it has one, then the order of the kept entries — sorted as a few narrow
    columns (position, agency id, division code), never as whole entries: DuckDB sorts narrow
    rows within its limit at any size, and ran out of memory sorting the wide rows of a million
    documents. One thread and a fixed limit; DuckDB is closed before the entries are read back
    (:func:`_in_order`), so its memory and the reader's never add up."""
    import duckdb

    temp.mkdir(parents=True, exist_ok=True)
    db = duckdb.connect(config=DUCKDB_CONFIG)
    try:
        db.execute(f"SET temp_directory = {_literal(str(temp / 'duckdb'))}")
        names = {
            "files": ", ".join(_literal(str(p)) for p in files),
            "kept": _literal(str(temp / "kept.parquet")),
            "codes": _literal(str(temp / "codes.parquet")),
            "out": _literal(str(temp / "order.parquet")),
        }
        for step in (_FIRSTS, _CODES, _ORDERED):
            db.execute(step.format(**names))
    finally:
        db.close()
        (temp / "kept.parquet").unlink(missing_ok=True)
        (temp / "codes.parquet").unlink(missing_ok=True)
    return temp / "order.parquet"


def _in_order(spill: EntrySpill, order: Path, temp: Path) -> Iterator[Located]:
    """The kept entries in the decided order, without sorting whole entries: each entry's rank
    (its place in the order, per spilled position: four bytes a document) sends it, as the
    spilled files are read once in turn, to the bucket file of its run of ranks; each bucket
    (:data:`BUCKET_ROWS` entries) is then sorted in memory and read back with the agency ids
    and division codes of its ranks, read from the order file alongside."""
    order_file = pq.ParquetFile(order)
    rank = np.full(spill.count, -1, dtype=np.int32)
    kept = 0
    for batch in order_file.iter_batches(batch_size=READ_ROWS, columns=["position"]):
        positions = batch.column(0).to_numpy()
        rank[positions] = np.arange(kept, kept + len(positions), dtype=np.int32)
        kept += len(positions)
    folder = temp / "buckets"
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[int, tuple[pa.OSFile, Any]] = {}
    try:
        for path in spill.files:
            table = pq.read_table(path, use_threads=False)
            ranks = rank[table.column("position").to_numpy()]
            mine = ranks >= 0
            table = table.filter(pa.array(mine)).append_column(_RANK, pa.array(ranks[mine]))
            buckets = ranks[mine] // BUCKET_ROWS
            for bucket in np.unique(buckets).tolist():
                if bucket not in writers:
                    sink = pa.OSFile(str(folder / f"{bucket:06d}.arrow"), "wb")
                    writers[bucket] = (sink, ipc.new_file(sink, table.schema, options=_IPC))
                writers[bucket][1].write_table(table.filter(pa.array(buckets == bucket)))
    finally:
        for sink, writer in writers.values():
            writer.close()
            sink.close()
    decided = _decided(order_file)
    for bucket in range(-(-kept // BUCKET_ROWS)):
        path = folder / f"{bucket:06d}.arrow"
        with pa.memory_map(str(path)) as source:
            table = ipc.open_file(source).read_all()
        path.unlink()
        table = table.take(pc.sort_indices(table.column(_RANK)))
        for batch in table.to_batches(max_chunksize=READ_ROWS):
            for row in batch.to_pylist():
                position, row["division_code"], row["agency_id"] = next(decided)
                if position != row["position"]:
                    raise RuntimeError("entries out of step with their decided order")
                digest, source, at = row.pop("digest"), row.pop("source"), row.pop("at")
                yield Located(_entry(row), digest, source, at)


def _decided(order_file: pq.ParquetFile) -> Iterator[tuple[int, str | None, str]]:
    """(position, division code, agency id) of each kept entry, in the decided order."""
    columns = ["position", "division_code", "agency_id"]
    for batch in order_file.iter_batches(batch_size=READ_ROWS, columns=columns):
        yield from zip(*(batch.column(name).to_pylist() for name in columns), strict=True)


# the copy of each document that counts: the first fetched, then the smaller URL, then the
# first read (never null: see output.entries.first_seen)
_FIRSTS = """
COPY (
    SELECT arg_min(position, (seen_at, seen_url, position)) AS position
    FROM read_parquet([{files}]) GROUP BY report_id
) TO {kept} (FORMAT parquet)
"""

# a name seen with exactly one division code gets it where a record has none
_CODES = """
COPY (
    SELECT name_key, CASE WHEN min(code) = max(code) THEN min(code) END AS code
    FROM (
        SELECT name_key, nullif(division_code, '') AS code FROM read_parquet([{files}])
        WHERE position IN (SELECT position FROM read_parquet({kept}))
    )
    WHERE code IS NOT NULL GROUP BY name_key
) TO {codes} (FORMAT parquet)
"""

_ORDERED = """
COPY (
    WITH kept AS (
        SELECT position, report_id, name_key, year, nullif(division_code, '') AS division_code
        FROM read_parquet([{files}])
        WHERE position IN (SELECT position FROM read_parquet({kept}))
    ), named AS (
        SELECT kept.* REPLACE (coalesce(kept.division_code, codes.code) AS division_code)
        FROM kept LEFT JOIN read_parquet({codes}) AS codes USING (name_key)
    ), ids AS (
        SELECT *, CASE WHEN division_code IS NOT NULL THEN division_code || ':' || name_key
                       ELSE name_key END AS agency_id
        FROM named
    )
    SELECT position, division_code, agency_id FROM ids
    ORDER BY agency_id, coalesce(year, -1), report_id
) TO {out} (FORMAT parquet, COMPRESSION lz4)
"""


def _entry_values(entry: Entry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in _ENTRY_NAMES}
    if values["year"] is not None:
        values["year"] = float(values["year"])
    return values


def _entry(row: dict[str, Any]) -> Entry:
    year = row["year"]
    if year is not None and float(year).is_integer():
        row["year"] = int(year)
    for name in ("failed_checks", "extra_codes", "prose_keys"):
        row[name] = tuple(row[name] or ())
    return Entry(**{name: row[name] for name in _ENTRY_NAMES})


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
