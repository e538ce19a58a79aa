"""Accuracy per family of generated documents (:mod:`fixtures.families`): share of the cells
(and prose counts, checks, agencies) decided exactly, share left undecided, and wrong ones —
the count that must stay 0.

    python -m bench.families [--count N] [--seed S] [--only family,…] [--failures]

``python -m bench.accuracy`` prints the same rows after the corpus table.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any

import parsers
from fixtures.families import FAMILIES, Case, cases
from parsers.model import ParseError

ABSENT = object()


@dataclass
class FamilyTally:
    documents: int = 0
    items: int = 0  # cells, prose counts, checks and agencies scored
    exact: int = 0
    undecided: int = 0
    wrong: int = 0
    failures: list[str] = field(default_factory=list)

    def count(self, case: Case, what: str, want: Any, got: Any) -> None:
        self.items += 1
        if got is not ABSENT and got == want and (got is None) == (want is None):
            self.exact += 1
        elif got is ABSENT or (got is None and want is not None):
            self.undecided += 1
        else:
            self.wrong += 1
            self.failures.append(f"{case.name}: {what} expected {want!r}, got {got!r}")

    @property
    def decided_share(self) -> float:
        return self.exact / self.items if self.items else 0.0

    @property
    def undecided_share(self) -> float:
        return self.undecided / self.items if self.items else 0.0


def _cell(record: dict, section: str, row: str, column: str) -> Any:
    tables = record.get("tables") or {}
    if section not in tables or row not in tables[section]:
        return ABSENT
    return tables[section][row].get(column, ABSENT)


def score_case(case: Case, tally: FamilyTally | None = None) -> FamilyTally:
    """Parse one generated document and count what it reads against the case's truth."""
    tally = tally if tally is not None else FamilyTally()
    tally.documents += 1
    try:
        record = parsers.parse(
            case.data, source=case.name, content_type=case.content_type
        ).to_dict()
    except ParseError as exc:
        record = {}
        tally.failures.append(f"{case.name}: {exc}")
    for section, rows in case.tables.items():
        for row, columns in rows.items():
            for column, want in columns.items():
                got = _cell(record, section, row, column)
                tally.count(case, f"{section}.{row}.{column}", want, got)
    prose = record.get("prose") or {}
    for key, want in case.prose.items():
        tally.count(case, f"prose.{key}", want, prose.get(key, ABSENT))
    for key, got in prose.items():
        if key in case.prose:
            continue
        if key in case.unreadable and got == case.unreadable[key]:
            continue  # a count the document leaves open, read as it truly is
        tally.count(case, f"prose.{key} (not stated)", ABSENT, got)
    checks = {c["rule"]: c["ok"] for c in record.get("checks", [])}
    for rule, want in case.checks.items():
        tally.count(case, f"check {rule}", want, checks.get(rule, ABSENT))
    if case.agency is not None:
        tally.count(case, "agency", case.agency, record.get("agency"))
    return tally


def run(
    count: int = 24, seed: int = 0, only: tuple[str, ...] = FAMILIES, out=sys.stdout
) -> dict[str, FamilyTally]:
    """Score ``count`` documents of each family; print one row per family."""
    tallies: dict[str, FamilyTally] = {}
    for family in only:
        tally = FamilyTally()
        for case in cases(family, count, seed):
            score_case(case, tally)
        tallies[family] = tally
    print("family               docs  items  decided  undecided  wrong", file=out)
    for family, t in tallies.items():
        print(
            f"{family:<20} {t.documents:4d} {t.items:6d} {t.decided_share:8.1%} "
            f"{t.undecided_share:10.1%} {t.wrong:6d}",
            file=out,
        )
    return tallies


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--count", type=int, default=24, help="documents per family")
    args.add_argument("--seed", type=int, default=0)
    args.add_argument("--only", default=",".join(FAMILIES), help="families, comma-separated")
    args.add_argument("--failures", action="store_true", help="list wrong values")
    opts = args.parse_args(argv)
    only = tuple(f for f in opts.only.split(",") if f)
    tallies = run(opts.count, opts.seed, only)
    if opts.failures:
        for tally in tallies.values():
            for failure in tally.failures:
                print(f"  ! {failure}")
    return 0 if all(t.wrong == 0 for t in tallies.values()) else 2


if __name__ == "__main__":
    raise SystemExit(main())
