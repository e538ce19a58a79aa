"""The placements of a row's printed values among its columns, listed lazily.

Pipe text moves blank cells to the end of their row, so a row that prints ``k`` numbers for
``width`` columns may hold them in any ``k`` of its columns, in order: ``C(width, k)``
placements (table 四's six numbers among fifteen columns: 5,005). :class:`Placements` stands
for that list without building it: a placement is made when asked for, :meth:`satisfying`
finds the ones a set of sums allows by a pruned search, and :meth:`agreement` says, over a set
of readings, which columns they all fill alike — without building the readings.

The columns of each placement come from a table of the combinations of ``width`` columns
taken ``k`` at a time, built once per shape (a table 三 row has seven columns, table 四
fifteen: a handful of shapes serve every document), so the ``i``-th placement is a lookup.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any, cast

Value = int | float | None
Vector = tuple[Value, ...]
Layout = tuple[list[bool], list[set[int]]]
"""Per column: whether some placement leaves it blank, and the values that take it."""

MAX_TABLE = 20_000
"""Most combinations a shape's table holds (table 四's largest, 15 taken 7, is 6,435); a
wider shape finds each placement's columns by counting instead."""


@lru_cache(maxsize=64)
def combinations(width: int, k: int) -> tuple[tuple[int, ...], ...] | None:
    """Every choice of ``k`` of ``width`` columns, in lexicographic order (the placements'
    order), or None when there are more than :data:`MAX_TABLE`."""
    if k > width or math.comb(width, k) > MAX_TABLE:
        return None
    return tuple(itertools.combinations(range(width), k))


TABLE_WIDTHS = (7, 15)
"""The widths of the rows the form leaves to arithmetic: table 三's seven columns, table 四's
fifteen."""


def preload(widths: Sequence[int] = TABLE_WIDTHS) -> None:
    """Make the combinations table of every shape of rows of these widths (~33,000 tuples,
    ~5 ms): a process that forks parse workers does it once, so that no worker makes them
    again on the first rows of each shape it meets (a table 四 row of seven values: 6,435
    combinations, ~1 ms)."""
    for width in widths:
        for k in range(width + 1):
            combinations(width, k)
            _shape(width, k)
            _ranks(width, k)


@lru_cache(maxsize=256)
def _shape(width: int, k: int) -> tuple[int, tuple[tuple[int, ...], ...] | None]:
    """How many placements ``k`` values have among ``width`` columns, and the shape's table
    of them (:func:`combinations`; None when there are none, or too many to list)."""
    size = math.comb(width, k) if k <= width else 0
    return size, combinations(width, k) if size else None


@lru_cache(maxsize=256)
def _pickers(width: int, k: int) -> list[Any]:
    """Per placement of a shape with a table (:func:`combinations`), the getter that builds it
    from its values and a blank after them (:func:`_picker`), each made when first asked."""
    return [None] * _shape(width, k)[0]


def _picker(width: int, k: int, index: int) -> Any:
    """The getter of the ``index``-th placement of ``k`` values among ``width`` columns (two at
    least: a getter of one item gives the item, not a tuple): applied to the values followed by
    a blank, it gives the placement in one call — each column's value, or the blank (index
    ``k``) — instead of a loop over its values. Kept in :func:`_pickers` (read only)."""
    pickers = _pickers(width, k)
    found = pickers[index]
    if found is None:
        taking = [k] * width
        for j, column in enumerate(cast(tuple, combinations(width, k))[index]):
            taking[column] = j
        found = pickers[index] = operator.itemgetter(*taking)
    return found


def _layout(chosen: list[tuple[int, ...]], width: int) -> Layout:
    """:meth:`Placements.layout` of the placements putting their values in the ``chosen``
    columns."""
    count = len(chosen)
    filled = Counter(itertools.chain.from_iterable(chosen))
    at: list[set[int]] = [set() for _ in range(width)]
    for j, columns in enumerate(zip(*chosen, strict=True)):
        for column in set(columns):
            at[column].add(j)
    return [filled[column] < count for column in range(width)], at


