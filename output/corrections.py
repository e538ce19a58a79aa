"""Corrections: numbers a reviewer checked against the source, kept as data beside the harvest.

A correction says "in the document with this sha256, this cell is really X" (or blank), with a
note and the reviewer's name. They live in ``DATA/corrections.csv`` — plain UTF-8, one row per
correction, appended and never rewritten — so a team can keep the file in git and read every
change in a diff. Columns, in order::

    report_sha256, cell, old_value, new_value, note, reviewer, time

``cell`` is ``section.row.column`` in the record's codes (``applications.granted.total``);
``old_value`` is what the datasets said when the correction was made and ``new_value`` what the
reviewer read in the source (empty: the cell is blank). Several rows for one cell are its
history: the last one counts.

Corrections are applied at export (:meth:`CorrectionSet.apply`): the cell's value changes, its
status becomes ``corrected``, and the value it replaces, the note, the reviewer and the time
travel with the cell into the ``cells`` dataset. A correction is tied to the bytes it was made
against: when the document at its URL changed since (a new sha256), it is *stale* — not applied,
and listed by ``ogi status`` and the review queue until someone looks again. Re-harvests and
re-parses never touch the file, so a correction is never lost.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ogi_errors import CorrectionError as CorrectionError
from parsers import schema
from parsers.model import CellValue, Number, Report, format_number

CORRECTIONS_NAME = "corrections.csv"
FIELDS = ("report_sha256", "cell", "old_value", "new_value", "note", "reviewer", "time")
CORRECTED = "corrected"
"""The ``cells`` status of a cell whose value a reviewer corrected."""

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Correction:
    """One row of ``corrections.csv``."""

    report_sha256: str
    cell: str  # section.row.column
    old_value: Number | None
    new_value: Number | None  # None: the cell is blank
    note: str = ""
    reviewer: str = ""
    time: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.report_sha256, self.cell)

    @property
    def report_id(self) -> str:
        """The document's ``report_id`` in the datasets (the first 16 hex digits)."""
        return self.report_sha256[:16]

    @property
    def parts(self) -> tuple[str, str, str]:
        return split_cell(self.cell)

    def to_row(self) -> list[str]:
        return [
            self.report_sha256,
            self.cell,
            _text(self.old_value),
            _text(self.new_value),
            self.note,
            self.reviewer,
            self.time,
        ]


@dataclass(slots=True)
class CorrectedCell(CellValue):
    """A cell whose value a reviewer corrected: the value it replaced and why travel with it."""

    old_value: Number | None = None
    note: str = ""
    reviewer: str = ""
    corrected_at: str = ""


# --------------------------------------------------------------------------------------------
# Cell codes and values
# --------------------------------------------------------------------------------------------


def _known_cells() -> dict[str, set[tuple[str, str]]]:
    known: dict[str, set[tuple[str, str]]] = {}
    for template in (schema.TEMPLATE_2019, schema.TEMPLATE_2021):
        for section, rows in schema.shape(template).sections.items():
            for row, columns in rows.items():
                known.setdefault(section, set()).update((row, c) for c in columns)
    return known


_KNOWN: dict[str, set[tuple[str, str]]] | None = None


def split_cell(code: str) -> tuple[str, str, str]:
    """``applications.granted.total`` → its three codes (``__`` as in the panel works too).
    Raises :class:`CorrectionError` for a cell no template of the form has."""
    global _KNOWN
    text = (code or "").strip()
    parts = text.split("__") if "__" in text else text.split(".")
    if len(parts) != 3 or not all(parts):
        raise CorrectionError(f"cell {code!r}: expected section.row.column")
    if _KNOWN is None:
        _KNOWN = _known_cells()
    section, row, column = parts
    if section not in _KNOWN:
        raise CorrectionError(
            f"cell {code!r}: unknown section {section!r} (one of {', '.join(_KNOWN)})"
        )
    if (row, column) not in _KNOWN[section]:
        raise CorrectionError(f"cell {code!r}: no row {row!r} with column {column!r} in {section}")
    return section, row, column


def cell_code(section: str, row: str, column: str) -> str:
    return f"{section}.{row}.{column}"


