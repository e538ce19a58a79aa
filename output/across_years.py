"""Cells that one report leaves undecided and an identity across the agency's years decides.

Two identities tie an agency's consecutive reports together:

- **carry-over**: this year's 上年结转 is last year's 结转下年度, column by column
  (``applications.carried_over.<col>(t) = applications.carried_forward.<col>(t−1)``);
- **in force**: 现行有效件数 moves by what was issued less what was repealed
  (``proactive.<item>.in_force(t) = in_force(t−1) + issued(t) − repealed(t)``, for 规章 and
  行政规范性文件, in the 2021 format).

A report's arithmetic sometimes leaves a row with several readings (blank cells lost in
flattening: two numbers printed for three columns). The parser keeps those readings on the
row's undecided cells (:class:`parsers.model.RowReadings`). Here each identity is tried on every
combination of the readings of the rows it involves, the other cells taking their printed values
(a printed blank counts as 0). A cell is decided when every combination that satisfies the
identity agrees on it — the same rule the parser applies inside one document. So a decision is
always one of the readings the printed numbers allow: never a number that was not printed,
never against a printed number. When no combination satisfies the identity (the reports do not
carry over, or a needed cell is unknown), nothing is decided and the cells stay undecided.

:func:`decide_agency` is pure: an agency's reports in, decisions out. Identities of both
neighbours narrow a row together (last year's in_force and next year's can each leave two
readings, and only one both). In table 三 the narrowed rows are then settled with the form's
own rules (row totals, outcomes, balance) by the parser's solver, so a choice made across years
carries to the rows tied to it in the same table. :func:`apply_decisions` gives a report with
its decided cells (status ``decided_across_years``, naming the identity and the other report).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from parsers import schema
from parsers.model import BLANK, DASH, UNCERTAIN, CellValue, Number, Report, format_number
from parsers.solver import INCONSISTENT, TOO_MANY, agreed, solve
from parsers.tables.applications import application_rules

DECIDED = "decided_across_years"
"""The cells status of a cell decided by an identity across years."""

CARRY_OVER = "carry_over"
IN_FORCE = "in_force"
RULES = {
    CARRY_OVER: "this year's carried_over = last year's carried_forward (上年结转 = 上年结转下年度)",
    IN_FORCE: "in_force = last year's in_force + issued − repealed (现行有效件数)",
}
"""The identities, by the code the cells dataset names them with."""

APPLICATION_COLUMNS = tuple(c.code for c in schema.APPLICATION_COLUMNS)
IN_FORCE_ITEMS = ("regulations", "normative_documents")
MAX_COMBINATIONS = 10_000
"""Most combinations of readings one identity is tried on (more: nothing is decided)."""

LATER, EARLIER = 0, 1


@dataclass(frozen=True)
class Decision:
    """A cell of one report decided by an identity with the other report of the pair."""

    section: str
    row: str
    column: str
    value: Number | None
    """The number, or None where the chosen reading leaves the cell blank."""
    rule: str
    """:data:`CARRY_OVER` or :data:`IN_FORCE`."""
    other: str
    """The report id of the other report."""


@dataclass(slots=True)
class DecidedCell(CellValue):
    """A cell decided across years: the rule and the other report travel with it."""

    rule: str = ""
    other: str = ""


@dataclass(frozen=True)
class _Term:
    report: int  # LATER or EARLIER
    row: str
    column: str
    coef: int


@dataclass(frozen=True)
class _Identity:
    rule: str
    section: str
    equations: tuple[tuple[_Term, ...], ...]  # each: sum(coef × value) == 0


def identities(earlier: Report, later: Report) -> list[_Identity]:
    """The identities that apply to this pair of consecutive reports."""
    out = [
        _Identity(
            CARRY_OVER,
            "applications",
            tuple(
                (_Term(LATER, "carried_over", c, 1), _Term(EARLIER, "carried_forward", c, -1))
                for c in APPLICATION_COLUMNS
            ),
        )
    ]
    if earlier.template == later.template == "2021":
        for item in IN_FORCE_ITEMS:
            out.append(
                _Identity(
                    IN_FORCE,
                    "proactive",
                    (
                        (
                            _Term(LATER, item, "in_force", 1),
                            _Term(EARLIER, item, "in_force", -1),
                            _Term(LATER, item, "issued", -1),
                            _Term(LATER, item, "repealed", 1),
                        ),
                    ),
                )
            )
    return out


Row = tuple[str, str, str]
"""(report id, section, row)."""


def decide_agency(chain: Sequence[tuple[str, Report]]) -> dict[str, list[Decision]]:
    """Decisions by report id for one agency's reports (``(report id, report)`` pairs, any
    order; reports of consecutive years are paired). Only undecided cells are ever decided.

    Each identity between two consecutive reports is tried on its own: the readings of an open
    row that take part in a combination satisfying it are kept. An identity no combination
    satisfies is not used (the reports do not follow it). A row's readings are those every
    identity keeps; its cells on which they all agree are decided. A row that two identities
    narrow to nothing in common is left as it was."""
    ordered = sorted((r for r in chain if r[1].year is not None), key=lambda r: r[1].year or 0)
    kept: dict[Row, list[set[int]]] = {}
    used: dict[Row, list[tuple[str, str]]] = {}
    rows_of: dict[Row, tuple[tuple[str, ...], list]] = {}
    for (earlier_id, earlier), (later_id, later) in itertools.pairwise(ordered):
        if later.year != (earlier.year or 0) + 1:  # both have a year (filtered above)
            continue
        pair = ((later_id, later), (earlier_id, earlier))
        for identity in identities(earlier, later):
            _try(identity, pair, rows_of, kept, used)
    reports = dict(ordered)
    narrowed: dict[tuple[str, str], dict[str, tuple]] = {}
    names: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, sets in kept.items():
        final = set.intersection(*sets)
        if not final:
            continue  # the identities disagree: leave the row as the report left it
        report_id, section, row = key
        columns, vectors = rows_of[key]
        narrowed.setdefault((report_id, section), {})[row] = (
            columns,
            [vectors[i] for i in sorted(final)],
        )
        names.setdefault((report_id, section), []).extend(used[key])
    out: dict[str, list[Decision]] = {}
    for (report_id, section), rows in narrowed.items():
        rules = ", ".join(dict.fromkeys(rule for rule, _ in names[(report_id, section)]))
        others = ", ".join(dict.fromkeys(other for _, other in names[(report_id, section)]))
        for (row, column), value in _settle(reports[report_id], section, rows).items():
            out.setdefault(report_id, []).append(
                Decision(section, row, column, value, rules, others)
            )
    return out


def _settle(report: Report, section: str, narrowed: dict[str, tuple]) -> dict[tuple[str, str], Any]:
    """The undecided cells of a section once some of its rows are narrowed: where every
    reading still possible agrees. In table 三 the form's own rules (row totals, outcomes,
    balance) carry a narrowed row's choice to the rows tied to it, solved as the parser does."""
    table = report.tables[section]
    options = {row: vectors for row, (_columns, vectors) in narrowed.items()}
    shape = {row: columns for row, (columns, _vectors) in narrowed.items()}
    rules = []
    if section == "applications":
        for row in table:
            if row in options:
                continue
            found = _row_options(report, section, row)
            if found is not None and found[0] == APPLICATION_COLUMNS:
                options[row], shape[row] = found[1], found[0]
        if all(columns == APPLICATION_COLUMNS for columns in shape.values()):
            rules = application_rules(report.template, set(options))
    solution = solve(options, rules)
    if solution.status in (INCONSISTENT, TOO_MANY):
        return {}
    out: dict[tuple[str, str], Any] = {}
    for row, indexes in solution.viable.items():
        cells = table[row]
        chosen = [options[row][i] for i in indexes]
        for position, (column, same) in enumerate(zip(shape[row], agreed(chosen), strict=True)):
            if same and column in cells and cells[column].status == UNCERTAIN:
                out[(row, column)] = chosen[0][position]
    return out


