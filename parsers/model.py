"""The report record: what a parser returns and what the datasets are built from.

``Report.to_dict()`` gives exactly the JSON contract of the project's record spec; the extra
detail the datasets need (the raw text and status of every cell) stays on the object in
``Report.cells`` and never leaks into the contract.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ogi_errors import ParseError as ParseError
from parsers.deferred import made_on_first_read

if TYPE_CHECKING:
    from parsers.cells.base import Cell

Number = int | float

# Cell statuses (the long `cells` dataset uses the same words).
NUMBER = "number"  # a number was printed
BLANK = "blank"  # the cell was printed empty
DASH = "dash"  # the cell holds a non-number such as —, -, /, 无
UNCERTAIN = "uncertain"  # a number exists but its cell could not be decided
MISSING = "missing"  # the document does not show this cell at all


@dataclass(frozen=True, slots=True)
class RowReadings:
    """The readings of a row that the table's arithmetic left open: for each, the value at
    every column (None where the reading leaves the cell blank), columns in ``columns`` order.

    Kept on the row's undecided cells (not in the JSON contract), so that an identity from
    outside the document — across an agency's years, in the datasets — can choose among the
    readings the printed numbers allow, and never beyond them."""

    columns: tuple[str, ...]
    vectors: tuple[tuple[Number | None, ...], ...]


@dataclass(slots=True)
class RowOrigin:
    """How one row of a table was read from its source: one per row, shared by its cells.

    Provenance for a reviewer (not in the JSON contract): the row's label as the source printed
    it, how its values found their columns, where the column headers placed them the header
    cells printed over each column, and the row's printed values. ``label`` and ``values``
    hold what the matcher had — its tokens, each with its source cell, or the cells themselves
    when read back from a store — so that keeping them costs the parser two references; the
    properties give the cells. Pipe text's fast path (:mod:`parsers.fastpath`) keeps even less:
    ``label`` holds the indexes of its label cells in the document's token stream, and
    ``stream`` the stream (its texts and lines) that makes them cells when asked.
    """

    label: Sequence[Any]  # the row's label cells (or tokens holding them)
    how: str  # header / order / arithmetic / split / stated in the text / why none was read
    headers: Mapping[str, Sequence[Cell]] | None = None  # column code → its header cells
    values: Sequence[Any] = ()  # the row's value cells as printed (or tokens holding them)
    stream: Any = None  # see above: ``cells(indexes)`` gives the cells at those indexes

    def __reduce__(self):
        # Across a process boundary (parsing on every core) the matcher's tokens travel as the
        # cells they hold: what the properties read, a fraction of the bytes.
        found = self.label if self.stream is None else self.stream.cells(self.label)
        label = [getattr(t, "cell", t) for t in found]
        return (RowOrigin, (label, self.how, self.headers, self.printed))

    @property
    def printed(self) -> list[Cell]:
        """The row's value cells as printed, blanks left out: where to look for a cell the
        matcher left undecided."""
        out = []
        for item in self.values:
            cell = getattr(item, "cell", None)  # a token of the matcher
            if cell is None:
                out.append(item)
            elif not item.is_blank:
                out.append(cell)
        return out

    @property
    def label_cells(self) -> list[Cell]:
        """The cells of the row's own label. The matcher also carries the header cells printed
        before a table's first row into that row's label; they are left out: where the
        source knows rows, the cells whose rows do not cover the label's last cell; where it
        does not, the cells before the first numbered heading (``一、``, ``（三）``, ``1.``)."""
        found = self.label if self.stream is None else self.stream.cells(self.label)
        cells = [c for c in (getattr(t, "cell", t) for t in found) if c.text]
        if not cells:
            return []
        last = cells[-1]
        if last.table is not None and last.row is not None:
            return [
                c
                for c in cells
                if c.table == last.table
                and c.row is not None
                and c.row <= last.row < c.row + c.rowspan
            ]
        start = next((i for i, c in enumerate(cells) if _NUMBERED.match(c.text)), len(cells) - 1)
        return cells[start:]

    @property
    def label_text(self) -> str:
        """The row's label as printed (its own label cells joined)."""
        return " / ".join(c.text for c in self.label_cells)


