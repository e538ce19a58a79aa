"""Regions to filter by (``ogi compare --region``): a name or code at any level → :class:`Region`.

A region is a division code prefix plus the names at each level, so that a record's place is
inside it when its code starts with the prefix — or, for places without a code (zones outside
the table, names left ambiguous), when its names agree with the region's at every level.
"""

from __future__ import annotations

from typing import Any

from places import names as vocab
from places.divisions import Division, DivisionTable, default_table
from places.model import (
    NAME_LEVELS,
    AmbiguousRegion,
    Place,
    Region,
    RegionNotFound,
)
from places.readings import readings

_CODE_LENGTHS = (2, 4, 6, 9)
_REGION_LEVELS = ("province", "city", "county", "township", "zone")
_MIN_CONFIDENCE = 0.5

__all__ = ["AmbiguousRegion", "RegionNotFound", "find_region", "place_within", "region_of"]


def normalize_code(code: str) -> str | None:
    """A division code in its short form (2/4/6/9 digits); 12-digit codes lose trailing zeros.

    Returns None for strings that are not division codes (village-level codes included).
    """
    code = code.strip()
    if not code.isdigit():
        return None
    if len(code) == 12:
        if code[9:] != "000":
            return None  # a village (村/居委会) code: below the table
        code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    if len(code) == 6 and code.endswith("00"):
        code = code[:4] if not code.endswith("0000") else code[:2]
    if len(code) == 4 and code.endswith("00"):
        code = code[:2]
    return code if len(code) in _CODE_LENGTHS else None


def find_region(name_or_code: str, *, table: DivisionTable | None = None) -> Region:
    """The region a user means by a name (梅河口市, 吉林省梅河口市, 平潭综合实验区) or code.

    Raises :class:`RegionNotFound` when nothing matches and :class:`AmbiguousRegion` (with the
    candidates) when several divisions share the name.
    """
    table = table or default_table()
    text = vocab.normalize(str(name_or_code))
    if text.isdigit():
        code = normalize_code(text)
        if code is None or code not in table.by_code:
            # 6-digit codes with trailing zeros are ambiguous (4419 00): try the raw form too.
            if text in table.by_code:
                code = text
            else:
                raise RegionNotFound(f"no division has the code {name_or_code}")
        return _region_from_division(table, table.current(code))
    if not text:
        raise RegionNotFound("empty region name")

    found = [
        p
        for p in readings(text, table=table)
        if p.level in _REGION_LEVELS and p.confidence >= _MIN_CONFIDENCE
    ]
    if not found:
        raise RegionNotFound(f"no division or zone is called {name_or_code}")
    best = max(p.confidence for p in found)
    top = [p for p in found if p.confidence >= best - 1e-9]
    regions = [r for r in (region_of(p, table=table) for p in top) if r is not None]
    unique = list({(r.code, r.zone): r for r in regions}.values())
    if len(unique) == 1:
        return unique[0]
    if not unique:
        raise RegionNotFound(f"no division or zone is called {name_or_code}")
    listed = "; ".join(r.describe() for r in unique[:8])
    raise AmbiguousRegion(
        f"{len(unique)} places are called {name_or_code}: {listed}"
        + (" …" if len(unique) > 8 else ""),
        unique,
    )


def region_of(
    place: Place | dict[str, Any], *, table: DivisionTable | None = None
) -> Region | None:
    """The region a resolved place covers (its government's place for a department)."""
    table = table or default_table()
    if isinstance(place, dict):
        place = Place.from_dict(place)
    if place.code:
        code = normalize_code(place.code) or place.code
        if code in table.by_code:
            return _region_from_division(table, table.current(code))
    if place.zone:
        return Region(
            level="zone",
            code=None,
            name=place.zone,
            province=place.province,
            city=place.city,
            county=place.county,
            township=place.township,
            zone=place.zone,
        )
    level = next((lv for lv in reversed(NAME_LEVELS) if getattr(place, lv)), None)
    if level is None:
        return None
    return Region(
        level=level,
        code=None,
        name=getattr(place, level),
        **{lv: getattr(place, lv) for lv in NAME_LEVELS},
    )


def place_within(
    place: Place | dict[str, Any] | str | None,
    region: Region | str,
    *,
    table: DivisionTable | None = None,
) -> bool:
    """Whether a place (a :class:`Place`, a record's ``place`` dict or a code) lies in a region.

    Codes decide when both sides have one (old codes are followed to the codes that continue
    them). Otherwise names decide, level by level. An ambiguous place is within the region
    only if every candidate is.
    """
    if place is None:
        return False
    table = table or default_table()
    if isinstance(region, str):
        region = find_region(region, table=table)
    if isinstance(place, str):
        place = Place(code=place)
    elif isinstance(place, dict):
        place = Place.from_dict(place)

    if not place.code and place.candidates:
        return all(place_within(c, region, table=table) for c in place.candidates)

    if place.code and region.code:
        code = normalize_code(place.code) or place.code
        if code.startswith(region.code):
            return True
        if code in table.by_code and region.code in table.by_code:
            here = table.current(code).code
            there = table.current(region.code).code
            return here.startswith(there)
        return False

    if region.level == "zone" and region.code is None:
        return bool(place.zone) and place.zone == region.zone

    # A place known only by name (a zone outside the table), or a region without a code.
    for level in NAME_LEVELS:
        wanted = getattr(region, level)
        if wanted is not None and getattr(place, level) != wanted:
            return False
        if level == region.level:
            return True
    if region.level == "zone":
        return place.zone == region.zone
    return False


def _region_from_division(table: DivisionTable, division: Division) -> Region:
    names = {level: d.name for level, d in table.ancestors(division).items()}
    zone = None
    level = division.level
    if division.is_zone:
        zone = division.name
        names.pop(division.level, None)
        level = "zone"
    return Region(
        level=level,
        code=division.code,
        name=division.name,
        province=names.get("province"),
        city=names.get("city"),
        county=names.get("county"),
        township=names.get("township"),
        zone=zone,
    )
