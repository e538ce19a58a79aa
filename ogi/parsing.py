"""The parse stage of the harvest: archived documents → records, on all cores, in bounded memory.

Kept apart from :mod:`ogi.harvest` so that worker processes import only what parsing needs
(the parsers and the WARC reader), not pandas and the writers.

How it stays safe on a night nobody watches:

- the parent never holds document bodies: a :class:`Job` names a WARC record, and the worker
  reads the bytes itself; at most ``2 × workers`` small batches of jobs are in flight, and
  results stream back;
- a document that takes longer than ``timeout`` seconds is stopped (``SIGALRM`` in the worker)
  and recorded for a retry, instead of holding the night hostage;
- a worker that dies (segfault in a C library, out of memory) breaks the pool; the jobs that
  were in flight are then re-run one at a time in a fresh pool, so only the document that
  really kills a worker is recorded as a crash;
- workers start with ``forkserver`` (``spawn`` where that does not exist), never ``fork``:
  a forked child would inherit the data folder's lock and could outlive a killed parent
  holding it;
- workers are replaced every few hundred documents (``max_tasks_per_child``), so a slow leak
  in a third-party library cannot grow all night;
- workers watch the harvest's process and exit when it dies, so a ``kill -9`` of the harvest
  leaves no idle workers (and no fork server) behind.
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
from dataclasses import dataclass
from itertools import islice

import parsers
from parsers.model import ParseError, Report
from scraper.archive import read_response

log = logging.getLogger(__name__)

NOT_REPORT = "not_report"
"""Outcome: the document is not a report (a notice page, an empty file): nothing to retry."""
FAILED = "failed"
"""Outcome: the parser could not read it; tried again only after the parser changes."""
RETRY = "retry"
"""Outcome: stopped by something that may pass (timeout, crash, memory): tried again next run."""

NOT_REPORT_REASONS = {"not_a_report", "empty"}


@dataclass(frozen=True)
class Job:
    """One archived document to parse: where its bytes are, and what to record with it."""

    key: str
    url: str
    sha256: str
    warc_file: str
    warc_offset: int
    content_type: str | None = None
    kind: str = "page"
    site: str | None = None
    agency: str | None = None
    title: str | None = None
    fetched_at: str | None = None
    warc_record_id: str | None = None
    publisher: str | None = None
    index_no: str | None = None


@dataclass
class JobResult:
    job: Job
    report: Report | None = None
    outcome: str = "parsed"  # parsed | not_report | failed | retry
    reason: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None


class DocumentTimeout(BaseException):
    """Raised inside a parse that ran too long. A BaseException, so that the parser's own
    ``except Exception`` guard (which turns bugs into ParseError) does not swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread on POSIX only; elsewhere no limit)."""
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def on_alarm(signum, frame):  # pragma: no cover - timing dependent
        raise DocumentTimeout(f"parse took longer than {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parse_job(archive_dir: str, job: Job, timeout: float | None = None) -> JobResult:
    """Read one document's bytes from the archive and parse it. Never raises."""
    try:
        body = read_response(archive_dir, job.warc_file, job.warc_offset).body
    except (OSError, ValueError, EOFError) as exc:
        return JobResult(job, outcome=RETRY, reason="archive_unreadable", error=str(exc))
    try:
        with time_limit(timeout):
            report = parsers.parse(body, source=job.url, content_type=job.content_type)
    except ParseError as exc:
        outcome = NOT_REPORT if exc.reason in NOT_REPORT_REASONS else FAILED
        return JobResult(job, outcome=outcome, reason=exc.reason, error=str(exc))
    except DocumentTimeout as exc:
        return JobResult(job, outcome=RETRY, reason="timeout", error=str(exc))
    except MemoryError:
        return JobResult(job, outcome=RETRY, reason="memory", error="out of memory")
    except Exception as exc:  # parse() guards its stages; this is the last line of defence
        return JobResult(job, outcome=RETRY, reason="crash", error=f"{type(exc).__name__}: {exc}")
    return JobResult(job, report=report)


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # the server imports the main script (as every worker would otherwise do, e.g. the
        # whole command line for the `ogi` script) and the parsers once; workers fork warm
        ctx.set_forkserver_preload(["__main__", "ogi.parsing"])
        return ctx
    return multiprocessing.get_context("spawn")


