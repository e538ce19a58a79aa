"""A crawl interrupted from inside — a ``KeyboardInterrupt`` raised in one of its tasks (Ctrl-C
pressed a second time, or landing while the state database commits), not delivered by the event
loop's own Ctrl-C handling — ends in order: the interrupt is raised once every site has given
back its hosts and every connection is closed, and nothing is left to be closed later without a
loop (which Python could only report as unraisable, or as a coroutine never awaited). And a
site's crawl that is closed all the same (by a caller running its own loop and abandoning it)
gives its hosts back without awaiting anything."""

from __future__ import annotations

import asyncio
import gc
import sys
import warnings
from types import SimpleNamespace
from typing import Any

import pytest

import scraper.crawl
from fixtures.sites import FakeWeb, build_world
from scraper.client import Client
from scraper.crawl import _SiteCrawl
from scraper.network import parse_resolve
from scraper.registry import parse_registry

from .conftest import fast_options, run_crawl


@pytest.fixture(scope="module")
def web():
    with FakeWeb(build_world(faults=False, extra_hosts=2, reports_per_host=6)) as w:
        yield w


@pytest.mark.parametrize("answers", [2, 5, 12, 20, 35])
def test_interrupted_after_some_answers_it_closes_everything_and_raises(
    web, tmp_path, monkeypatch, answers
):
    clients: list[Client] = []

    class RecordingClient(Client):
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            clients.append(self)

    monkeypatch.setattr(scraper.crawl, "Client", RecordingClient)
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    seen = 0

    def interrupt_at_an_answer(site: str, event: str, info: dict) -> None:
        nonlocal seen
        if event == "request":
            seen += 1
            if seen == answers:
                raise KeyboardInterrupt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the WARC writer (warcio) leaves a spooled buffer to the collector on every record
        warnings.filterwarnings(
            "ignore", "Unclosed file <tempfile.SpooledTemporaryFile", ResourceWarning
        )
        with pytest.raises(KeyboardInterrupt):
            run_crawl(web.world, tmp_path, progress=interrupt_at_an_answer)
        gc.collect()

    assert [(u.exc_type, u.exc_value, u.object) for u in unraisable] == []
    [client] = clients
    registry = parse_registry(web.world.registry_toml())
    hosts = {h for site in registry.enabled() for h in site.hosts}
    assert {h: client.host_users(h) for h in hosts if client.host_users(h)} == {}
    assert {h for h in hosts if client.host_connected(h)} == set()


class _Forever:
    def __await__(self):
        yield  # suspends whatever awaits it, for good


def test_a_site_crawl_closed_rather_than_cancelled_gives_its_hosts_back_without_awaiting(web):
    site = parse_registry(web.world.registry_toml()).enabled()[0]
    client = Client(fast_options().client, resolve=parse_resolve(web.world.resolve_entries()))
    loop = asyncio.new_event_loop()

    async def open_connections() -> None:
        await client.__aenter__()
        for host in site.hosts:
            client.configure_host(host, delay=0, concurrency=1)
        answer = await client.fetch(site.columns[0])
        assert answer.status == 200

    async def crawling_for_good() -> None:
        await _Forever()

    try:
        loop.run_until_complete(open_connections())
        assert all(client.host_users(h) == 1 and client.host_connected(h) for h in site.hosts)
        crawl = _SiteCrawl.run(SimpleNamespace(site=site, client=client, _run=crawling_for_good))  # type: ignore[arg-type]
        crawl.send(None)  # outside any running loop, as a crawl abandoned by its loop is
        crawl.close()  # what collecting it does: GeneratorExit where it waits
        assert [client.host_users(h) for h in site.hosts] == [0] * len(site.hosts)
    finally:
        loop.run_until_complete(client.__aexit__(None, None, None))
        loop.close()
