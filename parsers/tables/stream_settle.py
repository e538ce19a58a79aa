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

from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, cast

from parsers import schema
from parsers.fastpath.stream import PRINTED
from parsers.model import NUMBER, RowReadings
from parsers.placements import Placements
from parsers.solver import INCONSISTENT, TOO_MANY, Rule
from parsers.tables.settle import (
    MAX_READINGS,
    _agreed,
    _first,
    _identities,
    _one_reading,
    _shared,
    solved,
)
from parsers.tables.statements import Picked
from parsers.tables.stream_reading import BLANK_CELL, UNDECIDED, SectionCells
from parsers.values import Printed

_TOTAL = [c.code for c in schema.APPLICATION_COLUMNS].index("total")  # (table 三's 总计)
_ORDER, _ARITHMETIC, _STATED = "order", "arithmetic", "stated in the text"
_PRINTED_OF = itemgetter(PRINTED)
_VALUE_OF = attrgetter("value")  # (a printed value's number: what its token's number is)


@lru_cache(maxsize=8)
def _blank_readings(width: int) -> tuple[tuple[None, ...]]:
    """The one reading of a row that prints nothing, every column blank: the one placement of
    no values (as :class:`~parsers.placements.Placements` of none would give it), shared by
    every such row of every table of ``width`` columns (read only)."""
    return ((None,) * width,)


class StreamRows:
    """The rows of one table read on compact tokens, one entry a row in each of its lists (no
    object a row: a table of pipe text that does not add up reads two dozen rows, most of
    them settled by a test or two). A row's candidate readings (``vectors``, as
    :class:`~parsers.tables.placing.Placed` holds them) are its values in order when it
    prints as many as its columns, else its placements left to arithmetic
    (:class:`~parsers.placements.Placements`, or those a statement of the text kept), or none
    when it prints more; the readings of its printed cells and of their sources (token
    indexes) are made only for the rows whose cells some readings agree on."""

    __slots__ = ("codes", "labels", "values", "printed", "vectors", "notes", "picked", "width")

    def __init__(
        self,
        stream: Sequence[tuple],
        rows: Sequence[tuple[str, Sequence[int], Sequence[int]]],
        width: int,
    ) -> None:
        """``rows``: each row's code, its label's and its values' token indexes."""
        self.width = width
        self.codes = [row[0] for row in rows]
        self.labels = [row[1] for row in rows]
        self.values = [row[2] for row in rows]
        token, printed_of = stream.__getitem__, _PRINTED_OF
        self.printed = [list(map(printed_of, map(token, values))) for values in self.values]
        vectors: list[Any] = []
        notes: list[str] = []
        blank = _blank_readings(width)
        for printed in self.printed:
            count = len(printed)
            if not count:  # (a row that prints nothing: its one placement, every column blank)
                vectors.append(blank)
                notes.append(_ARITHMETIC)
            elif count == width:  # every column printed: read in order
                vectors.append([tuple(map(_VALUE_OF, printed))])
                notes.append(_ORDER)
            elif count > width:
                vectors.append([])
                notes.append(f"{count} values for {width} columns")
            else:  # the columns of each value left to the table's arithmetic
                vectors.append(Placements(tuple(map(_VALUE_OF, printed)), width))
                notes.append(_ARITHMETIC)
        self.vectors = vectors
        self.notes = notes
        # per row: the placements a statement kept (indexes into the row's placements)
        self.picked: list[list[int] | None] = [None] * len(rows)

    def prints(self, r: int) -> Any:
        """Row ``r``'s printed cell at each position, per reading."""
        return self._per_reading(r, self.printed[r], [])

    def sources(self, r: int) -> Any:
        """Row ``r``'s source token index at each position, per reading (None: none known)."""
        return self._per_reading(r, self.values[r], None)

    def _per_reading(self, r: int, cells: Any, no_reading: Any) -> Any:
        """``cells`` (one per printed value of row ``r``) placed at each position, per reading
        of the row; ``no_reading`` when the row has none."""
        vectors = self.vectors[r]
        picked = self.picked[r]
        if picked is not None:
            return Picked(Placements(cells, self.width), picked)
        if type(vectors) is Placements:
            return vectors.alike(cells)
        if vectors is _blank_readings(self.width):
            return vectors
        return [tuple(cells)] if vectors else no_reading

    def narrow(self, r: int, facts: set, where: str, warnings: list[str]) -> None:
        """:func:`parsers.tables.statements.narrow` of row ``r`` by the total the report's
        text states for it (``facts``: the values stated)."""
        vectors = self.vectors[r]
        if len(facts) != 1 or len(vectors) < 2:
            return
        (value,) = facts
        # (two readings or more: placements, as nothing narrowed the row before)
        kept = vectors.holding({_TOTAL: value})
        stated = f"total={value}"
        shown = ", ".join([q.raw for q in self.printed[r] if q.value is not None])
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
        self.vectors[r] = vectors.at(kept)  # (the arithmetic reads every one of these)
        self.picked[r] = kept
        self.notes[r] = _STATED

    def undone(self, r: int, note: str) -> None:
        """No reading kept of row ``r`` (a row that does not add up in the only order it may be
        read in)."""
        self.vectors[r] = []
        self.notes[r] = note


