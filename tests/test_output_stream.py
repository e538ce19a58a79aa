"""The streamed build: the files do not depend on how the rows were cut into chunks, memory
holds a bounded number of records, and records are read from the store when needed."""

from __future__ import annotations

import copy
import random
import sqlite3
import weakref
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import output.build
import output.cells
import output.cellspill
import output.dataset
import output.entrytable
import output.reports
import output.store
from fixtures.townships import balanced_tables, generated_inputs, make_report, township_series
from output.columns import BOOLEAN, CODE, INTEGER, NUMBER, TEXT, Column
from output.export import export
from output.frames import build_datasets
from output.inputs import ReportInput
from output.store import RecordStore, StoredInput, decode_report, encode_report, load_records
from output.writers import atomic
from output.writers import parquet as parquet_writer
from output.writers import xlsx as xlsx_writer
from output.writers.arrow import ARROW_TYPES
from output.writers.xlsx_rows import rows_xml
from parsers.model import BLANK, DASH, UNCERTAIN, CellValue, Report

FORMATS = ("csv", "parquet", "xlsx", "sqlite")


def _records() -> list:
    rng = random.Random(11)
    items = township_series(rng, townships=6, years=(2021, 2022, 2023), break_carry=["光明街道"])
    items += generated_inputs(rng, 30)
    first = items[0]
    # the same report as a PDF attachment (a duplicate) and a corrected re-issue
    pdf = copy.copy(first.report)
    pdf.sha256, pdf.form = "ab" * 32, "pdf"
    items.append(ReportInput(pdf, url=first.url + ".pdf", fetched_at=first.fetched_at))
    fixed = make_report(
        first.report.agency,
        first.report.year,
        balanced_tables(random.Random(5)),
        place=first.report.place,
        published="2099-01-01",
        title="关于更正的年度报告（更正版）",
    )
    items.append(ReportInput(fixed, url=first.url + "?v=2", fetched_at="2099-01-02T00:00:00"))
    # a pre-2019 prose report and an odd count with a fraction (an integer column turns number)
    items.append(
        Report(
            agency="平潭综合实验区",
            year=2012,
            sha256="12" * 32,
            template="pre2019",
            prose={"applications_received": 3, "fees_yuan": 12.5},
        )
    )
    odd = generated_inputs(random.Random(12), 1)[0]
    odd.report.tables["applications"]["new"]["natural_person"] = CellValue(1.5, "1.5")
    odd.report.sha256 = "cd" * 32
    items.append(odd)
    return items


@pytest.fixture(scope="module")
def records():
    return _records()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".ogi-export.json"
    }


def _tiny_chunks(monkeypatch) -> None:
    monkeypatch.setattr(output.cellspill, "CHUNK", 7)
    monkeypatch.setattr(output.cellspill, "READ_ROWS", 5)
    monkeypatch.setattr(output.reports, "REPORTS_CHUNK", 3)
    monkeypatch.setattr(output.build, "PANEL_CHUNK", 2)
    monkeypatch.setattr(output.dataset, "CHUNK_ROWS", 5)
    monkeypatch.setattr(output.entrytable, "SPILL_ROWS", 3)
    monkeypatch.setattr(output.entrytable, "BUCKET_ROWS", 4)  # entries re-ordered in buckets
    monkeypatch.setattr(output.entrytable, "READ_ROWS", 2)


@pytest.mark.parametrize("partition_by_year", [False, True])
def test_files_do_not_depend_on_the_chunk_sizes(records, tmp_path, monkeypatch, partition_by_year):
    whole = export(records, tmp_path / "whole", FORMATS, partition_by_year=partition_by_year,
                   xlsx_max_rows=40)  # fmt: skip
    _tiny_chunks(monkeypatch)
    chunked = export(records, tmp_path / "chunked", FORMATS, partition_by_year=partition_by_year,
                     xlsx_max_rows=40)  # fmt: skip
    assert _files(tmp_path / "chunked") == _files(tmp_path / "whole")
    for dataset in whole.datasets:
        pd.testing.assert_frame_equal(chunked.datasets[dataset.name].frame, dataset.frame)
    # and the frames are the same whether the datasets are exported or built in memory
    built = build_datasets(records)
    for dataset in whole.datasets:
        pd.testing.assert_frame_equal(built[dataset.name].frame, dataset.frame)


def test_datasets_held_in_memory_write_the_same_files_as_the_stream(records, tmp_path):
    streamed = export(records, tmp_path / "streamed", FORMATS)
    again = export(streamed.datasets, tmp_path / "from-frames", FORMATS)
    assert again.rows == streamed.rows
    assert _files(tmp_path / "from-frames") == _files(tmp_path / "streamed")


