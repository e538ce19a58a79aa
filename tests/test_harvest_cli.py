"""The cron-facing commands: `ogi harvest` (exit codes, summary, JSON logs, the lock),
`ogi status` and `ogi demo` from a clean clone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures.harvest import FAST_ARGS, file_stats
from fixtures.sites import FakeWeb, build_world
from ogi import lock
from ogi.cli import EXIT_LOCKED, app
from ogi.harvest import Layout
from ogi.runs import RunReport, load_runs
from ogi.status import status

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def harvest_args(web, sites: Path, data: Path, *extra: str) -> list[str]:
    args = ["harvest", "--sites", str(sites), "--data", str(data), "--workers", "1", *FAST_ARGS]
    for entry in web.world.resolve_entries():
        args += ["--resolve", entry]
    return [*args, *extra]


def write_sites(web, path: Path, delay: float = 0.0) -> Path:
    path.write_text(web.world.registry_toml(delay=delay), encoding="utf-8")
    return path


def test_harvest_command_exit_codes_summary_and_json(tmp_path):
    with FakeWeb(build_world()) as web:
        sites = write_sites(web, tmp_path / "sites.toml")
        res = runner.invoke(app, harvest_args(web, sites, tmp_path / "data"))
        # fault hosts fail, the rest is harvested: exit 1, and the summary says which
        assert res.exit_code == 1, res.output
        assert "some sites or documents failed, exit 1" in res.output
        assert "antibot县人民政府: blocked" in res.output
        assert "datasets" in res.output and "file(s) written" in res.output
        # --json prints the run report itself; an unchanged second night
        res = runner.invoke(app, harvest_args(web, sites, tmp_path / "data", "--json"))
        report = json.loads(res.stdout)
        assert report["documents"]["new"] == 0 and report["records_added"] == 0
        assert report["export"] == {"ran": False, "reason": "nothing changed since the last export"}
        assert report["exit_code"] == res.exit_code == 1  # the fault hosts still fail
    # nothing reachable (no --resolve, offline): exit 3
    res = runner.invoke(
        app, ["harvest", "--sites", str(sites), "--data", str(tmp_path / "none"), *FAST_ARGS]
    )
    assert res.exit_code == 3, res.output
    assert "nothing could be done" in res.output


def test_harvest_command_usage_errors(tmp_path):
    bad = tmp_path / "sites.toml"
    bad.write_text('[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\nlevel = "village"\n')
    res = runner.invoke(app, ["harvest", "--sites", str(bad), "--data", str(tmp_path / "d")])
    assert res.exit_code == 2 and "sites.toml:4" in res.output
    good = tmp_path / "ok.toml"
    good.write_text('[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\n')
    for extra in (["--shard", "3/2"], ["--format", "csv,doc"], ["--resolve", "a.gov.cn:1.2.3.4"]):
        res = runner.invoke(app, ["harvest", "--sites", str(good), "--data", str(tmp_path), *extra])
        assert res.exit_code == 2, (extra, res.output)
    assert not (tmp_path / "d").exists()


def test_log_json_lines_on_stderr(tmp_path):
    with FakeWeb(build_world(faults=False)) as web:
        sites = write_sites(web, tmp_path / "sites.toml")
        proc = subprocess.run(
            [sys.executable, "-m", "ogi", *harvest_args(web, sites, tmp_path / "d", "-v")]
            + ["--log-json", "--format", "csv"],
            env=env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
    events = [line.get("event") for line in lines]
    assert events[0] == "harvest_start" and events[-1] == "harvest_done"
    assert {"crawl_start", "parse_start", "export_start", "export_done"} <= set(events)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert "harvest" in proc.stdout and "exit 0" in proc.stdout  # the summary stays on stdout


def test_a_second_harvest_exits_at_once_and_a_killed_one_does_not_block(tmp_path):
    data = tmp_path / "data"
    with FakeWeb(build_world(faults=False)) as web:
        sites = write_sites(web, tmp_path / "sites.toml", delay=0.2)
        cmd = [sys.executable, "-m", "ogi", *harvest_args(web, sites, data)]
        first = subprocess.Popen(cmd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # the lock is taken a moment before its holder writes who it is in the file
            deadline = time.monotonic() + 30
            holder = lock.holder(Layout(data).lock_path)
            while (holder is None or "pid" not in holder) and time.monotonic() < deadline:
                time.sleep(0.02)
                holder = lock.holder(Layout(data).lock_path)
            assert holder is not None and holder.get("pid") == first.pid
            # the second one: refused at once, with its own exit code and who holds the folder
            t0 = time.monotonic()
            second = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=60)
            assert second.returncode == EXIT_LOCKED
            assert time.monotonic() - t0 < 15
            assert "another harvest is already running" in second.stderr
            assert f"pid {first.pid}" in second.stderr
            assert first.poll() is None  # the first one goes on …
            assert status(data).running[0]["pid"] == first.pid
            # … until it is killed: its lock dies with it
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
            first.stdout.close()
            first.stderr.close()
        assert lock.holder(Layout(data).lock_path) is None
        third = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=120)
        assert third.returncode == 0, third.stderr
    runs = status(data).runs
    assert [r.status for r in runs] == ["interrupted", "ok"]  # the refused one left no report


def test_lock_in_one_process(tmp_path):
    path = tmp_path / "d" / ".ogi-harvest.lock"
    with lock.DataLock(path, info={"shard": "1/2"}) as held:
        assert held.held and lock.holder(path)["shard"] == "1/2"
        with pytest.raises(lock.LockHeld) as err:
            lock.DataLock(path).acquire()
        assert str(os.getpid()) in str(err.value)
    assert lock.holder(path) is None
    lock.DataLock(path).acquire().release()  # free again, the file stays


def test_status_shows_runs_failing_sites_interrupted_runs_and_retries(tmp_path):
    data = tmp_path / "data"
    with FakeWeb(build_world()) as web:
        sites = write_sites(web, tmp_path / "sites.toml")
        for _night in range(2):
            runner.invoke(app, harvest_args(web, sites, data, "--format", "csv"))
    # a run that died (its report still says running, nobody holds the lock)
    dead = RunReport(id="20990101T000000Z", started_at="2099-01-01T00:00:00.000+00:00")
    dead.phase = "parse"
    dead.write(data / "runs")
    # a report page the crawler could not fetch yet waits for the next run
    with closing(sqlite3.connect(data / "state.sqlite", isolation_level=None)) as db:
        db.execute(
            "UPDATE urls SET status='error', error_kind='http_503', attempts=2 "
            "WHERE kind='page' AND is_report=1 AND url LIKE '%qingshan%' "
            "AND key = (SELECT min(key) FROM urls WHERE kind='page' AND url LIKE '%qingshan%')"
        )
    st = status(data)
    assert [r.status for r in st.runs] == ["some_failed", "some_failed", "interrupted"]
    failing = {s["agency"]: s for s in st.failing_sites}
    assert failing["blackhole县人民政府"]["runs"] == 2
    assert "robots_unreachable" in failing["blackhole县人民政府"]["kinds"]
    assert "青山县人民政府" not in failing
    assert st.fetch_retry_count == 1 and st.fetch_retry_kinds == {"http_503": 1}
    res = runner.invoke(app, ["status", "--data", str(data)])
    assert res.exit_code == 0, res.output
    assert "interrupted (killed or crashed) during parse" in res.output
    assert "blackhole县人民政府" in res.output and "2 runs since" in res.output
    assert "reports awaiting a fetch retry: 1 (http_503 1)" in res.output
    res = runner.invoke(app, ["status", "--data", str(data), "--json"])
    assert json.loads(res.stdout)["fetch_retries"]["count"] == 1
    assert runner.invoke(app, ["status", "--data", str(tmp_path / "nope")]).exit_code == 3


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
def test_demo_works_from_a_clean_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    work = tmp_path / "elsewhere"  # not the checkout: the demo must find its fake web alone
    work.mkdir()
    cmd = [sys.executable, "-m", "ogi", "demo"]
    clean_env = {**os.environ, "PYTHONPATH": str(clone)}
    first = subprocess.run(
        cmd, cwd=work, env=clean_env, capture_output=True, text=True, timeout=180
    )
    assert first.returncode == 0, first.stdout + first.stderr
    datasets = work / "ogi-demo" / "datasets"
    assert f"datasets in {Path('ogi-demo') / 'datasets'}" in first.stdout
    for name in ("reports.csv", "cells.csv", "panel.csv", "codebook.csv", "datasets.xlsx"):
        assert (datasets / name).stat().st_size > 0
    before = file_stats(datasets)
    second = subprocess.run(
        cmd, cwd=work, env=clean_env, capture_output=True, text=True, timeout=180
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 new, 0 changed" in second.stdout and "not rewritten" in second.stdout
    assert file_stats(datasets) == before
    assert [r.records_added > 0 for r in load_runs(work / "ogi-demo")] == [True, False]


def test_crawl_and_harvest_share_their_crawl_flags():
    """One definition of the crawl flags: `ogi harvest` takes every one `ogi crawl` takes
    (--insecure-host included), and both turn them into the same crawl options."""
    from typer.testing import CliRunner

    from ogi.cli import app
    from ogi.commands.crawl_flags import crawl_options
    from scraper.client import ClientOptions

    flags = ("--resolve", "--offline", "--full", "--revisit-days", "--delay", "--concurrency")
    flags += ("--timeout", "--total-timeout", "--retries", "--backoff", "--max-body")
    flags += ("--insecure-host",)
    runner = CliRunner()
    for command in ("crawl", "harvest"):
        text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
        assert all(flag in text for flag in flags), command
    options = crawl_options(
        full=True,
        revisit_days=2,
        delay=1.5,
        concurrency=2,
        timeout=5,
        total_timeout=50,
        retries=1,
        backoff=0.5,
        max_body=None,
        offline=True,
        insecure_hosts=["*.x.gov.cn"],
    )
    assert options.insecure_hosts == ("*.x.gov.cn",) and options.delay == 1.5
    assert options.client.max_body == ClientOptions().max_body  # absent flag: the default
    assert (options.client.connect_timeout, options.client.read_timeout) == (5, 5)
    assert options.revisit_after.days == 2 and options.client.offline
