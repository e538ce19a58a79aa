"""Cell accuracy of the parser on the real corpus, per input form and overall.

Every corpus document with an expected record (``cases.tsv``) is parsed and compared with its
record cell by cell. A cell is *exact* when the parser gives the expected number (or the
expected null), *undecided* when the parser leaves null a cell the record knows (allowed for
cells the record lists as uncertain, counted either way), and *wrong* when the parser gives
another number or misses the cell — the count that must stay at zero.

The time column is the best of three parses per document (warm caches).

The corpus table is followed by one row per family of generated documents
(:mod:`bench.families`): the share of cells decided exactly, the share left undecided, and the
wrong ones.

    python -m bench.accuracy [--per-document] [--family-count N]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from dataclasses import dataclass, field

import parsers
from bench import families
from parsers.model import ParseError
from tests.corpus import CORPUS, Case, cases

FORMS = ("html", "pipe", "flat", "pdf", "markdown")


@dataclass
class Tally:
    documents: int = 0
    cells: int = 0
    exact: int = 0
    undecided: int = 0  # null where the record has a number
    allowed: int = 0  # … of which the record itself lists the cell as uncertain
    wrong: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.documents += other.documents
        self.cells += other.cells
        self.exact += other.exact
        self.undecided += other.undecided
        self.allowed += other.allowed
        self.wrong += other.wrong
        self.seconds += other.seconds
        self.failures += other.failures

    @property
    def accuracy(self) -> float:
        return self.exact / self.cells if self.cells else 0.0


def _best_time(data: bytes, rounds: int) -> float:
    """The fastest of ``rounds`` parses (warm caches, as in a harvest of many reports)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        with contextlib.suppress(ParseError):
            parsers.parse(data)
        best = min(best, time.perf_counter() - start)
    return best


def score(case: Case, rounds: int = 3) -> Tally:
    """Parse one corpus document, count its cells and time it (best of ``rounds``)."""
    tally = Tally(documents=1)
    data = case.document.read_bytes()
    try:
        record = parsers.parse(data, source=case.document.name).to_dict()
    except ParseError as exc:
        record = {"tables": {}}
        tally.failures.append(f"{case.name}: {exc}")
    tally.seconds = _best_time(data, rounds)
    uncertain = case.uncertain
    for section, rows in (case.expected.get("tables") or {}).items():
        for row, columns in rows.items():
            for column, want in columns.items():
                tally.cells += 1
                got = (((record.get("tables") or {}).get(section) or {}).get(row) or {}).get(
                    column, "absent"
                )
                if got == want:
                    tally.exact += 1
                elif got is None:
                    tally.undecided += 1
                    tally.allowed += f"{section}.{row}.{column}" in uncertain
                else:
                    tally.wrong += 1
                    tally.failures.append(
                        f"{case.name}: {section}.{row}.{column} expected {want!r}, got {got!r}"
                    )
    return tally


def run(per_document: bool = False, out=sys.stdout) -> dict[str, Tally]:
    """Score every corpus case; print the table; return the tallies by form (and overall)."""
    by_form: dict[str, Tally] = {form: Tally() for form in FORMS}
    rows = []
    for case in cases(*FORMS):
        tally = score(case)
        by_form.setdefault(case.form, Tally()).add(tally)
        rows.append((case, tally))
    overall = Tally()
    for tally in by_form.values():
        overall.add(tally)
    if per_document:
        width = max((len(c.name) for c, _ in rows), default=10)
        print(f"{'document':<{width}}  form      cells  exact  undecided  wrong", file=out)
        for case, t in rows:
            print(
                f"{case.name:<{width}}  {case.form:<8} {t.cells:6d} {t.exact:6d} "
                f"{t.undecided:10d} {t.wrong:6d}",
                file=out,
            )
        print(file=out)
    print("form      docs  cells  exact  undecided (allowed)  wrong  accuracy  ms/report", file=out)
    for form, t in [*by_form.items(), ("overall", overall)]:
        if not t.documents:
            print(f"{form:<9} {0:4d}  (no documents)", file=out)
            continue
        print(
            f"{form:<9} {t.documents:4d} {t.cells:6d} {t.exact:6d} {t.undecided:10d} "
            f"{'(' + str(t.allowed) + ')':>9} {t.wrong:6d}  {t.accuracy:8.2%} "
            f"{1000 * t.seconds / t.documents:10.1f}",
            file=out,
        )
    for failure in overall.failures:
        print(f"  ! {failure}", file=out)
    by_form["overall"] = overall
    return by_form


def prose_row(out=sys.stdout) -> Tally:
    """The counts of the corpus's pre-2019 reports (``prose``): each expected key read
    exactly, left absent (undecided), or read as another number (wrong) — and keys the parser
    gives that the record does not hold count as wrong too."""
    tally = Tally()
    for case in cases("prose"):
        tally.documents += 1
        record = parsers.parse(case.document.read_bytes(), source=case.document.name).to_dict()
        got = record.get("prose") or {}
        want = case.expected.get("prose") or {}
        for key in {*want, *got}:
            tally.cells += 1
            if key in want and got.get(key) == want[key]:
                tally.exact += 1
            elif key in want and key not in got:
                tally.undecided += 1
            else:
                tally.wrong += 1
                tally.failures.append(
                    f"{case.name}: prose.{key} {want.get(key)!r} → {got.get(key)!r}"
                )
    print(
        f"{'prose':<9} {tally.documents:4d} {tally.cells:6d} {tally.exact:6d} {tally.undecided:10d} "
        f"{'':>9} {tally.wrong:6d}  {tally.accuracy:8.2%}   (pre-2019 counts)",
        file=out,
    )
    for failure in tally.failures:
        print(f"  ! {failure}", file=out)
    return tally


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--per-document", action="store_true", help="one line per document too")
    args.add_argument(
        "--family-count", type=int, default=24, help="generated documents per family (0: none)"
    )
    opts = args.parse_args(argv)
    wrong = 0
    if (CORPUS / "cases.tsv").exists():
        for case in cases(*FORMS)[:1]:  # imports and caches load outside the timings
            score(case)
        wrong += run(per_document=opts.per_document)["overall"].wrong
        wrong += prose_row().wrong
    else:
        print(f"no corpus at {CORPUS} (set OGI_CORPUS)", file=sys.stderr)
    if opts.family_count:
        print()
        tallies = families.run(opts.family_count)
        for tally in tallies.values():
            for failure in tally.failures:
                print(f"  ! {failure}")
        wrong += sum(t.wrong for t in tallies.values())
    return 0 if wrong == 0 else 2


if __name__ == "__main__":
    raise SystemExit(main())