def parse_value(text: str | Number | None) -> Number | None:
    """A corrected value: a number, or None for a blank cell (empty text). Full-width digits and
    thousands separators are accepted; anything else raises :class:`CorrectionError`."""
    if text is None:
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return text
    cleaned = str(text).strip().translate(_FULL_WIDTH).replace(",", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        raise CorrectionError(f"value {text!r} is not a number (leave it empty for a blank cell)")
    number = float(cleaned)
    return int(number) if "." not in cleaned else number


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")


def _text(value: Number | None) -> str:
    return "" if value is None else format_number(value)


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


def corrections_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / CORRECTIONS_NAME


def read_corrections(path: str | os.PathLike) -> list[Correction]:
    """Every row of a corrections file (a data folder or the CSV itself), in file order; an
    absent file is no corrections. Raises :class:`CorrectionError` naming the bad line."""
    file = Path(path)
    if file.is_dir():
        file = corrections_path(file)
    if not file.exists():
        return []
    text = file.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return []
    if tuple(h.strip() for h in header) != FIELDS:
        raise CorrectionError(f"{file}: the header must be {','.join(FIELDS)}")
    out: list[Correction] = []
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            out.append(_from_row(row))
        except CorrectionError as exc:
            raise CorrectionError(f"{file}:{number}: {exc}") from None
    return out


def _from_row(row: list[str]) -> Correction:
    if len(row) != len(FIELDS):
        raise CorrectionError(f"expected {len(FIELDS)} fields, got {len(row)}")
    sha, cell, old, new, note, reviewer, when = (value.strip() for value in row)
    if not _SHA256.match(sha):
        raise CorrectionError(f"report_sha256 {sha!r} is not a sha256 digest")
    split_cell(cell)
    return Correction(sha, cell, parse_value(old), parse_value(new), note, reviewer, when)


def append_correction(data_dir: str | os.PathLike, correction: Correction) -> Correction:
    """Add one row to ``DATA/corrections.csv`` (created with its header when absent).

    Writers queue on a lock beside the file, and the row is written whole and flushed to disk
    before the lock is released, so the review app and ``ogi correct`` can write at once."""
    split_cell(correction.cell)
    if not _SHA256.match(correction.report_sha256):
        raise CorrectionError(f"report_sha256 {correction.report_sha256!r} is not a sha256")
    path = corrections_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    with open(path.with_name(f".{CORRECTIONS_NAME}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fresh = not path.exists() or path.stat().st_size == 0
        if fresh:
            writer.writerow(FIELDS)
        elif not path.read_bytes().endswith(b"\n"):
            buffer.write("\n")  # a file edited by hand without a final newline
        writer.writerow(correction.to_row())
        with open(path, "a", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
    return correction


def now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------
# Applying them
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaleCorrection:
    """A correction not applied: its document changed at its URL since (or is not harvested)."""

    correction: Correction
    reason: str
    url: str | None = None
    current_sha256: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        c = self.correction
        return {
            "report_id": c.report_id,
            "report_sha256": c.report_sha256,
            "cell": c.cell,
            "new_value": _text(c.new_value),
            "reviewer": c.reviewer,
            "time": c.time,
            "reason": self.reason,
            "url": self.url,
            "current_sha256": self.current_sha256,
        }


@dataclass
class CorrectionSet:
    """The corrections in force (the last row for each cell) and the stale ones set aside."""

    active: dict[str, dict[str, Correction]] = field(default_factory=dict)  # sha → cell → row
    stale: list[StaleCorrection] = field(default_factory=list)

    @classmethod
    def of(
        cls, corrections: Iterable[Correction], stale: Mapping[str, StaleCorrection] | None = None
    ) -> CorrectionSet:
        """The last correction of each cell is in force, unless its document is in ``stale``
        (by sha256: what :func:`output.correct.judge` found)."""
        latest: dict[tuple[str, str], Correction] = {}
        for correction in corrections:
            latest[correction.key] = correction
        out = cls()
        stale = stale or {}
        for (sha, cell), correction in latest.items():
            found = stale.get(sha)
            if found is not None:
                out.stale.append(replace(found, correction=correction))
            else:
                out.active.setdefault(sha, {})[cell] = correction
        return out

    def __len__(self) -> int:
        return sum(len(cells) for cells in self.active.values())

    def __iter__(self) -> Iterator[Correction]:
        for cells in self.active.values():
            yield from cells.values()

    def for_document(self, sha256: str) -> dict[str, Correction]:
        return self.active.get(sha256, {})

    def digest(self) -> str:
        """What the datasets depend on: every correction in force (order does not matter)."""
        rows = sorted(tuple(c.to_row()) for c in self)
        return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()

    def apply(self, report: Report, sha256: str | None = None) -> Report:
        """``report`` with its corrected cells changed (``sha256``: its document's digest,
        ``report.sha256`` by default). The report given is left as it is: a corrected copy is
        returned (the same object when nothing in it is corrected). A corrected cell the
        report does not have (a table the parser did not find) is added to its table."""
        found = self.active.get(sha256 or report.sha256)
        if not found:
            return report
        tables = {section: dict(rows) for section, rows in report.tables.items()}
        for correction in found.values():
            section, row, column = correction.parts
            cells = tables.setdefault(section, {})
            cells[row] = dict(cells.get(row, {}))
            before = cells[row].get(column) or CellValue.missing()
            cells[row][column] = CorrectedCell(
                correction.new_value,
                before.raw,
                CORRECTED,
                before.unit,
                old_value=before.value,
                note=correction.note,
                reviewer=correction.reviewer,
                corrected_at=correction.time,
            )
        names = ", ".join(sorted(found))
        warning = f"{len(found)} cell(s) corrected by review: {names}"
        return replace(report, tables=tables, warnings=[*report.warnings, warning])