def _try(
    identity: _Identity,
    pair: tuple[tuple[str, Report], tuple[str, Report]],
    rows_of: dict[Row, tuple[tuple[str, ...], list]],
    kept: dict[Row, list[set[int]]],
    used: dict[Row, list[tuple[str, str]]],
) -> None:
    """Narrow the open rows one identity involves to the readings it can hold with."""
    rows = sorted({(t.report, t.row) for eq in identity.equations for t in eq})
    options = []
    keys: list[Row | None] = []
    for r, row in rows:
        report_id, report = pair[r]
        found = _row_options(report, identity.section, row)
        if found is None:
            return  # a needed cell is unknown
        columns, vectors, is_open = found
        key = (report_id, identity.section, row) if is_open else None
        if key is not None:
            rows_of[key] = (columns, vectors)
        options.append((columns, vectors))
        keys.append(key)
    if not any(keys) or _combinations(options) > MAX_COMBINATIONS:
        return
    index = {key: i for i, key in enumerate(rows)}
    choices = [range(len(vectors)) for _columns, vectors in options]
    good = [
        combo
        for combo in itertools.product(*choices)
        if all(_holds(eq, combo, index, options) for eq in identity.equations)
    ]
    if not good:
        return  # the reports do not follow this identity: it decides nothing
    for i, key in enumerate(keys):
        if key is None:
            continue
        keep = {combo[i] for combo in good}
        if len(keep) < len(options[i][1]):
            other = pair[1 - rows[i][0]][0]
            kept.setdefault(key, []).append(keep)
            used.setdefault(key, []).append((identity.rule, other))