_layouts: dict[tuple, Layout] = {}
_LAYOUTS_KEPT = 4096
"""Layouts kept, by shape and indexes (see :meth:`Placements.layout`)."""


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
        self._size, self._table = _shape(width, len(self.values))
        # placements already built, by index (made when the first is: most rows of a table
        # that does not add up never build one)
        self._known: dict[int, tuple] | None = None

    def alike(self, values: Sequence) -> Placements:
        """The placements of other ``values``, as many, among the same columns (the shape's
        table shared, not looked up again)."""
        if len(values) != len(self.values):
            raise ValueError("alike placements hold as many values")
        other = Placements.__new__(Placements)
        other.values = tuple(values)
        other.width = self.width
        other._size = self._size
        other._table = self._table
        other._known = None
        return other

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: Any) -> Any:  # an int gives a placement, a slice a list
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        known = self._known
        if known is None:
            known = self._known = {}
        found = known.get(index)
        if found is None:
            found = known[index] = (
                self._vector(self.positions(index))
                if self._table is None or self.width < 2
                else _picker(self.width, len(self.values), index)(self.values + (None,))
            )
        return found

    def __iter__(self) -> Iterator[tuple]:
        if self._size:
            for positions in self._table or itertools.combinations(
                range(self.width), len(self.values)
            ):
                yield self._vector(positions)

    def _vector(self, positions: Sequence[int]) -> tuple:
        vector: list = [None] * self.width
        for position, value in zip(positions, self.values, strict=True):
            vector[position] = value
        return tuple(vector)

    def positions(self, index: int) -> tuple[int, ...]:
        """The columns of the ``index``-th placement (from the shape's table, or, for a shape
        too wide for one, counted: combinations come in lexicographic order, so whole blocks
        of them sharing a prefix are skipped)."""
        if self._table is not None:
            return self._table[index]
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

    def at(self, indexes: Iterable[int]) -> list[tuple]:
        """The placements at ``indexes``, built straight from the shape's table."""
        table = self._table
        if table is None:
            return [self[i] for i in indexes]
        width, k = self.width, len(self.values)
        if width < 2:
            return [self._vector(table[i]) for i in indexes]
        pickers = _pickers(width, k)
        padded = self.values + (None,)  # (index k: a blank)
        out = []
        for i in indexes:
            pick = pickers[i]
            if pick is None:
                pick = _picker(width, k, i)
            out.append(pick(padded))
        return out

    def holding(self, wanted: dict[int, Any]) -> list[int]:
        """Indexes (ascending) of the placements holding ``wanted[column]`` at each of its
        columns (a blank, or a None value, holds 0), found from the columns each placement
        gives its values rather than from the placements themselves."""
        values = self.values
        table = self._table
        if table is not None:  # of each group of placements that put the same values there,
            columns = tuple(wanted)  # one test
            found: list[int] = []
            for takers, indexes in _landing(self.width, len(values), columns):
                for j, column in zip(takers, columns, strict=True):
                    if ((values[j] if j >= 0 else None) or 0) != wanted[column]:
                        break
                else:
                    found += indexes
            found.sort()
            return found
        found = []
        for index in range(self._size):
            positions = self.positions(index)
            for column, value in wanted.items():
                held = values[positions.index(column)] if column in positions else None
                if (held or 0) != value:
                    break
            else:
                found.append(index)
        return found

    def agreement(
        self, indexes: Iterable[int], *, same: str = "equal", layout: Layout | None = None
    ) -> list[Any]:
        """Over the placements at ``indexes``, per column: ``(True, value)`` when every one of
        them holds the same value there (a blank is None), else ``(False, None)``. ``same``:
        ``"equal"`` compares the values with ``==`` (as :func:`parsers.solver.agreed` does),
        ``"identical"`` asks for the same object, and never for a blank (as the sources of a
        reading are compared). ``layout``: :meth:`layout` of the same ``indexes``, when the
        caller has it (placements of other values alike, see :meth:`alike`, share it).

        Worked out from the columns each value takes, not from the placements themselves."""
        if not isinstance(indexes, range | list | tuple):
            indexes = list(indexes)
        if layout is None:
            layout = self.layout(indexes)
        if layout is None:
            return self._agreement_of_all(same) if indexes else []
        blanks, at = layout
        values = self.values
        return [
            _agreed([values[j] for j in js], blank, same)
            for js, blank in zip(at, blanks, strict=True)
        ]

    def layout(self, indexes: Sequence[int]) -> Layout | None:
        """Per column, over the placements at ``indexes``: whether some leaves it blank, and
        which values take it — what :meth:`agreement` reads, the same for placements of other
        values alike. None when ``indexes`` are none or every placement (see
        :meth:`_agreement_of_all`).

        It depends on the shape and the indexes alone, not on the values: the rows of a form
        keep the same sets of placements report after report (a row printing two equal numbers
        keeps the six that put the second in 总计), so each is worked out once and kept
        (:data:`_layouts`; read only, as every caller reads it)."""
        count = len(indexes)
        if not count or (
            count == self._size and (isinstance(indexes, range) or len(set(indexes)) == count)
        ):
            return None
        table = self._table
        if table is None:
            return _layout([self.positions(i) for i in indexes], self.width)
        key = (self.width, len(self.values), tuple(indexes))
        found = _layouts.get(key)
        if found is None:
            found = _layout([table[i] for i in indexes], self.width)
            if len(_layouts) >= _LAYOUTS_KEPT:
                _layouts.clear()
            _layouts[key] = found
        return found

    def shared(self, indexes: Sequence[int], wanted: Sequence[bool]) -> list[Any]:
        """Per column where ``wanted``: the value every placement at ``indexes`` puts there
        when it is the same object and never a blank (:meth:`agreement` with ``"identical"``,
        as the source cells of a row's readings are compared); None elsewhere. Worked out for
        the wanted columns alone, from the columns each placement gives its values (a row's
        sources are asked for only where its readings agree: a column or two)."""
        table = self._table
        chosen = [table[i] for i in indexes] if table else [self.positions(i) for i in indexes]
        values = self.values
        out: list[Any] = [None] * self.width
        for column, want in enumerate(wanted):
            if not want or not chosen:
                continue
            takers = set()
            for positions in chosen:
                if column not in positions:
                    break  # blank in this placement: never agreed on
                takers.add(positions.index(column))
            else:
                found = [values[j] for j in takers]
                first = found[0]
                if first is not None and all(v is first for v in found):
                    out[column] = first
        return out

    def agreed(self, indexes: Iterable[int], layout: Layout | None = None) -> list[bool]:
        """Per column: whether the placements at ``indexes`` all hold the same value there
        (the first half of :meth:`agreement`; over every placement of values that are all
        numbers, none agree unless they fill every column — told without a walk)."""
        if (
            type(indexes) is range
            and len(indexes) == self._size
            and indexes.step == 1
            and indexes.start == 0
        ):
            k = len(self.values)
            if 0 < k < self.width and None not in self.values:
                return [False] * self.width
        if not isinstance(indexes, range | list | tuple):
            indexes = list(indexes)
        if layout is None:
            layout = self.layout(indexes)
        if layout is None:
            return [same for same, _ in self.agreement(indexes)]
        # (the test of _agreed, "equal", column by column without its calls: a column blank in
        # some placement agrees only when every value taking it is None; a value that is not
        # itself, NaN, agrees with nothing)
        values = self.values
        numbers = None not in values  # (then a blank column agrees only when no value takes it)
        out = []
        for js, blank in zip(layout[1], layout[0], strict=True):
            if blank:
                out.append(not js if numbers else all([values[j] is None for j in js]))
                continue
            found = [values[j] for j in js]
            first = found[0]
            out.append(first == first and found.count(first) == len(found))
        return out

    def _agreement_of_all(self, same: str) -> list[Any]:
        """:meth:`agreement` over every placement: value ``j`` takes each column from ``j`` to
        ``width - k + j``, and every column is blank in some placement unless ``k == width``."""
        k, width, values = len(self.values), self.width, self.values
        if not k:  # one placement, every column blank (a row that prints nothing)
            return [(same != "identical", None)] * width
        if k == width:
            return [_agreed([v], False, same) for v in values]
        if k and (same == "identical" or None not in values):
            return [(False, None)] * width  # a blank and a value meet in every column
        out = []
        for column in range(width):
            js = range(max(0, column - (width - k)), min(column, k - 1) + 1)
            out.append(_agreed([values[j] for j in js], True, same))
        return out

    def satisfying(self, sums: Sequence[tuple[Sequence[int], int | float]]) -> list[int] | None:
        """Indexes (ascending) of the placements on which every ``(coefficients, target)``
        holds: the sum of ``coefficients[column] * value`` is ``target``, a blank or a None
        value counting 0.

        None when a value or target is not an integer: sums of floats depend on the order of
        addition, so the caller then tests each placement as it always did.

        Sums that read separate runs of columns (table 四's groups) are met run by run
        (:func:`_segments`). Otherwise a depth-first walk puts the values in order; a partial
        placement goes on only while each sum can still reach its target with the values left
        (:func:`_windows`). The sums travel packed in one integer, so that adding a value to
        all of them and testing all their windows are a few integer operations
        (:class:`_Packing`).
        """
        numbers = [0 if v is None else v for v in self.values]
        if any(type(x) is not int for x in numbers) or any(type(t) is not int for _, t in sums):
            return None
        key = (self.width, self.values, tuple([(tuple(c), t) for c, t in sums]))
        found = _searched.get(key)
        if found is None:
            found = self._satisfying(numbers, sums)
            if len(found) <= _SEARCHED_LONGEST:
                if len(_searched) >= _SEARCHED_KEPT:
                    _searched.clear()
                _searched[key] = found
        return list(found)

    def _satisfying(
        self, numbers: list[int], sums: Sequence[tuple[Sequence[int], int | float]]
    ) -> list[int]:
        """:meth:`satisfying` of integer ``numbers`` (the values, a blank as 0) and targets,
        worked out (not looked up)."""
        k, width = len(numbers), self.width
        if 0 < self._size <= _FEW and self._table is not None and any(numbers):
            # (a short table, as every row of table 三's: the tests below, grouped)
            coefficients = tuple(tuple(c) for c, _ in sums)
            targets = cast(list[int], [t for _, t in sums])
            return _each(width, k, coefficients, targets, numbers)
        if not self._size or not k:  # none, or the one all-blank placement: test it
            return [i for i, v in enumerate(self) if all(t == 0 for _, t in sums)]
        if not sums or not any(numbers):  # every placement adds up the same: to 0
            return list(range(self._size)) if all(t == 0 for _, t in sums) else []
        rules = [list(c) for c, _ in sums]
        targets = cast(list[int], [t for _, t in sums])  # ints here (checked above)
        if any(not any(c) and t != 0 for c, t in zip(rules, targets, strict=True)):
            return []  # a sum reading no column is 0, never this target
        if self._size <= _FEW and self._table is not None:
            return _each(width, k, tuple(map(tuple, rules)), targets, numbers)
        segments = _segments_of(tuple(map(tuple, rules)), tuple(targets), width)
        if segments is not None and self._table is not None:
            return _by_segments(segments, numbers, width, k)
        pack = _Packing(rules, numbers, targets)
        least, most = _windows(rules, numbers, targets, width, pack)
        # What value j adds to the sums at each column, and how many placements put it there.
        columns = [pack.delta([c[p] for c in rules]) for p in range(width)]
        adds = [[column * x for column in columns] for x in numbers]  # (the packing is linear)
        block = [[math.comb(width - p - 1, k - j - 1) for p in range(width)] for j in range(k)]
        guard = pack.guard
        found: list[int] = []

        def walk(j: int, start: int, partial: int, index: int) -> None:
            after_least, after_most, here, skip = least[j + 1], most[j + 1], adds[j], block[j]
            last = j + 1 == k
            for position in range(start, width - k + j + 1):
                now = partial + here[position]
                after = position + 1
                if ((now | guard) - after_least[after]) & guard == guard and (
                    (after_most[after] | guard) - now
                ) & guard == guard:
                    if last:
                        found.append(index)
                    else:
                        walk(j + 1, after, now, index)
                index += skip[position]

        walk(0, 0, pack.start, 0)
        return found


