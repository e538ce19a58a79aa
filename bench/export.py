"""Export benchmark: time and peak memory to export N harvested reports, as ratios to a baseline.

    python -m bench.export                          # 10,000 and 50,000 reports, every format
    python -m bench.export --reports 10000,100000 --formats csv,parquet --json
    python -m bench.export --reports 10000,100000 --slow --only-export   # … and 1,000,000

Each size gets its own records store (``records.sqlite``, as the nightly harvest leaves it),
filled by a generator that streams reports into it without holding them: agencies publish one
report a year for 2019–2024 (the 2019 format for 2019–2020, the 2021 format after), and about
one agency-year in ten has a second document — the same numbers in another form (a duplicate)
or a corrected re-issue (new numbers). Numbers are drawn from a pool of generated tables.

The export then reads that store, as the harvest and ``ogi export --data`` do. The baseline,
run in the same process on the same store: read every record and write its cells as a plain
long ``pandas.DataFrame`` with ``to_csv``, one slice of records at a time (so the baseline's
own memory stays flat at any size) — the least any CSV export of these records has to do.
Each phase is reported as time and peak memory (resident set growth above the phase's start,
sampled every few milliseconds) and both as ratios to the baseline, so figures from different
machines can be compared.

Phases: the whole export; a re-run with nothing changed (which must rewrite no file); the
same without the export manifest (every file written again and compared); and, at the first
size only (``--writers`` for every size), each format alone. ``--only-export`` keeps the
baseline and the whole export (the big sizes: a million reports is a store of about 13 GB and,
in every format, about 85 GB of datasets, most of it the SQLite and CSV cells; ``--formats
parquet,xlsx`` keeps the disk use small). ``--slow`` adds the million-report size;
``--stores DIR`` keeps the generated stores there for the next run; ``--no-baseline`` leaves
the baseline out (an hour at a million reports), so the figures have no ratios. The whole
export's peak memory is also given for each of its stages (reading records, deciding versions,
writing each dataset): the stage whose peak grows with the number of reports is the one to look
at.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import ctypes
import gc
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from output.export import export
from output.inputs import ReportInput
from output.manifest import FILE_NAME
from output.store import STORE_NAME, RecordStore

DEFAULT_SIZES = (10_000, 50_000)
DEFAULT_REPORTS = DEFAULT_SIZES[0]
DEFAULT_FORMATS = ("csv", "parquet", "xlsx", "sqlite")
YEARS = range(2019, 2025)
POOL = 400  # distinct generated tables per template
SECOND_DOCUMENT = 0.1  # share of agency-years with a second document


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
    stage_peaks: dict[str, int] | None = None  # the whole export's peak in each of its stages


class Stages:
    """Peak resident memory per stage of the export (its ``on_stage`` callback): where the
    memory goes, and whether that stage's peak grows with the number of reports."""

    def __init__(self) -> None:
        self.current = "start"
        self.peaks: dict[str, int] = {}

    def __call__(self, text: str) -> None:
        self.current = text

    def note(self, rss: int) -> None:
        if rss > self.peaks.get(self.current, 0):
            self.peaks[self.current] = rss


def measure(
    name: str, work: Callable[[], object], detail: str = "", stages: Stages | None = None
) -> tuple[Phase, object]:
    release_memory()
    start = rss_bytes()
    peak = start
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            now = rss_bytes()
            peak = max(peak, now)
            if stages is not None:
                stages.note(now - start)

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
    peaks = dict(stages.peaks) if stages is not None else None
    return Phase(name, seconds, cpu, peak - start, detail, peaks), result


# --------------------------------------------------------------------------------------------
# Generated harvest: a records store filled report by report
# --------------------------------------------------------------------------------------------


def _pool(rng: random.Random) -> dict[str, list]:
    """Generated reports (tables that add up, some cells blank or dashed) per template."""
    from fixtures.reportgen import random_record, strip_private
    from parsers.checks import run_checks
    from parsers.model import Report

    pool: dict[str, list] = {}
    for template in ("2019", "2021"):
        pool[template] = []
        for _ in range(POOL):
            record = strip_private(random_record(rng, template, blank_rate=0.05, dash_rate=0.017))
            report = Report.from_dict(record)
            report.checks = run_checks(report.tables, template)
            pool[template].append(report)
    return pool


