"""National scale: partitioned Parquet read as one table, and shards merged from several data
folders into the datasets of one unsharded harvest."""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fixtures.harvest import harvest_world
from fixtures.sites import FakeWeb, build_world
from fixtures.townships import generated_inputs
from ogi import cli
from output.export import export, parse_partition

duckdb = pytest.importorskip("duckdb")

PROVINCES = ["吉林省", "广东省", "内蒙古自治区", "新疆维吾尔自治区", None]


def _records() -> list:
    rng = random.Random(23)
    items = generated_inputs(rng, 40)
    for index, item in enumerate(items):
        province = PROVINCES[index % len(PROVINCES)]
        item.report.place = {"province": province, "level": "province"} if province else None
        item.report.year = 2019 + index % 4
    items[0].report.year = None  # a report without a year: in the null partition
    return items


def test_partitioned_parquet_read_with_duckdb_gives_the_flat_totals(tmp_path):
    records = _records()
    flat, parts = tmp_path / "flat", tmp_path / "parts"
    export(records, flat, ["csv", "parquet"], keep_datasets=False)
    export(records, parts, ["parquet"], partition_by="year,province", keep_datasets=False)
    files = sorted(p.relative_to(parts).as_posix() for p in parts.rglob("*.parquet"))
    assert "cells/year=2019/province=吉林省/part-0.parquet" in files
    assert "cells/year=__HIVE_DEFAULT_PARTITION__/province=吉林省/part-0.parquet" in files
    assert any("province=__HIVE_DEFAULT_PARTITION__" in f for f in files)
    assert "codebook.parquet" in files  # not a partitioned dataset

    db = duckdb.connect()
    cells = f"read_parquet('{parts}/cells/**/*.parquet', hive_partitioning = true)"
    flat_cells = f"read_csv('{flat}/cells.csv', all_varchar = true)"
    flat_reports = f"read_csv('{flat}/reports.csv', all_varchar = true)"
    by_cell = (
        f"SELECT year, province, count(*), count(value), sum(value) FROM {cells} "
        "GROUP BY ALL ORDER BY ALL"
    )
    by_flat = (
        "SELECT try_cast(c.year AS BIGINT) AS year, r.province, count(*), count(c.value), "
        f"sum(try_cast(c.value AS DOUBLE)) FROM {flat_cells} c JOIN {flat_reports} r "
        "USING (report_id) GROUP BY ALL ORDER BY ALL"
    )
    partitioned, expected = db.execute(by_cell).fetchall(), db.execute(by_flat).fetchall()
    assert partitioned == expected
    assert len(partitioned) > 10  # many (year, province) partitions, nulls included
    assert any(year is None for year, *_ in partitioned)
    assert any(province is None for _, province, *_ in partitioned)
    total = "SELECT count(*), count(value), round(sum(value), 3) FROM read_parquet('{}')"
    assert (
        db.execute(total.format(f"{parts}/cells/**/*.parquet")).fetchone()
        == db.execute(total.format(f"{flat}/cells.parquet")).fetchone()
    )
    # the panel and the reports hold the same rows as their flat files
    for name in ("reports", "panel"):
        rows = db.execute(
            f"SELECT count(*) FROM read_parquet('{parts}/{name}/**/*.parquet', "
            "hive_partitioning = true)"
        ).fetchone()[0]
        assert rows == pq.read_metadata(flat / f"{name}.parquet").num_rows


def test_partition_keys_are_checked():
    assert parse_partition("year, province") == ("year", "province")
    assert parse_partition(["province"]) == ("province",)
    with pytest.raises(ValueError, match="agency"):
        parse_partition("year,agency")


def test_a_new_layout_replaces_the_old_partition_files(tmp_path):
    records = _records()
    export(records, tmp_path, ["parquet"], partition_by="year", keep_datasets=False)
    assert (tmp_path / "cells" / "year=2019" / "part-0.parquet").exists()
    result = export(records, tmp_path, ["parquet"], partition_by="year,province")
    assert not (tmp_path / "cells" / "year=2019" / "part-0.parquet").exists()
    assert (tmp_path / "cells" / "year=2019" / "province=吉林省" / "part-0.parquet").exists()
    assert any(p.name == "part-0.parquet" for p in result.removed)


# --------------------------------------------------------------------------------------------
# Shards on several machines, merged
# --------------------------------------------------------------------------------------------

PER_FETCH = {"warc_record_id"}
"""The one thing two harvests of the same sites at the same (test) clock differ in: the id of
each archived response."""


