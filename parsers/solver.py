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
multi-row rules, pruned by the remaining rows' min/max contributions: level by level, forward
from the start and back from the end (every sum 0), each state packed in one integer; a table
with too many states for that is walked depth first and memoized instead. A 26-row table
resolves in milliseconds.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

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
    # Per row and width: the coefficient of each of the row's columns (made when first asked;
    # the form's rules are made once and serve every document).
    _coefficients: dict = field(init=False, repr=False, compare=False)
    # Per row: its terms' ``(column, coefficient)``, in the rule's order (worked out once).
    by_row: dict[str, tuple[tuple[int, int], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", frozenset(t.row for t in self.terms))
        object.__setattr__(self, "_coefficients", {})
        by_row: dict[str, list[tuple[int, int]]] = {}
        for t in self.terms:
            by_row.setdefault(t.row, []).append((t.col, t.coef))
        object.__setattr__(self, "by_row", {row: tuple(cols) for row, cols in by_row.items()})

    def coefficients(self, row: str, width: int) -> tuple[int, ...]:
        """The rule's coefficient of each of ``row``'s ``width`` columns (0 where it reads
        none)."""
        key = (row, width)
        found = self._coefficients.get(key)
        if found is None:
            out = [0] * width
            for t in self.terms:
                if t.row == row:
                    out[t.col] += t.coef
            found = self._coefficients[key] = tuple(out)
        return found


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
    sizes = {row: len(cands) for row, cands in options.items()}  # (asked once: a call each)
    free = [row for row, size in sizes.items() if size > 1]
    free_set = set(free)  # (asked of every term of every rule: a list took most of the time)
    viable: dict[str, Sequence[int]] = {row: range(size) for row, size in sizes.items()}
    if 0 in sizes.values():
        return Solution(INCONSISTENT, viable, ["a row has no possible reading"])
    if not free:
        return Solution(UNIQUE, viable)

    def constant(rule: Rule) -> int | float:
        if rule.rows <= free_set:
            return 0  # (every term free: a row's own total, most rules)
        return sum(
            [
                t.coef * (0 if (v := options[t.row][0][t.col]) is None else v)
                for t in rule.terms
                if t.row not in free_set
            ]
        )

    # A row left to arithmetic that cannot meet its own total: the table does not add up,
    # told before any row is filtered or searched.
    for rule in rules:
        if len(rule.rows) == 1:
            (row,) = rule.rows
            candidates = options[row]
            if (
                type(candidates) is Placements
                and row in free_set
                and not _total_can_hold(candidates, row, rule)
            ):
                return Solution(INCONSISTENT, viable, [rule.name])

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
        kept = _kept(options[row], viable[row], row, rule, constant(rule))
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
    in_multi = set().union(*[r.rows for r in multi])  # (once, not once a row)
    dp_rows = [row for row in free if row in in_multi]
    largest = {row: _largest(options[row], viable[row]) for row in dp_rows}
    # Rows with large numbers first: their contributions prune the partial sums hardest.
    dp_rows.sort(key=lambda row: (-largest[row], len(viable[row])))
    dp_set = set(dp_rows)
    # The reading of each row the search does not place (one, or the first kept), taken once
    # for all the rules that read it.
    fixed = {row: options[row][viable[row][0]] for row in in_multi if row not in dp_set}
    start = tuple(
        sum(
            [
                t.coef * (0 if (v := fixed[t.row][t.col]) is None else v)
                for t in rule.terms
                if t.row not in dp_set
            ]
        )
        for rule in multi
    )
    deltas: list[list[tuple[int, tuple[int | float, ...]]]] = []
    packed: list[list[tuple[int, int]]] | None = []  # the same steps packed (see _Packed)
    # Each row's terms, rule by rule in each rule's order (float sums depend on it).
    terms: dict[str, list[tuple[int, int, int]]] = {row: [] for row in dp_rows}
    for m, rule in enumerate(multi):
        for row, columns in rule.by_row.items():  # (a row's terms keep the rule's order)
            found = terms.get(row)
            if found is not None:
                found += [(m, col, coef) for col, coef in columns]
    bits = _field_bits(start, largest, terms)
    for row in dp_rows:
        row_deltas, row_packed = _steps(options[row], viable[row], terms[row], len(multi), bits)
        deltas.append(row_deltas)
        if packed is not None and row_packed is not None:
            packed.append(row_packed)
        else:
            packed = None
    n = len(dp_rows)
    width = len(multi)
    low: list[list[int | float]] = [[0] * width for _ in range(n + 1)]
    high: list[list[int | float]] = [[0] * width for _ in range(n + 1)]
    reach: list[int | float] = [0] * width  # per rule: the most the rows can move its sum
    for level in range(n - 1, -1, -1):
        by_rule = list(zip(*[d for _, d in deltas[level]], strict=True))  # each rule's steps
        least, most = list(map(min, by_rule)), list(map(max, by_rule))
        low[level] = list(map(operator.add, low[level + 1], least))
        high[level] = list(map(operator.add, high[level + 1], most))
        reach = list(map(operator.add, reach, map(max, map(abs, least), map(abs, most))))

    search = None if packed is None else _Packed.of(start, packed, low, high, reach, bits)
    if search is not None:  # integers: each state one integer (see _Packed)
        origin: Any = search.start
        steps: list[list[tuple[int, Any]]] = search.deltas
        add: Callable[[Any, Any], Any] = operator.add
        within: Callable[[int, Any], bool] = search.within
    else:
        origin, steps = start, cast(list[list[tuple[int, Any]]], deltas)

        def add(state: Any, step: Any) -> Any:
            return tuple(map(operator.add, state, step))

        def within(level: int, state: Any) -> bool:
            if level == n:
                return all(s == 0 for s in state)
            return all(
                state[m] + low[level][m] <= 0 <= state[m] + high[level][m] for m in range(width)
            )

    memo: dict[tuple[int, Any], bool] = {}

    def walk(level: int, state: Any) -> bool:
        if not within(level, state):
            return False
        if level == n:
            return True
        key = (level, state)
        if key in memo:
            return memo[key]
        if len(memo) > max_states:
            raise _Budget
        result = any(walk(level + 1, add(state, delta)) for _, delta in steps[level])
        memo[key] = result
        return result

    if search is not None:
        layered = _layers_packed(search, n, min(max_states, _LAYERED_STATES))
        if layered is not None:
            if not layered:
                return Solution(INCONSISTENT, viable, [r.name for r in multi])
            viable.update(zip(dp_rows, layered, strict=True))
            return Solution(
                AMBIGUOUS if any(len(viable[row]) > 1 for row in free) else UNIQUE, viable
            )

    feasible: Callable[[int, Any], bool] = (
        walk if search is None else _feasible_packed(search, n, max_states)
    )

    try:
        if not feasible(0, origin):
            return Solution(INCONSISTENT, viable, [r.name for r in multi])
        states = {origin}
        for level, row in enumerate(dp_rows):
            reached: set[int] = set()
            next_states = set()
            for state in states:
                for i, step in steps[level]:
                    new = add(state, step)
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


def _feasible_packed(search: _Packed, n: int, max_states: int) -> Callable[[int, int], bool]:
    """The search's ``feasible`` over packed states: the same walk, in the same order, with
    the same budget (one state remembered per level and state), its bounds tested inline and
    a level's steps tried in a plain loop — the walk is most of a solve that has to search."""
    guard, least, most, steps = search.guard, search.least, search.most, search.deltas
    memos: list[dict[int, bool]] = [{} for _ in range(n)]
    remembered = 0

    def feasible(level: int, state: int) -> bool:
        nonlocal remembered
        if ((state | guard) - least[level]) & guard != guard or (
            (most[level] | guard) - state
        ) & guard != guard:
            return False
        if level == n:
            return True
        memo = memos[level]
        found = memo.get(state)
        if found is not None:
            return found
        if remembered > max_states:
            raise _Budget
        result = False
        after = level + 1
        for _, delta in steps[level]:
            if feasible(after, state + delta):
                result = True
                break
        memo[state] = result
        remembered += 1
        return result

    return feasible


_LAYERED_STATES = 20_000
"""Most states :func:`_layers_packed` gathers before handing a table to the walk (which may
find a reading among fewer: it stops at the first)."""


def _layers_packed(search: _Packed, n: int, limit: int) -> list[list[int]] | None:
    """The viable candidates of each of the search's ``n`` rows, level by level, as the walk
    and its sweep find them, or ``[]`` when no reading adds up; None when more than ``limit``
    states lie within the bounds (the caller then walks, as before).

    Forward: every state reached from the start whose sums stay within the bounds of the rows
    left (the states the walk would remember are among these, so under ``limit`` it never
    runs out of its budget either). Backward: of those, the ones from which the end (every
    sum 0) is reached, and the candidates that step from one to the next. Candidates that add
    the same to every sum (blank placements of a row, equal values) are stepped once, and the
    way back follows only the steps the way forward kept. Plain loops over sets, no call a
    state."""
    if not n:
        return None  # (no row to place: the walk tests the start alone)
    guard, least, most = search.guard, search.least, search.most
    grouped: list[list[tuple[int, list[int]]]] = []
    for level_steps in search.deltas:
        by_delta: dict[int, list[int]] = {}
        for i, delta in level_steps:
            found = by_delta.get(delta)
            if found is None:
                by_delta[delta] = [i]
            else:
                found.append(i)
        grouped.append(list(by_delta.items()))
    start = search.start
    if ((start | guard) - least[0]) & guard != guard or (
        (most[0] | guard) - start
    ) & guard != guard:
        return []
    # Per level, each step that stays within the bounds: (state, its candidates, next state).
    edges: list[list[tuple[int, list[int], int]]] = []
    current = {start}
    total = 1
    for level in range(n - 1):  # (the last row below)
        low, high = least[level + 1], most[level + 1] | guard  # (the guard set once a level)
        level_edges: list[tuple[int, list[int], int]] = []
        after: set[int] = set()
        for state in current:
            for delta, indexes in grouped[level]:
                new = state + delta
                if ((new | guard) - low) & guard == guard and (high - new) & guard == guard:
                    after.add(new)
                    level_edges.append((state, indexes, new))
        edges.append(level_edges)
        total += len(after)
        if total > limit:
            return None
        current = after
    # The last row: its bounds hold the end alone (every sum 0), so each state takes the one
    # step that lands there, if the row has it — looked up, not tried step by step.
    end = search.end
    last = dict(grouped[n - 1])
    last_edges = []
    for state in current:
        taken = last.get(end - state)
        if taken is not None:
            last_edges.append((state, taken, end))
    edges.append(last_edges)
    if not last_edges:
        return []
    if total + 1 > limit:
        return None
    good = {end}
    out: list[list[int]] = [[] for _ in range(n)]
    for level in range(n - 1, -1, -1):
        before: set[int] = set()
        reached: set[int] = set()
        for state, indexes, new in edges[level]:
            if new in good:
                before.add(state)
                reached.update(indexes)
        out[level] = sorted(reached)
        good = before
    return out


def _kept(
    candidates: Sequence[Vector], indexes: Sequence[int], row: str, rule: Rule, base: int | float
) -> list[int]:
    """The candidates at ``indexes`` on which ``rule`` holds, the rest of its terms adding up
    to ``base``: each candidate's terms read at once and added in the rule's order (a blank
    counts 0)."""
    own = [(t.col, t.coef) for t in rule.terms if t.row == row]
    columns = [col for col, _ in own]
    coefficients = [coef for _, coef in own]
    if not own:
        return list(indexes) if base == 0 else []
    read = operator.itemgetter(*columns) if len(columns) > 1 else None
    zero = _BLANK_AS_ZERO.get  # (zero.get(v, v): 0 for a blank, else the value itself)
    mul = operator.mul
    kept = []
    for i in indexes:
        vector = candidates[i]
        values = read(vector) if read is not None else (vector[columns[0]],)
        if base + sum(map(mul, coefficients, map(zero, values, values))) == 0:
            kept.append(i)
    return kept


_BLANK_AS_ZERO: dict[Any, int] = {None: 0}


def _steps(
    candidates: Sequence[Vector],
    indexes: Sequence[int],
    terms: list[tuple[int, int, int]],
    width: int,
    bits: int = 64,
) -> tuple[list[tuple[int, tuple[int | float, ...]]], list[tuple[int, int]] | None]:
    """What each candidate at ``indexes`` adds to each of the ``width`` multi-row rules
    (``terms``: the row's ``(rule, column, coefficient)``), and the same packed in one integer
    of fields of ``bits`` (:class:`_Packed`) when every value is an integer, else None.

    A row left to arithmetic (:class:`~parsers.placements.Placements`) of integers is worked
    out from the columns its values take, without building its readings; a blank adds 0."""
    weights = _weights(width, bits)
    if isinstance(candidates, Placements):
        values = candidates.values
        if all(type(v) is int or v is None for v in values):
            by_column: list[list[tuple[int, int]]] = [[] for _ in range(candidates.width)]
            weight = [0] * candidates.width
            for m, col, coef in terms:
                by_column[col].append((m, coef))
                weight[col] += coef * weights[m]
            # What each printed value adds at each column, packed and rule by rule (worked
            # out once a value, not once a placement); a blank or a 0 adds nothing.
            taken = [
                (
                    [x * w for w in weight],
                    [[(m, coef * x) for m, coef in at] for at in by_column],
                    j,
                )
                for j, x in enumerate(values)
                if x
            ]
            out: list[tuple[int, tuple[int | float, ...]]] = []
            packed = []
            for i in indexes:
                delta = [0] * width
                total = 0
                positions = candidates.positions(i)
                for adds, parts, j in taken:
                    col = positions[j]
                    total += adds[col]
                    for m, add in parts[col]:
                        delta[m] += add
                out.append((i, tuple(delta)))
                packed.append((i, total))
            return out, packed
    steps = []
    for i in indexes:
        vector = candidates[i]
        step: list[int | float] = [0] * width
        for m, col, coef in terms:
            value = vector[col]
            if value is not None:  # (a blank adds 0)
                step[m] += coef * value
        steps.append((i, tuple(step)))
    if not {type(x) for _, step in steps for x in step} <= {int}:
        return steps, None
    return steps, [(i, sum(map(operator.mul, step, weights))) for i, step in steps]


def _field_bits(
    start: Sequence[int | float],
    largest: Mapping[str, int | float],
    terms: Mapping[str, Sequence[tuple[int, int, int]]],
) -> int:
    """The width of each sum's field in the packed states (:class:`_Packed`): wide enough
    that the offset, ``2**(bits - 2)``, passes every partial sum and bound the search meets,
    and no wider, up to 64. A sum never strays from its start further than what each row
    may add to it, which is at most the row's largest value times the coefficients of its
    terms (a column holds one value): fields of a few dozen bits for the counts a report
    prints, instead of 64, so that every step, test and hash of a state handles a shorter
    integer."""
    if not all(type(x) is int for x in start) or not all(type(x) is int for x in largest.values()):
        return 64  # (not packed: see _Packed.of)
    most = [abs(int(x)) for x in start]
    for row, row_terms in terms.items():
        size = int(largest[row])
        for m, _col, coef in row_terms:
            most[m] += abs(coef) * size
    needed = max(most, default=0).bit_length() + 2
    return min(needed, 64)


def _largest(candidates: Sequence[Vector], indexes: Sequence[int]) -> int | float:
    """The largest size of a value among the candidates at ``indexes`` (a blank counts 0).
    Every placement of a row left to arithmetic holds every one of its values: their own
    largest, without building the placements."""
    if isinstance(candidates, Placements):
        if not indexes:
            return 0
        return max([0 if v is None else abs(v) for v in candidates.values], default=0)
    return max([0 if v is None else abs(v) for i in indexes for v in candidates[i]], default=0)


def _search(
    candidates: Placements,
    row: str,
    rules: Sequence[Rule],
    constant: Callable[[Rule], int | float],
) -> list[int]:
    """The placements of ``row`` satisfying every one of its own ``rules``."""
    width = candidates.width
    kept = candidates.satisfying(
        [(rule.coefficients(row, width), -constant(rule)) for rule in rules]
    )
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


def _total_can_hold(candidates: Placements, row: str, rule: Rule) -> bool:
    """False when ``rule`` is the row's own total (its other columns add up to its last) and
    no placement of its values meets it; True otherwise (not such a rule, or not all
    integers: the search tells). The values keep their order, so only the last can stand in
    the last column: the total holds when the others add up to the last, or, the last column
    left blank, when all add up to 0. A table whose row misses its own total does not add up
    whatever the other rows say, and the search of every other row is spared."""
    if rule.rows != {row} or rule.coefficients(row, candidates.width) != _row_total(
        candidates.width
    ):
        return True
    values = candidates.values
    if not values or not all(type(v) is int or v is None for v in values):
        return True
    numbers = [v or 0 for v in values]
    last = numbers.pop()
    return sum(numbers) == last or sum(numbers) + last == 0


@lru_cache(maxsize=8)
def _row_total(width: int) -> tuple[int, ...]:
    """The coefficients of a row's own total over ``width`` columns: the others minus the last."""
    return (1,) * (width - 1) + (-1,)


def agreed(vectors: Sequence[Vector]) -> list[bool]:
    """Per position: do all vectors hold the same value? (Read column by column: a column's
    values all count as its first when none differs from it — ``count`` takes the first
    itself, and any other object that is it, as equal without asking, so a first value that
    equals nothing, NaN, is told apart.)"""
    if not vectors:
        return []
    count = len(vectors)
    return [
        column.count(first := column[0]) == count and first == first
        for column in zip(*vectors, strict=True)
    ]


class _Packed:
    """The search's states packed in one integer each, when every number is an integer.

    A state is the vector of the multi-row rules' partial sums; each sum takes a field (of
    64 bits at most, as few as its sums need: :func:`_field_bits`) holding it plus an offset
    (never negative: every partial sum lies within ``±bound``, the start's sizes plus each
    row's largest step), whose top bit is a guard.
    Taking a row's step is adding one integer, a state is hashed as one integer, and the
    bounds every sum must stay within (``low``/``high``: what the rows left can still add)
    are tested for all sums at once: ``a >= b`` in every field is
    ``((a | guard) - b) & guard == guard`` (no field borrows from the next)."""

    __slots__ = ("start", "deltas", "guard", "end", "least", "most")

    def __init__(
        self,
        start: int,
        deltas: list[list[tuple[int, int]]],
        guard: int,
        end: int,
        least: list[int],
        most: list[int],
    ) -> None:
        self.start = start
        self.deltas = deltas
        self.guard = guard
        self.end = end  # every sum at 0: the state a whole reading must reach
        self.least = least  # per level, packed: the least each sum may be there
        self.most = most

    @classmethod
    def of(
        cls,
        start: tuple,
        deltas: list[list[tuple[int, int]]],
        low: list[list],
        high: list[list],
        reach: Sequence[int | float],
        bits: int = 64,
    ) -> _Packed | None:
        """The packed search over ``deltas`` (packed by :func:`_steps` in fields of
        ``bits``), or None when the start is not all integers or a sum could pass ``2**62``.
        ``reach``: per sum, the larger size of each row's least and most step, added up over
        the rows."""
        if not all(type(x) is int for x in start):
            return None
        # Each sum stays within its start plus, row by row, the larger size of its least and
        # most step.
        bound = max(map(operator.add, map(abs, start), reach)) if start else 0
        if bound >= _OFFSET:
            return None
        offset = 1 << (bits - 2)
        if bound >= offset:  # (fields chosen too narrow: never, see _field_bits)
            raise ValueError(f"sums of {bound} do not fit fields of {bits} bits")
        weights = _weights(len(start), bits)

        def packed(values: Sequence[int]) -> int:
            """The values as fields of ``bits`` (negative ones borrowing from the next: the
            offsets added to a state make every field of it non-negative again)."""
            return sum(map(operator.mul, values, weights))

        zero = packed([offset] * len(start))
        least = [zero - packed(level) for level in high]  # -high <= sum <= -low
        most = [zero - packed(level) for level in low]
        guard = packed([offset << 1] * len(start))
        return cls(zero + packed(start), deltas, guard, zero, least, most)

    def within(self, level: int, state: int) -> bool:
        """Whether every sum of ``state`` can still reach 0 with the rows from ``level`` on."""
        guard = self.guard
        return ((state | guard) - self.least[level]) & guard == guard and (
            (self.most[level] | guard) - state
        ) & guard == guard


_OFFSET = 1 << 62
"""What each sum's field holds at 0 at the widest, 64 bits: sums within ``±2**62`` stay in
bits 0-62, and the top bit is the field's guard (a narrower field of ``bits``: its offset
``2**(bits - 2)``, its guard ``2**(bits - 1)``)."""


@lru_cache(maxsize=512)
def _weights(width: int, bits: int = 64) -> tuple[int, ...]:
    """The place of each sum's field of ``bits``."""
    return tuple(1 << (bits * m) for m in range(width))


class _Budget(Exception):
    """The search grew beyond its budget."""
