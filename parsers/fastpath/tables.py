"""The three tables read from a position-free token stream (pipe text), when the document is
the common case; None otherwise, and the general reader (:func:`parsers.tables.read_tables`)
reads it instead.

Each step below is the general reader's own, on compact tokens (:mod:`parsers.fastpath.stream`),
kept only where its outcome is one the fast path can build directly:

- the tables are found where the general reader finds them (table 三 at its first 本年新收, table
  四 at its result headers), and no blank cell is written in its place (a lone bar before a
  number);
- the template is told by the labels of table 二 with no tie;
- every row of every table is found once, and prints exactly as many values as the form has
  columns (or none at all: an unfilled row), so each value's column is its order;
- table 四 printed without its result headers adds up in the form's order.

Anything else — a row short of numbers, a row the template does not have, a table missing, a
label the matcher cannot place — returns None: those are the cases where the general reader
weighs readings or words a warning, and it does so from the start.

Given the text line of each token (``lines``), each value keeps the line it is printed on
(:attr:`parsers.model.CellValue.source`, as an int: no object per value) and each row its
label cells (:class:`parsers.model.RowOrigin`), as the general reader keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from operator import itemgetter

from parsers import schema
from parsers.fastpath.plan import BuiltRow, Plan
from parsers.fastpath.reading import PlannedReading
from parsers.fastpath.stream import (
    APP_HEADER,
    BLANK_CELL,
    LABEL,
    NEW,
    PROACTIVE_START,
    PROSE,
    PROSE_SHAPE,
    REVIEW,
    RUN,
    SHAPE,
    UPHELD,
    VALUE,
    Token,
)
from parsers.labels import normalize_label
from parsers.model import Tables
from parsers.tables.appeals import names_result
from parsers.tables.found import Found
from parsers.tables.layout import section_layout
from parsers.tables.rowlabels import match_appeal_group, match_application_row, match_item

Row = tuple[str, list[int], list[int]]  # (code, the indexes of its values, of its label's cells)
_APPEALS_WINDOW = 60  # tokens after a 行政复议 or 维持 header where the other must appear


def read_stream_tables(
    stream: Sequence[Token], year_hint: int | None = None, lines: Sequence[int] | None = None
) -> Found | None:
    """The tables of a pipe-text document, as the general reader reads them, or None
    (:func:`planned_reading` with its cells made). ``lines``: the text line of each token,
    kept as the values' provenance."""
    reading = planned_reading(stream, lines)
    if reading is None:
        return None
    return Found(
        template=reading.template, tables=reading.tables(), template_votes=dict(reading.votes)
    )


def planned_reading(
    stream: Sequence[Token], lines: Sequence[int] | None = None
) -> PlannedReading | None:
    """How the tables of a pipe-text document are read (their printed values now, their cells
    when asked: :class:`~parsers.fastpath.reading.PlannedReading`), or None where the general
    reader must read them. ``lines``: the text line of each token, kept as the values'
    provenance.

    Which token goes to which cell depends on the document's shape alone — the kind of each
    token, the text of each label, the length of each run of empty positions and where lines
    with no cell come between them (their :data:`~parsers.fastpath.stream.SHAPE`, joined) —
    but for table 四's sums, tested on its
    values each time. Reports that print the same form the same way (a harvest meets
    thousands: the official labels, the same CMS) share that shape, so the reading of a shape
    is worked out once (:func:`_plan`) and kept (:data:`_plans`); a report then costs its
    values. A shape the fast path does not read is kept too, and its reports go to the general
    reader at once.
    """
    if len(stream) > _LONGEST_PLANNED:  # (no report is so long: its shape is not kept)
        plan = _plan(stream)
    else:
        key = "".join(map(_SHAPE_OF, stream))
        if key[:1] == PROSE_SHAPE or key[-1:] == PROSE_SHAPE:  # lines of text around the cells
            start = len(key) - len(key.lstrip(PROSE_SHAPE))
            key = key.strip(PROSE_SHAPE)
            if start:  # (the stream read from its first cell on: its plan is the same)
                stream = stream[start:]
                lines = None if lines is None else lines[start:]
        try:
            plan = _plans[key]
        except KeyError:  # a shape not met yet (or forgotten)
            plan = _plan(stream)
            if len(_plans) >= _PLANS_KEPT:
                _plans.clear()
            _plans[key] = plan
    if plan is None:
        return None
    return _reading(plan, stream, lines)


