"""The review app over HTTP (a real server on 127.0.0.1): lists, report page, archived source,
corrections from the form, and what keeps it safe (hosts, tokens, sandboxed bodies, paths)."""

from __future__ import annotations

import re

import httpx
import pytest

from fixtures.review import archived_folder, report_page, served
from output.corrections import read_corrections
from review import create_app

AGENCY = "梅河口市进化镇人民政府"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review")
    items = archived_folder(
        folder,
        [
            ("http://www.mhk.gov.cn/a/2022.html", report_page(1, AGENCY, 2022)),
            ("http://www.mhk.gov.cn/a/2023.html", report_page(7, AGENCY, 2023, glue=True)),
            ("http://www.mhk.gov.cn/a/evil.html", report_page(3, "梅河口市红梅镇人民政府", 2023, hostile=True)),
        ],
    )  # fmt: skip
    with served(create_app(folder)) as base:
        yield folder, items, base


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=20)


def _token(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_home_lists_agencies_by_place_and_level_with_their_years(site):
    _folder, items, base = site
    with _client(base) as client:
        page = client.get("/").text
        assert "吉林省 通化市 梅河口市" in page and "乡镇/街道" in page
        assert AGENCY in page and ">2022" in page and ">2023" in page
        found = client.get("/", params={"q": "红梅"}).text
        assert "红梅镇" in found and AGENCY not in found


def test_the_queue_puts_the_report_with_undecided_cells_first(site):
    _folder, items, base = site
    glued = items[1].report.sha256[:16]
    with _client(base) as client:
        queue = client.get("/queue").text
    rows = re.findall(r'href="/report/([0-9a-f]{16})"', queue)
    assert rows and rows[0] == glued


def test_report_page_shows_the_sandboxed_source_beside_flagged_cells(site):
    _folder, items, base = site
    rid = items[1].report.sha256[:16]
    with _client(base) as client:
        page = client.get(f"/report/{rid}")
        source = client.get(f"/source/{rid}")
        chosen = client.get(f"/report/{rid}", params={"cell": "proactive.regulations.issued"})
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"].split("style-src")[0]
    assert re.search(rf'<iframe[^>]*sandbox=""[^>]*src="/source/{rid}"', page.text)
    undecided = re.findall(
        r'class="cell s-uncertain f-undecided"[^>]*data-cell="([^"]+)"', page.text
    )
    assert set(undecided) == {
        f"proactive.regulations.{m}" for m in ("issued", "repealed", "in_force")
    }
    assert source.status_code == 200 and source.headers["content-type"].startswith("text/html")
    policy = source.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "allow-scripts" not in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "规章" in source.text  # the archived body itself
    # a cell's provenance: labels, printed text, status and the parser's warning
    assert 'id="cell"' in chosen.text and "本年制发件数" in chosen.text
    assert "not decided by the table&#39;s arithmetic" in chosen.text


def test_the_form_records_a_correction(site):
    folder, items, base = site
    rid = items[1].report.sha256[:16]
    with _client(base) as client:
        page = client.get(f"/report/{rid}", params={"cell": "proactive.regulations.issued"})
        form = {"csrf": _token(page.text), "cell": "proactive.regulations.issued",
                "value": "3", "note": "原文第1页 规章 本年制发 3", "reviewer": "张三"}  # fmt: skip
        done = client.post(f"/report/{rid}/correct", data=form, headers={"origin": base})
        assert done.status_code == 303 and "saved=1" in done.headers["location"]
        after = client.get(done.headers["location"]).text
    row = read_corrections(folder)[-1]
    assert (row.report_sha256, row.cell, row.new_value) == (items[1].report.sha256, form["cell"], 3)
    assert row.reviewer == "张三" and row.note == form["note"] and row.old_value is None
    assert "更正已保存" in after and "cell s-uncertain f-undecided corrected" in after


def test_forged_and_tokenless_posts_are_refused(site):
    folder, items, base = site
    rid = items[0].report.sha256[:16]
    before = read_corrections(folder)
    form = {"cell": "applications.new.total", "value": "99", "note": "", "reviewer": "x"}
    with _client(base) as client:
        page = client.get(f"/report/{rid}", params={"cell": "applications.new.total"})
        token = _token(page.text)
        no_token = client.post(f"/report/{rid}/correct", data=form)
        other_site = client.post(f"/report/{rid}/correct", data={**form, "csrf": token},
                                 headers={"origin": "http://evil.example"})  # fmt: skip
        cross = client.post(f"/report/{rid}/correct", data={**form, "csrf": token},
                            headers={"sec-fetch-site": "cross-site"})  # fmt: skip
    with _client(base) as stranger:  # a token without the cookie it belongs to
        no_cookie = stranger.post(f"/report/{rid}/correct", data={**form, "csrf": token})
    assert [r.status_code for r in (no_token, other_site, cross, no_cookie)] == [403] * 4
    assert read_corrections(folder) == before


def test_requests_for_other_hosts_and_paths_outside_the_app_get_nothing(site):
    _folder, items, base = site
    rid = items[0].report.sha256[:16]
    with _client(base) as client:
        assert client.get("/", headers={"host": "attacker.example"}).status_code == 421
        for path in ("/source/..%2f..%2fetc%2fpasswd", "/report/../../etc/passwd",
                     f"/source/{rid[:-1]}g", "/assets/..%2fapp.py", "/assets/app.py",
                     "/source/%2e%2e/records.sqlite", "/records.sqlite", "/raw/"):  # fmt: skip
            response = client.get(path)
            assert response.status_code == 404, path
            assert b"SQLite" not in response.content and b"root:" not in response.content


def test_cells_that_disagree_with_the_year_before_are_flagged(site):
    _folder, items, base = site
    last, this = items[0].report, items[1].report
    apps_last, apps_this = last.tables["applications"], this.tables["applications"]
    differ = [
        column
        for column, cell in apps_this["carried_over"].items()
        if cell.value is not None
        and apps_last["carried_forward"][column].value is not None
        and cell.value != apps_last["carried_forward"][column].value
    ]
    assert differ, "the fixture's two years must disagree somewhere"
    with _client(base) as client:
        page = client.get(f"/report/{this.sha256[:16]}").text
    assert "上一年度报告" in page
    flagged = re.findall(r'class="cell [^"]*f-xyear[^"]*"[^>]*data-cell="([^"]+)"', page)
    assert sorted(flagged) == sorted(f"applications.carried_over.{c}" for c in differ)


def test_a_stale_correction_is_listed_in_the_queue(tmp_path):
    url = "http://www.mhk.gov.cn/a/changed.html"
    first = archived_folder(tmp_path / "one", [(url, report_page(5, AGENCY, 2023))])
    folder = tmp_path / "one"
    from output.correct import correct

    correct(folder, first[0].report.sha256[:16], "applications.new.total", "12", reviewer="王五")
    # the page changed at its URL: archived and parsed again, fetched later
    archived_folder(folder, [(url, report_page(6, AGENCY, 2023))], minute=30)
    with served(create_app(folder)) as base, _client(base) as client:
        queue = client.get("/queue").text
        report = client.get(f"/report/{first[0].report.sha256[:16]}").text
    assert "已失效的更正" in queue and "applications.new.total" in queue and "王五" in queue
    assert "f-stale" in report


def test_serve_binds_loopback_by_default_and_refuses_a_missing_folder(tmp_path):
    from typer.testing import CliRunner

    from ogi.cli import app
    from review.serve import allowed_hosts

    assert allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "[::1]"}
    assert "192.0.2.7" in allowed_hosts("192.0.2.7") and "*" not in allowed_hosts("192.0.2.7")
    help_text = CliRunner().invoke(app, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text
    missing = CliRunner().invoke(app, ["serve", "--data", str(tmp_path / "none")])
    assert missing.exit_code == 3