def run_jobs(
    jobs: Iterable[Job],
    archive_dir: str,
    *,
    workers: int = 1,
    timeout: float | None = None,
    max_tasks_per_child: int = 64,
    parse: Callable[[str, Job, float | None], JobResult] = parse_job,
) -> Iterator[JobResult]:
    """Parse ``jobs`` and yield their results (in completion order).

    ``workers`` ≤ 1 parses in this process; otherwise a process pool of that size is used.
    ``parse`` is the per-document function (a module-level one, so workers can import it).
    """
    pool = _Pool(archive_dir, workers, timeout, max_tasks_per_child, parse) if workers > 1 else None
    if pool is not None and not pool.usable():
        log.warning(
            "no worker processes could be started (a script calling the harvest needs the "
            '`if __name__ == "__main__":` guard); parsing in this process',
            extra={"event": "pool_unavailable"},
        )
        pool = None
    if pool is None:
        for job in jobs:
            yield parse(archive_dir, job, timeout)
        return
    yield from pool.run(iter(jobs))


def _probe() -> int:
    return 1


CHUNK = 8
"""Documents sent to a worker at once: one round trip per document would cost as much as
parsing a small page."""


def _parse_chunk(
    parse: Callable[[str, Job, float | None], JobResult],
    archive_dir: str,
    jobs: list[Job],
    timeout: float | None,
) -> list[JobResult]:
    return [parse(archive_dir, job, timeout) for job in jobs]


def _watch_parent(pid: int) -> None:
    """Worker initializer: exit as soon as the harvest that started the pool dies.

    A harvest killed with ``kill -9`` cannot shut its pool down, and its workers would wait for
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
    def __init__(self, archive_dir: str, workers: int, timeout, max_tasks: int, parse) -> None:
        self.parse = parse
        self.archive_dir = archive_dir
        self.workers = workers
        self.timeout = timeout
        self.max_tasks = max_tasks
        self.executor: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        self.executor = ProcessPoolExecutor(
            self.workers,
            mp_context=_context(),
            max_tasks_per_child=self.max_tasks,
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        return self.executor

    def usable(self) -> bool:
        """Start the pool and check that a worker answers (it cannot when, e.g., the main
        script re-runs itself in the worker without a ``__main__`` guard)."""
        try:
            return self._start().submit(_probe).result(timeout=120) == 1
        except Exception:  # BrokenProcessPool, RuntimeError, TimeoutError
            self._stop()
            return False

    def _stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def run(self, jobs: Iterator[Job]) -> Iterator[JobResult]:
        window = 2 * self.workers
        inflight: dict[Future, list[Job]] = {}
        pool = self.executor or self._start()
        try:
            exhausted = False
            while True:
                while not exhausted and len(inflight) < window:
                    chunk = list(islice(jobs, CHUNK))
                    if not chunk:
                        exhausted = True
                        break
                    future = pool.submit(
                        _parse_chunk, self.parse, self.archive_dir, chunk, self.timeout
                    )
                    inflight[future] = chunk
                if not inflight:
                    return
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                broken: list[Job] = []
                for fut in done:
                    chunk = inflight.pop(fut)
                    try:
                        results = fut.result()
                    except BrokenProcessPool:
                        broken.extend(chunk)
                        continue
                    yield from results
                if broken:
                    # every job still in flight died with the pool: find the one that killed it
                    suspects = broken + [job for chunk in inflight.values() for job in chunk]
                    inflight.clear()
                    log.warning(
                        "a parse worker died; re-running %d document(s) one at a time",
                        len(suspects),
                        extra={"event": "worker_died"},
                    )
                    self._stop()
                    yield from self._isolate(suspects)
                    pool = self._start()
        finally:
            self._stop()

    def _isolate(self, suspects: list[Job]) -> Iterator[JobResult]:
        for job in suspects:
            pool = self._start()
            try:
                result = pool.submit(self.parse, self.archive_dir, job, self.timeout).result()
            except BrokenProcessPool:
                log.error("document %s kills the parser process", job.url)
                result = JobResult(
                    job, outcome=RETRY, reason="crash", error="the parser process died"
                )
            finally:
                self._stop()
            yield result
