"""Records → the four datasets, streamed in chunks: memory bounded by the panel, not the cells.

At national scale an export reads about a million documents and two hundred million cells, far
more than memory holds. So the datasets are built in passes over the records, and every
dataset reaches the writers as a sequence of chunks (pandas frames with the final column
types), in the order the files need them:

1. **index** — read every document once (the only time it is read and decoded): its
   :class:`~output.entries.Entry` (identity, dates, counts: a few hundred bytes) stays in
   memory; everything else a row needs, its numbers included, goes to the build's scratch file
   (:class:`~output.scratch.Scratch`), and its cells rows are spilled to Parquet
   (:class:`~output.cellspill.CellSpill`). Documents seen twice are merged here (the first
   fetched copy counts), agencies get their ids, and re-issues their versions — reading back
   only the numbers of the agency-years that have more than one document.
2. **reports** — one row per entry, in the dataset's order, from the entries and their payloads.
3. **cells** — the spilled rows of the documents kept, in ``report_id`` order, one chunk at a
   time (sorted out of core by DuckDB when the records did not come in that order).
4. **panel** — the current versions in (agency, year) order, from their payloads, in chunks
   that never split an agency (the cross-year check compares neighbouring years). A count
   column that meets a fraction in any chunk becomes a number column in all of them, so the
   chunks are computed first, kept in the scratch folder, and typed once all are known.
5. **codebook** — from the final columns of the others.

The result is the same, row for row and type for type, as building each dataset whole; only
the memory differs. Records come from any sequence the export accepts; documents held in a
records store are read from it when they are needed (see :class:`output.store.StoredInput`),
so nothing of them stays in memory. Every record passes through the record stages first — the
reviewers' corrections, then those of :mod:`output.stages` — so all datasets see one version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from output.across_years import Decision, apply_decisions, decide_across_years
from output.buildinputs import (
    StoredRecords,
    all_stored,
    code_digest,
    finish_key,
    load_item,
    load_items,
    read_records,
    source_items,
    source_key,
)
from output.cells import COLUMNS as CELL_COLUMNS
from output.cells import HIDDEN as HIDDEN_CELL_COLUMNS
from output.cells import cells_spec
from output.cellspill import CellSpill
from output.codebook import codebook_dataset
from output.columns import INTEGER, NUMBER, Column, conform, typed_array
from output.corrections import CorrectionSet
from output.dataset import Dataset
from output.entries import CodeTable, Entry, Interner, Payload, first_seen, scan
from output.entrytable import EntryLog, EntrySpill, Located, grouped
from output.inputs import ReportInput, document_sha256
from output.panel import PanelPlan, panel_chunk, panel_plan, panel_spec, table_code_columns
from output.prose import ProseField, load_crosswalk
from output.reports import COLUMNS as REPORT_COLUMNS
from output.reports import reports_chunks, reports_spec, sort_key
from output.scratch import Scratch
from output.stages import RecordStage, apply_stages
from output.stages import cell_columns as stage_cell_columns
from output.versions import assign_versions

log = logging.getLogger(__name__)

DATASETS = ("reports", "cells", "panel", "codebook")
PANEL_CHUNK = 5_000  # panel rows per chunk (about 330 columns each)
_DEFAULT = object()
_SPILL_CODEC = "lz4"

__all__ = [
    "DATASETS",
    "Build",
    "StoredRecords",
    "code_digest",
    "load_item",
    "load_items",
    "source_items",
    "source_key",
]


class Build:
    """One build of the datasets from a sequence of records (see the module docstring).

    ``items`` is read once in order, and a few records again by position, so it must be a
    sequence (a list of records) or the records of data folders
    (:class:`~output.buildinputs.StoredRecords`, read again from their stores). Call
    :meth:`index` first; then :meth:`streams` yields each dataset with its chunks, once.
    """

    def __init__(
        self,
        items: Sequence[Any] | StoredRecords,
        scratch: Scratch,
        *,
        crosswalk: Mapping[str, ProseField] | None | object = _DEFAULT,
        fill_from_prose: bool = True,
        corrections: CorrectionSet | None = None,
        stages: Sequence[RecordStage] = (),
        cells: bool = True,
        on_stage: Callable[[str], None] | None = None,
    ) -> None:
        self.items = items
        self.corrections = corrections
        self.stages = tuple(stages)
        self.scratch = scratch
        self.crosswalk: Mapping[str, ProseField] | None = (
            load_crosswalk()
            if crosswalk is _DEFAULT
            else cast("Mapping[str, ProseField] | None", crosswalk)
        )
        self.fill_from_prose = fill_from_prose
        self.on_stage = on_stage
        self.codes = CodeTable()
        self.notes: list[str] = []
        self.decided: dict[str, list[Decision]] = {}  # by report id (output.across_years)
        self.key = ""
        self.source_key: str | None = None  # for records in stores: see source_key()
        self._year_kind = INTEGER
        self._panel: tuple[list[Column], list[Path]] | None = None
        self._cells = (
            CellSpill(
                scratch.path("cells"),
                [*CELL_COLUMNS, *stage_cell_columns(self.stages)],
                HIDDEN_CELL_COLUMNS,
                self.stages,
            )
            if cells
            else None
        )
        self._positions = 0  # spilled records (those re-spilled after decisions included)
        self._respilled: dict[int, int] = {}  # first spill position → the decided one
        self._readers: list[Any] = []  # the stores' readers the records came from
        self._log = EntryLog(scratch.path("decided"))  # the entries kept, in row order
        self._kept = bytearray()  # per spilled position: are its cells in the dataset?
        self._rows = {"reports": 0, "cells": 0, "panel": 0}
        self._extra_codes: set[str] = set()
        self._prose_keys: set[str] = set()
        self.across_years_seconds = 0.0  # time spent deciding cells across years

    # -- pass 1 ------------------------------------------------------------------------------

    def index(self) -> None:
        """Read every record once: entries, payloads and cells spilled; then the decisions."""
        self._stage("reading records")
        known = frozenset(c.name for c in table_code_columns())
        spill = EntrySpill(self.scratch.path("entries"))
        every = hashlib.sha256()  # every record read, in order (see source_key)
        readers: dict[int, int] = {}
        for position, (raw, item, digest) in enumerate(read_records(self.items)):
            every.update(digest)
            source, at = self._locate(raw, position, readers)
            item = apply_stages(self.stages, self._corrected(item))
            cells = item.report.cells()
            entry, payload = scan(item, position, self.codes, known, _as_is, cells)
            if self._cells is not None:
                self._cells.add(position, entry.report_id, entry.year, item, cells)
            self._positions = position + 1
            entry.blob = self.scratch.put(tuple(payload))
            spill.add(Located(entry, digest, source, at), first_seen(entry, payload))
        self._kept = bytearray(self._positions)
        self._stage("deciding versions")
        years, total, left_out = self._decide(spill, known)
        if self._cells is not None:
            self._cells.finish()
        self._year_kind = typed_kind(sorted(years, key=repr), INTEGER)
        self.key = self._key(total % _MODULUS)
        if all_stored(self.items):
            self.source_key = finish_key(
                every, self.crosswalk, self.fill_from_prose, self.corrections, self.stages
            )
        if left_out:
            self.notes.append(
                f"{left_out} report(s) without a year or an agency are in reports and "
                "cells but not in panel"
            )

    def _locate(self, raw: Any, position: int, readers: dict[int, int]) -> tuple[int, int]:
        """Where to read a record again: a store's reader and row, or its position (-1)."""
        from output.store import StoredInput

        if not isinstance(raw, StoredInput):
            return -1, position
        reader = raw._reader
        source = readers.get(id(reader))
        if source is None:
            source = readers[id(reader)] = len(self._readers)
            self._readers.append(reader)
        return source, raw._at

    def _decide(self, spill: EntrySpill, known: frozenset[str]) -> tuple[set, int, int]:
        """One agency at a time, in (agency, year) order: versions, the cells identities
        across years decide, and the entries written in the datasets' row order."""
        years: set = set()
        total = left_out = 0  # the records kept, as a sum of their digests: any order
        temp = self.scratch.path("duckdb")
        for agency_id, run in itertools.groupby(
            grouped(spill, temp), key=lambda located: located.entry.agency_id
        ):
            agency = list(run)
            entries = [located.entry for located in agency]
            assign_versions(entries, self.numbers)
            if agency_id:
                began = time.perf_counter()
                self._decide_across_years(agency, known)
                self.across_years_seconds += time.perf_counter() - began
            for located in agency:
                entry = located.entry
                total += _term(entry.report_id, located.digest)
                self._kept[self._respilled.get(entry.position, entry.position)] = 1
                self._count(entry)
                if entry.year is not None:
                    years.add(entry.year)
                if entry.is_current and (entry.year is None or not entry.agency_id):
                    left_out += 1
            for entry in sorted(entries, key=sort_key):
                self._log.add(entry)
        self._log.flush()
        return years, total, left_out

    def _count(self, entry: Entry) -> None:
        self._rows["reports"] += 1
        self._rows["cells"] += entry.n_cells
        if entry.in_panel:
            self._rows["panel"] += 1
            self._extra_codes.update(entry.extra_codes)
            self._prose_keys.update(entry.prose_keys)

    def payload(self, entry: Entry) -> Payload:
        return Payload(*self.scratch.get(entry.blob))

    def numbers(self, entry: Entry) -> dict[str, Any]:
        return self.codes.numbers(self.payload(entry))

    def _key(self, records: int) -> str:
        """What the datasets are a function of: the records kept, the crosswalk, the code."""
        digest = hashlib.sha256()
        digest.update(records.to_bytes(16, "little"))
        digest.update(str(self._rows["reports"]).encode())
        return finish_key(
            digest, self.crosswalk, self.fill_from_prose, self.corrections, self.stages
        )

    def _corrected(self, item: ReportInput) -> ReportInput:
        """The record with the reviewers' corrections of its document applied, then the cells
        an identity across years decides (the first record stages, before those of
        :mod:`output.stages`: the index pass reads each record through them, and the cells are
        spilled from what they give, so reports, cells and panel agree)."""
        if not self.corrections and not self.decided:
            return item
        sha = document_sha256(item)
        report = item.report
        if self.corrections:
            report = self.corrections.apply(report, sha)
        decided = self.decided.get(sha[:16])
        if decided:
            report = apply_decisions(report, decided)
        return item if report is item.report else dataclasses.replace(item, report=report)

    def _decide_across_years(self, agency: list[Located], known: frozenset[str]) -> None:
        """Cells an agency's reports leave undecided and an identity between consecutive years
        decides (:mod:`output.across_years`); the reports it changes are read again with the
        decisions (entries, payloads and cells), so every dataset shows them."""
        chain = sorted((x for x in agency if x.entry.in_panel), key=lambda x: x.entry.year or 0)
        if len(chain) < 2 or not any(x.entry.n_uncertain for x in chain):
            return
        reports = [
            (x.entry.report_id, self._corrected(item).report)
            for x, item in zip(chain, self._load(chain), strict=True)
        ]
        decided = decide_across_years([reports])
        if not decided:
            return
        self.decided.update(decided)
        changed = [x for x in chain if x.entry.report_id in decided]
        for located, item in zip(changed, self._load(changed), strict=True):
            entry = located.entry
            item = apply_stages(self.stages, self._corrected(item))
            again, payload = scan(item, entry.position, self.codes, known, _as_is)
            entry.n_numbers, entry.n_uncertain = again.n_numbers, again.n_uncertain
            entry.n_warnings = again.n_warnings
            entry.blob = self.scratch.put(tuple(payload))
            if self._cells is not None:  # its decided cells replace those spilled at first
                self._respilled[entry.position] = self._positions
                self._cells.add(self._positions, entry.report_id, entry.year, item)
                self._positions += 1
                self._kept.append(0)

    def _load(self, located: list[Located]) -> list[ReportInput]:
        """The records of these entries, read again from where they came from."""
        by_source: dict[int, list[int]] = {}
        for x in located:
            by_source.setdefault(x.source, []).append(x.at)
        loaded: dict[tuple[int, int], ReportInput] = {}
        for source, ats in by_source.items():
            if source < 0:  # records given as a sequence, not read from a store
                assert not isinstance(self.items, StoredRecords)
                for at in ats:
                    loaded[(source, at)] = load_item(self.items[at], digest=False)[0]
            else:
                for at, (item, _) in self._readers[source].read_many(ats).items():
                    loaded[(source, at)] = item
        return [loaded[(x.source, x.at)] for x in located]

    # -- the datasets ------------------------------------------------------------------------

    @property
    def rows(self) -> dict[str, int]:
        """Rows of each dataset (known once the records are indexed)."""
        return dict(self._rows)

    def counts(self, names: Iterable[str] = DATASETS) -> dict[str, int]:
        """Rows of the named datasets, in writing order (no dataset is built for this)."""
        rows = self.rows
        if "codebook" in names:
            from output.codebook import COLUMNS as CODEBOOK_COLUMNS

            plan = self._plan()
            rows["codebook"] = (
                len(REPORT_COLUMNS) + len(CELL_COLUMNS) + len(plan.columns) + len(CODEBOOK_COLUMNS)
            )
        wanted = set(names)
        return {name: rows[name] for name in DATASETS if name in wanted}

    def _plan(self) -> PanelPlan:
        return panel_plan(
            self._extra_codes,
            self._prose_keys,
            self.crosswalk,
            fill_from_prose=self.fill_from_prose,
        )

    def streams(
        self, names: Iterable[str] = DATASETS
    ) -> Iterator[tuple[Dataset, Iterator[pd.DataFrame]]]:
        """Each wanted dataset with its chunks, in the writers' order (reports, cells, panel,
        codebook). Consume each dataset's chunks before asking for the next dataset."""
        wanted = set(names)
        rows = self.rows
        year_columns = _with_year_kind(REPORT_COLUMNS, self._year_kind)
        reports = reports_spec(year_columns, rows["reports"], self.key)
        cell_columns = _with_year_kind(CELL_COLUMNS, self._year_kind)
        cell_columns += stage_cell_columns(self.stages)
        cells = cells_spec(cell_columns, rows["cells"], self.key)
        if "reports" in wanted:
            self._stage("writing reports")
            chunks = reports_chunks(iter(self._log), self)
            yield reports, (conform(c, reports.columns) for c in chunks)
        if "cells" in wanted:
            self._stage("writing cells")
            if self._cells is None:
                raise ValueError("this build was made without cells (Build(cells=False))")
            kept = np.frombuffer(bytes(self._kept), dtype=np.uint8).astype(bool)
            yield cells, self._cells.chunks(kept, cells.columns)
        panel = None
        if wanted & {"panel", "codebook"}:
            self._stage("building panel")
            columns, parts = self._panel_parts()
            panel = panel_spec(columns, rows["panel"], self.key)
            if "panel" in wanted:
                self._stage("writing panel")
                yield panel, (conform(c, columns) for c in _read_parts(parts))
        if "codebook" in wanted:
            self._stage("writing codebook")
            assert panel is not None  # built above for the codebook
            codebook = codebook_dataset([reports, cells, panel])
            codebook.fingerprint = self.key
            yield codebook, iter([codebook.frame])

    def _panel_parts(self) -> tuple[list[Column], list[Path]]:
        """The panel's chunks, computed and kept in the scratch folder, and its final columns."""
        if self._panel is not None:
            return self._panel
        current = (e for e in self._log if e.in_panel)  # in (agency, year) order
        plan = self._plan()
        parts: list[Path] = []
        dtypes: dict[str, str] = {}
        for number, group in enumerate(_agency_chunks(current, PANEL_CHUNK)):
            chunk = panel_chunk([(e, self.payload(e)) for e in group], plan, self.codes)
            for name, dtype in chunk.dtypes.items():
                if str(dtype) == "Float64" or name not in dtypes:
                    dtypes[name] = str(dtype)
            path = self.scratch.path(f"panel-{number:06d}.pickle")
            _spill(chunk, path)
            parts.append(path)
        if not parts:  # no rows: one empty chunk keeps the columns and their types
            chunk = panel_chunk([], plan, self.codes)
            dtypes = {name: str(dtype) for name, dtype in chunk.dtypes.items()}
            path = self.scratch.path("panel-empty.pickle")
            _spill(chunk, path)
            parts.append(path)
        columns = [_as_stored(c, dtypes[c.name]) for c in plan.columns]
        self._panel = (columns, parts)
        return self._panel

    def _stage(self, text: str) -> None:
        log.debug("build: %s", text)
        if self.on_stage is not None:
            self.on_stage(text)


