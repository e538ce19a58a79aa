"""Readings of cells run together: exactly the splits a printed table could hold.

The search in :mod:`parsers.recover.splits` is pruned (group by group, totals first); here it is
compared with a brute force that tries every set of cuts and every placement of the cells, so
a pruning bug that loses or invents a reading shows up.
"""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.model import DASH
from parsers.recover import (
    Piece,
    SumRule,
    corroborated,
    part_value,
    read_glued,
    readings,
    stated_numbers,
)

APP_COLUMNS = [
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_service",
    "other_org",
    "total",
]
ROW_SUM = [SumRule(tuple(range(6)), 6)]
APPEAL_COLUMNS = [
    f"{g}.{r}" for g in "abc" for r in ("upheld", "corrected", "other", "pending", "total")
]
GROUP_SUMS = [SumRule(tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3)]


def values(found) -> set[tuple]:
    return set(found.vectors)


# --------------------------------------------------------------------------------------------
# Cells a column can hold
# --------------------------------------------------------------------------------------------


def test_no_leading_zeros_except_a_lone_zero():
    assert part_value("0", False, False).value == 0
    assert part_value("05", False, False) is None
    assert part_value("50", False, False).value == 50


def test_decimals_only_where_the_column_holds_amounts():
    assert part_value("9116.36", False, False) is None
    assert part_value("9116.36", True, False).value == 9116.36
    assert part_value("0.5", True, False).value == 0.5
    assert part_value("75394432.52元", True, False).unit == "元"


def test_signs_only_where_the_column_holds_changes():
    assert part_value("-18", False, False) is None
    assert part_value("-18", False, True).value == -18
    assert part_value("-", False, False).status == DASH


def test_glued_cell_reads_as_a_value_placeholder_never_as_a_number():
    printed = read_glued("713000074")
    assert printed is not None and printed.value is None
    assert read_glued("———") is not None
    assert read_glued("本年新收") is None


# --------------------------------------------------------------------------------------------
# Rows of table 三 and 四
# --------------------------------------------------------------------------------------------


def test_issue_example_has_one_reading():
    found = readings([Piece("801000081")], APP_COLUMNS, ROW_SUM)
    assert values(found) == {(80, 1, 0, 0, 0, 0, 81)}


def test_whitespace_is_a_cell_boundary():
    found = readings([Piece("230 000023")], APP_COLUMNS, ROW_SUM)
    assert values(found) == {(23, 0, 0, 0, 0, 0, 23)}
    # without the space, 2|30 would be thinkable but no reading adds up either way
    assert values(readings([Piece("23 0 00 0 023")], APP_COLUMNS, ROW_SUM)) == {
        (23, 0, 0, 0, 0, 0, 23)
    }


def test_ambiguous_row_keeps_every_reading():
    found = readings([Piece("227000130")], APP_COLUMNS, ROW_SUM, blanks=False)
    assert found.adds_up
    assert values(found) == {(2, 27, 0, 0, 0, 1, 30), (22, 7, 0, 0, 0, 1, 30)}


def test_blank_cells_may_have_vanished():
    found = readings([Piece("33")], APP_COLUMNS, ROW_SUM)
    assert (3, None, None, None, None, None, 3) in values(found)
    assert all(v[6] == 3 for v in values(found))
    assert len(found.prints) == 6  # the 3 may be in any of the six applicant columns
    assert readings([Piece("33")], APP_COLUMNS, ROW_SUM, blanks=False).prints == []


def test_a_row_that_does_not_add_up_is_listed_without_its_sum():
    found = readings([Piece("10 1 0 0 0")], APPEAL_COLUMNS[:5], [SumRule((0, 1, 2, 3), 4)])
    assert not found.adds_up
    assert values(found) == {(10, 1, 0, 0, 0)}


def test_appeals_groups_split_by_their_totals():
    found = readings([Piece("21317000001324019")], APPEAL_COLUMNS, GROUP_SUMS)
    assert values(found) == {(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)}


