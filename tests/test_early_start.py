"""`ogi parse` starts its workers' fork server before reading its command line (ogi.early):
only when a pool will be used, never from a worker, and the records stay those of one worker
whichever way the command is started."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.reportgen import random_record, render_pipe
from ogi.early import is_ogi, parse_will_pool


def test_a_folder_or_many_files_will_use_a_pool_unless_one_worker_is_asked(tmp_path):
    folder = str(tmp_path)
    assert parse_will_pool(["parse", "--json", folder])
    assert parse_will_pool(["parse", "--workers", "2", folder])
    assert not parse_will_pool(["parse", "--workers", "1", folder])
    assert not parse_will_pool(["parse", "--workers=1", "--json", folder])
    assert not parse_will_pool(["parse", "one.html"])
    assert parse_will_pool(["parse", *(f"{i}.html" for i in range(40))])
    assert not parse_will_pool(["export", "--from-files", folder])
    assert not parse_will_pool([])


def test_only_the_ogi_program_starts_anything():
    assert is_ogi("/usr/local/bin/ogi")
    assert is_ogi("/site-packages/ogi/__main__.py")
    assert not is_ogi("/usr/bin/pytest")
    assert not is_ogi("/site-packages/pytest/__main__.py")
    assert not is_ogi("-c")


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    rng = random.Random(11)
    for i in range(count):
        record = random_record(rng, rng.choice(["2019", "2021"]))
        (folder / f"{i:03d}.pipe.txt").write_text(render_pipe(record, rng=rng), "utf-8")
    return folder


@pytest.mark.parametrize("how", ["script", "module"])
def test_the_workers_of_an_early_started_server_give_the_records_of_one_worker(tmp_path, how):
    # the `ogi` script is imported again by every worker as it starts, with the parent's
    # arguments: that must neither start another server nor fail
    script = Path(sys.executable).with_name("ogi")
    if how == "script" and not script.exists():
        script = Path(shutil.which("ogi") or "")
        if not script.name:
            pytest.skip("the ogi script is not installed beside this interpreter")
    program = [str(script)] if how == "script" else [sys.executable, "-m", "ogi"]
    folder = _folder(tmp_path, 12)

    def run(workers: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*program, "parse", "--json", "--workers", workers, str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
        )

    one, two = run("1"), run("2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert "Traceback" not in two.stderr and "bootstrapping" not in two.stderr
    assert two.stdout == one.stdout
    assert len(one.stdout.splitlines()) == 12
