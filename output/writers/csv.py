"""CSV: one ``<dataset>.csv`` per dataset, UTF-8 with a BOM so Excel shows the Chinese.

Numbers are written in their shortest exact form (``3``, not ``3.0``); nulls are empty fields
(so ``""`` and null cannot be told apart in CSV: use Parquet or SQLite when that matters).
Identifier columns such as ``division_code`` must be read as text — the codebook's ``type``
says which (``code``); in pandas: ``dtype={"division_code": str}``.

The rows are formatted and written by DuckDB (:data:`COPY`), streamed from the export's Arrow
chunks as they come, so a file of two hundred million cells is written in C++ with a few
chunks in memory. The text follows Python's :mod:`csv` dialect (the one ``DataFrame.to_csv``
uses): ``,`` between fields, ``\\n`` after each row, a field quoted only when it holds a comma,
a quote (doubled inside) or a line break, booleans as ``True``/``False``. The quoting is
spelled out in the query (:func:`field_sql`) and DuckDB's own is switched off, so the bytes do
not depend on DuckDB's quoting rules.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from pathlib import Path

import pyarrow as pa

from output.columns import BOOLEAN, INTEGER, NUMBER, Column
from output.dataset import Dataset, Datasets
from output.writers.arrow import ARROW_TYPES, as_table, select
from output.writers.atomic import Staging
from output.writers.base import Sink, feed
from output.writers.values import format_number

ENCODING = "utf-8-sig"
BOM = "\ufeff"
DEPTH = 2  # chunks waiting for DuckDB
THREADS = 1  # DuckDB threads formatting one file
MEMORY = "128MB"  # DuckDB memory for one file (it streams: a few chunks)

__all__ = ["CsvSink", "field_sql", "format_number", "write"]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def field_sql(column: Column) -> str:
    """The SQL that formats one column's values as CSV fields (null: an empty field)."""
    name = _ident(column.name)
    if column.kind == NUMBER:  # integral values without ".0"; others shortest round-trip
        return (  # (a NaN is "nan" whatever its sign bit, as Python's repr writes it)
            f"CASE WHEN isnan({name}) THEN 'nan' "
            f"WHEN {name} = trunc({name}) AND abs({name}) < 1e16 "
            f"THEN CAST(CAST({name} AS HUGEINT) AS VARCHAR) ELSE CAST({name} AS VARCHAR) END"
        )
    if column.kind == INTEGER:
        return f"CAST({name} AS VARCHAR)"
    if column.kind == BOOLEAN:
        return f"CASE WHEN {name} THEN 'True' WHEN NOT {name} THEN 'False' END"
    special = " OR ".join(f"contains({name}, {ch})" for ch in ("','", "'\"'", "chr(10)"))
    quoted = f"""'"' || replace({name}, '"', '""') || '"'"""
    return f"CASE WHEN {special} THEN {quoted} ELSE {name} END"


def copy_sql(columns: list[Column], source: str, target: Path) -> str:
    """The COPY statement writing ``source``'s rows to ``target``, header and BOM first."""
    fields = []
    for index, column in enumerate(columns):
        header = (BOM if index == 0 else "") + column.name
        fields.append(f"{field_sql(column)} AS {_ident(header)}")
    if not fields:
        fields = [f"NULL AS {_ident(BOM)}"]
    return (
        f"COPY (SELECT {', '.join(fields)} FROM {source}) TO {_literal(str(target))} "
        "(FORMAT csv, HEADER true, QUOTE '', ESCAPE '', NULLSTR '', NEW_LINE '\\n')"
    )


_END = object()


class _Copy:
    """One file written by a DuckDB COPY that reads the chunks put here as an Arrow stream.

    The COPY runs on a thread of its own and pulls the chunks through a small queue, so the
    sink's caller hands over a chunk and goes on; :meth:`finish` waits for the file.
    """

    def __init__(self, target: Path, columns: list[Column]) -> None:
        self.columns = columns
        self.schema = pa.schema([pa.field(c.name, ARROW_TYPES[c.kind]) for c in columns])
        self._queue: queue.Queue = queue.Queue(maxsize=DEPTH)
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(target,), name="ogi-csv-copy", daemon=True
        )
        self._thread.start()

    def _batches(self):
        while True:
            item = self._queue.get()
            if item is _END:
                return
            yield from item.to_batches()

    def _run(self, target: Path) -> None:
        import duckdb

        db = duckdb.connect(
            config={"threads": THREADS, "preserve_insertion_order": True, "memory_limit": MEMORY}
        )
        try:
            reader = pa.RecordBatchReader.from_batches(self.schema, self._batches())
            db.register("chunks", reader)
            db.execute(copy_sql(self.columns, "chunks", target))
        except BaseException as exc:  # handed to the caller at its next call
            self._error = exc
        finally:
            db.close()
            self._done.set()

    def put(self, table: pa.Table) -> None:
        while True:
            self._raise()
            try:
                self._queue.put(table, timeout=0.2)
                return
            except queue.Full:
                continue

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error
        if self._done.is_set():
            raise RuntimeError("csv: the writer stopped before the rows ended")

    def finish(self) -> None:
        self.put(_END)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def cancel(self) -> None:
        if self._thread.is_alive():
            self._error = self._error or RuntimeError("cancelled")
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(_END)
            self._thread.join(timeout=30)


class CsvSink(Sink):
    """Each dataset's chunks streamed to a DuckDB COPY (see the module docstring)."""

    def __init__(self, out_dir: Path, staging: Staging, **_options) -> None:
        super().__init__(out_dir, staging)
        self._copy: _Copy | None = None

    def begin(self, dataset: Dataset) -> None:
        super().begin(dataset)
        name = dataset.name
        temp = self.staging.temp_for(self.out_dir / f"{name}.csv", format="csv", dataset=name)
        self._copy = _Copy(temp, list(dataset.columns))

    def write(self, chunk) -> None:
        table = select(as_table(chunk, self.current), list(self.current.columns))
        if table.num_rows:
            assert self._copy is not None  # opened by begin()
            self._copy.put(table)

    def end(self) -> None:
        copy, self._copy = self._copy, None
        assert copy is not None  # opened by begin()
        copy.finish()
        super().end()

    def abort(self) -> None:
        if self._copy is not None:
            self._copy.cancel()
            self._copy = None


def write(datasets: Datasets, out_dir: Path, staging: Staging, **options) -> None:
    feed(CsvSink(out_dir, staging, **options), datasets)