def settle_rows(
    rows: StreamRows,
    rules: Sequence[Rule],
    columns: tuple[str, ...],
    cells: SectionCells,
    where: str,
    warnings: list[str],
    lines: Sequence[int],
) -> None:
    """:func:`parsers.tables.settle.settle` of rows that share ``columns``, read on compact
    tokens (see the module docstring): each cell's printed value written to ``cells``, and
    beside it its source's text line, its row's origin and open readings."""
    table, cell_lines, origins = cells.printed, cells.lines, cells.origins
    codes, all_vectors, notes = rows.codes, rows.vectors, rows.notes
    sizes: dict[str, int] = {}
    options: dict[str, Any] = {}
    for code, label, values, note, vectors in zip(
        codes, rows.labels, rows.values, notes, all_vectors, strict=True
    ):
        origins[code] = (label, note, values)
        size = sizes[code] = len(vectors)
        if size:
            options[code] = vectors
    undecided_row = _undecided_row(columns)
    for r, code in enumerate(codes):
        if not sizes[code]:
            warnings.append(f"{where}: row {code}: {notes[r]}; its cells are left null")
            table[code].update(undecided_row)
    if not options:
        return
    if all(size == 1 for size in sizes.values() if size):
        for r, code in enumerate(codes):
            if sizes[code]:
                _in_order(rows, r, columns, table[code], cell_lines, lines)
        return
    solution = solved(options, sizes, rules, where, warnings)
    by_identities: dict[str, list[str]] = {}
    inconsistent = solution.status == INCONSISTENT
    open_readings = solution.status != TOO_MANY
    every_column = ", ".join(columns)
    for r, code in enumerate(codes):
        size = sizes[code]
        if not size:
            continue
        vectors = all_vectors[r]
        if size == 1 and (not rows.values[r] or _one_reading(vectors)):
            _in_order(rows, r, columns, table[code], cell_lines, lines)
            continue
        viable = solution.viable.get(code)
        every = not viable or inconsistent
        if every and type(vectors) is Placements and None not in vectors.values:
            # (every placement of numbers among more columns: they agree on no column, as
            # Placements.agreed tells, and no reading is kept: a table that does not add up)
            table[code].update(undecided_row)
            warnings.append(_undecided(rows, r, every_column, where))
            continue
        indexes: Sequence[int] = range(size) if every else cast(Sequence[int], viable)
        layout = vectors.layout(indexes) if not every and isinstance(vectors, Placements) else None
        agree = _agreed(vectors, indexes, layout)
        row = table[code]
        if agree and not any(agree):
            readings = None if every or not open_readings else _readings(rows, r, indexes, columns)
            row.update(undecided_row)
            if readings is not None:
                cells.readings[code] = readings
            warnings.append(_undecided(rows, r, every_column, where))
            continue
        shared = _shared(vectors, rows.sources(r), indexes, agree, layout)
        first = rows.prints(r)[indexes[0]] if any(agree) else ()
        if size > 1 and len(indexes) < size and any(agree):
            before = _agreed(vectors, range(size))
            if any(a and not b for a, b in zip(agree, before, strict=True)):
                by_identities.setdefault(_identities(code, rules), []).append(code)
        left = []
        readings = None
        if not all(agree) and not every and open_readings:
            readings = _readings(rows, r, indexes, columns)
        found: dict[str, int] = {}
        for position, col in enumerate(columns):
            if agree[position]:
                printed = first[position]
                row[col] = BLANK_CELL if printed is None else printed
                source = None if shared is None else shared[position]
                if source is not None:
                    found[col] = lines[source]
            else:
                row[col] = UNDECIDED
                left.append(col)
        if found:
            cell_lines[code] = found
        if left:
            if readings is not None:
                cells.readings[code] = readings
            warnings.append(_undecided(rows, r, ", ".join(left), where))
    for used, codes_used in by_identities.items():
        warnings.append(
            f"{where}: cells of rows {', '.join(codes_used)} decided by the form's identities "
            f"({used})"
        )


