"""Dataset writers: CSV (UTF-8 with BOM), Parquet, xlsx and SQLite, all staged atomically.

Each writer is a function ``write(datasets, out_dir, staging, **options)`` that writes its
files into temporaries registered with the :class:`~output.writers.atomic.Staging`; the caller
commits them together, replacing only the files whose bytes changed. Writers must be
deterministic (sorted rows, no clocks) so that an unchanged export rewrites nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from output.writers import csv, parquet, sqlite, xlsx

WRITERS: dict[str, Callable] = {
    "csv": csv.write,
    "parquet": parquet.write,
    "xlsx": xlsx.write,
    "sqlite": sqlite.write,
}
FORMATS = tuple(WRITERS)

# Notes a format adds about the datasets it cannot hold in full (computed even when skipped).
NOTES: dict[str, Callable] = {"xlsx": xlsx.notes}

__all__ = ["FORMATS", "NOTES", "WRITERS"]
