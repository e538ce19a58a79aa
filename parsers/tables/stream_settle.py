"""Settling the rows of pipe text read on its compact tokens: :func:`parsers.tables.settle.settle`
for rows whose values are plain numbers and whose sources are token indexes.

A row of pipe text read from table 三 on (:mod:`parsers.tables.stream_located`) is its label's
and its values' places in the document's token stream. Its candidate readings are the values
in order (as many as the columns) or left to arithmetic (fewer: every placement,
:class:`~parsers.solver.Placements`), the same as :func:`parsers.tables.placing.place_row`
gives for such a row; here they are read without the general reader's tokens, cells and
:class:`~parsers.tables.placing.Placed`, and the cells written straight from the solution:
each :class:`~parsers.model.CellValue` holds its value's text line as its source (an int, as
the fast path's cells do) and its row's :class:`~parsers.model.RowOrigin` the label's token
indexes with the stream that makes them cells when asked. The source cells the readings of a
row agree on are told apart by their token indexes, as the general reader tells its cells
apart by identity: the same decisions, cell for cell and warning for warning (the tests
compare the two readers).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from parsers import schema
from parsers.cells.base import Cell
from parsers.model import BLANK, NUMBER, UNCERTAIN, CellValue, RowOrigin, RowReadings
from parsers.placements import Placements
from parsers.solver import INCONSISTENT, TOO_MANY, Rule, solve
from parsers.tables.settle import (
    MAX_READINGS,
    _agreed,
    _first,
    _identities,
    _one_reading,
    _shared,
)
from parsers.tables.statements import Picked, _at
from parsers.values import Printed

PRINTED = 3  # (a compact token's printed value: parsers.fastpath.stream.PRINTED)
_TOTAL = [c.code for c in schema.APPLICATION_COLUMNS].index("total")  # (table 三's 总计)


class StreamRow:
    """One row of a table read on compact tokens: its candidate readings (as
    :class:`~parsers.tables.placing.Placed` holds them, the sources as token indexes), how
    they were found, and its label's and values' token indexes."""

    __slots__ = ("vectors", "prints", "sources", "note", "label", "values")

    def __init__(
        self, stream: Sequence[tuple], label: Sequence[int], values: Sequence[int], width: int
    ) -> None:
        self.label = label
        self.values = values
        count = len(values)
        printed: list[Printed] = [stream[i][PRINTED] for i in values]
        if count == width:  # every column printed: read in order
            self.prints: Any = [tuple(printed)]
            self.vectors: Any = [tuple([p.value for p in printed])]
            self.sources: Any = [tuple(values)]
            self.note = "order"
        elif count > width:
            self.prints = self.vectors = []
            self.sources = None
            self.note = f"{count} values for {width} columns"
        else:  # the columns of each value left to the table's arithmetic
            shape = Placements(printed, width)
            self.prints = shape
            self.vectors = shape.alike([p.value for p in printed])
            self.sources = shape.alike(values)
            self.note = "arithmetic"

    def narrow(self, facts: set, where: str, warnings: list[str]) -> None:
        """:func:`parsers.tables.statements.narrow` of the row by the total the report's text
        states for it (``facts``: the values stated)."""
        if len(facts) != 1 or len(self.vectors) < 2:
            return
        (value,) = facts
        vectors = self.vectors
        total = _TOTAL
        if isinstance(vectors, Placements):
            kept = vectors.holding({total: value})
        else:
            kept = [i for i, v in enumerate(vectors) if (v[total] or 0) == value]
        stated = f"total={value}"
        prints = self.prints
        first = prints.values if isinstance(prints, Placements) else prints[0]
        shown = ", ".join([q.raw for q in first if q is not None and q.value is not None])
        if not kept:
            warnings.append(
                f"{where}: the text states {stated}, which no reading of the printed values "
                f"({shown}) gives; not used"
            )
            return
        if len(kept) == len(vectors):
            return
        warnings.append(
            f"{where}: the printed values ({shown}) were placed using what the report states "
            f"in its text ({stated}), not by arithmetic"
        )
        self.vectors = _at(vectors, kept, lazy=False)
        self.prints = _at(prints, kept)
        self.sources = None if self.sources is None else _at(self.sources, kept)
        self.note = "stated in the text"

    def undone(self, note: str) -> None:
        """No reading kept (a row that does not add up in the only order it may be read in)."""
        self.prints = self.vectors = []
        self.sources = None
        self.note = note


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


def settle_rows(
    placed: dict[str, StreamRow],
    rules: Sequence[Rule],
    columns: Sequence[str],
    table: dict[str, dict[str, CellValue]],
    where: str,
    warnings: list[str],
    stream_where: Any,
    lines: Sequence[int],
) -> None:
    """:func:`parsers.tables.settle.settle` of rows that share ``columns``, read on compact
    tokens (see the module docstring); ``stream_where`` makes their cells when asked."""
    new, cell_value = object.__new__, CellValue
    origins = {
        code: RowOrigin(p.label, p.note, None, ValueCells(stream_where, p.values), stream_where)
        for code, p in placed.items()
    }
    sizes = {code: len(p.vectors) for code, p in placed.items()}
    options = {code: p.vectors for code, p in placed.items() if sizes[code]}

    def write(
        row: dict[str, CellValue], col: str, printed: Printed | None, source: Any, origin: Any
    ) -> None:
        cell = row[col] = new(cell_value)
        if printed is None:
            cell.value, cell.raw, cell.status, cell.unit = None, "", BLANK, None
        else:
            cell.value, cell.raw, cell.status, cell.unit = (
                printed.value, printed.raw, printed.status, printed.unit,
            )  # fmt: skip
        cell.readings = None
        cell.source = None if source is None else lines[source]
        cell.origin = origin

    def undecided(row: dict[str, CellValue], col: str, readings: Any, origin: Any) -> None:
        cell = row[col] = new(cell_value)
        cell.value = cell.raw = cell.unit = None
        cell.status = UNCERTAIN
        cell.readings = readings
        cell.source = None
        cell.origin = origin

    def in_order(code: str) -> None:
        p, row, origin = placed[code], table[code], origins[code]
        for col, printed, source in zip(columns, _first(p.prints), _first(p.sources), strict=True):
            write(row, col, printed, source, origin)

    for code, p in placed.items():
        if not sizes[code]:
            warnings.append(f"{where}: row {code}: {p.note}; its cells are left null")
            for col in columns:
                undecided(table[code], col, None, origins[code])
    if not options:
        return
    if all(sizes[code] == 1 for code in options):
        for code in options:
            in_order(code)
        return
    solution = solve(options, rules)
    if solution.status in (INCONSISTENT, TOO_MANY):
        ambiguous = [c for c in options if sizes[c] > 1]
        if ambiguous:
            reason = (
                "the printed numbers do not add up under any placement of the blank cells"
                if solution.status == INCONSISTENT
                else "too many possible placements of the blank cells"
            )
            warnings.append(
                f"{where}: {reason}; columns of rows {', '.join(ambiguous)} not decided"
            )
    by_identities: dict[str, list[str]] = {}
    inconsistent = solution.status == INCONSISTENT
    open_readings = solution.status != TOO_MANY
    for code, vectors in options.items():
        size = sizes[code]
        p = placed[code]
        if size == 1 and _one_reading(vectors):
            in_order(code)
            continue
        viable = solution.viable.get(code)
        every = not viable or inconsistent
        indexes: Sequence[int] = range(size) if every else cast(Sequence[int], viable)
        layout = vectors.layout(indexes) if not every and isinstance(vectors, Placements) else None
        agree = _agreed(vectors, indexes, layout)
        origin = origins[code]
        row = table[code]
        if agree and not any(agree):
            readings = None if every or not open_readings else _readings(p, indexes, columns)
            for col in columns:
                undecided(row, col, readings, origin)
            _warn_undecided(p, code, columns, where, warnings)
            continue
        shared = _shared(vectors, p.sources, indexes, agree, layout)
        first = p.prints[indexes[0]] if any(agree) else ()
        if size > 1 and len(indexes) < size and any(agree):
            before = _agreed(vectors, range(size))
            if any(a and not b for a, b in zip(agree, before, strict=True)):
                by_identities.setdefault(_identities(code, rules), []).append(code)
        left = []
        readings = None
        if not all(agree) and not every and open_readings:
            readings = _readings(p, indexes, columns)
        for position, col in enumerate(columns):
            if agree[position]:
                write(
                    row, col, first[position], None if shared is None else shared[position], origin
                )
            else:
                undecided(row, col, readings, origin)
                left.append(col)
        if left:
            _warn_undecided(p, code, left, where, warnings)
    for used, rows in by_identities.items():
        warnings.append(
            f"{where}: cells of rows {', '.join(rows)} decided by the form's identities ({used})"
        )


def _warn_undecided(
    p: StreamRow, code: str, undecided: Sequence[str], where: str, warnings: list[str]
) -> None:
    prints = p.prints
    first = prints.values if isinstance(prints, Placements) else prints[0]
    shown = ", ".join([q.raw for q in first if q is not None and q.status == NUMBER])
    warnings.append(
        f"{where}: row {code}: column of printed values ({shown}) not decided by the "
        f"table's arithmetic; left null: {', '.join(undecided)}"
    )


def _readings(p: StreamRow, indexes: Sequence[int], columns: Sequence[str]) -> RowReadings | None:
    """The row's viable readings as values (None: blank), or None when there are too many."""
    if len(indexes) > MAX_READINGS:
        return None
    found = p.vectors
    if isinstance(p.prints, Placements | Picked):  # (values alike: the vectors hold them)
        vectors = tuple(
            found.at(indexes) if isinstance(found, Placements) else [found[i] for i in indexes]
        )
    else:
        vectors = tuple(tuple(None if q is None else q.value for q in p.prints[i]) for i in indexes)
    return RowReadings(tuple(columns), tuple(dict.fromkeys(vectors)))
