"""Parser speed: reports/s and the ratio to the floor, measured in the same process.

The floor for an HTML report is what any parser must at least do: decode the bytes, build the
DOM with selectolax (lexbor) and take the text of every table cell. For pipe text the floor is
decoding plus splitting the lines, and the same for flattened text (cells run together, split
by arithmetic). Inputs: the corpus HTML pages and pipe texts (when the
shared corpus is present) and generated report pages of realistic size (40–150 KB), each
parsed many times; then distinct generated reports parsed once each, as a harvest meets
them (text particular to a page is then new to every cache).

    python -m bench.parse [--rounds N]

The process is readied as ``ogi parse``'s workers are (:mod:`parsers.warm`: the parsers
imported, the place table loaded and frozen out of the garbage collector's way). Otherwise a
full collection walking the place table (~20 ms) falls inside one row or another depending on
the run, and a row of 24 reports measures it more than the parser.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

import parsers
from bench.timing import interleaved

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "docs"


def html_floor(data: bytes) -> None:
    tree = LexborHTMLParser(data.decode("utf-8", errors="replace"))
    for cell in tree.css("td, th"):
        cell.text()


def pipe_floor(data: bytes) -> None:
    data.decode("utf-8", errors="replace").splitlines()


def inputs() -> list[tuple[str, str, bytes]]:
    """(name, form, bytes) of every benchmark input."""
    out: list[tuple[str, str, bytes]] = []
    if CORPUS.exists():
        for path in sorted(CORPUS.glob("*.html")):
            out.append((path.name, "html", path.read_bytes()))
        for path in sorted(CORPUS.glob("*.pipe.txt")):
            out.append((path.name, "pipe", path.read_bytes()))
        for path in sorted(CORPUS.glob("*.flat.txt")):
            out.append((path.name, "flat", path.read_bytes()))
    try:
        from fixtures.reportgen import random_record, render_flat, render_html, render_pipe
    except ImportError:
        return out
    rng = random.Random(20240125)
    for i, template in enumerate(("2021", "2019", "2021")):
        record = random_record(rng, template)
        page = render_html(record, "trs_page", rng=rng).encode("utf-8")
        out.append((f"generated-{i}-{template}.html ({len(page) // 1024} KB)", "html", page))
        out.append((f"generated-{i}-{template}.pipe", "pipe", render_pipe(record).encode("utf-8")))
        out.append((f"generated-{i}-{template}.flat", "flat", render_flat(record).encode("utf-8")))
    for i, template in enumerate(("2021", "2019")):  # big agencies: long runs of digits
        record = random_record(rng, template, big=True)
        out.append((f"generated-big-{i}-{template}.flat", "flat", render_flat(record).encode()))
    return out


def distinct_inputs(count: int = 40) -> list[tuple[str, bytes]]:
    """(form, bytes) of ``count`` generated HTML pages (40-150 KB) and pipe texts, each from a
    record of its own: a harvest meets every page once, so the text particular to a page
    (labels, numbers, the page's own blocks) is new to every cache."""
    try:
        from fixtures.reportgen import random_record, render_html, render_pipe
    except ImportError:
        return []
    rng = random.Random(20240126)
    out: list[tuple[str, bytes]] = []
    for i in range(count):
        record = random_record(rng, ("2021", "2019")[i % 2])
        out.append(("html", render_html(record, "trs_page", rng=rng).encode("utf-8")))
        out.append(("pipe", render_pipe(record).encode("utf-8")))
    return out


def undecided_inputs(count: int = 24) -> list[tuple[str, bytes]]:
    """(form, bytes) of ``count`` generated pipe texts whose zeros of tables 三 and 四 are
    printed as nothing and one of whose totals is printed wrong (:mod:`fixtures.reportgen.damage`):
    no reading of the table adds up, the fast path hands them to the general reader, and their
    short rows stay undecided — the family of the corpus's 2019 Shanghai pipe text."""
    try:
        from fixtures.reportgen import blank_zeros, damage_total, random_record, render_pipe
    except ImportError:
        return []
    rng = random.Random(20240127)
    out: list[tuple[str, bytes]] = []
    for i in range(count):
        record = blank_zeros(random_record(rng, ("2019", "2021")[i % 2], big=i % 3 == 0))
        record = damage_total(record, rng, ("applications", "appeals", None)[i % 3])
        out.append(("pipe", render_pipe(record).encode("utf-8")))
    return out


def once_each(pages: list[tuple[str, bytes]]) -> dict[str, tuple[int, float, float]]:
    """Per form: (pages, seconds parsing, seconds of the floor), each page parsed once, the
    floor run on the same page just before it."""
    totals: dict[str, list[float]] = {}
    for form, data in pages:
        floor = html_floor if form == "html" else pipe_floor
        start = time.process_time()
        floor(data)
        middle = time.process_time()
        parsers.parse(data)
        end = time.process_time()
        entry = totals.setdefault(form, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += end - middle
        entry[2] += middle - start
    return {form: (int(n), parse, floor) for form, (n, parse, floor) in totals.items()}


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--rounds", type=int, default=7)
    opts = args.parse_args(argv)
    import parsers.warm  # noqa: F401  (see the module's docstring)

    rows = []
    totals: dict[str, list[float]] = {"html": [0.0, 0.0], "pipe": [0.0, 0.0], "flat": [0.0, 0.0]}
    for name, form, data in inputs():
        floor = html_floor if form == "html" else pipe_floor
        measured, baseline = interleaved(
            lambda d=data: parsers.parse(d), lambda d=data, f=floor: f(d), rounds=opts.rounds
        )
        totals[form][0] += measured
        totals[form][1] += baseline
        rows.append((name, form, 1 / measured, measured / baseline))
    if not rows:
        print("no inputs (corpus absent and fixtures unavailable)", file=sys.stderr)
        return 1
    width = max(len(r[0]) for r in rows)
    print(f"{'input':<{width}}  form  reports/s  ratio to floor")
    for name, form, rate, ratio in rows:
        print(f"{name:<{width}}  {form:<4}  {rate:9.0f}  {ratio:6.2f}")
    for form, (measured, baseline) in totals.items():
        count = sum(1 for r in rows if r[1] == form)
        if count:
            print(
                f"{form} overall: {count / measured:.0f} reports/s per core, "
                f"ratio to floor {measured / baseline:.2f}"
            )
    distinct = distinct_inputs()
    if distinct:
        for data in (d for _, d in distinct[-4:]):  # imports and tables loaded beforehand
            parsers.parse(data)
        print("distinct generated reports, each parsed once (as a harvest meets them):")
        for form, (count, measured, baseline) in once_each(distinct[:-4]).items():
            print(
                f"{form}: {count} reports, {count / measured:.0f} reports/s per core, "
                f"ratio to floor {measured / baseline:.2f}"
            )
    undecided = undecided_inputs()
    if undecided:
        print("pipe text whose table does not add up (generated, each parsed once):")
        for _form, (count, measured, baseline) in once_each(undecided).items():
            print(
                f"{count} reports, {count / measured:.0f} reports/s per core, "
                f"ratio to floor {measured / baseline:.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
