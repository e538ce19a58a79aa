"""Pipe text read from table 三 on (:mod:`parsers.tables.stream_located`): the record's tables
as what each cell printed, its cells made when first asked for.

Settling decides each cell of tables 三 and 四 (:mod:`parsers.tables.stream_settle`); what it
decides is kept here as the cell's printed value (:class:`~parsers.values.Printed`, the
token's own, or one constant for a blank, an undecided and a missing cell), with its source's
text line, its row's origin (token indexes) and the row's open readings kept beside, a row at
a time. The checks read the printed values (:func:`parsers.checks.run_checks` asks a cell for
its value and status only) and the record store reads the values, the printed detail, the
readings and the provenance (:meth:`StreamReading.origins`, written as
:func:`parsers.provenance.encode` writes it from the cells) without a cell being made: the
cells (:class:`~parsers.model.CellValue`, each row's :class:`~parsers.model.RowOrigin`) are
made by :meth:`StreamReading.tables` when the record's tables are read, the same cells, slot
for slot, as made at once (the tests compare the two), as a planned pipe text's are
(:class:`parsers.fastpath.reading.PlannedReading`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from parsers.cells.base import Cell
from parsers.checks import run_checks
from parsers.fastpath.reading import StreamCells
from parsers.model import BLANK, MISSING, UNCERTAIN, CellValue, Check, RowOrigin, RowReadings
from parsers.provenance import Origins, row_entry
from parsers.values import Printed

BLANK_CELL = Printed(None, BLANK, "")
"""What a blank cell printed (no value in its column: ``CellValue(None, "", BLANK)``)."""
UNDECIDED = Printed(None, UNCERTAIN, None)  # type: ignore[arg-type]
"""A cell settling left undecided (``CellValue(None, None, UNCERTAIN)``)."""
NOT_FOUND = Printed(None, MISSING, None)  # type: ignore[arg-type]
"""A cell of a row not found in the document (``CellValue(None, None, MISSING)``)."""

Origin = tuple[Sequence[int], str, Sequence[int]]
"""A row's origin: its label's token indexes, how its values were placed, its values'."""


class SectionCells:
    """One table's settled cells as printed (``printed[row][column]``), and beside them, by
    row: each decided cell's source text line, the row's origin and its open readings."""

    __slots__ = ("printed", "lines", "origins", "readings")

    def __init__(self, printed: dict[str, dict[str, Printed]]) -> None:
        self.printed = printed
        self.lines: dict[str, dict[str, int]] = {}
        self.origins: dict[str, Origin] = {}
        self.readings: dict[str, RowReadings] = {}


