"""A dataset: its rows (a frame, or chunks streamed by a build) plus what the writers need.

Writers never need a whole dataset at once: they take it chunk by chunk (:meth:`Dataset.chunks`
for one held in memory; :mod:`output.build` streams the others), so an export of a million
reports holds one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from output.columns import Column, effective_columns

CHUNK_ROWS = 50_000  # rows per chunk when a dataset held in memory is written


@dataclass
class Dataset:
    """One table of the export (``reports``, ``cells``, ``panel`` or ``codebook``).

    ``frame`` holds the rows when the dataset is in memory; a streamed dataset has none, and
    ``n_rows`` and ``fingerprint`` (a digest of what its rows are made from) instead.
    """

    name: str
    frame: pd.DataFrame | None
    columns: list[Column]
    key: tuple[str, ...] = ()  # primary key (unique, sorted on)
    indexes: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other dataset, other column)
    search: tuple[str, ...] = ()  # text columns behind a full-text index
    partition: str | None = None  # column a writer may split files by (``year``)
    description: str = ""
    n_rows: int = 0
    fingerprint: str = ""
    hidden: tuple[str, ...] = ()  # columns streamed chunks carry only to be partitioned by

    def __post_init__(self) -> None:
        if self.frame is not None:
            self.columns = effective_columns(self.frame, self.columns)
            self.n_rows = len(self.frame)

    def __len__(self) -> int:
        return len(self.frame) if self.frame is not None else self.n_rows

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def chunks(self, rows: int | None = None) -> Iterator[pd.DataFrame]:
        """The rows of a dataset held in memory, ``rows`` at a time (at least one chunk)."""
        if self.frame is None:
            raise ValueError(f"{self.name} is streamed by its build: it has no frame to slice")
        frame, rows = self.frame, rows or CHUNK_ROWS
        if len(frame) <= rows:
            yield frame
            return
        for start in range(0, len(frame), rows):
            yield frame.iloc[start : start + rows]

    def spec(self) -> Dataset:
        """The same dataset without its rows (what a writer is told before the chunks come)."""
        return Dataset(
            self.name,
            None,
            list(self.columns),
            self.key,
            self.indexes,
            self.foreign_keys,
            self.search,
            self.partition,
            self.description,
            len(self),
            self.fingerprint,
            self.hidden,
        )


@dataclass
class Datasets:
    """All tables of one export, in writing order, with notes about what was left out."""

    tables: dict[str, Dataset] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Dataset:
        return self.tables[name]

    def __iter__(self) -> Iterator[Dataset]:
        return iter(self.tables.values())

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    @property
    def names(self) -> list[str]:
        return list(self.tables)

    def select(self, names: list[str] | tuple[str, ...] | None) -> Datasets:
        if not names:
            return self
        unknown = set(names) - set(self.tables)
        if unknown:
            raise KeyError(f"unknown datasets: {', '.join(sorted(unknown))}")
        return Datasets({n: t for n, t in self.tables.items() if n in names}, list(self.notes))
