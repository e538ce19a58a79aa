"""Record stages: the one place where the export changes what a record says before rows are made.

Corrections applied at export (a cell's value replaced, with the old value and a note kept) and
decisions taken across years are not parsing: they are data the export applies. Each is a
:class:`RecordStage`, passed to :func:`output.export.export` (``stages=[...]``) or
:func:`output.frames.build_datasets`. The build calls :meth:`RecordStage.apply` on every record
each time it reads it (the index pass and the cells pass read a record twice: ``apply`` must be
a pure function of the record and the stage's own data), before any row is made from it — so
``reports`` (counts, checks), ``cells`` and ``panel`` all see the same values, and a changed
cell's ``status`` (``corrected``, ``decided_across_years`` …) reaches the cells dataset.

A stage may add columns to ``cells`` (:attr:`RecordStage.cell_columns`, after the standard
ones, described in the codebook from their :class:`~output.columns.Column`), filled per cell by
:meth:`RecordStage.cell_values`. Its :meth:`RecordStage.fingerprint` (a digest of what it reads,
e.g. the corrections file) is part of the export's key, so changing a correction rewrites the
datasets and an unchanged one lets the manifest skip them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from output.columns import Column
from output.inputs import ReportInput
from parsers.model import CellValue


class RecordStage:
    """Base class: a stage that changes nothing. Override what the stage needs."""

    name = "stage"
    cell_columns: tuple[Column, ...] = ()

    def fingerprint(self) -> str:
        """What the stage's output depends on besides the record (a digest of its data)."""
        return ""

    def apply(self, item: ReportInput) -> ReportInput:
        """The record as the datasets should see it (return it unchanged, or a changed copy)."""
        return item

    def cell_values(
        self, item: ReportInput, section: str, row: str, column: str, cell: CellValue
    ) -> tuple[Any, ...]:
        """Values of :attr:`cell_columns` for one cell of ``item`` (after :meth:`apply`)."""
        return (None,) * len(self.cell_columns)


def apply_stages(stages: Sequence[RecordStage], item: ReportInput) -> ReportInput:
    for stage in stages:
        item = stage.apply(item)
    return item


def stages_key(stages: Sequence[RecordStage]) -> str:
    """The stages' part of the export key: their names, columns and fingerprints, in order."""
    return repr([(s.name, [c.name for c in s.cell_columns], s.fingerprint()) for s in stages])


def cell_columns(stages: Sequence[RecordStage]) -> list[Column]:
    """The cells columns the stages add, in order (a name already taken is an error)."""
    from output.cells import COLUMNS

    columns = [column for stage in stages for column in stage.cell_columns]
    names = [c.name for c in COLUMNS] + [c.name for c in columns]
    clash = sorted({name for name in names if names.count(name) > 1})
    if clash:
        raise ValueError(f"record stages add cells columns that exist already: {clash}")
    return columns
