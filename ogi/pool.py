"""A process pool for parsing: many small tasks on every core, safe on a night nobody watches.

Both the harvest's parse stage (archived documents, :mod:`ogi.parsing`) and the parsing of
files on disk (:mod:`ogi.documents`) run through :func:`pool_map`. What it guarantees:

- bounded memory: items are sent in small chunks, at most ``2 × workers`` chunks are in flight
  (results waiting for an earlier, slower chunk count too), and results stream back;
- input order when asked (``ordered=True``), otherwise completion order;
- a worker that dies (segfault in a C library, out of memory) breaks the pool; the items that
  were in flight are then re-run one at a time in a fresh pool, so only the item that really
  kills a worker gets the ``on_crash`` result;
- workers start with ``forkserver`` (``spawn`` where that does not exist), never ``fork``:
  a forked child would inherit the parent's locks (a harvest's data-folder lock) and could
  outlive a killed parent holding them (the fork server :func:`start_server` starts ahead is
  a fork of a process that holds nothing yet, and keeps none of its descriptors);
- workers are replaced every few hundred tasks (``max_tasks_per_child``), so a slow leak in a
  third-party library cannot grow all night;
- workers watch the parent and exit when it dies, so a ``kill -9`` of the parent leaves no
  idle workers (and no fork server) behind.

The per-item function does its own time limit (:func:`time_limit`, in the worker's main thread)
and must not raise: it turns every failure into a result.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TypeVar, cast

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 8
"""Items sent to a worker at once: one round trip per document would cost as much as parsing a
small page."""


class DocumentTimeout(BaseException):
    """Raised inside a parse that ran too long. A BaseException, so that the parser's own
    ``except Exception`` guard (which turns bugs into ParseError) does not swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float | None, *, cpu: bool = False) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread on POSIX only; elsewhere no limit).

    The harvest limits wall time (a document must not hold the night). With ``cpu=True`` the
    clock is the process's CPU time instead: a bound on work done, which a busy machine cannot
    trip — what a test of "bounded time on hostile input" means.
    """
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    timer, signum = (
        (signal.ITIMER_PROF, signal.SIGPROF) if cpu else (signal.ITIMER_REAL, signal.SIGALRM)
    )
    unit = " CPU seconds" if cpu else "s"

    def on_alarm(signum, frame):  # pragma: no cover - timing dependent
        raise DocumentTimeout(f"parse took longer than {seconds:g}{unit}")

    previous = signal.signal(signum, on_alarm)
    signal.setitimer(timer, seconds)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(signum, previous)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def pool_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    on_crash: Callable[[T], R],
    ordered: bool = False,
    chunk: int = CHUNK,
    max_tasks_per_child: int = 64,
    work_while_starting: bool = False,
    preload: tuple[str, ...] = (),
) -> Iterator[R]:
    """``func(item)`` for every item, on ``workers`` processes; results are yielded as they come
    (``ordered=False``) or in the order of ``items``.

    ``func`` must be importable by the workers (a module-level function, or a
    :func:`functools.partial` of one) and must not raise. ``on_crash(item)`` (run in this
    process) gives the result of an item whose worker died. ``workers`` ≤ 1, or a pool that
    cannot start (a script without the ``if __name__ == "__main__":`` guard), runs every item
    in this process. ``work_while_starting``: this process works through the first items
    while the workers start (a fork server importing the parsers takes most of a second),
    instead of waiting — for callers that may run an item here, where a crash is not
    isolated. ``preload``: modules the fork server imports once for every worker (beside the
    main script and ``func``'s own module), e.g. ``parsers.warm`` to load the parsers and the
    place table before the first item rather than in each worker.
    """
    items = iter(items)
    pool = (
        _Pool(func, on_crash, workers, chunk, max_tasks_per_child, _preload(func, preload))
        if workers > 1
        else None
    )
    if pool is not None:
        # with the fork server already on its way (start_server), the workers are ready before
        # this process could have imported the parsers for an item of its own
        if work_while_starting and not _server_started:
            starting = threading.Thread(target=pool.usable, name="ogi-pool-start", daemon=True)
            starting.start()
            handed_over = False  # the workers take the rest
            try:
                while starting.is_alive():
                    item = next(items, _END)
                    if item is _END:
                        return
                    yield func(cast(T, item))
                handed_over = True
            finally:
                if not handed_over:  # every item done here, or the caller stopped early
                    starting.join()
                    pool.stop()
            starting.join()
        elif not pool.usable():
            pool.stop()
        if not pool.ready:
            log.warning(
                "no worker processes could be started (a script that parses on several cores "
                'needs the `if __name__ == "__main__":` guard); parsing in this process',
                extra={"event": "pool_unavailable"},
            )
            pool = None
    if pool is None:
        for item in items:
            yield func(item)
        return
    yield from pool.run(items, ordered)


_END = object()


def _preload(func: Callable, extra: tuple[str, ...]) -> list[str]:
    """What the fork server imports for workers running ``func`` (see :func:`_modules`)."""
    target = getattr(func, "func", func)  # a functools.partial: the function it wraps
    return _modules(getattr(target, "__module__", None), extra)


def _modules(func_module: str | None, extra: tuple[str, ...]) -> list[str]:
    """The main script (as every worker would otherwise import it), the module of the
    function the workers run, and what the caller names."""
    own = [func_module] if func_module and func_module != "__main__" else []
    return ["__main__", *own, *extra]


def _context(preload: list[str]):
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # the server imports these once (a process has one fork server, started by its first
        # pool: later pools find their modules imported by the workers themselves), and the
        # workers fork warm from it; only what the workers need, as its start-up is on the
        # way of their first item
        ctx.set_forkserver_preload(preload)
        return ctx
    return multiprocessing.get_context("spawn")


_server_started = False


def start_server(func_module: str, preload: tuple[str, ...] = ()) -> None:
    """Start the fork server the workers of a coming :func:`pool_map` will fork from, now,
    without waiting for it: it imports what the workers need (about a quarter of a second)
    while this process goes on with its own start-up. ``func_module`` and ``preload`` as the
    pool will have them. Where there is no fork server (spawn), nothing to do.

    Called while this process is young (one thread, the standard library imported), the
    server and the resource tracker are forks of it rather than new interpreters
    (:mod:`ogi.forkstart`), which saves their start-up on the way of the first report."""
    global _server_started
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    from ogi.forkstart import helpers_forked

    _context(_modules(func_module, preload))
    with helpers_forked():  # (a fork of this young process: no new interpreter to start)
        forkserver.ensure_running()
    _server_started = True


def _probe() -> int:
    return 1


def _run_chunk(func: Callable[[T], R], items: list[T]) -> list[R]:
    return [func(item) for item in items]


def _watch_parent(pid: int) -> None:
    """Worker initializer: exit as soon as the process that started the pool dies.

    A parent killed with ``kill -9`` cannot shut its pool down, and its workers would wait for
    work forever (they hold their own task queue open), keeping the fork server alive too.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)  # Linux ≥ 5.3: readable once the process has ended
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
            os._exit(0)
        while True:  # elsewhere: poll
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="ogi-parent-watch", daemon=True).start()


