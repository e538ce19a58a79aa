"""Records → the four datasets (``reports``, ``cells``, ``panel``, ``codebook``), as frames.

:func:`build_datasets` is what a notebook calls to get pandas frames without writing files. It
runs the same streamed build as :func:`output.export.export` (:mod:`output.build`) and gathers
the chunks into whole frames — so it holds every cell in memory; ask only for the datasets you
need (``datasets=["panel"]`` holds one row per agency-year), or export to files instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from output.build import DATASETS, Build, source_items
from output.dataset import Dataset, Datasets
from output.prose import ProseField
from output.scratch import Scratch
from output.stages import RecordStage

log = logging.getLogger(__name__)

_DEFAULT = object()

__all__ = ["DATASETS", "FrameCollector", "build_datasets"]


def build_datasets(
    records: Iterable[Any],
    *,
    crosswalk: Mapping[str, ProseField] | None | object = _DEFAULT,
    fill_from_prose: bool = True,
    datasets: Iterable[str] | None = None,
    stages: Sequence[RecordStage] = (),
) -> Datasets:
    """Build the datasets from records (Report, ReportInput, contract dicts or pairs).

    ``crosswalk`` defaults to the prose reader's (``parsers.prose.CROSSWALK``) when that module
    exists; pass ``None`` to ignore it, or a mapping of :class:`~output.prose.ProseField`.
    ``datasets`` limits the frames built (all four by default).
    """
    options: dict[str, Any] = {"fill_from_prose": fill_from_prose, "stages": stages}
    if crosswalk is not _DEFAULT:
        options["crosswalk"] = crosswalk
    wanted = list(datasets) if datasets else list(DATASETS)
    unknown = set(wanted) - set(DATASETS)
    if unknown:
        raise KeyError(f"unknown datasets: {', '.join(sorted(unknown))}")
    collector = FrameCollector()
    with Scratch() as scratch:
        build = Build(source_items(records), scratch, cells="cells" in wanted, **options)
        build.index()
        for spec, chunks in build.streams(wanted):
            collector.begin(spec)
            for chunk in chunks:
                collector.write(chunk)
            collector.end()
    result = collector.datasets
    result.notes = list(build.notes)
    for note in result.notes:
        log.info(note)
    return result


class FrameCollector:
    """Gathers streamed chunks back into whole frames (the in-memory datasets)."""

    def __init__(self) -> None:
        self.datasets = Datasets()
        self._spec: Dataset | None = None
        self._chunks: list[pd.DataFrame] = []

    def begin(self, spec: Dataset) -> None:
        self._spec, self._chunks = spec, []

    def write(self, chunk: pd.DataFrame | pa.Table) -> None:
        if not isinstance(chunk, pd.DataFrame):  # an Arrow chunk
            from output.writers.arrow import to_frame

            assert self._spec is not None  # set by begin()
            chunk = to_frame(chunk, list(self._spec.columns))
        self._chunks.append(chunk)

    def end(self) -> None:
        spec = self._spec
        assert spec is not None  # set by begin()
        chunks = self._chunks
        if len(chunks) == 1:
            frame = chunks[0].reset_index(drop=True)
        else:
            frame = pd.concat(chunks, ignore_index=True)
        if spec.hidden:  # carried for partitioned files only
            frame = frame.drop(columns=[c for c in spec.hidden if c in frame.columns])
        self.datasets.tables[spec.name] = Dataset(
            spec.name,
            frame,
            list(spec.columns),
            key=spec.key,
            indexes=spec.indexes,
            foreign_keys=spec.foreign_keys,
            search=spec.search,
            partition=spec.partition,
            description=spec.description,
            fingerprint=spec.fingerprint,
        )
        self._spec, self._chunks = None, []