def _table_rows(path: Path) -> dict[str, list]:
    """Every table of one output file, as ordered rows with the per-fetch columns blanked."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        return {"": _blank(rows[0], rows[1:])}
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        return {"": _blank(table.column_names, [list(r.values()) for r in table.to_pylist()])}
    if path.suffix == ".sqlite":
        db = sqlite3.connect(path)
        try:
            out = {}
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master ORDER BY name")]
            for name in names:
                kind = db.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,))
                if kind.fetchone()[0] != "table" or name.startswith("sqlite_"):
                    continue
                cursor = db.execute(f"SELECT * FROM [{name}]")  # in its stored order
                header = [d[0] for d in cursor.description]
                out[name] = _blank(header, [list(r) for r in cursor])
            out["schema"] = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            return out
        finally:
            db.close()
    raise AssertionError(f"unexpected output file {path}")


def _blank(header: list[str], rows: list[list]) -> list:
    drop = [i for i, name in enumerate(header) if name in PER_FETCH]
    for row in rows:
        for i in drop:
            row[i] = "…"
    return [header, *rows]


def test_shards_in_several_data_folders_merge_into_one_unsharded_harvest(tmp_path):
    world = build_world(faults=False, extra_hosts=5, reports_per_host=3)  # hosts in all 3 shards
    with FakeWeb(world) as web:
        harvest_world(web.world, tmp_path / "whole", export=False)
        shards = [tmp_path / f"machine{i}" for i in (1, 2, 3)]
        for i, folder in enumerate(shards, start=1):
            harvest_world(web.world, folder, shard=f"{i}/3", export=False)
    assert all(list(folder.glob("records-*-of-3.sqlite")) for folder in shards)
    formats = "csv,parquet,sqlite"
    runner = CliRunner()
    whole = runner.invoke(
        cli.app,
        ["export", "--data", str(tmp_path / "whole"), "--out", str(tmp_path / "one"),
         "--format", formats],
    )  # fmt: skip
    assert whole.exit_code == 0, whole.output
    args = [arg for folder in shards for arg in ("--data", str(folder))]
    merged = runner.invoke(
        cli.app, ["export", *args, "--out", str(tmp_path / "merged"), "--format", formats]
    )
    assert merged.exit_code == 0, merged.output

    def files(folder: Path) -> list[str]:
        return sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )

    one, many = files(tmp_path / "one"), files(tmp_path / "merged")
    assert one == many and len(one) == 9
    for name in one:
        assert _table_rows(tmp_path / "merged" / name) == _table_rows(tmp_path / "one" / name), name
    # every machine harvested a part
    for folder in shards:
        (store,) = folder.glob("records-*-of-3.sqlite")
        with sqlite3.connect(store) as db:
            assert db.execute("SELECT count(*) FROM records").fetchone()[0] > 0


# --------------------------------------------------------------------------------------------
# Documents on disk, parsed on every core
# --------------------------------------------------------------------------------------------


def test_files_parsed_on_cores_and_spilled_give_the_datasets_of_one_process(tmp_path):
    from fixtures.report_files import write_report_files
    from ogi.documents import parse_files, spill_files
    from output.inputs import ReportInput
    from output.store import load_records

    paths = write_report_files(tmp_path / "docs", 80)
    (tmp_path / "docs" / "junk.txt").write_text("这不是年度报告", encoding="utf-8")
    seen = []
    stored, failed = spill_files([tmp_path / "docs"], tmp_path / "spill", workers=2,
                                 on_outcome=seen.append)  # fmt: skip
    assert (stored, failed) == (80, 1) and len(seen) == 81
    assert {o.path for o in seen if o.ok} == set(paths)
    alone = [ReportInput(o.report) for o in parse_files([tmp_path / "docs"]) if o.ok]
    export(alone, tmp_path / "one", ["csv", "parquet"], keep_datasets=False)
    export(list(load_records(tmp_path / "spill")), tmp_path / "pool", ["csv", "parquet"],
           keep_datasets=False)  # fmt: skip
    for name in ("reports.csv", "cells.csv", "panel.csv", "codebook.csv", "cells.parquet"):
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


# --------------------------------------------------------------------------------------------
# Re-parsing the archive after a parser upgrade
# --------------------------------------------------------------------------------------------


def test_reparse_touches_only_records_of_another_parser_and_says_what_moved(tmp_path, monkeypatch):
    import ogi.harvest_parse
    import ogi.parsing
    from ogi.runs import summary
    from output.store import STORE_NAME

    def parsers_of(folder: Path) -> dict[str, int]:
        with sqlite3.connect(folder / STORE_NAME) as db:
            return dict(db.execute("SELECT parser, count(*) FROM records GROUP BY parser"))

    world = build_world(faults=False, reports_per_host=3)
    with FakeWeb(world) as web:
        first = harvest_world(web.world, tmp_path, formats="csv")
        stored = first.records_added
        assert stored > 5
        # the same parser: nothing to re-parse
        same = harvest_world(web.world, tmp_path, formats="csv", reparse=True)
        assert same.documents["parsed"] == 0
        assert same.parse["reparse"]["skipped_current"] == stored
        # a new parser that reads one cell differently in one report
        real_parse = ogi.parsing.parsers.parse
        changed_url = []

        def upgraded(body, source=None, content_type=None):
            report = real_parse(body, source=source, content_type=content_type)
            cell = report.tables.get("applications", {}).get("new", {}).get("total")
            if not changed_url and cell is not None and cell.value is not None:
                changed_url.append(source)
                cell.value += 1000
            return report

        monkeypatch.setattr(ogi.parsing.parsers, "parse", upgraded)
        monkeypatch.setattr(ogi.harvest_parse, "parser_fingerprint", lambda: "parser-v2")
        events = []
        upgrade = harvest_world(
            web.world, tmp_path, formats="csv", reparse=True,
            progress=lambda event, info: events.append((event, info)),
        )  # fmt: skip
    tally = upgrade.parse["reparse"]
    assert upgrade.documents["parsed"] == stored == tally["reparsed"]
    assert tally["reports_changed"] == 1 and tally["cells_moved"] == 1
    assert tally["most_moved"] == [{"url": changed_url[0], "cells_moved": 1}]
    assert tally["unchanged"] + tally["other_fields_changed"] == stored - 1
    totals = [info["total"] for event, info in events if event == "parse_total"]
    assert totals == [upgrade.documents["parsed"] + upgrade.documents["not_reports"]], totals
    assert parsers_of(tmp_path) == {"parser-v2": stored}
    assert "1 report(s) changed (1 cells moved)" in summary(upgrade)
    assert upgrade.export["ran"]  # the datasets follow the new records
