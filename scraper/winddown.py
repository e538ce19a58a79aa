"""Running a coroutine to its end on a fresh event loop, even when it is interrupted from inside.

``asyncio.run`` cancels the tasks its coroutine leaves behind, but a ``KeyboardInterrupt`` or
``SystemExit`` raised *inside* a task (Ctrl-C pressed a second time, a signal handler that calls
``sys.exit``, an interrupt that lands while the state database commits) escapes the event loop
at once — and escapes it again from each task it propagates through while they are being
cancelled. ``asyncio.run`` then closes its loop with tasks still pending. Those are closed later,
when they are collected, without a loop: their clean-up cannot await (connections stay open, a
site's hosts are not given back) and whatever it raises is only reported as unraisable.

:func:`run_to_the_end` cancels what is left and keeps running the loop until every task has
finished, however often the interrupt comes back out of one of them; then it raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_to_the_end(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, except that no task is left pending when an exception ends it."""
    with asyncio.Runner() as runner:
        try:
            return runner.run(main)
        except BaseException:
            finish_every_task(runner.get_loop())
            raise


def finish_every_task(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks left on ``loop`` and run it until all of them have finished.

    An interrupt that comes out of the loop because a task ended with it is the one already
    being handled, passing up through the tasks as they unwind: the winding down goes on. Any
    other (raised between tasks) stops it."""
    while pending := asyncio.all_tasks(loop):
        for task in pending:
            task.cancel()
        try:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        except (KeyboardInterrupt, SystemExit) as again:
            if not any(_ended_with(task, again) for task in pending):
                raise


def _ended_with(task: asyncio.Task[Any], error: BaseException) -> bool:
    return task.done() and not task.cancelled() and task.exception() is error
