"""Which cells of a report need a look, and why: undecided cells, the cells a failed arithmetic
check names, and cells that disagree with the agency's report of the year before or after.

Each flag carries the text shown beside the cell: the parser's own warning for an undecided
row, the check's detail for a failed rule. The checks name what failed in their detail (a
column for the balance and outcome rules, a row for row totals, a group in table 四), and the
cells of that column, row or group are flagged; a detail that cannot be read flags nothing
here, and the check still shows at the head of the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import schema
from parsers.model import UNCERTAIN, Report

UNDECIDED = "undecided"
FAILED_CHECK = "check"
ACROSS_YEARS = "xyear"
STALE = "stale"


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str  # undecided | check | xyear | stale
    text: str


def cell_flags(report: Report, across_years: dict[str, str] | None = None) -> dict[str, list[Flag]]:
    """``{section.row.column: [Flag…]}`` for one report."""
    out: dict[str, list[Flag]] = {}

    def add(code: str, flag: Flag) -> None:
        out.setdefault(code, []).append(flag)

    for section, row, column, cell in report.cells():
        if cell.status == UNCERTAIN:
            why = _row_warning(report, row) or "未能确定此数字所在的列（表格算术无法唯一确定）"
            add(f"{section}.{row}.{column}", Flag(UNDECIDED, why))
    for check in report.checks:
        if check.ok is not False:
            continue
        for code in failed_cells(report, check.rule, check.detail):
            add(code, Flag(FAILED_CHECK, f"{check.rule}: {check.detail}"))
    for code, text in (across_years or {}).items():
        add(code, Flag(ACROSS_YEARS, text))
    return out


def _row_warning(report: Report, row: str) -> str | None:
    """The parser's warning about a row (``row regulations: …``), when it wrote one."""
    for warning in report.warnings:
        if f"row {row}:" in warning or f"row {row} " in warning:
            return warning
    return None


def _failures(detail: str) -> list[str]:
    """The keys a check's detail names as failing (``natural_person: …; total: …``)."""
    head = detail.split(" | ")[0]
    if head.startswith("not evaluated"):
        return []
    keys = []
    for part in head.split("; "):
        key, sep, _rest = part.partition(":")
        if sep and key.strip():
            keys.append(key.strip())
    return keys


def failed_cells(report: Report, rule: str, detail: str) -> list[str]:
    """The cells a failed check names, as ``section.row.column`` codes."""
    apps = report.tables.get(schema.SECTION_APPLICATIONS) or {}
    appeals = report.tables.get(schema.SECTION_APPEALS) or {}
    keys = _failures(detail)
    out: list[str] = []
    if rule == "applications.balance":
        for column in keys:
            for row in ("new", "carried_over", "total", "carried_forward"):
                if column in apps.get(row, {}):
                    out.append(f"applications.{row}.{column}")
    elif rule == "applications.outcomes":
        outcome_rows = schema.OUTCOME_ROWS.get(report.template, ())
        for column in keys:
            out += [
                f"applications.{row}.{column}"
                for row in (*outcome_rows, "total")
                if column in apps.get(row, {})
            ]
    elif rule == "applications.columns":
        for row in keys:
            out += [f"applications.{row}.{column}" for column in apps.get(row, {})]
    elif rule == "appeals.totals":
        for group in keys:
            out += [f"appeals.{group}.{result}" for result in appeals.get(group, {})]
    return out
