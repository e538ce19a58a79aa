"""`ogi crawl`: the command wraps scraper.crawl.crawl, with curl-style --resolve and cron exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fixtures.harvest import FAST_ARGS
from fixtures.sites import FakeWeb, build_world
from ogi.cli import app
from scraper.state import State

runner = CliRunner()

FAST = FAST_ARGS


def test_crawl_command_summary_json_and_exit_codes(tmp_path):
    with FakeWeb(build_world(faults=False)) as web:
        sites = tmp_path / "sites.toml"
        sites.write_text(web.world.registry_toml(), encoding="utf-8")
        args = [
            "crawl",
            "--sites",
            str(sites),
            "--data",
            str(tmp_path / "data"),
            "--json",
            str(tmp_path / "run.json"),
            *FAST,
        ]
        for r in web.world.resolve_entries():
            args += ["--resolve", r]
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        assert "reports found" in res.output and "new" in res.output
        summary = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
        assert summary["run_id"] == 1 and summary["failures"] == {
            "disallowed": 1
        }  # the robots-only folder
        with State.open(tmp_path / "data" / "state.sqlite") as st:
            assert {d.url for d in st.documents(kind="page", reports_only=True)} == set(
                web.world.truth()
            )

        # without the resolve map (and offline) nothing is reachable: exit 3
        res = runner.invoke(
            app, ["crawl", "--sites", str(sites), "--data", str(tmp_path / "none"), *FAST]
        )
        assert res.exit_code == 3, res.output


def test_crawl_command_usage_errors(tmp_path):
    bad = tmp_path / "sites.toml"
    bad.write_text(
        '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\nlevel = "village"\n',
        encoding="utf-8",
    )
    res = runner.invoke(app, ["crawl", "--sites", str(bad)])
    assert res.exit_code == 2 and "sites.toml:4" in res.output and "level" in res.output
    good = tmp_path / "ok.toml"
    good.write_text('[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\n', encoding="utf-8")
    res = runner.invoke(app, ["crawl", "--sites", str(good), "--resolve", "a.gov.cn:127.0.0.1"])
    assert res.exit_code == 2 and "HOST:PORT:ADDR" in res.output