def _reading(
    plan: Plan, tokens: Sequence[Token], lines: Sequence[int] | None
) -> PlannedReading | None:
    """The reading of one document of a planned shape, or None when its table 四, printed
    without the headers of its results, does not add up in the form's order."""
    if plan.appeals_add_up and not _adds_up([tokens[i][3] for i in plan.appeals]):
        return None
    return PlannedReading(plan, tokens, lines)


def build_tables(plan: Plan, tokens: Sequence[Token], lines: Sequence[int] | None) -> Found | None:
    """The tables of one document of a planned shape with their cells made (see
    :class:`~parsers.fastpath.reading.PlannedReading`), or None (see :func:`_reading`)."""
    reading = _reading(plan, tokens, lines)
    if reading is None:
        return None
    return Found(template=plan.template, tables=reading.tables(), template_votes=dict(plan.votes))


_SHAPE_OF = itemgetter(SHAPE)


_plans: dict[str, Plan | None] = {}
_PLANS_KEPT = 512
_LONGEST_PLANNED = 4000  # tokens (a report has a few hundred): the kept keys stay small


def _plan(stream: Sequence[Token]) -> Plan | None:
    """Read a shape: the general reader's steps on compact tokens (see the module docstring),
    or None where the document is not the common case. Cells that read as blank (which pipe
    text has no place for) are left out, as the general reader leaves them out, and so are
    lines with no cell; the indexes of the plan are put back to the stream's."""
    kinds = bytes(map(_KIND, stream))
    if BLANK_CELL not in kinds and PROSE not in kinds:
        return _plan_of(stream, kinds)
    kept = [i for i, t in enumerate(stream) if t[0] < BLANK_CELL]
    plan = _plan_of(
        [stream[i] for i in kept], kinds.replace(_BLANK_BYTE, b"").replace(_PROSE_BYTE, b"")
    )
    if plan is None:
        return None
    rows = tuple(
        (
            section,
            tuple(
                (
                    code,
                    columns,
                    tuple((col, kept[i]) for col, i in pairs),
                    None if label is None else tuple(kept[i] for i in label),
                )
                for code, columns, pairs, label in planned
            ),
        )
        for section, planned in plan.rows
    )
    appeals = tuple(kept[i] for i in plan.appeals)
    return Plan(plan.template, plan.votes, rows, appeals, plan.appeals_add_up)


def _plan_of(tokens: Sequence[Token], kinds: bytes) -> Plan | None:
    """:func:`_plan` on a stream with no blank cell."""
    flags = bytes(map(_FLAGS, tokens))
    app_start = _flagged(flags, NEW, 0)
    if app_start < 0:
        return None
    appeals_start = _appeals_at(flags, app_start)
    if appeals_start < 0 or _lone_bars_before_numbers(tokens, kinds, app_start, appeals_start):
        return None
    if _SHORT_RUN.search(kinds, app_start, appeals_start):
        return None  # (a row short of numbers, told before the rows are read: see _SHORT_RUN)
    app_block = block_start(tokens, app_start)
    votes = template_votes(tokens, app_block)
    app_rows = read_rows(tokens, app_block, appeals_start, match_application_row)
    app_rows, template = application_rows(app_rows, votes)
    if template is None or not app_rows or any(0 < len(row[1]) != _WIDTH for row in app_rows):
        return None  # (a row short of numbers: the arithmetic places them)
    proactive = proactive_rows(tokens, flags, app_block, template)
    applications = _applications(app_rows, template) if proactive is not None else None
    appeals = _appeals(tokens, kinds, appeals_start) if applications is not None else None
    if proactive is None or applications is None or appeals is None:
        return None
    start, add_up = appeals
    rows = ((schema.SECTION_PROACTIVE, proactive), (schema.SECTION_APPLICATIONS, applications))
    width = len(_RESULTS)
    appeal_rows = tuple(  # one row of fifteen values: each group's five, no label of its own
        (group, _RESULTS, tuple(zip(_RESULTS, range(at, at + width), strict=True)), None)
        for group, at in zip(_GROUPS, range(start, start + len(_FLAT), width), strict=True)
    )
    return Plan(
        template,
        dict(votes),
        (
            *((section, tuple(map(built_row, found))) for section, found in rows),
            (schema.SECTION_APPEALS, appeal_rows),
        ),
        tuple(range(start, start + len(_FLAT))),
        add_up,
    )


