"""Every reading of cells run together: the splits of a digit string into a row's columns.

Text taken from PDFs and page dumps runs adjacent cells together: ``801000081`` is
80|1|0|0|0|0|81. A *reading* cuts the printed text into cell texts and puts them, in order, into
the row's columns. A cut is allowed only where it gives a cell a printed table could hold:

- no leading zeros, except a lone ``0`` (``05`` is never a cell);
- a decimal point only in a column that holds amounts (fees, procurement);
- a sign only in a column that holds changes (the 2019 本年增/减);
- a dash (``—``, ``-``, ``/``, ``无``) is a cell of its own;
- whitespace is always a cut (``230 000023``: the space is a cell boundary).

When the source drops blank cells (flattened page text does), a reading may also leave columns
blank between two cells. The search runs group by group along the row (the six applicant
columns and their 总计; each appeals group's four results and its 总计): it picks a group's
total first — a cell ending where the rest of the row can still be read — and then only cuts
the text before it into parts that add up to it, none longer than the total. Positions from
which the rest cannot be read are remembered, so even a 30-digit appeals row is read in
milliseconds instead of the millions of cuts of the unpruned search.

When no reading satisfies the row's sums the source itself does not add up: the readings are
then enumerated without the sums, and the caller reports it rather than forcing a split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from parsers.model import BLANK, DASH, NUMBER, Number
from parsers.values import Printed, read_value

# Dash cells as flattened text prints them (each is one cell; a run may be several cells).
DASH_CHARS = "—–-－―─/／无"
_NUMBER_PART = re.compile(
    r"^(?P<sign>[+\-])?"
    r"(?P<int>0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)"
    r"(?:\.(?P<frac>\d+))?"
    r"(?P<unit>万元|元|件|条|个|项|次|人次|宗|份)?$"
)
_SPACE = re.compile(r"\s+")
# Columns whose cells may hold a decimal amount, and columns whose cells may carry a sign.
DECIMAL_COLUMNS = frozenset({"amount"})
SIGNED_COLUMNS = frozenset({"change"})

MAX_READINGS = 20_000  # beyond this a row is reported as undecidable, not searched further
MAX_STATES = 60_000  # search states per row before it is reported as undecidable
LOOSE_READINGS = 256  # readings listed for a row that does not add up (beyond: undecidable)


@dataclass(frozen=True, slots=True)
class Slot:
    """What one column accepts."""

    decimal: bool = False
    signed: bool = False


@dataclass(frozen=True, slots=True)
class SumRule:
    """Row arithmetic: the cells at ``parts`` sum to the cell at ``total`` (blank counts 0)."""

    parts: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class Piece:
    """Printed text of one value cell of a row, as the source gave it.

    ``glued``: the text may hold several cells. ``at``: the column the source placed a single
    (not glued) cell in, when it knows it.
    """

    text: str
    glued: bool = True
    at: int | None = None


@dataclass
class Readings:
    """The readings of one row: each a tuple of printed cells (None = blank) over the columns."""

    prints: list[tuple[Printed | None, ...]]
    adds_up: bool = True  # False: no reading satisfies the row's sums (listed without them)
    too_many: bool = False  # the row has more readings than MAX_READINGS; none are listed

    @property
    def vectors(self) -> list[tuple[Number | None, ...]]:
        return [tuple(None if p is None else p.value for p in pr) for pr in self.prints]


def slots_for(columns: Sequence[str]) -> tuple[Slot, ...]:
    """The slot of each column code (amount columns take decimals, change columns signs)."""
    return tuple(Slot(c in DECIMAL_COLUMNS, c in SIGNED_COLUMNS) for c in columns)


def is_glued_value(text: str) -> bool:
    """True when the text is made only of value atoms (digits, dashes, decimals, spaces)."""
    flat = _SPACE.sub("", text)
    return bool(flat) and _value_chars_only(flat)


def read_glued(text: str) -> Printed | None:
    """A glued cell as one printed value (what the matcher sees before it is split).

    Returns None when the text is not made of values at all (it is a label). The value stands
    for the whole run and is never written to a record: the row's readings replace it.
    """
    printed = read_value(text)
    if printed is not None and printed.status == BLANK:
        return printed
    if not is_glued_value(text):
        return printed
    status = NUMBER if any(ch.isdigit() for ch in text) else DASH
    return Printed(None, status, text.strip())


_VALUE_CHARS = re.compile(r"[0-9.,+" + re.escape(DASH_CHARS) + r"万元件条个项次人宗份]+")
_VALUE_CORE = re.compile(r"[0-9" + re.escape(DASH_CHARS) + r"]")


@lru_cache(maxsize=65536)
def _value_chars_only(chunk: str) -> bool:
    """A whitespace-free chunk made of digits, separators, signs, dashes and units only."""
    return _VALUE_CHARS.fullmatch(chunk) is not None and _VALUE_CORE.search(chunk) is not None


@lru_cache(maxsize=262144)
def part_value(text: str, decimal: bool, signed: bool) -> Printed | None:
    """The printed cell ``text`` as one column would hold it, or None when it cannot be one."""
    if text and all(ch in DASH_CHARS for ch in text) and (len(text) == 1 or _dash_word(text)):
        return Printed(None, DASH, text)
    match = _NUMBER_PART.match(text)
    if match is None:
        return None
    if match["sign"] and not signed:
        return None
    if match["frac"] is not None and not decimal:
        return None
    digits = match["int"].replace(",", "")
    if match["frac"] is not None:
        value: Number = float(f"{digits}.{match['frac']}")
    else:
        value = int(digits)
    if match["sign"] == "-":
        value = -value
    return Printed(value, NUMBER, text, match["unit"])


def _dash_word(text: str) -> bool:
    """Multi-character dashes printed as one cell (``——``, ``--``)."""
    return len(set(text)) == 1 and text[0] in "—-－―─"


def chunks_of(pieces: Sequence[Piece]) -> list[tuple[str, bool, int | None]]:
    """(text, splittable, fixed column) of every whitespace-separated chunk of the pieces."""
    out: list[tuple[str, bool, int | None]] = []
    for piece in pieces:
        if not piece.glued:
            text = piece.text.strip()
            if text:
                out.append((text, False, piece.at))
            continue
        for chunk in _SPACE.split(piece.text.strip()):
            if chunk:
                out.append((chunk, True, None))
    return out


def readings(
    pieces: Sequence[Piece],
    columns: Sequence[str],
    rules: Sequence[SumRule] = (),
    *,
    blanks: bool = True,
    limit: int = MAX_READINGS,
) -> Readings:
    """Every reading of the pieces over ``columns`` satisfying ``rules``.

    ``blanks``: a reading may leave columns blank (the source drops empty cells, as flattened
    text and PDF text do). It must stay on whenever the source may have had blank cells: a
    row read "with every column printed" can satisfy its sums by coincidence
    (``5613—69`` is 56|13|—|blank|69, but 5|61|3|—|69 adds up too).

    When no reading satisfies the rules, the readings without them are returned with
    ``adds_up=False`` (the printed row does not add up; the caller says so).
    """
    slots = slots_for(columns)
    chunks = chunks_of(pieces)
    found = _enumerate(chunks, slots, tuple(rules), blanks, limit)
    if found is None:
        return Readings([], too_many=True)
    if found or not rules:
        return Readings(found)
    loose = _enumerate(chunks, slots, (), blanks, LOOSE_READINGS)
    if loose is None:
        return Readings([], adds_up=False, too_many=True)
    return Readings(loose, adds_up=False)


class _Overflow(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Group:
    """Consecutive columns read together: ``parts`` then (when summed) their ``total``."""

    parts: tuple[int, ...]
    total: int | None = None


def _groups(width: int, rules: Sequence[SumRule]) -> list[_Group]:
    """The row as groups: each rule's parts and total, every other column on its own."""
    by_start = {}
    for rule in rules:
        parts = tuple(sorted(rule.parts))
        if parts != tuple(range(parts[0], parts[-1] + 1)) or rule.total != parts[-1] + 1:
            raise ValueError(
                f"row sums must be consecutive columns followed by their total: {rule}"
            )
        by_start[parts[0]] = _Group(parts, rule.total)
    groups: list[_Group] = []
    col = 0
    while col < width:
        group = by_start.get(col)
        if group is None:
            groups.append(_Group((col,)))
            col += 1
        else:
            assert group.total is not None  # a group of a row sum has its total's column
            groups.append(group)
            col = group.total + 1
    return groups