def test_a_fraction_in_a_late_chunk_makes_the_column_a_number_everywhere(
    records, tmp_path, monkeypatch
):
    _tiny_chunks(monkeypatch)
    result = export(records, tmp_path, ["parquet", "sqlite"])
    code = "applications__new__natural_person"
    panel = result.datasets["panel"]
    assert panel.column(code).kind == "number"
    assert str(panel.frame[code].dtype) == "Float64"
    assert 1.5 in set(panel.frame[code].dropna())
    assert pa.types.is_float64(pq.read_schema(tmp_path / "panel.parquet").field(code).type)
    codebook = result.datasets["codebook"].frame
    row = codebook[(codebook["dataset"] == "panel") & (codebook["column"] == code)]
    assert row["type"].tolist() == ["number"]
    db = sqlite3.connect(tmp_path / "datasets.sqlite")
    declared = {r[1]: r[2] for r in db.execute("PRAGMA table_info(panel)")}
    assert declared[code] == "NUMERIC"
    # the columns without fractions stay counts
    assert panel.column("applications__new__total").kind == "integer"


def test_cross_year_check_sees_the_previous_year_across_chunks(records, monkeypatch):
    whole = build_datasets(records)["panel"].frame
    _tiny_chunks(monkeypatch)
    chunked = build_datasets(records)["panel"].frame
    flags = chunked[["agency_id", "year", "xyear_carryover_ok", "xyear_carryover_detail"]]
    assert flags.equals(whole[flags.columns])
    broken = chunked[chunked["agency"].str.contains("光明街道") & (chunked["year"] == 2023)]
    assert broken["xyear_carryover_ok"].tolist() == [False]
    assert chunked["xyear_carryover_ok"].eq(True).sum() >= 10  # years of one agency compared


def test_parquet_row_groups_are_bounded_and_read_back_whole(records, tmp_path, monkeypatch):
    monkeypatch.setattr(parquet_writer, "ROW_GROUP_VALUES", 1000)
    result = export(records, tmp_path, ["parquet"])
    panel = pq.ParquetFile(tmp_path / "panel.parquet")
    columns = len(result.datasets["panel"].columns)
    assert panel.metadata.num_row_groups > 1
    for index in range(panel.metadata.num_row_groups):
        assert panel.metadata.row_group(index).num_rows <= max(1, 1000 // columns)
    for dataset in result.datasets:
        frame = pd.read_parquet(tmp_path / f"{dataset.name}.parquet")
        pd.testing.assert_frame_equal(frame, dataset.frame.reset_index(drop=True))


def test_xlsx_widths_and_sheet_order_survive_streaming(records, tmp_path, monkeypatch):
    _tiny_chunks(monkeypatch)
    monkeypatch.setattr(xlsx_writer, "_SAMPLE", 4)
    export(records, tmp_path, ["xlsx"], xlsx_max_rows=25)
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "datasets.xlsx", read_only=True)
    names = book.sheetnames
    assert names[0] == "panel" and names[1] == "panel (2)"
    first_of = {n.split(" (")[0]: i for i, n in reversed(list(enumerate(names)))}
    assert first_of["panel"] < first_of["reports"] < first_of["cells"] < first_of["codebook"]


# --------------------------------------------------------------------------------------------
# Bounded memory: the build never holds every record
# --------------------------------------------------------------------------------------------


def test_an_export_from_a_store_holds_a_bounded_number_of_records(tmp_path, monkeypatch):
    rng = random.Random(3)
    with RecordStore.open(tmp_path / "data") as store:
        for _ in range(6):
            store.put_many(generated_inputs(rng, 200))
    alive: set[int] = set()
    peak = 0
    real_decode = output.store.decode_report

    def counting(data):
        nonlocal peak
        report = real_decode(data)
        alive.add(id(report))
        weakref.finalize(report, alive.discard, id(report))
        peak = max(peak, len(alive))
        return report

    monkeypatch.setattr(output.store, "decode_report", counting)
    result = export(tmp_path / "data", tmp_path / "out", FORMATS, keep_datasets=False)
    assert result.rows["reports"] == 1200
    assert result.datasets is None
    # records are read a batch at a time (256) and dropped: never all 1,200 at once
    assert 0 < peak <= 2 * 256 + 8
    assert not list((tmp_path / "out").glob(atomic.TEMP_PREFIX + "*"))


