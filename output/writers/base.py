"""What every writer is: a sink that takes datasets one at a time, chunk by chunk.

The export streams each dataset to all the chosen formats at once (its rows are produced
once), in the order ``reports``, ``cells``, ``panel``, ``codebook``::

    sink.begin(dataset)         # columns, keys, row count: known before the first row
    sink.write(chunk) …         # pandas frames with the dataset's final column types
    sink.end()
    … the next dataset …
    sink.close()                # finish the file(s); all of them are staged, not yet in place

A sink writes only temporaries registered with the :class:`~output.writers.atomic.Staging`;
the caller commits them together. Writers must be deterministic (no clocks, no dependence on
how the rows were cut into chunks) so that an unchanged export rewrites nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from output.columns import Column, typed_frame
from output.dataset import Dataset, Datasets
from output.writers.atomic import Staging

TABLE_ORDER = ("reports", "cells", "panel", "codebook")  # referenced tables first


class Sink:
    """Base class: remembers the current dataset; subclasses override what they need."""

    def __init__(self, out_dir: Path, staging: Staging, **_options) -> None:
        self.out_dir = Path(out_dir)
        self.staging = staging
        self.dataset: Dataset | None = None

    def begin(self, dataset: Dataset) -> None:
        self.dataset = dataset

    @property
    def current(self) -> Dataset:
        """The dataset between :meth:`begin` and :meth:`end` (asking outside them is a bug)."""
        assert self.dataset is not None, "no dataset begun"
        return self.dataset

    def wants_rows(self, dataset: Dataset) -> bool:
        """False when this format writes nothing of the dataset's rows (the export then skips
        producing them if no other format needs them)."""
        return True

    def write(self, chunk: pd.DataFrame) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def end(self) -> None:
        self.dataset = None

    def close(self) -> None:
        """Finish the files (after the last dataset)."""

    def abort(self) -> None:
        """Release open files after a failure (the staging deletes the temporaries)."""


def order(names) -> list[str]:
    """Dataset names in writing order (referenced tables first, then any other by name)."""
    return sorted(names, key=lambda n: (TABLE_ORDER.index(n) if n in TABLE_ORDER else 99, n))


def feed(sink: Sink, datasets: Datasets) -> None:
    """Write datasets held in memory through a sink (each dataset's frame in chunks)."""
    tables = {d.name: d for d in datasets}
    try:
        for name in order(tables):
            dataset = tables[name]
            sink.begin(dataset.spec())
            for chunk in dataset.chunks():
                sink.write(chunk)
            sink.end()
        sink.close()
    except BaseException:
        sink.abort()
        raise


def empty_frame(columns: list[Column]) -> pd.DataFrame:
    """No rows, the columns' types."""
    return typed_frame({}, columns)
