"""The fast path on pipe text's compact tokens (:mod:`parsers.fastpath.tables`) gives what the
general reader gives — every value, warning and template vote, and where each value was
printed — on pipe text of every variant (cells on lines of their own, rows joined on one line,
blanks written in their place, blanks moved to the row's end and placed by arithmetic), and
leaves the documents it does not read to the general reader."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_pipe
from parsers.cells.pipe import pipe_stream_document
from parsers.fastpath.stream import to_cells
from parsers.fastpath.tables import read_stream_tables
from parsers.model import CellValue, Report, RowOrigin
from parsers.provenance import decode, encode
from parsers.tables.read import read_tables


def _reading(found) -> dict:
    """Everything a read keeps, as the record store keeps it (the provenance included)."""
    report = Report(template=found.template or "unknown", tables=found.tables)
    stored = encode(report)
    return {
        "template": found.template,
        "votes": found.template_votes,
        "warnings": found.warnings,
        "cells": [
            (section, row, column, cell.value, cell.raw, cell.status, cell.unit)
            for section, table in found.tables.items()
            for row, columns in table.items()
            for column, cell in columns.items()
        ],
        "origins": None if stored is None else decode(stored),
    }


def _texts(count: int, seed: int):
    """Pipe text of every variant, from records with and without blanks, dashes, big numbers."""
    rng = random.Random(seed)
    for i in range(count):
        style, variant = HTML_STYLES[i % len(HTML_STYLES)], i % 4
        template = ("2021", "2019")[(i // len(HTML_STYLES)) % 2]
        blanks, dashes = rng.choice((0.0, 0.0, 0.05, 0.3, 0.6)), rng.choice((0.0, 0.1))
        big = rng.random() < 0.2
        record = random_record(rng, template, blank_rate=blanks, dash_rate=dashes, big=big)
        moved = random.Random(i) if variant == 2 and i % 8 == 2 else None
        text = render_pipe(
            record,
            style,
            rng=random.Random(i),
            joined=variant == 1,
            blanks_in_place=variant == 2,
            moved=moved,
        )
        yield f"{style}/{variant}", text


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_reads_pipe_text_as_the_general_reader_does(seed):
    read = 0
    for name, text in _texts(30, seed):
        fast = read_tables(pipe_stream_document(text), year_hint=2023)
        general = read_tables(pipe_stream_document(text), year_hint=2023, fast=False)
        assert _reading(fast) == _reading(general), name
        doc = pipe_stream_document(text)
        read += read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is not None
    assert read >= 6  # the common case is read by the fast path (the rest by the general one)


def test_documents_off_the_common_case_are_left_to_the_general_reader():
    text = render_pipe(random_record(random.Random(5), "2021"))
    doc = pipe_stream_document(text)
    assert read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is not None
    at = text.index("本年新收")
    short = text[:at] + text[at:].replace("\n0 |\n", "\n", 1)  # a row one number short
    doc = pipe_stream_document(short)
    assert read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is None
    fast = read_tables(pipe_stream_document(short), year_hint=2023)
    general = read_tables(pipe_stream_document(short), year_hint=2023, fast=False)
    assert _reading(fast) == _reading(general)
    no_table_four = text[: text.index("行政复议")]
    doc = pipe_stream_document(no_table_four)
    assert read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is None


def test_documents_of_one_shape_are_each_read_for_their_own_numbers():
    # The second document prints the first one's form the same way with other numbers: it is
    # read from the first one's plan, and every value is its own.
    text = render_pipe(random_record(random.Random(11), "2019"))
    lines = text.split("\n")
    changed = "\n".join(
        f"{i % 97} |" if line.strip() == "0 |" and i % 3 == 0 else line
        for i, line in enumerate(lines)
    )
    assert changed != text
    for one in (text, changed):
        doc = pipe_stream_document(one)
        assert read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is not None
        fast = read_tables(pipe_stream_document(one), year_hint=2023)
        general = read_tables(pipe_stream_document(one), year_hint=2023, fast=False)
        assert _reading(fast) == _reading(general)
    first = read_tables(pipe_stream_document(text), year_hint=2023)
    second = read_tables(pipe_stream_document(changed), year_hint=2023)
    assert _reading(first)["cells"] != _reading(second)["cells"]


def test_the_shapes_kept_stay_few_and_small():
    from parsers.fastpath import tables

    text = render_pipe(random_record(random.Random(3), "2021"))
    huge = text + "".join(f"第{i}行 |\n{i} |\n" for i in range(5000))  # no report is so long
    before = len(tables._plans)
    doc = pipe_stream_document(huge)
    read_stream_tables(doc.stream or [], 2023, doc.stream_lines)
    assert len(tables._plans) == before  # its shape is not kept
    for seed in range(3):  # shapes of reports are kept, within the memory's bound
        doc = pipe_stream_document(render_pipe(random_record(random.Random(seed), "2019")))
        read_stream_tables(doc.stream or [], 2023, doc.stream_lines)
    assert 0 < len(tables._plans) <= tables._PLANS_KEPT


def test_cells_that_read_blank_are_left_out_where_they_stand():
    # A cell holding only a zero-width space reads as blank and has no place in pipe text:
    # the general reader leaves it out, and so does the fast path, whose plan of such a
    # stream points past those cells into the values around them.
    text = render_pipe(random_record(random.Random(5), "2021"))
    lines = text.split("\n")
    spaced = "\n".join(
        f"{line}\n\u200b |" if line.strip() in ("0 |", "1 |") and i % 5 == 0 else line
        for i, line in enumerate(lines)
    )
    assert spaced.count("\u200b") >= 10
    for one in (spaced, spaced):  # the second read replays the first one's plan
        doc = pipe_stream_document(one)
        assert read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is not None
        fast = read_tables(pipe_stream_document(one), year_hint=2023)
        general = read_tables(pipe_stream_document(one), year_hint=2023, fast=False)
        assert _reading(fast) == _reading(general)
        assert _reading(fast)["cells"] == _reading(read_tables(pipe_stream_document(text)))["cells"]


def test_the_fast_path_makes_whole_cell_values():
    # Its cells are made with their slots filled in place: every slot holds what the general
    # reader's cell of the same place holds, the line it was printed on included.
    text = render_pipe(random_record(random.Random(8), "2019"))
    fast = read_tables(pipe_stream_document(text), year_hint=2023)
    general_doc = pipe_stream_document(text)  # its cells, no stream: the general reader alone
    general_doc.cells = to_cells(general_doc.stream or [], general_doc.stream_lines)
    general_doc.stream = general_doc.stream_lines = None
    general = read_tables(general_doc, year_hint=2023, fast=False)
    assert fast.tables.keys() == general.tables.keys()
    for section, table in fast.tables.items():
        for row, columns in table.items():
            for column, cell in columns.items():
                other = general.tables[section][row][column]
                assert type(cell) is CellValue
                for name in ("value", "raw", "status", "unit", "readings"):
                    assert getattr(cell, name) == getattr(other, name), (section, row, column)
                assert all(hasattr(cell, name) for name in CellValue.__slots__)
                line = other.source.line if other.source is not None else None
                assert cell.source == line, (section, row, column)
                assert type(cell.origin) is RowOrigin
                assert all(hasattr(cell.origin, name) for name in RowOrigin.__slots__)
                assert [c.text for c in cell.origin.label_cells] == [
                    c.text for c in other.origin.label_cells
                ]


def test_lines_of_text_around_and_between_the_tables_keep_every_line_number():
    # Pipe text is read a token per line: the lines of text before the first cell and after
    # the last one are no part of the tables' shape (reports with more or fewer paragraphs
    # share a plan), a line of text between cells is; every value keeps its own line.
    from parsers.fastpath import tables

    text = render_pipe(random_record(random.Random(21), "2021"))
    longer = "一段多出来的说明文字。\n\n另一段。\n" + text + "\n附：联系电话 12345\n"
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "本年新收" in line)
    between = "\n".join([*lines[:at], "（注：本表单位为件）", *lines[at:]])
    read_tables(pipe_stream_document(text), year_hint=2023)
    kept = len(tables._plans)
    for one in (longer, between, text):
        doc = pipe_stream_document(one)
        assert isinstance(doc.stream_lines, range)  # a token per line
        assert read_stream_tables(doc.stream or [], 2023, doc.stream_lines) is not None
        fast = read_tables(pipe_stream_document(one), year_hint=2023)
        general = read_tables(pipe_stream_document(one), year_hint=2023, fast=False)
        assert _reading(fast) == _reading(general)
        if one is longer:
            assert len(tables._plans) == kept  # the shorter report's plan
    first = _reading(read_tables(pipe_stream_document(text), year_hint=2023))["origins"]
    moved = _reading(read_tables(pipe_stream_document(longer), year_hint=2023))["origins"]
    assert first != moved  # the same cells, each three lines further down


def test_a_page_with_rows_joined_on_a_line_is_read_cell_by_cell():
    text = render_pipe(random_record(random.Random(4), "2019"), joined=True)
    doc = pipe_stream_document(text)
    assert not isinstance(doc.stream_lines, range)
    assert len(doc.stream or []) == len(doc.stream_lines or [])
    fast = read_tables(pipe_stream_document(text), year_hint=2023)
    general = read_tables(pipe_stream_document(text), year_hint=2023, fast=False)
    assert _reading(fast) == _reading(general)


@pytest.mark.parametrize("variant", [{}, {"joined": True}, {"blanks_in_place": True}])
def test_a_page_read_again_from_the_memory_of_lines_is_read_as_the_first_time(variant):
    # Each distinct line is read once and remembered (one token, or a row's cells joined on
    # one line): the second reading, all from memory, gives the same document.
    from parsers import sniff_lines
    from parsers.cells import pipe

    text = render_pipe(random_record(random.Random(9), "2021"), **variant)
    pipe._seen_lines.clear()
    pipe._seen_rows.clear()
    sniff_lines._entries.clear()
    first = pipe_stream_document(text)
    assert pipe._seen_lines and sniff_lines._entries
    assert bool(pipe._seen_rows) == bool(variant.get("joined"))
    second = pipe_stream_document(text)
    for doc in (first, second):
        assert len(doc.stream or []) == len(doc.stream_lines or [])
    assert (first.text, first.stream, list(first.stream_lines or []), first.title, first.meta) == (
        second.text,
        second.stream,
        list(second.stream_lines or []),
        second.title,
        second.meta,
    )