def _in_order(
    rows: StreamRows,
    r: int,
    columns: tuple[str, ...],
    row: dict[str, Printed],
    cell_lines: dict[str, dict[str, int]],
    lines: Sequence[int],
) -> None:
    """The cells of row ``r``, of one reading (its columns known from order, or every one
    blank, or the one placement a statement kept)."""
    found = cell_lines[rows.codes[r]] = {}
    note = rows.notes[r]
    if note == _ORDER:  # (its values in the columns' order: the one reading, unbuilt)
        for col, printed, source in zip(columns, rows.printed[r], rows.values[r], strict=True):
            row[col] = printed
            found[col] = lines[source]
        return
    if not rows.values[r]:  # (a row that prints nothing: all blank)
        row.update(_blank_row(columns))
        return
    for col, printed, source in zip(
        columns, _first(rows.prints(r)), _first(rows.sources(r)), strict=True
    ):
        row[col] = BLANK_CELL if printed is None else printed
        if source is not None:
            found[col] = lines[source]


@lru_cache(maxsize=8)
def _blank_row(columns: tuple[str, ...]) -> dict[str, Printed]:
    """Every one of ``columns`` blank (read only: copied into a row)."""
    return dict.fromkeys(columns, BLANK_CELL)


@lru_cache(maxsize=8)
def _undecided_row(columns: tuple[str, ...]) -> dict[str, Printed]:
    """Every one of ``columns`` undecided (read only: copied into a row)."""
    return dict.fromkeys(columns, UNDECIDED)


def _undecided(rows: StreamRows, r: int, undecided: str, where: str) -> str:
    """The warning of row ``r``'s cells left undecided (``undecided``: their columns, joined)."""
    shown = ", ".join([q.raw for q in rows.printed[r] if q.status == NUMBER])
    return (
        f"{where}: row {rows.codes[r]}: column of printed values ({shown}) not decided by the "
        f"table's arithmetic; left null: {undecided}"
    )


def _readings(
    rows: StreamRows, r: int, indexes: Sequence[int], columns: Sequence[str]
) -> RowReadings | None:
    """The row's viable readings as values (None: blank), or None when there are too many."""
    if len(indexes) > MAX_READINGS:
        return None
    found = rows.vectors[r]
    if type(found) is Placements:  # (values alike: the vectors hold them)
        vectors = tuple(found.at(indexes))
    elif rows.picked[r] is not None:  # (the placements a statement kept, built)
        vectors = tuple([found[i] for i in indexes])
    else:
        prints = rows.prints(r)
        vectors = tuple(tuple(None if q is None else q.value for q in prints[i]) for i in indexes)
    return RowReadings(tuple(columns), tuple(dict.fromkeys(vectors)))
