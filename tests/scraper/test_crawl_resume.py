"""``kill -9`` in the middle of a crawl, then a re-run: the state ends as if never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fixtures.harvest import FAST_ARGS
from fixtures.sites import FakeWeb, build_world
from scraper.state import State

from .conftest import run_crawl

ROOT = Path(__file__).resolve().parents[2]


def test_kill_9_then_rerun_matches_an_uninterrupted_crawl(tmp_path):
    with FakeWeb(build_world()) as web:
        run_crawl(web.world, tmp_path / "ref")
        with State.open(tmp_path / "ref" / "state.sqlite") as st:
            reference = st.snapshot()
        port = web.port

    # the same port again: absolute links on the pages (and so their hashes) stay the same
    with FakeWeb(build_world(), port=port) as web:
        sites = tmp_path / "sites.toml"
        sites.write_text(web.world.registry_toml(delay=0.1), encoding="utf-8")
        data = tmp_path / "killed"
        cmd = [
            sys.executable,
            "-c",
            "from ogi.cli import main; main()",
            "crawl",
            "--sites",
            str(sites),
            "--data",
            str(data),
        ]
        cmd += FAST_ARGS
        for r in web.world.resolve_entries():
            cmd += ["--resolve", r]
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while (
                len(web.world.requests("www.qingshan.gov.cn")) < 12 and time.monotonic() < deadline
            ):
                time.sleep(0.02)
            assert proc.poll() is None, "the crawl finished before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
        with State.open(data / "state.sqlite") as st:
            assert [r.status for r in st.runs()] == ["running"]
            partial = st.snapshot()
        assert partial != reference  # it really was cut short

        run_crawl(web.world, data)
        with State.open(data / "state.sqlite") as st:
            assert [r.status for r in st.runs()] == ["interrupted", "done"]
            resumed = st.snapshot()
            for doc in st.documents():
                assert st.read_body(doc)  # every reference into the WARCs resolves
    assert resumed == reference
