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

import contextlib
import dataclasses
import hashlib
import itertools
import json
import logging
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from output.across_years import Decision, apply_decisions, decide_across_years
from output.cells import COLUMNS as CELL_COLUMNS
from output.cells import HIDDEN as HIDDEN_CELL_COLUMNS
from output.cells import cells_spec
from output.cellspill import CellSpill
from output.codebook import codebook_dataset
from output.columns import INTEGER, NUMBER, Column, conform, typed_array
from output.corrections import CorrectionSet
from output.dataset import Dataset
from output.entries import (
    CodeTable,
    Entry,
    Interner,
    Payload,
    assign_agency_ids,
    first_seen,
    scan,
)
from output.inputs import ReportInput, as_input, document_sha256
from output.panel import PanelPlan, panel_chunk, panel_plan, panel_spec, table_code_columns
from output.prose import ProseField, load_crosswalk
from output.reports import COLUMNS as REPORT_COLUMNS
from output.reports import reports_chunks, reports_spec, sort_key
from output.scratch import Scratch
from output.stages import RecordStage, apply_stages, stages_key
from output.stages import cell_columns as stage_cell_columns
from output.versions import assign_versions

log = logging.getLogger(__name__)

DATASETS = ("reports", "cells", "panel", "codebook")
PANEL_CHUNK = 5_000  # panel rows per chunk (about 330 columns each)
_DEFAULT = object()
_SPILL_CODEC = "lz4"