class _Stream:
    """The row's chunks as one string with the cuts a cell may not cross."""

    def __init__(self, chunks: Sequence[tuple[str, bool, int | None]]):
        self.text = "".join(text for text, _, _ in chunks)
        self.n = len(self.text)
        self._parts: dict[tuple, list[tuple[int, Printed]]] = {}
        self._most: dict[tuple[int, int], int] = {}
        # next_cut[i]: the first hard boundary after position i (a cell never crosses it)
        self.atomic: dict[int, tuple[int, int | None]] = {}  # start → (end, fixed column)
        inside: set[int] = set()  # positions strictly inside an unsplittable chunk
        cuts = [self.n]
        pos = 0
        for text, splittable, fixed in chunks:
            if not splittable:
                self.atomic[pos] = (pos + len(text), fixed)
                inside.update(range(pos + 1, pos + len(text)))
            pos += len(text)
            cuts.append(pos)
        self.inside = frozenset(inside)
        boundaries = sorted(set(cuts))
        self._cut_before = frozenset(boundaries)
        self.next_cut = [self.n] * (self.n + 1)
        k = 0
        for i in range(self.n + 1):
            while boundaries[k] <= i and k < len(boundaries) - 1:
                k += 1
            self.next_cut[i] = boundaries[k] if boundaries[k] > i else self.n
        self.fewest = _fewest_from(self)

    def parts_at(self, start: int, slot: Slot, col: int) -> list[tuple[int, Printed]]:
        """(end, printed) of every cell that can start at ``start`` in column ``col``."""
        key = (start, slot, col)
        hit = self._parts.get(key)
        if hit is None:
            hit = self._parts[key] = self._cells_at(start, slot, col)
        return hit

    def _cells_at(self, start: int, slot: Slot, col: int) -> list[tuple[int, Printed]]:
        if start in self.inside or start >= self.n:
            return []
        if start in self.atomic:
            end, fixed = self.atomic[start]
            if fixed is not None and fixed != col:
                return []
            printed = read_value(self.text[start:end])
            return [(end, printed)] if printed is not None else []
        out = []
        for end in range(start + 1, self.next_cut[start] + 1):
            printed = part_value(self.text[start:end], slot.decimal, slot.signed)
            if printed is not None:
                out.append((end, printed))
        return out

    def most(self, start: int, end: int) -> int:
        """An upper bound on the sum of any cells cut from text[start:end]: the digits read
        as few numbers as the hard cuts allow (cutting a number only makes the sum smaller)."""
        key = (start, end)
        hit = self._most.get(key)
        if hit is None:
            total = 0
            run = ""
            for i in range(start, end):
                ch = self.text[i]
                if ch == "," and run:
                    continue  # thousands separator
                if ch.isdigit() and not (i in self._cut_before and run):
                    run += ch
                    continue
                total += int(run) if run else 0
                run = ch if ch.isdigit() else ""
            hit = self._most[key] = total + (int(run) if run else 0)
        return hit

    def fixed_at(self, start: int) -> int | None:
        """The column an unsplittable cell starting here must go to, if the source said."""
        hit = self.atomic.get(start)
        return hit[1] if hit else None


