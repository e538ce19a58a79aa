"""Who published a report: agency names → level, place and statistical division code.

    >>> from places import resolve
    >>> resolve("梅河口市进化镇人民政府").to_dict()["code"]
    '220581108'

The public surface:

- :func:`resolve` — an agency name (with optional region and context) → :class:`Place`,
  whose ``to_dict()`` is the record's ``place`` object;
- :func:`find_region` — a name or code at any level → :class:`Region` (for filters such as
  ``ogi compare --region``), and :func:`place_within` to test a place against it;
- :func:`default_table` — the packaged division table (loaded once, on first use).
"""

from places.divisions import Division, DivisionTable, default_table
from places.model import (
    AmbiguousRegion,
    Place,
    PlaceError,
    Region,
    RegionNotFound,
)
from places.readings import readings
from places.regions import find_region, normalize_code, place_within, region_of
from places.resolve import record_place, resolve

__all__ = [
    "AmbiguousRegion",
    "Division",
    "DivisionTable",
    "Place",
    "PlaceError",
    "Region",
    "RegionNotFound",
    "default_table",
    "find_region",
    "normalize_code",
    "place_within",
    "readings",
    "record_place",
    "region_of",
    "resolve",
]