_searched: dict[tuple, list[int]] = {}
"""Rows searched, by shape, values and sums (see :meth:`Placements.satisfying`): a row of
the same numbers under the same sums has the same placements, and rows repeat — a report
read again, and the rows of few small numbers (``1``, ``2 2``) that every form prints under
its row totals. Read only (each caller is given a copy)."""
_SEARCHED_KEPT = 4096
_SEARCHED_LONGEST = 512
"""Most placements a row kept in :data:`_searched` holds (a table 四 row whose sums leave
thousands is searched again when met again: its memory, not the search, is what counts)."""

_FEW = 64
"""Most placements tested one by one (a table 三 row of seven columns has at most 35): the
search's set-up costs more than testing so few."""


def _each(
    width: int, k: int, rules: tuple[tuple[int, ...], ...], targets: list[int], numbers: list[int]
) -> list[int]:
    """:meth:`Placements.satisfying` for a short table: of each group of placements that weigh
    the values alike in every sum (:func:`_weighed`), one test (a row of table 三 under its
    own sum: two groups — the last value in 总计 or not — instead of up to 35 placements)."""
    found: list[int] = []
    for weights, indexes in _weighed(width, k, rules):
        for weight, target in zip(weights, targets, strict=True):
            if sum(map(operator.mul, weight, numbers)) != target:
                break
        else:
            found += indexes
    found.sort()
    return found