def built_row(row: PlannedRow) -> BuiltRow:
    """A planned row as :func:`build_tables` reads it: each column beside its value's index."""
    code, columns, at, label = row
    return (code, columns, tuple(zip(columns, at, strict=True)) if at else (), label)


_WIDTH = len(schema.APPLICATION_COLUMNS)  # every row of table 三 has its seven columns
_KIND = itemgetter(0)
_FLAGS = itemgetter(5)
_SHORT_RUN = re.compile(b"(?<!%c)%c{1,%d}(?!%c)" % (VALUE, VALUE, _WIDTH - 1, VALUE))
"""Fewer values in a row than table 三 has columns, between two tokens that are no value: a
row short of numbers, which only the arithmetic places (the plan is not made: documents of the
family whose zeros are printed as nothing each have a shape of their own)."""
_BLANK_BYTE = bytes([BLANK_CELL])
_PROSE_BYTE = bytes([PROSE])
_BIT_TABLES = {
    bit: bytes(1 if b & bit else 0 for b in range(256))
    for bit in (NEW, REVIEW, UPHELD, PROACTIVE_START, REVIEW | UPHELD)
}
"""Per key word: a translation of a flags string to 1 where a label holds it, 0 elsewhere."""


def _flagged(flags: bytes, bit: int, start: int, end: int | None = None) -> int:
    """Index of the first label from ``start`` (before ``end``) holding the key word ``bit``,
    or -1."""
    table = _BIT_TABLES[bit]
    if end is None:
        return flags.translate(table).find(1, start)
    return flags.translate(table).find(1, start, end)


def _appeals_at(flags: bytes, start: int) -> int:
    """:func:`find_appeals_header` on the flags string: the first 行政复议 or 维持 header from
    ``start`` with the other close by, or -1."""
    either = flags.translate(_BIT_TABLES[REVIEW | UPHELD])
    review = flags.translate(_BIT_TABLES[REVIEW])
    upheld = flags.translate(_BIT_TABLES[UPHELD])
    size = len(flags)
    i = either.find(1, start)
    while i >= 0:
        other = upheld if review[i] else review
        if (review[i] and upheld[i]) or other.find(1, i + 1, min(i + _APPEALS_WINDOW, size)) >= 0:
            return i
        i = either.find(1, i + 1)
    return -1


_RUN_THEN_VALUE = bytes([RUN, VALUE])


def _lone_bars_before_numbers(tokens: Sequence[Token], kinds: bytes, start: int, end: int) -> bool:
    """Whether a lone bar is followed by a number twice in table 三 (a dump that writes blank
    cells in their place; see :func:`parsers.tables.tokens.blanks_in_place`)."""
    seen = 0
    i = kinds.find(_RUN_THEN_VALUE, start, end)
    while i >= 0:
        if tokens[i][4] == 1:
            seen += 1
            if seen >= 2:
                return True
        i = kinds.find(_RUN_THEN_VALUE, i + 1, end)
    return False


_LABEL_OF = itemgetter(2)


