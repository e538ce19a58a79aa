"""A record's place read from the best readings alone (places.best): the same readings as
ranking every reading of the name, for every shape of name a harvest meets and every year;
and the index of name lengths that the chain walk reads never hides a name."""

from __future__ import annotations

import random

import pytest

from bench.places import sample_names
from fixtures.reportgen.agencies import random_agency, random_level
from places import default_table, readings, resolve
from places.best import best_readings
from places.divisions import name_lengths
from places.readings import _read, clear_cache, reading_text
from places.resolve import _top

YEARS = (None, 2016, 2019, 2020, 2023, 2030)


def _shapes(count: int, seed: int) -> list[str]:
    """Names of every shape the resolver meets: the bench's (townships and counties with their
    parents, departments, lone township names, zones), former and vanished names, organ
    prefixes, infixes, central organs, generated agencies, zones after short forms and names
    with nothing a place."""
    table = default_table()
    rng = random.Random(seed)
    out = [name for name, _context in sample_names(table, count, seed=seed)]
    divisions = list(table.by_code.values())
    renamed = [d for d in divisions if len(d.names) > 1]
    vanished = [d for d in divisions if d.last != table.latest]
    for division in rng.sample(renamed, count // 8) + rng.sample(vanished, count // 8):
        above = table.ancestors(division)
        parents = "".join(
            above[lv].name for lv in ("city", "county") if lv in above and lv != division.level
        )
        old = division.names[-1]
        suffix = rng.choice(("人民政府", "", "公安局", "办事处", "经济开发区管委会", "卫生院"))
        out += [parents + old + suffix, old + suffix]
    for division in rng.sample([d for d in divisions if len(d.code) == 9], count // 8):
        county = table.ancestors(division).get("county")
        prefix = county.name if county else ""
        out += [
            f"中共{prefix}{division.name}委员会",
            f"国家税务总局{prefix}税务局",
            f"{prefix}人民政府{division.name}办事处",
            f"{division.name}人民政府",
            f"{prefix}新华镇人民政府",
        ]
    # Generated agencies: townships the table does not list, departments known only by their
    # last word; and zones after a short form (梅河口经济开发区), whose remainder allows most.
    out += [random_agency(rng, random_level(rng)) for _ in range(count // 2)]
    for division in rng.sample([d for d in divisions if len(d.code) in (4, 6)], count // 8):
        short = division.name[:-1]
        zone = rng.choice(("经济开发区", "高新区管委会", "综合实验区财政局", "工业园区办公室"))
        out += [short + zone, short + "城市管理综合执法局", short + division.name[-1] + "某某镇"]
    out += [
        "国务院办公厅",
        "中华人民共和国商务部",
        "两江新区管委会",
        "某某工业园区管委会",
        "公安局",
    ]
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_the_best_readings_are_the_first_of_all_the_readings(seed):
    table = default_table()
    for name in _shapes(300, seed):
        text = reading_text(name)
        for year in YEARS:
            every, every_by_year = _read(table, text, year)
            best, by_year = best_readings(table, text, year)
            assert by_year == every_by_year, (name, year)
            expected = [(r.place.to_dict(details=True), r.division) for r in _top(every)]
            assert [(r.place.to_dict(details=True), r.division) for r in best] == expected, (
                name,
                year,
            )


def test_resolve_is_the_place_of_all_the_readings_whatever_the_context():
    """resolve() without a region reads the best readings only; a region needs them all."""
    clear_cache()
    for name in _shapes(60, 3):
        for context in (None, "吉林省通化市梅河口市", "本报告由杭州市萧山区编制"):
            place = resolve(name, context=context, year=2023)
            every = readings(name, year=2023)
            if not every:
                assert place.level == "unknown"
            elif not place.candidates and "chosen among" not in " ".join(place.notes):
                top = every[0]
                assert (place.code, place.level, place.zone) == (top.code, top.level, top.zone)
                assert place.confidence == top.confidence


def test_the_index_of_lengths_holds_every_name():
    table = default_table()
    lengths = name_lengths(table._names)
    assert lengths == table._lengths
    for name in table._names:
        assert lengths[name[:2]] >> len(name) & 1, name
