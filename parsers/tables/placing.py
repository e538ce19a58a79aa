"""Placing a row's printed values in its columns: by headers, by order, or leaving the
choice to arithmetic (every consistent placement kept, see :mod:`parsers.tables.settle`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.cells.base import Cell
from parsers.recover import (
    Piece,
    Readings,
    SumRule,
    readings,
)
from parsers.solver import Placements, Vector
from parsers.tables.tokens import IN_PLACE_BLANK, TRAILING_BAR, Token
from parsers.values import Printed


@dataclass
class Placed:
    """The candidate readings of one row: each a vector over the row's columns."""

    # Lists, or Placements when the columns are left to arithmetic (built only when asked).
    vectors: Sequence[Vector]
    prints: Sequence[tuple[Printed | None, ...]]  # the printed cell at each position, per reading
    note: str = ""  # how the columns were decided
    shown: str = ""  # the printed text, for warnings (cells run together: the whole run)
    # The source cell at each position, per reading (as ``prints``; None: not known), for the
    # record's provenance; and the row's label cells and the headers that placed it, if any.
    sources: Sequence[tuple[Cell | None, ...]] | None = None
    label: Sequence[Token] = ()
    values: Sequence[Token] = ()  # the row's values as printed
    headers: Headers | None = None


@dataclass
class Headers:
    """Where a table's column headers sit: the grid range under each column's header."""

    ranges: dict[str, range]
    # Grid column → indexes of the columns whose header spans it, per column order asked for;
    # built once per table rather than once per row.
    _under: dict[tuple[str, ...], dict[int, tuple[int, ...]]] = field(default_factory=dict)
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # code → its header cells

    def under(self, columns: Sequence[str]) -> dict[int, tuple[int, ...]]:
        key = tuple(columns)
        found = self._under.get(key)
        if found is None:
            found = self._under[key] = _columns_under(columns, self.ranges)
        return found


def header_ranges(
    headers: Sequence[Token], variants: dict[str, tuple[str, ...]], *, contains: bool = False
) -> Headers | None:
    """Grid ranges of the column headers, when every column has one contiguous header.

    A header repeated over adjacent positions (converters write a merged cell once per position
    it covers) counts as one header spanning them all.
    """
    columns: dict[str, set[int]] = {}
    printed: dict[str, list[Cell]] = {}
    for token in headers:
        if token.cell.col is None:
            return None
        for code, names in variants.items():
            hit = any(n and n in token.label for n in names) if contains else token.label in names
            if hit:
                columns.setdefault(code, set()).update(
                    range(token.cell.col, token.cell.col + token.cell.colspan)
                )
                printed.setdefault(code, []).append(token.cell)
                break
    if len(columns) != len(variants):
        return None
    found: dict[str, range] = {}
    for code, cols in columns.items():
        span = range(min(cols), max(cols) + 1)
        if len(span) != len(cols):
            return None  # the same header in two separate places
        found[code] = span
    spans = sorted(found.values(), key=lambda r: r.start)
    if any(a.stop > b.start for a, b in itertools.pairwise(spans)):
        return None
    return Headers(found, cells=printed)


def place_row(
    values: Sequence[Token],
    columns: Sequence[str],
    headers: Headers | None,
    rules: Sequence[SumRule] = (),
    *,
    blanks: bool = True,
    splits: RowSplits | None = None,
    label: Sequence[Token] = (),
) -> Placed:
    """Decide the column of each printed value of a row (see the module docstring).

    ``rules`` are the row's own sums (as column indexes); they prune the readings of cells run
    together (:mod:`parsers.recover`), and ``blanks`` says whether those readings may leave
    columns blank (see :func:`parsers.recover.readings`). ``splits``: the readings of
    run-together rows already worked out in the document. ``label``: the row's label cells,
    kept with the placement as the row's provenance.
    """
    placed = _place(values, columns, headers, rules, blanks, splits)
    placed.label = label  # references: the cells are taken from the tokens only when asked
    placed.values = values
    return placed


def _place(
    values: Sequence[Token],
    columns: Sequence[str],
    headers: Headers | None,
    rules: Sequence[SumRule],
    blanks: bool,
    splits: RowSplits | None,
) -> Placed:
    width = len(columns)
    for token in values:
        if token.cell.glued:
            return _place_glued(values, columns, headers, rules, blanks, splits or RowSplits())
    if headers is not None and all(t.cell.col is not None for t in values):
        found = _under_headers(values, headers.under(columns), width)
        if found is not None:
            prints, sources = found
            return Placed(
                [tuple(value_of(p) for p in prints)],
                [tuple(prints)],
                "header",
                sources=[tuple(sources)],
                headers=headers,
            )
    if len(values) > width and all(t.is_blank for t in values[width:]):
        values = values[:width]  # blanks past the last column: a ragged row's end
    if len(values) == width:
        prints = [t.printed for t in values]
        vector = tuple(value_of(p) for p in prints)
        placed = [
            t.printed for t in values if t.printed is IN_PLACE_BLANK or t.printed is TRAILING_BAR
        ]
        if (not placed or (rules and _adds_up(vector, rules))) or (
            not any(p is TRAILING_BAR for p in placed) and not rules
        ):
            return Placed([vector], [tuple(prints)], "order", sources=[_cells_of(values)])
        # Blanks written in place whose reading the row's own sum does not confirm: the page
        # may also have moved an empty cell to the row's end. The arithmetic decides instead.
    filled = [t for t in values if not t.is_blank]
    if len(filled) == width:
        prints = [t.printed for t in filled]
        return Placed(
            [tuple(value_of(p) for p in prints)], [tuple(prints)], "order",
            sources=[_cells_of(filled)],
        )  # fmt: skip
    if len(filled) > width:
        return Placed([], [], f"{len(filled)} values for {width} columns")
    printed = [t.printed for t in filled]
    shape = Placements(printed, width)
    return Placed(
        shape.alike([None if p is None else p.value for p in printed]),
        shape,
        "arithmetic",
        sources=shape.alike([t.cell for t in filled]),
    )


