"""Placements listed lazily and searched by their sums give exactly what listing them all and
testing each gives (the solver's speed for rows with many blank cells rests on this)."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.solver import Placements, Rule, Term, placements, solve


def _listed(values, width):
    out = []
    for positions in itertools.combinations(range(width), len(values)):
        vector = [None] * width
        for position, value in zip(positions, values, strict=True):
            vector[position] = value
        out.append(tuple(vector))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-3, 30) | st.none(), max_size=7), st.integers(0, 9))
def test_placements_index_and_iterate_like_the_full_list(values, width):
    lazy = Placements(values, width)
    listed = _listed(values, width) if len(values) <= width else []
    assert len(lazy) == len(listed)
    assert list(lazy) == listed == placements(values, width)
    assert [lazy[i] for i in range(len(lazy))] == listed
    if listed:
        assert lazy[-1] == listed[-1]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.integers(0, 12) | st.none(), max_size=7),
    st.integers(1, 10),
    st.data(),
)
def test_satisfying_equals_testing_every_placement(values, width, data):
    lazy = Placements(values, width)
    count = data.draw(st.integers(1, 3))
    sums = [
        (
            data.draw(st.lists(st.integers(-1, 1), min_size=width, max_size=width)),
            data.draw(st.integers(-15, 30)),
        )
        for _ in range(count)
    ]
    expected = [
        i
        for i, vector in enumerate(_listed(values, width) if len(values) <= width else [])
        if all(
            sum(c * (0 if v is None else v) for c, v in zip(coefficients, vector, strict=True))
            == target
            for coefficients, target in sums
        )
    ]
    assert lazy.satisfying(sums) == expected
    assert [lazy[i] for i in expected] == [_listed(values, width)[i] for i in expected]


def test_satisfying_leaves_floats_to_the_caller():
    assert Placements([1.5, 2], 4).satisfying([([1, 1, 1, 1], 3)]) is None


def _appeals_rules(row: str) -> list[Rule]:
    return [
        Rule(f"g{g}", tuple(Term(row, g * 5 + i) for i in range(4)) + (Term(row, g * 5 + 4, -1),))
        for g in range(3)
    ]


def test_solver_reads_lazy_and_listed_rows_alike():
    rng = random.Random(3)
    for _ in range(60):
        groups = []
        for _ in range(3):
            parts = [rng.choice([0, 0, 1, 2, 5]) for _ in range(4)]
            groups += [*parts, sum(parts)]
        printed = [v for v in groups if v != 0 or rng.random() < 0.3]
        listed = solve({"a": placements(printed, 15)}, _appeals_rules("a"))
        lazy = solve({"a": Placements(printed, 15)}, _appeals_rules("a"))
        assert (lazy.status, lazy.viable) == (listed.status, listed.viable)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3) | st.none(), max_size=6), st.integers(0, 8), st.data())
def test_agreement_is_what_the_listed_readings_agree_on(values, width, data):
    lazy = Placements(values, width)
    listed = _listed(values, width) if len(values) <= width else []
    if not listed:
        return
    everyone = data.draw(st.booleans())
    if everyone:
        indexes = range(len(listed))
    else:
        indexes = sorted(data.draw(st.sets(st.integers(0, len(listed) - 1), min_size=1)))
    chosen = [listed[i] for i in indexes]
    equal = [all(v[c] == chosen[0][c] for v in chosen) for c in range(width)]
    assert [same for same, _ in lazy.agreement(indexes)] == equal
    assert [value for same, value in lazy.agreement(indexes) if same] == [
        chosen[0][c] for c in range(width) if equal[c]
    ]
    # the same object in every reading, never a blank (as the sources of readings compare)
    cells = [object() for _ in values]
    by_cell = Placements(cells, width)
    listed_cells = _listed(cells, width)
    expected = []
    for c in range(width):
        first = listed_cells[indexes[0]][c]
        same = first is not None and all(listed_cells[i][c] is first for i in indexes)
        expected.append(first if same else None)
    assert [cell for _, cell in by_cell.agreement(indexes, same="identical")] == expected
    # the same asked of some columns only (where a row's values agree)
    wanted = data.draw(st.lists(st.booleans(), min_size=width, max_size=width))
    shared = by_cell.shared(indexes, wanted)
    assert shared == [cell if want else None for cell, want in zip(expected, wanted, strict=True)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, 2, None, 1.0, float("nan")]), max_size=6),
    st.integers(0, 8),
    st.data(),
)
def test_agreed_is_what_the_listed_readings_agree_on(values, width, data):
    # (a value that is not itself, NaN, agrees with nothing; a blank agrees with a blank only)
    lazy = Placements(values, width)
    listed = _listed(values, width) if len(values) <= width else []
    if not listed:
        return
    indexes = sorted(data.draw(st.sets(st.integers(0, len(listed) - 1), min_size=1)))
    if data.draw(st.booleans()):
        indexes = range(len(listed)) if len(indexes) == len(listed) else indexes
    chosen = [listed[i] for i in indexes]
    equal = [all(v[c] == chosen[0][c] for v in chosen) for c in range(width)]
    assert lazy.agreed(indexes) == equal
    assert lazy.agreed(indexes, lazy.layout(indexes)) == equal


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-(10**12), 10**12) | st.sampled_from([0, 1, None]), max_size=6),
    st.integers(1, 9),
    st.data(),
)
def test_satisfying_holds_for_large_and_negative_numbers(values, width, data):
    """The sums travel packed in one integer: wide values and negative ones must not spill
    from one sum into the next."""
    lazy = Placements(values, width)
    listed = _listed(values, width) if len(values) <= width else []
    sums = []
    for _ in range(data.draw(st.integers(1, 3))):
        coefficients = data.draw(st.lists(st.integers(-2, 2), min_size=width, max_size=width))
        if listed and data.draw(st.booleans()):  # a target some placement reaches
            vector = data.draw(st.sampled_from(listed))
            target = sum(c * (v or 0) for c, v in zip(coefficients, vector, strict=True))
        else:
            target = data.draw(st.integers(-(10**12), 10**12))
        sums.append((coefficients, target))
    expected = [
        i
        for i, vector in enumerate(listed)
        if all(
            sum(c * (v or 0) for c, v in zip(coefficients, vector, strict=True)) == target
            for coefficients, target in sums
        )
    ]
    assert lazy.satisfying(sums) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9) | st.none(), max_size=7), st.data())
def test_satisfying_sums_over_separate_runs_of_columns(values, data):
    """Sums that read separate runs of columns (as table 四's groups do) are searched run by
    run: the same placements as testing every one."""
    runs = data.draw(st.lists(st.integers(1, 5), min_size=2, max_size=3))
    gaps = data.draw(st.lists(st.integers(0, 1), min_size=len(runs) + 1, max_size=len(runs) + 1))
    width = sum(runs) + sum(gaps)
    sums = []
    column = gaps[0]
    for run, gap in zip(runs, gaps[1:], strict=True):
        coefficients = [0] * width
        for p in range(column, column + run):
            coefficients[p] = data.draw(st.sampled_from([1, 1, -1, 2]))
        sums.append((coefficients, data.draw(st.integers(-5, 15))))
        column += run + gap
    listed = _listed(values, width) if len(values) <= width else []
    expected = [
        i
        for i, vector in enumerate(listed)
        if all(
            sum(c * (v or 0) for c, v in zip(coefficients, vector, strict=True)) == target
            for coefficients, target in sums
        )
    ]
    assert Placements(values, width).satisfying(sums) == expected


def test_a_row_of_zeros_fits_every_placement_or_none():
    zeros = Placements([0, None, 0], 6)
    row_sum = ([1, 1, 1, 1, 1, -1], 0)
    assert zeros.satisfying([row_sum]) == list(range(len(zeros)))
    assert zeros.satisfying([([1, 1, 1, 1, 1, -1], 3)]) == []
    # every placement, given as a list, agrees as the range of them does
    every = zeros.satisfying([row_sum])
    assert every is not None
    assert zeros.agreement(every) == zeros.agreement(range(len(zeros)))
    listed = _listed([0, None, 0], 6)
    assert [same for same, _ in zeros.agreement(every)] == [
        all(v[c] == listed[0][c] for v in listed) for c in range(6)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3) | st.none(), max_size=6), st.integers(0, 8), st.data())
def test_holding_finds_the_listed_readings_holding_the_stated_values(values, width, data):
    lazy = Placements(values, width)
    listed = _listed(values, width) if len(values) <= width else []
    wanted = data.draw(st.dictionaries(st.integers(0, max(width - 1, 0)), st.integers(0, 3)))
    wanted = {c: v for c, v in wanted.items() if c < width}
    expected = [
        i
        for i, vector in enumerate(listed)
        if all((vector[c] or 0) == v for c, v in wanted.items())
    ]
    assert lazy.holding(wanted) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3) | st.none(), max_size=6), st.integers(0, 8), st.data())
def test_placements_at_indexes_are_the_listed_ones(values, width, data):
    lazy = Placements(values, width)
    listed = _listed(values, width) if len(values) <= width else []
    if not listed:
        return
    indexes = data.draw(st.lists(st.integers(0, len(listed) - 1), max_size=8))
    assert lazy.at(indexes) == [listed[i] for i in indexes]


def test_preloaded_shapes_are_served_from_the_tables_made_beforehand():
    """A process that forks parse workers makes the tables of the form's row shapes once
    (parsers.warm): a row of table 三 or 四 then finds its shape's table made."""
    from parsers.placements import TABLE_WIDTHS, combinations, preload

    preload()
    before = combinations.cache_info()
    for width in TABLE_WIDTHS:
        for k in range(width + 1):
            assert combinations(width, k) == tuple(itertools.combinations(range(width), k))
    after = combinations.cache_info()
    asked = sum(width + 1 for width in TABLE_WIDTHS)
    assert (after.hits - before.hits, after.misses - before.misses) == (asked, 0)


def test_a_row_searched_again_gets_the_placements_worked_out_afresh():
    """Rows are kept by shape, values and sums (a report read again, rows of the same small
    numbers): a row met again gets the placements the search works out for it, whichever rows
    came between, and what one caller does with its list is not seen by the next."""
    from parsers import placements as kept

    rng = random.Random(14)
    rows = []
    for _ in range(300):
        width = rng.choice((7, 15, 9))
        k = rng.randint(0, min(width, 7))
        values = [rng.choice((None, 0, 1, 1, 2, 3, 5, 8, 13, 40)) for _ in range(k)]
        if width == 15:  # (table 四's three groups of five, each its total)
            sums = [
                (tuple([0] * (5 * g) + [1, 1, 1, 1, -1] + [0] * (10 - 5 * g)), 0) for g in range(3)
            ]
        else:  # (a row's own total, and sometimes a column stated)
            sums = [(tuple([1] * (width - 1) + [-1]), 0)]
            if rng.random() < 0.5:
                column = rng.randrange(width)
                sums.append((tuple(int(p == column) for p in range(width)), rng.choice((0, 1, 2))))
        rows.append((values, width, sums))
    kept._searched.clear()
    first = [Placements(v, w).satisfying(s) for v, w, s in rows]
    assert kept._searched  # (the rows were kept)
    for (values, width, sums), found in zip(rows, first, strict=True):
        lazy = Placements(values, width)
        assert found == lazy._satisfying([v or 0 for v in values], sums)
        again = lazy.satisfying(sums)
        assert again == found and again is not found
        again.append(-1)  # (a caller's list is its own)
        assert lazy.satisfying(sums) == found


def test_a_row_with_many_placements_is_searched_again_not_kept():
    """A row whose sums leave more placements than are kept (zeros among fifteen columns:
    every one) is searched each time, with the same answer."""
    from parsers import placements as kept

    kept._searched.clear()
    row = Placements([0, 0, 0, 0], 15)
    sums = [(tuple([0] * (5 * g) + [1, 1, 1, 1, -1] + [0] * (10 - 5 * g)), 0) for g in range(3)]
    found = row.satisfying(sums)
    assert found == list(range(len(row))) and len(found) > kept._SEARCHED_LONGEST
    assert not kept._searched
    assert row.satisfying(sums) == found