# --------------------------------------------------------------------------------------------
# Types decided from all the data
# --------------------------------------------------------------------------------------------


def typed_kind(values: list, kind: str) -> str:
    """The kind a column of ``values`` is stored as (a count holding a fraction is a number)."""
    if kind != INTEGER or not values:
        return kind
    return INTEGER if typed_array(values, Column("probe", INTEGER)).type == pa.int64() else NUMBER


def _with_year_kind(columns: list[Column], kind: str) -> list[Column]:
    if kind == INTEGER:
        return list(columns)
    return [_as_stored(c, "Float64") if c.name == "year" else c for c in columns]


def _as_stored(column: Column, dtype: str) -> Column:
    """The column spec as its data turned out (an integer column that met a fraction)."""
    if column.kind == INTEGER and dtype == "Float64":
        from output.columns import _asdict

        return Column(**{**_asdict(column), "kind": NUMBER})
    return column


class _AsIs(Interner):
    """Values of a scanned entry kept as they are (entries live on disk, not shared)."""

    def __call__(self, value: Any) -> Any:
        return value


_as_is = _AsIs()


def _agency_chunks(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    """Runs of about ``size`` entries that never split one agency's years."""
    group: list[Entry] = []
    for entry in entries:
        if len(group) >= size and entry.agency_id != group[-1].agency_id:
            yield group
            group = []
        group.append(entry)
    if group:
        yield group


def _spill(frame: pd.DataFrame, path: Path) -> None:
    data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    path.write_bytes(
        pa.compress(data, codec=_SPILL_CODEC, asbytes=True) + len(data).to_bytes(8, "little")
    )


def _read_parts(parts: list[Path]) -> Iterator[pd.DataFrame]:
    for path in parts:
        blob = path.read_bytes()
        size = int.from_bytes(blob[-8:], "little")
        yield pickle.loads(
            pa.decompress(blob[:-8], decompressed_size=size, codec=_SPILL_CODEC, asbytes=True)
        )


_MODULUS = 1 << 128


def _term(report_id: str, digest: bytes) -> int:
    """One record's share of the build's input key (summed, so order does not matter)."""
    data = hashlib.blake2b(report_id.encode() + b"\0" + digest, digest_size=16).digest()
    return int.from_bytes(data, "little")
