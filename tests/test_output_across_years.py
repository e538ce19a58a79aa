"""Cells a report leaves undecided and an identity across the agency's years decides: this
year's carried_over = last year's carried_forward; 现行有效件数 moving by 制发 − 废止. Decided
only among the readings the printed numbers allow, where every reading satisfying the identity
agrees; never against a printed number; shown in the datasets with the status
``decided_across_years`` and the other report named."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.reportgen import random_record, render_pipe
from output.across_years import (
    APPLICATION_COLUMNS,
    CARRY_OVER,
    DECIDED,
    IN_FORCE,
    DecidedCell,
    apply_decisions,
    decide_agency,
)
from output.frames import build_datasets
from output.inputs import ReportInput
from output.store import RecordStore, load_records
from parsers import parse
from parsers.model import BLANK, NUMBER, UNCERTAIN, CellValue, Report, RowReadings

AGENCY = "甲县人民政府"


def cells(values: dict[str, int | None]) -> dict[str, CellValue]:
    return {
        c: CellValue(None, "", BLANK) if v is None else CellValue(v, str(v), NUMBER)
        for c, v in values.items()
    }


def open_row(columns: tuple[str, ...], vectors, fixed: dict | None = None) -> dict:
    """A row the parser left open between ``vectors`` (cells in ``fixed`` were decided)."""
    readings = RowReadings(columns, tuple(tuple(v) for v in vectors))
    row = {c: CellValue(None, None, UNCERTAIN, readings=readings) for c in columns}
    for c, v in (fixed or {}).items():
        row[c] = CellValue(v, str(v), NUMBER) if v is not None else CellValue(None, "", BLANK)
    return row


def report(year: int, template: str = "2021", **tables) -> Report:
    return Report(agency=AGENCY, year=year, template=template, tables=tables)


def applications(**rows) -> dict:
    return {name: row for name, row in rows.items()}


def seven(*values) -> dict[str, int | None]:
    return dict(zip(APPLICATION_COLUMNS, values, strict=True))


def regs(issued, repealed, in_force) -> dict:
    return {"regulations": cells({"issued": issued, "repealed": repealed, "in_force": in_force})}


REGS = ("issued", "repealed", "in_force")
TWO_FOR_THREE = ((5, 120, None), (5, None, 120), (None, 5, 120))
"""Table 二's row printed ``5 | 120`` for three columns: the three placements."""


# --- carry-over --------------------------------------------------------------------------------

# carried_over printed "2 | 2" for seven columns: the total and one applicant column
CARRIED_OVER_READINGS = [tuple(2 if i in (k, 6) else None for i in range(7)) for k in range(6)]


def test_last_years_carried_forward_picks_this_years_reading():
    earlier = report(
        2022, applications=applications(carried_forward=cells(seven(0, 2, 0, 0, 0, 0, 2)))
    )
    later = report(
        2023,
        applications=applications(
            carried_over=open_row(APPLICATION_COLUMNS, CARRIED_OVER_READINGS, {"total": 2})
        ),
    )
    got = decide_agency([("e", earlier), ("l", later)])
    assert set(got) == {"l"}
    decided = {d.column: d.value for d in got["l"]}
    assert decided == {"natural_person": None, "commercial": 2, "research": None,
                       "social_org": None, "legal_service": None, "other_org": None}  # fmt: skip
    assert {(d.rule, d.other) for d in got["l"]} == {(CARRY_OVER, "e")}


def test_this_years_carried_over_picks_last_years_reading():
    earlier = report(
        2022,
        applications=applications(
            carried_forward=open_row(APPLICATION_COLUMNS, CARRIED_OVER_READINGS, {"total": 2})
        ),
    )
    later = report(2023, applications=applications(carried_over=cells(seven(0, 0, 0, 2, 0, 0, 2))))
    got = decide_agency([("l", later), ("e", earlier)])  # any order: years pair them
    assert {d.column: d.value for d in got["e"]}["social_org"] == 2
    assert all(d.other == "l" for d in got["e"])


def test_no_decision_against_a_printed_number_or_beyond_the_readings():
    # last year carried forward 3 in total: no reading of this year's row says so
    earlier = report(
        2022, applications=applications(carried_forward=cells(seven(3, 0, 0, 0, 0, 0, 3)))
    )
    later = report(
        2023,
        applications=applications(
            carried_over=open_row(APPLICATION_COLUMNS, CARRIED_OVER_READINGS, {"total": 2})
        ),
    )
    assert decide_agency([("e", earlier), ("l", later)]) == {}
    # last year's vector matches no reading at all (2 in two applicant columns)
    earlier = report(
        2022, applications=applications(carried_forward=cells(seven(2, 2, 0, 0, 0, 0, 2)))
    )
    assert decide_agency([("e", earlier), ("l", later)]) == {}


