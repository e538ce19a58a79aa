"""The arithmetic solver decides a cell only when every consistent reading agrees on it."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.placements import Placements
from parsers.solver import (
    AMBIGUOUS,
    INCONSISTENT,
    TOO_MANY,
    UNIQUE,
    Rule,
    Term,
    agreed,
    placements,
    solve,
)


def row_sum_rule(row: str, width: int) -> Rule:
    return Rule(
        f"sum:{row}", tuple(Term(row, i) for i in range(width - 1)) + (Term(row, width - 1, -1),)
    )


def test_placements_keep_order_and_fill_blanks():
    got = placements([5, 7], 3)
    assert got == [(5, 7, None), (5, None, 7), (None, 5, 7)]
    assert placements([1, 2, 3], 2) == []


def test_ambiguous_row_keeps_every_consistent_reading():
    options = {"r": placements([4, 4], 3)}
    solution = solve(options, [row_sum_rule("r", 3)])
    readings = {options["r"][i] for i in solution.viable["r"]}
    assert readings == {(4, None, 4), (None, 4, 4)}
    assert agreed(sorted(readings, key=str)) == [False, False, True]


def test_column_rules_decide_across_rows():
    # Two rows a, b and their column total t: a=(5,_), b=(_,2) printed as single numbers.
    options = {
        "a": placements([5], 2),
        "b": placements([2], 2),
        "t": [(5, 2)],
    }
    rules = [
        Rule("col0", (Term("a", 0), Term("b", 0), Term("t", 0, -1))),
        Rule("col1", (Term("a", 1), Term("b", 1), Term("t", 1, -1))),
    ]
    solution = solve(options, rules)
    assert solution.status == UNIQUE
    assert options["a"][solution.viable["a"][0]] == (5, None)
    assert options["b"][solution.viable["b"][0]] == (None, 2)


def test_inconsistent_table_is_reported_not_forced():
    options = {"a": placements([5], 2), "t": [(4, 0)]}
    rules = [
        Rule("col0", (Term("a", 0), Term("t", 0, -1))),
        Rule("col1", (Term("a", 1), Term("t", 1, -1))),
    ]
    assert solve(options, rules).status == INCONSISTENT


def table_rules(printed: dict, width: int) -> list[Rule]:
    """Each row's total, and each column of the rows adding up to the totals row ``t``."""
    rules = [row_sum_rule(k, width) for k in printed]
    rules += [
        Rule(f"col{c}", tuple(Term(k, c) for k in printed if k != "t") + (Term("t", c, -1),))
        for c in range(width)
    ]
    return rules


