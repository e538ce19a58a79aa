"""Agency name → :class:`Place`: the best of the name's readings, with ties broken by context.

:mod:`places.readings` gives every way of reading a name with its confidence; here the
best is chosen, context (a region the agency must lie in, text mentioning place names) breaks
ties, and ties that remain are reported as candidates with no code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from places.best import cached_best
from places.context import context_text
from places.divisions import DivisionTable, default_table
from places.model import NAME_LEVELS, Place, PlaceError, Region
from places.readings import (
    ANY_YEAR,
    Reading,
    anchors,
    copy_place,
    read_name,
    readings,
)
from places.regions import AmbiguousRegion, find_region, place_within, region_of

__all__ = ["readings", "record_place", "resolve"]

MAX_CANDIDATES = 25  # alternatives listed in a record; the rest are only counted
F_WITHIN = 0.95  # a tie broken by the region the caller gave
F_CONTEXT = 0.85  # a tie broken by place names in the context text
_EPS = 1e-9


def resolve(
    name: str,
    *,
    within: str | Region | Place | dict | None = None,
    context: str | Iterable[str] | None = None,
    year: int | None = None,
    table: DivisionTable | None = None,
) -> Place:
    """Resolve an agency name to its :class:`Place`.

    ``within`` is a region the agency is known to lie in (the portal it was harvested from:
    a name such as the portal agency's, a code, a :class:`Region`, a :class:`Place` or a
    record's ``place`` dict); ``context`` is text that mentions place names (the report's
    text, the site's name); ``year`` is the report year, so that a name valid in that year's
    edition of the table is not treated as a former name. Neither overrides an unambiguous
    name: they only choose among readings that tie.
    """
    table = table or default_table()
    if within is None:  # only the best readings can be chosen
        return _chosen(table, name, cached_best(table, name, year)[0], [], None, context)
    readings = read_name(table, name, year)
    notes: list[str] = []
    pool = readings
    tie_broken_by: str | None = None

    if pool:
        regions = _within_regions(table, within, notes)
        if regions:
            inside = [r for r in pool if any(_contains(table, g, r.place) for g in regions)]
            if inside:
                before = _top(pool)
                pool = inside
                if len(before) > 1 and len(_top(pool)) < len(before):
                    tie_broken_by = "within"
            else:
                label = within if isinstance(within, str) else regions[0].describe()
                notes.append(f"no reading of the name lies within {label}")

    return _chosen(table, name, _top(pool), notes, tie_broken_by, context)


def _chosen(
    table: DivisionTable,
    name: str,
    top: list[Reading],
    notes: list[str],
    tie_broken_by: str | None,
    context: str | Iterable[str] | None,
) -> Place:
    """The place of ``name`` from its readings that tie for the best: the one the context
    names most when it names one, else all of them as candidates."""
    if len(top) > 1 and context:
        chosen = _by_context(table, top, context)
        if chosen is not None:
            top = [chosen]
            tie_broken_by = "context"

    if not top:
        return Place(name=name, level="unknown", notes=notes or ["no place name recognised"])
    if len(top) == 1:
        place = copy_place(top[0].place)
        place.name = name
        if tie_broken_by == "within":
            place.confidence *= F_WITHIN
            place.notes.append("chosen among same-named places by the given region")
        elif tie_broken_by == "context":
            place.confidence *= F_CONTEXT
            place.notes.append("chosen among same-named places by place names in the context")
        place.notes.extend(notes)
        return place
    return _ambiguous(name, top, notes)


_RECORD_CACHE_LIMIT = 100_000


def record_place(
    name: str, *, context: str | Callable[[], str] | None = None, year: int | None = None
) -> dict[str, Any]:
    """``resolve(name, context=context, year=year).to_dict()``: a record's ``place``.
    ``context`` may be a function giving the text, called only when the text is read (when
    places that share the name tie).

    Kept per name in the default table wherever the context cannot change it (the name has
    one best reading; the context only breaks ties), for every year when no year changes it
    (see :func:`places.readings.cached_readings`): a harvest resolves the same agencies year
    after year, and a report's place then costs a dictionary copy instead of reading the name
    again. Each caller gets its own dictionary.
    """
    table = default_table()
    cache: dict = table.__dict__.setdefault("_record_places", {})
    found = cache.get((name, ANY_YEAR))
    if found is None:
        found = cache.get((name, year))
    if found is None:
        # Only the best readings matter here, and they are read without the others (and
        # kept: a name that several places share is chosen again by each report's text).
        top, by_year = cached_best(table, name, year)
        if len(top) == 1:
            found = top[0].place.to_dict()
        else:
            text = (context() if len(top) > 1 else None) if callable(context) else context
            found = _chosen(table, name, top, [], None, text).to_dict()
            if top:  # the context may break the tie
                return found
        if len(cache) >= _RECORD_CACHE_LIMIT:
            cache.clear()
        cache[(name, year) if by_year else (name, ANY_YEAR)] = found
    return {**found, "candidates": [dict(c) for c in found["candidates"]]}


# --- choosing ---------------------------------------------------------------------------------


def _top(pool: list[Reading]) -> list[Reading]:
    if not pool:
        return []
    best = max(r.place.confidence for r in pool)
    return [r for r in pool if r.place.confidence >= best - _EPS]


def _by_context(
    table: DivisionTable, top: list[Reading], context: str | Iterable[str]
) -> Reading | None:
    """The one reading whose ancestors the context text names most, if there is one."""
    text = context if isinstance(context, str) else "\n".join(context)
    text = context_text(text)
    scores = []
    for reading in top:
        seen: dict[int, int] = {}
        named = anchors(table, reading.division) if reading.division else ()
        for weight, name in named:
            if name in text:
                seen[weight] = weight
        scores.append(sum(seen.values()))
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return top[scores.index(best)]
    return None


def _ambiguous(name: str, top: list[Reading], notes: list[str]) -> Place:
    places = [r.place for r in top]
    common = {
        field_: vals.pop() if len(vals := {getattr(p, field_) for p in places}) == 1 else None
        for field_ in ("level", "parent_level", "zone", "department", *NAME_LEVELS)
    }
    candidates = sorted(places, key=lambda p: (p.code or "", p.zone or ""))
    place = Place(
        level=common["level"] or "unknown",
        province=common["province"],
        city=common["city"],
        county=common["county"],
        township=common["township"],
        code=None,
        confidence=places[0].confidence / len(places),
        candidates=[copy_place(c) for c in candidates[:MAX_CANDIDATES]],
        parent_level=common["parent_level"],
        zone=common["zone"],
        name=name,
        department=common["department"],
        more_candidates=max(0, len(candidates) - MAX_CANDIDATES),
        notes=[
            *notes,
            f"{len(places)} places share this name; give the region (within=) or context to choose",
        ],
    )
    return place


# --- regions the caller gives -----------------------------------------------------------------


def _within_regions(
    table: DivisionTable, within: str | Region | Place | dict, notes: list[str]
) -> list[Region]:
    if isinstance(within, Region):
        return [within]
    if isinstance(within, dict):  # a record's ``place``
        within = Place.from_dict(within)
    if isinstance(within, Place):
        region = region_of(within, table=table)
        return [region] if region else []
    try:
        return [find_region(within, table=table)]
    except AmbiguousRegion as exc:
        return list(exc.candidates)
    except PlaceError as exc:
        notes.append(f"ignored within={within!r}: {exc}")
        return []


def _contains(table: DivisionTable, region: Region, place: Place) -> bool:
    return place_within(place, region, table=table)
