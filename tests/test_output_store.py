"""The parse results store the harvest writes and `ogi export --data` reads."""

from __future__ import annotations

import json
import random

import pytest

from fixtures.townships import township_series
from output.export import export
from output.inputs import ReportInput
from output.store import (
    RecordStore,
    decode_report,
    encode_report,
    input_to_line,
    load_records,
    store_files,
)
from parsers.model import BLANK, DASH, UNCERTAIN, CellValue


@pytest.fixture
def items():
    return township_series(random.Random(3), townships=3, years=(2022, 2023))


def _detail(report):
    return [
        (s, r, c, cell.value, cell.raw, cell.status, cell.unit) for s, r, c, cell in report.cells()
    ]


def test_encoded_records_keep_what_the_contract_leaves_out(items):
    report = items[0].report
    apps = report.tables["applications"]
    apps["new"]["research"] = CellValue(None, "", BLANK)
    apps["new"]["commercial"] = CellValue(None, "—", DASH)
    apps["granted"]["other_org"] = CellValue(None, "1 2", UNCERTAIN)
    report.tables["proactive"]["fees"]["amount"] = CellValue(3, "3万元", unit="万元")
    report.form, report.content_type = "html", "text/html"
    data = json.loads(json.dumps(encode_report(report), ensure_ascii=False))
    back = decode_report(data)
    assert _detail(back) == _detail(report)
    assert back.to_dict() == report.to_dict()
    assert (back.title, back.form, back.content_type) == (report.title, "html", "text/html")


def test_store_round_trip_with_provenance(items, tmp_path):
    with RecordStore.open(tmp_path) as store:
        store.put_many(items)
        assert len(store) == len(items)
    assert store_files(tmp_path) == [tmp_path / "records.sqlite"]
    loaded = list(load_records(tmp_path))
    assert len(loaded) == len(items)
    by_sha = {i.report.sha256: i for i in loaded}
    for item in items:
        got = by_sha[item.report.sha256]
        assert got.provenance() == {**item.provenance(), "sha256": item.report.sha256}
        assert _detail(got.report) == _detail(item.report)
        assert got.report.place == item.report.place


def test_a_reparse_replaces_and_a_changed_document_adds(items, tmp_path):
    first = items[0]
    changed = township_series(random.Random(4), townships=1, years=(2022,))[0]
    with RecordStore.open(tmp_path) as store:
        store.put(first)
        first.report.warnings.append("re-parsed with a newer parser")
        store.put(first)  # same url and bytes: replaced
        store.put(ReportInput(changed.report, url=first.url))  # same url, new bytes: both kept
        assert len(store) == 2
        loaded = {i.report.sha256: i for i in store}
        assert loaded[first.report.sha256].report.warnings == ["re-parsed with a newer parser"]
        assert store.remove(first.url, changed.report.sha256)
        assert not store.remove(first.url, changed.report.sha256)
        assert len(store) == 1


def test_shards_are_merged_and_documents_deduplicated(items, tmp_path):
    with (
        RecordStore.open(tmp_path, shard="1of2") as one,
        RecordStore.open(tmp_path, shard="2/2") as two,
    ):
        one.put_many(items[:4])
        two.put_many(items[3:])  # items[3] fetched by both machines
    assert sorted(p.name for p in store_files(tmp_path)) == [
        "records-1of2.sqlite",
        "records-2-2.sqlite",
    ]
    assert len(list(load_records(tmp_path))) == len(items)


def test_record_lines_in_both_shapes(items, tmp_path):
    lines = tmp_path / "records.jsonl"
    with lines.open("w", encoding="utf-8") as handle:
        handle.write(
            json.dumps(items[0].report.to_dict(), ensure_ascii=False) + "\n"
        )  # ogi parse --json
        handle.write("\n")
        handle.write(json.dumps(input_to_line(items[1]), ensure_ascii=False) + "\n")
    loaded = list(load_records(tmp_path))
    assert [i.report.agency for i in loaded] == [items[0].report.agency, items[1].report.agency]
    assert loaded[1].url == items[1].url and loaded[0].url is None


def test_bad_sources_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="records.sqlite"):
        list(load_records(tmp_path))
    with pytest.raises(FileNotFoundError):
        list(load_records(tmp_path / "missing"))
    bad = tmp_path / "records.jsonl"
    bad.write_text('{"agency": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"records.jsonl:2"):
        list(load_records(tmp_path))


def test_export_reads_a_data_folder(items, tmp_path):
    with RecordStore.open(tmp_path / "data") as store:
        store.put_many(items)
    result = export(tmp_path / "data", tmp_path / "out", ["csv"])
    assert result.rows["reports"] == len(items)
    assert result.rows["panel"] == len(items)
    reports = result.datasets["reports"].frame
    assert set(reports["warc_record_id"]) == {i.warc_record_id for i in items}


def test_reading_does_not_modify_the_store(items, tmp_path):
    with RecordStore.open(tmp_path) as store:
        store.put_many(items)
    path = tmp_path / "records.sqlite"
    before = path.read_bytes()
    list(load_records(tmp_path))
    assert path.read_bytes() == before


def test_a_store_written_before_the_publisher_columns_is_read_and_upgraded(tmp_path, items):
    """A partition file from an older harvest lacks ``publisher`` and ``index_no``: read-only it
    is read with them as null; opened for writing it gains them and keeps every record."""
    import sqlite3

    from output import store as store_module

    path = tmp_path / "records.sqlite"
    old_schema = "\n".join(
        line
        for line in store_module._SCHEMA.splitlines()
        if not line.strip().startswith(("publisher ", "index_no "))
    )
    old_columns = [c for c in store_module._COLUMNS if c not in ("publisher", "index_no")]
    with sqlite3.connect(path) as db:
        db.execute(old_schema)
        row = RecordStore.__new__(RecordStore)
        row.parser = "old"
        values = row._row(items[0])
        kept = [v for c, v in zip(store_module._COLUMNS, values, strict=True) if c in old_columns]
        db.execute(
            f"INSERT INTO records ({', '.join(old_columns)}) VALUES "
            f"({', '.join('?' for _ in old_columns)})",
            kept,
        )
    with RecordStore(path, readonly=True) as store:
        (read,) = list(store)
        assert read.publisher is None and read.index_no is None
        assert read.url == items[0].url
    with RecordStore(path) as store:
        store.put(
            ReportInput(items[1].report, url="u2", publisher="某某县人民政府", index_no="1/2")
        )
        got = {i.url: i for i in store}
    assert len(got) == 2 and got["u2"].publisher == "某某县人民政府"
