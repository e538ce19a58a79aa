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

The rows are loaded with ADBC's SQLite driver (:func:`adbc_ingest`), which binds each Arrow
chunk's values to the insert in C: the two hundred million cells of a national export never
become Python objects. Tables, indexes, full-text search and ANALYZE are made with Python's
:mod:`sqlite3` on the same file, each step committed before the other connection writes;
indexes are built after their table is loaded, and the foreign keys are checked once, at the
end (a failed check publishes nothing).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa

from output.columns import BOOLEAN, INTEGER, NUMBER, Column
from output.dataset import Dataset, Datasets
from output.writers.arrow import as_table, select
from output.writers.atomic import Staging
from output.writers.base import Sink, feed

FILE_NAME = "datasets.sqlite"
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


class SqliteSink(Sink):
    """Tables are created and filled in the order the datasets arrive (referenced first)."""

    def __init__(self, out_dir: Path, staging: Staging, *, names=None, **_options) -> None:
        super().__init__(out_dir, staging)
        temp = staging.temp_for(out_dir / FILE_NAME, format="sqlite", dataset="all")
        temp.unlink()  # sqlite creates its own file
        self.available = set(names) if names is not None else None
        # written by the thread the export gives this format (output.writers.threaded)
        self.connection = sqlite3.connect(temp, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.bulk = _bulk_connection(temp)

    def begin(self, dataset: Dataset) -> None:
        super().begin(dataset)
        available = self.available if self.available is not None else {dataset.name}
        _create(self.connection, dataset, available)
        self.bulk.execute("BEGIN")

    def write(self, chunk) -> None:
        columns = list(self.current.columns)
        table = select(as_table(chunk, self.current), columns)
        if table.num_rows and columns:
            _insert(self.bulk, self.current, table)

    def end(self) -> None:
        self.bulk.execute("COMMIT")
        self.connection.execute("BEGIN")
        _index(self.connection, self.current)
        _search(self.connection, self.current)
        self.connection.execute("COMMIT")
        super().end()

    def close(self) -> None:
        try:
            self.bulk.close()
            self.connection.execute("ANALYZE")
            problems = self.connection.execute("PRAGMA foreign_key_check").fetchall()
            if problems:  # a bug upstream, never expected: refuse to publish a broken database
                raise RuntimeError(f"foreign key check failed: {problems[:5]}")
        finally:
            self.connection.close()

    def abort(self) -> None:
        try:
            self.bulk.close()
        finally:
            self.connection.close()


def _bulk_connection(path: Path):
    """An ADBC cursor on the database file (autocommit: the sink opens its transactions)."""
    import adbc_driver_sqlite.dbapi

    connection = adbc_driver_sqlite.dbapi.connect(str(path), autocommit=True)
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode = OFF")
    cursor.fetchall()
    cursor.execute("PRAGMA synchronous = OFF")
    return _Bulk(connection, cursor)


class _Bulk:
    def __init__(self, connection, cursor) -> None:
        self.connection = connection
        self.cursor = cursor

    def execute(self, sql: str) -> None:
        self.cursor.execute(sql)

    def ingest(self, name: str, table: pa.Table) -> None:
        self.cursor.adbc_ingest(name, table, mode="append")

    def close(self) -> None:
        try:
            self.cursor.close()
        finally:
            self.connection.close()


def write(datasets: Datasets, out_dir: Path, staging: Staging, **_options) -> None:
    feed(SqliteSink(out_dir, staging, names=[d.name for d in datasets]), datasets)


def _create(connection: sqlite3.Connection, dataset: Dataset, available: set[str]) -> None:
    connection.execute(create_table_sql(dataset, available))


def _insert(bulk: _Bulk, dataset: Dataset, table: pa.Table) -> None:
    """One chunk's rows appended to the dataset's table (values bound in C by ADBC)."""
    bulk.ingest(dataset.name, table)


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
