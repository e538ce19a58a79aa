"""Soak: a crawl of 50 generated hosts and 5,000 reports (each with an attachment) under random
faults — connection resets, 502/503/504, slow bodies and bodies that stall past the read
timeout — finishes, records every failure, and a re-run completes exactly the rest.

Slow (a few minutes): not in the default test command. Run it with
``python -m pytest -m slow tests/test_soak.py``.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from fixtures.sites import FakeWeb, build_world
from fixtures.sites.chaos import KINDS, Chaos
from scraper.canonical import canonical_url
from scraper.crawl import crawl
from scraper.registry import parse_registry
from scraper.state import State
from tests.scraper.conftest import fast_options, world_clock

HOSTS = 50
REPORTS_PER_HOST = 100
FAULT_RATE = 0.3

pytestmark = pytest.mark.slow


def _run(world, data, registry):
    options = fast_options()
    options.client.global_concurrency = 48
    return crawl(
        registry,
        data,
        resolve=world.resolve_entries(),
        clock=world_clock(world),
        options=options,
    )


def test_crawl_under_random_faults_records_every_failure_and_a_rerun_completes(tmp_path):
    world = build_world(7, extra_hosts=HOSTS, reports_per_host=REPORTS_PER_HOST, faults=False)
    county = [name for name in world.hosts if name.startswith("www.county")]
    assert len(county) == HOSTS
    chaos = Chaos(rate=FAULT_RATE, seed=11)
    world.chaos = chaos
    data = tmp_path / "data"
    with FakeWeb(world) as web:
        registry = parse_registry(web.world.registry_toml(delay=0.0, hosts=county))
        truth = {u: t for u, t in web.world.truth().items() if t.host in county}
        assert len(truth) == HOSTS * REPORTS_PER_HOST
        wanted = {canonical_url(u) for u in truth} | {
            canonical_url(a) for t in truth.values() for a in t.attachments
        }

        t0 = time.monotonic()
        first = _run(web.world, data, registry)
        first_seconds = time.monotonic() - t0

        # the faults really happened, of every kind
        assert set(chaos.injected) == set(KINDS)
        assert sum(chaos.injected.values()) > 1000

        with State.open(data / "state.sqlite") as state:
            rows = {
                r["key"]: dict(r)
                for r in state.conn.execute("SELECT * FROM urls WHERE kind != 'robots'")
            }
            failures = state.failures(first.run_id)
        failed_keys = {f["key"] for f in failures}
        not_ok = {k for k, r in rows.items() if r["status"] != "ok"}
        # every URL left unfetched has its failure recorded, with a kind and a message
        assert not_ok, "no URL failed: the faults were too gentle to test anything"
        assert not_ok <= failed_keys
        assert all(f["error_kind"] and f["error"] for f in failures)
        assert all(rows[k]["error_kind"] for k in not_ok)
        assert not any(r["status"] == "pending" for r in rows.values())
        # a wanted document the run never saw sits under a list or report page that failed
        unseen = wanted - set(rows)
        failed_parents = {k for k in not_ok if rows[k]["kind"] in ("list", "page")}
        if unseen:
            assert failed_parents
        kinds = Counter(rows[k]["error_kind"] for k in not_ok)
        assert {"reset", "timeout"} & set(kinds) and any(k.startswith("http_5") for k in kinds)
        ok_after_first = {k for k in wanted if rows.get(k, {}).get("status") == "ok"}
        assert len(ok_after_first) > 0.8 * len(wanted)

        # the re-run, faults over: everything is completed, nothing already fetched is fetched
        chaos.enabled = False
        web.world.clear_log()
        t0 = time.monotonic()
        second = _run(web.world, data, registry)
        second_seconds = time.monotonic() - t0
        assert second.exit_code == 0 and not second.failures

        with State.open(data / "state.sqlite") as state:
            final = {
                r["key"]: r["status"] for r in state.conn.execute("SELECT key, status FROM urls")
            }
            fetched = [
                dict(r)
                for r in state.conn.execute(
                    "SELECT key, kind, outcome FROM fetches WHERE run_id = ?", (second.run_id,)
                )
            ]
        assert all(final.get(k) == "ok" for k in wanted)
        downloaded = {f["key"] for f in fetched if f["outcome"] in ("new", "changed")}
        documents = {k for k in downloaded if rows.get(k, {}).get("kind") != "list"}
        assert documents <= (wanted - ok_after_first) | (set(final) - set(rows))
        assert not (downloaded & ok_after_first)
        requested = [e for e in web.world.requests() if e["target"] != "/robots.txt"]

    print(
        f"\nsoak: {HOSTS} hosts, {len(truth)} reports + attachments, fault rate {FAULT_RATE}; "
        f"faults injected {dict(chaos.injected)}\n"
        f"run 1: {first_seconds:.1f}s, {first.total('requests')} requests, "
        f"{len(not_ok)} URLs failed ({dict(kinds)}), {len(ok_after_first)}/{len(wanted)} "
        f"documents fetched\n"
        f"run 2: {second_seconds:.1f}s, {len(requested)} requests, "
        f"{len(downloaded)} bodies downloaded, all {len(wanted)} documents fetched"
    )