def _fewest_from(stream: _Stream) -> list[int]:
    """fewest[i]: the fewest cells the text from position i can be cut into."""
    n = stream.n
    big = n + 1_000
    fewest = [big] * (n + 1)
    fewest[n] = 0
    for start in range(n - 1, -1, -1):
        if start in stream.inside:
            continue
        if start in stream.atomic:
            end = stream.atomic[start][0]
            fewest[start] = fewest[end] + 1
            continue
        for end in range(start + 1, stream.next_cut[start] + 1):
            if fewest[end] + 1 < fewest[start] and part_value(stream.text[start:end], True, True):
                fewest[start] = fewest[end] + 1
    return fewest


def _enumerate(
    chunks: list[tuple[str, bool, int | None]],
    slots: tuple[Slot, ...],
    rules: tuple[SumRule, ...],
    blanks: bool,
    limit: int,
    max_states: int = MAX_STATES,
) -> list[tuple[Printed | None, ...]] | None:
    """All readings, group by group from the left, through positions from which the rest of
    the text can still be read (memoized by position).

    Within a summed group the total is chosen first — a cell of the text ending where the
    next group can start — and the parts before it must then add up to it: no part exceeds
    the total, so the parts are short and the search small even for long runs of digits.
    """
    stream = _Stream(chunks)
    groups = _groups(len(slots), rules)
    # columns left from group g on (for pruning: the text left must fit in them)
    cols_from = [0] * (len(groups) + 1)
    for g in range(len(groups) - 1, -1, -1):
        group = groups[g]
        cols_from[g] = cols_from[g + 1] + len(group.parts) + (group.total is not None)
    width = len(slots)
    work = [0]

    readings_memo: dict[tuple[int, int], list[tuple[int, tuple]]] = {}
    feasible_memo: dict[tuple[int, int], bool] = {}

    def fits(g: int, pos: int) -> bool:
        """Can the text from ``pos`` fit into the columns of groups g…?"""
        left = stream.n - pos
        if stream.fewest[pos] > cols_from[g]:
            return False
        return blanks or left >= cols_from[g]

    def feasible(g: int, pos: int) -> bool:
        if g == len(groups):
            return pos == stream.n
        key = (g, pos)
        known = feasible_memo.get(key)
        if known is None:
            known = bool(group_readings(g, pos))
            feasible_memo[key] = known
        return known

    def group_readings(g: int, start: int) -> list[tuple[int, tuple]]:
        """(end, cells) of every reading of group g starting at ``start`` after which the
        rest of the row can still be read."""
        key = (g, start)
        hit = readings_memo.get(key)
        if hit is not None:
            return hit
        work[0] += 1
        if work[0] > max_states:
            raise _Overflow
        out: list[tuple[int, tuple]] = []
        if fits(g, start):
            group = groups[g]
            if group.total is None:
                (col,) = group.parts
                fixed = stream.fixed_at(start)
                may_skip = blanks and (fixed is None or fixed > col)
                if may_skip and feasible(g + 1, start):
                    out.append((start, (None,)))
                for end, printed in stream.parts_at(start, slots[col], col):
                    if feasible(g + 1, end):
                        out.append((end, (printed,)))
            else:
                out = _summed(g, group, start)
        readings_memo[key] = out
        return out

    def _summed(g: int, group: _Group, start: int) -> list[tuple[int, tuple]]:
        """Readings of a summed group: pick the total (a cell [r, q), or blank), then tile
        the text before it into the parts. No part exceeds the total, so the parts take at
        most ``len(parts) * len(total)`` characters."""
        k = len(group.parts)
        total_col = group.total
        assert total_col is not None  # only groups with a total are summed
        slot = slots[total_col]
        out: list[tuple[int, tuple]] = []
        for r in range(start, stream.n + 1):
            span = r - start
            if span > k * max(stream.n - r, 2):
                break
            if blanks and span <= 2 * k and feasible(g + 1, r):
                for parts in tile(group.parts, 0, start, r, 0):
                    out.append((r, (*parts, None)))
            most = stream.most(start, r)
            for q, total in stream.parts_at(r, slot, total_col):
                value = total.value or 0
                if value > most or span > k * max(len(total.raw), 2):
                    continue
                if not feasible(g + 1, q):
                    continue
                for parts in tile(group.parts, 0, start, r, value):
                    out.append((q, (*parts, total)))
        return out

    tile_memo: dict[tuple, list[tuple]] = {}

    def tile(parts: tuple[int, ...], j: int, pos: int, end: int, remaining: Number) -> list[tuple]:
        """Every way to put text[pos:end] into part columns j… summing to ``remaining``."""
        if j == len(parts):
            return [()] if pos == end and remaining == 0 else []
        # every part is at most ``remaining``, so at most as long (a dash: two characters)
        if end - pos > (len(parts) - j) * max(len(str(int(remaining))), 2):
            return []
        if remaining > stream.most(pos, end):
            return []
        key = (parts[0], j, pos, end, remaining)
        hit = tile_memo.get(key)
        if hit is not None:
            return hit
        work[0] += 1
        if work[0] > max_states:
            raise _Overflow
        col = parts[j]
        out: list[tuple] = []
        fixed = stream.fixed_at(pos) if pos < end else None
        if blanks and (fixed is None or fixed > col):
            for rest in tile(parts, j + 1, pos, end, remaining):
                out.append((None, *rest))
        if pos < end:
            for stop, printed in stream.parts_at(pos, slots[col], col):
                if stop > end:
                    break
                value = printed.value or 0
                if value > remaining:
                    continue
                for rest in tile(parts, j + 1, stop, end, remaining - value):
                    out.append((printed, *rest))
        tile_memo[key] = out
        return out

    out: list[tuple[Printed | None, ...]] = []

    def walk(g: int, pos: int, prefix: tuple) -> None:
        if g == len(groups):
            if pos == stream.n:
                out.append(prefix)
                if len(out) > limit:
                    raise _Overflow
            return
        for end, cells in group_readings(g, pos):
            walk(g + 1, end, prefix + cells)

    try:
        walk(0, 0, ())
    except _Overflow:
        return None
    assert all(len(v) == width for v in out)
    return out
