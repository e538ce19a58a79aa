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
from typing import Any, cast

from parsers import schema
from parsers.fastpath.stream import NUMBER as NUMBER_OF
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
from parsers.tables.statements import Picked, _at
from parsers.tables.stream_reading import BLANK_CELL, UNDECIDED, SectionCells
from parsers.values import Printed

_ALIKE = object()  # (made when first asked: see StreamRow)
_TOTAL = [c.code for c in schema.APPLICATION_COLUMNS].index("total")  # (table 三's 总计)


class StreamRow:
    """One row of a table read on compact tokens: its candidate readings (as
    :class:`~parsers.tables.placing.Placed` holds them, the sources as token indexes), how
    they were found, and its label's and values' token indexes. The readings of the printed
    cells and of their sources, alike the values' (:meth:`~parsers.placements.Placements.alike`),
    are made when first asked: most rows of a table that does not add up never ask."""

    __slots__ = ("vectors", "printed", "_prints", "_sources", "note", "label", "values")

    def __init__(
        self, stream: Sequence[tuple], label: Sequence[int], values: Sequence[int], width: int
    ) -> None:
        self.label = label
        self.values = values
        count = len(values)
        self.printed: list[Printed] = [stream[i][PRINTED] for i in values]
        numbers = [stream[i][NUMBER_OF] for i in values]
        self.vectors: Any
        self._prints: Any
        self._sources: Any
        if count == width:  # every column printed: read in order
            self._prints = [tuple(self.printed)]
            self.vectors = [tuple(numbers)]
            self._sources = [tuple(values)]
            self.note = "order"
        elif count > width:
            self._prints = self.vectors = []
            self._sources = None
            self.note = f"{count} values for {width} columns"
        else:  # the columns of each value left to the table's arithmetic
            self.vectors = Placements(numbers, width)
            self._prints = self._sources = _ALIKE
            self.note = "arithmetic"

    @property
    def prints(self) -> Any:
        """The printed cell at each position, per reading."""
        if self._prints is _ALIKE:
            self._prints = self.vectors.alike(self.printed)
        return self._prints

    @property
    def sources(self) -> Any:
        """The source token's index at each position, per reading (None: none known)."""
        if self._sources is _ALIKE:
            self._sources = self.vectors.alike(self.values)
        return self._sources

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
        first = self._first_printed()
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
        prints, sources = self.prints, self.sources
        self.vectors = _at(vectors, kept, lazy=False)
        self._prints = _at(prints, kept)
        self._sources = None if sources is None else _at(sources, kept)
        self.note = "stated in the text"

    def _first_printed(self) -> Sequence[Printed | None]:
        """The first reading's printed cells (of placements: the printed values, in order)."""
        prints = self._prints
        return self.printed if prints is _ALIKE or type(prints) is Placements else prints[0]

    def left_to_arithmetic(self) -> bool:
        """Whether the row's readings are its placements (or some of them, a statement kept)."""
        return self._prints is _ALIKE or isinstance(self._prints, Placements | Picked)

    def undone(self, note: str) -> None:
        """No reading kept (a row that does not add up in the only order it may be read in)."""
        self._prints = self.vectors = []
        self._sources = None
        self.note = note


def settle_rows(
    placed: dict[str, StreamRow],
    rules: Sequence[Rule],
    columns: Sequence[str],
    cells: SectionCells,
    where: str,
    warnings: list[str],
    lines: Sequence[int],
) -> None:
    """:func:`parsers.tables.settle.settle` of rows that share ``columns``, read on compact
    tokens (see the module docstring): each cell's printed value written to ``cells``, and
    beside it its source's text line, its row's origin and open readings."""
    table, cell_lines, origins = cells.printed, cells.lines, cells.origins
    for code, p in placed.items():
        origins[code] = (p.label, p.note, p.values)
    sizes = {code: len(p.vectors) for code, p in placed.items()}
    options = {code: p.vectors for code, p in placed.items() if sizes[code]}
    blank_row = dict.fromkeys(columns, BLANK_CELL)  # (made once, copied into each row)
    undecided_row = dict.fromkeys(columns, UNDECIDED)

    def in_order(code: str) -> None:
        p = placed[code]
        row = table[code]
        found = cell_lines[code] = {}
        note = p.note
        if note == "order":  # (its values in the columns' order: the one reading, unbuilt)
            for col, printed, source in zip(columns, p.printed, p.values, strict=True):
                row[col] = printed
                found[col] = lines[source]
            return
        if note == "arithmetic" and not p.values:  # (a row that prints nothing: all blank)
            row.update(blank_row)
            return
        for col, printed, source in zip(columns, _first(p.prints), _first(p.sources), strict=True):
            row[col] = BLANK_CELL if printed is None else printed
            if source is not None:
                found[col] = lines[source]

    for code, p in placed.items():
        if not sizes[code]:
            warnings.append(f"{where}: row {code}: {p.note}; its cells are left null")
            table[code].update(undecided_row)
    if not options:
        return
    if all(sizes[code] == 1 for code in options):
        for code in options:
            in_order(code)
        return
    solution = solved(options, sizes, rules, where, warnings)
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
        if every and type(vectors) is Placements and None not in vectors.values:
            # (every placement of numbers among more columns: they agree on no column, as
            # Placements.agreed tells, and no reading is kept: a table that does not add up)
            table[code].update(undecided_row)
            _warn_undecided(p, code, columns, where, warnings)
            continue
        indexes: Sequence[int] = range(size) if every else cast(Sequence[int], viable)
        layout = vectors.layout(indexes) if not every and isinstance(vectors, Placements) else None
        agree = _agreed(vectors, indexes, layout)
        row = table[code]
        if agree and not any(agree):
            readings = None if every or not open_readings else _readings(p, indexes, columns)
            row.update(undecided_row)
            if readings is not None:
                cells.readings[code] = readings
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
            _warn_undecided(p, code, left, where, warnings)
    for used, rows in by_identities.items():
        warnings.append(
            f"{where}: cells of rows {', '.join(rows)} decided by the form's identities ({used})"
        )


def _warn_undecided(
    p: StreamRow, code: str, undecided: Sequence[str], where: str, warnings: list[str]
) -> None:
    first = p._first_printed()
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
    if p.left_to_arithmetic():  # (values alike: the vectors hold them)
        vectors = tuple(
            found.at(indexes) if isinstance(found, Placements) else [found[i] for i in indexes]
        )
    else:
        vectors = tuple(tuple(None if q is None else q.value for q in p.prints[i]) for i in indexes)
    return RowReadings(tuple(columns), tuple(dict.fromkeys(vectors)))