def _cells_of(tokens: Sequence[Token]) -> tuple[Cell | None, ...]:
    """The source cells of tokens placed one per column (a blank written in its place by pipe
    text stands at no known position)."""
    return tuple([None if t.cell.empty_run else t.cell for t in tokens])


def _adds_up(vector: Sequence, rules: Sequence[SumRule]) -> bool:
    """Whether a reading of a row satisfies the row's own sums (a blank counts 0)."""
    return all(
        sum(vector[i] or 0 for i in rule.parts) == (vector[rule.total] or 0) for rule in rules
    )


def _under_headers(
    values: Sequence[Token], under: dict[int, tuple[int, ...]], width: int
) -> tuple[list[Printed | None], list[Cell | None]] | None:
    """The printed cell in each column, and the source cell it came from, when the headers
    place every value: a number under exactly one header, at most one number per column (a
    blank cell fills a column only when no number does). None when they do not."""
    prints: list[Printed | None] = [None] * width
    sources: list[Cell | None] = [None] * width
    numbered = [False] * width
    for token in values:
        hits = _hits(under, token.cell.col, token.cell.colspan)
        if len(hits) != 1:
            if token.is_blank:
                continue
            return None
        (i,) = hits
        if not token.is_blank:
            if numbered[i]:
                return None
            numbered[i] = True
            prints[i] = token.printed
            sources[i] = token.cell
        elif prints[i] is None:
            prints[i] = token.printed
            sources[i] = token.cell
    return prints, sources


def _columns_under(columns: Sequence[str], headers: dict[str, range]) -> dict[int, tuple[int, ...]]:
    """Grid column → indexes of the row's columns whose header spans it.

    Built once per table, so that placing a value is a lookup rather than a comparison of its
    span with every header.
    """
    under: dict[int, list[int]] = {}
    for i, code in enumerate(columns):
        for col in headers[code]:
            under.setdefault(col, []).append(i)
    return {col: tuple(found) for col, found in under.items()}


def _hits(under: dict[int, tuple[int, ...]], col: int | None, colspan: int) -> Sequence[int]:
    """Indexes of the columns (ascending) whose headers a cell at ``col`` spanning ``colspan``
    grid positions touches (none for a cell whose source gives no column)."""
    if col is None:
        return ()
    if colspan == 1:
        return under.get(col, ())
    found: set[int] = set()
    for position in range(col, col + colspan):
        found.update(under.get(position, ()))
    return sorted(found)


def _place_glued(
    values: Sequence[Token],
    columns: Sequence[str],
    headers: Headers | None,
    rules: Sequence[SumRule],
    blanks: bool,
    splits: RowSplits,
) -> Placed:
    """Every reading of a row with cells run together (see :mod:`parsers.recover`)."""
    under = headers.under(columns) if headers is not None else None
    pieces = []
    for token in values:
        if token.is_blank:
            continue
        at = None
        if not token.cell.glued and under is not None and token.cell.col is not None:
            hits = _hits(under, token.cell.col, token.cell.colspan)
            at = hits[0] if len(hits) == 1 else None
        pieces.append(Piece(token.cell.text, token.cell.glued, at))
    shown = " ".join(p.text.strip() for p in pieces)
    found = splits.readings(pieces, columns, rules, blanks)
    if found.too_many:
        return Placed([], [], f"too many ways to split the run-together cells {shown!r}", shown)
    if not found.prints:
        return Placed([], [], f"the run-together cells {shown!r} fit no split", shown)
    note = "split" if found.adds_up else "split; the printed row does not add up"
    # Which run each part came from is not kept by the split: every column points at the
    # row's first run (the printed text the reviewer looks for), or its only one.
    run = next((t.cell for t in values if t.cell.glued), None)
    sources = [(run,) * len(columns)] * len(found.prints)
    return Placed(found.vectors, list(found.prints), note, shown, sources=sources)


class RowSplits:
    """The readings of run-together rows (:func:`parsers.recover.readings`) worked out in one
    document, by row: a table repeats rows (a small agency's table 三 prints ``0000000`` row
    after row), and each takes a search. One per document; nothing outlives it."""

    def __init__(self) -> None:
        self._found: dict[tuple, Readings] = {}

    def readings(
        self, pieces: list[Piece], columns: Sequence[str], rules: Sequence[SumRule], blanks: bool
    ) -> Readings:
        key = (tuple(pieces), tuple(columns), tuple(rules), blanks)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = readings(pieces, columns, rules, blanks=blanks)
        return found


def row_sum_rules(columns: Sequence[str]) -> list[SumRule]:
    """The row sums of table 三: the six applicant columns add up to 总计."""
    total = columns.index("total")
    return [SumRule(tuple(range(total)), total)]


def value_of(printed: Printed | None):
    return None if printed is None else printed.value
