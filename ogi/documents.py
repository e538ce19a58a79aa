"""Documents on disk: walk files and folders, parse each (on every core), never let one bad
file stop the rest."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from ogi.pool import DocumentTimeout, cores, pool_map, start_server, time_limit

if TYPE_CHECKING:
    from parsers.model import Report

# The parsers are imported by the first parse, not with this module: a command that parses on
# a pool of workers starts them first, and its own process need not load the parsers (a
# quarter of a second) before the workers are on their way.

# Files a folder walk skips: hidden files, our own outputs, editor leftovers.
_SKIP_SUFFIXES = {".json", ".jsonl", ".tsv", ".csv", ".parquet", ".xlsx", ".sqlite", ".db", ".gz"}


@dataclass
class Parsed:
    """One document's outcome: a report (or its record as a line of JSON, when that was asked
    for instead), or the error that stopped it."""

    path: Path
    report: Report | None = None
    error: str | None = None
    reason: str | None = None
    record_json: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None or self.record_json is not None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and every file under named folders (recursively, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _skipped(child, path):
                    yield child
        else:
            yield path


def _skipped(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return any(p.startswith(".") for p in parts) or path.suffix.lower() in _SKIP_SUFFIXES


POOL_MIN_FILES = 32
"""With ``workers`` left to choose, a process pool is used from this many files: below it,
starting the pool (about a second) costs more than it saves."""


def parse_files(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    timeout: float | None = None,
    as_json: bool = False,
) -> Iterator[Parsed]:
    """Parse every file under ``paths`` and yield one :class:`Parsed` per file, in the order
    of :func:`iter_files` (never raises for a bad file: its outcome carries the error).

    ``workers``: processes to parse on; ``None`` uses every core once there are enough files
    to pay for starting them (:data:`POOL_MIN_FILES`), 1 parses in this process. The records
    are the same whatever the number of workers. ``timeout``: seconds one file may take
    before it is stopped and reported with reason ``timeout``. ``as_json``: each outcome
    carries its record as a line of JSON (:func:`record_json`) in place of the report, made
    in the worker that parsed it — the process reading the outcomes then only writes them,
    instead of unpickling every report and serializing it again on its one core. The reports
    carry no provenance (where each cell was printed: :mod:`parsers.provenance`);
    ``parsers.parse`` gives it, and the harvest stores it for the review app.
    """
    files = iter_files(paths)
    wanted = workers or cores()
    threshold = POOL_MIN_FILES if workers is None else 2
    head = list(islice(files, threshold))
    if wanted <= 1 or len(head) < threshold:
        wanted = 1
    yield from pool_map(
        functools.partial(parse_file, timeout=timeout, as_json=as_json),
        chain(head, files),
        workers=wanted,
        on_crash=_crashed,
        ordered=True,
        work_while_starting=True,
        # a worker's caches (labels, values, row names) warm up over its first reports:
        # replaced only every 4,096 files here, not every 512 as in the nightly harvest
        max_tasks_per_child=512,
        preload=WORKER_PRELOAD,
    )


WORKER_PRELOAD = ("parsers.warm",)
"""What the workers' fork server imports besides this module: the parsers and the place table."""


def start_workers_server() -> None:
    """Start the fork server :func:`parse_files`'s workers will fork from, ahead of the pool
    (:mod:`ogi.early`)."""
    start_server(__name__, WORKER_PRELOAD)


def parse_file(path: Path, timeout: float | None = None, as_json: bool = False) -> Parsed:
    """Read and parse one file. Never raises: every failure is the outcome's error.
    ``as_json``: the outcome holds the record as a line of JSON instead of the report."""
    import parsers
    from parsers.model import ParseError
    from parsers.provenance import drop

    try:
        data = path.read_bytes()
    except OSError as exc:
        return Parsed(path, error=f"cannot read: {exc.strerror or exc}", reason="unreadable")
    try:
        with time_limit(timeout):
            report = parsers.parse(data, source=str(path))
        if as_json:
            return Parsed(path, record_json=record_json(report))
        return Parsed(path, report=drop(report))  # its readers never show where cells were
    except ParseError as exc:
        return Parsed(path, error=str(exc), reason=exc.reason)
    except DocumentTimeout as exc:
        return Parsed(path, error=str(exc), reason="timeout")
    except MemoryError:
        return Parsed(path, error="out of memory", reason="memory")
    except Exception as exc:  # parse() guards its stages; this is the last line of defence
        return Parsed(path, error=f"{type(exc).__name__}: {exc}", reason="crash")


def record_json(report: Report) -> str:
    """The record as one line of JSON (the record contract; ``ogi parse --json``)."""
    return json.dumps(report.to_dict(), ensure_ascii=False)


def _crashed(path: Path) -> Parsed:
    return Parsed(path, error="the parser process died", reason="crash")


SPILL_BATCH = 64
"""Reports stored per transaction by :func:`spill_files`."""


def spill_files(
    paths: Iterable[str | Path],
    folder: str | Path,
    *,
    workers: int | None = None,
    timeout: float | None = None,
    on_outcome: Callable[[Parsed], None] | None = None,
) -> tuple[int, int]:
    """Parse the files (on every core: :func:`parse_files`) into ``folder/records.sqlite``, a
    batch at a time as they come, so ``ogi export --from-files`` over any number of documents
    never holds more than a batch of reports; returns (reports stored, files that failed).
    ``on_outcome`` sees every outcome."""
    from output.inputs import ReportInput
    from output.store import RecordStore

    stored = failed = 0
    batch: list[ReportInput] = []
    with RecordStore.open(folder) as store:
        for outcome in parse_files(paths, workers=workers, timeout=timeout):
            if on_outcome is not None:
                on_outcome(outcome)
            if not outcome.ok or outcome.report is None:
                failed += 1
                continue
            batch.append(ReportInput(outcome.report))
            if len(batch) >= SPILL_BATCH:
                stored += store.put_many(batch)
                batch.clear()
        stored += store.put_many(batch)
    return stored, failed
