"""Agency-name resolution speed: names/s, as ratios to a plain dict lookup of the same names.

Names are drawn (seeded) from the packaged division table in the shapes reports use —
township and county governments with their parents, departments, lone township names that
several provinces share (with report text as context), zones outside the table — plus the
corpus agencies when the shared corpus is present. Three measures, each interleaved with its
baseline in this process:

- cold: every name read from scratch (the reading cache cleared before each batch);
- warm: names seen before (a panel repeats each agency once a year);
- panel: a record's place (``record_place``) for each name's reports of six years, with
  empty caches, as a harvest first meets an agency's reports;
- first meeting: a record's place for each name once, with empty caches (what every report
  of a national backfill pays, and every distinct report ``bench.parse`` parses);
- load: reading the packaged table, against decompressing and splitting the same file.

    python -m bench.places [--names N] [--rounds N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from importlib import resources
from pathlib import Path

from bench.timing import interleaved
from places import DivisionTable, default_table, record_place, resolve
from places.readings import clear_cache

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "expected"
DEPARTMENTS = ("公安局", "教育局", "发展和改革委员会", "财政局", "人民政府办公室", "卫生健康委员会")


def sample_names(table: DivisionTable, count: int, seed: int = 6) -> list[tuple[str, str | None]]:
    """(agency name, context text or None) pairs in realistic proportions."""
    rng = random.Random(seed)
    current = [d for d in table.by_code.values() if d.last == table.latest and not d.placeholder]
    townships = [d for d in current if d.level == "township"]
    counties = [d for d in current if d.level == "county"]
    cities = [d for d in current if d.level == "city"]

    def parent_names(division) -> str:
        ancestors = table.ancestors(division)
        return "".join(ancestors[lv].name for lv in ("city", "county") if lv in ancestors)

    out: list[tuple[str, str | None]] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.45:
            t = rng.choice(townships)
            out.append((parent_names(t) + t.name + "人民政府", None))
        elif roll < 0.6:
            c = rng.choice(counties)
            out.append((parent_names(c) + "人民政府", None))
        elif roll < 0.8:
            c = rng.choice(counties + cities)
            out.append((parent_names(c) + rng.choice(DEPARTMENTS), None))
        elif roll < 0.92:
            t = rng.choice(townships)
            text = (
                f"{parent_names(t)}{t.name}2023年政府信息公开工作年度报告。本报告由{t.name}编制。"
            )
            out.append((t.name + "人民政府", text))
        else:
            c = rng.choice(cities)
            out.append((c.name + rng.choice(("高新技术产业开发区管委会", "综合实验区")), None))
    if CORPUS.exists():
        for path in sorted(CORPUS.glob("*.json")):
            agency = json.loads(path.read_text(encoding="utf-8")).get("agency")
            if agency:
                out.append((agency, None))
    return out


def measure_resolve(
    table: DivisionTable,
    names: list[tuple[str, str | None]],
    rounds: int,
    *,
    warm_number: int = 1,
) -> dict[str, float]:
    """Seconds to resolve every name with empty caches (``cold``) and again with them full
    (``warm``), each beside its baseline in the same process: a dict lookup of every name."""
    plain = {name: None for name, _ in names}

    def baseline() -> None:
        for name, _ in names:
            plain.get(name)

    def cold() -> None:
        clear_cache(table)
        for name, context in names:
            resolve(name, context=context)

    def warm() -> None:
        for name, context in names:
            resolve(name, context=context)

    cold_s, cold_base = interleaved(cold, baseline, rounds=rounds, number=1)
    warm()
    warm_s, warm_base = interleaved(warm, baseline, rounds=rounds, number=warm_number)
    return {"cold": cold_s, "cold_base": cold_base, "warm": warm_s, "warm_base": warm_base}


PANEL_YEARS = (2019, 2020, 2021, 2022, 2023, 2024)


def measure_panel(
    table: DivisionTable,
    names: list[tuple[str, str | None]],
    rounds: int,
    years: tuple[int, ...] = PANEL_YEARS,
) -> tuple[float, float]:
    """(ratio to a dict lookup, reports/s) of a record's place for every name in each of
    ``years``, the caches emptied first: each name is met again once a year (with one year,
    every name is met for the first time)."""
    reports = [(name, context, year) for name, context in names for year in years]
    plain = {(name, year): None for name, _context, year in reports}

    def baseline() -> None:
        for name, _context, year in reports:
            plain.get((name, year))

    def panel() -> None:
        clear_cache(table)
        for name, context, year in reports:
            record_place(name, context=context, year=year)

    measured, base = interleaved(panel, baseline, rounds=rounds, number=1)
    return measured / base, len(reports) / measured


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--names", type=int, default=2000)
    args.add_argument("--rounds", type=int, default=5)
    opts = args.parse_args(argv)

    table = default_table()
    names = sample_names(table, opts.names)
    n = len(names)
    timing = measure_resolve(table, names, opts.rounds, warm_number=3)
    print(f"{n} names; dict lookup: {n / timing['cold_base']:,.0f} names/s")
    cold, warm = timing["cold"], timing["warm"]
    print(
        f"cold (uncached): {n / cold:8,.0f} names/s  ratio to dict lookup "
        f"{cold / timing['cold_base']:8.0f}"
    )
    print(
        f"warm (cached):   {n / warm:8,.0f} names/s  ratio to dict lookup "
        f"{warm / timing['warm_base']:8.0f}"
    )

    ratio, rate = measure_panel(table, names, opts.rounds)
    print(
        f"panel ({len(PANEL_YEARS)} years a name, uncached): {rate:8,.0f} reports/s  "
        f"ratio to dict lookup {ratio:8.0f}"
    )

    ratio, rate = measure_panel(table, names, opts.rounds, years=(2023,))
    print(
        f"first meeting (record_place, uncached): {rate:8,.0f} names/s  "
        f"({1e6 / rate:.1f} us a name)  ratio to dict lookup {ratio:8.0f}"
    )

    data = resources.files("places").joinpath("data", "divisions.tsv.gz").read_bytes()
    measured, base = interleaved(
        lambda: DivisionTable.load(),
        lambda: gzip.decompress(data).decode("utf-8").split("\n"),
        rounds=opts.rounds,
        number=1,
    )
    print(
        f"table load: {measured * 1000:.0f} ms ({len(data) / 1024:.0f} KB file, {len(table):,} codes)"
        f"  ratio to gunzip+split {measured / base:.1f}"
    )
    resolved = [resolve(name, context=context) for name, context in names]
    unique = sum(1 for p in resolved if p.level != "unknown" and not p.candidates)
    print(f"resolved to one place: {unique}/{n} ({unique / n:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
