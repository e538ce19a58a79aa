"""The report record: what a parser returns and what the datasets are built from.

``Report.to_dict()`` gives exactly the JSON contract of the project's record spec; the extra
detail the datasets need (the raw text and status of every cell) stays on the object in
``Report.cells`` and never leaks into the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ogi_errors import ParseError as ParseError

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
class CellValue:
    """One cell of a statutory table: the number (or None), what was printed, and how sure."""

    value: Number | None
    raw: str | None = None
    status: str = NUMBER
    unit: str | None = None
    readings: RowReadings | None = field(default=None, compare=False, repr=False)
    """For an undecided cell: its row's open readings, when few enough to keep."""

    @classmethod
    def missing(cls) -> CellValue:
        return cls(None, None, MISSING)

    def __reduce__(self):
        # Records cross process boundaries (parsing on every core): built back through the
        # constructor, a report's 200 cells unpickle four times faster than slot by slot.
        return (CellValue, (self.value, self.raw, self.status, self.unit))


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


def format_number(value: Number) -> str:
    """A number as printed text: integral floats without their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
