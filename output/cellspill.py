"""The cells of every record, spilled to disk as the build first reads them, read back in order.

The ``cells`` dataset is the big one (two hundred cells a report: four hundred million rows for
the national archive). Its rows are made while the build's index pass reads each record, a
chunk at a time, and written as Arrow IPC files (LZ4) in the build's scratch folder — so no
record is read or decoded a second time (Arrow's own format: nothing to encode or decode). They are written in ``report_id`` order, the dataset's order:

- records that arrive in that order (a records store yields its handles sorted by document
  digest, :func:`output.store.load_records`) are streamed back as they were spilled, without
  the rows of duplicate documents the index pass dropped;
- any other order is sorted by DuckDB, out of core (it spills to disk beyond its memory
  limit), from the same files.

Each spilled row carries the position of its record (to drop duplicates) and a running row
number (to keep each report's cells in printed order when sorting).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.ipc as ipc

from output.cells import CORRECTION_COLUMNS, DECISION_COLUMNS, correction_columns, decision_columns
from output.columns import NUMBER, TEXT, Column, typed_array
from output.inputs import ReportInput
from output.stages import RecordStage
from parsers.model import CellValue

CHUNK = (
    100_000  # cells per spilled batch (whole documents: a batch ends after the one that fills it)
)
READ_ROWS = 100_000  # cells per chunk handed to the writers
POSITION, ROW = "_position", "_row"
CODE = "code"  # made from section, row and column when a batch is written
_PLAIN = {CellValue}  # the type of a cell neither corrected nor decided
_ANNOTATIONS = (*CORRECTION_COLUMNS, *DECISION_COLUMNS)
_IPC = ipc.IpcWriteOptions(compression="lz4")  # Arrow's own files: no encoding to undo
DUCKDB_MEMORY = "512MB"  # DuckDB's memory limit for the sort; beyond it, it spills to disk


class CellSpill:
    """Cells rows of the records the index pass reads, spilled a batch at a time."""

    def __init__(
        self,
        folder: Path,
        columns: list[Column],
        hidden: Sequence[str],
        stages: Sequence[RecordStage] = (),
    ) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.stages = tuple(stages)
        self.extra = [c for s in self.stages for c in s.cell_columns]
        # years are spilled as numbers (a year with a fraction is only known at the end)
        self.columns = [Column(c.name, NUMBER) if c.name == "year" else c for c in columns] + [
            Column(name, TEXT) for name in hidden
        ]
        self.sorted = True
        self.files: list[Path] = []
        self._last_id = ""
        self._rows = 0
        self._pending = self._empty()

    def _empty(self) -> dict[str, list]:
        return {name: [] for name in [*(c.name for c in self.columns), POSITION] if name != CODE}

    def add(
        self, position: int, report_id: str, year, item: ReportInput, cells: list | None = None
    ) -> None:
        """The cells of one record (after the record stages), in printed order (``cells``: the
        report's :meth:`~parsers.model.Report.cells`, when the caller has them already)."""
        if report_id < self._last_id:
            self.sorted = False
        self._last_id = max(self._last_id, report_id)
        if cells is None:
            cells = item.report.cells()
        if not cells:
            return
        n = len(cells)
        rows = self._pending
        sections, row_codes, col_codes, values = zip(*cells, strict=True)
        rows["report_id"].extend([report_id] * n)
        rows["year"].extend([year] * n)
        rows["section"].extend(sections)
        rows["row"].extend(row_codes)
        rows["column"].extend(col_codes)
        rows["value"].extend([cell.value for cell in values])
        rows["raw"].extend([cell.raw for cell in values])
        rows["status"].extend([cell.status for cell in values])
        rows["unit"].extend([cell.unit for cell in values])
        if {*map(type, values)} == _PLAIN:  # no correction, no decision: nulls
            for name in _ANNOTATIONS:
                rows[name].extend([None] * n)
        else:
            correction_columns(rows, values)
            decision_columns(rows, values)
        rows["province"].extend([(item.report.place or {}).get("province")] * n)
        rows[POSITION].extend([position] * n)
        if self.extra:
            filled = [
                value
                for section, row, column, cell in cells
                for stage in self.stages
                for value in stage.cell_values(item, section, row, column, cell)
            ]
            for index, col in enumerate(self.extra):
                rows[col.name].extend(filled[index :: len(self.extra)])
        if len(rows["report_id"]) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        rows = self._pending
        n = len(rows["report_id"])
        if not n:
            return
        arrays = [
            _codes(rows) if c.name == CODE else typed_array(rows[c.name], c) for c in self.columns
        ]
        arrays = [a.cast(pa.float64()) if a.type == pa.int64() else a for a in arrays]
        arrays.append(pa.array(rows[POSITION], type=pa.int64()))
        arrays.append(pa.array(np.arange(self._rows, self._rows + n, dtype=np.int64)))
        names = [c.name for c in self.columns] + [POSITION, ROW]
        table = pa.table(arrays, names=names)
        path = self.folder / f"cells-{len(self.files):06d}.arrow"
        with (
            pa.OSFile(str(path), "wb") as sink,
            ipc.new_file(sink, table.schema, options=_IPC) as out,
        ):
            out.write_table(table)
        self.files.append(path)
        self._rows += n
        self._pending = self._empty()

    def finish(self) -> None:
        self._flush()

    def chunks(
        self, kept: np.ndarray, columns: list[Column], *, rows: int | None = None
    ) -> Iterator[pa.Table]:
        """The cells of the kept records (``kept[position]`` true) in ``report_id`` order, as
        Arrow tables of ``columns`` (the dataset's final types) plus the hidden columns."""
        wanted = [c for c in columns] + [c for c in self.columns if c.name not in _names(columns)]
        batches = self._sequential(kept) if self.sorted else self._sorted(kept)
        size = rows or READ_ROWS
        emitted = False
        pending: list[pa.RecordBatch] = []
        count = 0
        for batch in batches:
            if not batch.num_rows:
                continue
            pending.append(batch)
            count += batch.num_rows
            if count >= size:
                yield _table(pending, wanted)
                emitted, pending, count = True, [], 0
        if pending or not emitted:
            yield _table(pending, wanted)

    def _sequential(self, kept: np.ndarray) -> Iterator[pa.RecordBatch]:
        for path in self.files:
            with pa.memory_map(str(path)) as source:
                table = ipc.open_file(source).read_all()
            positions = table.column(POSITION).to_numpy()
            mask = kept[positions]
            if not mask.all():
                table = table.filter(pa.array(mask))
            yield from table.to_batches()

    def _sorted(self, kept: np.ndarray) -> Iterator[pa.RecordBatch]:
        import duckdb

        db = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "threads": 2})
        try:
            db.execute(f"SET temp_directory = '{_quote(self.folder / 'duckdb')}'")
            keep = pa.table({"position": pa.array(np.flatnonzero(kept), type=pa.int64())})
            db.register("keep", keep)
            db.register("spilled", ds.dataset([str(p) for p in self.files], format="ipc"))
            query = db.sql(
                f"SELECT * FROM spilled "
                f"WHERE {POSITION} IN (SELECT position FROM keep) "
                f"ORDER BY report_id, {ROW}"
            )
            # a stream of Arrow batches (the method's name changed in DuckDB 2)
            stream = getattr(query, "to_arrow_reader", None) or query.fetch_record_batch
            yield from stream(READ_ROWS)
        finally:
            db.close()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _codes(rows: dict[str, list]) -> pa.Array:
    """``section__row__column`` of every row, joined by Arrow (as :func:`output.entries.code_name` names them)."""
    parts = [pa.array(rows[name], type=pa.string()) for name in ("section", "row", "column")]
    return pc.binary_join_element_wise(*parts, "__")


def _names(columns: list[Column]) -> set[str]:
    return {c.name for c in columns}


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _table(batches: list[pa.RecordBatch], columns: list[Column]) -> pa.Table:
    """Spilled batches as one chunk of the dataset: its columns in their final Arrow types
    (a spilled year back to an integer), the hidden ones after them, as text."""
    from output.writers.arrow import ARROW_TYPES

    arrays, names = [], []
    for column in columns:
        wanted = ARROW_TYPES[column.kind]
        if batches:
            array = pa.chunked_array([b.column(column.name) for b in batches])
            if array.type != wanted:
                array = array.cast(wanted)
        else:
            array = pa.chunked_array([], type=wanted)
        arrays.append(array)
        names.append(column.name)
    return pa.Table.from_arrays(arrays, names=names)