def _agency_names(rng: random.Random) -> Iterator[str]:
    """Distinct, realistic agency names (a counter keeps them distinct once the mix runs dry)."""
    from fixtures.reportgen.agencies import random_agency

    seen: set[str] = set()
    while True:
        name = random_agency(rng)
        tries = 0
        while name in seen and tries < 20:
            name, tries = random_agency(rng), tries + 1
        if name in seen:
            name = name.replace("人民政府", f"第{len(seen)}人民政府", 1)
            if name in seen:
                name = f"{name}{len(seen)}"
        seen.add(name)
        yield name


def generated_documents(n: int, seed: int = 1) -> Iterator[ReportInput]:
    """``n`` report documents with provenance, one at a time (nothing is held but the pool)."""
    rng = random.Random(seed)
    pool = _pool(rng)
    names = _agency_names(rng)
    made = 0
    while made < n:
        agency = next(names)
        host = f"www.{hashlib.md5(agency.encode()).hexdigest()[:10]}.gov.cn"
        for year in YEARS:
            if made >= n:
                return
            template = "2019" if year < 2021 else "2021"
            base = rng.choice(pool[template])
            published = f"{year + 1}-01-{rng.randint(5, 28):02d}"
            yield _document(base, agency, year, published, host, made, form="html")
            made += 1
            if made < n and rng.random() < SECOND_DOCUMENT:
                if rng.random() < 0.5:  # the same report as a PDF attachment
                    yield _document(base, agency, year, published, host, made, form="pdf")
                else:  # a corrected re-issue, a month later
                    other = rng.choice(pool[template])
                    later = f"{year + 1}-03-{rng.randint(1, 28):02d}"
                    yield _document(other, agency, year, later, host, made, corrected=True)
                made += 1


def _document(
    base,
    agency: str,
    year: int,
    published: str,
    host: str,
    index: int,
    *,
    form: str = "html",
    corrected: bool = False,
) -> ReportInput:
    report = copy.copy(base)  # tables shared with the pool: only read
    report.agency, report.year, report.published, report.form = agency, year, published, form
    report.title = f"{agency}{year}年政府信息公开工作年度报告" + ("（更正版）" if corrected else "")
    report.sha256 = hashlib.sha256(f"{index}:{agency}:{year}:{form}".encode()).hexdigest()
    suffix = "pdf" if form == "pdf" else "html"
    url = f"http://{host}/zfxxgk/zfxxgknb/{year + 1}01/t{year + 1}0120_{index}.{suffix}"
    return ReportInput(
        report,
        url=url,
        fetched_at=f"{published}T03:00:00+08:00",
        warc_record_id=f"<urn:uuid:{hashlib.md5(url.encode()).hexdigest()}>",
        site_agency=agency,
        title=report.title,
    )


