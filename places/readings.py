"""Agency name → every way of reading it: the chain of place names, then what follows them.

An agency name is read as ``[organ prefix] place place … [人民政府] remainder``: the places must
nest (each one inside the previous, by code), and the remainder says what the agency is —
nothing or a government suffix (the place's government), a department, or a special zone
named after the place. Every way of reading the name is kept as a :class:`Reading` with a
confidence; :mod:`places.resolve` chooses among them.

Readings of a name do not depend on context, so they are cached per name: a panel with
thousands of reports from a few hundred agencies reads each name once. Nor, for most names, on
the year: only a former name in the chain (no longer the code's name, but it was in the
edition of the report's year) reads differently from one year to the next, so the readings of
any other name are kept once for every year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from places import names as vocab
from places.divisions import (
    FORMER,
    LEVELS,
    SHORT,
    Division,
    DivisionTable,
    default_table,
)
from places.model import Place

_CACHE_LIMIT = 200_000
_EPS = 1e-9
_ZONE_GOVERNMENT = sorted(
    (s for s, levels in vocab.GOVERNMENT_SUFFIXES.items() if "zone" in levels),
    key=len,
    reverse=True,
)
_LEADING_YEAR = re.compile(r"^(?:19|20)\d\d年度?")  # "2023年梅河口市…" from a title
_TOWNSHIP_RE = re.compile(
    r"([\u4e00-\u9fff]{1,10}?(?:民族乡|街道|苏木|地区|镇|乡))"
    r"(?:人民政府|政府|街道办事处|办事处|公所)?"
)

# Confidence factors (multiplied along a reading).
F_SHORT = 0.92  # a short form (梅河口) rather than the full name
F_FORMER = 0.93  # a name the code no longer carries
F_VANISHED = 0.9  # the code is not in the latest edition and nothing continues it
F_LONE = 0.95  # a county or township named without any of its ancestors
F_MINOR_UNIT = 0.97  # a farm, zone or 管委会 listed at township level (codes 400–599)
F_BARE = 0.97  # a place name with nothing after it (not obviously an agency)
F_KNOWN_DEPT = 0.98
F_GENERIC_DEPT = 0.85
F_ODD_DEPT = 0.6  # a remainder of one organ character (局) after a place
F_ZONE = 0.88  # a zone recognised by its name, not in the table
F_ZONE_OWN_NAME = 0.97  # 两江新区 under 重庆市: located only as precisely as the place before it
F_ZONE_NO_PLACE = 0.7  # below any reading anchored on a place name
F_PARTY = 0.9
F_VERTICAL = 0.95
F_NATIONAL = 0.8
F_UNRECOGNISED = 0.3
F_UNLISTED_TOWNSHIP = 0.6  # a township name the table does not know, under a known county


@dataclass(slots=True)
class Reading:
    """One way of reading a name, before context is applied."""

    place: Place
    division: Division | None = None  # whose ancestors' names context text may mention


Ref = tuple[str, str, int]
"""A code a name designates: the table's (code, how, mask), see :class:`NameRef`."""


Nodes = tuple[tuple[Ref, Division], ...]
Chain = tuple[Nodes, int, int, int, str | None]
"""Place names read one inside the other: (nodes, start, end, last_start, organ) — each name's
ref and division, where the chain starts and ends in the text, where its last name begins (the
zone named after it starts there) and the organ prefix read before it (None from the start).
Plain tuples: a name has some five chains, most of them never interpreted."""
_ORGAN_INITIALS = frozenset(prefix[0] for prefix in vocab.ORGAN_PREFIXES)


def readings(
    name: str, *, year: int | None = None, table: DivisionTable | None = None
) -> list[Place]:
    """Every reading of ``name`` with its confidence, best first (for inspection and tools)."""
    return [copy_place(r.place) for r in read_name(table or default_table(), name, year)]


def clear_cache(table: DivisionTable | None = None) -> None:
    """Forget the cached readings of names and places of records, and what was worked out of
    the table's divisions meanwhile (benchmarks; a table edited in place)."""
    table = table or default_table()
    cached = table.__dict__
    cached.pop("_reading_cache", None)
    cached.pop("_best_cache", None)
    cached.pop("_record_places", None)
    table.forget()