@st.composite
def consistent_tables(draw):
    """Random rows whose last column is the row total, plus a totals row; some cells blank."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    width = draw(st.integers(3, 5))
    nrows = draw(st.integers(1, 4))
    rows = {}
    for r in range(nrows):
        parts = [rng.choice([0, 0, 1, 2, 3, 10, 25]) for _ in range(width - 1)]
        rows[f"r{r}"] = [*parts, sum(parts)]
    totals = [sum(rows[k][c] for k in rows) for c in range(width)]
    rows["t"] = totals
    # Blank out zeros at random (a blank counts as 0 in the form's arithmetic).
    printed = {
        k: [None if v == 0 and rng.random() < 0.6 else v for v in vec] for k, vec in rows.items()
    }
    return width, rows, printed


@settings(max_examples=150, deadline=None)
@given(consistent_tables())
def test_decided_cells_are_never_wrong(table):
    width, truth, printed = table
    options = {
        k: placements([v for v in vec if v is not None], width) for k, vec in printed.items()
    }
    rules = table_rules(printed, width)
    solution = solve(options, rules)
    assert solution.status in (UNIQUE, AMBIGUOUS)  # the truth is always a consistent reading
    for key, vec in printed.items():
        readings = [options[key][i] for i in solution.viable[key]]
        assert tuple(vec) in readings
        for position, same in enumerate(agreed(readings)):
            if same:
                assert readings[0][position] == vec[position]


def test_a_large_table_with_blanks_keeps_the_truth_among_its_readings():
    # Many rows of small numbers with blanks: whatever the budget allows, never a wrong cell.
    rng = random.Random(7)
    width = 7
    rows = {}
    for r in range(22):
        parts = [rng.choice([0, 0, 0, 1, 2]) for _ in range(width - 1)]
        rows[f"r{r}"] = [*parts, sum(parts)]
    total = [sum(rows[k][c] for k in rows) for c in range(width)]
    printed = {k: [v for v in vec if v != 0] for k, vec in rows.items()}
    options = {k: placements(v, width) for k, v in printed.items()}
    options["t"] = [tuple(total)]
    rules = [row_sum_rule(k, width) for k in printed]
    rules += [
        Rule(f"col{c}", tuple(Term(k, c) for k in printed) + (Term("t", c, -1),))
        for c in range(width)
    ]
    solution = solve(options, rules)
    assert solution.status in (UNIQUE, AMBIGUOUS, TOO_MANY)
    for key in printed:
        readings = [options[key][i] for i in solution.viable[key]]
        truth = tuple(v if v != 0 else None for v in rows[key])
        assert truth in readings


def test_agreed_handles_identical_and_differing_vectors():
    assert agreed([(1, 2), (1, 3)]) == [True, False]
    assert agreed([]) == []
    assert list(itertools.chain(agreed([(None,)]))) == [True]


@settings(max_examples=60, deadline=None)
@given(consistent_tables(), st.booleans())
def test_packed_search_keeps_what_the_search_of_vectors_keeps(table, lazy):
    # Integers take the packed search; the same numbers as floats take the vectors' search,
    # which adds up in the rules' order: both keep the same readings of every row.
    width, _truth, printed = table
    make = Placements if lazy else placements
    ints = {k: make([v for v in vec if v is not None], width) for k, vec in printed.items()}
    floats = {
        k: make([float(v) for v in vec if v is not None], width) for k, vec in printed.items()
    }
    rules = table_rules(printed, width)
    by_ints, by_floats = solve(ints, rules), solve(floats, rules)
    assert by_ints.status == by_floats.status
    assert {k: list(v) for k, v in by_ints.viable.items()} == {
        k: list(v) for k, v in by_floats.viable.items()
    }


@settings(max_examples=80, deadline=None)
@given(consistent_tables(), st.integers(-1, 3), st.integers(0, 10**6))
def test_layered_search_keeps_what_the_walk_keeps(table, damage, seed):
    # The search level by level over packed states and the walk it stands in for (taken when
    # too many states lie within the bounds) keep the same readings of every row, on tables
    # that add up and on tables one of whose printed numbers is wrong (damage > 0).
    import parsers.solver as solver

    width, _truth, printed = table
    rng = random.Random(seed)
    if damage > 0:
        key = rng.choice(sorted(printed))
        filled = [i for i, v in enumerate(printed[key]) if v is not None]
        if filled:
            i = rng.choice(filled)
            printed = {**printed, key: [*printed[key][:i], printed[key][i] + damage,
                                        *printed[key][i + 1 :]]}  # fmt: skip
    options = {
        k: Placements([v for v in vec if v is not None], width) for k, vec in printed.items()
    }
    rules = table_rules(printed, width)
    layered = solve(options, rules)
    saved = solver._LAYERED_STATES
    solver._LAYERED_STATES = 0  # every search handed to the walk
    try:
        walked = solve(options, rules)
    finally:
        solver._LAYERED_STATES = saved
    assert layered.status == walked.status
    assert {k: list(v) for k, v in layered.viable.items()} == {
        k: list(v) for k, v in walked.viable.items()
    }


def test_a_row_missing_its_own_total_makes_the_table_inconsistent_as_the_search_does():
    # Rows left to arithmetic whose own totals are met, or not, under some placement: the
    # solver's status is the one found by testing every placement of every row.
    rng = random.Random(11)
    for _ in range(300):
        width = 7
        rows = {}
        for r in range(rng.randrange(2, 5)):
            k = rng.randrange(1, width)
            rows[f"r{r}"] = [rng.choice((None, 0, 1, 2, 3, 5, 8, -3)) for _ in range(k)]
        options = {row: Placements(values, width) for row, values in rows.items()}
        rules = [row_sum_rule(row, width) for row in rows]
        meets = all(
            any(sum(v or 0 for v in p[:-1]) == (p[-1] or 0) for p in options[row]) for row in rows
        )
        status = solve(options, rules).status
        assert (status == INCONSISTENT) == (not meets), rows
    # (the total left blank: the others add up to 0)
    both = {"a": Placements([3, -3], 7), "b": Placements([2, 2, 4], 7)}
    assert solve(both, [row_sum_rule("a", 7), row_sum_rule("b", 7)]).status != INCONSISTENT
    short = {"a": Placements([3, -3], 7), "b": Placements([2, 2, 5], 7)}
    assert solve(short, [row_sum_rule("a", 7), row_sum_rule("b", 7)]).status == INCONSISTENT


@settings(max_examples=80, deadline=None)
@given(consistent_tables(), st.sampled_from([1, 1000, 10**6, 2**40]), st.integers(-1, 2))
def test_narrow_fields_keep_what_fields_of_64_bits_keep(table, scale, damage):
    # The packed states' fields are as wide as the table's sums need (_field_bits): the
    # layered search and the walk keep the same readings of every row as with fields of 64
    # bits, on small and large numbers, on tables that add up and on damaged ones.
    import parsers.solver as solver

    width, _truth, printed = table
    printed = {k: [None if v is None else v * scale for v in vec] for k, vec in printed.items()}
    if damage > 0:
        key = sorted(printed)[0]
        filled = [i for i, v in enumerate(printed[key]) if v is not None]
        if filled:
            row = list(printed[key])
            row[filled[0]] += damage
            printed = {**printed, key: row}
    options = {
        k: Placements([v for v in vec if v is not None], width) for k, vec in printed.items()
    }
    rules = table_rules(printed, width)
    found = []
    saved_bits, saved_states = solver._field_bits, solver._LAYERED_STATES
    for wide in (False, True):
        for walk in (False, True):
            if wide:
                solver._field_bits = lambda *_: 64
            if walk:
                solver._LAYERED_STATES = 0
            try:
                solution = solve(options, rules)
            finally:
                solver._field_bits, solver._LAYERED_STATES = saved_bits, saved_states
            found.append((solution.status, {k: list(v) for k, v in solution.viable.items()}))
    assert all(f == found[0] for f in found)


def test_fields_are_as_wide_as_the_sums_need():
    import parsers.solver as solver

    terms = {"a": [(0, 0, 1), (1, 2, -1)], "b": [(0, 1, 1)]}
    # rule 0 may reach 5 + 100 + 7, rule 1 3 + 100: 112 needs 7 bits, and 2 more
    assert solver._field_bits((5, -3), {"a": 100, "b": 7}, terms) == 9
    assert solver._field_bits((0, 0), {"a": 2**70, "b": 1}, terms) == 64  # (at most 64)
    assert solver._field_bits((0.5, 0), {"a": 1, "b": 1}, terms) == 64  # (not packed)