class _Pool:
    def __init__(
        self, func, on_crash, workers: int, chunk: int, max_tasks: int, preload: list[str]
    ) -> None:
        self.func = func
        self.preload = preload
        self.on_crash = on_crash
        self.workers = workers
        self.chunk = max(1, chunk)
        self.max_tasks = max_tasks
        self.executor: ProcessPoolExecutor | None = None
        self.ready = False  # a worker answered

    def _start(self) -> ProcessPoolExecutor:
        self.executor = ProcessPoolExecutor(
            self.workers,
            mp_context=_context(self.preload),
            max_tasks_per_child=self.max_tasks,
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        return self.executor

    def usable(self) -> bool:
        """Start the pool and check that a worker answers (it cannot when, e.g., the main
        script re-runs itself in the worker without a ``__main__`` guard)."""
        try:
            self.ready = self._start().submit(_probe).result(timeout=120) == 1
        except Exception:  # BrokenProcessPool, RuntimeError, TimeoutError
            self._stop()
            self.ready = False
        return self.ready

    def stop(self) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def run(self, items: Iterator, ordered: bool) -> Iterator:
        window = 2 * self.workers
        inflight: dict[Future, tuple[int, list]] = {}
        finished: dict[int, list] = {}  # ordered: results waiting for an earlier chunk
        submitted = emitted = 0  # chunk sequence numbers
        pool = self.executor or self._start()
        try:
            exhausted = False
            while True:
                while (
                    not exhausted and (submitted - emitted if ordered else len(inflight)) < window
                ):
                    chunk = list(islice(items, self.chunk))
                    if not chunk:
                        exhausted = True
                        break
                    inflight[pool.submit(_run_chunk, self.func, chunk)] = (submitted, chunk)
                    submitted += 1
                if not inflight:
                    return
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                broken: list[tuple[int, list]] = []
                for fut in done:
                    seq, chunk = inflight.pop(fut)
                    try:
                        finished[seq] = fut.result()
                    except BrokenProcessPool:
                        broken.append((seq, chunk))
                if broken:
                    # every chunk still in flight died with the pool: find the item that killed it
                    suspects = sorted(broken + list(inflight.values()), key=lambda s: s[0])
                    inflight.clear()
                    log.warning(
                        "a parse worker died; re-running %d document(s) one at a time",
                        sum(len(chunk) for _, chunk in suspects),
                        extra={"event": "worker_died"},
                    )
                    self._stop()
                    for seq, chunk in suspects:
                        finished[seq] = [self._isolated(item) for item in chunk]
                    pool = self._start()
                if ordered:
                    while emitted in finished:
                        yield from finished.pop(emitted)
                        emitted += 1
                else:
                    for seq in sorted(finished):
                        yield from finished.pop(seq)
                        emitted += 1
        finally:
            self._stop()

    def _isolated(self, item):
        pool = self._start()
        try:
            return pool.submit(self.func, item).result()
        except BrokenProcessPool:
            log.error("an item kills the parser process; recorded as a crash")
            return self.on_crash(item)
        finally:
            self._stop()