def test_load_records_gives_small_handles_that_read_the_store(tmp_path):
    items = township_series(random.Random(4), townships=2, years=(2022, 2023))
    with RecordStore.open(tmp_path) as store:
        store.put_many(items)
    handles = list(load_records(tmp_path))
    assert all(isinstance(h, StoredInput) for h in handles)
    by_sha = {h.sha256: h for h in handles}
    for item in items:
        handle = by_sha[item.report.sha256]
        plain = handle.load()
        assert type(plain) is ReportInput
        assert plain.report.to_dict() == item.report.to_dict()
        assert handle.url == item.url and handle.warc_record_id == item.warc_record_id
        handle.report.warnings.append("changed in memory")  # a fresh copy each time
        assert "changed in memory" not in handle.report.warnings
    loaded = list(StoredInput.load_many(reversed(handles), digest=True))
    assert [i.sha256 for i, _d in loaded] == [h.sha256 for h in reversed(handles)]
    assert all(len(d) == 16 for _i, d in loaded)


def test_a_reparsed_record_is_exported_again(tmp_path):
    items = township_series(random.Random(6), townships=2, years=(2022,))
    with RecordStore.open(tmp_path / "data") as store:
        store.put_many(items)
    export(tmp_path / "data", tmp_path / "out", ["csv"], keep_datasets=False)
    items[0].report.warnings.append("re-parsed with a newer parser")
    with RecordStore.open(tmp_path / "data") as store:
        store.put(items[0])  # same document (url and bytes): its record replaced
    again = export(tmp_path / "data", tmp_path / "out", ["csv"], keep_datasets=False)
    assert {p.name for p in again.changed} >= {"reports.csv"}
    text = (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8-sig")
    assert "re-parsed with a newer parser" in text


def test_a_killed_runs_scratch_folder_is_removed(tmp_path, records):
    leftover = tmp_path / f"{atomic.TEMP_PREFIX}build-x"
    (leftover / "deeper").mkdir(parents=True)
    (leftover / "deeper" / "blobs.bin").write_bytes(b"half")
    export(records[:3], tmp_path, ["csv"])
    assert not leftover.exists()


# --------------------------------------------------------------------------------------------
# Decoding stored records
# --------------------------------------------------------------------------------------------


def _detail(report: Report) -> list:
    return [(s, r, c, x.value, x.raw, x.status, x.unit) for s, r, c, x in report.cells()]


def test_decoding_a_contract_record_matches_from_dict(records):
    for item in records[:20]:
        report = getattr(item, "report", item)
        contract = report.to_dict()
        assert _detail(decode_report(contract)) == _detail(Report.from_dict(contract))


def test_decoding_keeps_cells_that_only_the_detail_has(records):
    report = copy.deepcopy(records[0].report)
    apps = report.tables["applications"]
    apps["new"]["research"] = CellValue(None, "", BLANK)
    apps["new"]["commercial"] = CellValue(None, "—", DASH)
    apps["granted"]["other_org"] = CellValue(None, "1 2", UNCERTAIN)
    report.tables["applications"]["extra_row"] = {"total": CellValue(None, "？", DASH)}
    report.tables["extra_section"] = {"row": {"col": CellValue(None, "x", DASH)}}
    data = encode_report(report)
    # a contract without the null cells (as an older writer left them): the detail adds them
    for section in ("applications", "extra_section"):
        for row in list(data["tables"].get(section, {})):
            data["tables"][section][row] = {
                c: v for c, v in data["tables"][section][row].items() if v is not None
            }
    back = decode_report(data)
    assert {x[:3] for x in _detail(back)} == {x[:3] for x in _detail(report)}
    got = {x[:3]: x[3:] for x in _detail(back)}
    for section, row, column, value, raw, status, unit in _detail(report):
        assert got[(section, row, column)] == (value, raw, status, unit)


def test_an_unchanged_store_is_checked_without_decoding_a_record(tmp_path, monkeypatch):
    items = township_series(random.Random(8), townships=3, years=(2022, 2023))
    with RecordStore.open(tmp_path / "data") as store:
        store.put_many(items)
    first = export(tmp_path / "data", tmp_path / "out", ["csv", "xlsx"], keep_datasets=False)
    assert first.changed

    def must_not_decode(data):
        raise AssertionError("a record was decoded although the store did not change")

    monkeypatch.setattr(output.store, "decode_report", must_not_decode)
    again = export(tmp_path / "data", tmp_path / "out", ["csv", "xlsx"], keep_datasets=False)
    assert again.changed == [] and len(again.unchanged) == len(first.changed)
    assert again.rows == first.rows and again.notes == first.notes
    monkeypatch.undo()
    # one more record: the quick check sees it and the datasets are written again
    extra = township_series(random.Random(9), townships=1, years=(2024,))
    with RecordStore.open(tmp_path / "data") as store:
        store.put_many(extra)
    third = export(tmp_path / "data", tmp_path / "out", ["csv", "xlsx"], keep_datasets=False)
    assert {p.name for p in third.changed} >= {"reports.csv", "panel.csv", "datasets.xlsx"}
    assert third.rows["reports"] == first.rows["reports"] + 1


# --------------------------------------------------------------------------------------------
# xlsx rows are written as openpyxl writes them
# --------------------------------------------------------------------------------------------


def _openpyxl_cell(sheet, column, value) -> bytes:
    """The ``<c>`` element openpyxl's write-only writer makes of a value, typed the documented
    way: numbers as numbers, code-like text pinned with the ``@`` format, text starting with
    ``=`` never a formula."""
    from io import BytesIO

    from lxml.etree import xmlfile
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell._writer import lxml_write_cell

    if column.kind == NUMBER:
        value = int(value) if value.is_integer() and abs(value) < 1e15 else value
        cell = WriteOnlyCell(sheet, value=value)
    elif column.kind in (INTEGER, BOOLEAN):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        text = xlsx_writer._clean(value)
        pinned = column.kind != TEXT and xlsx_writer._NUMBER_LIKE.match(text) is not None
        cell = WriteOnlyCell(sheet, value=text)
        if pinned or text.startswith("="):
            cell.data_type = "s"
        if pinned:
            cell.number_format = "@"
    cell.row, cell.column = 7, 3
    out = BytesIO()
    with xmlfile(out) as xf:
        lxml_write_cell(xf, sheet, cell, cell.has_style)
    return out.getvalue()


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
_VALUES = {
    TEXT: _TEXT,
    CODE: st.one_of(_TEXT, st.from_regex(r"[\d\-:+T. eE/]{1,20}", fullmatch=True)),
    INTEGER: st.integers(-(10**18), 10**18),  # an Arrow int64 column holds no booleans
    NUMBER: st.floats(allow_nan=False, allow_infinity=False),
    BOOLEAN: st.booleans(),
}


@pytest.mark.parametrize("kind", list(_VALUES))
@settings(deadline=None)  # a property of the bytes, not of the time (a busy machine is slow)
@given(data=st.data())
def test_xlsx_cells_are_the_xml_openpyxl_writes(kind, data):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("s")
    column = Column("c", kind)
    text = xlsx_writer._text_tail(column, xlsx_writer._pinned_style(sheet))
    for _ in range(5):
        value = data.draw(_VALUES[kind])
        if kind == TEXT and data.draw(st.booleans()):
            value = data.draw(st.sampled_from(["#N/A", "#REF!", "=SUM(A1)", "=", " x ", "a\r\nb"]))
        expected = _openpyxl_cell(sheet, column, value)
        table = pa.table({"c": pa.array([value], type=ARROW_TYPES[kind])})
        got = b"".join(rows_xml(table, [column], ["C"], [text], 7))
        assert got == b'<row r="7">' + expected + b"</row>", value


@pytest.mark.parametrize("value", [2**53 - 1, 2**53, 2**53 + 1, -(2**53) - 1, 10**16 - 1, 10**16])
def test_xlsx_integers_beyond_a_float_are_rounded_as_openpyxl_rounds_them(value):
    """Above 2**53 an integer has no float of its own: "%.16g" rounds it (2**53 + 1 is
    written 9007199254740992), and the workbook must say what openpyxl says."""
    import openpyxl

    sheet = openpyxl.Workbook(write_only=True).create_sheet("s")
    column = Column("c", INTEGER)
    text = xlsx_writer._text_tail(column, xlsx_writer._pinned_style(sheet))
    table = pa.table({"c": pa.array([value], type=ARROW_TYPES[INTEGER])})
    got = b"".join(rows_xml(table, [column], ["C"], [text], 7))
    assert got == b'<row r="7">' + _openpyxl_cell(sheet, column, value) + b"</row>"


def test_every_record_is_decoded_once(tmp_path, monkeypatch):
    items = township_series(random.Random(10), townships=3, years=(2022, 2023))
    with RecordStore.open(tmp_path / "data") as store:
        store.put_many(items)
    decoded = 0
    real_decode = output.store.decode_report

    def counting(data):
        nonlocal decoded
        decoded += 1
        return real_decode(data)

    monkeypatch.setattr(output.store, "decode_report", counting)
    # the workbook leaves out a cells table longer than a sheet
    result = export(tmp_path / "data", tmp_path / "xlsx", ["xlsx"], keep_datasets=False,
                    xlsx_max_rows=10)  # fmt: skip
    assert any("cells" in note for note in result.notes)
    assert decoded == len(items)  # once, to index them
    decoded = 0
    export(tmp_path / "data", tmp_path / "csv", ["csv"], keep_datasets=False)
    assert decoded == len(items)  # the cells were spilled as the records were indexed