def test_unsplittable_pieces_stay_whole_and_in_their_column():
    found = readings(
        [Piece("1,234", glued=False, at=0), Piece("0 0 0 0 0"), Piece("1,234", glued=False)],
        APP_COLUMNS,
        ROW_SUM,
    )
    assert values(found) == {(1234, 0, 0, 0, 0, 0, 1234)}


def test_too_many_readings_are_reported_not_listed():
    found = readings([Piece("1" * 40)], APP_COLUMNS, [], limit=50)
    assert found.too_many and found.prints == []


# --------------------------------------------------------------------------------------------
# Brute force
# --------------------------------------------------------------------------------------------


def brute_force(text: str, columns: list[str], rules: list[SumRule], blanks: bool) -> set:
    """Every reading by trying every set of cuts and every placement (no pruning)."""
    chunks = text.split()
    width = len(columns)
    out = set()
    # cuts inside each chunk: any subset of its inner positions (one chunk and no blanks:
    # exactly as many cuts as the columns need)
    exact = not blanks and len(chunks) == 1
    per_chunk = [
        [
            [chunk[a:b] for a, b in itertools.pairwise((0, *cuts, len(chunk)))]
            for n in ([width - 1] if exact else range(min(len(chunk), width)))
            for cuts in itertools.combinations(range(1, len(chunk)), n)
        ]
        for chunk in chunks
    ]
    for choice in itertools.product(*per_chunk):
        parts = [p for group in choice for p in group]
        if len(parts) > width or (not blanks and len(parts) != width):
            continue
        for positions in itertools.combinations(range(width), len(parts)):
            vector: list = [None] * width
            ok = True
            for position, part in zip(positions, parts, strict=True):
                column = columns[position]
                printed = part_value(part, column == "amount", column == "change")
                if printed is None:
                    ok = False
                    break
                vector[position] = printed.value
            if ok and all(
                sum(vector[c] or 0 for c in rule.parts) == (vector[rule.total] or 0)
                for rule in rules
            ):
                out.add(tuple(vector))
    return out


@st.composite
def applicant_rows(draw):
    six = draw(st.lists(st.integers(0, 30), min_size=6, max_size=6))
    six = [v if draw(st.booleans()) else v % 3 for v in six]
    row = [*six, sum(six)]
    text = "".join(str(v) for v in row)
    return text[:11]


@settings(max_examples=60, deadline=None)
@given(applicant_rows(), st.booleans())
def test_row_readings_equal_the_brute_force(text, blanks):
    found = readings([Piece(text)], APP_COLUMNS, ROW_SUM, blanks=blanks)
    if found.too_many:
        return
    want = brute_force(text, APP_COLUMNS, ROW_SUM, blanks)
    if want:
        assert values(found) == want
    else:
        assert not found.adds_up


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=12, max_size=12),
    st.sampled_from(["", " "]),
    st.booleans(),
)
def test_appeals_readings_equal_the_brute_force(results, sep, blanks):
    row = []
    for g in range(3):
        four = results[g * 4 : g * 4 + 4]
        row += [*four, sum(four)]
    text = sep.join(str(v) for v in row)
    blanks = blanks and sep == " "  # the unpruned search with blanks is too slow otherwise
    found = readings([Piece(text)], APPEAL_COLUMNS, GROUP_SUMS, blanks=blanks)
    assert tuple(row) in values(found)
    assert values(found) == brute_force(text, APPEAL_COLUMNS, GROUP_SUMS, blanks)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 999), min_size=3, max_size=3), st.booleans())
def test_rows_without_sums_equal_the_brute_force(numbers, blanks):
    columns = ["issued", "repealed", "in_force"]
    text = "".join(str(v) for v in numbers)
    found = readings([Piece(text)], columns, [], blanks=blanks)
    assert values(found) == brute_force(text, columns, [], blanks)
    assert tuple(numbers) in values(found)


