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
blank between two cells. The enumeration is pruned by the row's own sums as it goes (the six
applicant columns sum to 总计; each appeals group's four results sum to its 总计), so a row of
table 三 costs a few dozen candidate cuts, not the millions of the unpruned search.

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
    if not flat:
        return False
    return _atoms(flat) is not None


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


@lru_cache(maxsize=65536)
def _atoms(chunk: str) -> tuple[str, ...] | None:
    """Validate a whitespace-free chunk: only digits, separators, signs, dashes and units."""
    if re.fullmatch(r"[0-9.,+" + re.escape(DASH_CHARS) + r"万元件条个项次人宗份]+", chunk) is None:
        return None
    if not re.search(r"[0-9" + re.escape(DASH_CHARS) + r"]", chunk):
        return None
    return (chunk,)


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


@lru_cache(maxsize=65536)
def _fewest_parts(text: str) -> tuple[int, ...]:
    """For each offset: the fewest cells ``text[offset:]`` can be cut into (most permissive
    column), or a large number when it cannot be cut at all."""
    n = len(text)
    impossible = n + 1_000
    best = [impossible] * (n + 1)
    best[n] = 0
    for start in range(n - 1, -1, -1):
        for end in range(start + 1, n + 1):
            if best[end] + 1 < best[start] and part_value(text[start:end], True, True):
                best[start] = best[end] + 1
    return tuple(best)


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

    When none satisfies the rules, the readings without them are returned with
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


def _enumerate(
    chunks: list[tuple[str, bool, int | None]],
    slots: tuple[Slot, ...],
    rules: tuple[SumRule, ...],
    blanks: bool,
    limit: int,
) -> list[tuple[Printed | None, ...]] | None:
    """All readings, depth first, only through states from which a reading can still be
    completed (memoized), so the work grows with the number of readings, not of cuts."""
    width = len(slots)
    n_chunks = len(chunks)
    # Characters left from chunk i on, and the fewest cells the rest of the text can make
    # (every 0 before another digit is a cell of its own).
    rest = [0] * (n_chunks + 1)
    fewest_after = [0] * (n_chunks + 1)
    fewest = [_fewest_parts(text) if splittable else (1, 0) for text, splittable, _ in chunks]
    for i in range(n_chunks - 1, -1, -1):
        text, splittable, _ = chunks[i]
        rest[i] = rest[i + 1] + (len(text) if splittable else 1)
        fewest_after[i] = fewest_after[i + 1] + fewest[i][0]
    part_of = [tuple(k for k, r in enumerate(rules) if col in r.parts) for col in range(width)]
    total_of = [tuple(k for k, r in enumerate(rules) if r.total == col) for col in range(width)]
    # columns still to fill (after col) that belong to each rule's parts or are after its total
    open_rules = [
        tuple(k for k, r in enumerate(rules) if r.total > col) for col in range(width + 1)
    ]

    def step(sums: tuple, col: int, printed: Printed | None, chars_left: int) -> tuple | None:
        """The rule sums after putting ``printed`` at ``col``, or None when a rule breaks."""
        value = 0 if printed is None or printed.value is None else printed.value
        if not rules:
            return sums
        new = list(sums)
        for k in part_of[col]:
            new[k] += value
        for k in total_of[col]:
            if new[k] != value:
                return None
            new[k] = 0
        for k in open_rules[col + 1]:
            if new[k] and new[k] >= 10**chars_left:
                return None  # no total left long enough to match the running sum
        return tuple(new)

    def children(i: int, offset: int, col: int, sums: tuple):
        """(printed, next chunk, next offset, next column, next sums) of every next cell."""
        if col == width:
            return
        if i == n_chunks:
            if blanks:
                nxt = step(sums, col, None, 0)
                if nxt is not None:
                    yield None, i, offset, col + 1, nxt
            return
        columns_left = width - col
        if fewest[i][offset] + fewest_after[i + 1] > columns_left:
            return
        chars_left = rest[i] - offset
        if not blanks and chars_left < columns_left:
            return
        text, splittable, fixed = chunks[i]
        if blanks and (fixed is None or fixed > col):
            nxt = step(sums, col, None, chars_left)
            if nxt is not None:
                yield None, i, offset, col + 1, nxt
        if fixed is not None and fixed != col:
            return
        if not splittable:
            printed = read_value(text)
            if printed is not None:
                nxt = step(sums, col, printed, rest[i + 1])
                if nxt is not None:
                    yield printed, i + 1, 0, col + 1, nxt
            return
        slot = slots[col]
        for end in range(offset + 1, len(text) + 1):
            printed = part_value(text[offset:end], slot.decimal, slot.signed)
            if printed is None:
                continue
            if end == len(text):
                nxt = step(sums, col, printed, rest[i + 1])
                if nxt is not None:
                    yield printed, i + 1, 0, col + 1, nxt
            else:
                nxt = step(sums, col, printed, rest[i] - end)
                if nxt is not None:
                    yield printed, i, end, col + 1, nxt

    memo: dict[tuple, bool] = {}

    def feasible(i: int, offset: int, col: int, sums: tuple) -> bool:
        if i == n_chunks and col == width:
            return True
        key = (i, offset, col, sums)
        known = memo.get(key)
        if known is None:
            known = any(feasible(*child[1:]) for child in children(i, offset, col, sums))
            memo[key] = known
        return known

    out: list[tuple[Printed | None, ...]] = []
    vector: list[Printed | None] = []

    def walk(i: int, offset: int, col: int, sums: tuple) -> None:
        if i == n_chunks and col == width:
            out.append(tuple(vector))
            if len(out) > limit:
                raise _Overflow
            return
        for printed, *state in children(i, offset, col, sums):
            if feasible(*state):
                vector.append(printed)
                walk(*state)
                vector.pop()

    start = (0, 0, 0, (0,) * len(rules))
    try:
        if feasible(*start):
            walk(*start)
    except _Overflow:
        return None
    return out
