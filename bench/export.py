"""Export benchmark: time and peak memory to export N generated reports, as ratios to a baseline.

    python -m bench.export                      # 10,000 reports, csv,parquet,xlsx,sqlite
    python -m bench.export --reports 2000 --formats csv,parquet --json

The baseline, run in the same process on the same records: put every cell in a plain long
``pandas.DataFrame`` (report_id, section, row, column, value, raw, status) and ``to_csv`` it —
the least any CSV export of these records has to do. Each phase is reported as time and peak memory
(resident set growth above the phase's start, sampled every few milliseconds) and both as
ratios to the baseline, so figures from different machines can be compared.

Phases: building the four datasets; each writer alone; the whole export; and a re-run with
nothing changed (which must rewrite no file).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from fixtures.townships import generated_inputs
from output.export import export
from output.frames import build_datasets
from output.manifest import FILE_NAME

DEFAULT_REPORTS = 10_000
DEFAULT_FORMATS = ("csv", "parquet", "xlsx", "sqlite")


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Current resident set size (Linux /proc; elsewhere the peak so far, as a fallback)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def release_memory() -> None:
    """Give freed memory back so each phase starts from a comparable footprint."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass
class Phase:
    name: str
    seconds: float  # wall clock
    cpu_seconds: float  # CPU time of this process (all threads): steadier on a busy machine
    peak_bytes: int
    detail: str = ""


def measure(name: str, work: Callable[[], object], detail: str = "") -> tuple[Phase, object]:
    release_memory()
    start = rss_bytes()
    peak = start
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began, cpu = time.perf_counter(), time.process_time()
    try:
        result = work()
    finally:
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        done.set()
        sampler.join()
    peak = max(peak, rss_bytes())
    return Phase(name, seconds, cpu, peak - start, detail), result


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


def plain_long_table(records) -> pd.DataFrame:
    """The baseline's input: every cell in a plain frame, no types, no provenance."""
    rows = [
        (item.report.sha256[:16], section, row, column, cell.value, cell.raw, cell.status)
        for item in records
        for section, row, column, cell in item.report.cells()
    ]
    return pd.DataFrame(
        rows, columns=["report_id", "section", "row", "column", "value", "raw", "status"]
    )


def run(
    reports: int = DEFAULT_REPORTS,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    *,
    seed: int = 1,
    workdir: Path | None = None,
) -> dict:
    """Run every phase; returns the figures (also what ``--json`` prints)."""
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="ogi-bench-export-")) if own else workdir
    try:
        generated_at = time.perf_counter()
        records = generated_inputs(random.Random(seed), reports)
        generate_seconds = time.perf_counter() - generated_at

        baseline = _baseline(records, folder)
        phases = [baseline]
        phases += _writers(records, formats, folder)
        full = folder / "full"
        phase, result = measure(
            f"export {','.join(formats)} (build + write)",
            lambda: export(records, full, formats, keep_datasets=False),
        )
        phase.detail = f"{len(result.changed)} files, {_size(full)}"
        phases.append(phase)
        phase, again = measure(
            "re-run, nothing changed",
            lambda: export(records, full, formats, keep_datasets=False),
        )
        phase.detail = f"{len(again.changed)} files rewritten, {len(again.unchanged)} untouched"
        phases.append(phase)
        (full / FILE_NAME).unlink()
        phase, again = measure(
            "re-run, nothing changed, no manifest",
            lambda: export(records, full, formats, keep_datasets=False),
        )
        phase.detail = (
            f"written and compared: {len(again.changed)} files rewritten, "
            f"{len(again.unchanged)} untouched"
        )
        phases.append(phase)
        return {
            "reports": reports,
            "formats": list(formats),
            "generate_seconds": generate_seconds,
            "phases": [
                {
                    **asdict(p),
                    "time_ratio": p.seconds / baseline.seconds,
                    "cpu_ratio": p.cpu_seconds / max(baseline.cpu_seconds, 1e-9),
                    "memory_ratio": p.peak_bytes / max(baseline.peak_bytes, 1),
                }
                for p in phases
            ],
        }
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def _baseline(records, folder: Path) -> Phase:
    def plain_csv() -> int:
        long = plain_long_table(records)
        long.to_csv(folder / "baseline.csv", index=False)
        return len(long)

    phase, rows = measure("baseline: plain long DataFrame + to_csv", plain_csv)
    phase.detail = f"{rows:,} rows"
    return phase


def _writers(records, formats: tuple[str, ...], folder: Path) -> list[Phase]:
    phase, datasets = measure(
        "build datasets (reports, cells, panel, codebook)", lambda: build_datasets(records)
    )
    phase.detail = ", ".join(f"{d.name} {len(d):,}" for d in datasets)
    phases = [phase]
    for fmt in formats:
        target = folder / f"only-{fmt}"
        phase, result = measure(f"write {fmt}", lambda f=fmt, t=target: export(datasets, t, [f]))
        phase.detail = _size(target) + ("; " + "; ".join(result.notes) if result.notes else "")
        phases.append(phase)
    return phases


def _size(folder: Path) -> str:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return f"{total / 1e6:,.1f} MB"


def print_table(figures: dict) -> None:
    print(f"export benchmark: {figures['reports']:,} generated reports "
          f"(generated in {figures['generate_seconds']:.1f} s)")  # fmt: skip
    header = (
        f"{'phase':<50} {'wall s':>7} {'cpu s':>7} {'cpu ×':>7} {'peak MB':>8} {'mem ×':>6}  detail"
    )
    print(header)
    print("-" * len(header))
    for p in figures["phases"]:
        print(
            f"{p['name']:<50} {p['seconds']:>7.2f} {p['cpu_seconds']:>7.2f} "
            f"{p['cpu_ratio']:>7.2f} {p['peak_bytes'] / 1e6:>8.0f} {p['memory_ratio']:>6.2f}  "
            f"{p['detail']}"
        )
    print("ratios (×) are to the baseline, the first row, measured in the same process")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS)
    parser.add_argument("--formats", default=",".join(DEFAULT_FORMATS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.reports, tuple(args.formats.split(",")), seed=args.seed)
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
