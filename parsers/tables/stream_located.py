"""Tables 三 and 四 of pipe text read on its compact tokens, without the general reader's cells.

Pipe text the fast path declines (a row short of numbers, a table that does not add up) is read
from table 三 on (:mod:`parsers.tables.stream_read`). Its tables hold no grid and no cells run
together, so the general reader's steps reduce to a few: rows are labels followed by values
(:func:`stream_rows`, :func:`parsers.tables.tokens.read_rows` on the tokens' kinds), a row's
readings are its values in order or left to arithmetic, and settling decides each cell
(:mod:`parsers.tables.stream_settle`). Here those steps run on the compact tokens
(:mod:`parsers.fastpath.stream`) and their indexes, so that no :class:`~parsers.cells.base.Cell`,
matcher :class:`~parsers.tables.tokens.Token` or :class:`~parsers.tables.placing.Placed` is
made for a document it reads; the record is the general reader's, cell for cell.

Which documents it reads is decided before anything is read (:func:`read_stream_located`
gives None, and the general reader reads the document, for the rest): table 三 holding the
2019 （六）其他处理 row in a 2021 report (read beside the form), and table 四 printed one row
per group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from parsers import schema
from parsers.fastpath.reading import StreamCells
from parsers.fastpath.stream import (
    FLAGS,
    KIND,
    LABEL,
    LABEL_TEXT,
    LITIGATION,
    REVIEW,
    RUN,
    RUN_LENGTH,
    TEXT,
    UPHELD,
    VALUE,
)
from parsers.fastpath.tables import application_rows
from parsers.solver import Rule
from parsers.tables.appeals import _result_of, _row_rules, match_appeal_group, names_result
from parsers.tables.applications import _stated_totals, application_rules
from parsers.tables.found import Found
from parsers.tables.layout import section_layout
from parsers.tables.located import _decide_template
from parsers.tables.rowlabels import match_application_row
from parsers.tables.stream_reading import (
    BLANK_CELL,
    NOT_FOUND,
    UNDECIDED,
    SectionCells,
    StreamReading,
)
from parsers.tables.stream_settle import StreamRows, settle_rows
from parsers.values import Printed

Row = tuple[str, list[int], list[int]]
"""A row read on compact tokens: its code, its label's and its values' token indexes."""

_APPLICATION_COLUMNS = tuple(c.code for c in schema.APPLICATION_COLUMNS)
_GROUPS = tuple(g.code for g in schema.APPEAL_GROUPS)
_RESULTS = tuple(r.code for r in schema.APPEAL_RESULTS)
_FLAT_COLUMNS = tuple(f"{g}.{r}" for g in _GROUPS for r in _RESULTS)
_GROUP_COLUMNS = tuple((g, tuple(f"{g}.{r}" for r in _RESULTS)) for g in _GROUPS)
"""Each group of table 四 and its columns in the row of fifteen."""


def read_stream_located(
    stream: Sequence[tuple],
    lines: Sequence[int],
    kept: Sequence[int],
    appeals_start: int | None,
    votes: dict[str, int],
    proactive: Callable[[str], dict | None],
    *,
    year_hint: int | None,
    text: str,
) -> Found | None:
    """The tables of a pipe text from table 三 on, as :func:`parsers.tables.located.read_located`
    reads them; None when the document is not one this reads (see the module docstring).

    ``kept``: the stream indexes of the tokens the general reader makes (labels, values,
    runs) from table 三's header cells on; ``appeals_start``: table 四's first token among
    them (:func:`find_stream_appeals`); ``votes``: table 二's template votes; ``proactive``: table 二 of a template, or None."""
    app_end = appeals_start if appeals_start is not None else len(kept)
    appeals = kept[appeals_start:] if appeals_start is not None else []
    found_rows = stream_rows(stream, kept[:app_end], match_application_row)
    app_rows, _ = application_rows(found_rows, votes)  # (table 三's votes added to table 二's)
    codes = {r[0] for r in app_rows}
    found = Found(template=None)
    found.template_votes = dict(votes)
    warnings = found.warnings
    template = _decide_template(votes, year_hint, warnings, bool(app_rows) or bool(appeals))
    found.template = template
    if template is None:
        return found
    if template == schema.TEMPLATE_2021 and "other" in codes:
        return None  # (the 2019 row read beside the form: the general reader's)
    if appeals and _by_group(stream, appeals):
        return None
    where = StreamCells(stream, lines)
    applications = None
    if app_rows:
        applications = _applications(stream, app_rows, template, warnings, text, lines)
    table = proactive(template)
    if table is None:
        warnings.append("table 二 (proactive disclosure) not found in the document")
        return found  # (the caller hands such a document to the general reader)
    sections: dict[str, SectionCells] = {}
    if applications is not None:
        sections[schema.SECTION_APPLICATIONS] = applications
    else:
        warnings.append("table 三 (applications) not found in the document")
    read = _appeals(stream, appeals, warnings, lines) if appeals else None
    if read is not None:
        sections[schema.SECTION_APPEALS] = read
    else:
        warnings.append("table 四 (reconsideration and litigation) not found in the document")
    found.defer(
        StreamReading(template, warnings, (schema.SECTION_PROACTIVE, table), sections, where)
    )
    return found


