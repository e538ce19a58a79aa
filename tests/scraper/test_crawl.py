"""Whole crawls of the fake government web on 127.0.0.1: completeness, politeness, encodings,
fault hosts, size cap, incremental re-runs, the clock's changes, and the harvest interface."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

from protego import Protego
from warcio.archiveiterator import ArchiveIterator

from fixtures.sites import LATER, FakeWeb, build_world
from fixtures.sites.content import attachment_bytes
from scraper.canonical import canonical_url
from scraper.decoding import decode_body
from scraper.state import State

from .conftest import fast_options, run_crawl


def report_pages(state: State) -> dict[str, object]:
    return {d.url: d for d in state.documents(kind="page", reports_only=True)}


def path_of(url: str) -> str:
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")


# --- one full crawl ----------------------------------------------------------------------------


def test_finds_every_report_exactly_once(crawled):
    web, data, result = crawled
    truth = web.world.truth()
    with State.open(data / "state.sqlite") as st:
        pages = report_pages(st)
        assert set(pages) == set(truth)
        # no second URL for the same article slipped in under another status either
        keys = [canonical_url(u) for u in truth]
        assert len(set(keys)) == len(keys)
        fetched = Counter((e["host"], e["target"]) for e in web.world.log if e["status"] == 200)
        for url in truth:
            assert fetched[(urlsplit(url).hostname, path_of(url))] == 1, url
        # every attachment of every report, once, including the one linked twice
        atts = {d.url for d in st.documents(kind="attachment")}
        for t in truth.values():
            for a in t.attachments:
                assert a in atts, a

        for t in truth.values():
            assert pages[t.url].title == t.title
            assert pages[t.url].agency


def test_attachments_are_the_served_bytes(crawled):
    web, data, _ = crawled
    world = web.world
    with State.open(data / "state.sqlite") as st:
        checked = 0
        for host in world.hosts.values():
            if not host.crawlable:
                continue
            d = world.dialect(host)
            for it in host.items:
                for a in it.attachments:
                    if a.huge or not it.visible(world.today):
                        continue
                    doc = st.document(
                        canonical_url(world.base(host.name) + d.attachment_path(it, a))
                    )
                    assert doc is not None and doc.status == "ok", (host.name, a.file_id)
                    body = st.read_body(doc)
                    assert body == attachment_bytes(a.ext, it.title)[0]
                    assert hashlib.sha256(body).hexdigest() == doc.sha256
                    checked += 1
        assert checked >= 20
        # Hanweb downloads: the downfile.jsp link is the document, the 302 target is noted
        hanweb = [d for d in st.documents(kind="attachment") if "downfile.jsp" in d.url]
        assert hanweb and all("/attach/0/" in (d.final_url or "") for d in hanweb)


def test_never_requests_a_disallowed_path(crawled):
    web, _, _ = crawled
    ua = "ogi-reports-test/1.0 (+https://example.org/ogi)"
    for name, host in web.world.hosts.items():
        if not host.robots:
            continue
        rp = Protego.parse(host.robots)
        for e in web.world.requests(name):
            url = web.world.base(name) + e["target"]
            assert rp.can_fetch(url, ua), url
    assert [e["target"] for e in web.world.requests("www.robotsdeny.gov.cn")] == ["/robots.txt"]
    assert not any("/draft/" in e["target"] for e in web.world.requests("www.qingshan.gov.cn"))


def test_robots_first_and_user_agent_everywhere(crawled):
    web, _, _ = crawled
    for name in web.world.hosts:
        log = web.world.requests(name)
        if log:
            assert log[0]["target"] == "/robots.txt", name
            assert all(
                e["headers"].get("user-agent", "").startswith("ogi-reports-test/") for e in log
            )


def test_decodes_every_gbk_title_exactly(crawled):
    web, data, _ = crawled
    truth = {u: t for u, t in web.world.truth().items() if t.host == "rsj.lincheng.gov.cn"}
    assert any("䶮" in t.title for t in truth.values()) and any(
        "镕" in t.title for t in truth.values()
    )
    with State.open(data / "state.sqlite") as st:
        for url, t in truth.items():
            doc = st.document(url)
            assert doc.title == t.title
            assert doc.encoding == "gb18030"
            text = decode_body(st.read_body(doc), doc.content_type).text
            assert t.title in text
        lying = [
            d
            for d in st.documents(site="临城市人力资源和社会保障局")
            if (d.content_type or "").endswith("utf-8")
        ]
        assert len(lying) == 1 and "䶮" in lying[0].title


def test_fault_hosts_are_survived_and_recorded(crawled):
    web, data, result = crawled
    expected = {
        "www.blackhole.gov.cn": ("error", "robots_unreachable"),
        "www.reset.gov.cn": ("error", "robots_unreachable"),
        "www.redirectloop.gov.cn": ("error", "redirect_loop"),
        "www.movedhome.gov.cn": ("gone", "redirect_to_home"),
        "www.robotsdeny.gov.cn": ("disallowed", "disallowed"),
        "www.jsshell.gov.cn": ("needs_js", "needs_js"),
        "www.antibot.gov.cn": ("blocked", "blocked"),
        "www.migrated.gov.cn": ("offsite", "offsite"),
    }
    with State.open(data / "state.sqlite") as st:
        for host, (status, kind) in expected.items():
            col = canonical_url(web.world.base(host) + "/zwgk/zfxxgk/zfxxgknb/index.html")
            row = st.url_row(col)
            assert (row["status"], row["error_kind"]) == (status, kind), host
            assert row["last_error"]
        events = {(e["host"], e["kind"]) for e in st.host_events(result.run_id)}
        assert ("www.blackhole.gov.cn", "robots_unreachable") in events
        assert ("www.antibot.gov.cn", "blocked") in events
        assert ("www.jsshell.gov.cn", "needs_js") in events
        assert st.url_row(
            canonical_url(
                web.world.base("www.migrated.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/index.html"
            )
        )["redirect_to"].startswith("http://www.newplace.gov.cn")
        # retried hosts got there, and the retries are on record
        attempts = Counter()
        for r in st.conn.execute(
            "SELECT url, attempts FROM fetches WHERE run_id=? AND attempts > 1", (result.run_id,)
        ):
            attempts[urlsplit(r["url"]).hostname] += 1
        assert attempts["www.ratelimited.gov.cn"] == 1  # robots.txt: 429, 429, then 200
        assert attempts["www.burst503.gov.cn"] >= 2  # two bursts of 503s, each retried
    failed = {s.agency for s in result.failed_sites}
    assert failed == {f"{h.split('.')[1]}县人民政府" for h in expected}
    assert result.exit_code == 1
    # a challenge is flagged, never hammered
    assert len(web.world.requests("www.antibot.gov.cn")) == 1
    assert len(web.world.requests("www.newplace.gov.cn")) == 0
    # the soft 404 and the meta-refresh stub on the legacy site
    with State.open(data / "state.sqlite") as st:
        statuses = Counter(
            d.status for d in st.documents(site="古城县人民政府", status=None, kind="page")
        )
        assert statuses["soft_404"] == 1 and statuses["moved"] == 1


def test_stops_at_the_size_cap(crawled):
    web, data, _ = crawled
    host = web.world.hosts["www.hugebody.gov.cn"]
    d = web.world.dialect(host)
    with State.open(data / "state.sqlite") as st:
        for a in host.items[0].attachments:
            row = st.url_row(
                canonical_url(web.world.base(host.name) + d.attachment_path(host.items[0], a))
            )
            assert (row["status"], row["error_kind"], row["sha256"]) == (
                "too_large",
                "too_large",
                None,
            )
        # the same host's other report and attachment are fine
        ok = [x for x in st.documents(site=host.agency) if x.kind == "attachment"]
        assert len(ok) == 1
    sent = max(
        e["sent"]
        for e in web.world.requests(host.name)
        if e["target"].endswith(".pdf") and e["status"] == 200 and e["sent"] > 1000
    )
    assert sent < 8 * 1024 * 1024


def test_warc_holds_request_and_response_pairs(crawled):
    _, data, _ = crawled
    kinds: Counter = Counter()
    ids = set()
    for f in (data / "raw").glob("*.warc.gz"):
        with open(f, "rb") as fh:
            for rec in ArchiveIterator(fh):
                kinds[rec.rec_type] += 1
                if rec.rec_type in ("response", "revisit"):
                    ids.add(rec.rec_headers.get_header("WARC-Record-ID"))
    assert kinds["request"] == kinds["response"] + kinds["revisit"] > 50
    with State.open(data / "state.sqlite") as st:
        for d in st.documents():
            assert d.warc_record_id in ids


# --- re-runs -------------------------------------------------------------------------------------


def test_second_run_downloads_no_report_body(web, tmp_path):
    first = run_crawl(web.world, tmp_path)
    web.world.clear_log()
    second = run_crawl(web.world, tmp_path)
    with State.open(tmp_path / "state.sqlite") as st:
        outcomes = Counter(
            r["outcome"]
            for r in st.conn.execute(
                "SELECT outcome FROM fetches WHERE run_id=? AND kind IN ('page','attachment')",
                (second.run_id,),
            )
        )
        assert not (set(outcomes) & {"new", "changed", "unchanged"}), outcomes
        assert list(st.documents(changed_since=first.run_id)) == []
        assert len(list(st.documents(changed_since=first.run_id - 1))) == first.total("new")
    truth_paths = {(t.host, path_of(u)) for u, t in web.world.truth().items()}
    for e in web.world.log:
        assert (e["host"], e["target"]) not in truth_paths or e["status"] == 304, e
    assert second.total("requests") < first.total("requests") / 4
    assert second.total("new") == second.total("changed") == 0


def test_revisit_uses_conditional_get(web, tmp_path):
    hosts = ["www.qingshan.gov.cn", "rsj.lincheng.gov.cn"]
    run_crawl(web.world, tmp_path, hosts=hosts)
    web.world.clear_log()
    again = run_crawl(
        web.world,
        tmp_path,
        hosts=hosts,
        options=fast_options(revisit_after=timedelta(0), full=True),
    )
    pages = [e for e in web.world.log if "/t20" in e["target"] or e["target"].endswith(".pdf")]
    assert pages and all(e["status"] == 304 for e in pages), Counter(e["status"] for e in pages)
    assert again.total("unchanged") == len(pages)


def test_clock_publishes_changes_moves_and_deletes(web, tmp_path):
    world = web.world
    first = run_crawl(world, tmp_path)
    before = set(world.truth())
    world.set_today(LATER)
    second = run_crawl(world, tmp_path)
    after = world.truth()
    with State.open(tmp_path / "state.sqlite") as st:
        assert set(report_pages(st)) == set(after)
        changed = {d.url: d for d in st.documents(changed_since=first.run_id)}
        new_urls = set(after) - before
        assert new_urls and new_urls <= set(changed)
        assert any("更正" in (changed[u].title or "") for u in new_urls)
        # the edited report: same URL, new bytes, and its re-uploaded attachment too
        edited = [u for u in set(after) & before if u in changed]
        assert len(edited) == 1
        assert any(a in changed for a in after[edited[0]].attachments)
        removed = {d.url: d for d in st.removed(since=first.run_id)}
        gone = before - set(after)
        assert gone and gone <= set(removed)
        statuses = Counter(removed[u].status for u in gone)
        assert statuses["moved"] == 2 and statuses["gone"] == 2
        for u in gone:
            if removed[u].status == "moved":
                assert removed[u].redirect_to in after
        http = {removed[u].error_kind for u in gone if removed[u].status == "gone"}
        assert http == {"http_404", "http_410"}
        # the first run's bodies are still readable: nothing harvested is lost
        for u in gone:
            assert st.read_body(st.document(u))
    assert second.total("moved") == 2 and second.total("gone") >= 2


def test_politeness_delay_per_host_in_a_crawl(tmp_path):
    with FakeWeb(build_world(faults=False)) as web:
        hosts = ["www.qingshan.gov.cn", "www.gucheng.gov.cn"]
        delay = 0.1  # long beside the scheduling jitter of a busy machine (tens of ms)
        result = run_crawl(web.world, tmp_path, delay=delay, hosts=hosts)
        for h in hosts:
            times = [e["t"] for e in web.world.requests(h)]
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            # Measured on arrival at the server, where a busy machine can delay one arrival and
            # so shorten the next gap: the rate over the whole run is the politeness property,
            # and no two requests may ever arrive as a burst.
            # Only the first and the last arrival bound the span, so it may lose one such delay.
            assert len(gaps) > 10 and min(gaps) >= delay / 2, (h, min(gaps))
            assert times[-1] - times[0] >= delay * len(gaps) - delay / 2, (h, times)
        # hosts run side by side: the run is not the sum of both hosts' floors
        floors = [len(web.world.requests(h)) * delay for h in hosts]
        assert result.seconds < sum(floors)


def test_sites_crawled_at_once_follow_the_open_files_limit():
    import resource

    import pytest

    from scraper.crawl import active_sites_limit

    assert active_sites_limit(5) == 5
    assert active_sites_limit(0) == 1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1024:
        pytest.skip("the hard limit on open files is below 1,024 here")
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
        assert active_sites_limit() == 256
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, hard))
        assert active_sites_limit() == 64  # never fewer than 64 sites
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_report_pages_keep_their_publisher_and_index_number(crawled):
    """The xxgk metadata table of a report page (发布机构, 索引号) is kept in the crawl state."""
    web, data, _ = crawled
    with State.open(data / "state.sqlite") as st:
        pages = list(report_pages(st).values())
    published = [d for d in pages if d.publisher]
    assert published, "no report page of the fake web gave its publisher"
    for doc in published:
        # the portal's own name, also for a township's report in the county portal's column
        assert doc.publisher == web.world.hosts[urlsplit(doc.url).hostname].agency
    numbered = [d for d in pages if d.index_no]
    assert numbered and all("/" in d.index_no for d in numbered)  # 006543210/2023-00042


def test_a_state_database_from_before_the_metadata_columns_gains_them(tmp_path):
    import sqlite3

    from scraper import state as state_module

    path = tmp_path / "state.sqlite"
    old = sqlite3.connect(path)
    before = state_module._SCHEMA  # the schema as it was: without the two columns
    for name, _kind in state_module._ADDED_COLUMNS["urls"]:
        before = "\n".join(line for line in before.splitlines() if f" {name} " not in line)
    before = before.replace("flags TEXT,\n);", "flags TEXT\n);")
    old.executescript(before)
    old.execute("INSERT INTO urls(key, url, kind) VALUES ('k', 'http://a.gov.cn/x.html', 'page')")
    assert "publisher" not in {row[1] for row in old.execute("PRAGMA table_info(urls)")}
    old.commit()
    old.close()
    with State.open(path) as st:
        columns = {row[1] for row in st.conn.execute("PRAGMA table_info(urls)")}
        assert {"publisher", "index_no"} <= columns
        st.update("k", publisher="某某局", index_no="0001/2024-00001")
        assert st.get("k")["publisher"] == "某某局"
