"""`ogi sites discover` and `ogi sites check` on the command line, against the fake web on
127.0.0.1: registries written and merged, start pages from spreadsheets, every column status,
exit codes, JSON summaries — and the manual's journalist path (docs/sites.md), run as written."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from fixtures.harvest import CLIENT_ARGS, FAST_ARGS
from fixtures.sites import FakeWeb, build_world
from fixtures.sites.portal_tree import HUAXI, JSNAV, MHK
from ogi.cli import app
from scraper.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
FAST = CLIENT_ARGS
runner = CliRunner()


@pytest.fixture(scope="module")
def web():
    with FakeWeb(build_world(portals=True, faults=True)) as w:
        yield w


def resolve(web) -> list[str]:
    return [f"--resolve=*:{web.port}:127.0.0.1"]


def discover(web, *args: str):
    cmd = ["sites", "discover", *args, "--delay", "0", "--no-cache", *FAST, *resolve(web)]
    return runner.invoke(app, cmd)


def test_discover_writes_a_registry_with_a_summary_and_json(web, tmp_path):
    out = tmp_path / "sites.toml"
    home = web.world.base(MHK) + "/"
    res = discover(web, home, "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "discovered 7 report columns of 7 agencies from 1 start page" in res.stdout
    reg = load_registry(out)
    assert {s.agency for s in reg} >= {
        "梅河口市人民政府",
        "梅河口市进化镇人民政府",
        "梅河口市教育局",
    }
    assert discover(web, home, "--out", str(out)).exit_code == 2  # never overwritten silently
    res = discover(web, home, web.world.base(JSNAV) + "/", "--out", str(out), "--force", "--json")
    data = json.loads(res.stdout)
    assert res.exit_code == 1  # one start page (JavaScript-only navigation) led to nothing
    assert data["columns"] == 7 and {s["status"] for s in data["starts"]} == {"ok", "needs_js"}
    assert any(n["kind"] == "needs_js" for n in data["notes"])
    assert "needs_js" not in out.read_text(encoding="utf-8").split("# -- to look at")[0]


def test_usage_errors_exit_2(web, tmp_path):
    assert runner.invoke(app, ["sites", "discover"]).exit_code == 2
    assert runner.invoke(app, ["sites", "discover", "ftp://x.gov.cn/"]).exit_code == 2
    assert (
        runner.invoke(app, ["sites", "discover", "--from", str(tmp_path / "no.csv")]).exit_code == 2
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[[site]]\nagency = 1\n")
    res = runner.invoke(app, ["sites", "discover", "http://www.x.gov.cn/", "--merge", str(bad)])
    assert res.exit_code == 2 and "bad.toml" in res.output
    assert runner.invoke(app, ["sites", "check", str(bad)]).exit_code == 2


def test_start_pages_from_a_simple_csv_and_the_national_database_export(web, tmp_path):
    csv_file = tmp_path / "starts.csv"
    csv_file.write_text(f"梅河口市人民政府,{web.world.base(MHK)}/,220581\n", encoding="utf-8")
    out = tmp_path / "a.toml"
    assert discover(web, "--from", str(csv_file), "--out", str(out)).exit_code == 0
    county = next(s for s in load_registry(out) if s.parent is None)
    assert (county.agency, county.division_code) == ("梅河口市人民政府", "220581")

    book = Workbook()
    sheet = book.active
    sheet.append(
        ["序号", "网站名称", "首页网址", "主办单位", "政府网站标识码", "网站类别", "运行状态"]
    )
    sheet.append([1, "华溪县政府门户网站", web.world.base(HUAXI), "华溪县人民政府办公室", "1305990001", "政府门户网站", "正常"])  # fmt: skip
    sheet.append([2, "已关停的网站", "http://www.closed.gov.cn", "某单位", "1305990002", "部门网站", "已关停"])  # fmt: skip
    export = tmp_path / "export.xlsx"
    book.save(export)
    out = tmp_path / "b.toml"
    res = discover(web, "--from", str(export), "--out", str(out), "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [s["agency"] for s in data["starts"]] == ["华溪县人民政府"]  # the closed site skipped
    county = next(s for s in load_registry(out) if s.agency == "华溪县人民政府")
    assert county.division_code == "130599"  # the 标识码's first six digits


def test_merge_keeps_hand_edits_adds_new_columns_and_reports_dead_ones(web, tmp_path):
    reg = tmp_path / "sites.toml"
    home = web.world.base(MHK) + "/"
    assert discover(web, home, "--out", str(reg)).exit_code == 0
    text = reg.read_text(encoding="utf-8")
    # hand edits: a comment, a delay, a disabled entry, one entry removed, a dead column added
    blocks = text.split("[[site]]")
    removed = next(b for b in blocks if "梅河口市李炉乡人民政府" in b and "agency" in b)
    edited = text.replace("[[site]]" + removed, "").replace(
        'agency = "梅河口市财政局"', 'agency = "梅河口市财政局"\nenabled = false  # by hand'
    )
    dead = web.world.base(MHK) + "/zwgk/zfxxgk/old/zfxxgknb/index.html"
    edited = (
        "# my notes\n[defaults]\ndelay = 3.0\n\n"
        + edited
        + (f'\n[[site]]\nagency = "梅河口市旧栏目"\ncolumns = ["{dead}"]\n')
    )
    reg.write_text(edited, encoding="utf-8")
    res = discover(web, home, "--merge", str(reg), "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    after = reg.read_text(encoding="utf-8")
    assert after.startswith(edited)  # every hand edit kept, byte for byte
    assert (data["added"], data["known"]) == (1, 6)
    assert any(n["kind"] == "dead" and n["url"] == dead for n in data["notes"])
    sites = load_registry(reg)
    assert sum(s.agency == "梅河口市李炉乡人民政府" for s in sites) == 1
    assert next(s for s in sites if s.agency == "梅河口市财政局").enabled is False
    res = discover(web, home, "--merge", str(reg))  # nothing new: the file stays as it is
    assert res.exit_code == 0 and reg.read_text(encoding="utf-8") == after
    assert "0 new entries added" in res.stdout


def test_check_says_ok_moved_dead_needs_js_blocked_with_exit_codes(web, tmp_path):
    base = web.world.base
    column = "/zwgk/zfxxgk/zfxxgknb/index.html"
    reg = tmp_path / "sites.toml"
    entries = {
        "华溪县人民政府": base(HUAXI) + column,
        "迁址县": base("www.migrated.gov.cn") + column,
        "回首页县": base("www.movedhome.gov.cn") + column,
        "消失县": base(HUAXI) + "/zwgk/old/index.html",
        "脚本县": base("www.jsshell.gov.cn") + column,
        "拦截县": base("www.antibot.gov.cn") + column,
        "禁止县": base("www.robotsdeny.gov.cn") + column,
        "医保局": base(HUAXI) + "/zwgk/zfxxgk/bmxxgk/ybj/zfxxgknb/",
    }
    reg.write_text(
        "".join(
            f'[[site]]\nagency = "{a}"\ncolumns = ["{u}"]\ndelay = 0\n' for a, u in entries.items()
        ),
        encoding="utf-8",
    )
    res = runner.invoke(app, ["sites", "check", str(reg), "--json", *FAST, *resolve(web)])
    data = json.loads(res.stdout)
    status = {c["agency"]: c for c in data["columns"]}
    assert status["华溪县人民政府"]["status"] == "ok"
    assert status["华溪县人民政府"]["titles"] >= 1 and status["华溪县人民政府"]["newest"] == 2023
    assert status["迁址县"]["status"] == "moved"
    assert status["迁址县"]["target"].startswith(base("www.newplace.gov.cn"))
    assert status["回首页县"]["status"] == "dead" and status["消失县"]["status"] == "dead"
    assert status["脚本县"]["status"] == "needs_js"
    assert status["拦截县"]["status"] == "blocked"
    assert status["禁止县"]["status"] == "disallowed"
    assert status["医保局"]["status"] == "empty"
    assert res.exit_code == 1  # some sites have no working column
    text = runner.invoke(
        app, ["sites", "check", str(reg), "--site", "消失县", *FAST, *resolve(web)]
    )
    assert text.exit_code == 3 and "dead" in text.stdout
    ok = runner.invoke(
        app, ["sites", "check", str(reg), "--site", "华溪县人民政府", *FAST, *resolve(web)]
    )
    assert ok.exit_code == 0 and "ok 1" in ok.stdout


def test_the_readmes_journalist_path_runs_as_written(tmp_path, monkeypatch):
    """The commands of the manual's "Finding the sites" that run against the fake web."""
    page = (ROOT / "docs" / "sites.md").read_text(encoding="utf-8")
    section = page.split("# Finding the sites", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```sh\n(.*?)```", section, re.S)[1]
    commands = [c for c in block.splitlines() if c.startswith("ogi ")]
    assert [c.split()[1] for c in commands] == ["sites", "sites", "harvest", "compare"]
    monkeypatch.chdir(tmp_path)
    with FakeWeb(build_world(portals=True, faults=False)) as w:
        for line in commands:
            args = shlex.split(line.replace("8088", str(w.port)))[1:]
            if args[0] == "harvest":  # compare reads the records: the datasets can wait
                args += [a for a in FAST_ARGS if a != "--offline"] + [
                    "--workers",
                    "1",
                    "--no-export",
                ]
            res = runner.invoke(app, args)
            assert res.exit_code == 0, (line, res.output)
    assert "梅河口市进化镇人民政府" in res.stdout  # the townships, compared
