"""Dataset writers: CSV (UTF-8 with BOM), Parquet, xlsx and SQLite, all staged atomically.

Each format is a :class:`~output.writers.base.Sink` (``SINKS``) that takes the datasets one at a
time, chunk by chunk, so the export streams every dataset to all formats at once without ever
holding a whole one. ``WRITERS`` are the same formats as plain functions
``write(datasets, out_dir, staging, **options)`` for datasets already in memory; their
keyword-only parameters are the options each format takes. Writers must be deterministic
(sorted rows, no clocks) so that an unchanged export rewrites nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from output.writers import csv, parquet, sqlite, xlsx
from output.writers.base import Sink

WRITERS: dict[str, Callable] = {
    "csv": csv.write,
    "parquet": parquet.write,
    "xlsx": xlsx.write,
    "sqlite": sqlite.write,
}
SINKS: dict[str, type[Sink]] = {
    "csv": csv.CsvSink,
    "parquet": parquet.ParquetSink,
    "xlsx": xlsx.XlsxSink,
    "sqlite": sqlite.SqliteSink,
}
FORMATS = tuple(WRITERS)

# Notes a format adds about the datasets it cannot hold in full (computed even when skipped).
NOTES: dict[str, Callable] = {"xlsx": xlsx.notes}

__all__ = ["FORMATS", "NOTES", "SINKS", "WRITERS", "Sink"]
