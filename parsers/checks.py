"""The form's arithmetic, evaluated on the printed values and reported — never used to fix.

A blank or dash counts as 0, as the form's own rule reads it. A comparison that involves a cell
whose column could not be decided (UNCERTAIN) is not evaluated: it is listed in the detail, so a
check never fails because of the parser's own uncertainty.
"""

from __future__ import annotations

from parsers import schema
from parsers.model import UNCERTAIN, CellValue, Check, Tables


def run_checks(tables: Tables, template: str) -> list[Check]:
    checks: list[Check] = []
    apps = tables.get(schema.SECTION_APPLICATIONS)
    if apps:
        checks.append(_balance(apps))
        checks.append(_outcomes(apps, template))
        checks.append(_columns(apps))
    appeals = tables.get(schema.SECTION_APPEALS)
    if appeals:
        checks.append(_appeal_totals(appeals))
    return checks


def _num(cell: CellValue | None) -> int | float:
    if cell is None or cell.value is None:
        return 0
    return cell.value


def _uncertain(*cells: CellValue | None) -> bool:
    return any(c is not None and c.status == UNCERTAIN for c in cells)


def _fmt(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _report(rule: str, failures: list[str], skipped: list[str]) -> Check:
    parts = []
    if failures:
        parts.append("; ".join(failures))
    if skipped:
        parts.append(f"not evaluated (undecided cells): {', '.join(skipped)}")
    return Check(rule, not failures, " | ".join(parts))


def _columns_of(apps: dict) -> list[str]:
    return [c.code for c in schema.APPLICATION_COLUMNS]


def _balance(apps: dict) -> Check:
    failures, skipped = [], []
    needed = ("new", "carried_over", "total", "carried_forward")
    if not all(r in apps for r in needed):
        return Check("applications.balance", True, "not evaluated: rows missing")
    for col in _columns_of(apps):
        cells = [apps[r].get(col) for r in needed]
        if _uncertain(*cells):
            skipped.append(col)
            continue
        left = _num(cells[0]) + _num(cells[1])
        right = _num(cells[2]) + _num(cells[3])
        if left != right:
            failures.append(
                f"{col}: new+carried_over {_fmt(left)} vs total+carried_forward {_fmt(right)}"
            )
    return _report("applications.balance", failures, skipped)


def _outcomes(apps: dict, template: str) -> Check:
    failures, skipped = [], []
    rows = [r for r in schema.OUTCOME_ROWS.get(template, ()) if r in apps]
    if "total" not in apps or not rows:
        return Check("applications.outcomes", True, "not evaluated: rows missing")
    for col in _columns_of(apps):
        cells = [apps[r].get(col) for r in rows]
        total = apps["total"].get(col)
        if _uncertain(total, *cells):
            skipped.append(col)
            continue
        summed = sum(_num(c) for c in cells)
        if summed != _num(total):
            failures.append(f"{col}: outcomes sum {_fmt(summed)} vs total {_fmt(_num(total))}")
    return _report("applications.outcomes", failures, skipped)


def _columns(apps: dict) -> Check:
    failures, skipped = [], []
    applicant = list(schema.APPLICANT_COLUMNS)
    for row, cells in apps.items():
        parts = [cells.get(c) for c in applicant]
        total = cells.get("total")
        if all(c is None or c.value is None for c in [*parts, total]):
            continue
        if _uncertain(total, *parts):
            skipped.append(row)
            continue
        summed = sum(_num(c) for c in parts)
        if summed != _num(total):
            failures.append(f"{row}: columns sum {_fmt(summed)} vs total {_fmt(_num(total))}")
    return _report("applications.columns", failures, skipped)


def _appeal_totals(appeals: dict) -> Check:
    failures, skipped = [], []
    for group, cells in appeals.items():
        parts = [cells.get(r) for r in ("upheld", "corrected", "other", "pending")]
        total = cells.get("total")
        if _uncertain(total, *parts):
            skipped.append(group)
            continue
        summed = sum(_num(c) for c in parts)
        if summed != _num(total):
            failures.append(f"{group}: {_fmt(summed)} vs total {_fmt(_num(total))}")
    return _report("appeals.totals", failures, skipped)
