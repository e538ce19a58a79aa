"""Pipe text the fast path declines, read by the general reader from table 三 on.

The fast path (:mod:`parsers.fastpath.tables`) reads a document only when every table is the
common case; one row of table 三 short of numbers (a report that prints its zeros as nothing)
sends the whole document to the general reader. Table 二 of such a report is most often read
in order all the same: its rows print each of their measures. So here the tables are found on
the compact tokens, table 二 is read as the fast path reads it (its plan of the rows, values
in order) when it can be, and only tables 三 and 四 are made into the general reader's cells
and tokens and read by it (:func:`parsers.tables.located.read_located`).

The result is the general reader's, cell for cell and warning for warning (the tests compare
the two): the fast path's reading of table 二 is the general reader's wherever the fast path
gives one, and the tables are found by the same steps on the same tokens (the compact tokens
a reader token is made from, in the same order: those of a cell that is not blank). Anything
off that road — no table 三, a dump that writes blanks in place, a table 二 the fast path does
not read — gives None, and the general reader reads the whole document as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from parsers import schema
from parsers.fastpath.plan import Plan
from parsers.fastpath.stream import BLANK_CELL, FLAGS, KIND, NEW, SHAPE
from parsers.fastpath.stream import Token as StreamToken
from parsers.fastpath.tables import (
    block_start,
    build_tables,
    built_row,
    proactive_rows,
    template_votes,
)
from parsers.tables.found import Found
from parsers.tables.located import read_located
from parsers.tables.placing import RowSplits
from parsers.tables.stream_located import (
    find_stream_appeals,
    lone_bars_before_numbers,
    read_stream_located,
)
from parsers.tables.stream_tokens import cells_and_tokens


def read_stream_from_applications(
    stream: Sequence[StreamToken],
    lines: Sequence[int] | None,
    text: str,
    year_hint: int | None,
) -> Found | None:
    """The tables of a pipe-text document (its compact tokens and their text lines), read by
    the general reader from table 三's header cells on, table 二 by the fast path's reading;
    None when the document is not one of those (see the module docstring)."""
    if lines is None:
        return None  # (the fast path keeps no origin of a row without its lines)
    # Table 三's first row: its first 本年新收 label (a token that is no label has no flags).
    at = next((i for i, token in enumerate(stream) if token[FLAGS] & NEW), -1)
    if at < 0:
        return None
    prefix = _prefix(stream, at)
    if prefix is None:
        return None  # (nothing before table 三 to read another way)
    first, app_start = prefix.first, prefix.app_start
    # The tokens the general reader makes (labels, values, runs) from table 三's header on.
    kept = [i for i in range(first, len(stream)) if stream[i][KIND] < BLANK_CELL]
    appeals_start = find_stream_appeals(stream, kept, app_start)
    if lone_bars_before_numbers(stream, kept[app_start:appeals_start]):
        return None  # (the general reader places the lone bars, over the whole document)
    found = read_stream_located(
        stream,
        lines,
        kept,
        appeals_start,
        dict(prefix.votes),  # (the reading adds table 三's votes to them)
        lambda template: _table_two(stream, lines, prefix, template),
        year_hint=year_hint,
        text=text,
    )
    if found is None:  # (not a document that reader reads: the general reader's cells)
        _, tokens = cells_and_tokens(stream[first:], lines[first:])
        app_end = appeals_start if appeals_start is not None else len(tokens)
        appeals_tokens = tokens[appeals_start:] if appeals_start is not None else []

        def proactive(template: str, warnings: list[str], splits: RowSplits) -> dict | None:
            return _table_two(stream, lines, prefix, template)

        found = read_located(
            dict(prefix.votes),
            tokens[:app_end],
            appeals_tokens,
            proactive,
            year_hint=year_hint,
            text=text,
        )
    if found.reading is not None:
        return found  # (table 二 read in order, tables 三 and 四 on the compact tokens)
    if found.template is not None and schema.SECTION_PROACTIVE not in found.tables:
        return None  # table 二 not read in order: the general reader reads it (and words why)
    return found


class _Prefix:
    """What the tokens before table 三's first row say, read once per shape of theirs (their
    kinds, labels and runs: :data:`~parsers.fastpath.stream.SHAPE`), as the fast path keeps a
    plan per shape of a whole document. Reports of one form printed the same way share it
    whatever their numbers, and a report whose table 三 the fast path declines (its numbers
    do not add up, a row prints fewer of them) still finds table 二 read before: where table
    三's block starts, table 二's template votes, and table 二's rows read in order."""

    __slots__ = ("first", "app_start", "votes", "_compact", "_flags", "_kept", "_plans")

    def __init__(self, stream: Sequence[StreamToken], app_block: int, kept: list[int]) -> None:
        compact = [stream[i] for i in kept]
        self.first = kept[app_block]  # (table 三's header cells, in the stream)
        self.app_start = len(kept) - 1 - app_block  # (its first row, among the reader's tokens)
        self.votes = template_votes(compact, app_block)
        # (read by kinds, labels and flags only: any report of the shape reads the same)
        self._compact = compact[:app_block]
        self._flags = bytes([token[FLAGS] for token in self._compact])
        self._kept = kept
        self._plans: dict[str, Plan | None] = {}

    def plan(self, template: str) -> Plan | None:
        """Table 二 of ``template`` as the fast path reads it (every row found once, printing
        each of its measures, read in order), or None."""
        try:
            return self._plans[template]
        except KeyError:
            pass
        rows = proactive_rows(self._compact, self._flags, len(self._compact), template)
        plan = None
        if rows is not None:
            kept = self._kept
            built = tuple(
                (
                    code,
                    columns,
                    tuple((col, kept[i]) for col, i in pairs),
                    None if label is None else tuple(kept[i] for i in label),
                )
                for code, columns, pairs, label in map(built_row, rows)
            )
            plan = Plan(template, {}, ((schema.SECTION_PROACTIVE, built),), (), False)
        self._plans[template] = plan
        return plan