def test_random_big_rows_keep_the_true_reading():
    rng = random.Random(7)
    for _ in range(30):
        six = [int(rng.expovariate(1 / 400)) for _ in range(6)]
        row = [*six, sum(six)]
        found = readings([Piece("".join(map(str, row)))], APP_COLUMNS, ROW_SUM)
        assert found.too_many or tuple(row) in values(found)


# --------------------------------------------------------------------------------------------
# Numbers stated in the prose
# --------------------------------------------------------------------------------------------

PROSE = (
    "一是做好规范性文件公开。设立规范性文件库，集中公开现行有效行政规范性文件698件，"
    "动态更新本年度制发的规范性文件88件。2022年全区共主动公开政府信息14571条。"
)


def test_stated_numbers_need_an_item_a_measure_and_one_count():
    facts = stated_numbers(PROSE, "2021")
    assert facts == {
        ("normative_documents", "in_force"): {698},
        ("normative_documents", "issued"): {88},
    }


def test_clause_with_two_counts_states_nothing():
    facts = stated_numbers("本年制发规范性文件12件，废止3件和现行有效40件。", "2021")
    assert ("normative_documents", "issued") in facts
    assert ("normative_documents", "in_force") not in facts  # no item named in that clause


def test_a_count_torn_by_a_line_wrap_states_nothing():
    """``上年结转31⏎0件`` is 310 printed across two lines: neither 0 nor 31 is stated."""
    from parsers.recover.stated import stated_totals

    whole = "共收到政府信息公开申请2887件，上年结转310件，已办结3197件。"
    torn = "共收到政府信息公开申请2887件，上年结转31\n0件，已办结3197件。"
    assert stated_totals(whole) == {"new": {2887}, "carried_over": {310}, "total": {3197}}
    assert stated_totals(torn) == {"new": {2887}, "total": {3197}}
    assert stated_numbers("集中公开现行有效行政规范性文件69\n8件。", "2021") == {}
    assert stated_numbers("集中公开现行有效行政规范性文件698件。", "2021") == {
        ("normative_documents", "in_force"): {698}
    }


def test_stated_numbers_pick_one_reading_only_when_one_is_left():
    found = readings([Piece("8855698")], ["issued", "repealed", "in_force"])
    facts = {"issued": {88}, "in_force": {698}}
    kept = corroborated(found.vectors, ["issued", "repealed", "in_force"], facts)
    assert [found.vectors[i] for i in kept] == [(88, 55, 698)]
    partial = corroborated(found.vectors, ["issued", "repealed", "in_force"], {"issued": {88}})
    assert len(partial) > 1


_PIECES = ("共收到政府信息公开申请12件", "上年结转3件", "办结10件", "依申请公开", "结转下年度5件",
           "信息公开申请", "2019年", "。", ";", "；", "\n", "，", "x", " ", "申请", "依申", "请公开",
           "信息公开", "政府")  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16))
def test_sentences_on_applications_are_those_a_split_gives(pieces):
    # The sentences found around each mention of applications are the sentences splitting the
    # text at 。;； and line feeds gives that mention them, in order, each once.
    import re

    from parsers.recover.stated import _APPLICATIONS, _APPLICATIONS_WORD, _sentences

    text = "".join(pieces)
    split = [s for s in re.split(r"[。;；\n]+", text) if _APPLICATIONS.search(s)]
    assert _sentences(text, _APPLICATIONS, _APPLICATIONS_WORD) == split


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="件个,，:：()（）申请a1 ", max_size=30))
def test_clauses_are_those_a_split_gives(sentence):
    # Empty clauses aside (none counts anything), a sentence's clauses are those splitting it
    # at runs of its clause marks gives, in order.
    import re

    from parsers.recover.stated import _clauses

    split = [c for c in re.split(r"[,，:：()（）]+", sentence) if c]
    assert [c for c in _clauses(sentence) if c] == split
