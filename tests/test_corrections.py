"""Corrections: checked numbers kept in DATA/corrections.csv, applied at export with provenance,
set aside (stale) when their document changed, never lost by a re-parse."""

from __future__ import annotations

import csv
import dataclasses
import random

import pytest
from typer.testing import CliRunner

from fixtures.townships import township_series
from ogi.cli import app
from ogi.status import status
from output.correct import ReportNotFound, correct, load_corrections
from output.corrections import (
    CORRECTED,
    FIELDS,
    Correction,
    CorrectionError,
    CorrectionSet,
    append_correction,
    parse_value,
    read_corrections,
    split_cell,
)
from output.export import export
from output.store import RecordStore
from parsers.model import UNCERTAIN, CellValue


@pytest.fixture
def data(tmp_path):
    """A data folder holding six harvested reports (three townships, two years)."""
    items = township_series(random.Random(5), townships=3, years=(2022, 2023))
    for n, item in enumerate(items):
        item.url = f"http://www.example.gov.cn/zfxxgk/{n}.html"
        item.fetched_at = f"2024-02-0{1 + n % 9}T08:00:00Z"
    items[0].report.tables["applications"]["granted"]["total"] = CellValue(None, None, UNCERTAIN)
    with RecordStore.open(tmp_path) as store:
        store.put_many(items)
    return tmp_path, items


