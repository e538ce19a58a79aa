"""Pipe text the fast path declines, read from table 三 on by the general reader and table 二 as
the fast path reads it (:mod:`parsers.tables.stream_read`), gives exactly what the general
reader gives reading the whole document: every value, undecided cell and reading kept, every
warning and template vote, and where each value and row was printed — on the family whose
zeros are printed as nothing and whose table 三 or 四 does not add up, and on pipe text of every
variant with rows short of numbers."""

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
from parsers.cells.base import Document
from parsers.cells.pipe import pipe_stream_document
from parsers.fastpath.stream import to_cells
from parsers.tables import stream_read
from parsers.tables.read import read_tables
from tests.test_fastpath_stream import _reading as stored_reading


def cells_document(text: str) -> Document:
    """The document of a pipe text as its cells, with no stream of compact tokens: the
    general reader reads all of it."""
    doc = pipe_stream_document(text)
    doc.cells = to_cells(doc.stream or [], doc.stream_lines)
    doc.stream = doc.stream_lines = None
    return doc


def _reading(found) -> dict:
    """Everything a read keeps, as the record store keeps it (the provenance included), and
    the open readings of undecided cells and the rows read beside the form."""
    return {
        **stored_reading(found),
        "merged": found.merged,
        "readings": [
            cell.readings
            for table in found.tables.values()
            for columns in table.values()
            for cell in columns.values()
        ],
    }


def _family(count: int, seed: int):
    """The undecided family: zeros printed as nothing, a total of table 三 or 四 printed wrong."""
    rng = random.Random(seed)
    for i in range(count):
        record = blank_zeros(random_record(rng, ("2019", "2021")[i % 2], big=i % 3 == 0))
        record = damage_total(
            record, rng, (schema.SECTION_APPLICATIONS, schema.SECTION_APPEALS, None)[i % 3]
        )
        style = HTML_STYLES[i % len(HTML_STYLES)] if i % 4 == 0 else "clean"
        yield render_pipe(record, style, rng=random.Random(i))


def _short_rows(count: int, seed: int):
    """Pipe text of every variant whose rows print fewer numbers than their columns."""
    rng = random.Random(seed)
    for i in range(count):
        template = ("2021", "2019")[i % 2]
        record = random_record(rng, template, blank_rate=rng.choice((0.05, 0.3, 0.6)))
        variant = i % 4
        yield render_pipe(
            record,
            HTML_STYLES[i % len(HTML_STYLES)],
            rng=random.Random(i),
            joined=variant == 1,
            blanks_in_place=variant == 2,
            moved=random.Random(i) if variant == 3 else None,
        )


def _read_from_applications(text: str, year: int):
    doc = pipe_stream_document(text)
    found = stream_read.read_stream_from_applications(doc.stream, doc.stream_lines, doc.text, year)
    return found, read_tables(pipe_stream_document(text), year_hint=year, fast=False)


@pytest.mark.parametrize("seed", range(3))
def test_the_family_read_from_table_three_on_is_read_as_the_whole_document_is(seed):
    read_here = 0
    for text in _family(12, seed):
        found, through_reader = _read_from_applications(text, 2020)
        general = read_tables(cells_document(text), year_hint=2020, fast=False)
        assert _reading(through_reader) == _reading(general)
        if found is not None:
            read_here += 1
            assert _reading(found) == _reading(general)
            proactive = found.tables[schema.SECTION_PROACTIVE]  # (read as the fast path reads it:
            sources = [c.source for row in proactive.values() for c in row.values()]  # lines)
            assert all(s is None or type(s) is int for s in sources) and any(sources)
    assert read_here >= 10  # (the family's table 二 prints every measure: read in order)


@pytest.mark.parametrize("seed", range(3))
def test_pipe_text_of_every_variant_is_read_as_the_whole_document_is(seed):
    for text in _short_rows(16, seed):
        for year in (None, 2020, 2022):
            found, through_reader = _read_from_applications(text, year)
            general = read_tables(cells_document(text), year_hint=year, fast=False)
            assert _reading(through_reader) == _reading(general)
            if found is not None:
                assert _reading(found) == _reading(general)


def test_a_table_two_the_fast_path_does_not_read_is_left_to_the_general_reader():
    # A row of table 二 short of a measure: its columns are the general reader's to weigh.
    text = next(_family(1, 5))
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "规章" in line)
    numbers = [i for i in range(at + 1, at + 6) if lines[i].strip("| ").isdigit()]
    del lines[numbers[0]]
    short = "\n".join(lines)
    doc = pipe_stream_document(short)
    assert (
        stream_read.read_stream_from_applications(doc.stream, doc.stream_lines, doc.text, 2020)
        is None
    )
    reading = read_tables(pipe_stream_document(short), year_hint=2020, fast=False)
    assert _reading(reading) == _reading(
        read_tables(cells_document(short), year_hint=2020, fast=False)
    )


def test_reports_of_a_shape_met_before_read_table_two_by_the_prefix_kept_for_it():
    # Reports of one form printed the same way, their numbers apart, share what comes before
    # table 三 (kept per shape): each still reads as the general reader reads it.
    texts = list(_family(8, 11))
    stream_read._prefixes.clear()
    for text in texts:
        for year in (2020, 2022):  # (the template decided by the year or the votes)
            found, _ = _read_from_applications(text, year)
            general = read_tables(cells_document(text), year_hint=year, fast=False)
            assert found is not None and _reading(found) == _reading(general)
    assert len(stream_read._prefixes) < len(texts)  # (shapes met again: the prefix was kept)