@lru_cache(maxsize=1024)
def _weighed(
    width: int, k: int, rules: tuple[tuple[int, ...], ...]
) -> tuple[tuple[tuple[tuple[int, ...], ...], tuple[int, ...]], ...]:
    """The placements of ``k`` values among ``width`` columns (indexes into
    :func:`combinations`), grouped by the weight each sum gives each value (the coefficient of
    the column it takes). Made once per shape and set of sums (a handful serve every document);
    read only."""
    groups: dict[tuple[tuple[int, ...], ...], list[int]] = {}
    for index, positions in enumerate(combinations(width, k) or ()):
        key = tuple(tuple(map(c.__getitem__, positions)) for c in rules)
        groups.setdefault(key, []).append(index)
    return tuple((key, tuple(indexes)) for key, indexes in groups.items())


@lru_cache(maxsize=256)
def _landing(
    width: int, k: int, columns: tuple[int, ...]
) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """The placements of ``k`` values among ``width`` columns (indexes into
    :func:`combinations`), grouped by which value lands in each of ``columns`` (-1: none).
    Made once per shape and set of columns; read only."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for index, positions in enumerate(combinations(width, k) or ()):
        key = tuple(positions.index(c) if c in positions else -1 for c in columns)
        groups.setdefault(key, []).append(index)
    return tuple((key, tuple(indexes)) for key, indexes in groups.items())


Segment = tuple[int, int, list[int] | None, int]
"""Columns ``lo`` to ``hi`` and the one sum over them (its coefficients and target), or None
for columns no sum reads."""


@lru_cache(maxsize=256)
def _segments_of(
    rules: tuple[tuple[int, ...], ...], targets: tuple[int, ...], width: int
) -> list[Segment] | None:
    """:func:`_segments`, made once per set of sums (table 四's three groups and their
    targets: a few serve every document); read only."""
    return _segments([list(c) for c in rules], list(targets), width)


def _segments(rules: list[list[int]], targets: list[int], width: int) -> list[Segment] | None:
    """The columns cut into runs each read by one sum alone (or by none), when the sums read
    runs of columns apart from each other — table 四's three groups of five — else None.

    Then a placement is a choice, run by run, of the values that fall in it (the values keep
    their order, so each run takes the next few) and of their columns within it: the sums
    are tested run by run, on a handful of columns each (:func:`_by_segments`)."""
    owner = [-1] * width
    spans = []
    for r, c in enumerate(rules):
        read = [p for p, coefficient in enumerate(c) if coefficient]
        if not read:
            continue  # reads no column (its target is 0: see satisfying)
        lo, hi = read[0], read[-1]
        if any(owner[p] != -1 for p in range(lo, hi + 1)):
            return None  # sums reading the same columns, or interleaved
        for p in range(lo, hi + 1):
            owner[p] = r
        spans.append((lo, hi, r))
    if len(spans) < 2:
        return None  # one sum over the row: nothing to cut
    segments: list[Segment] = []
    column = 0
    for lo, hi, r in sorted(spans):
        if column < lo:
            segments.append((column, lo - 1, None, 0))
        segments.append((lo, hi, rules[r], targets[r]))
        column = hi + 1
    if column < width:
        segments.append((column, width - 1, None, 0))
    return segments


def _by_segments(segments: list[Segment], numbers: list[int], width: int, k: int) -> list[int]:
    """:meth:`Placements.satisfying` for sums reading separate runs of columns (see
    :func:`_segments`): the placements of each run's values within it that meet its sum,
    joined run by run. Each whole placement's index is added up as the runs are joined, from
    what each value's column adds to it (:func:`_ranks`), not looked up from its columns."""
    # (run, first value, values) -> (first column, last column, what the columns add to the
    # index) of each way the values meet the run's sum
    within: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}

    def fits(s: int, start: int, count: int) -> list[tuple[int, int, int]]:
        """The columns within run ``s`` of values ``start .. start + count`` meeting its sum:
        of each group of ways that weigh the values alike (:func:`_ways`), one sum tested."""
        key = (s, start, count)
        found = within.get(key)
        if found is None:
            lo, hi, c, target = segments[s]
            weights = None if c is None else tuple(c[lo : hi + 1])
            chosen = numbers[start : start + count]
            found = []
            for weight, ways in _ways(width, k, lo, hi, start, count, weights):
                if weight is None or sum(map(operator.mul, weight, chosen)) == target:
                    found += ways
            within[key] = found
        return found

    last = len(segments) - 1
    # (run, first value, column before it) -> what the runs from there add to the index, each
    # way they can be filled, less what value ``start``'s columns before it would add: worked
    # out once, whichever way the runs before end at that column
    tails_of: dict[tuple[int, int, int], list[int]] = {}

    def tails(s: int, start: int, previous: int) -> list[int]:
        """Runs ``s..`` given values ``start..`` to place after column ``previous``."""
        key = (s, start, previous)
        found = tails_of.get(key)
        if found is not None:
            return found
        lo, hi = segments[s][0], segments[s][1]
        left = k - start
        skipped = ranks[start][previous + 1] if left else 0  # (value ``start``'s columns before)
        found = []
        if s == last:
            if left <= hi - lo + 1:
                found = [part - skipped if left else 0 for _f, _l, part in fits(s, start, left)]
            tails_of[key] = found
            return found
        room_after = width - 1 - hi
        for count in range(max(0, left - room_after), min(hi - lo + 1, left) + 1):
            ways = fits(s, start, count)
            if not count:
                for _way in ways:
                    found += tails(s + 1, start, previous)
                continue
            by_final: dict[int, list[int]] = {}  # the ways ending at each column
            for _first, final, part in ways:
                by_final.setdefault(final, []).append(part - skipped)
            for final, parts in by_final.items():
                rest = tails(s + 1, start + count, final)
                if rest:
                    found += [part + tail for part in parts for tail in rest]
        tails_of[key] = found
        return found

    ranks = _ranks(width, k)
    out = tails(0, 0, -1)
    out.sort()
    return out


