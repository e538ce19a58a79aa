"""The parse stage of the harvest: archived documents → records, on all cores, in bounded memory.

Kept apart from :mod:`ogi.harvest` so that worker processes import only what parsing needs
(the parsers and the WARC reader), not pandas and the writers. The pool itself (chunks, crash
isolation, forkserver workers that die with the harvest) is :mod:`ogi.pool`; here:

- the parent never holds document bodies: a :class:`Job` names a WARC record, and the worker
  reads the bytes itself;
- a document that takes longer than ``timeout`` seconds is stopped (``SIGALRM`` in the worker)
  and recorded for a retry, instead of holding the night hostage;
- a document that kills its worker is recorded as a crash, to be retried on a later run.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import parsers
from ogi.pool import DocumentTimeout, pool_map, time_limit
from parsers.model import ParseError, Report
from parsers.provenance import pack
from scraper.archive import read_response

log = logging.getLogger(__name__)

NOT_REPORT = "not_report"
"""Outcome: the document is not a report (a notice page, an empty file): nothing to retry."""
FAILED = "failed"
"""Outcome: the parser could not read it; tried again only after the parser changes."""
RETRY = "retry"
"""Outcome: stopped by something that may pass (timeout, crash, memory): tried again next run."""

NOT_REPORT_REASONS = {"not_a_report", "empty"}

__all__ = [
    "FAILED",
    "NOT_REPORT",
    "RETRY",
    "DocumentTimeout",
    "Job",
    "JobResult",
    "parse_job",
    "run_jobs",
    "time_limit",
]


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
    return JobResult(job, report=pack(report))


class ParseJob(Protocol):
    """What parses one job: :func:`parse_job`, or a stand-in with its signature (tests)."""

    def __call__(self, archive_dir: str, job: Job, timeout: float | None = None) -> JobResult: ...


def run_jobs(
    jobs: Iterable[Job],
    archive_dir: str,
    *,
    workers: int = 1,
    timeout: float | None = None,
    max_tasks_per_child: int = 64,
    parse: ParseJob = parse_job,
) -> Iterator[JobResult]:
    """Parse ``jobs`` and yield their results (in completion order).

    ``workers`` ≤ 1 parses in this process; otherwise a process pool of that size is used.
    ``parse`` is the per-document function (a module-level one, so workers can import it).
    """
    yield from pool_map(
        functools.partial(parse, archive_dir, timeout=timeout),
        jobs,
        workers=workers,
        on_crash=_crashed,
        max_tasks_per_child=max_tasks_per_child,
        preload=("parsers.warm",),
    )


def _crashed(job: Job) -> JobResult:
    return JobResult(job, outcome=RETRY, reason="crash", error="the parser process died")
