"""The statistical division table shipped with the package, loaded once per process.

The table (``places/data/divisions.tsv.gz``, built by ``tools/build_divisions.py``) lists
every province, city, county and township code of the National Bureau of Statistics'
统计用区划代码 for several yearly editions, with every name each code has carried and, for
codes that were replaced, the code that continues them. Loading builds two indexes: code →
:class:`Division` and name → the codes that name has designated (including short forms such
as 梅河口 for 梅河口市 and former names). Nothing here touches the network.
"""

from __future__ import annotations

import gc
import gzip
import re
import threading
from collections.abc import ItemsView, Iterable, Iterator, KeysView, ValuesView
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from places import names as vocab
from places import tablecache
from places.packed import pack_division, pack_refs, unpack_division, unpack_refs

LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county", 9: "township"}
LEVELS = ("province", "city", "county", "township")
_PARENT_LENGTH = {9: 6, 6: 4, 4: 2}  # a code's length → its parent's
# City-level rows that only group counties (直辖市的市辖区/县, 省直辖县级行政区划).
PLACEHOLDER_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
DATA_FILE = "divisions.tsv.gz"
_PLAIN = re.compile(r"[\u4e00-\u9fff]+")  # names that normalising cannot change

# How a name designates a code in the name index.
NAME = "name"  # the code's name in the reference edition
FORMER = "former"  # a name the code carried in another edition
SHORT = "short"  # a short form (梅河口 for 梅河口市)
ALIAS = "alias"  # another spelling of the same name (…街道办事处 for …街道)
_KINDS = {kind: kind for kind in (NAME, FORMER, SHORT, ALIAS)}


@dataclass(slots=True)
class Division:
    """One code of the statistical table across editions."""

    code: str
    name: str  # the most recent name
    names: tuple[str, ...]  # every name, most recent first
    first: int  # first edition year listing the code
    last: int  # last edition year listing the code
    successor: str | None  # the code that continues this one, when it was replaced
    grouping: bool = False  # set by the table: a row repeating its parent's name (嘉峪关市)
    # Worked out on first use: a name's reading asks them of every division it meets.
    _kind: str | None = field(default=None, repr=False, compare=False)
    _placeholder: bool | None = field(default=None, repr=False, compare=False)

    @property
    def level(self) -> str:
        return LEVEL_BY_LENGTH[len(self.code)]

    @property
    def parent_code(self) -> str | None:
        return {9: self.code[:6], 6: self.code[:4], 4: self.code[:2]}.get(len(self.code))

    @property
    def placeholder(self) -> bool:
        """A grouping row (市辖区, 省直辖县级行政区划, 东莞市's county row), not a place.

        Asked only once the table has marked its grouping rows (:class:`DivisionTable`)."""
        found = self._placeholder
        if found is None:
            found = self._placeholder = self._is_placeholder()
        return found

    def _is_placeholder(self) -> bool:
        if self.grouping:
            return True
        if len(self.code) == 4:
            return self.name in PLACEHOLDER_CITY_NAMES
        if len(self.code) == 6:
            return self.name == "市辖区" or self.code.endswith("00")
        return self.code.endswith("000")

    @property
    def kind(self) -> str:
        """The kind of unit, read from the code as the statistical coding rules define it.

        County digits 71–80 are development zones and similar units listed for statistics;
        township digits 001–099 are streets, 100–199 towns, 200–399 townships (乡/苏木),
        400–599 units "similar to townships" (farms, zones, 管委会 …).
        """
        kind = self._kind
        if kind is None:
            kind = self._kind = self._read_kind()
        return kind

    def _read_kind(self) -> str:
        if len(self.code) == 6:
            tail = int(self.code[4:])
            if 71 <= tail <= 80:
                return "zone"
            if self.name.endswith("市"):
                return "county_city"
            if self.name.endswith("区"):
                return "district"
            return "county"
        if len(self.code) == 9:
            tail = int(self.code[6:])
            if tail < 100:
                return "street"
            if tail < 200:
                return "town"
            if tail < 400:
                return "township"
            # 400–599: units "similar to townships"; many are streets or towns by name.
            name = vocab.normalize(self.name)
            if name.endswith("街道"):
                return "street"
            if name.endswith("镇"):
                return "town"
            if name.endswith(("乡", "苏木")):
                return "township"
            return "zone" if vocab.looks_like_zone(name) else "other"
        return self.level

    @property
    def is_zone(self) -> bool:
        return self.kind == "zone"


