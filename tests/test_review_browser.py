"""The review app in a real browser (Playwright driving headless Chromium).

The story a reviewer lives: open the demo's data, find a report with an undecided cell in the
queue, see it highlighted beside the archived source, submit a correction, export, find the
corrected value with its provenance in cells.csv; harvest again, reload: the correction is still
there. And the two attacks the app must stop: a hostile archived page running script in the
review page, and a forged cross-site POST.

Playwright's own browser download cannot run here: the tests launch the system's Chromium
(Debian's ``chromium`` package, installed by ``.ci/run``) by its path, and are skipped where no
Chromium exists. The screenshot of the report page in the manual (docs/review.md) is made by this run:
``OGI_UPDATE_SCREENSHOTS=1 python3 -m pytest tests/test_review_browser.py`` writes it to
``docs/review.png`` (other runs leave the checkout as it is).
"""

from __future__ import annotations

import csv
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fixtures.review import archived_folder, free_port, report_page, served
from output.corrections import read_corrections
from review import create_app

playwright_api = pytest.importorskip("playwright.sync_api")

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "review.png"
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for name in (os.environ.get("OGI_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    with playwright_api.sync_playwright() as driver:
        try:
            launched = driver.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        except Exception as exc:  # a browser that cannot start here is a skip, not a failure
            pytest.skip(f"Chromium at {path} does not start: {exc}")
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def _ogi(*args: str) -> None:
    """Run the command line as a user would (the browser's event loop owns this thread)."""
    done = subprocess.run([sys.executable, "-m", "ogi", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _cells(folder: Path) -> list[dict[str, str]]:
    with open(folder / "cells.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_reviewer_corrects_an_undecided_cell_and_it_survives_a_reharvest(page, tmp_path):
    data = tmp_path / "demo"
    _ogi("demo", "--data", str(data), "--format", "csv", "--workers", "1")
    with served(create_app(data)) as base:
        # the queue leads to the report with undecided cells
        page.goto(f"{base}/queue")
        page.locator("table.queue tr.undecided a").first.click()
        undecided = page.locator("td.f-undecided")
        undecided.first.wait_for()  # the click navigates: count() alone does not wait for it
        assert undecided.count() >= 1
        report_url = page.url
        report_id = report_url.rsplit("/", 1)[-1].split("?")[0]
        # beside the archived source, rendered from the WARC in a sandboxed frame
        frame_element = page.locator("iframe.archived")
        assert frame_element.get_attribute("sandbox") == ""
        source = frame_element.content_frame
        source.locator("table").first.wait_for()
        assert "规章" in source.locator("body").inner_text()
        # a number's provenance, one click away: its row and column as printed, and its spot
        # marked inside the archived page (server-side: no script runs in the frame)
        page.locator('td.s-number[data-cell^="applications.granted."] a').first.click()
        panel = page.locator("#cell")
        raw = panel.locator("dd.raw").inner_text().strip()
        assert "予以公开" in panel.locator("dd.printed-row").inner_text()
        assert panel.locator("dd.printed-column").inner_text().strip("“”")
        assert "个表格" in panel.locator("dd.where").inner_text()
        source = page.locator("iframe.archived").content_frame
        spot = source.locator("#ogi-cell")
        spot.wait_for()
        assert spot.get_attribute("data-ogi") == "cell" and spot.inner_text().strip() == raw
        assert "予以公开" in " ".join(source.locator("[data-ogi=row]").all_inner_texts())
        assert source.locator("[data-ogi=column]").count() >= 1
        # an undecided cell: its warning, and the run-together digits its row printed marked
        undecided.first.locator("a").click()
        panel = page.locator("#cell")
        assert "未能确定" in panel.inner_text() and "not decided" in panel.inner_text()
        assert panel.locator("dd.printed-row").inner_text().strip("“”") == "规章"
        code = panel.locator("input[name=cell]").input_value()
        source = page.locator("iframe.archived").content_frame
        spot = source.locator("#ogi-cell")
        spot.wait_for()
        assert spot.get_attribute("data-ogi") == "printed" and spot.inner_text().strip().isdigit()
        assert source.locator("[data-ogi=row]").first.inner_text().strip() == "规章"
        page.evaluate("window.scrollTo(0, 0)")  # the frame is scrolled to the marked spot
        shot = tmp_path / "review.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.read_bytes().startswith(b"\x89PNG")
        if os.environ.get("OGI_UPDATE_SCREENSHOTS"):  # the manual's picture, made by this run
            shutil.copyfile(shot, SCREENSHOT)
        # a correction from the form
        panel.locator("input[name=value]").fill("3")
        panel.locator("input[name=note]").fill("原文“规章”一行：本年制发 3")
        panel.locator("input[name=reviewer]").fill("张三")
        panel.locator("button[type=submit]").click()
        page.locator(".saved").wait_for()
        assert page.locator(f'td.corrected[data-cell="{code}"]').count() == 1
    # ogi export applies it: value, status and provenance in cells.csv
    _ogi("export", "--data", str(data), "--format", "csv")
    section, row, column = code.split(".")
    found = [
        r
        for r in _cells(data / "datasets")
        if r["report_id"] == report_id and r["code"] == f"{section}__{row}__{column}"
    ]
    assert len(found) == 1
    assert found[0]["value"] == "3" and found[0]["status"] == "corrected"
    assert found[0]["correction_note"] == "原文“规章”一行：本年制发 3"
    assert found[0]["corrected_by"] == "张三" and found[0]["old_value"] == ""
    # a later night's harvest (pages changed, moved, deleted elsewhere) keeps it
    _ogi("demo", "--data", str(data), "--format", "csv", "--workers", "1", "--day", "2024-04-20")
    assert [c.cell for c in read_corrections(data)] == [code]
    with served(create_app(data)) as base:
        page.goto(f"{base}/report/{report_id}")
        assert page.locator(f'td.corrected[data-cell="{code}"]').count() == 1
        assert "张三" in page.locator("ul.history").inner_text()
    kept = [r for r in _cells(data / "datasets") if r["status"] == "corrected"]
    assert [(r["report_id"], r["value"]) for r in kept] == [(report_id, "3")]


def test_a_hostile_archived_page_runs_no_script_in_the_review_page(page, tmp_path):
    folder = tmp_path / "hostile"
    items = archived_folder(
        folder, [("http://www.hm.gov.cn/evil.html", report_page(7, "梅河口市红梅镇人民政府", 2023, hostile=True))]
    )  # fmt: skip
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with served(create_app(folder)) as base:
        url = f"{base}/report/{items[0].report.sha256[:16]}"
        page.goto(url)
        frame = page.locator("iframe.archived").content_frame
        frame.locator("table").first.wait_for()
        page.wait_for_timeout(500)
        assert page.url == url and "pwned" not in page.title()
        assert dialogs == []
        inner = page.frames[1]
        assert inner.evaluate("document.documentElement.getAttribute('data-pwned')") is None
        # even opened on its own, the archived body runs nothing (its CSP sandboxes it)
        page.goto(f"{base}/source/{items[0].report.sha256[:16]}")
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.getAttribute('data-pwned')") is None
        assert dialogs == []


class _Attacker(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802 - the handler's name
        body = (
            "<html><body><form id=f method=post action='" + self.target + "'>"
            "<input name=csrf value=0123abcd><input name=cell value=applications.new.total>"
            "<input name=value value=999><input name=note value=forged>"
            "<input name=reviewer value=attacker></form>"
            "<script>document.getElementById('f').submit()</script></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_forged_cross_site_post_is_refused(page, tmp_path):
    folder = tmp_path / "site"
    items = archived_folder(
        folder, [("http://www.mhk.gov.cn/a.html", report_page(4, "梅河口市进化镇人民政府", 2023))]
    )
    report_id = items[0].report.sha256[:16]
    with served(create_app(folder)) as base:
        page.goto(f"{base}/report/{report_id}?cell=applications.new.total")  # the app's cookie
        handler = type("Attacker", (_Attacker,), {"target": f"{base}/report/{report_id}/correct"})
        attacker = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        thread = threading.Thread(target=attacker.serve_forever, daemon=True)
        thread.start()
        try:
            with page.expect_response(re.compile(r"/correct$")) as answer:
                page.goto(f"http://localhost:{attacker.server_address[1]}/")
            assert answer.value.status == 403
        finally:
            attacker.shutdown()
    assert read_corrections(folder) == []
