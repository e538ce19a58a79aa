"""The stored provenance of an HTML page read by a plan, written from the plan's indexes
(:mod:`parsers.fastpath.planorigins`), is byte for byte what the store writes of the record
the plan's replay makes — on pages of every generated style and both templates, with blank
zeros and totals that do not add up, read afresh into a plan of their own or by a plan kept."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import HTML_STYLES, blank_zeros, damage_total, random_record, render_html
from parsers import parse
from parsers.fastpath import grid
from parsers.fastpath.htmlplan import Plans
from parsers.fastpath.htmlreading import GridReading
from parsers.fastpath.planorigins import plan_origins
from parsers.provenance import Origins, decode


def _pages(style: str, template: str, seed: int, count: int):
    """Pages of this style: every other one drawn from the same generator (one layout, read
    by its plan once kept), the rest of layouts of their own; zeros left blank on some, a
    total printed wrong on others."""
    records = random.Random(seed)
    for i in range(count):
        record = random_record(records, template, big=i % 3 == 0)
        if i % 3 == 1:
            record = blank_zeros(record)
        elif i % 3 == 2:
            record = damage_total(blank_zeros(record), records, ("applications", "appeals")[i % 2])
        layout = seed if i % 2 else seed * 1000 + i
        yield render_html(record, style, rng=random.Random(layout))


def _replayed_origins(reading: GridReading) -> str | None:
    """What the store writes of the record's cells as the plan's replay makes them."""
    written = Origins()
    written.add_tables(reading.tables())
    return written.packed()


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_origins_written_from_the_plan_are_those_of_the_replayed_record(
    style, template, monkeypatch
):
    monkeypatch.setattr(grid, "PLANS", Plans())
    met = {True: 0, False: 0}
    for page in _pages(style, template, 5, 10):
        reading = parse(page.encode("utf-8")).deferred_tables()
        if not isinstance(reading, GridReading):
            continue
        met[reading._kept] += 1
        expected = _replayed_origins(reading)
        written = plan_origins(reading._page_plan, reading._tokens, reading._grid)
        assert written == expected
        assert reading.origins() == expected
        assert written is not None and decode(written)["cells"]
    assert met[False], "no page was read afresh"
    assert met[True], "no page was read by a kept plan"
