"""A pipe-text record read by its shape's plan leaves its cells to be made when its tables are
first read (:mod:`parsers.fastpath.reading`): the record is the same whichever way it is read —
its tables, checks, stored form (provenance included), pickled form and packed form are those
of the record with its cells made at once — and the record store reads it without making them."""

from __future__ import annotations

import json
import pickle
import random

import pytest

import parsers
from fixtures.reportgen import HTML_STYLES, damage_total, random_record, render_pipe
from output.store import encode_report
from parsers.checks import run_checks
from parsers.fastpath.checking import planned_checks
from parsers.fastpath.reading import PlannedReading
from parsers.provenance import encode, pack


def _texts(count: int, seed: int):
    """Pipe text of every variant: cells a line each, rows joined on a line, blanks written in
    their place or moved, lines of text before the tables, from records with and without
    blanks, dashes, big numbers and totals that do not add up."""
    rng = random.Random(seed)
    for i in range(count):
        style, variant = HTML_STYLES[i % len(HTML_STYLES)], i % 5
        template = ("2021", "2019")[(i // len(HTML_STYLES)) % 2]
        blanks, dashes = rng.choice((0.0, 0.0, 0.05, 0.3)), rng.choice((0.0, 0.1))
        record = random_record(rng, template, blank_rate=blanks, dash_rate=dashes, big=i % 7 == 0)
        if i % 6 == 5:  # a total that does not add up (table 三 or 四)
            record = damage_total(record, rng, ("applications", "appeals")[i % 2])
        text = render_pipe(
            record,
            style,
            rng=random.Random(i),
            joined=variant == 1,
            blanks_in_place=variant in (2, 3),
            moved=random.Random(i) if variant == 3 else None,
        )
        if variant == 4:
            text = "政府信息公开工作年度报告\n" + "说明。\n" * (i % 9) + text
        yield text.encode("utf-8")


def _stored(report) -> str:
    return json.dumps(encode_report(report), ensure_ascii=False, sort_keys=True)


def _made(data: bytes):
    """The record with its cells made at once (its tables read before anything else)."""
    report = parsers.parse(data)
    assert report.tables is not None
    return report


@pytest.mark.parametrize("seed", range(3))
def test_a_record_is_the_same_whether_its_cells_are_made_first_or_last(seed):
    deferred = from_tokens = failed = 0
    for data in _texts(30, seed):
        report = parsers.parse(data)
        reading = report.deferred_tables()
        if isinstance(reading, PlannedReading):
            deferred += 1
            from_tokens += planned_checks(reading._plan, reading._tokens) is not None
            failed += any(check.ok is False for check in report.checks)
        made = _made(data)
        assert made.deferred_tables() is None
        # the store reads the record through what its cells printed: the same stored bytes
        assert _stored(report) == _stored(made)
        assert report.tables_dict() == made.tables_dict()
        # the checks made on the printed values are those of the cells
        assert report.checks == run_checks(made.tables, made.template)
        assert report == made  # (reading the tables makes them)
        assert report.deferred_tables() is None
        assert _stored(report) == _stored(made)
    assert deferred >= 10  # (texts of several variants go by a plan)
    assert from_tokens >= 8 and failed >= 1  # (checked from the stream, failures worded)


def test_the_planned_provenance_is_what_the_cells_give():
    # The stored provenance written from the plan is the one written from the made cells,
    # line for line, label cell for label cell.
    for data in _texts(40, 7):
        report = parsers.parse(data)
        if report.deferred_tables() is None:
            continue
        planned = encode(report)
        assert report.deferred_tables() is not None  # (not made to write it)
        report.tables  # noqa: B018  (made now)
        assert report.deferred_tables() is None
        assert planned == encode(report)


def test_a_pickled_or_packed_record_carries_its_cells():
    for data in list(_texts(10, 3)):
        report, made = parsers.parse(data), _made(data)
        back = pickle.loads(pickle.dumps(report))
        assert back.deferred_tables() is None and "_deferred" not in back.__dict__
        assert back == made
        assert [(s, r, c, v.source) for s, r, c, v in back.cells()] == [
            (s, r, c, v.source) for s, r, c, v in made.cells()
        ]
        packed, packed_made = pack(parsers.parse(data)), pack(_made(data))
        assert packed.origins == packed_made.origins
        assert packed == packed_made
        assert all(v.source is None and v.origin is None for *_k, v in packed.cells())
        assert pickle.loads(pickle.dumps(packed)) == packed_made


def test_tables_set_before_they_are_read_are_kept():
    reports = (parsers.parse(data) for data in _texts(10, 5))
    report = next(r for r in reports if r.deferred_tables() is not None)
    report.tables = {}
    assert report.tables == {} and report.deferred_tables() is None
    assert report.tables_dict() == {}
    assert "_deferred" not in pickle.loads(pickle.dumps(report)).__dict__
    with pytest.raises(AttributeError):
        report.no_such_field  # noqa: B018


def test_threads_reading_the_tables_at_once_get_the_same_cells():
    import sys
    import threading

    texts = [data for data in _texts(12, 2)]
    reports = [parsers.parse(data) for data in texts]
    reports = [r for r in reports if r.deferred_tables() is not None]
    assert reports
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # (threads switched as often as can be, mid-making)
    try:
        for report in reports:
            seen: list = []
            start = threading.Barrier(6)

            def read(report=report, seen=seen, start=start) -> None:
                start.wait()
                seen.append(report.tables)

            threads = [threading.Thread(target=read) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(seen) == 6 and all(tables is seen[0] for tables in seen)
            assert report.deferred_tables() is None and report.tables is seen[0]
    finally:
        sys.setswitchinterval(interval)
