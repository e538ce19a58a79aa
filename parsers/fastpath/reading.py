"""One pipe-text document's tables as its shape's plan reads them: its checks now, the
record's cells when they are first asked for.

A report of a planned shape (:mod:`parsers.fastpath.tables`) is checked while it is parsed —
on its values where they lie in its token stream (:mod:`parsers.fastpath.checking`) — but its
cells (:class:`~parsers.model.CellValue`, each with its text line and its row's
:class:`~parsers.model.RowOrigin`) are needed only when something reads the record's tables.
About two hundred cells per report cost more to make and to free than the rest of the fast
path's reading, and a parse whose record is only counted, or stored through its printed values
(the record store: :meth:`PlannedReading.values`, :meth:`~PlannedReading.detail`,
:meth:`~PlannedReading.origins`), never reads them: so :class:`PlannedReading` holds the plan
and the tokens, and makes the cells on demand (:meth:`PlannedReading.tables`, left with the
record by :func:`parsers.model.defer_tables`). The cells made are the same objects, slot for
slot, as those made at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from parsers.cells.base import Cell
from parsers.checks import run_checks
from parsers.fastpath.checking import planned_checks
from parsers.fastpath.origins import planned_origins
from parsers.fastpath.plan import Plan
from parsers.fastpath.stream import LABEL
from parsers.model import BLANK, CellValue, Check, Number, RowOrigin, Tables
from parsers.values import Printed

PrintedTables = dict[str, dict[str, dict[str, Printed]]]
"""``tables[section][row][column]``: what each cell printed (its value, status, raw text and
unit, as :class:`~parsers.model.CellValue` holds them)."""


UNFILLED = Printed(None, BLANK, "")
"""What each cell of a row printed with no values holds."""


class PlannedReading:
    """The tables of one document of a planned shape: its template and votes, its checks, each
    cell's printed value (:attr:`printed`), and the record's cells made when asked."""

    __slots__ = ("template", "votes", "_plan", "_tokens", "_lines", "_printed")
    warnings: tuple[str, ...] = ()  # (a planned shape reads without a warning)

    def __init__(self, plan: Plan, tokens: Sequence[tuple], lines: Sequence[int] | None) -> None:
        self.template = plan.template
        self.votes = plan.votes
        self._plan = plan
        self._tokens = tokens
        self._lines = lines
        self._printed: PrintedTables | None = None

    @property
    def printed(self) -> PrintedTables:
        """What each cell printed, table by table (made once, when first asked)."""
        printed = self._printed
        if printed is None:
            printed = self._printed = {}
            tokens = self._tokens
            for section, rows in self._plan.rows:
                table: dict[str, dict[str, Printed]] = {}
                printed[section] = table
                for code, columns, pairs, _label in rows:
                    if pairs:
                        table[code] = {col: tokens[i][3] for col, i in pairs}
                    else:  # an unfilled row
                        table[code] = dict.fromkeys(columns, UNFILLED)
        return printed

    def checks(self) -> list[Check]:
        """The form's rules checked on the printed values (:func:`parsers.checks.run_checks`),
        taken from the stream where the plan allows (:mod:`parsers.fastpath.checking`)."""
        found = planned_checks(self._plan, self._tokens)
        if found is None:
            return run_checks(cast(Tables, self.printed), self.template)
        return found

    def values(self) -> dict[str, dict[str, dict[str, Number | None]]]:
        """Each cell's number (or None): the record's ``tables`` in its contract form
        (:meth:`parsers.model.Report.tables_dict`)."""
        return {
            section: {
                row: {column: p.value for column, p in columns.items()}
                for row, columns in rows.items()
            }
            for section, rows in self.printed.items()
        }

    def detail(self) -> dict[str, dict[str, dict[str, list]]]:
        """Each cell's printed text, status and unit, as the record store keeps them beside
        the contract (:func:`output.store.encode_report`'s ``_cells``)."""
        return {
            section: {
                row: {column: [p.raw, p.status, p.unit] for column, p in columns.items()}
                for row, columns in rows.items()
            }
            for section, rows in self.printed.items()
        }

    def origins(self) -> str | None:
        """The record's stored provenance (:func:`parsers.provenance.encode`), written from
        the plan (:mod:`parsers.fastpath.origins`)."""
        return planned_origins(self._plan, self._tokens, self._lines)

    def readings(self) -> dict[str, dict[str, list]]:
        """The open readings of undecided cells: none (a planned shape decides every cell)."""
        return {}

    def tables(self, provenance: bool = True) -> Tables:
        """The record's cells, each with its text line (``CellValue.source``, an int: no
        object per value) and its row's origin (label cells kept as token indexes); without
        either when ``provenance`` is false (a record whose provenance is stored already).

        Calling :class:`CellValue` (a dataclass whose ``__init__`` does nothing but fill its
        slots) costs more than the rest of the cells' making: each cell is made empty and its
        slots filled here, which gives the same object at about two thirds of the cost, and so
        is each row's :class:`RowOrigin` (``tests/test_fastpath_stream.py`` checks every slot
        of both is filled)."""
        tokens, lines = self._tokens, self._lines if provenance else None
        where = StreamCells(tokens, lines)
        one_row = None if lines is None else RowOrigin((), "order")  # table 四 as one row
        line_of: Sequence[int | None]
        if lines is None:
            line_of = [None] * len(tokens)
        else:  # (a list: indexing a range makes an int each time)
            line_of = list(lines) if type(lines) is range else lines
        new, cell_value, row_origin = object.__new__, CellValue, RowOrigin
        tables: Tables = {}
        for section, rows in self._plan.rows:  # (one loop over every cell: no call per cell)
            table: dict[str, dict[str, CellValue]] = {}
            tables[section] = table
            for code, columns, pairs, label in rows:
                if label is None or lines is None:
                    origin = one_row
                else:  # (a RowOrigin made as the cells are: its slots filled in place)
                    origin = new(row_origin)
                    origin.label = label
                    origin.how = "order"
                    origin.headers = None
                    origin.values = ()
                    origin.stream = where
                if not pairs:  # an unfilled row
                    table[code] = {
                        col: CellValue(None, "", BLANK, None, None, None, origin) for col in columns
                    }
                    continue
                table[code] = cells = {}
                for col, i in pairs:
                    p = tokens[i][3]
                    cells[col] = cell = new(cell_value)
                    cell.value = p.value
                    cell.raw = p.raw
                    cell.status = p.status
                    cell.unit = p.unit
                    cell.readings = None
                    cell.source = line_of[i]
                    cell.origin = origin
        return tables


class StreamCells:
    """The text lines of a stream's tokens: the provenance the general reader keeps, made
    into cells only when asked (:attr:`parsers.model.RowOrigin.stream`)."""

    __slots__ = ("tokens", "lines")

    def __init__(self, tokens: Sequence[tuple], lines: Sequence[int] | None) -> None:
        self.tokens = tokens
        self.lines = lines

    def cells(self, indexes: Sequence[int]) -> list[Cell]:
        lines = cast(Sequence[int], self.lines)
        return [Cell(self.tokens[i][1], line=lines[i]) for i in indexes]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # A record crossing a process boundary takes the texts and lines, not the tokens.
        return (StreamCells, ([(LABEL, t[1]) for t in self.tokens], self.lines))