class StreamReading:
    """The tables of one pipe text read from table 三 on: its template and warnings, its
    checks, the record store's views, and the record's cells made when asked (see the module
    docstring). Table 二, read in order by the fast path's plan, comes as made cells."""

    __slots__ = ("template", "warnings", "_proactive", "_sections", "_where", "_made")

    def __init__(
        self,
        template: str,
        warnings: list[str],
        proactive: tuple[str, dict[str, dict[str, CellValue]]],
        sections: dict[str, SectionCells],
        where: StreamCells,
    ) -> None:
        self.template = template
        self.warnings = warnings
        self._proactive = proactive
        self._sections = sections
        self._where = where
        self._made = False

    def _printed(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every table as what each cell printed (table 二's cells themselves: the checks and
        the store read the same of them)."""
        section, table = self._proactive
        out: dict[str, dict[str, dict[str, Any]]] = {section: table}
        for name, cells in self._sections.items():
            out[name] = cells.printed
        return out

    def checks(self) -> list[Check]:
        """The form's rules checked on the printed values (:func:`parsers.checks.run_checks`)."""
        return run_checks(self._printed(), self.template)

    def values(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Each cell's number (or None): :meth:`parsers.model.Report.tables_dict`."""
        return {
            section: {
                row: {column: p.value for column, p in columns.items()}
                for row, columns in rows.items()
            }
            for section, rows in self._printed().items()
        }

    def detail(self) -> dict[str, dict[str, dict[str, list]]]:
        """Each cell's printed text, status and unit (the record store's ``_cells``)."""
        return {
            section: {
                row: {column: [p.raw, p.status, p.unit] for column, p in columns.items()}
                for row, columns in rows.items()
            }
            for section, rows in self._printed().items()
        }

    def readings(self) -> dict[str, dict[str, list]]:
        """``{section: {row: [columns, readings]}}`` of the rows whose undecided cells keep
        their open readings, as the record store writes them (``_readings``)."""
        out: dict[str, dict[str, list]] = {}
        for section, cells in self._sections.items():
            for row, found in cells.readings.items():
                out.setdefault(section, {})[row] = [
                    list(found.columns),
                    [list(v) for v in found.vectors],
                ]
        return out

    def tables(self, provenance: bool = True) -> dict[str, dict[str, dict[str, CellValue]]]:
        """The record's cells (see the module docstring); without their sources and origins
        when ``provenance`` is false."""
        section, proactive = self._proactive
        if not provenance or self._made:  # (the cells were handed out once: copies)
            proactive = {
                row: {
                    col: CellValue(
                        c.value,
                        c.raw,
                        c.status,
                        c.unit,
                        None,
                        c.source if provenance else None,
                        c.origin if provenance else None,
                    )
                    for col, c in columns.items()
                }
                for row, columns in proactive.items()
            }
        self._made = self._made or provenance
        out = {section: proactive}
        where = self._where
        new, cell_value = object.__new__, CellValue
        for name, cells in self._sections.items():
            table: dict[str, dict[str, CellValue]] = {}
            out[name] = table
            made: dict[int, RowOrigin] = {}  # (rows of one origin share it: table 四's groups)
            for row, columns in cells.printed.items():
                origin = None
                spec = cells.origins.get(row) if provenance else None
                if spec is not None:
                    origin = made.get(id(spec))
                    if origin is None:
                        label, how, values = spec
                        origin = made[id(spec)] = RowOrigin(
                            label, how, None, ValueCells(where, values), where
                        )
                lines = cells.lines.get(row, {}) if provenance else {}
                readings = cells.readings.get(row)
                table[row] = made_row = {}
                for col, p in columns.items():
                    cell = made_row[col] = new(cell_value)
                    cell.value, cell.raw, cell.status, cell.unit = p.value, p.raw, p.status, p.unit
                    cell.readings = readings if p is UNDECIDED else None
                    cell.source = lines.get(col)
                    cell.origin = origin
        return out

    def origins(self) -> str | None:
        """The tables' provenance as :func:`parsers.provenance.encode` writes it from the
        cells, written from what settling kept (no cell made but table 二's)."""
        found = Origins()
        section, proactive = self._proactive
        found.add_tables({section: proactive})
        where = self._where
        for name, kept in self._sections.items():
            for row, columns in kept.printed.items():
                lines = kept.lines.get(row)
                if lines:
                    found.cells.setdefault(name, {})[row] = [
                        None if (line := lines.get(col)) is None else [None, None, None, line]
                        for col in columns
                    ]
                spec = kept.origins.get(row)
                if spec is None:
                    continue
                label, how, values = spec
                origin = RowOrigin(label, how, None, ValueCells(where, values), where)
                undecided = any(p is UNDECIDED for p in columns.values())
                found.rows.setdefault(name, {})[row] = row_entry(origin, None, undecided)
        return found.packed()


class ValueCells(Sequence[Cell]):
    """A row's value cells as printed (:attr:`parsers.model.RowOrigin.values`), made from the
    stream only when asked (for a row with an undecided cell, when its record is stored)."""

    __slots__ = ("where", "indexes")

    def __init__(self, where: Any, indexes: Sequence[int]) -> None:
        self.where = where
        self.indexes = indexes

    def __len__(self) -> int:
        return len(self.indexes)

    def __getitem__(self, index: Any) -> Any:  # an int gives a cell, a slice a list
        if isinstance(index, slice):
            return self.where.cells(self.indexes[index])
        return self.where.cells([self.indexes[index]])[0]

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.where.cells(self.indexes))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (tuple, (list(self),))
