"""`compare()`: a two-year township set ranked, flagged, written as xlsx and as an HTML page."""

from __future__ import annotations

import random
import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from fixtures.townships import (
    balanced_tables,
    county_townships,
    make_report,
    provenance,
    township_series,
)
from output.compare import RegionError, compare
from output.compare_render import (
    CURRENT_COLOUR,
    FLAGGED_COLOUR,
    PREVIOUS_COLOUR,
    render_html,
    rich_table,
)
from output.frames import build_datasets
from parsers.checks import run_checks
from parsers.model import CellValue

BROKEN_CHECKS = "光明街道"
BROKEN_CARRY = "和平街道"


@pytest.fixture(scope="module")
def items():
    rng = random.Random(20)
    out = township_series(rng, townships=6, years=(2022, 2023), break_carry=[BROKEN_CARRY])
    for item in out:  # one township misprints a 2023 cell: its checks fail
        if BROKEN_CHECKS in item.report.agency and item.report.year == 2023:
            apps = item.report.tables["applications"]
            apps["new"]["natural_person"] = CellValue(999, "999")
            item.report.checks = run_checks(item.report.tables, "2021")
    # another county's townships must not be ranked with these
    out += township_series(rng, "220582", "集安市", townships=2, years=(2023,))
    return out


@pytest.fixture(scope="module")
def datasets(items):
    return build_datasets(items)


def _value(items, agency, year, section="applications", row="new", column="total"):
    for item in items:
        if item.report.agency == agency and item.report.year == year:
            return item.report.value(section, row, column)
    return None


def _meihekou_2023(items):
    return sorted(
        {i.report.agency for i in items if i.report.year == 2023 and "梅河口市" in i.report.agency}
    )


def test_a_two_year_township_set_ranks_as_expected(items, datasets):
    result = compare(datasets, "梅河口市", 2023, ["requests_received", "grant_rate"])
    agencies = _meihekou_2023(items)
    received = {a: _value(items, a, 2023) for a in agencies}
    expected_order = sorted(agencies, key=lambda a: (-received[a], a))
    table = result.table
    assert list(table["agency"]) == expected_order
    for row in table.itertuples():
        value = received[row.agency]
        assert row.rank == 1 + sum(1 for v in received.values() if v > value)  # ties share
        before = _value(items, row.agency, 2022)
        assert row.requests_received == value
        assert row.requests_received__prev == before
        assert row.requests_received__change == value - before
        granted = sum(_value(items, row.agency, 2023, row=r) for r in ("granted", "partial"))
        total = _value(items, row.agency, 2023, row="total")
        if total:
            assert row.grant_rate == pytest.approx(granted / total)


def test_agencies_whose_numbers_need_a_look_are_flagged(items, datasets):
    table = compare(datasets, "梅河口市", 2023).table.set_index("agency")
    for agency, row in table.iterrows():
        if BROKEN_CHECKS in agency:
            assert row["flagged"] and "checks failed: applications.balance" in row["caution"]
        elif BROKEN_CARRY in agency:
            assert row["flagged"] and "carried over ≠ 2022 carried forward" in row["caution"]
        else:
            assert not row["flagged"] and row["caution"] == ""


def test_region_by_name_or_code_at_any_level(items, datasets):
    by_name = compare(datasets, "梅河口市", 2023).table
    by_code = compare(datasets, "220581", 2023).table
    assert list(by_name["agency_id"]) == list(by_code["agency_id"])
    assert not any("集安市" in a for a in by_name["agency"])
    province = compare(datasets, "吉林省", 2023).table
    assert any("集安市" in a for a in province["agency"]) and len(province) == len(by_name) + 2
    one = compare(datasets, "220581001", 2023).table
    assert list(one["agency"]) == ["梅河口市新华街道人民政府"]
    with pytest.raises(RegionError):
        compare(datasets, "海淀区", 2023)