def stream_rows(
    stream: Sequence[tuple], kept: Sequence[int], match: Callable[[str, str | None], str | None]
) -> list[Row]:
    """:func:`parsers.tables.tokens.read_rows` on compact tokens with no grid (``kept``: the
    stream indexes of the labels, values and runs, in order): a row is its label tokens and
    the values after them; a run of empty positions ends it."""
    rows: list[list] = []
    pending: list[int] = []
    current: list | None = None
    previous: str | None = None
    for i in kept:
        kind = stream[i][KIND]
        if kind == LABEL:
            current = None
            pending.append(i)
            continue
        if kind == RUN:
            if current is None and pending:
                code = match("".join([stream[j][LABEL_TEXT] for j in pending]), previous)
                if code:
                    previous = code
                    rows.append([code, pending, []])
                pending = []
            current = None
            continue
        if current is None:
            if not pending:
                if rows:
                    rows[-1][2].append(i)  # a stray value: kept with the last row
                continue
            code = match("".join([stream[j][LABEL_TEXT] for j in pending]), previous)
            if code:
                previous = code
            current = [code, pending, []]
            rows.append(current)
            pending = []
        current[2].append(i)
    return [(code, label, values) for code, label, values in rows if code is not None]


def _applications(
    stream: Sequence[tuple],
    rows: list[Row],
    template: str,
    warnings: list[str],
    text: str,
    lines: Sequence[int],
) -> SectionCells:
    """Table 三 as :func:`parsers.tables.applications.read_applications` reads pipe text."""
    layout = section_layout(template, schema.SECTION_APPLICATIONS)
    table: dict[str, dict[str, Printed]] = {row: {} for row, _ in layout}
    kept: list[Row] = []
    seen: set[str] = set()
    for code, label, values in rows:
        if code not in table:
            warnings.append(
                f"table 三: row {code} does not belong to the {template} format; ignored"
            )
            continue
        if code in seen:
            if values:
                warnings.append(f"table 三: row {code} printed twice; the first is kept")
            continue
        seen.add(code)
        kept.append((code, label, values))
    placed = StreamRows(stream, kept, len(_APPLICATION_COLUMNS))
    free = any(len(v) > 1 for v in placed.vectors)
    if text and free:
        codes = placed.codes
        for code, facts in _stated_totals(text).items():
            if code in codes:
                placed.narrow(codes.index(code), facts, f"table 三 row {code}", warnings)
        free = any(len(v) > 1 for v in placed.vectors)
    rules: Sequence[Rule] = application_rules(template, set(placed.codes)) if free else []
    cells = SectionCells(table)
    settle_rows(placed, rules, _APPLICATION_COLUMNS, cells, "table 三", warnings, lines)
    for code, row_columns in layout:
        if not table[code]:
            table[code] = dict.fromkeys(row_columns, NOT_FOUND)
    missing = [code for code in table if code not in seen]
    if missing:
        warnings.append(f"table 三: rows not found: {', '.join(missing)}")
    return cells


def _appeals(
    stream: Sequence[tuple], kept: Sequence[int], warnings: list[str], lines: Sequence[int]
) -> SectionCells | None:
    """Table 四 printed as one row of fifteen, as :func:`parsers.tables.appeals.read_appeals`
    reads pipe text."""
    table = {g: dict.fromkeys(_RESULTS, NOT_FOUND) for g in _GROUPS}
    header_end = 0
    while header_end < len(kept) and stream[kept[header_end]][KIND] != VALUE:
        header_end += 1
    headers = kept[:header_end]
    values: list[int] = []
    for i in kept[header_end:]:
        if stream[i][KIND] != VALUE:
            break
        values.append(i)
    if not values:
        return _printed_blank(stream, kept, table)
    row = StreamRows(stream, [("appeals", [], values)], len(_FLAT_COLUMNS))
    if not any(stream[i][KIND] == LABEL and names_result(stream[i][LABEL_TEXT]) for i in headers):
        _checked_by_totals(row, warnings)
    flat = SectionCells({"appeals": {}})
    settle_rows(row, _row_rules(), _FLAT_COLUMNS, flat, "table 四", warnings, lines)
    cells = SectionCells(table)
    origin, readings = flat.origins["appeals"], flat.readings.get("appeals")
    found = flat.lines.get("appeals", {})
    printed = flat.printed["appeals"]
    for group, keys in _GROUP_COLUMNS:  # (the row of fifteen, split into its groups)
        row_cells = table[group]
        for result, key in zip(_RESULTS, keys, strict=True):
            row_cells[result] = printed[key]
            if key in found:
                cells.lines.setdefault(group, {})[result] = found[key]
        cells.origins[group] = origin
        if readings is not None and any(p is UNDECIDED for p in row_cells.values()):
            cells.readings[group] = readings
    return cells


