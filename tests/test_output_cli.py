"""`ogi export` and `ogi compare` from the command line: files, exit codes, summaries."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from fixtures.townships import township_series
from output.store import RecordStore
from tests.corpus import CORPUS, cases


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ogi", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    items = township_series(random.Random(31), townships=4, years=(2022, 2023))
    with RecordStore.open(folder) as store:
        store.put_many(items)
    return folder


def test_export_from_the_data_folder_then_nothing_to_rewrite(data_dir):
    first = run("export", "--data", str(data_dir), "--format", "csv,sqlite")
    assert first.returncode == 0, first.stderr
    out = data_dir / "datasets"
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "reports.csv",
        "cells.csv",
        "panel.csv",
        "codebook.csv",
        "datasets.sqlite",
    }
    assert "5 file(s) written, 0 unchanged" in first.stdout
    panel = pd.read_csv(out / "panel.csv", encoding="utf-8-sig")
    assert len(panel) == 8
    second = run("export", "--data", str(data_dir), "--format", "csv,sqlite")
    assert second.returncode == 0 and "0 file(s) written, 5 unchanged" in second.stdout


def test_export_usage_errors(tmp_path, data_dir):
    empty = run("export", "--data", str(tmp_path))
    assert empty.returncode == 3 and "no records" in empty.stderr
    bad = run("export", "--data", str(data_dir), "--format", "csv,xls")
    assert bad.returncode == 2 and "xls" in bad.stderr
    stray = run("export", "--data", str(data_dir), "somefile.html")
    assert stray.returncode == 2 and "--from-files" in stray.stderr


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_export_from_files_parses_documents(tmp_path):
    documents = [str(c.document) for c in cases("html", "pipe")]
    junk = tmp_path / "not-a-report.txt"
    junk.write_text("这不是年度报告", encoding="utf-8")
    result = run("export", "--from-files", *documents, str(junk), "--out", str(tmp_path / "out"),
                 "--format", "sqlite")  # fmt: skip
    assert result.returncode == 1, result.stderr  # one file failed, the rest exported
    assert "not-a-report.txt" in result.stderr
    db = sqlite3.connect(tmp_path / "out" / "datasets.sqlite")
    sources = {s for (s,) in db.execute("SELECT source FROM reports")}
    assert sources == set(documents)


def test_compare_prints_a_ranking_and_writes_a_page(data_dir, tmp_path):
    page = tmp_path / "ranking.html"
    result = run(
        "compare", "--data", str(data_dir), "--region", "梅河口市", "--year", "2023",
        "--indicator", "requests_received", "--indicator", "grant_rate", "--out", str(page),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "梅河口市" in result.stdout and "2022" in result.stdout
    assert page.read_text(encoding="utf-8").count('class="bar current"') == 8
    workbook = tmp_path / "ranking.xlsx"
    assert run("compare", "--data", str(data_dir), "--region", "220581", "--year", "2023",
               "--out", str(workbook)).returncode == 0  # fmt: skip
    assert workbook.stat().st_size > 0


def test_compare_from_files_parses_the_documents_then_ranks(tmp_path):
    from fixtures.reportgen import random_record, render_html, strip_private

    rng = random.Random(5)
    for year in (2022, 2023):
        for town in ("进化镇", "山城镇"):
            record = random_record(rng, "2021", agency=f"梅河口市{town}人民政府", year=year)
            path = tmp_path / "reports" / f"{town}-{year}.html"
            path.parent.mkdir(exist_ok=True)
            path.write_text(render_html(strip_private(record)), encoding="utf-8")
    result = run("compare", "--from-files", str(tmp_path / "reports"), "--region", "梅河口市",
                 "--year", "2023")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "进化镇" in result.stdout and "山城镇" in result.stdout
    assert not list(tmp_path.glob("ogi-files-*"))


def test_compare_usage_errors(data_dir, tmp_path):
    unknown = run("compare", "--data", str(data_dir), "--region", "梅河口市", "--year", "2023",
                  "--indicator", "nonsense")  # fmt: skip
    assert unknown.returncode == 2 and "grant_rate" in unknown.stderr
    suffix = run("compare", "--data", str(data_dir), "--region", "梅河口市", "--year", "2023",
                 "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert suffix.returncode == 2
    nowhere = run("compare", "--data", str(data_dir), "--region", "梅河口市", "--year", "2010")
    assert nowhere.returncode == 3 and "no reports" in nowhere.stderr
