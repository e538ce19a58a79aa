"""``ogi export --from-files`` at several sizes: peak memory and time, as ratios to the first size.

    python -m bench.from_files                        # 2,000 and 20,000 documents
    python -m bench.from_files --documents 2000,20000 --formats csv,parquet --json

Each size gets a folder of generated HTML reports (:mod:`fixtures.report_files`); the command
runs as users run it, in a process of its own, and the process tree is sampled every few
milliseconds: the peak resident memory of the command's own process (the one that gathers the
records and writes the datasets), of its largest parse worker, and of the whole tree at once.
Memory must not grow with the number of documents: the reports are stored as they are parsed,
and the export reads them back in batches.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from fixtures.report_files import write_report_files

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (2_000, 20_000)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as handle:
                kids = [int(k) for k in handle.read().split()]
        except OSError:
            kids = []
        found += kids
        todo += kids
    return found


def measure_command(cmd: list[str], env: dict[str, str]) -> dict:
    """Run ``cmd``; its wall time and the peak RSS of its process, its largest child, the tree."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=env.get("PYTHONPATH", str(ROOT)).split(os.pathsep)[0],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peaks = {"main": 0, "worker": 0, "tree": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            main = _rss(proc.pid)
            workers = [_rss(child) for child in _children(proc.pid)]
            peaks["main"] = max(peaks["main"], main)
            peaks["worker"] = max([peaks["worker"], *workers])
            peaks["tree"] = max(peaks["tree"], main + sum(workers))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return {"seconds": time.perf_counter() - began, **{f"{k}_bytes": v for k, v in peaks.items()}}


def run(
    documents: int,
    formats: str,
    *,
    seed: int = 1,
    workdir: Path | None = None,
    code: Path = ROOT,
) -> dict:
    """One size: write the documents, run the command (from the checkout ``code``), measure."""
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="ogi-bench-files-")) if own else workdir
    try:
        written = time.perf_counter()
        write_report_files(folder / "docs", documents, seed=seed)
        write_seconds = time.perf_counter() - written
        cmd = [sys.executable, "-m", "ogi", "export", "--from-files", str(folder / "docs"),
               "--out", str(folder / "out"), "--format", formats]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}  # fmt: skip
        figures = measure_command(cmd, env)
        return {"documents": documents, "formats": formats, "write_seconds": write_seconds,
                **figures}  # fmt: skip
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def print_table(runs: list[dict]) -> None:
    first = runs[0]
    print(f"ogi export --from-files ({first['formats']}), generated HTML reports")
    header = (
        f"{'documents':>10} {'wall s':>8} {'ms/doc':>7} {'main MB':>8} {'worker MB':>10} "
        f"{'tree MB':>8} {'main ×':>7} {'tree ×':>7}"
    )
    print(header)
    print("-" * len(header))
    for figures in runs:
        print(
            f"{figures['documents']:>10,} {figures['seconds']:>8.1f} "
            f"{1000 * figures['seconds'] / figures['documents']:>7.2f} "
            f"{figures['main_bytes'] / 1e6:>8.0f} {figures['worker_bytes'] / 1e6:>10.0f} "
            f"{figures['tree_bytes'] / 1e6:>8.0f} "
            f"{figures['main_bytes'] / max(first['main_bytes'], 1):>7.2f} "
            f"{figures['tree_bytes'] / max(first['tree_bytes'], 1):>7.2f}"
        )
    print("× columns: peak memory as a ratio to the first size's")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", default=",".join(str(n) for n in DEFAULT_SIZES))
    parser.add_argument("--formats", default="csv,parquet,xlsx,sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="the checkout whose ogi runs (to compare versions)"
    )
    args = parser.parse_args(argv)
    sizes = [int(n.replace("_", "")) for n in args.documents.split(",") if n]
    runs = [run(size, args.formats, seed=args.seed, code=args.code) for size in sizes]
    if args.json:
        json.dump(runs, sys.stdout, indent=2)
        print()
    else:
        print_table(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