def _row_options(
    report: Report, section: str, row: str
) -> tuple[tuple[str, ...], list[tuple[Number | None, ...]], bool] | None:
    """(columns, readings, open) of a row: its open readings, or the one reading of its
    printed values; None when a cell is neither printed nor open to a reading."""
    cells = (report.tables.get(section) or {}).get(row)
    if not cells:
        return None
    open_readings = next((c.readings for c in cells.values() if c.readings is not None), None)
    if open_readings is not None:
        columns = open_readings.columns
        if set(cells) - set(columns):
            return None  # readings of another shape than the row
        # a reading must agree with every cell no longer open (a reviewer's correction)
        fixed = {
            i: _known(cells[c])
            for i, c in enumerate(columns)
            if c in cells and cells[c].status != UNCERTAIN
        }
        vectors = [
            v for v in open_readings.vectors if all(v[i] == known for i, known in fixed.items())
        ]
        return (tuple(columns), vectors, True) if vectors else None
    values = {column: _known(cell) for column, cell in cells.items()}
    if any(v is _UNKNOWN for v in values.values()):
        return None
    return tuple(values), [tuple(values.values())], False


_UNKNOWN = object()


def _known(cell: CellValue):
    """A cell's printed value (None for a printed blank), or _UNKNOWN."""
    if cell.value is not None:
        return cell.value
    if cell.status in (BLANK, DASH):
        return None
    return _UNKNOWN


def _combinations(options: Sequence) -> int:
    total = 1
    for _columns, vectors in options:
        total *= len(vectors)
    return total


def _holds(equation: tuple[_Term, ...], combo, index, options) -> bool:
    """Whether one equation holds for a combination (of reading indexes); blank counts 0."""
    total = 0
    for term in equation:
        i = index[(term.report, term.row)]
        columns, vectors = options[i]
        if term.column not in columns:
            return False
        value = vectors[combo[i]][columns.index(term.column)]
        total += term.coef * (value or 0)
    return total == 0


def apply_decisions(report: Report, decisions: Iterable[Decision]) -> Report:
    """A copy of ``report`` with its decided cells (the report given is left as it is)."""
    decisions = list(decisions)
    if not decisions:
        return report
    tables = {section: dict(rows) for section, rows in report.tables.items()}
    for d in decisions:
        row = tables[d.section][d.row] = dict(tables[d.section][d.row])
        before = row[d.column]
        raw = "" if d.value is None else format_number(d.value)
        row[d.column] = DecidedCell(d.value, raw, DECIDED, before.unit, rule=d.rule, other=d.other)
    names = ", ".join(
        f"{d.section}.{d.row}.{d.column} ({d.rule}, report {d.other})" for d in decisions
    )
    warning = f"{len(decisions)} cell(s) decided across years: {names}"
    return replace(report, tables=tables, warnings=[*report.warnings, warning])


def decide_across_years(
    chains: Iterable[Sequence[tuple[str, Report]]],
) -> dict[str, list[Decision]]:
    """:func:`decide_agency` for each agency's reports."""
    out: dict[str, list[Decision]] = {}
    for chain in chains:
        out.update(decide_agency(chain))
    return out
