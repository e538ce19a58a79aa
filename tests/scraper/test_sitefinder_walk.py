"""Site discovery against the fake government web on 127.0.0.1, from home pages only: every
report column found with the right agency, level and parent; a crawl of what it found fetches
what a crawl of the hand-written registry fetches; and it stays polite — no page beyond the
budget, nothing robots.txt forbids, no host outside the start page's domain, no news archive,
search or calendar."""

from __future__ import annotations

import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from protego import Protego

from fixtures.sites import FakeWeb, build_world
from fixtures.sites.portal_pages import TRAP_PREFIXES
from fixtures.sites.portal_tree import HUAXI, MHK, OUTSIDE
from fixtures.sites.portals import expected_sites, homepages, undiscoverable
from scraper.network import registrable_domain
from scraper.registry import parse_registry
from scraper.sitefinder import FinderOptions, discover, registry_text
from scraper.sitefinder.columns import column_key
from scraper.state import State

from .conftest import fast_options, world_clock


def finder(**kw) -> FinderOptions:
    kw.setdefault("delay", 0.0)
    return FinderOptions(client=fast_options().client, **kw)


def found_set(result) -> set[tuple]:
    return {
        (column_key(c.url), s.agency, s.level, s.parent) for s in result.sites for c in s.columns
    }


def expected_set(world) -> set[tuple]:
    return {
        (column_key(c), e["agency"], e["level"], e.get("parent"))
        for e in expected_sites(world)
        for c in e["columns"]
    }


@pytest.fixture(scope="module")
def discovered():
    """One discovery from every home page of the portal world (every CMS family)."""
    world = build_world(cms=True, portals=True, faults=False)
    with FakeWeb(world) as web:
        result = discover(homepages(world), options=finder(), resolve=world.resolve_entries())
        yield web, result


def test_finds_every_column_from_home_pages_with_names_levels_and_parents(discovered):
    web, result = discovered
    assert found_set(result) == expected_set(web.world)
    by_agency = {s.agency: s for s in result.sites}
    dongling = by_agency["华溪县东岭乡人民政府"]
    assert (dongling.level, dongling.parent) == ("township", "华溪县人民政府")
    assert by_agency["华溪县教育局"].level == "department"
    # the places table gives codes where the names are real places, and only there
    assert by_agency["梅河口市进化镇人民政府"].division_code == "220581108"
    assert by_agency["梅河口市教育局"].division_code == "220581"
    assert dongling.division_code is None
    # a gkmlpt category named only by the portal's own link keeps its number
    assert any(c.url.endswith("/gkmlpt/index#2571") for c in by_agency["东江县人民政府"].columns)


def test_says_why_each_column_was_accepted(discovered):
    _, result = discovered
    by_agency = {s.agency: s for s in result.sites}
    (empty,) = by_agency["华溪县医疗保障局"].columns  # a new column with nothing in it yet
    assert empty.evidence == "label" and empty.titles == 0
    (county,) = by_agency["华溪县人民政府"].columns
    assert county.evidence == "titles" and county.titles >= 1 and county.newest == 2023
    text = registry_text(result.sites, result.notes)
    assert "empty column, accepted because its label names the annual report" in text
    assert f"# 华溪县人民政府: {county.titles} report titles, newest 2023" in text


def test_reports_what_it_cannot_follow_and_guesses_nothing(discovered):
    web, result = discovered
    notes = {(n.kind, n.url) for n in result.notes}
    for url in undiscoverable(web.world):  # navigation only JavaScript builds
        assert ("needs_js", url) in notes
    jinxiu = next(s for s in result.starts if s.url in undiscoverable(web.world))
    assert jinxiu.status == "needs_js"
    assert not any("jinxiu" in c.url for c in result.columns)
    external = {n.agency for n in result.notes if n.kind == "external"}
    assert external == {"华溪县交通运输局"}
    (shared,) = [n for n in result.notes if n.kind == "no_column"]
    assert shared.agency == "华溪县统计局" and "华溪县人民政府's column" in shared.detail
    assert result.exit_code == 1  # one start page led to no column


def test_polite_no_host_outside_the_domain_nothing_forbidden_no_endless_section(discovered):
    web, result = discovered
    world = web.world
    starts = {registrable_domain(urlsplit(u).hostname) for u in homepages(world)}
    log = world.requests()
    assert {e["host"] for e in log}.isdisjoint(OUTSIDE)
    assert all(registrable_domain(e["host"]) in starts for e in log)
    for e in log:
        path = urlsplit(e["target"]).path
        assert not path.startswith(TRAP_PREFIXES), e
        robots = world.hosts[e["host"]].robots
        if robots and path != "/robots.txt":
            assert Protego.parse(robots).can_fetch(f"http://{e['host']}{e['target']}", "ogi"), e
    pages = Counter(e["host"] for e in log if e["target"] != "/robots.txt")
    assert max(pages.values()) <= result.budget
    assert result.pages == sum(pages.values())
    assert result.requests / len(result.columns) <= 10


