"""Cells decided across years: of the cells the parser leaves undecided in generated agency
series (:mod:`fixtures.across_years`: pipe text, blank cells moved to the end of their row), how
many the datasets decide from the neighbouring years, how many stay undecided, and how many are
decided wrong — the count that must stay at zero. Also the share of the build's time the
cross-year stage takes (a ratio, measured in the same process).

    python -m bench.across_years [--agencies 40] [--seed 0]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass

import pandas as pd

from fixtures.across_years import agency_names, agency_years, documents, truth
from output.across_years import DECIDED
from output.build import Build
from output.scratch import Scratch
from output.writers.arrow import to_frame
from parsers import parse
from parsers.model import UNCERTAIN

IDENTITY_ROWS = ("carried_over", "carried_forward", "regulations", "normative_documents")


@dataclass
class Score:
    reports: int = 0
    undecided: int = 0  # left undecided by the parser
    in_rows: int = 0  # … in the rows the identities tie (上年结转, 结转下年度, 规章, 规范性文件)
    decided: int = 0  # … decided across years in the datasets
    carried: int = 0  # … of which outside those rows (carried there by table 三's own rules)
    wrong: int = 0  # … of which not the printed value
    stage_share: float = 0.0  # the cross-year stage's share of the build time

    def line(self) -> str:
        direct = self.decided - self.carried
        share = direct / self.in_rows if self.in_rows else 0.0
        return (
            f"{self.reports} reports: {self.undecided} cells undecided by the parser, "
            f"{self.in_rows} of them in the rows the identities tie; decided across years: "
            f"{direct} of those ({share:.1%}) and {self.carried} in other rows through table "
            f"三's own rules; {self.undecided - self.decided} still undecided; "
            f"{self.wrong} wrong; cross-year stage {self.stage_share:.1%} of the build"
        )


def score(agencies: int = 40, seed: int = 0) -> Score:
    rng = random.Random(seed)
    reports, truths = [], {}
    for n, agency in enumerate(agency_names(rng, agencies)):
        records = agency_years(rng, agency)
        for record, data in zip(records, documents(records), strict=True):
            report = parse(data, content_type="text/plain", source=f"{n}-{record['year']}.txt")
            reports.append(report)
            truths[(record["agency"], record["year"])] = truth(record)
    out = Score(reports=len(reports))
    stages: list[tuple[str, float]] = []
    cells_frames = []
    with Scratch() as scratch:  # one whole build, its stages timed
        build = Build(reports, scratch, on_stage=lambda s: stages.append((s, time.perf_counter())))
        start = time.perf_counter()
        build.index()
        for spec, chunks in build.streams():
            for chunk in chunks:
                if spec.name == "cells":
                    cells_frames.append(to_frame(chunk, spec.columns))
                elif spec.name == "reports":
                    reports_frame = chunk
        end = time.perf_counter()
    out.stage_share = build.across_years_seconds / (end - start)
    frames = {"reports": reports_frame, "cells": pd.concat(cells_frames, ignore_index=True)}
    meta = frames["reports"].set_index("report_id")[["agency", "year"]]
    undecided = {
        (r.agency, r.year, s, row, c)
        for r in reports
        for s, row, c, cell in r.cells()
        if cell.status == UNCERTAIN
    }
    out.undecided = len(undecided)
    out.in_rows = sum(1 for key in undecided if key[3] in IDENTITY_ROWS)
    cells = frames["cells"]
    for row in cells[cells["status"] == DECIDED].itertuples(index=False):
        agency, year = meta.loc[row.report_id, "agency"], int(meta.loc[row.report_id, "year"])
        out.decided += 1
        out.carried += row.row not in IDENTITY_ROWS
        expected = truths[(agency, year)][(row.section, row.row, row.column)]
        got = None if row.value is None or _isnan(row.value) else row.value
        if got != expected:
            out.wrong += 1
    return out


def _isnan(value) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return str(value) == "<NA>"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agencies", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    result = score(args.agencies, args.seed)
    print(result.line())
    return 1 if result.wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
