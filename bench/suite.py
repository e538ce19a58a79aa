"""One benchmark of the suite, run in a process of its own: ``python -m bench.suite NAME [--full]``.

Each function below measures one stage with the building blocks of its own script
(``bench/parse.py``, ``bench/pdf.py``, ``bench/crawl.py``, ``bench/discover.py``, ``bench/export.py``,
``bench/places.py``, ``bench/accuracy.py``) and returns rows of figures; the process prints them
as one JSON object on its last line, with its own peak resident memory. A process per benchmark
keeps the peak memory of one from hiding in another's and lets one crash without ending the
suite. :mod:`bench.__main__` runs them all and prints the one table.

A row: ``{"measure", "value", "unit", "ratio", "baseline", "note"}``; ``ratio`` is measured
against ``baseline`` in the same process (None when the figure is absolute).
"""

from __future__ import annotations

import argparse
import inspect
import io
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

Row = dict


def row(
    measure: str,
    value: float | None,
    unit: str,
    ratio: float | None = None,
    baseline: str = "",
    note: str = "",
) -> Row:
    return {
        "measure": measure,
        "value": value,
        "unit": unit,
        "ratio": ratio,
        "baseline": baseline,
        "note": note,
    }


# --- parse -------------------------------------------------------------------------------------


def parse(full: bool) -> list[Row]:
    """Reports/s of ``parsers.parse`` on HTML pages and pipe text, and the ratio to the floor
    (decoding + selectolax DOM + every cell's text; decoding + splitting lines)."""
    import parsers
    from bench.parse import html_floor, inputs, pipe_floor
    from bench.timing import interleaved

    rounds = 7 if full else 3
    totals: dict[str, list[float]] = {}
    for _name, form, data in inputs():
        floor = html_floor if form == "html" else pipe_floor
        measured, base = interleaved(
            lambda d=data: parsers.parse(d),
            lambda d=data, f=floor: f(d),
            rounds=rounds,
            number=10 if full else 3,
        )
        total = totals.setdefault(form, [0.0, 0.0, 0])
        total[0] += measured
        total[1] += base
        total[2] += 1
    return [
        row(
            f"{form} reports",
            count / measured,
            "reports/s",
            measured / base,
            "decode + lexbor DOM + cell text" if form == "html" else "decode + split lines",
            f"{count} inputs, one core",
        )
        for form, (measured, base, count) in totals.items()
    ]


# --- pdf ---------------------------------------------------------------------------------------


def pdf(full: bool) -> list[Row]:
    """Pages/s of the PDF cell source and of the whole parse, against PDFium's own text and
    character boxes of every page (goal: a ratio of at most 2.5)."""
    import parsers
    from bench.pdf import floor, inputs, pages
    from bench.timing import interleaved
    from parsers.cells.pdf import pdf_document

    rounds, number = (5, 3) if full else (2, 1)
    total = 0
    sums = [0.0, 0.0, 0.0]
    for _name, data in inputs():
        n = pages(data)
        source, base = interleaved(
            lambda d=data: pdf_document(d), lambda d=data: floor(d), rounds=rounds, number=number
        )
        whole, base2 = interleaved(
            lambda d=data: parsers.parse(d), lambda d=data: floor(d), rounds=rounds, number=number
        )
        total += n
        sums[0] += source
        sums[1] += whole
        sums[2] += min(base, base2)
    if not total:
        return []
    source, whole, base = sums
    return [
        row("PDF source", total / source, "pages/s", source / base, "PDFium text and boxes"),
        row("PDF whole parse", total / whole, "pages/s", whole / base, "PDFium text and boxes"),
    ]


# --- accuracy ----------------------------------------------------------------------------------


def accuracy(full: bool) -> list[Row]:
    """Cells read exactly: the corpus cases with expected records, per form (``bench/accuracy.py``
    when it is there), and generated reports in every form, DOCX included, whose records are
    known exactly. "wrong" counts numbers other than the expected one — it must stay 0."""
    try:
        import bench.accuracy as own
    except ImportError:
        own = None
    rows: list[Row] = []
    if own is not None and callable(getattr(own, "run", None)):
        rows = _rows_from(own.run, full)
    return rows + _accuracy_builtin(full, corpus=not rows)