def _table_two(
    stream: Sequence[StreamToken], lines: Sequence[int], prefix: _Prefix, template: str
) -> dict | None:
    """Table 二 of ``template`` read in order by the prefix's plan, or None."""
    plan = prefix.plan(template)
    return None if plan is None else _proactive_in_order(stream, lines, plan)


def _prefix(stream: Sequence[StreamToken], at: int) -> _Prefix | None:
    """The :class:`_Prefix` of the tokens up to ``at`` (table 三's first row), or None when no
    token before table 三's block is one the general reader reads."""
    key = "".join(map(_SHAPE_OF, stream[: at + 1]))
    try:
        return _prefixes[key]
    except KeyError:
        pass
    # The tokens up to it that the general reader makes a token of (a cell that is not
    # blank), in order: what table 二 is read from.
    kept = [i for i in range(at + 1) if stream[i][KIND] < BLANK_CELL]
    app_block = block_start([stream[i] for i in kept], len(kept) - 1)
    found = _Prefix(stream, app_block, kept) if app_block else None
    if len(_prefixes) >= _PREFIXES_KEPT:
        _prefixes.clear()
    _prefixes[key] = found
    return found


_prefixes: dict[str, _Prefix | None] = {}
_PREFIXES_KEPT = 512
_SHAPE_OF = itemgetter(SHAPE)


def _proactive_in_order(
    stream: Sequence[StreamToken], lines: Sequence[int], plan: Plan
) -> dict | None:
    """Table 二 of a document by its prefix's plan (see :meth:`_Prefix.plan`)."""
    found = build_tables(plan, stream, lines)
    if found is None:
        return None
    table = found.tables[schema.SECTION_PROACTIVE]
    for code, _, pairs, _ in plan.rows[0][1]:
        if not pairs:  # a row that prints nothing: the general reader leaves it to arithmetic
            origin = next(iter(table[code].values())).origin
            if origin is not None:
                origin.how = "arithmetic"
    return table