def read_rows(
    tokens: Sequence[Token],
    start: int,
    end: int,
    match: Callable[[str, str | None], str | None],
) -> list[Row]:
    """:func:`parsers.tables.tokens.read_rows` on position-free tokens: a row is its label
    cells and the values after them; a run of empty positions ends it; labels of a row with no
    values run into the next row's label; a value after a run stays with the row before."""
    rows: list[list] = []
    pending: list[str] = []
    labels: list[int] = []  # the indexes of the pending label cells
    current: list | None = None
    previous: str | None = None
    for i in range(start, end):
        token = tokens[i]
        kind = token[0]
        if kind == LABEL:
            current = None
            pending.append(token[2])
            labels.append(i)
        elif kind == VALUE:
            if current is None:
                if not pending:
                    if rows:
                        rows[-1][1].append(i)
                    continue
                code = match("".join(pending), previous)
                if code:
                    previous = code
                current = [code, [], labels]
                rows.append(current)
                pending, labels = [], []
            current[1].append(i)
        else:  # a run of empty positions
            if current is None and pending:
                code = match("".join(pending), previous)
                if code:
                    previous = code
                    rows.append([code, [], labels])
                pending, labels = [], []
            current = None
    return [(code, at, label) for code, at, label in rows if code is not None]


_SECTIONS = (schema.SECTION_PROACTIVE, schema.SECTION_APPLICATIONS, schema.SECTION_APPEALS)


def found_tables(
    template: str, votes: dict[str, int], *readers: Callable[[], dict | None]
) -> Found | None:
    """The three tables, each read by its reader in turn (二, 三, 四), or None as soon as one
    is not the common case."""
    tables: Tables = {}
    for section, read in zip(_SECTIONS, readers, strict=True):
        table = read()
        if table is None:
            return None
        tables[section] = table
    return Found(template=template, tables=tables, template_votes=dict(votes))


def first_flagged(
    tokens: Sequence[Token], flag: int, start: int, end: int | None = None
) -> int | None:
    """Index of the first label from ``start`` holding the key word ``flag``."""
    for i in range(start, len(tokens) if end is None else end):
        token = tokens[i]
        if token[0] == LABEL and token[5] & flag:
            return i
    return None


def find_appeals_header(tokens: Sequence[Token], start: int) -> int | None:
    """Table 四's first 行政复议 or 维持 header with the other close by (the general reader's
    first rule; a table found by its heading alone is left to it)."""
    for i in range(start, len(tokens)):
        token = tokens[i]
        flags = token[5] & (REVIEW | UPHELD)
        if token[0] != LABEL or not flags:
            continue
        other = UPHELD if flags & REVIEW else REVIEW
        if token[5] & other or first_flagged(
            tokens, other, i + 1, min(i + _APPEALS_WINDOW, len(tokens))
        ):
            return i
    return None


def block_start(tokens: Sequence[Token], index: int) -> int:
    """Back from table 三's first row over its header cells (as the general reader walks in
    pipe text: runs and header words)."""
    i = index
    while i > 0:
        previous = tokens[i - 1]
        if previous[0] == VALUE or (previous[0] == LABEL and not previous[5] & APP_HEADER):
            break
        i -= 1
    while i < index and tokens[i][0] == RUN and i > 0 and tokens[i - 1][0] == LABEL:
        i += 1
    return i


_MARKERS = {
    template: tuple(normalize_label(m) for m in markers)
    for template, markers in schema.PROACTIVE_MARKERS.items()
}


def template_votes(tokens: Sequence[Token], end: int) -> dict[str, int]:
    """How many of each template's marker phrases the labels before ``end`` hold: the votes
    that tell a 2019 table from a 2021 one (shared with the HTML grid and the reading of pipe
    text from table 三 on)."""
    text = "".join(map(_LABEL_OF, tokens[:end]))  # (a token that is no label has none)
    votes: dict[str, int] = {}
    for template, markers in _MARKERS.items():
        hits = sum(1 for m in markers if m in text)
        if hits:
            votes[template] = hits * 3
    return votes


