"""SQLite: one database ready for datasette and sqlite-utils.

- One table per dataset, with primary keys (``reports.report_id``, ``panel(agency_id, year)``,
  ``cells(report_id, section, row, column)``), a foreign key from ``cells.report_id`` to
  ``reports``, and indexes on agency, year and code.
- Full-text search on agency names: ``reports_fts`` and ``panel_fts`` (FTS5, external content,
  the layout datasette and sqlite-utils detect). The ``trigram`` tokenizer makes any run of 3+
  characters searchable inside a Chinese name (``进化镇`` finds 梅河口市进化镇人民政府); the
  default tokenizer would treat a whole Chinese name as one word.
- Types follow the codebook: codes and dates are TEXT, counts INTEGER, booleans 0/1, amounts
  and rates NUMERIC (so a count stored as 3.0 reads back as 3).
- Built in a temporary file and moved into place: readers never see a half-built database, and
  an unchanged export gives the same bytes, so the file is left alone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from output.columns import BOOLEAN, INTEGER, NUMBER, Column
from output.dataset import Dataset, Datasets
from output.writers.atomic import Staging
from output.writers.values import python_values

FILE_NAME = "datasets.sqlite"
TABLE_ORDER = ("reports", "cells", "panel", "codebook")  # referenced tables first
FTS_TOKENIZER = "trigram"
BATCH = 50_000

_SQL_TYPES = {INTEGER: "INTEGER", NUMBER: "NUMERIC", BOOLEAN: "INTEGER"}


def quote(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def sql_type(column: Column) -> str:
    return _SQL_TYPES.get(column.kind, "TEXT")


def create_table_sql(dataset: Dataset, available: set[str]) -> str:
    parts = [f"{quote(c.name)} {sql_type(c)}" for c in dataset.columns]
    if dataset.key:
        parts.append(f"PRIMARY KEY ({', '.join(quote(k) for k in dataset.key)})")
    for column, other, other_column in dataset.foreign_keys:
        if other in available:
            parts.append(
                f"FOREIGN KEY ({quote(column)}) REFERENCES {quote(other)}({quote(other_column)})"
            )
    body = ",\n    ".join(parts)
    return f"CREATE TABLE {quote(dataset.name)} (\n    {body}\n)"


def write(datasets: Datasets, out_dir: Path, staging: Staging, **_options) -> None:
    temp = staging.temp_for(out_dir / FILE_NAME, format="sqlite", dataset="all")
    temp.unlink()  # sqlite creates its own file
    connection = sqlite3.connect(temp)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA foreign_keys = ON")
        ordered = sorted(datasets, key=lambda d: _order(d.name))
        available = {d.name for d in ordered}
        with connection:
            for dataset in ordered:
                _create(connection, dataset, available)
                _insert(connection, dataset)
                _index(connection, dataset)
                _search(connection, dataset)
            connection.execute("ANALYZE")
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # a bug upstream, never expected: refuse to publish a broken database
            raise RuntimeError(f"foreign key check failed: {problems[:5]}")
    finally:
        connection.close()


def _order(name: str) -> tuple[int, str]:
    return (TABLE_ORDER.index(name) if name in TABLE_ORDER else len(TABLE_ORDER), name)


def _create(connection: sqlite3.Connection, dataset: Dataset, available: set[str]) -> None:
    connection.execute(create_table_sql(dataset, available))


def _insert(connection: sqlite3.Connection, dataset: Dataset) -> None:
    columns = dataset.columns
    if not columns:
        return
    names = ", ".join(quote(c.name) for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {quote(dataset.name)} ({names}) VALUES ({marks})"
    frame = dataset.frame
    for start in range(0, len(frame), BATCH):
        part = frame.iloc[start : start + BATCH]
        values = [python_values(part[c.name], c) for c in columns]
        connection.executemany(sql, zip(*values, strict=True))


def _index(connection: sqlite3.Connection, dataset: Dataset) -> None:
    for columns in dataset.indexes:
        name = f"idx_{dataset.name}_{'_'.join(columns)}"
        connection.execute(
            f"CREATE INDEX {quote(name)} ON {quote(dataset.name)} "
            f"({', '.join(quote(c) for c in columns)})"
        )
    for column, _other, _other_column in dataset.foreign_keys:
        if (column,) not in dataset.indexes and dataset.key[:1] != (column,):
            name = f"idx_{dataset.name}_{column}"
            connection.execute(
                f"CREATE INDEX {quote(name)} ON {quote(dataset.name)} ({quote(column)})"
            )


def _search(connection: sqlite3.Connection, dataset: Dataset) -> None:
    if not dataset.search:
        return
    fts = quote(f"{dataset.name}_fts")
    columns = ", ".join(quote(c) for c in dataset.search)
    connection.execute(
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({columns}, "
        f"tokenize='{FTS_TOKENIZER}', content={quote(dataset.name)})"
    )
    connection.execute(
        f"INSERT INTO {fts} (rowid, {columns}) SELECT rowid, {columns} FROM {quote(dataset.name)}"
    )
