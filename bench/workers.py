"""Parsing on every core: `ogi parse --json --workers N` on a folder of generated reports.

Wall time of the whole command (start-up, the pool, parsing, writing the records), for one
worker and for two, in alternating runs keeping each one's best; the speed-up is their ratio
(goal: at least 1.8 with two workers on two free cores). The load average at the start is
reported with it: the cores must be free for the figure to mean anything — where other work
keeps them busy (and the kernel shares the processor between login sessions, so a session's
two workers get the share of one), two workers cannot beat one. The folder holds ``--reports``
distinct generated reports in the text forms (HTML pages of every style, pipe text,
flattened text, markdown). The records of every worker count are compared: they must be the
same bytes.

What the cores themselves give is measured in the same rounds: ``N`` copies of the
one-worker command, started together on the same folder. On a machine whose cores share
their caches, memory or host (a virtual machine's cores may be one physical core's two
threads), each copy takes longer than one alone, and no pool of ``N`` workers can beat ``N``
times the throughput those copies reach together: the bench prints that ceiling beside the
speed-up.

Beside it, the same runs on a folder of :data:`FEW` reports tell the command's fixed costs
(the interpreter, the command line, the parsers and the place table, a pool's fork server,
the exit), which two workers cannot halve: what the speed-up of the parsing itself is once
they are taken off is printed too, so that a figure moved by start-up is told from one moved
by the parse.

    python -m bench.workers [--reports 1000] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FORMS = ("html", "pipe", "flat", "markdown")
FEW = 8
"""Reports in the folder that measures the fixed costs (enough for a pool of two)."""


def write_reports(folder: Path, count: int, seed: int = 20240301) -> None:
    """``count`` distinct generated reports, in turn as HTML (each style), pipe, flat and
    markdown text."""
    from fixtures.reportgen import (
        HTML_STYLES,
        random_record,
        render_flat,
        render_html,
        render_markdown,
        render_pipe,
    )

    rng = random.Random(seed)
    for i in range(count):
        record = random_record(rng, ("2019", "2021")[i % 2], blank_rate=rng.choice([0, 0.05]))
        form = FORMS[i % len(FORMS)]
        if form == "html":
            text = render_html(record, HTML_STYLES[(i // len(FORMS)) % len(HTML_STYLES)], rng=rng)
            name = f"{i:05d}.html"
        elif form == "pipe":
            text, name = render_pipe(record, rng=rng), f"{i:05d}.pipe.txt"
        elif form == "flat":
            text, name = render_flat(record, rng=rng), f"{i:05d}.flat.txt"
        else:
            text, name = render_markdown(record, rng=rng), f"{i:05d}.md"
        (folder / name).write_text(text, encoding="utf-8")


def run_parse(folder: Path, workers: int) -> tuple[float, bytes]:
    """Wall seconds of `ogi parse --json --workers N FOLDER`, and its output."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}  # fmt: skip
    # An installed tool starts from its modules' cached bytecode; where the environment turns
    # that cache off, every run would compile ogi's modules again (~70 ms before any work),
    # a start-up no user pays. The first round writes the cache; the best rounds read it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "ogi", "parse", "--json", "--workers", str(workers), str(folder)],
        capture_output=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr.decode(errors="replace")[-500:])
    return seconds, proc.stdout


def run_together(folder: Path, copies: int) -> float:
    """Wall seconds until the last of ``copies`` one-worker commands, started together on
    ``folder``, has ended."""
    with ThreadPoolExecutor(copies) as pool:
        return max(pool.map(lambda _: run_parse(folder, 1)[0], range(copies)))


def measure(reports: int, workers: int, rounds: int) -> dict[str, float]:
    """Best wall time with one worker and with ``workers``, the speed-up, and the machine's
    load average (one minute) when the runs started."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        folder, few = Path(tmp) / "all", Path(tmp) / "few"
        folder.mkdir()
        few.mkdir()
        write_reports(folder, reports)
        write_reports(few, FEW)
        best = {1: float("inf"), workers: float("inf")}
        fixed = {1: float("inf"), workers: float("inf")}
        together = float("inf")  # `workers` one-worker commands at once
        outputs: dict[int, bytes] = {}
        for _ in range(rounds):
            for n in (1, workers):
                seconds, out = run_parse(folder, n)
                best[n] = min(best[n], seconds)
                if outputs.setdefault(n, out) != out:
                    raise RuntimeError("the records differ between two runs")
                fixed[n] = min(fixed[n], run_parse(few, n)[0])
            together = min(together, run_together(folder, workers))
        if outputs[1] != outputs[workers]:
            raise RuntimeError(f"--workers {workers} gives other records than --workers 1")
    return {
        "reports": reports,
        "one": best[1],
        "many": best[workers],
        "workers": workers,
        "speedup": best[1] / best[workers],
        "fixed_one": fixed[1],
        "fixed_many": fixed[workers],
        "parse_speedup": (best[1] - fixed[1]) / (best[workers] - fixed[workers]),
        "together": together,
        "ceiling": workers * best[1] / together,
        "load": load,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args(argv)
    r = measure(opts.reports, opts.workers, opts.rounds)
    print(
        f"{r['reports']} reports: --workers 1 {r['one']:.2f} s "
        f"({r['reports'] / r['one']:.0f} reports/s), --workers {r['workers']} {r['many']:.2f} s "
        f"({r['reports'] / r['many']:.0f} reports/s); speed-up {r['speedup']:.2f} "
        f"on {os.cpu_count()} cores (load average {r['load']:.1f} at the start); records identical"
    )
    print(
        f"fixed costs ({FEW} reports): --workers 1 {r['fixed_one']:.2f} s, --workers "
        f"{r['workers']} {r['fixed_many']:.2f} s; past them, the parse's speed-up "
        f"{r['parse_speedup']:.2f}"
    )
    print(
        f"the cores themselves: {r['workers']} --workers 1 commands at once take "
        f"{r['together'] / r['one']:.2f}× as long as one alone, so {r['workers']} workers "
        f"could give at most {r['ceiling']:.2f} here; the pool reaches "
        f"{r['speedup'] / r['ceiling']:.0%} of that"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
