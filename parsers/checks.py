"""The form's arithmetic, evaluated on the printed values and reported — never used to fix.

Each rule is made of comparisons (one per column of table 三, one per row, one per group of
table 四). A comparison is:

- *evaluated* when every cell it needs is decided: a cell printed blank (or with a dash)
  counts as 0, as the form's own rule reads it, and the detail says so;
- *not computed* when a cell it needs is undecided (the parser could not place a printed
  number) or absent (its row or table is not in the document): the detail names them;
- *empty* when every cell it needs is printed blank: there is nothing to check.

A rule's ``ok`` is ``False`` when an evaluated comparison fails, else ``None`` when one could
not be computed or none had anything to check (an all-blank template checks nothing), else
``True``. So a check never passes on cells that are not there and never fails because of the
parser's own uncertainty.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers import schema
from parsers.checks_whole import (
    APPEAL_COLUMNS,
    APPLICATION_COLUMNS,
    BALANCE_ROWS,
    SUMMED_COLUMNS,
    fmt,
    not_in_document,
    row_absent,
    rules_on_flat_tables,
    word_rule,
)
from parsers.model import MISSING, UNCERTAIN, CellValue, Check, Tables


def run_checks(
    tables: Tables, template: str, *, merged: dict[str, dict[str, CellValue]] | None = None
) -> list[Check]:
    """The four rules of the form, for a record of the 2019 or 2021 template.

    ``merged``: rows of table 三 printed in place of several rows of the template (a 2019-style
    （六）其他处理 row in a 2021 table, keyed ``other``); the outcome sum uses such a row where
    the rows it stands for are all absent.
    """
    apps = tables.get(schema.SECTION_APPLICATIONS)
    appeals = tables.get(schema.SECTION_APPEALS)
    flat = rules_on_flat_tables(apps, appeals, template, merged)
    return [
        flat[0] or _balance(apps),
        flat[1] or _outcomes(apps, template, merged or {}),
        flat[2] or _columns(apps),
        flat[3] or _appeal_totals(appeals),
    ]


class _Rule:
    """The comparisons of one rule as they are made, and what became of them."""

    __slots__ = ("name", "failures", "undecided", "absent", "blanks", "held", "empty")

    def __init__(self, name: str) -> None:
        self.name = name
        self.failures: list[str] = []
        self.undecided: list[str] = []
        self.absent: list[str] = []
        self.blanks: list[str] = []  # evaluated with blank cells as 0
        self.held = 0
        self.empty = 0

    def values(self, where: str, cells: Sequence[CellValue | None]) -> list[int | float] | None:
        """The values of one comparison's ``cells`` (blank cells as 0) when it can be made;
        else None, with the reason recorded (absent, undecided, or nothing printed).

        One pass over the cells: a rule checks a few dozen comparisons per report."""
        values: list[int | float] = []
        undecided = printed = blank = False
        for cell in cells:
            if cell is None:
                self.absent.append(where)
                return None
            status = cell.status
            if status == MISSING:
                self.absent.append(where)
                return None
            if status == UNCERTAIN:
                undecided = True
            value = cell.value
            if value is None:
                blank = True
                values.append(0)
            else:
                printed = True
                values.append(value)
        if undecided:
            self.undecided.append(where)
            return None
        if not printed:
            self.empty += 1
            return None
        if blank:
            self.blanks.append(where)
        return values

    def compare_sum(self, where: str, cells: Sequence[CellValue | None], label: str) -> None:
        """Parts first, total last; ``label`` words a failure (``{sum}``, ``{total}``)."""
        values = self.values(where, cells)
        if values is None:
            return
        total = values.pop()
        summed = sum(values)
        if summed == total:
            self.held += 1
        else:
            self.failures.append(label.format(sum=fmt(summed), total=fmt(total)))

    def check(self) -> Check:
        return word_rule(
            self.name, self.failures, self.undecided, self.absent, self.blanks, self.held
        )


def _balance(apps: dict | None) -> Check:
    rule = _Rule("applications.balance")
    if not apps:
        return not_in_document(rule.name, "table 三")
    missing = [r for r in BALANCE_ROWS if row_absent(apps.get(r))]
    if missing:
        return not_in_document(rule.name, f"rows {', '.join(missing)}")
    rows = [apps[r] for r in BALANCE_ROWS]
    for col in APPLICATION_COLUMNS:
        values = rule.values(col, [row.get(col) for row in rows])
        if values is None:
            continue
        new, carried_over, total, carried_forward = values
        left, right = new + carried_over, total + carried_forward
        if left == right:
            rule.held += 1
        else:
            rule.failures.append(
                f"{col}: new+carried_over {fmt(left)} vs total+carried_forward {fmt(right)}"
            )
    return rule.check()


def _outcomes(apps: dict | None, template: str, merged: dict[str, dict[str, CellValue]]) -> Check:
    rule = _Rule("applications.outcomes")
    if not apps:
        return not_in_document(rule.name, "table 三")
    rows = {r: apps[r] for r in schema.OUTCOME_ROWS.get(template, ()) if r in apps}
    other = [r for r in rows if r.startswith("other_")]
    if "other" in merged and other and all(row_absent(rows[r]) for r in other):
        for r in other:
            del rows[r]
        rows["other"] = merged["other"]  # the single （六） row printed in their place
    missing = [r for r in (*rows, "total") if row_absent(rows.get(r, apps.get(r)))]
    if missing:
        return not_in_document(rule.name, f"rows {', '.join(missing)}")
    parts = [*rows.values(), apps["total"]]
    for col in APPLICATION_COLUMNS:
        label = col + ": outcomes sum {sum} vs total {total}"
        rule.compare_sum(col, [cells.get(col) for cells in parts], label)
    return rule.check()


def _columns(apps: dict | None) -> Check:
    rule = _Rule("applications.columns")
    if not apps:
        return not_in_document(rule.name, "table 三")
    for row, cells in apps.items():
        if row_absent(cells):
            continue  # a row the document lacks has no sum of its own to check
        label = row + ": columns sum {sum} vs total {total}"
        rule.compare_sum(row, [cells.get(c) for c in SUMMED_COLUMNS], label)
    return rule.check()


def _appeal_totals(appeals: dict | None) -> Check:
    rule = _Rule("appeals.totals")
    if not appeals:
        return not_in_document(rule.name, "table 四")
    for group, cells in appeals.items():
        rule.compare_sum(
            group, [cells.get(r) for r in APPEAL_COLUMNS], group + ": {sum} vs total {total}"
        )
    return rule.check()