# --- readings ---------------------------------------------------------------------------------


ANY_YEAR = "any year"
"""The year in the keys of readings (and records' places) that no year changes."""


def read_name(table: DivisionTable, name: str, year: int | None) -> list[Reading]:
    return cached_readings(table, name, year)[0]


def cached_readings(
    table: DivisionTable, name: str, year: int | None
) -> tuple[list[Reading], bool]:
    """The readings of ``name`` (best first) and whether another year could read it otherwise.

    Kept under ``ANY_YEAR`` when no year changes them: a harvest meets each agency once a
    year, and would otherwise read its name again for each of its reports."""
    return cached(table, "_reading_cache", _read, name, year)


def cached(
    table: DivisionTable,
    slot: str,
    read: Callable[[DivisionTable, str, int | None], tuple[list[Reading], bool]],
    name: str,
    year: int | None,
) -> tuple[list[Reading], bool]:
    """What ``read`` gives for ``name`` and ``year``, kept in the table's cache ``slot`` by
    the name's reading text and the year, or for any year when no year changes it."""
    text = reading_text(name)
    cache: dict = table.__dict__.setdefault(slot, {})
    found = cache.get((text, ANY_YEAR))
    if found is not None:
        return found, False
    found = cache.get((text, year))
    if found is not None:
        return found, True
    found, by_year = read(table, text, year)
    for reading in found:
        reading.place.name = name
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[(text, year) if by_year else (text, ANY_YEAR)] = found
    return found, by_year


def reading_text(name: str) -> str:
    """The form of an agency name that is read: normalised, without a leading report year."""
    return _LEADING_YEAR.sub("", vocab.normalize(name))


def _read(table: DivisionTable, text: str, year: int | None) -> tuple[list[Reading], bool]:
    """The readings of a normalised name, and whether the year changed any of them (only a
    former name does: see :func:`chain_base`)."""
    if not text:
        return [], False
    bit = table.edition_bit(year) if year is not None else 0
    chains, by_year = all_chains(table, text)
    out = kept(_interpret(table, text, chain, bit) for chain in chains)
    return out, by_year


def all_chains(table: DivisionTable, text: str) -> tuple[list[Chain], bool]:
    """Every chain of place names in a (non-empty) normalised name, from its start and after
    each organ prefix it starts with, and whether a former name is among them (the only
    readings a year changes)."""
    chains: list[Chain] = []
    former = _chains(table, text, 0, None, chains)
    if text[0] in _ORGAN_INITIALS:
        for prefix, organ in vocab.ORGAN_PREFIXES.items():
            if text.startswith(prefix) and len(text) > len(prefix):
                former |= _chains(table, text, len(prefix), organ, chains)
    return chains, former


def kept(found: Iterable[list[Reading]]) -> list[Reading]:
    """The readings of a name, chain by chain in the order read, with one kept for each place
    (the first of the most confident), best first."""
    best: dict[tuple, Reading] = {}
    for readings_ in found:
        for reading in readings_:
            key = _key(reading.place)
            if key not in best or reading.place.confidence > best[key].place.confidence + _EPS:
                best[key] = reading
    return sorted(best.values(), key=lambda r: (-r.place.confidence, r.place.code or ""))