@lru_cache(maxsize=1024)
def _ways(
    width: int, k: int, lo: int, hi: int, start: int, count: int, weights: tuple[int, ...] | None
) -> tuple[tuple[tuple[int, ...] | None, list[tuple[int, int, int]]], ...]:
    """The ways to put values ``start .. start + count`` in columns ``lo .. hi`` (of a row of
    ``width`` columns holding ``k`` values), grouped by the weight each value takes in the
    run's sum (``weights``, from column ``lo``; None: no sum): a run whose sum reads its parts
    and its total weighs most ways alike, and one sum a group answers for all of them. Each
    way as (first column, last column, what its columns add to the placement's index, see
    :func:`_ranks`). Made once per shape (table 四's runs: a handful), read only."""
    ranks = _ranks(width, k)
    groups: dict[tuple[int, ...] | None, list[tuple[int, int, int]]] = {}
    for columns in _within(lo, hi, count):
        weight = None if weights is None else tuple(weights[p - lo] for p in columns)
        if not columns:
            groups.setdefault(weight, []).append((-1, -1, 0))
            continue
        part = ranks[start][columns[0]]
        for i in range(1, count):
            j = start + i
            part += ranks[j][columns[i]] - ranks[j][columns[i - 1] + 1]
        groups.setdefault(weight, []).append((columns[0], columns[-1], part))
    return tuple(groups.items())


