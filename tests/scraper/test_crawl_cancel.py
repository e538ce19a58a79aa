"""A crawl cancelled mid-site (a time limit, Ctrl-C) leaves no "coroutine was never awaited"
warnings behind for the items that were still waiting for a slot."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import warnings
from types import SimpleNamespace

from scraper.crawl_site import SiteBase


def test_items_waiting_for_a_slot_are_closed_when_the_crawl_is_cancelled():
    started: list[int] = []

    async def item(n: int) -> None:
        started.append(n)
        await asyncio.sleep(10)

    async def crawl() -> None:
        owner = SimpleNamespace(site=SimpleNamespace(concurrency=1))
        task = asyncio.ensure_future(SiteBase._gather(owner, (item(n) for n in range(20))))  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(crawl())
        gc.collect()
    assert 0 < len(started) < 20  # some items ran, the rest were waiting when cancelled
    never_awaited = [w for w in caught if "never awaited" in str(w.message)]
    assert never_awaited == []