_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])"
)


@dataclass(slots=True)
class CellValue:
    """One cell of a statutory table: the number (or None), what was printed, and how sure."""

    value: Number | None
    raw: str | None = None
    status: str = NUMBER
    unit: str | None = None
    readings: RowReadings | None = field(default=None, compare=False, repr=False)
    """For an undecided cell: its row's open readings, when few enough to keep."""
    source: Cell | int | None = field(default=None, compare=False, repr=False)
    """The cell of the source's cell stream the printed value came from (its table, grid row
    and column, line or PDF page and box), when the matcher knows it: a reference, not a copy.
    Pipe text read by the fast path (:mod:`parsers.fastpath`) gives the text line alone."""
    origin: RowOrigin | None = field(default=None, compare=False, repr=False)
    """How the cell's row was read (shared by the row's cells)."""

    @classmethod
    def missing(cls) -> CellValue:
        return cls(None, None, MISSING)

    def __reduce__(self):
        # Records cross process boundaries (parsing on every core): built back through the
        # constructor, a report's 200 cells unpickle four times faster than slot by slot.
        if self.readings is None and self.source is None and self.origin is None:
            return (CellValue, (self.value, self.raw, self.status, self.unit))
        return (
            CellValue,
            (self.value, self.raw, self.status, self.unit, self.readings, self.source, self.origin),
        )


@dataclass(slots=True)
class Check:
    """One arithmetic rule of the form, evaluated on the printed values (never used to fix).

    ``ok``: True (holds), False (fails) or None (cannot be computed: a cell it needs is
    undecided or absent, or nothing is printed to check; the detail says which).
    """

    rule: str
    ok: bool | None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "detail": self.detail}


Tables = dict[str, dict[str, dict[str, CellValue]]]