class Build:
    """One build of the datasets from a sequence of records (see the module docstring).

    ``items`` is read several times, so it must be a sequence (a list of records, or of the
    handles :func:`output.store.load_records` yields). Call :meth:`index` first; then
    :meth:`streams` yields each dataset with its chunks, once.
    """

    def __init__(
        self,
        items: Sequence[Any],
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
        self.entries: list[Entry] = []
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

    # -- pass 1 ------------------------------------------------------------------------------

    def index(self) -> None:
        """Read every record once: entries, payloads, versions, and the build's input key."""
        self._stage("reading records")
        known = frozenset(c.name for c in table_code_columns())
        share = Interner()
        by_id: dict[str, Entry] = {}
        years: set = set()
        total = 0  # the records kept, as a sum of their digests: the same in any order
        every = hashlib.sha256()  # every record read, in order (see source_key)
        for position, (item, digest) in enumerate(load_items(self.items)):
            every.update(digest)
            item = apply_stages(self.stages, self._corrected(item))
            entry, payload = scan(item, position, self.codes, known, share)
            if self._cells is not None:
                self._cells.add(position, entry.report_id, entry.year, item)
            self._positions = position + 1
            other = by_id.get(entry.report_id)
            if other is not None:
                if not first_seen(entry, payload) < first_seen(other, self.payload(other)):
                    continue
                _old, old_digest = load_item(self.items[other.position])
                total -= _term(other.report_id, old_digest)
            entry.blob = self.scratch.put(tuple(payload))
            by_id[entry.report_id] = entry
            total += _term(entry.report_id, digest)
            if entry.year is not None:
                years.add(entry.year)
        self.entries = sorted(by_id.values(), key=lambda e: e.report_id)
        del by_id
        assign_agency_ids(self.entries)
        self._stage("deciding versions")
        assign_versions(self.entries, self.numbers)
        self._stage("deciding cells across years")
        self._decide_across_years(known, share)
        if self._cells is not None:
            self._cells.finish()
        self._year_kind = typed_kind(sorted(years, key=repr), INTEGER)
        self.key = self._key(total % _MODULUS)
        if _all_stored(self.items):
            self.source_key = _finish_key(
                every, self.crosswalk, self.fill_from_prose, self.corrections, self.stages
            )
        left_out = [e for e in self.entries if e.is_current and (e.year is None or not e.agency_id)]
        if left_out:
            self.notes.append(
                f"{len(left_out)} report(s) without a year or an agency are in reports and "
                "cells but not in panel"
            )

    def payload(self, entry: Entry) -> Payload:
        return Payload(*self.scratch.get(entry.blob))

    def numbers(self, entry: Entry) -> dict[str, Any]:
        return self.codes.numbers(self.payload(entry))

    def _key(self, records: int) -> str:
        """What the datasets are a function of: the records kept, the crosswalk, the code."""
        digest = hashlib.sha256()
        digest.update(records.to_bytes(16, "little"))
        digest.update(str(len(self.entries)).encode())
        return _finish_key(
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

    def _decide_across_years(self, known: frozenset[str], share: Interner) -> None:
        """Cells an agency's reports leave undecided and an identity between consecutive years
        decides (:mod:`output.across_years`); their entries and payloads are read again with
        the decisions, so every dataset shows them. Only the reports of agencies with an
        undecided cell are read, one agency at a time."""
        current = sorted(
            (e for e in self.entries if e.in_panel), key=lambda e: (e.agency_id, e.year)
        )
        chains = [
            group
            for _agency, run in itertools.groupby(current, key=lambda e: e.agency_id)
            if len(group := list(run)) > 1 and any(e.n_uncertain for e in group)
        ]
        if not chains:
            return
        self.decided = decide_across_years(self._reports_of(chain) for chain in chains)
        changed = [e for e in self.entries if e.report_id in self.decided]
        items = load_items(self.items, [e.position for e in changed], digest=False)
        for entry, (item, _) in zip(changed, items, strict=True):
            item = apply_stages(self.stages, self._corrected(item))
            again, payload = scan(item, entry.position, self.codes, known, share)
            entry.n_numbers, entry.n_uncertain = again.n_numbers, again.n_uncertain
            entry.n_warnings = again.n_warnings
            entry.blob = self.scratch.put(tuple(payload))
            if self._cells is not None:  # its decided cells replace those spilled at first
                self._respilled[entry.position] = self._positions
                self._cells.add(self._positions, entry.report_id, entry.year, item)
                self._positions += 1

    def _reports_of(self, entries: list[Entry]) -> list[tuple[str, Any]]:
        """(report id, report as the per-cell stage gives it) of each entry."""
        loaded = load_items(self.items, [e.position for e in entries], digest=False)
        return [
            (e.report_id, self._corrected(item).report)
            for e, (item, _) in zip(entries, loaded, strict=True)
        ]

    # -- the datasets ------------------------------------------------------------------------

    @property
    def rows(self) -> dict[str, int]:
        """Rows of each dataset (known once the records are indexed)."""
        return {
            "reports": len(self.entries),
            "cells": sum(e.n_cells for e in self.entries),
            "panel": sum(1 for e in self.entries if e.in_panel),
        }

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
        current = (e for e in self.entries if e.in_panel)
        extra: set[str] = set()
        seen_prose: set[str] = set()
        for entry in current:
            extra.update(entry.extra_codes)
            seen_prose.update(entry.prose_keys)
        return panel_plan(extra, seen_prose, self.crosswalk, fill_from_prose=self.fill_from_prose)

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
            order = sorted(self.entries, key=sort_key)
            yield reports, (conform(c, reports.columns) for c in reports_chunks(order, self))
        if "cells" in wanted:
            self._stage("writing cells")
            if self._cells is None:
                raise ValueError("this build was made without cells (Build(cells=False))")
            kept = np.zeros(self._positions, dtype=bool)
            kept[[self._respilled.get(e.position, e.position) for e in self.entries]] = True
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
        current = sorted(
            (e for e in self.entries if e.in_panel), key=lambda e: (e.agency_id, e.year)
        )
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
# Records
# --------------------------------------------------------------------------------------------


def load_item(raw: Any, *, digest: bool = True) -> tuple[ReportInput, bytes]:
    """A record as a plain :class:`ReportInput`, with a digest of everything it says.

    Handles from a records store are read from it (and digested from the stored row); other
    records are digested from their stored form (:func:`output.store.input_to_line`).
    """
    loader = getattr(raw, "load_with_digest", None)
    if loader is not None:
        return loader(digest=digest)
    item = as_input(raw)
    if not digest:
        return item, b""
    from output.store import input_to_line

    text = json.dumps(input_to_line(item), ensure_ascii=False, sort_keys=True, default=repr)
    return item, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def load_items(
    items: Sequence[Any], positions: Iterable[int] | None = None, *, digest: bool = True
) -> Iterator[tuple[ReportInput, bytes]]:
    """:func:`load_item` for ``items[p]`` of each position (all, in order, by default); records
    in a store are read a batch at a time."""

    batch: list[Any] = []
    wanted = range(len(items)) if positions is None else positions
    for position in wanted:
        batch.append(items[position])
        if len(batch) >= _LOAD_BATCH:
            yield from _load_batch(batch, digest)
            batch = []
    yield from _load_batch(batch, digest)


_LOAD_BATCH = 256


def _load_batch(batch: list[Any], digest: bool) -> Iterator[tuple[ReportInput, bytes]]:
    from output.store import StoredInput

    handles = [raw for raw in batch if isinstance(raw, StoredInput)]
    if len(handles) < 2:
        for raw in batch:
            yield load_item(raw, digest=digest)
        return
    stored = StoredInput.load_many(handles, digest=digest)
    for raw in batch:
        yield next(stored) if isinstance(raw, StoredInput) else load_item(raw, digest=digest)


def source_key(
    items: Sequence[Any],
    crosswalk: Mapping[str, ProseField] | None | object = _DEFAULT,
    fill_from_prose: bool = True,
    corrections: CorrectionSet | None = None,
    stages: Sequence[RecordStage] = (),
) -> str | None:
    """For records that all sit in stores (handles from :func:`output.store.load_records`): a
    key of every stored row, in order, read without decoding any record — what
    :attr:`Build.source_key` will be. An export whose files were made from the same key has
    nothing to do, and finds out in a fraction of the time a build takes. None otherwise."""
    from output.store import StoredInput

    if not _all_stored(items):
        return None
    every = hashlib.sha256()
    for start in range(0, len(items), _DIGEST_BATCH):
        for digest in StoredInput.digests(items[start : start + _DIGEST_BATCH]):
            every.update(digest)
    if crosswalk is _DEFAULT:
        crosswalk = load_crosswalk()
    return _finish_key(every, crosswalk, fill_from_prose, corrections, stages)


_DIGEST_BATCH = 4096


def _all_stored(items: Sequence[Any]) -> bool:
    from output.store import StoredInput

    return bool(items) and all(isinstance(item, StoredInput) for item in items)


def _finish_key(
    digest, crosswalk, fill_from_prose: bool, corrections=None, stages: Sequence[RecordStage] = ()
) -> str:
    """Add what shapes the rows besides the records: the prose crosswalk, the reviewers'
    corrections, the record stages and the code."""
    pairs = sorted((k, repr(v)) for k, v in (crosswalk or {}).items())
    digest.update(repr((pairs, crosswalk is None, fill_from_prose)).encode())
    if corrections:
        digest.update(corrections.digest().encode())
    if stages:
        digest.update(stages_key(stages).encode())
    digest.update(code_digest().encode())
    return digest.hexdigest()


def source_items(records: Iterable[Any]) -> Sequence[Any]:
    """Records as a sequence the build can read several times (a one-shot iterator is listed;
    the handles of a records store are small, so even a million of them is a modest list)."""
    if isinstance(records, Sequence) and not isinstance(records, str | bytes):
        return records
    return list(records)


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of the code that shapes the datasets (this package and the schema's labels)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        here = Path(__file__).parent
        files = sorted(here.rglob("*.py"))
        import parsers.schema

        files.append(Path(parsers.schema.__file__))
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        _CODE_DIGEST = digest.hexdigest()
    return _CODE_DIGEST


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


def _agency_chunks(entries: list[Entry], size: int) -> Iterator[list[Entry]]:
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
