"""The division table's rows and name references, each packed in one string for the cache.

A process that parses reads the built table back from the cache (:mod:`places.tablecache`)
before its first report: each ``ogi parse``, and the fork server the parse workers start
from, where it is on the way of every worker. Read back as tuples, the table is some 200,000
objects the garbage collector tracks (and walks after the load), and making
every :class:`~places.divisions.Division` from its tuple took as long again; a report asks
for a few dozen codes and names. Strings are not tracked, and a dict of strings to strings
is not either, so the packed table reads back in about a fifth of that time; a row or a
name's references are unpacked the first time they are asked for.

The separators are control characters no name in the statistical table holds; a name that
did would fail :func:`pack_division` / :func:`pack_refs` with ValueError, and the table would
only be built from its text each time instead of cached.
"""

from __future__ import annotations

from collections.abc import Iterable

FIELD = "\x1f"
"""Between the fields of a row or of a reference."""
ITEM = "\x1e"
"""Between the names of a row, and between the references of a name."""

Ref = tuple[str, str, int]
"""(code, how the name designates it, editions mask): see :class:`places.divisions.NameRef`."""
Row = tuple[str, str, tuple[str, ...], int, int, "str | None", bool]
"""The fields of a Division, in its order: code, name, names, first, last, successor, grouping."""


def pack_division(row: Row) -> str:
    """A division's fields but its code (the key it is stored under) as one string."""
    _code, name, names, first, last, successor, grouping = row
    for text in (name, *names, successor or ""):
        _check(text)
    return FIELD.join(
        (name, ITEM.join(names), str(first), str(last), successor or "", "1" if grouping else "")
    )


def unpack_division(code: str, packed: str) -> Row:
    """The fields :func:`pack_division` packed, with the code in front."""
    name, names, first, last, successor, grouping = packed.split(FIELD)
    return (
        code,
        name,
        tuple(names.split(ITEM)),
        int(first),
        int(last),
        successor or None,
        grouping == "1",
    )


def pack_refs(refs: Iterable[Ref]) -> str:
    """A name's references as one string."""
    out = []
    for code, how, mask in refs:
        _check(code)
        _check(how)
        out.append(f"{code}{FIELD}{how}{FIELD}{mask}")
    return ITEM.join(out)


def unpack_refs(packed: str, kinds: dict[str, str]) -> tuple[Ref, ...]:
    """The references :func:`pack_refs` packed; ``kinds`` maps each way a name designates a
    code to the one string the readings compare with (so every reference shares it)."""
    refs = []
    for item in packed.split(ITEM):
        code, how, mask = item.split(FIELD)
        refs.append((code, kinds.get(how, how), int(mask)))
    return tuple(refs)


def _check(text: str) -> None:
    if FIELD in text or ITEM in text:
        raise ValueError(f"a division table field holds a separator: {text!r}")
