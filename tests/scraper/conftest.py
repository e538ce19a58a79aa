"""Fixtures for the crawler tests: the fake government web on 127.0.0.1 and fast options."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from fixtures.harvest import fast_options
from fixtures.sites import FakeWeb, World, build_world
from scraper.crawl import CrawlResult, crawl
from scraper.registry import parse_registry

MAX_BODY = 1024 * 1024  # the cap of fast_options (fixtures.harvest)


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
