"""An interrupt raised inside a task — not delivered by ``asyncio.run``'s own Ctrl-C handling —
still ends the run in order: every task is cancelled and runs its clean-up in a live loop, and
then the interrupt is raised."""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import Any

import pytest

from scraper.winddown import run_to_the_end


def nested_tasks(finished: list[str], interrupt: BaseException) -> Any:
    """A run shaped like a crawl: sites gathered with their exceptions returned, each site
    gathering its items; one item raises ``interrupt``; every clean-up awaits."""

    async def cleaned_up(name: str, body: Any) -> None:
        try:
            await body
        finally:
            await asyncio.sleep(0)
            finished.append(name)

    async def interrupted_item() -> None:
        await asyncio.sleep(0)
        raise interrupt

    async def site() -> None:
        await asyncio.gather(interrupted_item(), cleaned_up("item", asyncio.sleep(10)))

    async def main() -> None:
        await asyncio.gather(
            cleaned_up("site", site()),
            cleaned_up("other site", asyncio.sleep(10)),
            return_exceptions=True,
        )

    return cleaned_up("run", main())


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(3)], ids=type)
def test_an_interrupt_from_inside_a_task_lets_every_task_clean_up_then_is_raised(
    interrupt, monkeypatch
):
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    finished: list[str] = []
    with pytest.raises(type(interrupt)) as raised:
        run_to_the_end(nested_tasks(finished, interrupt))
    gc.collect()
    assert raised.value is interrupt
    assert sorted(finished) == ["item", "other site", "run", "site"]
    assert unraisable == []


def test_a_run_that_ends_normally_returns_its_result():
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert run_to_the_end(answer()) == 42
