"""The build's entries on disk: one row per document read, decided by DuckDB, read back in order.

An export of the national archive reads about a million documents. What decides the datasets'
rows — which copies of the same bytes count, which agency a report belongs to, the order of
the rows — is a few fields per document (:class:`~output.entries.Entry`), but a million of them
as Python objects is half a gigabyte that grows with the archive. So the index pass writes each
entry as a row of Parquet files in the build's scratch folder (:class:`EntrySpill`) and DuckDB,
which sorts and aggregates out of core, makes the set-wide decisions in one query
(:func:`grouped`):

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

import pyarrow as pa
import pyarrow.parquet as pq

from output.entries import Entry

SPILL_ROWS = 50_000  # entries per spilled file
READ_ROWS = 20_000  # entries per batch read back
DUCKDB_MEMORY = "256MB"  # beyond it, DuckDB sorts on disk

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
    import duckdb

    spill.flush()
    if not spill.files:
        return
    db = duckdb.connect(
        config={"memory_limit": DUCKDB_MEMORY, "threads": 2, "preserve_insertion_order": True}
    )
    try:
        db.execute(f"SET temp_directory = {_literal(str(temp))}")
        files = ", ".join(_literal(str(p)) for p in spill.files)
        query = db.sql(_GROUPED.format(files=files))
        stream = getattr(query, "to_arrow_reader", None) or query.fetch_record_batch
        for batch in stream(READ_ROWS):
            for row in batch.to_pylist():
                digest, source, at = row.pop("digest"), row.pop("source"), row.pop("at")
                yield Located(_entry(row), digest, source, at)
    finally:
        db.close()


_GROUPED = """
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY report_id ORDER BY seen_at, seen_url, position) AS copy
    FROM read_parquet([{files}])
), kept AS (
    SELECT * EXCLUDE (copy, seen_at, seen_url, agency_id) REPLACE (
        nullif(division_code, '') AS division_code)
    FROM ranked WHERE copy = 1
), codes AS (
    SELECT name_key, min(division_code) AS code, count(DISTINCT division_code) AS n
    FROM kept WHERE division_code IS NOT NULL GROUP BY name_key
), named AS (
    SELECT kept.* REPLACE (
        coalesce(kept.division_code, CASE WHEN codes.n = 1 THEN codes.code END) AS division_code)
    FROM kept LEFT JOIN codes USING (name_key)
)
SELECT *, CASE WHEN division_code IS NOT NULL THEN division_code || ':' || name_key
               ELSE name_key END AS agency_id
FROM named
ORDER BY agency_id, coalesce(year, -1), report_id
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