@lru_cache(maxsize=64)
def _ranks(width: int, k: int) -> list[list[int]]:
    """``ranks[j][x]``: how many placements (in lexicographic order) put value ``j`` before
    column ``x``, the values before it fixed: a placement's index is the sum over its values
    of ``ranks[j][column] - ranks[j][previous column + 1]``. (Read only.)"""
    out = []
    for j in range(k):
        row = [0]
        for p in range(width):
            row.append(row[-1] + math.comb(width - 1 - p, k - 1 - j))
        out.append(row)
    return out


@lru_cache(maxsize=256)
def _within(lo: int, hi: int, count: int) -> tuple[tuple[int, ...], ...]:
    """Every choice of ``count`` of the columns ``lo`` to ``hi``, in lexicographic order."""
    return tuple(itertools.combinations(range(lo, hi + 1), count))


class _Packing:
    """Several sums as fields of one integer, each with a guard bit above it.

    Every partial sum and window of :meth:`Placements.satisfying` lies within ``±bound``
    (the sum of the values' largest contributions, plus the target), so each field holds its
    sum plus an offset of ``2**(bits - 1) > bound``: never negative, never past ``bits``
    bits. Adding a vector of deltas is adding one integer; ``a >= b`` in every field is
    ``((a | guard) - b) & guard == guard`` (no field borrows from the next)."""

    __slots__ = ("shifts", "offsets", "guard", "start")

    def __init__(self, rules: list[list[int]], numbers: list[int], targets: list[int]) -> None:
        bound = max(
            sum(abs(x) for x in numbers) * max(map(abs, c), default=0) + abs(t)
            for c, t in zip(rules, targets, strict=True)
        )
        bits = bound.bit_length() + 1
        width = bits + 1  # the field, then its guard bit
        self.shifts = [r * width for r in range(len(rules))]
        self.offsets = sum((1 << (bits - 1)) << s for s in self.shifts)
        self.guard = sum((1 << bits) << s for s in self.shifts)
        self.start = self.offsets  # every sum at 0

    def delta(self, values: Sequence[int]) -> int:
        """A vector of changes to the sums, packed (added to a packed vector of sums)."""
        return sum(v << s for v, s in zip(values, self.shifts, strict=True))


