"""`ogi parse`: files and folders, JSON lines, readable summaries, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import CORPUS, cases

REPORT = """一、总体情况
某某县2023年政府信息公开工作年度报告
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ogi", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_json_lines_reproduce_expected_records(tmp_path):
    selected = cases("html", "pipe")
    result = run("parse", "--json", *[str(c.document) for c in selected])
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(selected)
    for case, record in zip(selected, records, strict=True):
        assert record["agency"] == case.expected["agency"]
        assert set(record) >= {
            "source",
            "sha256",
            "agency",
            "year",
            "published",
            "template",
            "tables",
            "checks",
            "warnings",
        }


def test_folder_with_a_bad_file_still_parses_the_others(tmp_path):
    good = tmp_path / "sub" / "good.html"
    good.parent.mkdir()
    good.write_text(
        "<html><head><title>某某县2023年政府信息公开工作年度报告</title></head><body>见附件</body></html>",
        encoding="utf-8",
    )
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 10)
    result = run("parse", "--json", str(tmp_path))
    assert result.returncode == 1
    assert "junk.bin" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["agency"] for r in records] == ["某某县"]


def test_summary_mode_is_readable(tmp_path):
    path = tmp_path / "r.html"
    path.write_text(
        "<html><head><title>某某县2023年政府信息公开工作年度报告</title></head><body>见附件</body></html>",
        encoding="utf-8",
    )
    result = run("parse", str(path))
    assert result.returncode == 0
    assert "某某县" in result.stdout and "2023" in result.stdout


def test_missing_path_is_a_usage_error(tmp_path):
    result = run("parse", str(tmp_path / "nope.html"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_only_bad_files_means_nothing_done(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"")
    result = run("parse", str(tmp_path / "empty.html"))
    assert result.returncode == 3