def _chains(
    table: DivisionTable, text: str, start: int, organ: str | None, found: list[Chain]
) -> bool:
    """Add every chain of nested place names starting at ``start`` (the empty chain too) to
    ``found``, depth first, longer names first; whether any of them reads a former name."""
    former = False
    names = table._names.get
    unpacked = table._refs.get
    lengths = table._lengths.get
    singles = table._singles
    by_code = table.by_code
    size = len(text)
    stack: list[tuple[int, Nodes, int, Division | None]] = [(start, (), start, None)]
    while stack:
        pos, nodes, last_start, last = stack.pop()
        found.append((nodes, start, pos, last_start, organ))
        if len(nodes) >= 4 or pos >= size:
            continue
        positions = [pos]
        if last is not None:
            for infix in vocab.INFIXES:  # 北京市东城区人民政府东华门街道办事处
                if text.startswith(infix, pos) and pos + len(infix) < size:
                    positions.append(pos + len(infix))
        following: list[tuple[int, Nodes, int, Division | None]] = []
        for p in positions:
            # Only the lengths of the names that begin with the text's next two characters
            # (or one), longest first: every other length would be looked up in vain.
            mask = lengths(text[p : p + 2], 0)
            if singles and text[p] in singles:
                mask |= 2
            mask &= (2 << (size - p)) - 1
            while mask:
                length = mask.bit_length() - 1
                mask ^= 1 << length
                packed = names(text[p : p + length])
                if packed is None:
                    continue
                refs = unpacked(packed) or table.refs(packed)
                for ref in refs:
                    division = by_code[ref[0]]
                    if division.placeholder:
                        continue
                    code = division.code
                    if (
                        last is not None
                        and not (len(code) > len(last.code) and code.startswith(last.code))
                        and not _below(table, division, last)
                    ):
                        continue
                    if ref[1] == FORMER:
                        former = True
                    following.append((p + length, (*nodes, (ref, division)), p, division))
        if following:
            following.reverse()  # the first found is walked first
            stack += following
    return former


def _below(table: DivisionTable, child: Division, parent: Division) -> bool:
    if len(child.code) <= len(parent.code):
        return False
    if child.code.startswith(parent.code):
        return True
    return table.current(child.code).code.startswith(table.current(parent.code).code)


def _interpret(
    table: DivisionTable,
    text: str,
    chain: Chain,
    bit: int,
    based: tuple[float, Division] | None = None,
) -> list[Reading]:
    """What the agency is, given the places read and the text after them (``based``: the
    chain's :func:`chain_base`, when the caller has it already)."""
    nodes, start, end, last_start, organ = chain
    rest = text[end:]
    out: list[Reading] = []
    if not nodes:
        return _interpret_placeless(text[start:], organ)

    base, final = based or chain_base(table, nodes, bit)
    notes = _chain_notes(table, nodes, bit, final)
    final_level = "zone" if final.is_zone else final.level

    def make(level: str, factor: float, **extra) -> None:
        place = _place_from(table, final, level, factor * base, notes, **extra)
        out.append(Reading(place, final))

    if organ == "party":
        make("department", F_PARTY, parent_level=final_level, department=text)
        return out
    if organ == "vertical":
        factor = F_VERTICAL if _department_factor(rest) >= F_GENERIC_DEPT else F_GENERIC_DEPT
        make("department", factor, parent_level=final_level, department=text)
        return out

    if not rest:
        make(final_level, F_BARE)
        return out
    allowed = vocab.GOVERNMENT_SUFFIXES.get(rest)
    if allowed and (final_level in allowed or (final.kind == "street" and rest == "办事处")):
        make(final_level, 1.0)
        return out

    stripped = _strip_infix(rest)
    if final_level == "zone":
        stripped = _strip_zone_government(stripped)
    if stripped in vocab.KNOWN_DEPARTMENTS:
        make("department", F_KNOWN_DEPT, parent_level=final_level, department=stripped)
        return out

    zone = _zone_split(rest)
    if zone is not None:
        zone_part, after = zone
        # 两江新区 carries its own name; 平潭综合实验区 and 淮安经济技术开发区 are named after the
        # place read last.
        own_name = vocab.ZONE_RE.match(zone_part) is None
        factor = base * F_ZONE
        if own_name:
            zone_name = zone_part
            factor *= F_ZONE_OWN_NAME
        else:
            zone_name = text[last_start:end] + zone_part
            if nodes[-1][0][1] == SHORT:
                factor /= F_SHORT  # zones are named by the short form: 苏州工业园区
        # A zone the table lists under this place is read from the table, with its code.
        listed = any(
            ref.code == final.code or _below(table, table.by_code[ref.code], final)
            for ref in table.lookup(zone_name)
        )
        reading = None if listed else _zone_reading(table, final, zone_name, after, factor, notes)
        if reading is not None:
            out.append(reading)
            return out  # more specific than reading the same words as a department

    township = _unlisted_township(rest)
    if township and final.level in ("county", "city") and not final.is_zone:
        make("township", F_UNLISTED_TOWNSHIP)
        out[-1].place.township = township
        out[-1].place.kind = None
        out[-1].place.notes.append(
            f"{township} is not in the division table (editions {table.editions[0]}–"
            f"{table.latest}); the code is that of {final.name}"
        )
        return out

    factor = _department_factor(stripped)
    if factor:
        make("department", factor, parent_level=final_level, department=stripped)
    elif not out:
        # Prefer the reading that read more of the name as places.
        make("unknown", F_UNRECOGNISED * 0.98 ** len(rest), department=None)
        out[-1].place.notes.append(f"not recognised after the place name: {rest}")
    return out


