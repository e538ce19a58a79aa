"""Tables 三 and 四 of pipe text read on its compact tokens (:mod:`parsers.tables.stream_located`)
are what the general reader reads from the document's cells: every value, undecided cell,
reading kept, warning, template vote and origin — on the family whose zeros are printed as
nothing and whose table 三 or 四 does not add up, in every style and variant, and on texts whose
prose states a row's total. Documents it leaves to the general reader read as before."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import (
    HTML_STYLES,
    blank_zeros,
    damage_total,
    random_record,
    render_pipe,
)
from parsers import schema
from parsers.cells.pipe import pipe_stream_document
from parsers.tables import stream_read
from parsers.tables.read import read_tables
from tests.test_stream_read import _reading, cells_document


def _read(text: str, year: int | None):
    """The reading from table 三 on, and the general reader's of the whole document."""
    doc = pipe_stream_document(text)
    found = stream_read.read_stream_from_applications(doc.stream, doc.stream_lines, doc.text, year)
    return found, read_tables(cells_document(text), year_hint=year, fast=False)


def _read_on_tokens(found) -> bool:
    """Whether table 三 was read on the compact tokens: its cells hold their text line (an
    int) as their source, where the general reader's hold the source cell."""
    cells = [
        cell
        for row in found.tables[schema.SECTION_APPLICATIONS].values()
        for cell in row.values()
        if cell.source is not None
    ]
    return bool(cells) and all(type(cell.source) is int for cell in cells)


def _family(count: int, seed: int, **variant):
    rng = random.Random(seed)
    for i in range(count):
        record = random_record(rng, ("2019", "2021")[i % 2], big=i % 3 == 0)
        record = blank_zeros(record)
        section = (schema.SECTION_APPLICATIONS, schema.SECTION_APPEALS, None)[i % 3]
        record = damage_total(record, rng, section)
        style = HTML_STYLES[(i + seed) % len(HTML_STYLES)]
        yield render_pipe(record, style, rng=random.Random(i), **variant)


@pytest.mark.parametrize(
    "variant",
    [{}, {"joined": True}, {"moved": random.Random(3)}],
    ids=["one-cell-a-line", "joined", "half-blank"],
)
def test_the_family_is_read_on_its_tokens_as_the_general_reader_reads_it(variant):
    read_here = 0
    for text in _family(10, 7, **variant):
        for year in (2020, 2022):
            found, general = _read(text, year)
            if found is None:
                continue
            assert _reading(found) == _reading(general)
            read_here += _read_on_tokens(found)
    assert read_here >= 12


def test_rows_with_blanks_and_dashes_of_every_style_read_as_the_general_reader_reads_them():
    rng = random.Random(17)
    read_here = 0
    for i in range(16):
        record = random_record(
            rng, ("2021", "2019")[i % 2], blank_rate=(0.05, 0.3, 0.6)[i % 3], dash_rate=0.1
        )
        text = render_pipe(record, HTML_STYLES[i % len(HTML_STYLES)], rng=random.Random(i))
        found, general = _read(text, 2020)
        if found is not None:
            assert _reading(found) == _reading(general)
            read_here += _read_on_tokens(found)
    assert read_here >= 4


def test_a_total_stated_in_the_text_narrows_a_row_as_the_general_reader_narrows_it():
    # The report's prose states 本年新收 and 上年结转 (the corpus's 2019 Shanghai text does):
    # the rows those totals leave open are placed by the statement, and warned so.
    narrowed = 0
    for text in _family(12, 23):
        totals = _totals(text)
        if totals is None:
            continue
        new, carried = totals
        stated = f"本年度共收到政府信息公开申请{new}件，上年结转政府信息公开申请{carried}件。\n"
        text = stated + text
        found, general = _read(text, 2020)
        assert found is not None and _read_on_tokens(found)
        assert _reading(found) == _reading(general)
        narrowed += any("states in its text" in w for w in found.warnings)
    assert narrowed >= 1


def _totals(text: str) -> tuple[int, int] | None:
    """The totals of table 三's first two rows as the general reader reads them, or None."""
    found = read_tables(cells_document(text), year_hint=2020, fast=False)
    table = found.tables.get(schema.SECTION_APPLICATIONS) or {}
    values = [table.get(row, {}).get("total") for row in ("new", "carried_over")]
    if any(cell is None or cell.value is None for cell in values):
        return None
    return values[0].value, values[1].value  # type: ignore[union-attr]


def test_a_record_read_from_table_three_on_makes_its_cells_only_when_they_are_read():
    # The record is checked and stored from what each cell printed; the cells, made when the
    # tables are first read, are the general reader's, and the stored record is the same
    # before and after they are made, and after a trip through pickle.
    import pickle

    import parsers
    from output.store import encode_report
    from parsers.checks import run_checks

    deferred = 0
    for text in _family(8, 29):
        report = parsers.parse(text.encode("utf-8"))
        if report.deferred_tables() is None:
            continue
        deferred += 1
        stored = encode_report(report)
        checks = report.checks
        assert encode_report(pickle.loads(pickle.dumps(report))) == stored
        made = report.tables  # (made now)
        assert report.deferred_tables() is None
        assert encode_report(report) == stored
        assert run_checks(made, report.template) == checks
        general = read_tables(cells_document(text), year_hint=report.year, fast=False)
        assert _reading(general)["cells"] == [
            (s, r, c, v.value, v.raw, v.status, v.unit)
            for s, rows in made.items()
            for r, cols in rows.items()
            for c, v in cols.items()
        ]
    assert deferred >= 6