def application_rows(rows: list[Row], votes: dict[str, int]) -> tuple[list[Row], str | None]:
    """Table 三's rows from its first 本年新收 row on (header cells before it are not rows),
    and the template the votes name once those rows have voted (``votes`` takes their vote):
    the sub-rows of 2021's （六） say 2021, a single （六）其他处理 row 2019."""
    first = next((i for i, row in enumerate(rows) if row[0] == "new"), 0)
    rows = rows[first:]
    codes = {row[0] for row in rows}
    if codes & {"other_no_correction", "other_no_fee", "other_other"}:
        votes[schema.TEMPLATE_2021] = votes.get(schema.TEMPLATE_2021, 0) + 2
    elif "other" in codes:
        votes[schema.TEMPLATE_2019] = votes.get(schema.TEMPLATE_2019, 0) + 1
    return rows, _template(votes)


def _template(votes: dict[str, int]) -> str | None:
    """The template the votes name, when they name one without a tie (the general reader
    decides ties and silence by the report year, with a warning)."""
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


PlannedRow = tuple[str, tuple[str, ...], Sequence[int], Sequence[int]]
"""(row code, its columns, the indexes of its values, of its label's cells)"""


def _planned(row: Row, columns: tuple[str, ...]) -> PlannedRow | None:
    """A row's plan when its values fill its columns in order (or it prints none)."""
    code, at, label = row
    if at and len(at) != len(columns):
        return None
    return (code, columns, tuple(at), tuple(label))


def proactive_rows(
    tokens: Sequence[Token], flags: bytes, end: int, template: str
) -> tuple[PlannedRow, ...] | None:
    start = _flagged(flags, PROACTIVE_START, 0, end)
    if start < 0:
        return None
    items = schema.PROACTIVE[template]
    layout = section_layout(template, schema.SECTION_PROACTIVE)
    found: dict[str, PlannedRow] = {}
    measures = dict(layout)
    for row in read_rows(tokens, start, end, match_item(items)):
        code = row[0]
        if code in found or code not in measures:
            continue
        planned = _planned(row, measures[code])
        if planned is None:
            return None
        found[code] = planned
    if len(found) != len(layout):
        return None
    return tuple(found[code] for code, _ in layout)


def _applications(rows: Sequence[Row], template: str) -> tuple[PlannedRow, ...] | None:
    layout = section_layout(template, schema.SECTION_APPLICATIONS)
    columns = dict(layout)
    found: dict[str, PlannedRow] = {}
    for row in rows:
        code = row[0]
        if code not in columns:
            return None  # a row of the other template: the general reader words it
        if code in found:
            if row[1]:
                return None  # printed twice
            continue
        planned = _planned(row, columns[code])
        if planned is None:
            return None
        found[code] = planned
    if len(found) != len(layout):
        return None
    return tuple(found[code] for code, _ in layout)


_VALUE_BYTE = bytes([VALUE])
_GROUPS = tuple(g.code for g in schema.APPEAL_GROUPS)
_RESULTS = tuple(r.code for r in schema.APPEAL_RESULTS)
_FLAT = tuple((g, r) for g in _GROUPS for r in _RESULTS)


def _appeals(tokens: Sequence[Token], kinds: bytes, start: int) -> tuple[int, bool] | None:
    """Table 四 printed as one row of fifteen values after its headers: where the values
    start, and whether they must add up (no header names the results)."""
    end = len(tokens)
    rows = [row for row in read_rows(tokens, start, end, match_appeal_group) if row[1]]
    codes = [row[0] for row in rows]
    by_group = len(set(codes)) >= 2 and len(codes) == len(set(codes))
    if by_group and all(len(row[1]) <= len(_RESULTS) for row in rows):
        return None  # one row per group: the general reader's layout
    header_end = kinds.find(_VALUE_BYTE, start)
    if header_end < 0:
        return None  # (no values: fifteen are wanted)
    after = kinds[header_end:]
    if len(after) - len(after.lstrip(_VALUE_BYTE)) != len(_FLAT):  # the values in a row
        return None
    named = any(t[0] == LABEL and names_result(t[2]) for t in tokens[start:header_end])
    return header_end, not named


def _adds_up(values: Sequence) -> bool:
    """Each group's four results add up to its total (a dash counts 0)."""
    width = len(_RESULTS)
    for g in range(len(_GROUPS)):
        row = [p.value or 0 for p in values[g * width : (g + 1) * width]]
        if sum(row[:-1]) != row[-1]:
            return False
    return True