def _cells(folder):
    with open(folder / "cells.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _cell(rows, report_id, code):
    return next(r for r in rows if r["report_id"] == report_id and r["code"] == code)


def test_cell_codes_and_values_are_validated():
    assert split_cell("applications.granted.total") == ("applications", "granted", "total")
    assert split_cell("appeals__reconsideration__upheld")[1] == "reconsideration"
    for bad in ("applications.granted", "tables.new.total", "applications.nope.total", ""):
        with pytest.raises(CorrectionError):
            split_cell(bad)
    assert parse_value("１２") == 12 and parse_value("1,204") == 1204 and parse_value("2.5") == 2.5
    assert parse_value("") is None and parse_value("  ") is None
    with pytest.raises(CorrectionError):
        parse_value("12件")


def test_the_file_is_plain_utf8_csv_one_row_per_correction(tmp_path):
    sha = "a" * 64
    first = Correction(sha, "applications.new.total", None, 7, "第3页 三（一）", "张三", "t1")
    append_correction(tmp_path, first)
    append_correction(tmp_path, dataclasses.replace(first, new_value=None, time="t2"))
    raw = (tmp_path / "corrections.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8: diffs well in git
    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == ",".join(FIELDS) and len(lines) == 3
    assert "第3页 三（一）" in lines[1]
    rows = read_corrections(tmp_path)
    assert [r.new_value for r in rows] == [7, None]
    # the last row of a cell counts; the earlier one stays as its history
    assert CorrectionSet.of(rows).for_document(sha)["applications.new.total"].time == "t2"


def test_a_bad_row_is_named_by_its_line(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text(",".join(FIELDS) + "\n" + f"{'b' * 64},applications.new.zzz,,1,,,\n")
    with pytest.raises(CorrectionError, match=r"corrections.csv:2"):
        read_corrections(tmp_path)
    path.write_text("sha,cell\n")
    with pytest.raises(CorrectionError, match="header"):
        read_corrections(tmp_path)


def test_applying_changes_a_copy_and_keeps_the_old_value(data):
    _folder, items = data
    report = items[1].report
    before = report.value("applications", "new", "total")
    fix = Correction(report.sha256, "applications.new.total", before, before + 5, "n", "r", "t")
    fixed = CorrectionSet.of([fix]).apply(report)
    cell = fixed.tables["applications"]["new"]["total"]
    assert (cell.value, cell.status, cell.old_value, cell.note) == (
        before + 5,
        CORRECTED,
        before,
        "n",
    )
    assert report.value("applications", "new", "total") == before  # the record is untouched
    assert any("corrected by review" in w for w in fixed.warnings)


def test_correct_then_export_puts_the_value_and_its_provenance_in_the_datasets(data):
    folder, items = data
    target = items[0].report
    done = correct(folder, target.sha256[:16], "applications.granted.total", "9",
                   note="原文第2页：予以公开 合计 9", reviewer="李四")  # fmt: skip
    assert done.old_value is None and done.new_value == 9
    result = export(folder, folder / "datasets", ("csv",), keep_datasets=False)
    rows = _cells(folder / "datasets")
    row = _cell(rows, target.sha256[:16], "applications__granted__total")
    assert row["value"] == "9" and row["status"] == CORRECTED and row["old_value"] == ""
    assert row["correction_note"] == "原文第2页：予以公开 合计 9"
    assert row["corrected_by"] == "李四" and row["corrected_at"] == done.time
    other = _cell(rows, items[1].report.sha256[:16], "applications__granted__total")
    assert other["status"] != CORRECTED and other["correction_note"] == ""
    with open(folder / "datasets" / "panel.csv", encoding="utf-8-sig", newline="") as handle:
        panel = [r for r in csv.DictReader(handle) if r["report_id"] == target.sha256[:16]]
    assert panel[0]["applications__granted__total"] == "9"
    with open(folder / "datasets" / "codebook.csv", encoding="utf-8-sig", newline="") as handle:
        book = {(r["dataset"], r["column"]): r for r in csv.DictReader(handle)}
    assert "corrected" in book[("cells", "status")]["description"]
    assert ("cells", "correction_note") in book and ("cells", "old_value") in book
    # a second correction of the same cell is not skipped by the export's "nothing changed"
    correct(folder, target.sha256[:16], "applications.granted.total", "10", reviewer="李四")
    again = export(folder, folder / "datasets", ("csv",), keep_datasets=False)
    assert again.changed and result.changed
    assert _cell(_cells(folder / "datasets"), target.sha256[:16],
                 "applications__granted__total")["value"] == "10"  # fmt: skip


def test_correct_refuses_unknown_reports_and_cells(data):
    folder, items = data
    with pytest.raises(ReportNotFound):
        correct(folder, "0123456789abcdef", "applications.new.total", 1)
    with pytest.raises(ReportNotFound):
        correct(folder, "../../etc", "applications.new.total", 1)
    with pytest.raises(CorrectionError):
        correct(folder, items[0].report.sha256[:16], "applications.new.nobody", 1)
    assert not (folder / "corrections.csv").exists()


def test_a_reparse_keeps_the_correction_and_a_changed_document_makes_it_stale(data):
    folder, items = data
    target = items[2]
    correct(folder, target.report.sha256, "appeals.reconsideration.total", "4", reviewer="王五")
    # the same document parsed again (a newer parser): the correction still applies
    with RecordStore.open(folder, parser="newer") as store:
        store.put(target)
    found = load_corrections(folder)
    assert len(found) == 1 and not found.stale
    # the page changed at its URL: new bytes, new sha256, fetched later
    changed = township_series(random.Random(99), townships=3, years=(2022, 2023))[2]
    changed.url, changed.fetched_at = target.url, "2024-06-01T08:00:00Z"
    assert changed.report.sha256 != target.report.sha256
    with RecordStore.open(folder) as store:
        store.put(changed)
    found = load_corrections(folder)
    assert len(found) == 0 and len(found.stale) == 1
    stale = found.stale[0]
    assert stale.current_sha256 == changed.report.sha256 and stale.url == target.url
    result = export(folder, folder / "datasets", ("csv",), keep_datasets=False)
    assert any("not applied" in note for note in result.notes)
    assert not [r for r in _cells(folder / "datasets") if r["status"] == CORRECTED]
    # ogi status lists it, by report and cell
    st = status(folder)
    assert st.stale_corrections[0]["cell"] == "appeals.reconsideration.total"
    assert st.stale_corrections[0]["report_id"] == target.report.sha256[:16]
    out = CliRunner().invoke(app, ["status", "--data", str(folder)])
    assert "stale corrections" in out.output and "appeals.reconsideration.total" in out.output


def test_ogi_correct_command(data):
    folder, items = data
    runner = CliRunner()
    rid = items[3].report.sha256[:16]
    args = ["correct", rid, "applications.new.natural_person", "blank", "--data", str(folder)]
    ok = runner.invoke(app, [*args, "--note", "原文为空", "--reviewer", "赵六"])
    assert ok.exit_code == 0, ok.output
    row = read_corrections(folder)[-1]
    assert row.new_value is None and row.note == "原文为空" and row.reviewer == "赵六"
    bad = runner.invoke(app, ["correct", rid, "applications.new", "3", "--data", str(folder)])
    assert bad.exit_code == 2
    gone = runner.invoke(app, ["correct", "f" * 16, "applications.new.total", "3",
                               "--data", str(folder)])  # fmt: skip
    assert gone.exit_code == 3
    assert len(read_corrections(folder)) == 1