def _rows_from(run: Callable, full: bool) -> list[Row]:
    """Rows from a benchmark's own ``run()``: every number it returns becomes a row."""
    params = inspect.signature(run).parameters
    kwargs = {}
    if "quick" in params:
        kwargs["quick"] = not full
    if "full" in params:
        kwargs["full"] = full
    if "out" in params:
        kwargs["out"] = io.StringIO()  # its own table: the suite prints one
    figures = run(**kwargs)
    if isinstance(figures, list):
        return [f if "measure" in f else row(**f) for f in figures]
    out = []
    for key, value in (figures or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append(row(key.replace("_", " "), float(value), ""))
        elif hasattr(value, "cells") and hasattr(value, "exact"):  # a tally of cells
            if not getattr(value, "cells", 0):
                continue
            docs = getattr(value, "documents", 0)
            note = f"{docs} corpus documents, {value.cells} cells"
            for extra in ("undecided", "wrong"):
                if hasattr(value, extra):
                    note += f", {getattr(value, extra)} {extra}"
            if getattr(value, "seconds", 0) and docs:
                note += f", {1000 * value.seconds / docs:.0f} ms/report"
            out.append(
                row(f"corpus {key}: cells exact", 100 * value.exact / value.cells, "%", note=note)
            )
    return out


def _accuracy_builtin(full: bool, *, corpus: bool = True) -> list[Row]:
    import parsers
    from fixtures.attachments.docx_render import DOCX_STYLES, render_docx
    from fixtures.attachments.pdf_render import PDF_STYLES, render_pdf
    from fixtures.reportgen import (
        HTML_STYLES,
        random_record,
        render_flat,
        render_html,
        render_markdown,
        render_pipe,
        strip_private,
    )

    renderers: dict[str, Callable[[dict, random.Random], bytes]] = {
        "html": lambda r, g: render_html(r, g.choice(HTML_STYLES), rng=g).encode(),
        "pipe": lambda r, g: render_pipe(r, rng=g).encode(),
        "pipe, a row per line": lambda r, g: render_pipe(r, rng=g, joined=True).encode(),
        "pipe, blanks in place": lambda r, g: render_pipe(r, rng=g, blanks_in_place=True).encode(),
        "markdown": lambda r, g: render_markdown(r, rng=g).encode(),
        "flat": lambda r, g: render_flat(r, rng=g).encode(),
        "pdf": lambda r, g: render_pdf(r, g.choice(PDF_STYLES)),
        "docx": lambda r, g: render_docx(r, g.choice(DOCX_STYLES)),
    }
    count = 40 if full else 8
    out = []
    for form, render in renderers.items():
        exact = wrong = cells = failed = 0
        for seed in range(count):
            rng = random.Random(seed)
            record = random_record(
                rng, rng.choice(["2019", "2021"]), blank_rate=rng.choice([0, 0.1]), dash_rate=0.03
            )
            want = strip_private(record)
            try:
                got = parsers.parse(render(record, rng)).to_dict()
            except parsers.ParseError:
                failed += 1
                got = {}
            e, w, n = _compare(want, got)
            exact, wrong, cells = exact + e, wrong + w, cells + n
        out.append(
            row(
                f"generated {form}: cells exact",
                100 * exact / cells,
                "%",
                note=f"{count} reports, {cells} cells, {wrong} wrong",
            )
        )
    folder = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    index = folder / "cases.tsv"
    if corpus and index.exists():
        exact = wrong = cells = docs = 0
        for line in index.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            document, expected = line.split("\t")[:2]
            want = json.loads((folder / expected).read_text(encoding="utf-8"))
            try:
                got = parsers.parse((folder / document).read_bytes()).to_dict()
            except parsers.ParseError:
                got = {}
            e, w, n = _compare(want, got)
            exact, wrong, cells, docs = exact + e, wrong + w, cells + n, docs + 1
        if cells:
            out.append(
                row(
                    "corpus: cells exact",
                    100 * exact / cells,
                    "%",
                    note=f"{docs} documents, {wrong} wrong numbers",
                )
            )
    return out


def _compare(want: dict, got: dict) -> tuple[int, int, int]:
    """(exact, wrong, expected) cells: wrong = a number where another was expected."""
    exact = wrong = cells = 0
    for section, rows in (want.get("tables") or {}).items():
        for name, columns in rows.items():
            for column, value in columns.items():
                cells += 1
                have = (((got.get("tables") or {}).get(section) or {}).get(name) or {}).get(
                    column, "absent"
                )
                if have == value:
                    exact += 1
                elif have not in (None, "absent"):
                    wrong += 1
    return exact, wrong, cells


# --- crawl -------------------------------------------------------------------------------------


def crawl(full: bool) -> list[Row]:
    """A generated fake web served by another process: first run against the politeness floor
    (busiest host's requests × delay), re-run against the first run."""
    from bench.crawl import start_server
    from scraper.client import ClientOptions
    from scraper.crawl import CrawlOptions
    from scraper.crawl import crawl as run_crawl
    from scraper.registry import parse_registry

    hosts, reports, delay = (40, 30, 0.25) if full else (12, 15, 0.2)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        server, reg_path, resolve = start_server(tmp, hosts, reports, delay)
        try:
            registry = parse_registry(reg_path.read_text(encoding="utf-8"))
            opts = CrawlOptions(
                client=ClientOptions(
                    offline=True, global_concurrency=64, connect_timeout=5, read_timeout=10
                ),
                revisit_after=timedelta(days=30),
            )
            t0 = time.perf_counter()
            first = run_crawl(registry, tmp / "data", resolve=resolve, options=opts)
            t1 = time.perf_counter() - t0
            t0 = time.perf_counter()
            second = run_crawl(registry, tmp / "data", resolve=resolve, options=opts)
            t2 = time.perf_counter() - t0
        finally:
            server.kill()
            server.wait()
    floor = max(first.host_requests.values()) * delay
    requests = sum(first.host_requests.values())
    docs = first.total("new")
    return [
        row(
            "first run",
            docs / t1,
            "documents/s",
            t1 / floor,
            "politeness floor",
            f"{len(registry)} sites, {requests} requests in {t1:.1f}s, delay {delay}s; target ≤ 1.1",
        ),
        row(
            "re-run, nothing changed",
            t2,
            "s",
            t2 / t1,
            "first run",
            f"{sum(second.host_requests.values())} requests, "
            f"{second.total('new') + second.total('changed')} bodies; target ≤ 5%",
        ),
    ]


# --- discover ----------------------------------------------------------------------------------


def discover(full: bool) -> list[Row]:
    """Site discovery from the fake web's home pages (served by another process): requests per
    column found, and the run against the politeness floor (busiest host's requests × delay)."""
    from bench.discover import measure

    m = measure(20 if full else 6, 0.25)
    found = f"{m['columns']} of {m['expected']} columns found from {m['start_pages']} home pages"
    return [
        row(
            "discovery",
            m["columns"] / m["seconds"],
            "columns/s",
            m["ratio"],
            "politeness floor",
            f"{found}, {m['requests']} requests in {m['seconds']:.1f}s, delay 0.25s; target ≤ 1.2",
        ),
        row(
            "requests per column",
            m["requests_per_column"],
            "requests",
            None,
            "",
            f"{found}; target ≤ 30",
        ),
    ]


# --- export ------------------------------------------------------------------------------------


def export(full: bool) -> list[Row]:
    """Datasets from generated records, every format, against a plain DataFrame.to_csv."""
    from bench.export import run

    reports = 10_000 if full else 1_500
    figures = run(reports, ("csv", "parquet", "xlsx", "sqlite"))
    phases = {p["name"]: p for p in figures["phases"]}
    whole = next(p for name, p in phases.items() if name.startswith("export "))
    rerun = phases["re-run, nothing changed"]
    base = "plain DataFrame.to_csv"
    return [
        row(
            "export csv+parquet+xlsx+sqlite",
            reports / whole["seconds"],
            "reports/s",
            whole["cpu_ratio"],
            base + " (CPU)",
            f"{reports} reports; memory {whole['memory_ratio']:.1f}× the baseline's",
        ),
        row(
            "export re-run, nothing changed",
            rerun["seconds"],
            "s",
            rerun["seconds"] / whole["seconds"],
            "first export",
            rerun["detail"],
        ),
    ]


# --- places ------------------------------------------------------------------------------------


def places(full: bool) -> list[Row]:
    """Agency names resolved to places, cold and warm, against a dict lookup of the names."""
    from bench.places import measure_resolve, sample_names
    from places import default_table

    table = default_table()
    names = sample_names(table, 2000 if full else 500)
    n = len(names)
    t = measure_resolve(table, names, 5 if full else 2)
    cold_s, base, warm_s, base_w = t["cold"], t["cold_base"], t["warm"], t["warm_base"]
    return [
        row("names, cold", n / cold_s, "names/s", cold_s / base, "dict lookup"),
        row("names, warm", n / warm_s, "names/s", warm_s / base_w, "dict lookup"),
    ]


# --- workers -----------------------------------------------------------------------------------


def workers(full: bool) -> list[Row]:
    """`ogi parse --json` of a folder of generated reports on two workers against one (wall
    time of the whole command; the records must be the same bytes)."""
    from bench.workers import measure

    r = measure(1000, 2, 2 if full else 1)
    return [
        row(
            "ogi parse --workers 2",
            r["reports"] / r["many"],
            "reports/s",
            r["many"] / r["one"],
            "--workers 1 (wall time)",
            f"speed-up {r['speedup']:.2f} (goal ≥ 1.8 on two free cores); {r['reports']} "
            f"generated reports, {r['one']:.1f} s on one worker, {r['many']:.1f} s on two; "
            f"fixed costs (a few reports) {r['fixed_one']:.2f} s and {r['fixed_many']:.2f} s, "
            f"past them the parse's speed-up {r['parse_speedup']:.2f}; two one-worker "
            f"commands at once take {r['together'] / r['one']:.2f}× one alone, a ceiling of "
            f"{r['ceiling']:.2f} for two workers on these cores; "
            f"load average {r['load']:.1f} at the start; records identical",
        )
    ]


BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "parse": parse,
    "accuracy": accuracy,
    "crawl": crawl,
    "discover": discover,
    "export": export,
    "pdf": pdf,
    "places": places,
    "workers": workers,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run one benchmark; print its rows as JSON.")
    ap.add_argument("name", choices=sorted(BENCHMARKS))
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rows = BENCHMARKS[args.name](args.full)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = {"rows": rows, "peak_rss": peak, "seconds": time.perf_counter() - t0}
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