def _windows(
    rules: list[list[int]], numbers: list[int], targets: list[int], width: int, pack: _Packing
) -> tuple[list[list[int]], list[list[int]]]:
    """``least[j][s]`` / ``most[j][s]``, packed: per sum, the range its partial sum must lie in
    before values ``j..`` are placed, value ``j`` at column ``s`` or a later one, for the sum
    to reach its target (the values keep their order, so the range is exact for each sum on
    its own; from the least / most those values can add). Each row of the ranges is a
    running minimum / maximum from the right (``accumulate``), not a loop over columns."""
    k = len(numbers)
    empty = [0] * (width + 1)
    least = [[pack.offsets] * (width + 1) for _ in range(k + 1)]
    most = [[pack.offsets] * (width + 1) for _ in range(k + 1)]
    for c, target, shift in zip(rules, targets, pack.shifts, strict=True):
        low, high = empty, empty  # no value left: nothing to add
        for j in range(k, -1, -1):
            if j < k:
                x = numbers[j]
                last = width - k + j  # the last column value j can take
                here = [cs * x for cs in c[: last + 1]]
                low_here = [a + b for a, b in zip(here, low[1 : last + 2], strict=True)]
                high_here = [a + b for a, b in zip(here, high[1 : last + 2], strict=True)]
                pad = empty[last + 1 :]
                low = list(accumulate(reversed(low_here), min))[::-1] + pad
                high = list(accumulate(reversed(high_here), max))[::-1] + pad
            least[j] = [w + ((target - h) << shift) for w, h in zip(least[j], high, strict=True)]
            most[j] = [w + ((target - lo) << shift) for w, lo in zip(most[j], low, strict=True)]
    return least, most


def _agreed(found: list, blank: bool, same: str) -> tuple[bool, Any]:
    """Whether the values a column takes (and a blank, if it is blank in some reading) are all
    the same, and that value."""
    if same == "identical":
        if blank or not found or found[0] is None:
            return False, None
        first = found[0]
        return (True, first) if all(v is first for v in found) else (False, None)
    if blank:
        found = [None, *found]
    first = found[0]
    return (True, first) if all(v == first for v in found) else (False, None)
