"""Deciding where numbers belong when the document does not say: the table's own arithmetic.

Pipe text moves blank cells to the end of their row; text taken from PDFs runs adjacent cells
together (``801000081`` is 80|1|0|0|0|0|81). In both cases a row has several *candidate*
readings. The statutory tables carry linear rules (row total = sum of the six applicant
columns; outcome rows sum to （七）总计; new + carried_over = total + carried_forward; each appeals
group's results sum to its total). :func:`solve` keeps exactly the candidates that take part in
at least one reading of the whole table satisfying every rule; a cell is decided only when all
such readings agree on it. No reading at all means the printed table does not add up: nothing
is forced then, and the caller leaves the undecided cells null with a warning.

The search is a dynamic programme over rows whose state is the vector of partial sums of the
multi-row rules, pruned by the remaining rows' min/max contributions and memoized, so a
26-row table resolves in milliseconds.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from parsers.placements import Placements, Value, Vector
from parsers.placements import placements as placements  # re-exported: callers import it here

UNIQUE = "unique"  # every free row has exactly one viable reading
AMBIGUOUS = "ambiguous"  # some rows keep several readings; agreeing cells are decided
INCONSISTENT = "inconsistent"  # no reading satisfies the rules: the table does not add up
TOO_MANY = "too_many"  # the search space exceeded its budget; nothing free is decided


@dataclass(frozen=True, slots=True)
class Term:
    row: str
    col: int
    coef: int = 1


@dataclass(frozen=True, slots=True)
class Rule:
    """A linear rule of the form: sum(coef * value) == 0, a missing value counting as 0."""

    name: str
    terms: tuple[Term, ...]
    # The rows its terms read, worked out once: the solver asks of every rule which of its
    # rows are present and which are free (a set operation instead of a walk of the terms).
    rows: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", frozenset(t.row for t in self.terms))


@dataclass
class Solution:
    status: str
    # row → indexes of candidates (a range where every candidate is viable: a row of table 四
    # left to arithmetic has 5,005 of them)
    viable: dict[str, Sequence[int]] = field(default_factory=dict)
    broken_rules: list[str] = field(default_factory=list)  # rules no reading satisfies


def _num(value: Value) -> int | float:
    return 0 if value is None else value


def solve(
    options: Mapping[str, Sequence[Vector]], rules: Sequence[Rule], *, max_states: int = 200_000
) -> Solution:
    """Find the candidates of each row that belong to some reading satisfying all rules."""
    present = set(options)
    rules = [r for r in rules if r.rows <= present]
    free = [row for row, cands in options.items() if len(cands) > 1]
    free_set = set(free)  # (asked of every term of every rule: a list took most of the time)
    viable: dict[str, Sequence[int]] = {row: range(len(c)) for row, c in options.items()}
    if any(not cands for cands in options.values()):
        return Solution(INCONSISTENT, viable, ["a row has no possible reading"])
    if not free:
        return Solution(UNIQUE, viable)

    def constant(rule: Rule) -> int | float:
        return sum(
            t.coef * _num(options[t.row][0][t.col]) for t in rule.terms if t.row not in free_set
        )

    # Rules touching one free row only filter that row's candidates (all at once, by a search,
    # for rows given as Placements).
    multi: list[Rule] = []
    searched: dict[str, list[Rule]] = {}
    for rule in rules:
        rows = rule.rows & free_set
        if not rows:
            continue
        if len(rows) > 1:
            multi.append(rule)
            continue
        (row,) = rows
        if isinstance(options[row], Placements):
            searched.setdefault(row, []).append(rule)
            continue
        base = constant(rule)
        kept = [
            i
            for i in viable[row]
            if base + sum(t.coef * _num(options[row][i][t.col]) for t in rule.terms if t.row == row)
            == 0
        ]
        if not kept:
            return Solution(INCONSISTENT, viable, [rule.name])
        viable[row] = kept
    for row, row_rules in searched.items():
        kept = _search(cast(Placements, options[row]), row, row_rules, constant)
        if not kept:
            return Solution(INCONSISTENT, viable, [rule.name for rule in row_rules])
        viable[row] = kept

    unary = dict(viable)  # (the search replaces a row's indexes, never changes them)
    still_free = [row for row in free if len(viable[row]) > 1]
    if not multi:
        return Solution(AMBIGUOUS if still_free else UNIQUE, viable)

    # Rows fixed by the unary filter become constants of the multi-row rules.
    in_multi = {t.row for r in multi for t in r.terms}  # (once, not once a row)
    dp_rows = [row for row in free if row in in_multi]
    # Rows with large numbers first: their contributions prune the partial sums hardest.
    dp_rows.sort(key=lambda row: (-_largest(options[row], viable[row]), len(viable[row])))
    dp_set = set(dp_rows)
    start = tuple(
        sum(
            t.coef * _num(options[t.row][viable[t.row][0]][t.col])
            for t in rule.terms
            if t.row not in dp_set
        )
        for rule in multi
    )
    deltas: list[list[tuple[int, tuple[int | float, ...]]]] = []
    for row in dp_rows:
        # The row's terms, rule by rule in each rule's order (float sums depend on it).
        terms = [
            (m, t.col, t.coef) for m, rule in enumerate(multi) for t in rule.terms if t.row == row
        ]
        row_deltas = []
        for i in viable[row]:
            vector = options[row][i]
            delta: list[int | float] = [0] * len(multi)
            for m, col, coef in terms:
                delta[m] += coef * _num(vector[col])
            row_deltas.append((i, tuple(delta)))
        deltas.append(row_deltas)
    n = len(dp_rows)
    width = len(multi)
    low: list[list[int | float]] = [[0] * width for _ in range(n + 1)]
    high: list[list[int | float]] = [[0] * width for _ in range(n + 1)]
    for level in range(n - 1, -1, -1):
        for m in range(width):
            contributions = [d[m] for _, d in deltas[level]]
            low[level][m] = low[level + 1][m] + min(contributions)
            high[level][m] = high[level + 1][m] + max(contributions)

    memo: dict[tuple[int, tuple], bool] = {}

    def feasible(level: int, state: tuple) -> bool:
        if level == n:
            return all(s == 0 for s in state)
        for m in range(width):
            if not (state[m] + low[level][m] <= 0 <= state[m] + high[level][m]):
                return False
        key = (level, state)
        if key in memo:
            return memo[key]
        if len(memo) > max_states:
            raise _Budget
        result = any(
            feasible(level + 1, tuple(map(operator.add, state, delta)))
            for _, delta in deltas[level]
        )
        memo[key] = result
        return result

    try:
        if not feasible(0, start):
            return Solution(INCONSISTENT, viable, [r.name for r in multi])
        states = {start}
        for level, row in enumerate(dp_rows):
            reached: set[int] = set()
            next_states = set()
            for state in states:
                for i, step in deltas[level]:
                    new = tuple(map(operator.add, state, step))
                    if feasible(level + 1, new):
                        reached.add(i)
                        next_states.add(new)
            if len(next_states) > max_states:
                raise _Budget
            viable[row] = sorted(reached)
            states = next_states
    except _Budget:
        # Keep what the single-row rules decided: every full reading lies within those sets.
        return Solution(TOO_MANY, unary)
    ambiguous = any(len(viable[row]) > 1 for row in free)
    return Solution(AMBIGUOUS if ambiguous else UNIQUE, viable)


def _largest(candidates: Sequence[Vector], indexes: Sequence[int]) -> int | float:
    """The largest size of a value among the candidates at ``indexes`` (a blank counts 0).
    Every placement of a row left to arithmetic holds every one of its values: their own
    largest, without building the placements."""
    if isinstance(candidates, Placements):
        return max((abs(_num(v)) for v in candidates.values), default=0) if indexes else 0
    return max((abs(_num(v)) for i in indexes for v in candidates[i]), default=0)


def _search(
    candidates: Placements,
    row: str,
    rules: Sequence[Rule],
    constant: Callable[[Rule], int | float],
) -> list[int]:
    """The placements of ``row`` satisfying every one of its own ``rules``."""
    sums = []
    for rule in rules:
        coefficients = [0] * candidates.width
        for t in rule.terms:
            if t.row == row:
                coefficients[t.col] += t.coef
        sums.append((coefficients, -constant(rule)))
    kept = candidates.satisfying(sums)
    if kept is not None:
        return kept
    # Not all integers: test every placement, adding up in the rules' own order.
    vectors = list(candidates)
    indexes: Sequence[int] = range(len(vectors))
    for rule in rules:
        base = constant(rule)
        indexes = [
            i
            for i in indexes
            if base + sum(t.coef * _num(vectors[i][t.col]) for t in rule.terms if t.row == row) == 0
        ]
    return list(indexes)


def agreed(vectors: Sequence[Vector]) -> list[bool]:
    """Per position: do all vectors hold the same value?"""
    if not vectors:
        return []
    first = vectors[0]
    return [all(v[i] == first[i] for v in vectors) for i in range(len(first))]


class _Budget(Exception):
    """The search grew beyond its budget."""
