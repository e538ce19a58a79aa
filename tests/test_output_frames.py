"""Records → reports, cells, panel and codebook frames: values, versions, indicators, prose."""

from __future__ import annotations

import random
import sys
import types

import pandas as pd
import pytest

from fixtures.townships import balanced_tables, make_report, township_series
from output.frames import build_datasets
from output.indicators import INDICATORS, indicator
from output.inputs import ReportInput, normalize_code
from output.prose import ProseField, load_crosswalk, prose_fields
from parsers.checks import run_checks
from parsers.model import BLANK, DASH, NUMBER, UNCERTAIN, CellValue, Check, Report
from parsers.schema import (
    APPLICATION_ROWS,
    SECTION_APPLICATIONS,
    english_label,
    official_label,
    shape,
)


def _na(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _report(agency="某某镇人民政府", year=2023, seed=1, template="2021", **kwargs) -> Report:
    tables = balanced_tables(random.Random(seed), template)
    return make_report(agency, year, tables, template=template, **kwargs)


def _row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------------


def test_cells_keep_every_cell_with_its_raw_text_and_status():
    report = _report()
    apps = report.tables[SECTION_APPLICATIONS]
    apps["new"]["research"] = CellValue(None, "", BLANK)
    apps["new"]["commercial"] = CellValue(None, "—", DASH)
    apps["granted"]["other_org"] = CellValue(None, "12 3", UNCERTAIN)
    report.tables["proactive"]["fees"]["amount"] = CellValue(2.5, "2.5万元", NUMBER, "万元")
    cells = build_datasets([report])["cells"].frame
    assert len(cells) == len(report.cells())
    for section, row, column, cell in report.cells():
        got = _row(cells, section=section, row=row, column=column)
        assert got["code"] == f"{section}__{row}__{column}"
        assert got["status"] == cell.status
        assert (got["raw"] if not _na(got["raw"]) else None) == cell.raw
        if cell.value is None:
            assert _na(got["value"]), f"{section}.{row}.{column} must stay null, not 0"
        else:
            assert got["value"] == cell.value
    assert _row(cells, code="proactive__fees__amount")["unit"] == "万元"
    assert set(cells["year"]) == {2023}


# --------------------------------------------------------------------------------------------
# panel: values, indicators, cross-year check
# --------------------------------------------------------------------------------------------


def test_panel_has_one_row_per_agency_year_with_every_cell_value():
    items = township_series(random.Random(7), townships=4, years=(2021, 2022, 2023))
    panel = build_datasets(items)["panel"].frame
    assert len(panel) == len(items)
    assert not panel.duplicated(["agency_id", "year"]).any()
    for item in items:
        report = item.report
        row = _row(panel, agency=report.agency, year=report.year)
        assert row["division_code"] == normalize_code(report.place["code"])
        assert row["township"] == report.place["township"]
        assert row["url"] == item.url and row["warc_record_id"] == item.warc_record_id
        for section, r, c, cell in report.cells():
            assert row[f"{section}__{r}__{c}"] == cell.value


def test_panel_columns_cover_both_templates_in_printed_order():
    panel = build_datasets([_report(template="2019"), _report("乙镇人民政府", seed=2)])["panel"]
    names = [c.name for c in panel.columns]
    for template in ("2019", "2021"):
        for section, row, column in shape(template).codes():
            assert f"{section}__{row}__{column}" in names
    # the 2019-only row （六）其他处理 sits before （七）总计, where it is printed
    other = names.index("applications__other__total")
    assert names.index("applications__other_other__total") < other
    assert other < names.index("applications__total__natural_person")
    two_nineteen = _row(panel.frame, template="2019")
    assert _na(two_nineteen["applications__other_other__total"])  # not in that template
    assert not _na(two_nineteen["applications__other__total"])


def _sum(report: Report, rows) -> float | None:
    values = [report.value(SECTION_APPLICATIONS, r, "total") for r in rows]
    return None if any(v is None for v in values) else sum(values)


def test_indicators_follow_their_formulas():
    items = township_series(random.Random(11), townships=5, years=(2023,))
    panel = build_datasets(items)["panel"].frame
    denied = [r.code for r in APPLICATION_ROWS if r.code.startswith("denied_")]
    unable = [r.code for r in APPLICATION_ROWS if r.code.startswith("unable_")]
    groups = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    for item in items:
        report = item.report
        row = _row(panel, agency=report.agency, year=report.year)
        total = report.value(SECTION_APPLICATIONS, "total", "total")
        assert row["requests_received"] == report.value(SECTION_APPLICATIONS, "new", "total")
        assert row["requests_handled"] == total
        if total:
            granted = _sum(report, ["granted", "partial"])
            assert row["grant_rate"] == pytest.approx(granted / total)
            assert row["refusal_rate"] == pytest.approx(_sum(report, denied) / total)
            assert row["unable_rate"] == pytest.approx(_sum(report, unable) / total)
        else:
            assert _na(row["grant_rate"]), "a rate over zero requests is null, not 0"
        corrected = sum(report.value("appeals", g, "corrected") for g in groups)
        concluded = sum(
            report.value("appeals", g, r) for g in groups for r in ("upheld", "corrected", "other")
        )
        if concluded:
            assert row["appeals_corrected_rate"] == pytest.approx(corrected / concluded)
        else:
            assert _na(row["appeals_corrected_rate"])
        litigation = report.value("appeals", groups[1], "total") + report.value(
            "appeals", groups[2], "total"
        )
        assert row["litigation_cases"] == litigation


def test_an_indicator_with_a_null_input_is_null_never_zero():
    report = _report()
    report.tables[SECTION_APPLICATIONS]["partial"]["total"] = CellValue(None, "", BLANK)
    report.tables[SECTION_APPLICATIONS]["denied_query"]["total"] = CellValue(None, "/", DASH)
    row = build_datasets([report])["panel"].frame.iloc[0]
    assert _na(row["grant_rate"]) and _na(row["refusal_rate"])
    assert not _na(row["unable_rate"])  # its inputs are all present


def test_indicator_formulas_are_data():
    grant = indicator("grant_rate")
    assert grant.formula == (
        "(applications__granted__total + applications__partial__total) / applications__total__total"
    )
    assert len(indicator("refusal_rate").numerator) == sum(
        1 for r in APPLICATION_ROWS if r.code.startswith("denied_")
    )
    with pytest.raises(KeyError, match="grant_rate"):
        indicator("no_such_indicator")


def test_cross_year_check_flags_a_carry_over_that_does_not_match():
    items = township_series(random.Random(5), townships=4, break_carry=["光明街道"])
    panel = build_datasets(items)["panel"].frame
    for row in panel.itertuples():
        if row.year == 2022:
            assert _na(row.xyear_carryover_ok)
            assert row.xyear_carryover_detail == "no report for 2021"
        elif "光明街道" in row.agency:
            assert row.xyear_carryover_ok is False or row.xyear_carryover_ok == False  # noqa: E712
            assert "total: carried over" in row.xyear_carryover_detail
        else:
            assert row.xyear_carryover_ok == True  # noqa: E712
            assert _na(row.xyear_carryover_detail)
    for item in items:
        if item.report.year == 2023:
            previous = next(
                i.report
                for i in items
                if i.report.agency == item.report.agency and i.report.year == 2022
            )
            row = _row(panel, agency=item.report.agency, year=2023)
            assert row["xyear_prev_carried_forward"] == previous.value(
                SECTION_APPLICATIONS, "carried_forward", "total"
            )


# --------------------------------------------------------------------------------------------
# versions
# --------------------------------------------------------------------------------------------


def test_a_corrected_reissue_is_current_and_the_original_stays_superseded():
    original = _report(seed=1, published="2024-01-20")
    corrected = _report(
        seed=2, published="2024-01-20", title="某某镇2023年政府信息公开工作年度报告（更正）"
    )
    data = build_datasets([corrected, original])
    reports = data["reports"].frame
    first = _row(reports, sha256=original.sha256)
    second = _row(reports, sha256=corrected.sha256)
    assert (first["version"], first["version_status"], first["is_current"]) == (
        1,
        "superseded",
        False,
    )
    assert (second["version"], second["version_status"], second["is_current"]) == (
        2,
        "current",
        True,
    )
    assert first["superseded_by"] == second["report_id"] and bool(second["correction"])
    assert second["changed_cells"] > 0 and first["n_versions"] == 2
    panel = data["panel"].frame
    assert len(panel) == 1 and panel.iloc[0]["report_id"] == second["report_id"]
    assert panel.iloc[0]["n_versions"] == 2
    assert panel.iloc[0]["requests_received"] == corrected.value(
        SECTION_APPLICATIONS, "new", "total"
    )


def test_a_later_document_with_different_numbers_is_a_new_version():
    early = _report(seed=1, published="2024-01-20")
    late = _report(seed=3, published="2024-03-01")
    reports = build_datasets([late, early])["reports"].frame
    assert _row(reports, sha256=late.sha256)["version_status"] == "current"
    assert _row(reports, sha256=early.sha256)["version_status"] == "superseded"


def test_the_same_numbers_in_another_form_are_a_duplicate_not_a_version():
    page = _report(seed=4)
    attachment = _report(seed=4, title="附件：年度报告.pdf")
    attachment.form = "pdf"
    # the attachment lost one cell and a check failed because of it: same version, worse copy
    attachment.tables[SECTION_APPLICATIONS]["new"]["research"] = CellValue(None, "1 0", UNCERTAIN)
    attachment.checks = [Check("applications.columns", False, "new")]
    scan = Report(agency=page.agency, year=page.year, sha256="ff" * 32, template="unknown")
    reports = build_datasets([attachment, scan, page])["reports"].frame
    assert set(reports["version"]) == {1}
    primary = _row(reports, sha256=page.sha256)
    assert primary["version_status"] == "current"
    for other in (attachment, scan):
        row = _row(reports, sha256=other.sha256)
        assert row["version_status"] == "duplicate"
        assert row["duplicate_of"] == primary["report_id"]
    assert _row(reports, sha256=scan.sha256)["parse_status"] == "no_data"
    assert _row(reports, sha256=attachment.sha256)["parse_status"] == "checks_failed"


def test_identical_bytes_fetched_twice_are_one_report():
    report = _report()
    first = ReportInput(
        report, url="http://a.gov.cn/1.html", fetched_at="2024-02-01T00:00:00+08:00"
    )
    again = ReportInput(
        report, url="http://a.gov.cn/copy.html", fetched_at="2024-03-01T00:00:00+08:00"
    )
    reports = build_datasets([again, first])["reports"].frame
    assert len(reports) == 1 and reports.iloc[0]["url"] == "http://a.gov.cn/1.html"


# --------------------------------------------------------------------------------------------
# agencies and places
# --------------------------------------------------------------------------------------------


def test_same_township_name_in_two_counties_gives_two_series():
    a = _report("城关镇人民政府", seed=1, place={"level": "township", "code": "620121100"})
    b = _report("城关镇人民政府", seed=2, place={"level": "township", "code": "360424100000"})
    panel = build_datasets([a, b])["panel"].frame
    assert sorted(panel["division_code"]) == ["360424100", "620121100"]
    assert panel["agency_id"].nunique() == 2


def test_a_year_without_a_resolved_place_joins_the_agency_series():
    coded = _report(
        "梅河口市进化镇人民政府", 2022, seed=1, place={"level": "township", "code": "220581108"}
    )
    plain = _report("梅河口市进化镇人民政府", 2023, seed=2)
    panel = build_datasets([coded, plain])["panel"].frame
    assert panel["agency_id"].nunique() == 1
    assert list(panel["division_code"]) == ["220581108", "220581108"]
    assert not _na(_row(panel, year=2023)["xyear_carryover_ok"])


def test_provenance_and_place_columns_in_reports():
    place = {
        "level": "department",
        "province": "吉林省",
        "city": "通化市",
        "county": "梅河口市",
        "township": None,
        "code": "220581",
        "confidence": 0.93,
        "candidates": [],
        "parent_level": "county",
    }
    report = _report("梅河口市教育局", place=place)
    item = ReportInput(
        report,
        url="http://www.mhk.gov.cn/a.html",
        fetched_at="2024-02-01T03:00:00+08:00",
        warc_record_id="<urn:uuid:1234>",
        site_agency="梅河口市人民政府",
    )
    row = build_datasets([item])["reports"].frame.iloc[0]
    assert (row["level"], row["parent_level"], row["county"]) == (
        "department",
        "county",
        "梅河口市",
    )
    assert row["division_code"] == "220581" and row["place_confidence"] == pytest.approx(0.93)
    assert (row["url"], row["warc_record_id"], row["site_agency"]) == (
        item.url,
        item.warc_record_id,
        item.site_agency,
    )
    assert row["sha256"] == report.sha256 and row["report_id"] == report.sha256[:16]
    assert row["fetched_at"] == item.fetched_at and row["parse_status"] == "ok"


def test_records_may_be_contract_dicts_and_pairs():
    report = _report()
    data = build_datasets(
        [report.to_dict(), (_report("乙镇人民政府", seed=2), {"url": "http://x"})]
    )
    assert sorted(data["reports"].frame["agency"]) == sorted(["某某镇人民政府", "乙镇人民政府"])
    assert "http://x" in set(data["reports"].frame["url"].dropna())


def test_reports_without_year_stay_in_reports_but_not_in_panel():
    report = _report()
    report.year = None
    data = build_datasets([report])
    assert len(data["reports"]) == 1 and len(data["panel"]) == 0
    assert any("without a year" in note for note in data.notes)


# --------------------------------------------------------------------------------------------
# prose and the crosswalk
# --------------------------------------------------------------------------------------------

_CROSSWALK = {
    "applications_received": ProseField(
        "applications_received",
        "prose__applications_received",
        "applications__new__total",
        "收到申请数",
        "Applications received",
    ),
    "litigation_cases": ProseField(
        "litigation_cases",
        "prose__litigation_cases",
        None,
        codes=(
            "appeals__litigation_direct__total",
            "appeals__litigation_after_reconsideration__total",
        ),
    ),
    "consultations": ProseField("consultations", "prose__consultations"),
}


def _prose_report(year=2015, **prose) -> Report:
    return Report(
        agency="平潭综合实验区",
        year=year,
        sha256=f"{year:064d}",
        template="pre2019",
        prose=prose,
        prose_evidence={k: "…" for k in prose},
    )


def test_prose_counts_continue_table_series_through_the_crosswalk():
    old = _prose_report(applications_received=12, litigation_cases=3, consultations=40)
    new = _report("平潭综合实验区", 2019, template="2019")
    panel = build_datasets([old, new], crosswalk=_CROSSWALK)["panel"].frame
    before, after = _row(panel, year=2015), _row(panel, year=2019)
    assert before["prose__applications_received"] == 12 and before["prose__consultations"] == 40
    assert before["applications__new__total"] == 12 and before["requests_received"] == 12
    assert before["litigation_cases"] == 3  # a sum of two cells continues as the indicator
    assert _na(before["appeals__litigation_direct__total"])  # …never as one of its cells
    assert before["values_from"] == "prose"
    assert before["prose_filled"] == "applications__new__total; litigation_cases"
    assert after["values_from"] == "tables" and _na(after["prose_filled"])
    assert after["requests_received"] == new.value(SECTION_APPLICATIONS, "new", "total")


def test_without_a_crosswalk_prose_stays_in_its_own_columns():
    old = _prose_report(applications_received=12)
    panel = build_datasets([old], crosswalk=None)["panel"].frame
    row = panel.iloc[0]
    assert row["prose__applications_received"] == 12
    assert _na(row["applications__new__total"]) and _na(row["requests_received"])
    assert row["values_from"] == "prose"
    filled_off = build_datasets([old], crosswalk=_CROSSWALK, fill_from_prose=False)
    assert _na(filled_off["panel"].frame.iloc[0]["applications__new__total"])


def test_crosswalk_entries_in_any_reasonable_shape(monkeypatch):
    module = types.ModuleType("fake_prose")
    module.CROSSWALK = {
        "a": ("prose__a", ("applications", "new", "total")),
        "b": {"column": "prose__b", "codes": [("appeals", "reconsideration", "total")]},
        "c": "applications.granted.total",
        "d": None,
        "e": {
            "codes": [
                ("appeals", "litigation_direct", "total"),
                ("appeals", "litigation_after_reconsideration", "total"),
            ]
        },
        "bad": {"column": "not_prefixed"},
    }
    module.LABELS = {"a": ("收到", "Received")}
    monkeypatch.setitem(sys.modules, "fake_prose", module)
    crosswalk = load_crosswalk("fake_prose")
    assert crosswalk["a"].code == "applications__new__total" and crosswalk["a"].label_zh == "收到"
    assert crosswalk["b"].code == "appeals__reconsideration__total"
    assert crosswalk["c"].code == "applications__granted__total"
    assert crosswalk["d"].column == "prose__d" and crosswalk["d"].code is None
    assert crosswalk["e"].code is None and len(crosswalk["e"].cells) == 2
    assert "bad" not in crosswalk
    assert load_crosswalk("no_such_module_here") is None
    fields = prose_fields(crosswalk, {"zzz", "a"})
    assert [f.column for f in fields][-1] == "prose__zzz"


def test_the_project_crosswalk_is_read_when_present():
    crosswalk = load_crosswalk()
    if crosswalk is None:
        pytest.skip("parsers.prose has no CROSSWALK yet")
    assert crosswalk["applications_received"].code == "applications__new__total"
    assert all(f.column.startswith("prose__") for f in crosswalk.values())


# --------------------------------------------------------------------------------------------
# codebook
# --------------------------------------------------------------------------------------------


def test_codebook_lists_every_column_of_every_dataset():
    data = build_datasets([_report(template="2019"), _report("乙镇人民政府", seed=2)])
    book = data["codebook"].frame
    for dataset in data:
        listed = book[book["dataset"] == dataset.name]
        assert list(listed["column"]) == list(dataset.frame.columns)
        assert list(listed["type"]) == [c.kind for c in dataset.columns]
    panel = book[book["dataset"] == "panel"].set_index("column")
    code = panel.loc["applications__denied_three_safety__total"]
    assert code["label_zh"] == official_label(
        "2021", "applications", "denied_three_safety", "total"
    )
    assert code["label_en"] == english_label("2021", "applications", "denied_three_safety", "total")
    assert code["templates"] == "2019,2021"
    assert panel.loc["applications__other__total", "templates"] == "2019"
    assert panel.loc["proactive__regulations__made", "label_zh"] == official_label(
        "2019", "proactive", "regulations", "made"
    )
    for ind in INDICATORS:
        assert panel.loc[ind.code, "formula"] == ind.formula
    assert panel.loc["division_code", "type"] == "code"
    assert panel.loc["year", "type"] == "integer"
    assert panel.loc["grant_rate", "type"] == "number"
    assert book[book["dataset"] == "codebook"]["column"].tolist() == list(book.columns)


def test_checks_failed_and_warnings_reach_reports_and_panel():
    report = _report()
    report.tables[SECTION_APPLICATIONS]["new"]["total"] = CellValue(999, "999")
    report.checks = run_checks(report.tables, "2021")
    report.warnings.append("a warning")
    data = build_datasets([report])
    row = data["reports"].frame.iloc[0]
    assert row["parse_status"] == "checks_failed"
    assert "applications.columns" in row["checks_failed"]
    assert row["n_warnings"] == 1 and row["warnings"] == "a warning"
    assert "applications.columns" in data["panel"].frame.iloc[0]["checks_failed"]
