"""Fixtures for the crawler tests: the fake government web on 127.0.0.1 and fast options."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from fixtures.sites import FakeWeb, World, build_world
from scraper.client import ClientOptions
from scraper.crawl import CrawlOptions, CrawlResult, crawl
from scraper.registry import parse_registry

MAX_BODY = 1024 * 1024


def fast_options(**kw) -> CrawlOptions:
    """Short timeouts and backoff so fault hosts cost fractions of a second; no real DNS."""
    client = ClientOptions(
        connect_timeout=0.5,
        read_timeout=0.5,
        total_timeout=2.0,
        max_body=MAX_BODY,
        retries=2,
        backoff_base=0.05,
        max_retry_after=5,
        offline=True,
        user_agent="ogi-reports-test/1.0 (+https://example.org/ogi)",
    )
    return CrawlOptions(client=client, **kw)


def world_clock(world: World):
    """The crawler's clock follows the fake web's day (noon UTC)."""
    return lambda: datetime(world.today.year, world.today.month, world.today.day, 12, tzinfo=UTC)


def run_crawl(
    world: World, data_dir, *, delay: float = 0.0, hosts: list[str] | None = None, **kw
) -> CrawlResult:
    registry = parse_registry(world.registry_toml(delay=delay, hosts=hosts))
    opts = kw.pop("options", None) or fast_options(
        revisit_after=kw.pop("revisit_after", timedelta(days=30))
    )
    return crawl(
        registry,
        data_dir,
        resolve=world.resolve_entries(),
        clock=world_clock(world),
        options=opts,
        **kw,
    )


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    """A fresh fake web per test (its clock and fault counters start over)."""
    with FakeWeb(build_world()) as w:
        yield w


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Iterator[tuple[FakeWeb, object, CrawlResult]]:
    """One full crawl of the standard fake web, shared by the read-only assertions."""
    data = tmp_path_factory.mktemp("crawl")
    with FakeWeb(build_world()) as w:
        result = run_crawl(w.world, data)
        yield w, data, result
