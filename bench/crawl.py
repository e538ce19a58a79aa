"""Crawler benchmark: a generated fake government web of many hosts with a fixed per-host delay.

Prints, against baselines measured in the same run:

- first-run wall time / politeness floor, where the floor is the busiest host's
  requests × delay (hosts are crawled side by side, so the run can be no shorter); target ≤ 1.1;
- re-run wall time / first-run wall time against the unchanged site; target ≤ 5%;
- peak memory (max RSS) of the crawling process.

The fake web is served by a separate process (``python -m fixtures.sites.server``) so that its
CPU and memory do not count against the crawler.

    python bench/crawl.py --hosts 40 --reports 30 --delay 0.25
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.client import ClientOptions  # noqa: E402
from scraper.crawl import CrawlOptions, crawl  # noqa: E402
from scraper.registry import parse_registry  # noqa: E402


def serve_fake_web(*args: str) -> tuple[subprocess.Popen, int]:
    """``python -m fixtures.sites.server ARGS`` in a process of its own (its CPU and memory
    are not the measured code's); returns the process and its port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fixtures.sites.server", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("port "):
        proc.kill()
        raise SystemExit(f"fake web did not start: {line!r}")
    return proc, int(line.split()[1])


def start_server(
    tmp: Path, hosts: int, reports: int, delay: float
) -> tuple[subprocess.Popen, Path, list[str]]:
    reg, res = tmp / "sites.toml", tmp / "resolve.txt"
    proc, _port = serve_fake_web(
        "--no-faults", "--extra-hosts", str(hosts), "--reports-per-host", str(reports),
        "--delay", str(delay), "--registry", str(reg), "--resolve", str(res),
    )  # fmt: skip
    return proc, reg, res.read_text(encoding="utf-8").split()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--hosts", type=int, default=40, help="generated county hosts (besides the dialect hosts)"
    )
    ap.add_argument("--reports", type=int, default=30, help="reports per generated host")
    ap.add_argument("--delay", type=float, default=0.25, help="per-host delay, seconds")
    ap.add_argument("--concurrency", type=int, default=64, help="global requests in flight")
    ap.add_argument(
        "--max-active-sites",
        type=int,
        help="sites crawled at once (default: every site, as the floor assumes hosts in parallel)",
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        server, reg_path, resolve = start_server(tmp, args.hosts, args.reports, args.delay)
        try:
            registry = parse_registry(reg_path.read_text(encoding="utf-8"))
            opts = CrawlOptions(
                client=ClientOptions(
                    offline=True,
                    global_concurrency=args.concurrency,
                    connect_timeout=5,
                    read_timeout=10,
                ),
                revisit_after=timedelta(days=30),
                max_active_sites=args.max_active_sites or len(registry),
            )
            t0 = time.perf_counter()
            first = crawl(registry, tmp / "data", resolve=resolve, options=opts)
            t1 = time.perf_counter() - t0
            floor = max(n * args.delay for n in first.host_requests.values())
            busiest = max(first.host_requests.values())
            t0 = time.perf_counter()
            second = crawl(registry, tmp / "data", resolve=resolve, options=opts)
            t2 = time.perf_counter() - t0
        finally:
            server.kill()
            server.wait()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        total = sum(first.host_requests.values())
        print(
            f"sites {len(registry)}  hosts {len(first.host_requests)}  delay {args.delay}s  requests {total} (busiest host {busiest})"
        )
        print(f"documents: new {first.total('new')}, reports found {first.total('reports_found')}")
        print(
            f"first run     {t1:8.2f}s   politeness floor {floor:.2f}s   ratio {t1 / floor:.3f}  (target <= 1.1)"
        )
        print(
            f"re-run        {t2:8.2f}s   requests {sum(second.host_requests.values())}   fraction of first run {t2 / t1:.2%}  (target <= 5%)"
        )
        print(f"re-run new/changed documents: {second.total('new') + second.total('changed')}")
        print(f"peak memory (max RSS of the crawler) {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