def test_ambiguity_left_by_the_identity_stays_undecided():
    # last year's row is open too, between the same two readings: nothing tells them apart
    two = CARRIED_OVER_READINGS[:2]
    earlier = report(
        2022, applications=applications(carried_forward=open_row(APPLICATION_COLUMNS, two))
    )
    later = report(2023, applications=applications(carried_over=open_row(APPLICATION_COLUMNS, two)))
    assert decide_agency([("e", earlier), ("l", later)]) == {}


def test_table_three_carries_a_decision_to_the_rows_its_rules_tie():
    # this year: nothing new and nothing handled, so what came over is what goes forward
    # (new + carried_over = total + carried_forward); both rows print "2 | 2"
    later = report(
        2023,
        applications=applications(
            new=cells(seven(0, 0, 0, 0, 0, 0, 0)),
            carried_over=open_row(APPLICATION_COLUMNS, CARRIED_OVER_READINGS, {"total": 2}),
            total=cells(seven(0, 0, 0, 0, 0, 0, 0)),
            carried_forward=open_row(APPLICATION_COLUMNS, CARRIED_OVER_READINGS, {"total": 2}),
        ),
    )
    earlier = report(
        2022, applications=applications(carried_forward=cells(seven(0, 2, 0, 0, 0, 0, 2)))
    )
    got = {(d.row, d.column): d.value for d in decide_agency([("e", earlier), ("l", later)])["l"]}
    assert got[("carried_over", "commercial")] == 2 and got[("carried_forward", "commercial")] == 2
    assert got[("carried_forward", "natural_person")] is None
    # without the balance's rows the carried_forward row stays open
    del later.tables["applications"]["new"]
    got = {(d.row, d.column) for d in decide_agency([("e", earlier), ("l", later)])["l"]}
    assert ("carried_over", "commercial") in got and ("carried_forward", "commercial") not in got


def test_years_not_consecutive_or_a_cell_unknown_decide_nothing():
    earlier = report(
        2021, applications=applications(carried_forward=cells(seven(0, 2, 0, 0, 0, 0, 2)))
    )
    row = open_row(APPLICATION_COLUMNS, CARRIED_OVER_READINGS, {"total": 2})
    assert (
        decide_agency([("e", earlier), ("l", report(2023, applications={"carried_over": row}))])
        == {}
    )
    unknown = cells(seven(0, 2, 0, 0, 0, 0, 2))
    unknown["commercial"] = CellValue(None, None, UNCERTAIN)  # undecided, no readings kept
    earlier = report(2022, applications=applications(carried_forward=unknown))
    assert (
        decide_agency([("e", earlier), ("l", report(2023, applications={"carried_over": row}))])
        == {}
    )


# --- in force ----------------------------------------------------------------------------------


def test_in_force_from_both_neighbours_decides_two_numbers_printed_for_three_columns():
    row = {"regulations": open_row(REGS, TWO_FOR_THREE)}
    before, after = report(2022, proactive=regs(1, 2, 115)), report(2024, proactive=regs(3, 5, 118))
    # last year's in_force alone: 115 + 5 − 0 = 120, but 0 = 115 + 5 − 120 holds as well
    alone = decide_agency([("a", before), ("b", report(2023, proactive=row))])
    assert {d.column: d.value for d in alone["b"]} == {"issued": 5}
    # next year's too: 118 = 120 + 3 − 5 only if 120 is in force
    both = decide_agency([("a", before), ("b", report(2023, proactive=row)), ("c", after)])
    assert {d.column: d.value for d in both["b"]} == {
        "issued": 5,
        "repealed": None,
        "in_force": 120,
    }
    assert {d.rule for d in both["b"]} == {IN_FORCE}
    assert {d.other for d in both["b"]} == {"a, c"}


def test_in_force_is_a_2021_format_identity():
    row = {"regulations": open_row(REGS, TWO_FOR_THREE)}
    before = report(2020, "2019", proactive=regs(1, 2, 115))
    assert decide_agency([("a", before), ("b", report(2021, proactive=row))]) == {}


def test_a_cell_two_identities_narrow_to_nothing_in_common_stays_undecided():
    row = {"regulations": open_row(REGS, TWO_FOR_THREE)}
    before = report(2022, proactive=regs(0, 0, 125))  # says (None, 5, 120): 120 = 125 + 0 − 5
    after = report(2024, proactive=regs(0, 0, 0))  # says in_force 0: (5, 120, None)
    assert decide_agency([("a", before), ("b", report(2023, proactive=row)), ("c", after)]) == {}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(*[st.one_of(st.none(), st.integers(0, 6))] * 3),
        min_size=2,
        max_size=6,
        unique=True,
    ),
    st.tuples(*[st.integers(0, 6)] * 3),
)
def test_a_decision_is_what_every_reading_satisfying_the_identity_says(vectors, last_year):
    row = {"regulations": open_row(REGS, vectors)}
    before = report(2022, proactive=regs(*last_year))
    got = decide_agency([("a", before), ("b", report(2023, proactive=row))])
    E = last_year[2]
    holding = [v for v in vectors if (v[2] or 0) == E + (v[0] or 0) - (v[1] or 0)]
    for d in got.get("b", []):
        i = REGS.index(d.column)
        assert holding and {v[i] for v in holding} == {d.value}
    if not holding or len(holding) == len(vectors):
        assert not got  # nothing satisfies, or nothing is narrowed: nothing decided


