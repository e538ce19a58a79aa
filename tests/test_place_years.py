"""A name's readings kept once for every year when no year changes them, and per year when a
former name makes the year matter: the same places as reading the name afresh each time."""

from __future__ import annotations

import pytest

from places import default_table, record_place, resolve
from places.readings import cached_readings, clear_cache

YEARS = (2016, 2019, 2020, 2023, 2024, None)
RENAMED = "邢台市桥西区人民政府"  # 桥西区 (130503) has been 信都区 since the 2020 edition


def _fresh(name: str, year: int | None, context: str | None = None) -> dict:
    clear_cache()
    return resolve(name, context=context, year=year).to_dict()


@pytest.mark.parametrize(
    "name", ["梅河口市进化镇人民政府", "金寨县林业局", "平潭综合实验区", "吉林省通化市人民政府"]
)
def test_a_name_no_year_changes_is_read_once_for_every_year(name):
    table = default_table()
    expected = {year: _fresh(name, year) for year in YEARS}
    clear_cache()
    first, by_year = cached_readings(table, name, YEARS[0])
    assert by_year is False
    for year in YEARS:
        readings, by_year = cached_readings(table, name, year)
        assert readings is first and by_year is False  # kept, not read again
        assert record_place(name, year=year) == expected[year]
    assert len({repr(place) for place in expected.values()}) == 1


def test_a_former_name_is_read_for_each_year():
    table = default_table()
    expected = {year: _fresh(RENAMED, year) for year in YEARS}
    assert expected[2019]["confidence"] > expected[2023]["confidence"]  # former only since 2020
    clear_cache()
    for order in (YEARS, tuple(reversed(YEARS)), YEARS):
        for year in order:
            assert cached_readings(table, RENAMED, year)[1] is True
            assert record_place(RENAMED, year=year) == expected[year]
            assert resolve(RENAMED, year=year).to_dict() == expected[year]
