"""Records → the four datasets (``reports``, ``cells``, ``panel``, ``codebook``), as frames.

:func:`build_datasets` is what a notebook calls to get pandas frames without writing files;
:func:`output.export.export` calls it and hands the result to the writers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from output.cells import cells_dataset
from output.codebook import codebook_dataset
from output.dataset import Datasets
from output.entries import make_entries
from output.panel import panel_dataset
from output.prose import ProseField, load_crosswalk
from output.reports import reports_dataset
from output.versions import assign_versions

log = logging.getLogger(__name__)

DATASETS = ("reports", "cells", "panel", "codebook")

_DEFAULT = object()


def build_datasets(
    records: Iterable[Any],
    *,
    crosswalk: Mapping[str, ProseField] | None | object = _DEFAULT,
    fill_from_prose: bool = True,
) -> Datasets:
    """Build every dataset from records (Report, ReportInput, contract dicts or pairs).

    ``crosswalk`` defaults to the prose reader's (``parsers.prose.CROSSWALK``) when that module
    exists; pass ``None`` to ignore it, or a mapping of :class:`~output.prose.ProseField`.
    """
    entries = make_entries(records)
    assign_versions(entries)
    if crosswalk is _DEFAULT:
        crosswalk = load_crosswalk()
    datasets = Datasets()
    datasets.tables["reports"] = reports_dataset(entries)
    datasets.tables["cells"] = cells_dataset(entries)
    datasets.tables["panel"] = panel_dataset(entries, crosswalk, fill_from_prose=fill_from_prose)
    datasets.tables["codebook"] = codebook_dataset(list(datasets))
    left_out = [e for e in entries if e.is_current and (e.year is None or not e.agency_id)]
    if left_out:
        datasets.notes.append(
            f"{len(left_out)} report(s) without a year or an agency are in reports and cells "
            "but not in panel"
        )
    for note in datasets.notes:
        log.info(note)
    return datasets