# --- applying, storing, building ----------------------------------------------------------------


def test_decided_cells_name_the_rule_and_the_other_report():
    row = {"regulations": open_row(REGS, TWO_FOR_THREE)}
    later = report(2023, proactive=row)
    got = decide_agency([("a", report(2022, proactive=regs(1, 2, 115))), ("b", later)])
    done = apply_decisions(later, got["b"])
    cell = done.tables["proactive"]["regulations"]["issued"]
    assert isinstance(cell, DecidedCell) and cell.status == DECIDED and cell.value == 5
    assert (cell.rule, cell.other, cell.raw) == (IN_FORCE, "a", "5")
    assert done.tables["proactive"]["regulations"]["in_force"].status == UNCERTAIN
    assert later.tables["proactive"]["regulations"]["issued"].status == UNCERTAIN  # a copy
    assert "decided across years" in done.warnings[-1]


def pipe_report(year: int, regulations: dict, seed: int) -> Report:
    record = random_record(random.Random(seed), "2021", agency=AGENCY, year=year,
                           blank_rate=0.0, dash_rate=0.0)  # fmt: skip
    record["tables"]["proactive"]["regulations"] = regulations
    return parse(render_pipe(record).encode(), content_type="text/plain", source=f"{year}.txt")


@pytest.fixture(scope="module")
def three_years() -> list[Report]:
    return [
        pipe_report(2022, {"issued": 1, "repealed": 2, "in_force": 115}, 1),
        pipe_report(2023, {"issued": 5, "repealed": None, "in_force": 120}, 2),
        pipe_report(2024, {"issued": 3, "repealed": 5, "in_force": 118}, 3),
    ]


def test_the_parser_keeps_the_open_readings_and_the_store_keeps_them_too(three_years, tmp_path):
    regulations = three_years[1].tables["proactive"]["regulations"]
    assert {c.status for c in regulations.values()} == {UNCERTAIN}
    readings = regulations["issued"].readings
    assert readings is not None and set(readings.vectors) == set(TWO_FOR_THREE)
    assert three_years[1].to_dict()["tables"]["proactive"]["regulations"]["issued"] is None
    with RecordStore(tmp_path / "records.sqlite") as store:
        store.put(ReportInput(three_years[1], url="http://x.gov.cn/2023.html"))
    (back,) = [h.load() for h in load_records(tmp_path / "records.sqlite")]
    assert back.report.tables["proactive"]["regulations"]["in_force"].readings == readings


def test_the_datasets_show_the_cells_decided_across_years(three_years, tmp_path):
    with RecordStore(tmp_path / "records.sqlite") as store:
        for r in three_years:
            store.put(ReportInput(r, url=f"http://x.gov.cn/{r.year}.html"))
    ds = build_datasets(list(load_records(tmp_path / "records.sqlite")))
    reports = ds["reports"].frame.set_index("year")["report_id"]
    c = ds["cells"].frame
    decided = c[c["status"] == DECIDED].set_index("column")
    assert set(decided.index) == set(REGS) and set(decided["year"]) == {2023}
    assert decided.loc["issued", "value"] == 5 and decided.loc["in_force", "value"] == 120
    assert decided["value"].isna()["repealed"]
    assert set(decided["decided_by"]) == {IN_FORCE}
    assert set(decided["decided_from"]) == {f"{reports[2022]}, {reports[2024]}"}
    assert c[c["status"] != DECIDED]["decided_from"].isna().all()
    panel = ds["panel"].frame.set_index("year")
    assert panel.loc[2023, "proactive__regulations__in_force"] == 120
    assert panel.loc[2023, "n_uncertain"] == 0
    codebook = ds["codebook"].frame.set_index(["dataset", "column"])
    assert DECIDED in codebook.loc[("cells", "status"), "description"]
    assert "carry_over" in codebook.loc[("cells", "decided_by"), "description"]


def test_without_its_neighbours_a_report_keeps_its_undecided_cells(three_years):
    ds = build_datasets([three_years[1]])
    c = ds["cells"].frame
    assert not (c["status"] == DECIDED).any()
    assert (c[c["row"] == "regulations"]["status"] == UNCERTAIN).all()


def test_generated_agency_series_are_decided_without_a_wrong_number():
    from bench.across_years import score

    result = score(agencies=6, seed=1)
    assert result.in_rows and result.decided  # something open, something decided …
    assert result.wrong == 0  # … and nothing that was not printed there
