"""Settling: from the candidate readings of rows to cells, decided only where every
reading consistent with the form's arithmetic agrees; the rest are left null and named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from parsers.model import BLANK, NUMBER, UNCERTAIN, CellValue, RowOrigin, RowReadings
from parsers.placements import Layout
from parsers.solver import (
    INCONSISTENT,
    TOO_MANY,
    Placements,
    Rule,
    Solution,
    Vector,
    agreed,
    solve,
)
from parsers.tables.placing import Placed
from parsers.tables.statements import Picked

MAX_READINGS = 24
"""Most open readings of a row kept on its undecided cells (more say too little to be worth
keeping: an identity from outside the document rarely picks one of so many)."""


def settle(
    placed: dict[str, Placed],
    rules: Sequence[Rule],
    columns: dict[str, Sequence[str]],
    table: dict[str, dict[str, CellValue]],
    where: str,
    warnings: list[str],
) -> None:
    """Write each row's decided cells; undecided cells become UNCERTAIN with a warning.

    Each cell keeps the source cell its printed value came from and its row's
    :class:`~parsers.model.RowOrigin` (references: nothing is copied)."""
    if len(placed) == 1:  # (table 二 is settled row by row: most rows read in order)
        for code, p in placed.items():
            if len(p.vectors) == 1:
                _write_order(p, columns[code], table[code], _origin(p))
                return
    sizes = {code: len(p.vectors) for code, p in placed.items()}  # (asked once: a call each)
    options = {code: p.vectors for code, p in placed.items() if sizes[code]}
    origins = {code: _origin(p) for code, p in placed.items()}
    for code, p in placed.items():
        if not sizes[code]:
            warnings.append(f"{where}: row {code}: {p.note}; its cells are left null")
            origin = origins[code]
            for col in columns[code]:
                table[code][col] = CellValue(None, None, UNCERTAIN, origin=origin)
    if not options:
        return
    if all(sizes[code] == 1 for code in options):
        for code in options:  # every column known from positions or order: nothing to solve
            _write_order(placed[code], columns[code], table[code], origins[code])
        return
    solution = solved(options, sizes, rules, where, warnings)
    by_identities: dict[str, list[str]] = {}  # identities used → rows they placed
    inconsistent = solution.status == INCONSISTENT
    open_readings = solution.status != TOO_MANY
    for code, vectors in options.items():
        size = sizes[code]
        if size == 1 and _one_reading(vectors):  # (its cells as printed, whatever the rest)
            _write_order(placed[code], columns[code], table[code], origins[code])
            continue
        viable = solution.viable.get(code)
        every = not viable or inconsistent
        indexes: Sequence[int] = range(size) if every else cast(Sequence[int], viable)
        layout = (
            vectors.layout(indexes) if not every and isinstance(vectors, Placements) else None
        )  # (which values take each column: read once for the values and their sources)
        agree = _agreed(vectors, indexes, layout)
        origin = origins[code]
        row = table[code]
        if agree and not any(agree):  # (a table that does not add up: most of its rows)
            readings = (
                None
                if every or not open_readings
                else _readings(placed[code], indexes, columns[code])
            )
            for col in columns[code]:
                row[col] = CellValue(None, None, UNCERTAIN, None, readings, None, origin)
            _warn_undecided(placed[code], code, columns[code], where, warnings)
            continue
        shared = _shared(vectors, placed[code].sources, indexes, agree, layout)
        first = placed[code].prints[indexes[0]] if any(agree) else ()
        if size > 1 and len(indexes) < size and any(agree):
            before = _agreement(vectors, None, range(size))[0]
            if any(a and not b for a, b in zip(agree, before, strict=True)):
                by_identities.setdefault(_identities(code, rules), []).append(code)
        undecided = []
        readings = None
        if not all(agree) and not every and open_readings:
            readings = _readings(placed[code], indexes, columns[code])
        for position, col in enumerate(columns[code]):
            if agree[position]:
                printed = first[position]
                source = None if shared is None else shared[position]
                if printed is None:
                    row[col] = CellValue(None, "", BLANK, None, None, source, origin)
                else:
                    row[col] = CellValue(
                        printed.value, printed.raw, printed.status, printed.unit,
                        None, source, origin,
                    )  # fmt: skip
            else:
                row[col] = CellValue(None, None, UNCERTAIN, None, readings, None, origin)
                undecided.append(col)
        if undecided:
            _warn_undecided(placed[code], code, undecided, where, warnings)
    for used, rows in by_identities.items():
        warnings.append(
            f"{where}: cells of rows {', '.join(rows)} decided by the form's identities ({used})"
        )


def solved(
    options: dict[str, Sequence[Vector]],
    sizes: dict[str, int],
    rules: Sequence[Rule],
    where: str,
    warnings: list[str],
) -> Solution:
    """The rows' readings solved under the form's ``rules`` (:func:`parsers.solver.solve`),
    with a warning naming the rows left open when the table does not add up or has too many
    readings to search."""
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
    return solution


def _origin(placed: Placed) -> RowOrigin:
    """How the row was read (its label and value tokens, and the headers that placed it)."""
    headers = placed.headers
    return RowOrigin(
        placed.label, placed.note, None if headers is None else headers.cells, placed.values
    )


def _write_order(
    placed: Placed, columns: Sequence[str], row: dict[str, CellValue], origin: RowOrigin
) -> None:
    """The cells of a row with one reading (its columns known from positions or order)."""
    found = placed.sources
    sources = _first(found) if found is not None else (None,) * len(columns)
    for col, printed, source in zip(columns, _first(placed.prints), sources, strict=True):
        # (positional: the common path of every report, ~200 cells each)
        row[col] = (
            CellValue(None, "", BLANK, None, None, source, origin)
            if printed is None
            else CellValue(
                printed.value, printed.raw, printed.status, printed.unit, None, source, origin
            )
        )


def _first(readings: Sequence[tuple]) -> tuple:
    """The first reading (of placements, the values in the first columns, blanks after: the
    first in their order, without building it)."""
    if type(readings) is Placements:
        values = readings.values
        return values + (None,) * (readings.width - len(values))
    return readings[0]


def _one_reading(vectors: Sequence[Vector]) -> bool:
    """Whether the row's only reading agrees with itself in every column, as settling it finds
    (a NaN equals nothing, not even itself): its cells are then written as printed, with the
    source cells of the reading, whatever the solution says of the other rows."""
    values = vectors.values if isinstance(vectors, Placements) else vectors[0]
    return not any(type(v) is float and v != v for v in values)


def _warn_undecided(
    placed: Placed, code: str, undecided: Sequence[str], where: str, warnings: list[str]
) -> None:
    # (the first reading's printed cells, in order: for readings left to arithmetic, the
    # printed values themselves — the first placement puts each in turn, blanks after)
    prints = placed.prints
    first = prints.values if isinstance(prints, Placements) else prints[0]
    shown = placed.shown or ", ".join(
        [p.raw for p in first if p is not None and p.status == NUMBER]
    )
    warnings.append(
        f"{where}: row {code}: column of printed values ({shown}) not decided by the "
        f"table's arithmetic; left null: {', '.join(undecided)}"
    )


def _agreement(
    vectors: Sequence[Vector], sources: Sequence[tuple] | None, indexes: Sequence[int]
) -> tuple[list[bool], list | None]:
    """Over the readings at ``indexes``: per position, whether they all hold the same value,
    and the source cell they all take it from (None where they differ, or None when no
    sources are known; the sources are compared only where the values agree, as only there
    are they asked for). Readings left to arithmetic (:class:`~parsers.solver.Placements`)
    are compared by the columns each value takes, without building them."""
    agree = _agreed(vectors, indexes)
    return agree, _shared(vectors, sources, indexes, agree)


def _agreed(
    vectors: Sequence[Vector], indexes: Sequence[int], layout: Layout | None = None
) -> list[bool]:
    """Per position: whether the readings at ``indexes`` all hold the same value there
    (``layout``: the placements' :meth:`~parsers.placements.Placements.layout` at
    ``indexes``, when known)."""
    if isinstance(vectors, Placements):
        return vectors.agreed(indexes, layout)
    return agreed([vectors[i] for i in indexes])


def _shared(
    vectors: Sequence[Vector],
    sources: Sequence[tuple] | None,
    indexes: Sequence[int],
    agree: list[bool],
    layout: Layout | None = None,
) -> list | None:
    """The source cell the readings at ``indexes`` all take each position from, where their
    values ``agree`` (see :func:`_agreement`)."""
    if sources is None:
        return None
    if not any(agree):
        return [None] * len(agree)  # a source is asked for where the values agree only
    if isinstance(vectors, Placements) and isinstance(sources, Placements):
        alike = sources.width == vectors.width and len(sources.values) == len(vectors.values)
        return [
            cell
            for _, cell in sources.agreement(
                indexes, same="identical", layout=layout if alike else None
            )
        ]
    if isinstance(sources, Picked):  # (placements a statement kept: where the values agree)
        return sources.readings.shared([sources.indexes[i] for i in indexes], agree)
    return _common_sources(sources[i] for i in indexes)


def _common_sources(readings: Iterable[tuple]) -> list | None:
    """The source cell of each position where every reading takes it from the same cell (the
    readings may agree on a value, ``0``, printed in two places); None elsewhere."""
    out: list | None = None
    for sources in readings:
        if out is None:
            out = list(sources)
            continue
        for position, cell in enumerate(out):
            if cell is not None and sources[position] is not cell:
                out[position] = None
    return out


def _readings(placed: Placed, indexes: Sequence[int], columns: Sequence[str]) -> RowReadings | None:
    """The row's viable readings as values (None: blank), or None when there are too many."""
    if len(indexes) > MAX_READINGS:
        return None
    found = placed.vectors
    if isinstance(placed.prints, Placements | Picked):  # (values alike: the vectors hold them)
        vectors = tuple(
            found.at(indexes) if isinstance(found, Placements) else [found[i] for i in indexes]
        )
    else:
        vectors = tuple(
            tuple(None if p is None else p.value for p in placed.prints[i]) for i in indexes
        )
    return RowReadings(tuple(columns), tuple(dict.fromkeys(vectors)))


_IDENTITY_NAMES = {
    "applications.columns": "row totals: the six applicant columns add up to 总计",
    "applications.outcomes": "the outcome sum: the outcome rows add up to （七）总计",
    "applications.balance": "the balance: 新收 + 上年结转 = 总计 + 结转下年度",
    "appeals.totals": "each group's total",
}


def _identities(code: str, rules: Sequence[Rule]) -> str:
    """The identities of the form that tie a row to the rest of the table, named."""
    families = sorted({r.name.split(":")[0] for r in rules if code in r.rows})
    return "; ".join(_IDENTITY_NAMES.get(f, f) for f in families)
