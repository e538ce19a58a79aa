"""Parsing on every core: the process pool keeps input order, survives a dying worker, and
`ogi parse --workers N` gives exactly the records of one worker."""

from __future__ import annotations

import json
import os
import pty
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import parsers
from fixtures.reportgen import random_record, render_flat, render_html, render_pipe
from fixtures.workers import DIE, died, square_slowly
from ogi.documents import parse_files, record_json
from ogi.pool import pool_map

ROOT = Path(__file__).resolve().parents[1]


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    rng = random.Random(7)
    for i in range(count):
        record = random_record(rng, rng.choice(["2019", "2021"]), blank_rate=0.05)
        form = i % 3
        if form == 0:
            (folder / f"{i:03d}.html").write_text(render_html(record, "word", rng=rng), "utf-8")
        elif form == 1:
            (folder / f"{i:03d}.pipe.txt").write_text(render_pipe(record, rng=rng), "utf-8")
        else:
            (folder / f"{i:03d}.flat.txt").write_text(render_flat(record, rng=rng), "utf-8")
    (folder / "zz-junk.bin").write_bytes(bytes(range(256)) * 8)
    return folder


def test_pool_yields_in_input_order_and_isolates_the_item_that_kills_a_worker():
    items = [*range(40), DIE, *range(40, 60)]
    got = list(pool_map(square_slowly, items, workers=2, on_crash=died, ordered=True, chunk=3))
    assert [n for n, _ in got] == items
    assert dict(got)[DIE] is None
    assert all(sq == n * n for n, sq in got if n != DIE)


def test_pool_in_completion_order_still_gives_every_result_once():
    items = list(range(50))
    got = list(pool_map(square_slowly, items, workers=2, on_crash=died, chunk=2))
    assert sorted(n for n, _ in got) == items


def test_parse_files_on_two_workers_equals_one_worker_in_the_same_order(tmp_path):
    folder = _folder(tmp_path, 24)
    one = list(parse_files([folder], workers=1))
    two = list(parse_files([folder], workers=2))
    assert [o.path for o in two] == [o.path for o in one] == sorted(folder.iterdir())
    assert [o.reason for o in two] == [o.reason for o in one]
    assert one[-1].reason == "not_a_report"
    for a, b in zip(one, two, strict=True):
        if a.ok:
            assert a.report.to_dict() == b.report.to_dict()


def test_records_asked_for_as_json_are_made_by_the_workers_and_match_the_reports(tmp_path):
    folder = _folder(tmp_path, 8)
    reports = list(parse_files([folder], workers=1))
    lines = list(parse_files([folder], workers=2, as_json=True))
    assert [o.path for o in lines] == [o.path for o in reports]
    assert [o.reason for o in lines] == [o.reason for o in reports]
    for plain, line in zip(reports, lines, strict=True):
        assert line.ok == plain.ok and line.report is None
        if plain.ok:
            assert line.record_json == record_json(plain.report)
            assert json.loads(line.record_json) == plain.report.to_dict()
        else:
            assert line.record_json is None and line.error == plain.error


def test_a_file_that_outlives_its_time_limit_is_reported_and_the_rest_parsed(tmp_path, monkeypatch):
    folder = _folder(tmp_path, 3)
    slow = sorted(folder.iterdir())[1]
    real = parsers.parse

    def hanging(data, *, source=None, content_type=None):
        if source == str(slow):
            time.sleep(30)
        return real(data, source=source, content_type=content_type)

    monkeypatch.setattr(parsers, "parse", hanging)
    started = time.monotonic()
    outcomes = {o.path: o for o in parse_files([folder], workers=1, timeout=0.3)}
    assert time.monotonic() - started < 10
    assert outcomes[slow].reason == "timeout" and not outcomes[slow].ok
    assert sum(o.ok for o in outcomes.values()) == 2


def _ogi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ogi", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_workers_give_the_records_of_one_worker(tmp_path):
    folder = _folder(tmp_path, 18)
    one = _ogi("parse", "--json", "--workers", "1", str(folder))
    two = _ogi("parse", "--json", "--workers", "2", str(folder))
    assert one.returncode == two.returncode == 1  # the junk file
    assert one.stdout == two.stdout and one.stdout.count("\n") == 18
    assert [json.loads(line)["source"] for line in two.stdout.splitlines()] == [
        str(p) for p in sorted(folder.iterdir()) if p.suffix != ".bin"
    ]
    assert "zz-junk.bin: error" in two.stderr


def test_progress_bar_goes_to_a_terminal_and_leaves_the_records_alone(tmp_path):
    folder = _folder(tmp_path, 6)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ogi", "parse", "--json", "--workers", "1", str(folder)],
        stdout=subprocess.PIPE,
        stderr=secondary,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        cwd=ROOT,
    )
    os.close(secondary)
    terminal = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    stdout, _ = proc.communicate(timeout=120)
    os.close(primary)
    assert proc.returncode == 1
    records = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(records) == 6
    assert b"parsing" in terminal and b"/7" in terminal  # the bar counts every file
    assert b"zz-junk.bin: error" in terminal


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_workers_must_be_positive(tmp_path, workers):
    result = _ogi("parse", "--workers", workers, str(tmp_path))
    assert result.returncode == 2


def test_a_command_imports_only_its_own_module():
    script = (
        "import sys\n"
        "sys.argv = ['ogi', 'parse', '--help']\n"
        "from ogi.cli import app\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('pandas', 'httpx', 'starlette') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert "Parse report files" in result.stdout
    assert result.stdout.strip().endswith("[]"), result.stdout[-300:]


def test_help_lists_every_command():
    from ogi.cli import COMMANDS

    result = _ogi("--help")
    assert result.returncode == 0
    assert all(name in result.stdout for name in COMMANDS)


def test_work_done_here_while_the_workers_start_keeps_the_order():
    items = list(range(300))
    got = list(
        pool_map(
            square_slowly, items, workers=2, on_crash=died, ordered=True, work_while_starting=True
        )
    )
    assert [n for n, _ in got] == items


def test_a_caller_that_stops_early_leaves_no_pool_behind():
    results = pool_map(
        square_slowly,
        range(10_000),
        workers=2,
        on_crash=died,
        ordered=True,  # (in completion order a worker's later chunk may come first)
        work_while_starting=True,
    )
    first = [next(results) for _ in range(3)]
    results.close()
    assert [n for n, _ in first] == [0, 1, 2]
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_a_cpu_time_limit_counts_work_not_waiting():
    """``cpu=True`` bounds the work a block does: a busy loop is stopped, a sleep (a busy machine
    making a block wait) is not."""
    import time

    import pytest

    from ogi.pool import DocumentTimeout, time_limit

    with pytest.raises(DocumentTimeout, match="CPU seconds"), time_limit(0.1, cpu=True):
        while True:
            pass
    with time_limit(0.1, cpu=True):
        time.sleep(0.3)
