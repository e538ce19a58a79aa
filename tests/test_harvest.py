"""The nightly harvest against the fake government web on 127.0.0.1: first night, the unchanged
night (nothing downloaded, nothing rewritten), a later night, shards and their merge, a bad site
or document never stopping the run, and what the run report says."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ogi.book
import ogi.parsing
from fixtures.harvest import (
    CRASH_MARK,
    crashing_parse,
    file_stats,
    harvest_world,
    read_datasets,
)
from fixtures.sites import LATER, FakeWeb, build_world
from ogi import cli
from ogi import harvest as harvest_module
from ogi.harvest import (
    Book,
    HarvestConfigError,
    Layout,
    Shard,
    _Run,
    harvest,
    shard_of,
    site_host,
)
from ogi.parsing import RETRY, run_jobs
from ogi.runs import RunReport, load_runs, warning_kind
from parsers.model import ParseError
from scraper.registry import load_registry, parse_registry
from scraper.state import State


def store_pairs(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return set(db.execute("SELECT url, sha256 FROM records"))


@pytest.fixture(scope="module")
def first_night(tmp_path_factory):
    """One harvest of the standard fake web (no fault hosts), then a second, unchanged night."""
    data = tmp_path_factory.mktemp("harvest")
    with FakeWeb(build_world(faults=False)) as web:
        first = harvest_world(web.world, data)
        after_first = file_stats(data / "datasets")
        web.world.clear_log()
        second = harvest_world(web.world, data)
        requests = web.world.requests()
        yield web.world, data, first, second, after_first, requests


def test_first_night_archives_parses_and_exports_every_report(first_night):
    world, data, first, _second, _stats, _requests = first_night
    assert first.exit_code == 0 and first.status == "ok", first.errors
    truth = world.truth()
    with sqlite3.connect(data / "records.sqlite") as db:
        rows = {url: json.loads(rec) for url, rec in db.execute("SELECT url, record FROM records")}
    # every report page the site lists became a record, with the agency and year it states
    assert set(truth) <= set(rows)
    for url, item in truth.items():
        assert rows[url]["year"] == item.year, url
    reports = read_datasets(data / "datasets", drop=())
    columns = reports["reports.columns"]
    urls = {row[columns.index("url")] for row in reports["reports"]}
    assert set(truth) <= urls
    # the run report says what happened, and matches the store
    assert first.records_added == len(rows) == first.documents["parsed"]
    assert first.documents["new"] == first.documents["parsed"] + first.documents["not_reports"]
    assert first.sites == {"total": 5, "ok": 5, "failed": 0, "failed_sites": []}
    assert first.export["ran"] and first.export["reason"] == "new records"
    saved = json.loads(first.path.read_text(encoding="utf-8"))
    assert saved["status"] == "ok" and saved["phase"] == "done" and saved["exit_code"] == 0
    assert saved["records_added"] == first.records_added
    assert set(saved) >= {"started_at", "finished_at", "sites", "documents", "failed_checks"}
    assert saved["warnings"]["total"] == sum(saved["warnings"]["by_kind"].values()) > 0


def test_reports_carry_the_publisher_and_index_number_of_their_page(first_night):
    """发布机构 and 索引号 from a report page's metadata table reach the reports dataset, for the
    page and for the attachments it links (an attachment has no metadata of its own)."""
    world, data, *_ = first_night
    reports = read_datasets(data / "datasets", drop=())
    columns = reports["reports.columns"]
    rows = [dict(zip(columns, row, strict=True)) for row in reports["reports"]]
    with State.open(data / "state.sqlite") as st:
        pages = {d.url: d for d in st.documents(kind="page") if d.publisher}
        attachments = {d.url: d for d in st.documents(kind="attachment")}
    assert pages, "no page of the fake web gave its publisher"
    by_url = {row["url"]: row for row in rows}
    for url, doc in pages.items():
        if url in by_url:
            assert by_url[url]["publisher"] == doc.publisher
            assert by_url[url]["index_no"] == doc.index_no
    inherited = [
        (row, pages[attachments[row["url"]].parent_url])
        for row in rows
        if row["url"] in attachments and attachments[row["url"]].parent_url in pages
    ]
    assert inherited, "no attachment of a page with metadata became a record"
    for row, page in inherited:
        assert (row["publisher"], row["index_no"]) == (page.publisher, page.index_no)


def test_second_night_on_an_unchanged_site_downloads_and_rewrites_nothing(first_night):
    world, data, first, second, after_first, requests = first_night
    assert second.exit_code == 0
    # no report body was sent again: report pages and attachments are not even requested
    documents = {u for item in world.truth().values() for u in (item.url, *item.attachments)}
    fetched = [e for e in requests if f"http://{e['host']}:{world.port}{e['target']}" in documents]
    assert fetched == []
    assert all(e["status"] in (304, 200) for e in requests)
    assert second.documents["new"] == second.documents["changed"] == 0
    assert second.records_added == 0 and second.documents["parsed"] == 0
    # the datasets were not rewritten: same bytes, same modification times
    assert not second.export["ran"]
    assert second.export["reason"] == "nothing changed since the last export"
    assert file_stats(data / "datasets") == after_first
    assert [r.id for r in load_runs(data)] == [first.id, second.id]


def test_a_later_night_adds_versions_and_loses_nothing(tmp_path):
    with FakeWeb(build_world(faults=False)) as web:
        harvest_world(web.world, tmp_path)
        before = store_pairs(tmp_path / "records.sqlite")
        web.world.set_today(LATER)
        later = harvest_world(web.world, tmp_path)
    after = store_pairs(tmp_path / "records.sqlite")
    assert before < after  # the changed report and the correction are added; nothing goes
    assert later.documents["changed"] >= 1 and later.documents["gone"] >= 1
    assert later.records_added == len(after - before) > 0
    assert later.export["ran"]
    data = read_datasets(tmp_path / "datasets", drop=())
    cols = data["reports.columns"]
    status = Counter(row[cols.index("version_status")] for row in data["reports"])
    assert status["superseded"] >= 1  # the earlier edition stays, marked


def test_shards_split_hosts_and_the_export_merges_partitions(tmp_path):
    world = build_world(faults=False, extra_hosts=2, reports_per_host=6)
    with FakeWeb(world) as web:
        registry = parse_registry(web.world.registry_toml())
        reports = [
            harvest_world(web.world, tmp_path / "sharded", shard=f"{i}/2", workers=1)
            for i in (1, 2)
        ]
        whole = harvest_world(web.world, tmp_path / "whole")
    hosts = []
    for i in (1, 2):
        layout = Layout(tmp_path / "sharded", Shard(i, 2))
        with State.open(layout.state_path) as st:
            hosts.append({h for (h,) in st.conn.execute("SELECT DISTINCT host FROM urls")})
        assert layout.store_path.name == f"records-{i}-of-2.sqlite"
        assert reports[i - 1].shard == f"{i}/2"
        assert not reports[i - 1].export["ran"]  # a shard leaves the merge to `ogi export`
    every = {site_host(s) for s in registry.sites}
    assert hosts[0] and hosts[1] and not hosts[0] & hosts[1]
    assert hosts[0] | hosts[1] == every
    # sites sharing a host (the township column on the county portal) share a shard
    for site in registry.sites:
        assert site_host(site) in hosts[shard_of(site_host(site), 2)]
    assert sum(r.sites["total"] for r in reports) == len(registry.sites)
    # `ogi export --data DIR` reads every partition: the same datasets as one unsharded run
    res = CliRunner().invoke(
        cli.app, ["export", "--data", str(tmp_path / "sharded"), "--format", "csv"]
    )
    assert res.exit_code == 0, res.output
    assert read_datasets(tmp_path / "sharded" / "datasets") == read_datasets(
        tmp_path / "whole" / "datasets"
    )
    assert whole.exit_code == 0


def test_shard_hash_is_stable_and_spreads_hosts_evenly():
    # the same host always lands in the same shard (a fixed digest, not Python's salted hash)
    assert shard_of("www.qingshan.gov.cn", 7) == shard_of("WWW.QINGSHAN.GOV.CN", 7)
    counts = Counter(shard_of(f"www.county{n}.gov.cn", 4) for n in range(4000))
    assert set(counts) == {0, 1, 2, 3} and all(900 < c < 1100 for c in counts.values())
    assert Shard.parse("2/4") == Shard(2, 4) and Shard.parse("2/4").name == "2-of-4"
    for bad in ("0/4", "5/4", "2", "a/b", "1/0"):
        with pytest.raises(HarvestConfigError):
            Shard.parse(bad)


def test_fault_hosts_fail_alone_and_the_night_goes_on(tmp_path):
    with FakeWeb(build_world()) as web:
        report = harvest_world(web.world, tmp_path)
        truth = web.world.truth()
    assert report.exit_code == 1 and report.status == "some_failed"
    failed = {s["agency"]: s["kinds"] for s in report.sites["failed_sites"]}
    assert {"blackhole县人民政府", "antibot县人民政府", "jsshell县人民政府"} <= set(failed)
    assert "blocked" in failed["antibot县人民政府"] and "needs_js" in failed["jsshell县人民政府"]
    assert report.sites["ok"] + report.sites["failed"] == report.sites["total"]
    # every crawlable report still became a record, and the datasets were written
    assert set(truth) <= {u for u, _ in store_pairs(tmp_path / "records.sqlite")}
    assert report.export["ran"] and (tmp_path / "datasets" / "panel.csv").exists()


def test_a_document_that_hangs_or_crashes_the_parser_is_retried_then_given_up(
    tmp_path, monkeypatch
):
    real = ogi.parsing.parsers.parse

    def hostile(data, *, source=None, content_type=None):
        if source == truth[0]:
            raise ParseError("could not read the PDF", reason="internal_error")
        if source == truth[1]:
            import time

            time.sleep(60)  # stopped by the time limit long before
        return real(data, source=source, content_type=content_type)

    with FakeWeb(build_world(faults=False)) as web:
        truth = sorted(web.world.truth())
        monkeypatch.setattr(ogi.parsing.parsers, "parse", hostile)
        # the limit stops the hanging document on every run; it must leave the others their
        # time on a busy machine (at 0.5 s one of them was once stopped too, under load 7)
        runs = [harvest_world(web.world, tmp_path, parse_timeout=2.0) for _ in range(4)]
    first = runs[0]
    assert first.exit_code == 1
    assert first.documents["failed"] == 1 and first.documents["retry"] == 1
    reasons = {f["url"]: (f["outcome"], f["reason"]) for f in first.parse["failures"]}
    assert reasons[truth[0]] == ("failed", "internal_error")
    assert reasons[truth[1]] == (RETRY, "timeout")
    stored = {u for u, _ in store_pairs(tmp_path / "records.sqlite")}
    assert set(truth[2:]) <= stored and not {truth[0], truth[1]} & stored
    # the timeout is retried on the next runs (the unreadable one waits for a new parser) …
    assert [r.documents["retry"] for r in runs] == [1, 1, 1, 0]
    assert [r.documents["failed"] for r in runs] == [1, 0, 0, 0]
    book = Book(tmp_path / "harvest.sqlite")
    row = book.outcome(truth[1], next(s for u, s in _all_docs(tmp_path) if u == truth[1]))
    book.close()
    assert row["attempts"] == harvest_module.MAX_RETRIES
    # … and once the parser is fixed, a new parser version reads both
    monkeypatch.setattr(ogi.parsing.parsers, "parse", real)
    monkeypatch.setattr(ogi.book, "_PARSER_FINGERPRINT", "fixed")
    with FakeWeb(build_world(faults=False), port=web.port) as web2:
        fixed = harvest_world(web2.world, tmp_path)
    assert fixed.documents["parsed"] == 2 and fixed.exit_code == 0
    assert {truth[0], truth[1]} <= {u for u, _ in store_pairs(tmp_path / "records.sqlite")}


def _all_docs(data: Path) -> list[tuple[str, str]]:
    with State.open(data / "state.sqlite") as st:
        return [(d.url, d.sha256) for d in st.documents()]


def test_a_worker_that_dies_costs_only_its_own_document(tmp_path):
    with FakeWeb(build_world(faults=False)) as web:
        harvest_world(web.world, tmp_path, export=False)
    with State.open(tmp_path / "state.sqlite") as st:
        jobs = [_Run._job(st, doc) for doc in st.documents(kind="page")][:12]
        archive = str(st.archive_dir)
    victim = jobs[5]
    jobs[5] = dataclasses.replace(victim, title=f"{victim.title} {CRASH_MARK}")
    results = list(run_jobs(jobs, archive, workers=2, parse=crashing_parse))
    by_url = {r.job.url: r for r in results}
    assert len(results) == len(jobs) == len(by_url)
    assert by_url[victim.url].outcome == RETRY and by_url[victim.url].reason == "crash"
    assert all(r.ok or r.outcome == "not_report" for u, r in by_url.items() if u != victim.url)
    # the pool gives the same records as parsing in this process
    inline = {r.job.url: r for r in run_jobs(jobs, archive, workers=1)}
    for url, r in by_url.items():
        if r.ok:
            assert r.report.to_dict() == inline[url].report.to_dict()


def test_a_process_pool_harvest_equals_a_one_process_harvest(tmp_path):
    with FakeWeb(build_world(faults=False)) as web:
        pooled = harvest_world(web.world, tmp_path / "pool", workers=2, formats="csv")
        single = harvest_world(web.world, tmp_path / "one", workers=1, formats="csv")
    assert pooled.parse["workers"] == 2 and single.parse["workers"] == 1
    assert read_datasets(tmp_path / "pool" / "datasets") == read_datasets(
        tmp_path / "one" / "datasets"
    )


def test_bad_options_are_config_errors(tmp_path):
    bad = tmp_path / "sites.toml"
    bad.write_text('[[site]]\nagency = "A"\ncolumns = ["ftp://a.gov.cn/"]\n', encoding="utf-8")
    with pytest.raises(HarvestConfigError, match="sites.toml:3"):
        harvest(bad, tmp_path / "data")
    good = tmp_path / "ok.toml"
    good.write_text('[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\n', encoding="utf-8")
    with pytest.raises(HarvestConfigError, match="format"):
        harvest(good, tmp_path / "data", formats="csv,pdf")
    with pytest.raises(HarvestConfigError, match="site"):
        harvest(good, tmp_path / "data", sites=["B"])
    assert not (tmp_path / "data").exists()  # nothing was written


def test_exit_codes_follow_the_command_line_constants():
    import ogi_errors

    # cron habits, defined once beside the error tree and used by the harvest and the CLI
    assert (
        cli.EXIT_OK,
        cli.EXIT_SOME_FAILED,
        cli.EXIT_USAGE,
        cli.EXIT_NOTHING_DONE,
        cli.EXIT_LOCKED,
    ) == (0, 1, 2, 3, 75)
    assert (harvest_module.EXIT_OK, harvest_module.EXIT_SOME_FAILED) == (
        ogi_errors.EXIT_OK,
        ogi_errors.EXIT_SOME_FAILED,
    )


def test_warnings_are_grouped_by_kind():
    assert warning_kind("table 三: rows not found: granted, partial") == "table 三: rows not found"
    assert warning_kind("PDF page 3 unreadable: ValueError: bad") == "PDF page # unreadable"
    assert (
        warning_kind("report before the 2019 national format: no statutory tables")
        == "report before the 2019 national format"
    )
    assert warning_kind(
        "publication date 2023-01-05 is before the report year 2023"
    ) == warning_kind("publication date 2021-12-30 is before the report year 2022")
    report = RunReport(id="x", started_at="")
    report.add_warnings(["table 三: rows not found: a", "table 三: rows not found: b", "x: y"])
    assert report.warnings == {"total": 3, "by_kind": {"table 三: rows not found": 2, "x": 1}}
    report.add_failed_checks(["applications.balance"])
    report.add_failed_checks(["applications.balance", "appeals.totals"])
    report.add_failed_checks([])
    assert report.failed_checks == {
        "reports": 2,
        "by_rule": {"applications.balance": 2, "appeals.totals": 1},
    }


def test_the_starter_registry_is_valid_and_spread_over_distinct_hosts():
    registry = load_registry(Path(__file__).resolve().parents[1] / "sites" / "starter.toml")
    assert len(registry.sites) >= 10
    assert all(s.level and s.columns for s in registry.sites)
    hosts = [site_host(s) for s in registry.sites]
    assert len(set(hosts)) == len(hosts) and all(h.endswith(".gov.cn") for h in hosts)
    assert registry.crawl.contact and all(s.delay >= 1 for s in registry.sites)


def test_an_unreadable_bookkeeping_file_is_reported_not_raised(tmp_path):
    (tmp_path / "harvest.sqlite").write_bytes(b"this is not a database" * 100)
    with FakeWeb(build_world(faults=False)) as web:
        report = harvest_world(web.world, tmp_path)
    assert report.exit_code == 3 and report.status == "nothing_done"
    assert "harvest.sqlite" in report.errors[0]
    assert load_runs(tmp_path)[-1].phase == "done"
