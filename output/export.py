"""`export()`: records (or a harvested data folder) → dataset files, rewriting only what changed.

    from output import export
    result = export("data", "data/datasets", formats=("csv", "parquet"))
    result.changed      # files whose content changed (and were replaced atomically)
    result.unchanged    # files left untouched

Outputs in ``out_dir``: ``reports|cells|panel|codebook.csv`` (UTF-8 with BOM),
``….parquet`` (or ``<dataset>/year=YYYY/part-0.parquet`` with ``partition_by_year``),
``datasets.xlsx`` (one sheet per dataset) and ``datasets.sqlite``.
"""

from __future__ import annotations

import inspect
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.dataset import Datasets
from output.frames import build_datasets
from output.manifest import Manifest, input_key
from output.store import load_records
from output.writers import FORMATS, NOTES, WRITERS
from output.writers.atomic import FileResult, Staging, cleanup_temps, replace_if_changed

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
        raise ValueError(
            f"unknown format(s): {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}"
        )
    return chosen


def export(
    records_or_source: Iterable[Any] | str | os.PathLike | Datasets,
    out_dir: str | os.PathLike,
    formats: str | Iterable[str] | None = DEFAULT_FORMATS,
    *,
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
    ``datasets`` limits the tables written (e.g. ``["panel", "codebook"]``); ``on_stage`` is
    called with a short text as each stage starts (for a progress display). Extra
    ``options`` go to the dataset builder (``crosswalk``, ``fill_from_prose``) and to the
    writers (``xlsx_max_rows``).

    Every file is staged in a temporary file and the whole set is committed at the end; files
    whose bytes did not change are left untouched.
    """
    chosen = parse_formats(formats)
    out = Path(out_dir)
    build_options = {k: options.pop(k) for k in ("crosswalk", "fill_from_prose") if k in options}
    if isinstance(records_or_source, Datasets):
        built = records_or_source
    else:
        if isinstance(records_or_source, str | os.PathLike):
            records_or_source = load_records(records_or_source)
        _stage(on_stage, "building datasets")
        built = build_datasets(records_or_source, **build_options)
    selected = built.select(list(datasets) if datasets else None)
    out.mkdir(parents=True, exist_ok=True)
    cleanup_temps(out)
    manifest = Manifest(out)
    writer_options = {"partition_by_year": partition_by_year, **options}
    kept: list[FileResult] = []
    keys: dict[str, str] = {}
    with Staging() as staging:
        for name in chosen:
            writer = WRITERS[name]
            relevant = _accepted(writer, writer_options)
            keys[name] = input_key(name, selected, relevant, inspect.getfile(writer))
            intact = manifest.intact(name, keys[name])
            if intact is not None:  # same inputs, files untouched: nothing to write
                kept += [FileResult(path, False, name) for path in intact]
                continue
            manifest.forget(name)
            _stage(on_stage, f"writing {name}")
            writer(selected, out, staging, **relevant)
        files = staging.commit()
    for name in chosen:
        produced = [f.path for f in files if f.format == name and not f.removed]
        if produced:
            manifest.record(name, keys[name], produced)
    _save_manifest(manifest)
    files += kept
    notes = list(selected.notes)
    for name in chosen:
        notes += NOTES.get(name, lambda *_a, **_k: [])(
            selected, **_accepted(WRITERS[name], writer_options)
        )
    result = ExportResult(
        out_dir=out,
        files=files,
        rows={d.name: len(d) for d in selected},
        notes=notes,
        datasets=built if keep_datasets else None,
    )
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