def _unlisted_township(rest: str) -> str | None:
    """``新华镇人民政府`` → ``新华镇``: a township-level name the table does not list."""
    match = _TOWNSHIP_RE.fullmatch(rest)
    return match.group(1) if match else None


def _interpret_placeless(text: str, organ: str | None) -> list[Reading]:
    """Readings of a name in which no division name was found."""
    out: list[Reading] = []
    zone = _zone_split(text)
    if zone is not None and organ is None:
        zone_part, after = zone
        reading = _zone_reading(None, None, zone_part, after, F_ZONE_NO_PLACE, [])
        if reading is not None:
            out.append(reading)
    if (
        not out
        and organ is None
        and (text.startswith(vocab.NATIONAL_PREFIXES) or text.endswith(vocab.NATIONAL_SUFFIXES))
    ):
        factor = F_NATIONAL if text.startswith(vocab.NATIONAL_PREFIXES) else F_NATIONAL * 0.9
        place = Place(
            level="department",
            parent_level="central",
            department=text,
            kind="central",
            confidence=factor,
            notes=["a central (national) organ: no division code"],
        )
        out.append(Reading(place))
    return out


def chain_base(table: DivisionTable, nodes: Nodes, bit: int) -> tuple[float, Division]:
    """The confidence a chain's names carry and the division it ends on (today's code)."""
    factor = 1.0
    for (_code, how, mask), _division in nodes:
        if how == SHORT:
            factor *= F_SHORT
        elif how == FORMER and not (bit and mask & bit):
            factor *= F_FORMER
    last = nodes[-1][1]
    current = table.current(last.code)
    if current.last != table.latest:
        factor *= F_VANISHED
    if len(nodes) == 1 and last.level in ("county", "township"):
        factor *= F_LONE
    if current.level == "township" and current.kind in ("zone", "other"):
        factor *= F_MINOR_UNIT
    return factor, current


def _chain_notes(table: DivisionTable, nodes: Nodes, bit: int, current: Division) -> list[str]:
    """What a reader of the place should know about the chain's names (the reasons for the
    factors of :func:`chain_base`)."""
    notes: list[str] = []
    for (_code, how, mask), division in nodes:
        if how == SHORT:
            notes.append(f"{division.name} written in a short form")
        elif how == FORMER and not (bit and mask & bit):
            names = [n for n in division.names if n != division.name]
            old = names[0] if names else division.name
            notes.append(f"{old} is a former name of {division.name} ({division.code})")
    last = nodes[-1][1]
    if current.code != last.code:
        notes.append(f"{last.name} ({last.code}) is continued by {current.name} ({current.code})")
    if current.last != table.latest:
        notes.append(
            f"{current.name} ({current.code}) was last listed in the {current.last} edition "
            "(merged or abolished since)"
        )
    return notes


def _place_from(
    table: DivisionTable,
    division: Division,
    level: str,
    confidence: float,
    notes: list[str],
    *,
    parent_level: str | None = None,
    department: str | None = None,
) -> Place:
    province, city, county, township, zone = table.place_names(division)
    # Positional (the fields' order): keywords cost a third of making a place.
    return Place(
        level,
        province,
        city,
        county,
        township,
        division.code,
        confidence if confidence < 0.99 else 0.99,
        [],
        parent_level,
        zone,
        "",
        department,
        division.kind,
        list(notes),
    )