@dataclass
class Report:
    """One parsed report. ``tables[section][row][column]`` holds :class:`CellValue` objects."""

    source: str | None = None
    sha256: str = ""
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    template: str = "unknown"
    tables: Tables = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    prose: dict[str, Number] | None = None
    prose_evidence: dict[str, str] | None = None
    place: dict[str, Any] | None = None
    # Provenance and reading aids (not part of the JSON contract).
    title: str | None = None
    form: str | None = None  # html / pipe / flat / markdown / pdf / docx / text / doc / ...
    content_type: str | None = None
    # Where the cells were printed, in the record store's form (parsers.provenance.pack), once
    # the per-cell references were let go of: a parse worker sends one string, not its cells.
    origins: str | None = field(default=None, compare=False, repr=False)

    def __getattr__(self, name: str) -> Any:
        # Called only for an attribute the report does not hold: ``tables`` left to be made
        # when first read (see defer_tables), made now and kept.
        if name == "tables":
            return made_on_first_read(self, "tables", "_deferred", _make_tables)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        # A report crosses a process boundary with its tables made (the receiving process
        # never has the tokens they are made from to spare).
        state = self.__dict__
        if "_deferred" in state:
            self.tables  # noqa: B018  (made and kept by __getattr__)
            state.pop("_deferred", None)  # (tables set before they were read: let go of it)
        return state

    def deferred_tables(self) -> DeferredTables | None:
        """The reading the report's tables are left to while they are not made (see
        :func:`defer_tables`): what reads the record through its printed values (the record
        store) asks it instead of making the cells."""
        state = self.__dict__
        return None if "tables" in state else state.get("_deferred")

    def value(self, section: str, row: str, column: str) -> Number | None:
        """The number in one cell, or None (blank, dash, uncertain or absent)."""
        try:
            return self.tables[section][row][column].value
        except KeyError:
            return None

    def cells(self) -> list[tuple[str, str, str, CellValue]]:
        """Every cell as (section, row, column, CellValue), in printed order."""
        return [
            (section, row, column, cell)
            for section, rows in self.tables.items()
            for row, columns in rows.items()
            for column, cell in columns.items()
        ]

    def tables_dict(self) -> dict[str, dict[str, dict[str, Number | None]]]:
        deferred = self.deferred_tables()
        if deferred is not None:
            return deferred.values()
        return {
            section: {
                row: {column: cell.value for column, cell in columns.items()}
                for row, columns in rows.items()
            }
            for section, rows in self.tables.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """The record exactly as the contract describes it (JSON-ready)."""
        out: dict[str, Any] = {
            "source": self.source,
            "sha256": self.sha256,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "template": self.template,
            "tables": self.tables_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "warnings": list(self.warnings),
        }
        if self.prose is not None:
            out["prose"] = dict(self.prose)
            out["prose_evidence"] = dict(self.prose_evidence or {})
        if self.place is not None:
            out["place"] = dict(self.place)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, tables: Tables | None = None) -> Report:
        """Rebuild a report from its contract form (raw cell text is not in the contract;
        ``tables``: cells already rebuilt with their printed text, used as they are)."""
        if tables is None:
            tables = {}
            for section, rows in (data.get("tables") or {}).items():
                tables[section] = {}
                for row, columns in rows.items():
                    tables[section][row] = {
                        column: CellValue(
                            value,
                            None if value is None else format_number(value),
                            NUMBER if value is not None else BLANK,
                        )
                        for column, value in columns.items()
                    }
        return cls(
            source=data.get("source"),
            sha256=data.get("sha256", ""),
            agency=data.get("agency"),
            year=data.get("year"),
            published=data.get("published"),
            template=data.get("template", "unknown"),
            tables=tables,
            checks=[Check(c["rule"], c["ok"], c.get("detail", "")) for c in data.get("checks", [])],
            warnings=list(data.get("warnings", [])),
            prose=data.get("prose"),
            prose_evidence=data.get("prose_evidence"),
            place=data.get("place"),
        )


class DeferredTables(Protocol):
    """A record's tables not made yet (see :func:`defer_tables`): what makes them, and what
    the record store reads of them without making them."""

    def tables(self, provenance: bool = True) -> Tables:
        """The tables, made (each call makes them afresh); their cells without their
        ``source`` and ``origin`` when ``provenance`` is false."""
        ...

    def values(self) -> dict[str, dict[str, dict[str, Number | None]]]:
        """:meth:`Report.tables_dict` of the tables."""
        ...

    def detail(self) -> dict[str, dict[str, dict[str, list]]]:
        """Each cell's ``[raw, status, unit]`` (the record store's ``_cells``)."""
        ...

    def origins(self) -> str | None:
        """The tables' provenance as :func:`parsers.provenance.encode` writes it."""
        ...

    def readings(self) -> dict[str, dict[str, list]]:
        """The open readings of undecided cells, by row (the record store's ``_readings``)."""
        ...


def _make_tables(deferred: DeferredTables) -> Tables:
    """A deferred record's tables, made (see :meth:`Report.__getattr__`)."""
    return deferred.tables()


def defer_tables(report: Report, deferred: DeferredTables) -> None:
    """Leave ``report.tables`` to be made by ``deferred`` when it is first read.

    Pipe text's fast path knows every cell of a record once its shape is planned, but making
    the cells (about two hundred objects) costs more than the rest of the reading, and a parse
    whose record is counted, checked and stored through its printed values never reads them
    (:mod:`parsers.fastpath.reading`). Reading ``report.tables`` — any use of the record, its
    equality, its pickling — makes them once, the same cells as made at once."""
    report.__dict__.pop("tables", None)
    report.__dict__["_deferred"] = deferred


def format_number(value: Number) -> str:
    """A number as printed text: integral floats without their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