def generate_store(folder: Path, n: int, seed: int = 1, batch: int = 1_000) -> Path:
    """Fill ``folder/records.sqlite`` with ``n`` generated documents, a batch at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    with RecordStore.open(folder, parser="bench") as store:
        pending: list[ReportInput] = []
        for item in generated_documents(n, seed):
            pending.append(item)
            if len(pending) >= batch:
                store.put_many(pending)
                pending.clear()
        store.put_many(pending)
    return folder / STORE_NAME


def kept_store(stores: Path, n: int, seed: int = 1) -> Path:
    """The data folder of a generated store kept in ``stores``, generated the first time (a
    store is complete once its folder has its final name)."""
    data = stores / f"reports-{n}-seed-{seed}"
    if not (data / STORE_NAME).exists():
        partial = stores / f".partial-{n}-seed-{seed}"
        shutil.rmtree(partial, ignore_errors=True)
        generate_store(partial, n, seed)
        partial.rename(data)
    return data


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


def plain_csv(store: Path, target: Path, batch: int = 2_000) -> int:
    """The baseline: every cell of every record as a plain long DataFrame, ``to_csv``'d a slice
    of records at a time."""
    columns = ["report_id", "section", "row", "column", "value", "raw", "status"]
    db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
    rows_written = 0
    try:
        cursor = db.execute("SELECT sha256, record FROM records ORDER BY rowid")
        first = True
        while True:
            chunk = cursor.fetchmany(batch)
            if not chunk:
                break
            rows = []
            for sha, text in chunk:
                record = json.loads(text)
                values = record.get("tables") or {}
                for section, table in (record.get("_cells") or {}).items():
                    for row, cells in table.items():
                        for column, (raw, status, _unit) in cells.items():
                            value = values.get(section, {}).get(row, {}).get(column)
                            rows.append((sha[:16], section, row, column, value, raw, status))
            frame = pd.DataFrame(rows, columns=columns)
            frame.to_csv(target, index=False, mode="w" if first else "a", header=first)
            first = False
            rows_written += len(frame)
    finally:
        db.close()
    return rows_written


def run(
    reports: int = DEFAULT_REPORTS,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    *,
    seed: int = 1,
    workdir: Path | None = None,
    writers: bool = True,
    reruns: bool = True,
    stores: Path | None = None,
    with_baseline: bool = True,
) -> dict:
    """Run every phase for one size; returns the figures (also what ``--json`` prints).

    ``stores``: a folder where generated records stores are kept (one per size and seed) and
    found again by later runs — a million reports take long to generate. ``with_baseline``:
    False leaves the baseline out (at a million reports it takes about an hour); the phases
    then have no ratios."""
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="ogi-bench-export-")) if own else workdir
    try:
        data = folder / "data"
        generated_at = time.perf_counter()
        if stores is None:
            store = generate_store(data, reports, seed)
        else:
            data = kept_store(stores, reports, seed)
            store = data / STORE_NAME
        generate_seconds = time.perf_counter() - generated_at

        phases = []
        baseline = None
        if with_baseline:
            phase, rows = measure(
                "baseline: plain DataFrame.to_csv of every cell",
                lambda: plain_csv(store, folder / "baseline.csv"),
            )
            phase.detail = f"{rows:,} rows"
            baseline = phase
            (folder / "baseline.csv").unlink()
            phases.append(baseline)

        full = folder / "full"
        stages = Stages()
        phase, result = measure(
            f"export {','.join(formats)} (from the store)",
            lambda: export(data, full, formats, keep_datasets=False, on_stage=stages),
            stages=stages,
        )
        phase.detail = f"{len(result.changed)} files, {_size(full)}; " + ", ".join(
            f"{name} {count:,}" for name, count in result.rows.items()
        )
        phases.append(phase)
        if not reruns:
            shutil.rmtree(full, ignore_errors=True)
            return _figures(reports, formats, generate_seconds, store, phases, baseline)
        phase, again = measure(
            "re-run, nothing changed",
            lambda: export(data, full, formats, keep_datasets=False),
        )
        phase.detail = f"{len(again.changed)} files rewritten, {len(again.unchanged)} untouched"
        phases.append(phase)
        (full / FILE_NAME).unlink()
        phase, again = measure(
            "re-run, nothing changed, no manifest",
            lambda: export(data, full, formats, keep_datasets=False),
        )
        phase.detail = (
            f"written and compared: {len(again.changed)} files rewritten, "
            f"{len(again.unchanged)} untouched"
        )
        phases.append(phase)
        shutil.rmtree(full, ignore_errors=True)
        if writers:
            for fmt in formats:
                target = folder / f"only-{fmt}"
                phase, result = measure(
                    f"export {fmt} alone",
                    lambda f=fmt, t=target: export(data, t, [f], keep_datasets=False),
                )
                notes = "; ".join(n for n in result.notes if fmt in n)
                phase.detail = _size(target) + (f"; {notes}" if notes else "")
                phases.append(phase)
                shutil.rmtree(target, ignore_errors=True)
        return _figures(reports, formats, generate_seconds, store, phases, baseline)
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def _figures(reports, formats, generate_seconds, store, phases, baseline) -> dict:
    return {
        "reports": reports,
        "formats": list(formats),
        "generate_seconds": generate_seconds,
        "store_bytes": store.stat().st_size,
        "phases": [{**asdict(p), **_ratios(p, baseline)} for p in phases],
    }


def _ratios(phase: Phase, baseline: Phase | None) -> dict:
    if baseline is None:
        return {"time_ratio": None, "cpu_ratio": None, "memory_ratio": None}
    return {
        "time_ratio": phase.seconds / baseline.seconds,
        "cpu_ratio": phase.cpu_seconds / max(baseline.cpu_seconds, 1e-9),
        "memory_ratio": phase.peak_bytes / max(baseline.peak_bytes, 1),
    }


def _ratio(value: float | None, width: int) -> str:
    return f"{value:>{width}.2f}" if value is not None else f"{'–':>{width}}"


def _size(folder: Path) -> str:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return f"{total / 1e6:,.1f} MB"


def print_table(figures: dict) -> None:
    print(
        f"export benchmark: {figures['reports']:,} generated reports in a records store of "
        f"{figures['store_bytes'] / 1e6:,.0f} MB (generated in {figures['generate_seconds']:.1f} s)"
    )
    header = (
        f"{'phase':<48} {'wall s':>7} {'cpu s':>7} {'cpu ×':>6} {'peak MB':>8} {'mem ×':>6}  detail"
    )
    print(header)
    print("-" * len(header))
    for p in figures["phases"]:
        print(
            f"{p['name']:<48} {p['seconds']:>7.2f} {p['cpu_seconds']:>7.2f} "
            f"{_ratio(p['cpu_ratio'], 6)} {p['peak_bytes'] / 1e6:>8.0f} "
            f"{_ratio(p['memory_ratio'], 6)}  {p['detail']}"
        )
    if figures["phases"][0]["cpu_ratio"] is not None:
        print("ratios (×) are to the baseline, the first row, measured in the same process")
    whole = next(p for p in figures["phases"] if p["name"].startswith("export "))
    if whole.get("stage_peaks"):
        print(
            "peak MB of the whole export by stage: "
            + ", ".join(f"{name} {peak / 1e6:.0f}" for name, peak in whole["stage_peaks"].items())
        )


def print_scaling(runs: list[dict]) -> None:
    """The whole export across sizes: does time stay linear and memory flat?"""
    if len(runs) < 2:
        return
    print("\nscaling of the whole export")
    print(
        f"{'reports':>9} {'wall s':>8} {'ms/report':>10} {'× base':>7} {'peak MB':>8} "
        f"{'vs first size':>22}"
    )
    first = None
    for figures in runs:
        whole = next(p for p in figures["phases"] if p["name"].startswith("export "))
        per = 1000 * whole["seconds"] / figures["reports"]
        if first is None:
            first = (figures["reports"], whole["seconds"], whole["peak_bytes"])
        size_x = figures["reports"] / first[0]
        time_x = whole["seconds"] / first[1]
        mem_x = whole["peak_bytes"] / max(first[2], 1)
        print(
            f"{figures['reports']:>9,} {whole['seconds']:>8.1f} {per:>10.2f} "
            f"{_ratio(whole['time_ratio'], 7)} {whole['peak_bytes'] / 1e6:>8.0f}   "
            f"×{size_x:.0f} size: ×{time_x:.1f} time, ×{mem_x:.2f} memory"
        )
    print("× base: the export's wall time over the baseline's at the same size (same process)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reports",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="comma-separated sizes (number of generated reports)",
    )
    parser.add_argument("--formats", default=",".join(DEFAULT_FORMATS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writers", action="store_true", help="each format alone at every size")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--slow", action="store_true", help="add the million-report size")
    parser.add_argument(
        "--only-export", action="store_true", help="the baseline and the whole export only"
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="leave the baseline out (an hour at a million reports): figures without ratios",
    )
    parser.add_argument(
        "--stores",
        type=Path,
        help="keep the generated records stores in this folder and reuse them in later runs",
    )
    args = parser.parse_args(argv)
    sizes = [int(n.replace("_", "")) for n in args.reports.split(",") if n]
    if args.slow and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    formats = tuple(args.formats.split(","))
    runs = []
    for index, size in enumerate(sizes):
        figures = run(
            size,
            formats,
            seed=args.seed,
            writers=not args.only_export and (args.writers or index == 0),
            reruns=not args.only_export,
            stores=args.stores,
            with_baseline=not args.no_baseline,
        )
        runs.append(figures)
        if not args.json:
            print_table(figures)
            print()
    if args.json:
        json.dump(runs if len(runs) > 1 else runs[0], sys.stdout, indent=2)
        print()
    else:
        print_scaling(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
