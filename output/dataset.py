"""A dataset: a frame plus the column specs, keys and indexes the writers need."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from output.columns import Column, effective_columns


@dataclass
class Dataset:
    """One table of the export (``reports``, ``cells``, ``panel`` or ``codebook``)."""

    name: str
    frame: pd.DataFrame
    columns: list[Column]
    key: tuple[str, ...] = ()  # primary key (unique, sorted on)
    indexes: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other dataset, other column)
    search: tuple[str, ...] = ()  # text columns behind a full-text index
    partition: str | None = None  # column a writer may split files by (``year``)
    description: str = ""

    def __post_init__(self) -> None:
        self.columns = effective_columns(self.frame, self.columns)

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


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
