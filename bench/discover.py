"""Site discovery benchmark: from the home pages of the fake government web (every portal style,
every CMS family, plus generated county portals) to its report columns, with a fixed per-host
delay.

Prints, against baselines measured in the same run:

- requests per column found (robots.txt included); goal ≤ 30;
- wall time / politeness floor, where the floor is the busiest host's requests × the delay
  (hosts are walked side by side, so the run can be no shorter); goal ≤ 1.2;
- columns found against the columns the fake web has (every one, or the run is wrong).

The fake web is served by a separate process (``python -m fixtures.sites.server``) so that its
CPU does not count against discovery.

    python -m bench.discover --hosts 20 --delay 0.25

The walk is asynchronous Python: each request costs a few milliseconds of CPU (printed), which
a tiny delay and a loaded machine magnify; at real delays (2 s) it vanishes against the floor.
The places table (levels, division codes) loads once per process, like the imports, before the
timed run (its time is printed).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl import serve_fake_web  # noqa: E402
from parsers.places import default_table  # noqa: E402
from scraper.client import ClientOptions  # noqa: E402
from scraper.sitefinder import FinderOptions, discover  # noqa: E402
from scraper.sitefinder.columns import column_key  # noqa: E402


def start_server(tmp: Path, hosts: int) -> tuple[subprocess.Popen, int, list[str], list[str]]:
    """The portal world (every CMS family, ``hosts`` generated counties) served apart; its
    process, port, home pages and ``--resolve`` entries."""
    starts, res = tmp / "starts.txt", tmp / "resolve.txt"
    proc, port = serve_fake_web(
        "--no-faults", "--cms", "--portals", "--extra-hosts", str(hosts),
        "--homepages", str(starts), "--resolve", str(res),
    )  # fmt: skip
    return proc, port, starts.read_text().split(), res.read_text().split()


def expected_columns(hosts: int, port: int) -> set[str]:
    """The columns the served world has (built here the same way, with the server's port)."""
    from fixtures.sites import build_world
    from fixtures.sites.portals import expected_sites

    world = build_world(extra_hosts=hosts, faults=False, cms=True, portals=True)
    world.port = port
    return {column_key(c) for e in expected_sites(world) for c in e["columns"]}


def measure(hosts: int, delay: float, budget: int = 300) -> dict:
    with tempfile.TemporaryDirectory() as d:
        server, port, starts, resolve = start_server(Path(d), hosts)
        try:
            options = FinderOptions(
                client=ClientOptions(offline=True, connect_timeout=5, read_timeout=10),
                delay=delay,
                budget=budget,
            )
            t0 = time.perf_counter()
            default_table()  # once per process, like the imports: not part of a walk
            table = time.perf_counter() - t0
            t0, c0 = time.perf_counter(), time.process_time()
            result = discover(starts, options=options, resolve=resolve)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        finally:
            server.kill()
            server.wait()
    want = expected_columns(hosts, port)
    got = {column_key(c.url) for c in result.columns}
    busiest = max(result.host_requests.values())
    floor = busiest * delay
    return {
        "start_pages": len(starts),
        "hosts": len(result.host_requests),
        "columns": len(result.columns),
        "expected": len(want),
        "missing": len(want - got),
        "extra": len(got - want),
        "requests": result.requests,
        "pages": result.pages,
        "requests_per_column": result.requests / max(1, len(result.columns)),
        "busiest_host": busiest,
        "seconds": seconds,
        "cpu_per_request": cpu / max(1, result.requests),
        "places_table": table,
        "floor": floor,
        "ratio": seconds / floor if floor else None,
        "delay": delay,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--hosts", type=int, default=20, help="generated county portals (besides the styled ones)"
    )
    ap.add_argument("--delay", type=float, default=0.25, help="per-host delay, seconds")
    ap.add_argument("--budget", type=int, default=300, help="pages per host")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    m = measure(args.hosts, args.delay, args.budget)
    if args.json:
        print(json.dumps(m))
        return
    print(
        f"start pages {m['start_pages']}  hosts {m['hosts']}  delay {m['delay']}s  "
        f"columns found {m['columns']} of {m['expected']} (missing {m['missing']}, extra {m['extra']})"
    )
    print(
        f"requests      {m['requests']:6d}   ({m['pages']} pages)  per column found "
        f"{m['requests_per_column']:.1f}  (goal <= 30)"
    )
    print(
        f"wall time     {m['seconds']:8.2f}s  politeness floor {m['floor']:.2f}s "
        f"(busiest host {m['busiest_host']} requests x {m['delay']}s)  ratio {m['ratio']:.3f}  (goal <= 1.2)"
    )
    print(
        f"CPU per request {m['cpu_per_request'] * 1000:.1f} ms; places table loaded once per "
        f"process before the run: {m['places_table']:.2f}s"
    )


if __name__ == "__main__":
    main()
