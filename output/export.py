"""`export()`: records (or a harvested data folder) → dataset files, rewriting only what changed.

    from output import export
    result = export("data", "data/datasets", formats=("csv", "parquet"))
    result.changed      # files whose content changed (and were replaced atomically)
    result.unchanged    # files left untouched

Outputs in ``out_dir``: ``reports|cells|panel|codebook.csv`` (UTF-8 with BOM),
``….parquet`` (or ``<dataset>/year=YYYY/province=…/part-0.parquet`` with
``partition_by="year,province"``), ``datasets.xlsx`` (one sheet per dataset) and
``datasets.sqlite``.

Memory stays bounded at any size: the datasets are built by :class:`output.build.Build` (each
record read once, its cells spilled to Parquet and read back in order, sorted out of core by
DuckDB when needed) and streamed chunk by chunk to every chosen format at once, each format on
a thread of its own (each writer is a sink: :mod:`output.writers.base`,
:mod:`output.writers.threaded`), so an export of a million reports holds a few hundred bytes
per report, a few chunks of rows and one Parquet row group — not the two hundred million
cells. Pass
``keep_datasets=False`` (the harvest and ``ogi export`` do) or the datasets are also gathered
into frames for the caller. Scratch files live in a temporary folder inside ``out_dir``.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ogi_errors import FormatError
from output.build import DATASETS, Build, StoredRecords, source_items, source_key
from output.collections_pause import fewer_collections
from output.corrections import CorrectionSet
from output.dataset import Dataset, Datasets
from output.frames import FrameCollector
from output.manifest import Manifest, dataset_fingerprint, input_key
from output.scratch import Scratch
from output.writers import FORMATS, NOTES, SINKS, WRITERS, Sink
from output.writers.arrow import as_table
from output.writers.atomic import FileResult, Staging, cleanup_temps, replace_if_changed
from output.writers.base import order
from output.writers.threaded import ThreadedSink

log = logging.getLogger(__name__)

DEFAULT_FORMATS = ("csv", "parquet", "xlsx", "sqlite")


@dataclass
class ExportResult:
    """What an export wrote: every file with whether it changed, rows per dataset, notes."""

    out_dir: Path
    files: list[FileResult] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    datasets: Datasets | None = None

    @property
    def changed(self) -> list[Path]:
        return [f.path for f in self.files if f.changed and not f.removed]

    @property
    def unchanged(self) -> list[Path]:
        return [f.path for f in self.files if not f.changed]

    @property
    def removed(self) -> list[Path]:
        return [f.path for f in self.files if f.removed]


def parse_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"csv,parquet"`` or ``["csv", "parquet"]`` → a validated tuple (order kept)."""
    if formats is None:
        return DEFAULT_FORMATS
    if isinstance(formats, str):
        formats = [f for f in formats.replace(" ", "").split(",") if f]
    chosen = tuple(dict.fromkeys(f.lower() for f in formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise FormatError(
            f"unknown format(s): {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}"
        )
    return chosen


PARTITION_KEYS = ("year", "province")


def parse_partition(keys: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"year,province"`` → ``("year", "province")``, validated (order kept: folder levels)."""
    if not keys:
        return ()
    if isinstance(keys, str):
        keys = [k for k in keys.replace(" ", "").split(",") if k]
    chosen = tuple(dict.fromkeys(k.lower() for k in keys))
    unknown = [k for k in chosen if k not in PARTITION_KEYS]
    if unknown:
        raise FormatError(
            f"cannot partition by {', '.join(unknown)}; choose from {', '.join(PARTITION_KEYS)}"
        )
    return chosen


def export(
    records_or_source: Iterable[Any] | str | os.PathLike | Datasets,
    out_dir: str | os.PathLike,
    formats: str | Iterable[str] | None = DEFAULT_FORMATS,
    *,
    partition_by: str | Iterable[str] | None = None,
    partition_by_year: bool = False,
    datasets: Iterable[str] | None = None,
    keep_datasets: bool = True,
    on_stage: Callable[[str], None] | None = None,
    **options: Any,
) -> ExportResult:
    """Build the datasets and write them in ``formats`` into ``out_dir``.

    ``records_or_source`` is a data folder or record file (read with
    :func:`output.store.load_records`), an iterable of records (``Report``, ``ReportInput``,
    contract dicts, ``(report, provenance)`` pairs), or already built :class:`Datasets`.
    ``partition_by`` (``"year,province"``, or a list) writes the Parquet files of ``reports``,
    ``cells`` and ``panel`` in the Hive layout, one folder level per key
    (``cells/year=2023/province=吉林省/part-0.parquet``); ``partition_by_year=True`` is
    ``partition_by="year"``. ``datasets`` limits the tables written (e.g.
    ``["panel", "codebook"]``); ``on_stage`` is
    called with a short text as each stage starts (for a progress display). Extra
    ``options`` go to the dataset builder (``crosswalk``, ``fill_from_prose``, ``corrections``:
    a :class:`~output.corrections.CorrectionSet` or a data folder whose ``corrections.csv`` to
    apply — read from the source folder by default; ``stages``: further record stages of
    :mod:`output.stages`, applied after the corrections) and to the writers
    (``xlsx_max_rows``). ``keep_datasets=False`` keeps memory bounded: the datasets
    are streamed to the files and not returned as frames (``ExportResult.datasets`` is None).

    Every file is staged in a temporary file and the whole set is committed at the end; files
    whose bytes did not change are left untouched, and a format whose files were made from
    the same records by the same code is not written at all (the export manifest).
    """
    chosen = parse_formats(formats)
    out = Path(out_dir)
    build_options: dict[str, Any] = {
        k: options.pop(k) for k in ("crosswalk", "fill_from_prose", "stages") if k in options
    }
    corrections = options.pop("corrections", None)
    names = _names(datasets)
    partition = parse_partition(partition_by) or (("year",) if partition_by_year else ())
    writer_options = {"partition_by": partition, **options}
    relevant = {name: _accepted(WRITERS[name], writer_options) for name in chosen}
    out.mkdir(parents=True, exist_ok=True)
    cleanup_temps(out)
    manifest = Manifest(out)
    if isinstance(records_or_source, Datasets):
        selected = records_or_source.select(names)
        digests = [[d.name, dataset_fingerprint(d)] for d in selected]
        keys = {fmt: _key(fmt, digests, relevant[fmt]) for fmt in chosen}
        with Staging() as staging:
            kept, sinks = _open_sinks(
                chosen, keys, manifest, out, staging, relevant, on_stage, {"names": selected.names}
            )
            if sinks:
                _stream(((d.spec(), d.chunks()) for d in _ordered(selected)), sinks, None)
            files = staging.commit()
        return _finish(out, chosen, keys, manifest, files, kept, relevant,
                       counts={d.name: len(d) for d in selected}, notes=list(selected.notes),
                       built=records_or_source if keep_datasets else None)  # fmt: skip

    if isinstance(records_or_source, str | os.PathLike):
        if corrections is None and Path(records_or_source).is_dir():
            corrections = records_or_source
        records_or_source = StoredRecords(Path(records_or_source))
    notes_first: list[str] = []
    if corrections is not None:
        build_options["corrections"] = _corrections(corrections, notes_first)
    items = source_items(records_or_source)
    wanted = names or list(DATASETS)
    if not keep_datasets and _manifest_knows(manifest, chosen):
        quick = source_key(items, **build_options)  # None unless every record is in a store
        if quick is not None:
            keys = {fmt: _key(fmt, _digests(wanted, quick), relevant[fmt]) for fmt in chosen}
            done = _unchanged(out, chosen, keys, manifest, relevant)
            if done is not None:
                return done
    with Scratch(out) as scratch, fewer_collections():
        build = Build(items, scratch, cells="cells" in wanted, on_stage=on_stage, **build_options)
        build.index()
        source = build.source_key or build.key
        keys = {fmt: _key(fmt, _digests(wanted, source), relevant[fmt]) for fmt in chosen}
        with Staging() as staging:
            extra = {"names": wanted, "scratch": scratch.folder}
            kept, sinks = _open_sinks(
                chosen, keys, manifest, out, staging, relevant, on_stage, extra
            )
            collector = FrameCollector() if keep_datasets else None
            if sinks or collector is not None:
                _stream(build.streams(wanted), sinks, collector)
            files = staging.commit()
        counts = build.counts(wanted)
    built = None
    if collector is not None:
        built = collector.datasets
        built.notes = list(build.notes)
    return _finish(out, chosen, keys, manifest, files, kept, relevant, counts=counts,
                   notes=notes_first + list(build.notes), built=built)  # fmt: skip


def _corrections(given: Any, notes: list[str]) -> CorrectionSet:
    """The corrections to apply: a :class:`CorrectionSet`, or a data folder to read them from
    (its stale ones are named in a note and left out)."""
    if isinstance(given, CorrectionSet):
        found = given
    else:
        from output.correct import load_corrections

        found = load_corrections(given)
    if found.stale:
        notes.append(
            f"{len(found.stale)} correction(s) not applied: their document changed since "
            "(stale; `ogi status` lists them)"
        )
    return found


def _digests(names: list[str], key: str) -> list[list[str]]:
    return [[name, key] for name in order(names)]


def _manifest_knows(manifest: Manifest, chosen: tuple[str, ...]) -> bool:
    """Every format has files and row counts on record (else a quick check cannot skip)."""
    return all(manifest.summary(fmt) is not None for fmt in chosen)


def _unchanged(
    out: Path,
    chosen: tuple[str, ...],
    keys: dict[str, str],
    manifest: Manifest,
    relevant: dict[str, dict[str, Any]],
) -> ExportResult | None:
    """The result of an export with nothing to do, or None when some format must be written."""
    kept: list[FileResult] = []
    for fmt in chosen:
        intact = manifest.intact(fmt, keys[fmt])
        if intact is None:
            return None
        kept += [FileResult(path, False, fmt) for path in intact]
    summary = manifest.summary(chosen[0])
    if summary is None:  # a manifest without the rows of its export: write it again
        return None
    rows, notes = summary
    notes += _format_notes(chosen, rows, relevant)
    log.info("export to %s: the records are as last time; %d file(s) unchanged", out, len(kept))
    return ExportResult(out_dir=out, files=kept, rows=rows, notes=notes, datasets=None)


def _format_notes(
    chosen: tuple[str, ...], counts: dict[str, int], relevant: dict[str, dict[str, Any]]
) -> list[str]:
    """What the chosen formats cannot hold (the xlsx row limit), from the row counts."""
    sized = Datasets({n: Dataset(n, None, [], n_rows=c) for n, c in counts.items()})
    notes: list[str] = []
    for name in chosen:
        notes += NOTES.get(name, lambda *_a, **_k: [])(sized, **relevant[name])
    return notes


def _names(datasets: Iterable[str] | None) -> list[str] | None:
    if not datasets:
        return None
    names = list(dict.fromkeys(datasets))
    unknown = set(names) - set(DATASETS)
    if unknown:
        raise KeyError(f"unknown datasets: {', '.join(sorted(unknown))}")
    return names


def _ordered(selected: Datasets) -> list[Dataset]:
    tables = {d.name: d for d in selected}
    return [tables[name] for name in order(tables)]


def _key(fmt: str, digests: list, options: dict[str, Any]) -> str:
    return input_key(fmt, digests, options, inspect.getfile(WRITERS[fmt]))


def _open_sinks(
    chosen: tuple[str, ...],
    keys: dict[str, str],
    manifest: Manifest,
    out: Path,
    staging: Staging,
    relevant: dict[str, dict[str, Any]],
    on_stage: Callable[[str], None] | None,
    extra: dict[str, Any],
) -> tuple[list[FileResult], list[Sink]]:
    """A sink for every format whose files are not intact (the others are kept as they are)."""
    kept: list[FileResult] = []
    sinks: list[Sink] = []
    for name in chosen:
        intact = manifest.intact(name, keys[name])
        if intact is not None:  # same inputs, files untouched: nothing to write
            kept += [FileResult(path, False, name) for path in intact]
            continue
        manifest.forget(name)
        _stage(on_stage, f"writing {name}")
        sinks.append(SINKS[name](out, staging, **relevant[name], **extra))
    return kept, sinks


def _stream(streams, sinks: list[Sink], collector: FrameCollector | None) -> None:
    """Every dataset's chunks to every sink (each dataset is produced once; each format is
    written on a thread of its own: :mod:`output.writers.threaded`)."""
    threaded = [ThreadedSink(sink) for sink in sinks]
    targets: list = [*threaded, *([collector] if collector is not None else [])]
    try:
        for spec, chunks in streams:
            for target in targets:
                target.begin(spec)
            takers = [t for t in targets if getattr(t, "wants_rows", _yes)(spec)]
            for chunk in chunks if takers else ():  # rows nobody writes are never produced
                table = as_table(chunk, spec)  # turned into Arrow once, for every format
                for target in takers:
                    target.write(table)
            for target in targets:
                target.end()
        for one in threaded:
            one.close()
    except BaseException:
        for one in threaded:
            with contextlib.suppress(Exception):
                one.abort()
        raise


def _yes(_dataset: Dataset) -> bool:
    return True


def _finish(
    out: Path,
    chosen: tuple[str, ...],
    keys: dict[str, str],
    manifest: Manifest,
    files: list[FileResult],
    kept: list[FileResult],
    relevant: dict[str, dict[str, Any]],
    *,
    counts: dict[str, int],
    notes: list[str],
    built: Datasets | None,
) -> ExportResult:
    for name in chosen:
        produced = [f.path for f in files if f.format == name and not f.removed]
        if produced:
            manifest.record(name, keys[name], produced, rows=counts, notes=notes)
    _save_manifest(manifest)
    files = files + kept
    notes = notes + _format_notes(chosen, counts, relevant)
    result = ExportResult(out_dir=out, files=files, rows=counts, notes=notes, datasets=built)
    log.info(
        "export to %s: %d file(s) changed, %d unchanged",
        out,
        len(result.changed),
        len(result.unchanged),
    )
    return result


def _stage(callback: Callable[[str], None] | None, text: str) -> None:
    log.debug("export: %s", text)
    if callback is not None:
        callback(text)


def _accepted(writer, options: dict[str, Any]) -> dict[str, Any]:
    """The options a writer takes (so an option of another format does not force a rewrite)."""
    names = {
        p.name for p in inspect.signature(writer).parameters.values() if p.kind == p.KEYWORD_ONLY
    }
    return {k: v for k, v in options.items() if k in names}


def _save_manifest(manifest: Manifest) -> None:
    fd, name = tempfile.mkstemp(prefix=".ogi-tmp-", suffix=".json", dir=manifest.folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(manifest.text())
    replace_if_changed(Path(name), manifest.path)
