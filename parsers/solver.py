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

import itertools
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

Value = int | float | None
Vector = tuple[Value, ...]

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


@dataclass
class Solution:
    status: str
    viable: dict[str, list[int]] = field(default_factory=dict)  # row → indexes of candidates
    broken_rules: list[str] = field(default_factory=list)  # rules no reading satisfies


def placements(values: Sequence[Value], width: int) -> list[Vector]:
    """Every way to put ``values`` (in order) into ``width`` columns, the rest blank (None)."""
    return list(Placements(values, width))


class Placements(Sequence[tuple]):
    """The placements of :func:`placements` (same order) without listing them.

    A row of table 四 with six printed values among fifteen columns has 5,005 placements, of
    which its three group sums leave about a hundred: :meth:`satisfying` finds those by a
    pruned search instead of testing each. A placement is built only when asked for; the
    values may be anything (numbers, or the printed cells themselves).
    """

    def __init__(self, values: Sequence, width: int):
        self.values = tuple(values)
        self.width = width
        self._size = math.comb(width, len(self.values)) if len(self.values) <= width else 0
        self._known: dict[int, tuple] = {}  # placements already built, by index

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        found = self._known.get(index)
        if found is None:
            found = self._known[index] = self._vector(self._positions(index))
        return found

    def __iter__(self) -> Iterator[tuple]:
        if self._size:
            for positions in itertools.combinations(range(self.width), len(self.values)):
                yield self._vector(positions)

    def _vector(self, positions: Sequence[int]) -> tuple:
        vector: list = [None] * self.width
        for position, value in zip(positions, self.values, strict=True):
            vector[position] = value
        return tuple(vector)

    def _positions(self, index: int) -> tuple[int, ...]:
        """The columns of the ``index``-th placement (combinations come in lexicographic
        order: skip whole blocks of them sharing a prefix)."""
        k, width = len(self.values), self.width
        positions = []
        position = 0
        for j in range(k):
            while True:
                block = math.comb(width - position - 1, k - j - 1)
                if index < block:
                    break
                index -= block
                position += 1
            positions.append(position)
            position += 1
        return tuple(positions)

    def _windows(
        self, rules: list[list[int]], numbers: list[int], targets: list[int]
    ) -> tuple[list[list[tuple[int, ...]]], list[list[tuple[int, ...]]]]:
        """``least[j][s]`` / ``most[j][s]``: per sum, the range its partial sum must lie in
        before values ``j..`` are placed, value ``j`` at column ``s`` or a later one, for the
        sum to reach its target (the values keep their order, so the range is exact for each
        sum on its own; from the least / most those values can add)."""
        k, width = len(numbers), self.width
        zero = (0,) * len(rules)
        low: list[list[tuple[int, ...]]] = [[zero] * (width + 1) for _ in range(k + 1)]
        high: list[list[tuple[int, ...]]] = [[zero] * (width + 1) for _ in range(k + 1)]
        for j in range(k - 1, -1, -1):
            last = width - k + j  # the last column value j can take
            for s in range(last, -1, -1):
                here = [c[s] * numbers[j] for c in rules]
                here_low = tuple(map(operator.add, here, low[j + 1][s + 1]))
                here_high = tuple(map(operator.add, here, high[j + 1][s + 1]))
                if s < last:
                    here_low = tuple(map(min, here_low, low[j][s + 1]))
                    here_high = tuple(map(max, here_high, high[j][s + 1]))
                low[j][s] = here_low
                high[j][s] = here_high
        least = [[tuple(map(operator.sub, targets, h)) for h in row] for row in high]
        most = [[tuple(map(operator.sub, targets, lo)) for lo in row] for row in low]
        return least, most

    def satisfying(self, sums: Sequence[tuple[Sequence[int], int | float]]) -> list[int] | None:
        """Indexes (ascending) of the placements on which every ``(coefficients, target)``
        holds: the sum of ``coefficients[column] * value`` is ``target``, a blank or a None
        value counting 0.

        None when a value or target is not an integer: sums of floats depend on the order of
        addition, so the caller then tests each placement as it always did.
        """
        numbers = [0 if v is None else v for v in self.values]
        if any(type(x) is not int for x in numbers) or any(type(t) is not int for _, t in sums):
            return None
        k, width = len(numbers), self.width
        if not self._size or not k:  # none, or the one all-blank placement: test it
            return [i for i, v in enumerate(self) if all(t == 0 for _, t in sums)]
        rules = [list(c) for c, _ in sums]
        # every value and target is an int here (checked above)
        targets = cast(list[int], [t for _, t in sums])
        least, most = self._windows(rules, cast(list[int], numbers), targets)
        # What value j adds to each sum at each column, and how many placements put it there.
        adds = [[tuple(c[p] * x for c in rules) for p in range(width)] for x in numbers]
        block = [[math.comb(width - p - 1, k - j - 1) for p in range(width)] for j in range(k)]
        found: list[int] = []
        positions: list[int] = []
        le, add = operator.le, operator.add

        def walk(j: int, start: int, partial: tuple[int, ...], index: int) -> None:
            if j == k:
                found.append(index)
                self._known[index] = self._vector(positions)
                return
            after_least, after_most = least[j + 1], most[j + 1]
            for position in range(start, width - k + j + 1):
                now = tuple(map(add, partial, adds[j][position]))
                after = position + 1
                if all(map(le, after_least[after], now)) and all(map(le, now, after_most[after])):
                    positions.append(position)
                    walk(j + 1, after, now, index)
                    positions.pop()
                index += block[j][position]

        walk(0, 0, (0,) * len(rules), 0)
        return found


def _num(value: Value) -> int | float:
    return 0 if value is None else value


def solve(
    options: Mapping[str, Sequence[Vector]], rules: Sequence[Rule], *, max_states: int = 200_000
) -> Solution:
    """Find the candidates of each row that belong to some reading satisfying all rules."""
    rules = [r for r in rules if all(t.row in options for t in r.terms)]
    free = [row for row, cands in options.items() if len(cands) > 1]
    viable: dict[str, list[int]] = {row: list(range(len(c))) for row, c in options.items()}
    if any(not cands for cands in options.values()):
        return Solution(INCONSISTENT, viable, ["a row has no possible reading"])
    if not free:
        return Solution(UNIQUE, viable)

    def constant(rule: Rule) -> int | float:
        return sum(t.coef * _num(options[t.row][0][t.col]) for t in rule.terms if t.row not in free)

    # Rules touching one free row only filter that row's candidates (all at once, by a search,
    # for rows given as Placements).
    multi: list[Rule] = []
    searched: dict[str, list[Rule]] = {}
    for rule in rules:
        rows = {t.row for t in rule.terms if t.row in free}
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

    unary = {row: list(indexes) for row, indexes in viable.items()}
    still_free = [row for row in free if len(viable[row]) > 1]
    if not multi:
        return Solution(AMBIGUOUS if still_free else UNIQUE, viable)

    # Rows fixed by the unary filter become constants of the multi-row rules.
    dp_rows = [row for row in free if row in {t.row for r in multi for t in r.terms}]
    # Rows with large numbers first: their contributions prune the partial sums hardest.
    dp_rows.sort(
        key=lambda row: (
            -max((abs(_num(v)) for i in viable[row] for v in options[row][i]), default=0),
            len(viable[row]),
        )
    )
    start = tuple(
        sum(
            t.coef * _num(options[t.row][viable[t.row][0]][t.col])
            for t in rule.terms
            if t.row not in dp_rows
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