def _checked_by_totals(row: StreamRows, warnings: list[str]) -> None:
    """:func:`parsers.tables.appeals._checked_by_totals` of a row of fifteen (the one of
    ``row``): read in the form's order only where every group's total checks it."""
    if len(row.vectors[0]) != 1 or row.notes[0] != "order":
        return
    vector = row.vectors[0][0]
    if all(sum(v or 0 for v in vector[g : g + 4]) == (vector[g + 4] or 0) for g in (0, 5, 10)):
        return
    warnings.append(
        "table 四: a row printed without the result headers does not add up in the form's "
        "order; its cells are left undecided"
    )
    row.undone(0, "no header, and the groups do not add up in the form's order")


def _printed_blank(
    stream: Sequence[tuple], kept: Sequence[int], table: dict[str, dict[str, Printed]]
) -> SectionCells | None:
    """Table 四 with headers and only blank cells: every cell blank (see
    :func:`parsers.tables.appeals._printed_blank`)."""
    if not any(stream[i][KIND] == RUN for i in kept):
        return None
    if not any(stream[i][KIND] == LABEL and _result_of(stream[i][LABEL_TEXT]) for i in kept):
        return None
    for cells in table.values():
        for result in cells:
            cells[result] = BLANK_CELL
    return SectionCells(table)


def _by_group(stream: Sequence[tuple], kept: Sequence[int]) -> bool:
    """Whether table 四 is printed one row per group (two groups or more named by rows that
    print numbers, none twice): the general reader's layout, not read here."""
    # (a row that prints numbers starts where a value follows a label: two at least)
    starts = 0
    for before, after in pairwise(kept):
        if stream[after][KIND] == VALUE and stream[before][KIND] == LABEL:
            starts += 1
    if starts < 2:
        return False
    rows = [r for r in stream_rows(stream, kept, match_appeal_group) if r[2]]
    codes = [r[0] for r in rows]
    return len(set(codes)) >= 2 and len(codes) == len(set(codes))


def find_stream_appeals(stream: Sequence[tuple], kept: Sequence[int], start: int) -> int | None:
    """:func:`parsers.tables.located.find_appeals` on compact tokens (``kept``: the reader's
    tokens' stream indexes; the result an index into ``kept``)."""
    found = _appeal_headers(stream, kept, start)
    return found if found is not None else _appeals_heading(stream, kept, start)


def _appeal_headers(stream: Sequence[tuple], kept: Sequence[int], start: int) -> int | None:
    either = REVIEW | UPHELD
    for n in range(start, len(kept)):
        flags = stream[kept[n]][FLAGS]
        if not flags & either:
            continue
        other = UPHELD if flags & REVIEW else REVIEW
        if flags & other or any(stream[i][FLAGS] & other for i in kept[n + 1 : n + 60]):
            return n
    return None


def _appeals_heading(stream: Sequence[tuple], kept: Sequence[int], start: int) -> int | None:
    both = REVIEW | LITIGATION
    for n in range(start, len(kept)):
        token = stream[kept[n]]
        if token[KIND] != LABEL or token[FLAGS] & both != both:
            continue
        digits = 0
        for i in kept[n + 1 : n + 80]:
            after = stream[i]
            if after[KIND] == LABEL and len(after[LABEL_TEXT]) >= 40:
                break
            if after[KIND] == VALUE:
                digits += sum(ch.isdigit() for ch in after[TEXT])
        if digits >= 10:
            return n
    return None


def lone_bars_before_numbers(stream: Sequence[tuple], kept: Sequence[int]) -> bool:
    """:func:`parsers.tables.tokens.blanks_in_place` on compact tokens: two lone bars each
    followed by a number."""
    seen = 0
    previous = None
    for i in kept:
        token = stream[i]
        if (
            previous is not None
            and token[KIND] == VALUE
            and previous[KIND] == RUN
            and previous[RUN_LENGTH] == 1
        ):
            seen += 1
            if seen >= 2:
                return True
        previous = token
    return False
