"""The best readings of a name, without reading it every way.

A record's place needs only the readings that tie for the highest confidence, and most chains
of place names in a name cannot reach it: in 梅河口市进化镇人民政府 the chain that stops at
梅河口市 leaves 进化镇人民政府 after it, which is at best a department's name, while the whole
chain is the township's government. What a chain's readings can reach is known before they
are made: the chain's own factor (short forms, former names, …) times the most any remainder
of its kind can give (a government suffix, a known department, anything else, nothing). So
chains are read from the highest ceiling down, and reading stops where no ceiling left can
reach the best found; those read are then kept in the order :func:`places.readings._read`
keeps them, so the readings returned are the same ones it ranks first.
"""

from __future__ import annotations

from places import names as vocab
from places.divisions import DivisionTable
from places.readings import (
    _EPS,
    _TOWNSHIP_RE,
    _ZONE_GOVERNMENT,
    F_BARE,
    F_GENERIC_DEPT,
    F_KNOWN_DEPT,
    F_NATIONAL,
    F_ODD_DEPT,
    F_PARTY,
    F_SHORT,
    F_UNLISTED_TOWNSHIP,
    F_UNRECOGNISED,
    F_VERTICAL,
    F_ZONE,
    F_ZONE_NO_PLACE,
    Reading,
    _interpret,
    all_chains,
    cached,
    chain_base,
    kept,
)

_CAP = 0.99  # no reading of a place is surer than this (see places.readings._place_from)
# The most each kind of reading can multiply a chain's own factor by.
_PLACELESS = max(F_ZONE_NO_PLACE, F_NATIONAL)
_ORGAN = {"party": F_PARTY, "vertical": max(F_VERTICAL, F_GENERIC_DEPT)}
# A remainder that is not a known department reads at best as a zone named after the place
# (whose short form the zone's name restores) where it holds a zone's word (开发区, 实验区, …),
# else as a department by its last word, else as an unlisted township, else as nothing. Most
# remainders hold no zone's word: their lower ceilings spare reading the chains of a name's
# short forms, which the full name's chain outranks. Before those tests a chain is ranked by
# the most any such remainder allows.
_DEPARTMENT_REMAINDER = max(F_GENERIC_DEPT, F_ODD_DEPT, F_UNLISTED_TOWNSHIP, F_UNRECOGNISED)
_ZONE_REMAINDER = max(F_ZONE / F_SHORT, _DEPARTMENT_REMAINDER)
_TOWNSHIP_REMAINDER = max(F_UNLISTED_TOWNSHIP, F_UNRECOGNISED)
# The remainders after a chain's places that allow more than that: none (the place itself),
# a government suffix (人民政府), and every remainder that may be read as a known department:
# one, after an infix (人民政府…), after a zone's administration (管委会…), or both (a few
# more than there are, never fewer).
_REMAINDERS: dict[str, float] = {
    lead + department: F_KNOWN_DEPT
    for lead in (
        "",
        *vocab.INFIXES,
        *_ZONE_GOVERNMENT,
        *(infix + zone for infix in vocab.INFIXES for zone in _ZONE_GOVERNMENT),
    )
    for department in vocab.KNOWN_DEPARTMENTS
}
_REMAINDERS.update(dict.fromkeys(vocab.GOVERNMENT_SUFFIXES, 1.0))
_REMAINDERS[""] = F_BARE
_zone_word = vocab.ZONE_RE.search  # as places.readings._zone_split finds a zone


def _other_remainder(rest: str) -> float:
    """The most a remainder outside :data:`_REMAINDERS` can give, by the tests
    :func:`places.readings._interpret` reads it with: a zone's word, a department's last word
    (of the remainder without its infix, which ends as the remainder does), a township's name."""
    if _zone_word(rest):
        return _ZONE_REMAINDER
    if rest.endswith(vocab.DEPARTMENT_SUFFIXES):
        return _DEPARTMENT_REMAINDER
    if _TOWNSHIP_RE.fullmatch(rest):
        return _TOWNSHIP_REMAINDER
    return F_UNRECOGNISED


def _placeless(text: str) -> float:
    """The most a name read without any place (and without an organ prefix) can give: only a
    zone or a central organ reads so (:func:`places.readings._interpret_placeless`)."""
    if _zone_word(text) or text.startswith(vocab.NATIONAL_PREFIXES):
        return _PLACELESS
    return _PLACELESS if text.endswith(vocab.NATIONAL_SUFFIXES) else 0.0


def cached_best(table: DivisionTable, name: str, year: int | None) -> tuple[list[Reading], bool]:
    """:func:`best_readings` of ``name``, kept as :func:`places.readings.cached_readings` keeps
    all the readings of a name."""
    return cached(table, "_best_cache", best_readings, name, year)


def best_readings(table: DivisionTable, text: str, year: int | None) -> tuple[list[Reading], bool]:
    """The readings of a normalised name that tie for the highest confidence (best first, as
    :func:`places.readings.cached_readings` ranks them) and whether another year could read
    the name otherwise."""
    if not text:
        return [], False
    bit = table.edition_bit(year) if year is not None else 0
    chains, by_year = all_chains(table, text)
    # What the remainder after each chain allows, highest first; the chain's own factor
    # (never above 1) is worked out only for the chains that may still reach the best, and so
    # are the tests that lower the most a remainder outside _REMAINDERS (or no place) allows.
    most: list[float] = []
    vague: list[bool] = []
    for nodes, _start, end, _last_start, organ in chains:
        if organ is not None:
            most.append(_ORGAN[organ] if nodes else 0.0)  # no organ reads without a place
            vague.append(False)
        elif nodes:
            ceiling = _REMAINDERS.get(text[end:])
            most.append(_ZONE_REMAINDER if ceiling is None else ceiling)
            vague.append(ceiling is None)
        else:
            most.append(_PLACELESS)
            vague.append(True)
    read: dict[int, list[Reading]] = {}
    best = -1.0
    for index in sorted(range(len(chains)), key=most.__getitem__, reverse=True):
        floor = best - 2 * _EPS  # (twice: a ceiling is a product rounded once)
        ceiling = most[index]
        if ceiling < floor:
            break
        chain = chains[index]
        nodes = chain[0]
        if vague[index]:
            ceiling = _other_remainder(text[chain[2] :]) if nodes else _placeless(text)
            if ceiling < floor:
                continue
        based = None
        if nodes:
            based = chain_base(table, nodes, bit)
            if min(based[0] * ceiling, _CAP) < floor:
                continue
        found = read[index] = _interpret(table, text, chain, bit, based)
        for reading in found:
            if reading.place.confidence > best:
                best = reading.place.confidence
    if len(read) == 1:
        (ranked,) = read.values()
        if len(ranked) <= 1:  # the one reading of the one chain that could reach it
            return ranked, by_year
    ranked = kept(read[index] for index in sorted(read))
    if not ranked:
        return [], by_year
    top = ranked[0].place.confidence - _EPS
    return [r for r in ranked if r.place.confidence >= top], by_year