def test_a_crawl_of_the_discovered_registry_fetches_the_hand_written_registrys_reports(
    discovered, tmp_path
):
    web, result = discovered
    world = web.world
    hand = parse_registry(world.registry_toml())
    wanted = {column_key(c) for e in expected_sites(world) for c in e["columns"]}
    hand_sites = [s.key for s in hand if any(column_key(c) in wanted for c in s.columns)]
    ours = parse_registry(registry_text(result.sites))

    def reports(registry, data, only) -> set[str]:
        from scraper.crawl import crawl

        crawl(registry, data, resolve=world.resolve_entries(), clock=world_clock(world),
              options=fast_options(delay=0.0), sites=only)  # fmt: skip
        with State.open(data / "state.sqlite") as st:
            return {d.url for d in st.documents(kind="page", reports_only=True)}

    got = reports(ours, tmp_path / "ours", None)
    want = reports(hand, tmp_path / "hand", hand_sites)
    assert got == want and len(got) > 100


def test_the_page_budget_is_never_exceeded(tmp_path):
    world = build_world(portals=True, faults=False)
    with FakeWeb(world) as web:
        start = web.world.base(HUAXI) + "/"
        result = discover([start], options=finder(budget=6), resolve=world.resolve_entries())
        pages = Counter(e["host"] for e in world.requests() if e["target"] != "/robots.txt")
    assert pages[HUAXI] == 6
    assert any(n.kind == "budget" for n in result.notes)
    assert "page budget 6 per host" in result.summary()


def test_one_request_at_a_time_per_host_and_hosts_side_by_side():
    world = build_world(portals=True, faults=False)
    sent: dict[str, list[float]] = {}

    def on_request(host: str, url: str) -> None:  # as each request leaves the client
        sent.setdefault(host, []).append(time.monotonic())

    with FakeWeb(world) as web:
        starts = [web.world.base(HUAXI) + "/", web.world.base(MHK) + "/"]
        opts = finder(delay=0.06, on_request=on_request)
        result = discover(starts, options=opts, resolve=world.resolve_entries())
    for host in (HUAXI, MHK):
        times = sent[host]
        assert len(times) == result.host_requests[host] > 10
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 0.06 - 0.002, host  # the event loop's clock resolution
    # the two portals were walked side by side, not one after the other
    assert max(sent[HUAXI][0], sent[MHK][0]) < min(sent[HUAXI][-1], sent[MHK][-1])


def test_a_second_run_asks_with_conditional_gets(tmp_path):
    world = build_world(portals=True, faults=False)
    with FakeWeb(world) as web:
        start = [web.world.base(MHK) + "/"]
        opts = finder(cache=tmp_path / "cache.sqlite")
        first = discover(start, options=opts, resolve=world.resolve_entries())
        world.clear_log()
        second = discover(
            start, options=finder(cache=tmp_path / "cache.sqlite"), resolve=world.resolve_entries()
        )
        statuses = Counter(e["status"] for e in world.requests(MHK) if e["target"] != "/robots.txt")
    assert found_set(first) == found_set(second)
    assert statuses[304] >= len(second.columns) and statuses[200] == 0


def test_fault_hosts_are_reported_never_worked_around():
    world = build_world(portals=True, faults=True)
    faulty = ("antibot", "robotsdeny", "jsshell", "movedhome", "migrated", "reset")
    with FakeWeb(world) as web:
        starts = [web.world.base(f"www.{f}.gov.cn") + "/" for f in faulty]
        result = discover(starts, options=finder(), resolve=world.resolve_entries())
        log = world.requests()
    status = {urlsplit(s.url).hostname.split(".")[1]: s for s in result.starts}
    assert status["antibot"].status == "blocked"
    assert status["reset"].status == "failed"
    notes = {(urlsplit(n.url).hostname.split(".")[1], n.kind) for n in result.notes}
    assert ("robotsdeny", "disallowed") in notes
    assert not [
        e for e in log if e["host"] == "www.robotsdeny.gov.cn" and e["target"].startswith("/zwgk/")
    ]
    assert ("jsshell", "needs_js") in notes  # its column is a JavaScript shell
    assert ("movedhome", "dead") in notes  # the column redirects to the home page
    assert ("migrated", "moved") in notes  # the column moved to another domain
    assert not [e for e in log if e["host"] == "www.newplace.gov.cn"]
    assert result.columns == [] and result.exit_code == 3
