"""Every format written to real files and read back value by value (nulls and the BOM too)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fixtures.townships import generated_inputs, township_series
from output.columns import (
    BOOLEAN,
    CODE,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    TEXT,
    Column,
    typed_series,
)
from output.dataset import Dataset
from output.export import export, parse_formats
from output.writers import atomic
from output.writers import sqlite as sqlite_writer
from output.writers.values import format_number, python_values
from parsers.model import BLANK, DASH, CellValue, Report
from parsers.model import NUMBER as NUMBER_STATUS
from tests.corpus import CORPUS, cases

READ_DTYPES = {
    TEXT: "string",
    CODE: "string",
    DATE: "string",
    DATETIME: "string",
    INTEGER: "Int64",
    NUMBER: "Float64",
    BOOLEAN: "boolean",
}


def _odd_report() -> Report:
    """Text that tempts every format: a formula, a control character, 'NA', commas, newlines."""
    base = township_series(random.Random(99), townships=1, years=(2020,))[0].report
    apps = base.tables["applications"]
    apps["new"]["research"] = CellValue(None, "", BLANK)
    apps["new"]["commercial"] = CellValue(None, "—", DASH)
    apps["granted"]["research"] = CellValue(0, "=SUM(A1:A2)", NUMBER_STATUS)
    apps["partial"]["research"] = CellValue(0, "NA", NUMBER_STATUS)
    apps["partial"]["commercial"] = CellValue(0, "0\x0b", NUMBER_STATUS)
    base.tables["proactive"]["fees"]["amount"] = CellValue(73802895.9, "73802895.90元", unit="元")
    base.warnings = ["first, with a comma", 'second "quoted"\nand a newline']
    base.agency = "=某某镇人民政府"
    base.sha256 = "0d" * 32
    return base


def _corpus_records() -> list[Report]:
    """The corpus twice: each document parsed (raw text and statuses included), and its
    expected record as written by hand (a second version or a duplicate of the same report)."""
    import parsers
    from parsers.model import ParseError

    out = []
    for case in cases():
        with contextlib.suppress(ParseError):  # unparseable forms keep their expected record
            out.append(parsers.parse(case.document.read_bytes(), source=case.document.name))
        record = {k: v for k, v in case.expected.items() if not k.startswith("_")}
        record.setdefault("source", case.document.name)
        out.append(Report.from_dict(record))
    return out


@pytest.fixture(scope="module")
def records():
    rng = random.Random(2024)
    items = township_series(rng, townships=5, years=(2022, 2023), break_carry=["光明街道"])
    items += generated_inputs(rng, 25)
    items.append(_odd_report())
    items.append(
        Report(
            agency="平潭综合实验区",
            year=2012,
            sha256="12" * 32,
            template="pre2019",
            prose={"applications_received": 3, "fees_yuan": 12.5},
            prose_evidence={"applications_received": "收到申请3件"},
        )
    )
    items += _corpus_records()
    return items


@pytest.fixture(scope="module")
def exported(records, tmp_path_factory):
    out = tmp_path_factory.mktemp("datasets")
    result = export(records, out)
    return result


def _expected(dataset: Dataset, name: str) -> list:
    column = dataset.column(name)
    return python_values(dataset.frame[name], column)


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return float(b) == pytest.approx(float(a), rel=1e-14, abs=0)


def _same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return float(a) == float(b)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_reads_back_value_by_value(exported):
    for dataset in exported.datasets:
        path = exported.out_dir / f"{dataset.name}.csv"
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf", "Excel needs the BOM to show Chinese"
        frame = pd.read_csv(
            path,
            encoding="utf-8-sig",
            dtype={c.name: READ_DTYPES[c.kind] for c in dataset.columns},
            keep_default_na=False,
            na_values=[""],
        )
        assert list(frame.columns) == [c.name for c in dataset.columns]
        assert len(frame) == len(dataset)
        for column in dataset.columns:
            want = _expected(dataset, column.name)
            got = python_values(frame[column.name], column)
            if column.kind == NUMBER:
                assert all(_same_number(a, b) for a, b in zip(want, got, strict=True)), column.name
            else:
                # CSV cannot tell "" from null: an empty text reads back as null
                want = [None if v == "" else v for v in want]
                assert got == want, f"{dataset.name}.{column.name}"


def test_csv_keeps_chinese_and_code_like_text_intact(exported):
    text = (exported.out_dir / "panel.csv").read_text(encoding="utf-8-sig")
    assert "梅河口市光明街道人民政府" in text
    panel = pd.read_csv(exported.out_dir / "panel.csv", encoding="utf-8-sig", dtype=str)
    assert "220581002" in set(panel["division_code"])
    cells = pd.read_csv(exported.out_dir / "cells.csv", encoding="utf-8-sig", dtype=str)
    amount = cells[(cells["code"] == "proactive__fees__amount") & (cells["unit"] == "元")]
    assert "73802895.9" in set(amount["value"])  # shortest exact form, no float noise
    assert not cells["value"].dropna().str.endswith(".0").any()


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------


def test_parquet_reads_back_exactly_with_its_types(exported):
    for dataset in exported.datasets:
        path = exported.out_dir / f"{dataset.name}.parquet"
        frame = pd.read_parquet(path)
        pd.testing.assert_frame_equal(frame, dataset.frame.reset_index(drop=True))
        schema = pq.read_schema(path)
        for column in dataset.columns:
            field = schema.field(column.name)
            if column.kind in (CODE, TEXT, DATE, DATETIME):
                assert field.type == pa.string()
            elif column.kind == INTEGER:
                assert field.type == pa.int64()
            assert field.metadata[b"kind"].decode() == column.kind
    schema = pq.read_schema(exported.out_dir / "panel.parquet")
    assert schema.field("year").type == pa.int64()
    assert schema.field("division_code").type == pa.string()
    assert schema.field("grant_rate").type == pa.float64()


def test_parquet_partitioned_by_year(records, tmp_path):
    result = export(records, tmp_path, ["parquet"], partition_by_year=True)
    cells = result.datasets["cells"]
    years = sorted({int(y) for y in cells.frame["year"].dropna()})
    for year in years:
        assert (tmp_path / "cells" / f"year={year}" / "part-0.parquet").is_file()
    assert (tmp_path / "codebook.parquet").is_file()
    partitioning = ds.partitioning(pa.schema([("year", pa.int64())]), flavor="hive")
    table = ds.dataset(tmp_path / "panel", format="parquet", partitioning=partitioning).to_table()
    frame = table.to_pandas(types_mapper=pd.ArrowDtype).sort_values(["agency_id", "year"])
    panel = result.datasets["panel"].frame
    assert len(frame) == len(panel)
    assert sorted(frame["year"].tolist()) == sorted(panel["year"].tolist())
    assert frame["requests_received"].sum() == panel["requests_received"].sum()
    # a year that disappears from the data loses its partition on the next export
    gone = years[0]
    fewer = [r for r in records if _report(r).year != gone]
    again = export(fewer, tmp_path, ["parquet"], partition_by_year=True)
    assert not (tmp_path / "cells" / f"year={gone}").exists()
    assert any(p.parent.name == f"year={gone}" for p in again.removed)


def _report(item):
    return getattr(item, "report", item)


# --------------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------------


def _xlsx_expected(value, column):
    if value is None:
        return None
    if column.kind == NUMBER:
        return value
    if isinstance(value, str):  # like CSV, a sheet cannot hold an empty text: it reads as null
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


def test_xlsx_one_sheet_per_dataset_typed_and_frozen(exported):
    book = openpyxl.load_workbook(exported.out_dir / "datasets.xlsx")
    assert book.sheetnames == ["panel", "reports", "cells", "codebook"]
    for dataset in exported.datasets:
        sheet = book[dataset.name]
        assert sheet.freeze_panes == "A2"
        rows = list(sheet.iter_rows(values_only=False))
        assert [c.value for c in rows[0]] == [c.name for c in dataset.columns]
        assert all(c.font.bold for c in rows[0])
        assert len(rows) - 1 == len(dataset)
        for index, column in enumerate(dataset.columns):
            want = [_xlsx_expected(v, column) for v in _expected(dataset, column.name)]
            cells = [row[index] for row in rows[1:]]
            got = [c.value for c in cells]
            if column.kind == NUMBER:  # Excel keeps 15 significant digits
                assert all(_close(a, b) for a, b in zip(want, got, strict=True)), column.name
            else:
                assert got == want, f"{dataset.name}.{column.name}"
            if column.kind in (CODE, DATE, DATETIME):
                for cell in cells:
                    if cell.value is None:
                        continue
                    assert cell.data_type == "s", column.name  # a text cell, never a number
                    if re.fullmatch(r"[\d\-:+T.]+", cell.value):  # what Excel would convert
                        assert cell.number_format == "@", (column.name, cell.value)


def test_xlsx_never_turns_text_into_a_formula(exported):
    sheet = openpyxl.load_workbook(exported.out_dir / "datasets.xlsx")["cells"]
    raw_column = [c.value for c in sheet[1]].index("raw") + 1
    formulas = [
        sheet.cell(row, raw_column)
        for row in range(2, sheet.max_row + 1)
        if str(sheet.cell(row, raw_column).value).startswith("=")
    ]
    assert formulas and all(c.data_type == "s" for c in formulas)
    panel = openpyxl.load_workbook(exported.out_dir / "datasets.xlsx")["panel"]
    agencies = [c.value for c in panel["B"]]
    assert "=某某镇人民政府" in agencies


def test_xlsx_splits_long_sheets_and_leaves_out_huge_cells(records, tmp_path):
    result = export(records, tmp_path, ["xlsx"], xlsx_max_rows=20)
    book = openpyxl.load_workbook(tmp_path / "datasets.xlsx", read_only=True)
    panel_rows = len(result.datasets["panel"])
    sheets = [s for s in book.sheetnames if s.startswith("panel")]
    assert len(sheets) == -(-panel_rows // 20)
    assert sum(sum(1 for _ in book[s].iter_rows()) - 1 for s in sheets) == panel_rows
    note = [row for row in book["cells"].iter_rows(values_only=True)]
    assert len(note) == 1 and "cells.csv" in note[0][0]
    assert any("cells" in n and "xlsx" in n for n in result.notes)


# --------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------


def test_sqlite_tables_keys_indexes_and_values(exported):
    db = sqlite3.connect(exported.out_dir / "datasets.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = db.execute("PRAGMA foreign_key_list(cells)").fetchall()
    assert [(f[2], f[3], f[4]) for f in fks] == [("reports", "report_id", "report_id")]
    pk = [r[1] for r in sorted(db.execute("PRAGMA table_info(panel)"), key=lambda r: r[5]) if r[5]]
    assert pk == ["agency_id", "year"]
    indexed = {
        (table, row[2])
        for table in ("reports", "cells", "panel")
        for index in db.execute(f"PRAGMA index_list({table})")
        for row in db.execute(f"PRAGMA index_info([{index[1]}])")
    }
    for needed in [("reports", "agency"), ("reports", "year"), ("cells", "code"), ("panel", "agency"), ("panel", "year")]:  # fmt: skip
        assert needed in indexed
    for dataset in exported.datasets:
        cursor = db.execute(f"SELECT * FROM [{dataset.name}]")
        names = [d[0] for d in cursor.description]
        assert names == [c.name for c in dataset.columns]
        rows = cursor.fetchall()
        assert len(rows) == len(dataset)
        for index, column in enumerate(dataset.columns):
            want = _expected(dataset, column.name)
            got = [row[index] for row in rows]
            if column.kind == NUMBER:
                assert all(_same_number(a, b) for a, b in zip(want, got, strict=True))
            elif column.kind == BOOLEAN:
                assert got == [None if v is None else int(v) for v in want]
            else:
                assert got == want, f"{dataset.name}.{column.name}"


def test_sqlite_full_text_search_finds_chinese_name_fragments(exported):
    db = sqlite3.connect(exported.out_dir / "datasets.sqlite")
    hits = db.execute(
        "SELECT reports.agency FROM reports_fts JOIN reports ON reports.rowid = reports_fts.rowid "
        "WHERE reports_fts MATCH ?",
        ['"光明街道"'],
    ).fetchall()
    assert hits and all("光明街道" in agency for (agency,) in hits)
    assert {a for (a,) in hits} == {"梅河口市光明街道人民政府"}
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'panel_fts'").fetchone()[0]
    assert "content=[panel]" in sql  # the layout datasette and sqlite-utils detect
    counts = db.execute("SELECT count(*) FROM panel_fts WHERE panel_fts MATCH '梅河口'").fetchone()
    panel = exported.datasets["panel"].frame
    assert counts[0] == int(panel["agency"].str.contains("梅河口").sum()) >= 10


def test_sqlite_counts_read_back_as_integers(exported):
    db = sqlite3.connect(exported.out_dir / "datasets.sqlite")
    kinds = {
        t for (t,) in db.execute("SELECT DISTINCT typeof(value) FROM cells WHERE value IS NOT NULL")
    }
    assert "integer" in kinds
    assert db.execute("SELECT typeof(year) FROM panel LIMIT 1").fetchone()[0] == "integer"
    assert db.execute("SELECT typeof(division_code) FROM panel WHERE division_code IS NOT NULL LIMIT 1").fetchone()[0] == "text"  # fmt: skip


# --------------------------------------------------------------------------------------------
# Atomic and change-aware
# --------------------------------------------------------------------------------------------


def _snapshot(folder):
    return {
        p.relative_to(folder): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_rerunning_an_unchanged_export_rewrites_nothing(records, tmp_path):
    first = export(records, tmp_path, partition_by_year=True)
    assert first.changed and not first.unchanged
    before = _snapshot(tmp_path)
    second = export(list(reversed(records)), tmp_path, partition_by_year=True)
    assert second.changed == [] and second.removed == []
    assert len(second.unchanged) == len(first.changed)
    assert _snapshot(tmp_path) == before  # same inodes, same mtimes, same bytes
    # without the manifest every format is written again: the bytes must come out the same
    (tmp_path / ".ogi-export.json").unlink()
    third = export(records, tmp_path, partition_by_year=True)
    assert third.changed == []
    assert {k: v for k, v in _snapshot(tmp_path).items() if k.name != ".ogi-export.json"} == {
        k: v for k, v in before.items() if k.name != ".ogi-export.json"
    }


def test_an_unchanged_format_is_not_even_rewritten_to_a_temporary(records, tmp_path, monkeypatch):
    export(records, tmp_path, ["csv", "xlsx"])

    def must_not_run(*args, **kwargs):
        raise AssertionError("the workbook was written although nothing changed")

    monkeypatch.setattr(openpyxl.Workbook, "save", must_not_run)
    again = export(records, tmp_path, ["csv", "xlsx"])
    assert again.changed == [] and (tmp_path / "datasets.xlsx") in again.unchanged
    monkeypatch.undo()
    (tmp_path / "cells.csv").write_text("edited by hand", encoding="utf-8")
    (tmp_path / "datasets.xlsx").unlink()
    repaired = export(records, tmp_path, ["csv", "xlsx"])
    assert {p.name for p in repaired.changed} == {"cells.csv", "datasets.xlsx"}
    assert (tmp_path / "cells.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_a_new_report_rewrites_what_it_changes(records, tmp_path):
    export(records, tmp_path, ["csv", "parquet"])
    before = _snapshot(tmp_path)
    extra = township_series(random.Random(1), townships=1, years=(2024,))
    result = export(list(records) + extra, tmp_path, ["csv", "parquet"])
    changed = {p.name for p in result.changed}
    assert {"reports.csv", "cells.csv", "panel.csv", "reports.parquet"} <= changed
    assert "codebook.csv" not in changed  # no new column, so the codebook is left alone
    assert _snapshot(tmp_path)[Path("codebook.csv")] == before[Path("codebook.csv")]


def test_a_failing_export_leaves_the_previous_files_intact(records, tmp_path, monkeypatch):
    export(records, tmp_path, ["csv", "sqlite"])
    before = _snapshot(tmp_path)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sqlite_writer, "_insert", broken)
    with pytest.raises(OSError, match="disk full"):
        export(records[:3], tmp_path, ["csv", "sqlite"])
    assert _snapshot(tmp_path) == before
    assert not list(tmp_path.glob(atomic.TEMP_PREFIX + "*"))


def test_leftover_temporaries_of_a_killed_run_are_cleaned(records, tmp_path):
    stale = tmp_path / f"{atomic.TEMP_PREFIX}abc.csv"
    stale.write_text("half written")
    export(records[:2], tmp_path, ["csv"])
    assert not stale.exists()


def test_formats_are_validated():
    assert parse_formats("csv, parquet") == ("csv", "parquet")
    with pytest.raises(ValueError, match="xls"):
        parse_formats("csv,xls")


# --------------------------------------------------------------------------------------------
# Corpus: records parsed from real documents
# --------------------------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_corpus_documents_parsed_and_exported_keep_every_cell(tmp_path):
    import parsers

    reports = []
    for case in cases("html", "pipe"):
        reports.append(parsers.parse(case.document.read_bytes(), source=str(case.document)))
    result = export(reports, tmp_path, ["csv", "sqlite"])
    cells = pd.read_csv(
        tmp_path / "cells.csv",
        encoding="utf-8-sig",
        dtype={"report_id": str, "raw": str, "code": str},
        keep_default_na=False,
        na_values=[""],
    )
    by_id = {row["report_id"]: row for _, row in result.datasets["reports"].frame.iterrows()}
    assert len(by_id) == len({r.sha256 for r in reports})
    for report in reports:
        mine = cells[cells["report_id"] == report.sha256[:16]]
        assert len(mine) == len(report.cells())
        lookup = {code: value for code, value in zip(mine["code"], mine["value"], strict=True)}
        for section, row, column, cell in report.cells():
            got = lookup[f"{section}__{row}__{column}"]
            if cell.value is None:
                assert pd.isna(got)
            else:
                assert got == cell.value
    db = sqlite3.connect(tmp_path / "datasets.sqlite")
    statuses = dict(db.execute("SELECT report_id, parse_status FROM reports").fetchall())
    for report in reports:
        failed = any(c.ok is False for c in report.checks)
        assert (statuses[report.sha256[:16]] == "checks_failed") == failed


def test_record_lines_round_trip_through_the_panel(records, tmp_path):
    lines = tmp_path / "records.jsonl"
    with lines.open("w", encoding="utf-8") as handle:
        for item in records:
            handle.write(json.dumps(_report(item).to_dict(), ensure_ascii=False) + "\n")
    result = export(lines, tmp_path / "out", ["parquet"])
    panel = pd.read_parquet(tmp_path / "out" / "panel.parquet")
    assert len(panel) == len(result.datasets["panel"])
    assert os.path.getsize(tmp_path / "out" / "cells.parquet") > 0


# --------------------------------------------------------------------------------------------
# Number text and typing, for any value
# --------------------------------------------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_is_exact_and_short(value):
    text = format_number(value)
    assert float(text) == value
    if value.is_integer() and abs(value) < 1e16:
        assert "." not in text and "e" not in text


@given(st.lists(st.one_of(st.none(), st.integers(-(10**12), 10**12), st.floats(-1e6, 1e6))))
def test_counts_are_never_truncated(values):
    series = typed_series(values, Column("n", INTEGER))
    assert [None if pd.isna(v) else v for v in series.tolist()] == values
    exact = all(v is None or float(v).is_integer() for v in values)
    assert str(series.dtype) == ("Int64" if exact else "Float64")