def _zone_reading(
    table: DivisionTable | None,
    division: Division | None,
    zone_name: str,
    after: str,
    factor: float,
    notes: list[str],
) -> Reading | None:
    """A zone the table does not list: located by the places named before it, no code."""
    stripped = _strip_zone_government(_strip_infix(after))
    if not after or (
        after in vocab.GOVERNMENT_SUFFIXES and "zone" in vocab.GOVERNMENT_SUFFIXES[after]
    ):
        level, parent_level, department = "zone", None, None
    elif stripped in vocab.KNOWN_DEPARTMENTS:
        level, parent_level, department = "department", "zone", stripped
        factor *= F_KNOWN_DEPT
    elif _department_factor(stripped):
        level, parent_level, department = "department", "zone", stripped
        factor *= _department_factor(stripped)
    else:
        return None
    names = table.ancestors(division) if table and division else {}
    place = Place(
        level=level,
        province=_n(names, "province"),
        city=_n(names, "city"),
        county=_n(names, "county"),
        township=_n(names, "township"),
        code=None,
        confidence=min(factor, 0.99),
        parent_level=parent_level,
        zone=zone_name,
        department=department,
        kind="zone",
        notes=[
            *notes,
            f"{zone_name} is a special zone not listed in the statistical division table; "
            "no code is given",
        ],
    )
    return Reading(place, division)


def _zone_split(text: str) -> tuple[str, str] | None:
    """Split ``…综合实验区地方税务局`` into the zone's name part and what follows it."""
    match = vocab.ZONE_RE.search(text)
    if match is None:
        return None
    before = text[: match.start()]
    if any(word in before for word in ("局", "厅", "委员会", "办公室", "人民政府")):
        return None  # 公安局开发区分局 is a department's branch, not a zone
    return text[: match.end()], text[match.end() :]


def _strip_zone_government(rest: str) -> str:
    """管委会办公室 → 办公室: the office of the zone's administration is the zone's office."""
    for suffix in _ZONE_GOVERNMENT:
        if rest.startswith(suffix) and len(rest) > len(suffix):
            return rest[len(suffix) :]
    return rest


def _strip_infix(rest: str) -> str:
    for infix in vocab.INFIXES:
        if rest.startswith(infix) and len(rest) > len(infix):
            return rest[len(infix) :]
    return rest


def _department_factor(rest: str) -> float:
    """How much ``rest`` looks like a department name (0 when it does not)."""
    if not rest:
        return 0.0
    if rest in vocab.KNOWN_DEPARTMENTS:
        return F_KNOWN_DEPT
    if rest.endswith(vocab.DEPARTMENT_SUFFIXES):
        return F_GENERIC_DEPT if len(rest) >= 2 else F_ODD_DEPT
    return 0.0


def anchors(table: DivisionTable, division: Division) -> tuple[tuple[int, str], ...]:
    """Names of the division's ancestors to look for in context text, with weights."""
    out: list[tuple[int, str]] = []
    own = LEVELS.index(division.level)
    names = table._names_above(division.code)  # kept when the reading was made
    for index in range(len(LEVELS) - 1, -1, -1):  # the nearest ancestor first
        name = names[index]
        if name is not None and index != own:
            out += _named(table, LEVELS[index], name)
    return tuple(out)


_WEIGHTS = {"province": 1, "city": 2, "county": 3, "township": 4}


def _named(table: DivisionTable, level: str, name: str) -> tuple[tuple[int, str], ...]:
    """How context text may name a division (its name, its short form), with the weight of
    its level; worked out once a name, as the ancestor of many."""
    found = table._anchor_names.get((level, name))
    if found is None:
        weight = _WEIGHTS[level]
        short = vocab.short_name(name, level)
        found = ((weight, name), (weight, short)) if short else ((weight, name),)
        table._anchor_names[(level, name)] = found
    return found


def _n(names: dict[str, Division], level: str) -> str | None:
    division = names.get(level)
    return division.name if division else None


def _key(place: Place) -> tuple:
    return (
        place.level,
        place.parent_level,
        place.code,
        place.zone,
        place.province,
        place.city,
        place.county,
        place.township,
    )


def copy_place(place: Place) -> Place:
    """A copy of ``place`` whose notes and candidates the caller may change."""
    return Place(
        place.level,
        place.province,
        place.city,
        place.county,
        place.township,
        place.code,
        place.confidence,
        [copy_place(c) for c in place.candidates],
        place.parent_level,
        place.zone,
        place.name,
        place.department,
        place.kind,
        list(place.notes),
        place.more_candidates,
    )
