"""The benchmark suite: every stage measured against its own floor, printed as one table.

    python -m bench                  # --quick: small sizes, a few minutes
    python -m bench --full           # the sizes of the individual scripts (longer)
    python -m bench --only parse,crawl --json

Each benchmark runs in a process of its own (:mod:`bench.suite`), so its peak resident memory
is its own and a crash ends only that row. Ratios are taken against a baseline measured in the
same process — a floor every implementation must pay (building the DOM, PDFium's text and
character boxes, ``DataFrame.to_csv``, a dict lookup) or, for the crawler, the politeness floor
(the busiest host's requests × its delay) — so figures from different machines compare.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.suite import BENCHMARKS

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("parse", "accuracy", "crawl", "discover", "export", "pdf", "places", "workers")
TIMEOUT = {"quick": 900, "full": 3600}


def run_one(name: str, full: bool) -> dict:
    """Run one benchmark in its own process; its rows, peak RSS and wall time (or its error)."""
    cmd = [sys.executable, "-m", "bench.suite", name] + (["--full"] if full else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}  # fmt: skip
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT["full" if full else "quick"],
        )
    except subprocess.TimeoutExpired:
        return {"error": "timed out", "seconds": time.perf_counter() - t0, "rows": []}
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail, "seconds": time.perf_counter() - t0, "rows": []}
    result = json.loads(lines[-1])
    result["seconds"] = time.perf_counter() - t0
    return result


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def format_table(results: dict[str, dict]) -> str:
    """One table: a row per figure, the benchmark's peak RSS beside its first row."""
    header = ("benchmark", "measure", "value", "unit", "ratio", "against", "peak RSS", "note")
    lines: list[tuple[str, ...]] = []
    for name, result in results.items():
        peak = f"{result['peak_rss'] / 2**20:,.0f} MiB" if result.get("peak_rss") else ""
        if result.get("error"):
            lines.append((name, "FAILED", "", "", "", "", "", result["error"][:100]))
            continue
        if not result["rows"]:
            lines.append((name, "no inputs", "", "", "", "", peak, ""))
        for i, r in enumerate(result["rows"]):
            ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}"
            lines.append(
                (
                    name if i == 0 else "",
                    r["measure"],
                    _number(r["value"], r["unit"]),
                    r["unit"],
                    ratio,
                    r.get("baseline", ""),
                    peak if i == 0 else "",
                    r.get("note", ""),
                )
            )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    right = {2, 4, 6}

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [fmt(header), fmt(tuple("-" * w for w in widths))]
    out.extend(fmt(line) for line in lines)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes (the default)")
    size.add_argument("--full", action="store_true", help="the individual scripts' sizes")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(ORDER)}")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON instead")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(ORDER)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}")
    results: dict[str, dict] = {}
    started = time.perf_counter()
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        results[name] = run_one(name, args.full)
    if args.json:
        json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        mode = "full" if args.full else "quick"
        print(f"ogi benchmarks ({mode}), {time.perf_counter() - started:.0f} s; ratios are to "
              "the baseline measured in the same process (lower is better)")  # fmt: skip
        print(format_table(results))
    return 1 if any(r.get("error") for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