def test_level_filter_and_agencies_missing_this_year(items):
    rng = random.Random(8)
    from places import resolve

    department = make_report(
        "梅河口市教育局", 2023, balanced_tables(rng), place=resolve("梅河口市教育局").to_dict()
    )
    name = f"梅河口市{county_townships('220581')[-1][0]}人民政府"  # not among the six
    gone = make_report(name, 2022, balanced_tables(rng), place=resolve(name).to_dict())
    extra = [provenance(department, "edu.example.gov.cn", 1), provenance(gone, "x.gov.cn", 2)]
    data = build_datasets(list(items) + extra)
    everyone = compare(data, "梅河口市", 2023).table
    assert "梅河口市教育局" in set(everyone["agency"])
    last = everyone.iloc[-1]
    assert last["agency"] == name and pd.isna(last["rank"])
    assert last["caution"] == "no 2023 report"
    townships = compare(data, "梅河口市", 2023, level="township").table
    assert "梅河口市教育局" not in set(townships["agency"])
    assert len(townships) == len(everyone) - 1


def test_terminal_table_lists_every_agency(datasets):
    from rich.console import Console

    result = compare(datasets, "梅河口市", 2023)
    console = Console(width=240, record=True)
    console.print(rich_table(result))
    text = console.export_text()
    for agency in result.table["agency"]:
        assert agency in text
    assert "⚠" in text


def test_xlsx_output(datasets, tmp_path):
    result = compare(datasets, "梅河口市", 2023, ["requests_received", "refusal_rate"])
    path = result.write(tmp_path / "compare.xlsx")
    sheet = openpyxl.load_workbook(path)["ranking"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == [
        "rank",
        "agency",
        "division_code",
        "requests_received 2023",
        "requests_received 2022",
        "requests_received change",
    ]
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[1].value for r in rows] == list(result.table["agency"])
    refusal = header.index("refusal_rate 2023")
    for cells, record in zip(rows, result.table.itertuples(), strict=True):
        assert cells[refusal].number_format == "0.0%"
        assert cells[refusal].value == pytest.approx(record.refusal_rate)
        assert cells[2].data_type == "s"  # the division code stays text
        shaded = cells[0].fill.start_color.rgb.endswith("FCE4D6")
        assert shaded == record.flagged
    mtime = path.stat().st_mtime_ns
    result.write(path)
    assert path.stat().st_mtime_ns == mtime  # same content: not rewritten


def test_html_page_is_self_contained(datasets, tmp_path):
    result = compare(datasets, "梅河口市", 2023, ["requests_received", "grant_rate"])
    page = render_html(result)
    assert "<script" not in page and " src=" not in page and "href=" not in page
    assert "url(" not in page and "@import" not in page
    current = re.findall(r'<rect class="bar current"[^>]*>', page)
    previous = re.findall(r'<rect class="bar previous"[^>]*>', page)
    expected_current = sum(int(result.table[i.code].notna().sum()) for i in result.indicators)
    expected_previous = sum(
        int(result.table[i.code + "__prev"].notna().sum()) for i in result.indicators
    )
    assert len(current) == expected_current and len(previous) == expected_previous
    flagged = result.table.loc[result.table["flagged"], "agency"]
    for agency in flagged:
        assert f'fill="{FLAGGED_COLOUR}"' in page and f"{agency} ⚠" in page
    path = result.write(tmp_path / "compare.html")
    assert path.read_text(encoding="utf-8") == page


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.skipif(_browser() is None, reason="no headless Chromium installed")
def test_html_charts_render_in_headless_chromium(datasets, tmp_path):
    from PIL import Image

    result = compare(datasets, "梅河口市", 2023, ["requests_received", "grant_rate"])
    page = result.write(tmp_path / "compare.html")
    shot = tmp_path / "shot.png"
    completed = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1100,2400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists(), completed.stderr.decode(errors="replace")[-2000:]
    image = Image.open(shot).convert("RGB")
    counts = {rgb: n for n, rgb in image.getcolors(maxcolors=image.width * image.height)}
    # every bar is drawn: the pixels of each colour cover (most of) the bars' areas
    markup = render_html(result)
    areas: dict[str, float] = {}
    for width, height, fill in re.findall(
        r'<rect class="bar [a-z]+"[^>]*width="([\d.]+)" height="(\d+)" fill="(#[0-9a-f]{6})"',
        markup,
    ):
        areas[fill] = areas.get(fill, 0.0) + float(width) * float(height)
    for colour in (CURRENT_COLOUR, PREVIOUS_COLOUR, FLAGGED_COLOUR):
        assert areas.get(colour, 0) > 0, f"no {colour} bars in the page"
        drawn = counts.get(_rgb(colour), 0)
        assert drawn >= 0.8 * areas[colour], (
            f"{colour}: {drawn} px for {areas[colour]:.0f} px of bars"
        )
