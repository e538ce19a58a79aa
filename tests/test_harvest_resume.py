"""``kill -9`` of a harvest during its crawl, its parse and its export; the next run ends with the
datasets of an uninterrupted night, and nothing harvested before is lost.

Each case starts from the same first night (a copy of its data folder), runs the second night
in a separate process that freezes at a chosen log event and is killed there (so the point does
not depend on the machine's load), checks what the kill left, and runs the night again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from fixtures.harvest import PAUSED, file_stats, harvest_world, read_datasets
from fixtures.processes import alive
from fixtures.processes import descendants as process_descendants
from fixtures.sites import LATER, FakeWeb, build_world
from ogi.harvest import Book
from ogi.status import status
from scraper.state import State

ROOT = Path(__file__).resolve().parents[1]
NIGHT1 = date(2024, 1, 20)
"""Before most 2023 reports are out: the second night (LATER) has a backlog to parse."""
KEEP = ("fetched_at",)  # compared too: both runs stamp the night's fixed time


def store_pairs(data: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(data / "records.sqlite") as db:
        return set(db.execute("SELECT url, sha256 FROM records"))


def datasets(data: Path):
    return read_datasets(data / "datasets", drop=("warc_record_id",))


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    world = build_world(faults=False, extra_hosts=2, reports_per_host=12)
    world.set_today(NIGHT1)
    with FakeWeb(world) as web:
        first = harvest_world(world, root / "night1")
        assert first.exit_code == 0
        shutil.copytree(root / "night1", root / "reference")
        world.set_today(LATER)
        reference = harvest_world(world, root / "reference")
        assert reference.exit_code == 0 and reference.records_added > 40
        yield web, root, reference


def kill_second_night(web, root: Path, name: str, pause: dict, *, workers: int = 1):
    """Copy the first night, run the second in a child process that freezes at the log event
    ``pause`` describes (see :func:`fixtures.harvest.child_harvest`), and SIGKILL it there.
    Returns (data folder, events, surviving descendants)."""
    data = root / name
    shutil.copytree(root / "night1", data)
    web.world.set_today(LATER)
    sites = root / f"{name}.toml"
    sites.write_text(web.world.registry_toml(), encoding="utf-8")
    spec = {
        "sites": str(sites),
        "data": str(data),
        "resolve": web.world.resolve_entries(),
        "day": LATER.isoformat(),
        "workers": workers,
        "pause": pause,
    }
    code = "import sys; from fixtures.harvest import child_harvest; child_harvest(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(spec)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    events: list[dict] = []
    descendants: set[int] = set()
    try:
        for line in proc.stderr:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            events.append(event)
            if event.get("event") == PAUSED:
                descendants = process_descendants(proc.pid)
                os.kill(proc.pid, signal.SIGKILL)
                break
        else:
            pytest.fail(f"the harvest ended before it could be killed: {events[-3:]}")
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in descendants) and time.monotonic() < deadline:
        time.sleep(0.05)
    return data, events, {p for p in descendants if alive(p)}


def check_nothing_lost(root: Path, data: Path, phase: str) -> None:
    """After the kill: every record and archived body of the first night is still there, the
    datasets are readable, and the run report says where the run died."""
    assert store_pairs(root / "night1") <= store_pairs(data)
    with State.open(data / "state.sqlite") as st:
        for doc in st.documents():
            assert st.read_body(doc)
    datasets(data)  # every dataset file still reads
    last = status(data).runs[-1]
    assert last.status == "interrupted" and last.phase == phase


def rerun_matches_reference(web, root: Path, data: Path) -> None:
    web.world.set_today(LATER)
    again = harvest_world(web.world, data)
    assert again.exit_code == 0, again.errors
    assert again.export["ran"]
    assert store_pairs(data) == store_pairs(root / "reference")
    assert datasets(data) == datasets(root / "reference")


def test_killed_during_the_crawl(nights):
    web, root, _reference = nights
    data, events, _ = kill_second_night(web, root, "crawl", {"event": "fetch", "count": 6})
    assert not any(e.get("event") == "parse_start" for e in events)
    with State.open(data / "state.sqlite") as st:
        assert [r.status for r in st.runs()][-1] == "running"
    check_nothing_lost(root, data, "crawl")
    rerun_matches_reference(web, root, data)


def test_killed_during_the_parse_with_a_process_pool(nights):
    web, root, _reference = nights
    data, events, orphans = kill_second_night(web, root, "parse", {"event": "stored"}, workers=2)
    assert any(e.get("event") == "parse_workers" and e.get("workers") == 2 for e in events)
    # some records of the night were stored, not all of them
    assert store_pairs(root / "night1") < store_pairs(data) < store_pairs(root / "reference")
    assert not orphans, "worker processes outlived the killed harvest"
    check_nothing_lost(root, data, "parse")
    rerun_matches_reference(web, root, data)


def test_killed_during_the_export(nights):
    web, root, _reference = nights
    data, events, _ = kill_second_night(
        web, root, "export", {"event": "export_stage", "fields": {"stage": "writing xlsx"}}
    )
    # the records are all in; the datasets are still the first night's, whole
    assert store_pairs(data) == store_pairs(root / "reference")
    before = {k: v[1] for k, v in file_stats(root / "night1" / "datasets").items()}
    after = {k: v[1] for k, v in file_stats(data / "datasets").items() if "ogi-tmp" not in k}
    assert after == before
    book = Book(data / "harvest.sqlite")
    assert book.get("export_pending") == "1"  # the next run owes an export
    book.close()
    check_nothing_lost(root, data, "export")
    rerun_matches_reference(web, root, data)


def test_dying_right_after_any_commit_of_the_crawl_resumes_exactly(nights, monkeypatch):
    """Deterministic kill points: the crawl stops dead right after its N-th committed
    transaction (a KeyboardInterrupt out of the commit), for N spread over the whole night."""
    import scraper.state

    web, root, _reference = nights
    original = scraper.state._Tx.__exit__
    commits = {"n": 0, "die_at": None}

    def counting_exit(self, exc_type, exc, tb):
        original(self, exc_type, exc, tb)
        if exc_type is None:
            commits["n"] += 1
            if commits["n"] == commits["die_at"]:
                raise KeyboardInterrupt

    monkeypatch.setattr(scraper.state._Tx, "__exit__", counting_exit)
    shutil.copytree(root / "night1", root / "count")
    web.world.set_today(LATER)
    harvest_world(web.world, root / "count", export=False)
    total = commits["n"]
    assert total > 20
    for die_at in (total // 5, total // 2, total * 4 // 5):
        data = root / f"commit-{die_at}"
        shutil.copytree(root / "night1", data)
        commits.update(n=0, die_at=die_at)
        with pytest.raises(KeyboardInterrupt):
            harvest_world(web.world, data)
        commits["die_at"] = None
        check_nothing_lost(root, data, "crawl")
        rerun_matches_reference(web, root, data)