class _Divisions(dict[str, Division]):
    """code → :class:`Division`, each unpacked from its row (:mod:`places.packed`) the first
    time it is asked for.

    A table read back from the cache holds some 53,000 codes, and making every Division took
    about as long as reading the cache: a process paid it before its first report, though a
    report asks for a few dozen codes. A code once asked for is a plain entry of the dict, so
    looking it up again costs what a dict's lookup does; asking for every division
    (``values()``, ``items()``, comparing two tables) unpacks the rest first.
    """

    __slots__ = ("_rows", "_ordered")

    def __init__(self, rows: dict[str, str]) -> None:
        super().__init__()
        self._rows = rows
        # every division in the rows' order, once all are made: the dict itself holds them
        # in the order they were first asked for, which must not show through its views
        self._ordered: dict[str, Division] | None = None

    def __missing__(self, code: str) -> Division:
        division = Division(*unpack_division(code, self._rows[code]))  # KeyError: no such code
        # (setdefault: two threads asking at once get the same Division, whose memos it keeps)
        return self.setdefault(code, division)

    def get(self, code: str, default: Division | None = None) -> Division | None:  # type: ignore[override]
        try:
            return self[code]
        except KeyError:
            return default

    def __contains__(self, code: object) -> bool:
        return code in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def _complete(self) -> dict[str, Division]:
        """Every division, in the order of the table's rows (as a table built from its text
        holds them), whatever order they were first asked for in."""
        ordered = self._ordered
        if ordered is None:
            ordered = self._ordered = {code: self[code] for code in self._rows}
        return ordered

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return dict.keys(self._complete())

    def values(self) -> ValuesView[Division]:  # type: ignore[override]
        return dict.values(self._complete())

    def items(self) -> ItemsView[str, Division]:  # type: ignore[override]
        return dict.items(self._complete())

    def copy(self) -> dict[str, Division]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Divisions):
            other = other._complete()
        return dict.__eq__(self._complete(), other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None


class NameRef(NamedTuple):
    """One code a name designates, how (name / former / short / alias), and in which editions."""

    code: str
    how: str
    mask: int  # editions (bit i = editions[i]) in which the code carried this name


class DivisionTable:
    """Codes and names of the statistical divisions, with the lookups the resolver needs."""

    def __init__(
        self,
        divisions: dict[str, Division],
        name_rows: list[tuple[str, str, int]],
        editions: tuple[int, ...],
        meta: dict[str, str],
    ):
        self.by_code = divisions
        self.editions = editions
        self.meta = meta
        self.latest = editions[-1] if editions else 0
        self._ancestors: dict[str, dict[str, Division]] = {}
        for code, division in divisions.items():
            if len(code) in (6, 9):
                parent = divisions.get(code[:-2] if len(code) == 6 else code[:6])
                if parent is not None and parent.name == division.name:
                    division.grouping = True  # 嘉峪关市 under 嘉峪关市, 金门县 under 金门县
        # name -> [(code, how, mask)]; plain tuples keep loading fast, lookup() wraps them.
        index: dict[str, list[tuple[str, str, int]]] = {}
        derived: list[tuple[str, tuple[str, str, int]]] = []
        plain = _PLAIN.fullmatch
        for code, name, mask in name_rows:
            division = divisions[code]
            how = NAME if name == division.name else FORMER
            index.setdefault(name, []).append((code, how, mask))
            other = ALIAS if how == NAME else FORMER
            if not plain(name):
                clean = vocab.normalize(name)
                if clean != name:
                    derived.append((clean, (code, other, mask)))
            if len(code) == 9:
                if name.endswith(("街道", "地区")):
                    derived.extend((a, (code, other, mask)) for a in vocab.township_aliases(name))
            elif how == NAME and not division.placeholder and not division.is_zone:
                for short in vocab.short_names(name, division.level):
                    derived.append((short, (code, SHORT, mask)))
        for name, ref in derived:
            refs = index.setdefault(name, [])
            if ref not in refs:
                refs.append(ref)
        # Each name's references packed in a string (places.packed): a dict of strings is
        # not tracked by the cyclic garbage collector, and reads back from the cache quickly.
        self._names: dict[str, str] = {name: pack_refs(refs) for name, refs in index.items()}
        self.max_name_length = max((len(n) for n in index), default=0)
        self._lengths = name_lengths(self._names)
        self._singles = _single_names(self._lengths)
        self.forget()

    def forget(self) -> None:
        """Empty the memos of what readings ask again and again of the same codes and years
        (for benchmarks, and a table edited in place)."""
        self._ancestors = {}
        self._current: dict[str, Division] = {}
        self._place_names: dict[str, tuple[str | None, ...]] = {}
        self._level_names: dict[str, tuple[str | None, ...]] = {}
        self._edition_bits: dict[int | None, int] = {}
        self._anchor_names: dict[tuple[str, str], tuple[tuple[int, str], ...]] = {}
        self._refs: dict[str, tuple[tuple[str, str, int], ...]] = {}

    def refs(self, packed: str) -> tuple[tuple[str, str, int], ...]:
        """The references of a name, from the packed string the name index holds for it
        (unpacked once, then kept)."""
        found = self._refs.get(packed)
        if found is None:
            found = self._refs[packed] = unpack_refs(packed, _KINDS)
        return found

    # --- lookups --------------------------------------------------------------------------

    def lookup(self, name: str) -> list[NameRef]:
        """Every code ``name`` designates (exact match of the normalised form)."""
        packed = self._names.get(name)
        return [NameRef(*r) for r in self.refs(packed)] if packed else []

    def get(self, code: str) -> Division | None:
        return self.by_code.get(code)

    def current(self, code: str) -> Division:
        """The division that continues ``code`` today (itself when it was never replaced)."""
        found = self._current.get(code)
        if found is not None:
            return found
        division = self.by_code[code]
        seen = {code}
        while division.successor and division.successor in self.by_code:
            if division.successor in seen:  # a cycle would be a table error; stop there
                break
            seen.add(division.successor)
            division = self.by_code[division.successor]
        self._current[code] = division
        return division

    def ancestors(self, division: Division) -> dict[str, Division]:
        """The division and its real ancestors by level (placeholders left out)."""
        return dict(self._kept_ancestors(division))

    def _kept_ancestors(self, division: Division) -> dict[str, Division]:
        """:meth:`ancestors`, the memo's own dict (not to be changed)."""
        return self._chain_above(division.code)

    def _chain_above(self, code: str) -> dict[str, Division]:
        """The real divisions of ``code`` and of every prefix of it that is a code, by level,
        the code's own first: a township's is its own and its county's, which is kept once
        for every township of the county."""
        chain = self._ancestors.get(code)
        if chain is None:
            chain = {}
            found = self.by_code.get(code)
            if found is not None and not found.placeholder:
                chain[found.level] = found
            parent = code[: _PARENT_LENGTH.get(len(code), 0)]
            if parent:
                chain.update(self._chain_above(parent))
            self._ancestors[code] = chain
        return chain

    def place_names(self, division: Division) -> tuple[str | None, ...]:
        """(province, city, county, township, zone): the names a place read as ``division``
        carries. A zone is named as the zone, not at the level its code has."""
        found = self._place_names.get(division.code)
        if found is None:
            names = list(self._names_above(division.code))
            zone = None
            if division.is_zone:
                zone = division.name
                names[LEVELS.index(division.level)] = None
            found = self._place_names[division.code] = (*names, zone)
        return found

    def _names_above(self, code: str) -> tuple[str | None, ...]:
        """The names of the real divisions of ``code`` and of its prefixes, by level (as
        :meth:`ancestors`), each kept once: a township's are its county's and its own."""
        found = self._level_names.get(code)
        if found is None:
            cut = _PARENT_LENGTH.get(len(code), 0)
            names = list(self._names_above(code[:cut]) if cut else (None,) * len(LEVELS))
            division = self.by_code.get(code)
            if division is not None and not division.placeholder:
                names[LEVELS.index(division.level)] = division.name
            found = self._level_names[code] = tuple(names)
        return found

    def children(self, code: str) -> list[Division]:
        """Current divisions directly or indirectly under ``code`` (for region listings)."""
        return [
            d
            for c, d in self.by_code.items()
            if c != code and c.startswith(code) and d.last == self.latest
        ]

    def edition_bit(self, year: int | None) -> int:
        """The bitmask of the edition closest to ``year`` (the latest edition by default)."""
        if not self.editions:
            return 0
        if year is None:
            return 1 << (len(self.editions) - 1)
        bit = self._edition_bits.get(year)
        if bit is None:
            editions = self.editions
            index = min(range(len(editions)), key=lambda i: (abs(editions[i] - year), -i))
            bit = self._edition_bits[year] = 1 << index
        return bit

    def __len__(self) -> int:
        return len(self.by_code)

    # --- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> DivisionTable:
        """Read a table file (the packaged one by default, built once per machine and then
        read from the user's cache: :mod:`places.tablecache`)."""
        if path is not None:
            return cls.from_text(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
        data = resources.files("places").joinpath("data", DATA_FILE).read_bytes()
        cached = tablecache.cache_path(data)
        state = tablecache.read(cached) if cached is not None else None
        if state is not None:
            try:
                return cls.from_state(state)
            except (TypeError, ValueError):  # a layout this code does not know
                pass
        table = cls.from_text(gzip.decompress(data).decode("utf-8"))
        if cached is not None:
            tablecache.write(cached, table.state())
        return table

    def state(self) -> tuple:
        """The built table as plain strings and dicts (what :meth:`from_state` takes back)."""
        rows = {
            d.code: pack_division(
                (d.code, d.name, d.names, d.first, d.last, d.successor, d.grouping)
            )
            for d in self.by_code.values()
        }
        return (tablecache.LAYOUT, rows, self._names, self.editions, self.meta, self._lengths)

    @classmethod
    def from_state(cls, state: tuple) -> DivisionTable:
        """The table :meth:`state` gave, without building its indexes again (each division
        is unpacked when first asked for)."""
        if state[0] != tablecache.LAYOUT:
            raise ValueError(f"division table layout {state[0]}, expected {tablecache.LAYOUT}")
        _layout, rows, names, editions, meta, lengths = state
        if not isinstance(rows, dict) or not isinstance(names, dict):
            raise TypeError("division table state: rows and names must be dicts")
        table = cls.__new__(cls)
        table.by_code = _Divisions(rows)
        table.editions = tuple(editions)
        table.meta = dict(meta)
        table.latest = table.editions[-1] if table.editions else 0
        table._names = names
        table._lengths = lengths
        table._singles = _single_names(lengths)
        table.max_name_length = max((len(n) for n in names), default=0)
        table.forget()
        return table

    @classmethod
    def from_text(cls, text: str) -> DivisionTable:
        """Parse the table's text (see ``tools/build_divisions.py`` for the format).

        Rows come sorted by code, the most recently used name first; one pass builds the
        divisions. The cyclic garbage collector is paused meanwhile: the load creates some
        200,000 small objects and would otherwise trigger many useless collections.
        """
        meta: dict[str, str] = {}
        lines = text.split("\n")
        body = 0
        while body < len(lines) and lines[body].startswith("#"):
            key, _, value = lines[body][1:].strip().partition("\t")
            meta[key] = value
            body += 1
        if "editions" not in meta:
            raise ValueError("division table has no '# editions' line")
        editions = tuple(int(y) for y in meta["editions"].split("\t"))
        first_last = [_edition_span(m, editions) for m in range(1 << len(editions))]
        divisions: dict[str, Division] = {}
        name_rows: list[tuple[str, str, int]] = []
        paused = gc.isenabled()
        gc.disable()
        try:
            group: list[tuple[str, int, str]] = []
            group_code = None
            for line in lines[body:]:
                if not line:
                    continue
                code, name, hexmask, successor = line.split("\t")
                mask = int(hexmask, 16)
                name_rows.append((code, name, mask))
                if code != group_code:
                    if group_code is not None:
                        divisions[group_code] = _division(group_code, group, first_last)
                    group_code, group = code, []
                group.append((name, mask, successor))
            if group_code is not None:
                divisions[group_code] = _division(group_code, group, first_last)
            return cls(divisions, name_rows, editions, meta)
        finally:
            if paused:
                gc.enable()


def name_lengths(names: Iterable[str]) -> dict[str, int]:
    """The lengths of the names by their first two characters (one for a name of one), each
    set of lengths a bitmask (bit n: a name of n characters), so that a reading looks up only
    the lengths some name has where it stands instead of every length."""
    lengths: dict[str, int] = {}
    get = lengths.get
    for name in names:
        key = name[:2]
        lengths[key] = get(key, 0) | (1 << len(name))
    return lengths


def _single_names(lengths: dict[str, int]) -> frozenset[str]:
    """The names of one character (kept apart in the index of lengths, whose keys have two)."""
    return frozenset(key for key in lengths if len(key) == 1)


def _edition_span(mask: int, editions: tuple[int, ...]) -> tuple[int, int]:
    if not mask:
        return (0, 0)
    return editions[(mask & -mask).bit_length() - 1], editions[mask.bit_length() - 1]


def _division(code: str, group: list[tuple[str, int, str]], spans: list) -> Division:
    if len(group) == 1:
        name, mask, successor = group[0]
        first, last = spans[mask]
        return Division(code, name, (name,), first, last, successor or None)
    group.sort(key=lambda e: -e[1].bit_length())  # most recently used name first
    union = 0
    for _, mask, _ in group:
        union |= mask
    first, last = spans[union]
    continued = next((e[2] for e in group if e[2]), None)
    return Division(code, group[0][0], tuple(e[0] for e in group), first, last, continued)


_default: DivisionTable | None = None
_lock = threading.Lock()


def default_table() -> DivisionTable:
    """The packaged table, loaded on first use and shared by the whole process."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = DivisionTable.load()
    return _default
