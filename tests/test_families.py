"""Every family of generated documents (:mod:`fixtures.families`) is read without a wrong
number, and decides at least the share of its cells it decides today."""

from __future__ import annotations

import pytest

from bench.families import FamilyTally, score_case
from fixtures.families import cases

# family → (documents scored, the least share of cells it must decide)
FLOORS = {
    "appendix": (30, 0.95),
    "checks_contract": (10, 1.0),
    "fewer_numbers": (9, 0.5),
    "stated_in_prose": (6, 0.5),
    "glued_one_reading": (12, 0.8),
    "short_labels": (12, 1.0),
    "appeals_one_row": (12, 1.0),
    "ocr_markdown": (12, 1.0),
    "stray_title_lines": (24, 1.0),
}


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_family_is_read_without_a_wrong_number(family):
    count, floor = FLOORS[family]
    tally = FamilyTally()
    for case in cases(family, count, seed=1000):  # other seeds than the benchmark's
        score_case(case, tally)
    assert tally.wrong == 0, tally.failures
    assert tally.decided_share >= floor, (tally.decided_share, tally.failures)


def test_generated_families_are_deterministic():
    first = [c.data for c in cases("appendix", 3)]
    assert first == [c.data for c in cases("appendix", 3)]
