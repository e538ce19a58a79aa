"""The one matcher: reads tables 二, 三 and 四 from any cell stream.

Every input form arrives as a :class:`~parsers.cells.base.Document`. The matcher walks its
cells, recognises row labels by the schema's normalized keys (never exact strings), groups the
values that follow each label into a row, and then decides each value's column:

1. through the header cells above it, when the source knows grid positions;
2. by order, when the row holds exactly as many values as the table has columns;
3. otherwise by the table's arithmetic (:mod:`parsers.solver`): every placement of the printed
   values that is consistent with the form's rules is kept, and a cell is decided only when all
   of them agree. Undecided cells stay null, with a warning naming them — never a guess.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from parsers import schema
from parsers.cells.base import Cell, Document
from parsers.labels import find_key, normalize_label
from parsers.model import BLANK, MISSING, NUMBER, UNCERTAIN, CellValue, Tables
from parsers.recover import (
    Piece,
    Readings,
    SumRule,
    corroborated,
    read_glued,
    readings,
    stated_numbers,
)
from parsers.solver import INCONSISTENT, TOO_MANY, Placements, Rule, Term, Vector, agreed, solve
from parsers.values import Printed, read_value

# --------------------------------------------------------------------------------------------
# Tokens and rows
# --------------------------------------------------------------------------------------------


class Token:
    """One cell as the matcher sees it: a label, a value, or a pipe-text run of empty cells.

    What kind it is and where it sits are settled when it is made: the matcher asks at every
    step.
    """

    __slots__ = ("cell", "printed", "label", "is_label", "is_value", "is_blank", "grid_key")

    def __init__(self, cell: Cell, printed: Printed | None, label: str = ""):
        self.cell = cell
        self.printed = printed  # None: the cell is a label (or an empty run)
        self.label = label  # normalized label text (labels only)
        self.is_value = printed is not None
        self.is_label = not self.is_value and not cell.empty_run
        self.is_blank = self.is_value and printed.status == BLANK
        # (table, grid row), when the source knows both
        self.grid_key = None if cell.table is None or cell.row is None else (cell.table, cell.row)

    def __repr__(self) -> str:
        return f"Token({self.cell!r}, {self.printed!r}, {self.label!r})"


def tokenize(cells: Sequence[Cell]) -> list[Token]:
    tokens = []
    for cell in cells:
        if cell.empty_run:
            tokens.append(Token(cell, None))
            continue
        printed = read_glued(cell.text) if cell.glued else read_value(cell.text)
        if printed is not None and printed.status == BLANK and cell.col is None:
            continue  # an empty cell with no position carries no information
        tokens.append(Token(cell, printed, "" if printed else normalize_label(cell.text)))
    return tokens


@dataclass
class RowRead:
    """The values printed after one row label."""

    code: str | None
    label: str
    values: list[Token] = field(default_factory=list)
    header: list[Token] = field(default_factory=list)  # label cells seen before it (headers)


def read_rows(
    tokens: Sequence[Token], match: Callable[[str, str | None], str | None]
) -> list[RowRead]:
    """Group tokens into labelled rows.

    A row is its label cells followed by its value cells. A row ends at the next label after
    values, at a change of grid row (sources that know rows), or at a pipe-text empty run. Label
    cells of a row that shows no values (a group heading such as （三）不予公开) are carried into
    the next row's label.
    """
    rows: list[RowRead] = []
    pending: list[Token] = []
    current: RowRead | None = None
    current_key = None
    previous_code: str | None = None

    def start_row() -> RowRead:
        nonlocal previous_code
        label = "".join(t.label for t in pending)
        code = match(label, previous_code)
        row = RowRead(code, label, header=list(pending))
        if code:
            previous_code = code
        rows.append(row)
        return row

    for token in tokens:
        key = token.grid_key
        if current is not None and key is not None and key != current_key:
            current = None
        if token.cell.empty_run:
            if current is None and pending:
                row = start_row()
                if row.code is None:
                    rows.pop()
                pending = []
            current = None
            continue
        if token.is_label:
            if current is not None:
                current = None
            pending.append(token)
            continue
        if current is None:
            if not pending:
                if rows and key is None:
                    rows[-1].values.append(token)  # a stray value: keep it with the last row
                continue
            current = start_row()
            current_key = key
            pending = []
        current.values.append(token)
    return [r for r in rows if r.code is not None]


# --------------------------------------------------------------------------------------------
# Label matching
# --------------------------------------------------------------------------------------------


def _best(label: str, fields: Sequence[schema.Field], previous: str | None) -> str | None:
    best_code, best_pos = None, -1
    for f in fields:
        pos = find_key(label, f.keys) if f.keys else -1
        if f.after and previous in f.after:
            pos = max(pos, find_key(label, f.after_keys))
        if pos > best_pos:
            best_code, best_pos = f.code, pos
    return best_code


_COLUMN_HEADER_KEYS = tuple(
    normalize_label(k) for k in ("自然人", "商业企业", "科研机构", "法律服务机构", "申请人情况")
)


@lru_cache(maxsize=16384)
def match_application_row(label: str, previous: str | None) -> str | None:
    if not label:
        return None
    code = _best(label, schema.APPLICATION_ROWS, previous)
    if code == "total" and any(k in label for k in _COLUMN_HEADER_KEYS):
        return None  # the column header "总计", not the （七）总计 row
    return code


@lru_cache(maxsize=8)
def match_item(items: tuple[schema.Item, ...]) -> Callable[[str, str | None], str | None]:
    @lru_cache(maxsize=8192)
    def match(label: str, previous: str | None) -> str | None:
        best_code, best_pos = None, -1
        for item in items:
            pos = find_key(label, item.keys)
            if pos > best_pos:
                best_code, best_pos = item.code, pos
        return best_code

    return match


@lru_cache(maxsize=4096)
def match_appeal_group(label: str, previous: str | None) -> str | None:
    return _best(label, schema.APPEAL_GROUPS, previous)


# --------------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------------


@dataclass
class Placed:
    """The candidate readings of one row: each a vector over the row's columns."""

    # Lists, or Placements when the columns are left to arithmetic (built only when asked).
    vectors: Sequence[Vector]
    prints: Sequence[tuple[Printed | None, ...]]  # the printed cell at each position, per reading
    note: str = ""  # how the columns were decided
    shown: str = ""  # the printed text, for warnings (cells run together: the whole run)


@dataclass
class Headers:
    """Where a table's column headers sit: the grid range under each column's header."""

    ranges: dict[str, range]
    # Grid column → indexes of the columns whose header spans it, per column order asked for;
    # built once per table rather than once per row.
    _under: dict[tuple[str, ...], dict[int, tuple[int, ...]]] = field(default_factory=dict)

    def under(self, columns: Sequence[str]) -> dict[int, tuple[int, ...]]:
        key = tuple(columns)
        found = self._under.get(key)
        if found is None:
            found = self._under[key] = _columns_under(columns, self.ranges)
        return found


def _header_ranges(
    headers: Sequence[Token], variants: dict[str, tuple[str, ...]], *, contains: bool = False
) -> Headers | None:
    """Grid ranges of the column headers, when every column has one contiguous header.

    A header repeated over adjacent positions (converters write a merged cell once per position
    it covers) counts as one header spanning them all.
    """
    columns: dict[str, set[int]] = {}
    for token in headers:
        if token.cell.col is None:
            return None
        for code, names in variants.items():
            hit = any(n and n in token.label for n in names) if contains else token.label in names
            if hit:
                columns.setdefault(code, set()).update(
                    range(token.cell.col, token.cell.col + token.cell.colspan)
                )
                break
    if len(columns) != len(variants):
        return None
    found: dict[str, range] = {}
    for code, cols in columns.items():
        span = range(min(cols), max(cols) + 1)
        if len(span) != len(cols):
            return None  # the same header in two separate places
        found[code] = span
    spans = sorted(found.values(), key=lambda r: r.start)
    if any(a.stop > b.start for a, b in itertools.pairwise(spans)):
        return None
    return Headers(found)


def place_row(
    values: Sequence[Token],
    columns: Sequence[str],
    headers: Headers | None,
    rules: Sequence[SumRule] = (),
    *,
    blanks: bool = True,
    splits: RowSplits | None = None,
) -> Placed:
    """Decide the column of each printed value of a row (see the module docstring).

    ``rules`` are the row's own sums (as column indexes); they prune the readings of cells run
    together (:mod:`parsers.recover`), and ``blanks`` says whether those readings may leave
    columns blank (see :func:`parsers.recover.readings`). ``splits``: the readings of
    run-together rows already worked out in the document.
    """
    width = len(columns)
    if any(t.cell.glued for t in values):
        return _place_glued(values, columns, headers, rules, blanks, splits or RowSplits())
    if headers is not None and all(t.cell.col is not None for t in values):
        prints = _under_headers(values, headers.under(columns), width)
        if prints is not None:
            return Placed([tuple(_v(p) for p in prints)], [tuple(prints)], "header")
    if len(values) > width and all(t.is_blank for t in values[width:]):
        values = values[:width]  # blanks past the last column: a ragged row's end
    if len(values) == width:
        prints = [t.printed for t in values]
        return Placed([tuple(_v(p) for p in prints)], [tuple(prints)], "order")
    filled = [t for t in values if not t.is_blank]
    if len(filled) == width:
        prints = [t.printed for t in filled]
        return Placed([tuple(_v(p) for p in prints)], [tuple(prints)], "order")
    if len(filled) > width:
        return Placed([], [], f"{len(filled)} values for {width} columns")
    printed = [t.printed for t in filled]
    return Placed(
        Placements([_v(p) for p in printed], width), Placements(printed, width), "arithmetic"
    )


def _under_headers(
    values: Sequence[Token], under: dict[int, tuple[int, ...]], width: int
) -> list[Printed | None] | None:
    """The printed cell in each column when the headers place every value: a number under
    exactly one header, at most one number per column (a blank cell fills a column only when
    no number does). None when they do not."""
    prints: list[Printed | None] = [None] * width
    numbered = [False] * width
    for token in values:
        hits = _hits(under, token.cell.col, token.cell.colspan)
        if len(hits) != 1:
            if token.is_blank:
                continue
            return None
        (i,) = hits
        if not token.is_blank:
            if numbered[i]:
                return None
            numbered[i] = True
            prints[i] = token.printed
        elif prints[i] is None:
            prints[i] = token.printed
    return prints


def _columns_under(columns: Sequence[str], headers: dict[str, range]) -> dict[int, tuple[int, ...]]:
    """Grid column → indexes of the row's columns whose header spans it.

    Built once per table, so that placing a value is a lookup rather than a comparison of its
    span with every header.
    """
    under: dict[int, list[int]] = {}
    for i, code in enumerate(columns):
        for col in headers[code]:
            under.setdefault(col, []).append(i)
    return {col: tuple(found) for col, found in under.items()}


def _hits(under: dict[int, tuple[int, ...]], col: int, colspan: int) -> Sequence[int]:
    """Indexes of the columns (ascending) whose headers a cell at ``col`` spanning ``colspan``
    grid positions touches."""
    if colspan == 1:
        return under.get(col, ())
    found: set[int] = set()
    for position in range(col, col + colspan):
        found.update(under.get(position, ()))
    return sorted(found)


def _place_glued(
    values: Sequence[Token],
    columns: Sequence[str],
    headers: Headers | None,
    rules: Sequence[SumRule],
    blanks: bool,
    splits: RowSplits,
) -> Placed:
    """Every reading of a row with cells run together (see :mod:`parsers.recover`)."""
    under = headers.under(columns) if headers is not None else None
    pieces = []
    for token in values:
        if token.is_blank:
            continue
        at = None
        if not token.cell.glued and under is not None and token.cell.col is not None:
            hits = _hits(under, token.cell.col, token.cell.colspan)
            at = hits[0] if len(hits) == 1 else None
        pieces.append(Piece(token.cell.text, token.cell.glued, at))
    shown = " ".join(p.text.strip() for p in pieces)
    found = splits.readings(pieces, columns, rules, blanks)
    if found.too_many:
        return Placed([], [], f"too many ways to split the run-together cells {shown!r}", shown)
    if not found.prints:
        return Placed([], [], f"the run-together cells {shown!r} fit no split", shown)
    note = "split" if found.adds_up else "split; the printed row does not add up"
    return Placed(found.vectors, list(found.prints), note, shown)


class RowSplits:
    """The readings of run-together rows (:func:`parsers.recover.readings`) worked out in one
    document, by row: a table repeats rows (a small agency's table 三 prints ``0000000`` row
    after row), and each takes a search. One per document; nothing outlives it."""

    def __init__(self) -> None:
        self._found: dict[tuple, Readings] = {}

    def readings(
        self, pieces: list[Piece], columns: Sequence[str], rules: Sequence[SumRule], blanks: bool
    ) -> Readings:
        key = (tuple(pieces), tuple(columns), tuple(rules), blanks)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = readings(pieces, columns, rules, blanks=blanks)
        return found


def _row_sum(columns: Sequence[str]) -> list[SumRule]:
    """The row sums of table 三: the six applicant columns add up to 总计."""
    total = columns.index("total")
    return [SumRule(tuple(range(total)), total)]


def _v(printed: Printed | None):
    return None if printed is None else printed.value


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


@dataclass
class Found:
    """What the matcher read: the template it saw and the three tables (when present)."""

    template: str | None
    tables: Tables = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    template_votes: dict[str, int] = field(default_factory=dict)


_COLUMN_VARIANTS = {
    "natural_person": ("自然人",),
    "commercial": ("商业企业",),
    "research": ("科研机构",),
    "social_org": ("社会公益组织", "公益组织"),
    "legal_service": ("法律服务机构",),
    "other_org": ("其他", "其他组织"),
    "total": ("总计", "合计"),
}
_RESULT_VARIANTS = {
    "upheld": ("结果维持", "维持"),
    "corrected": ("结果纠正", "纠正"),
    "other": ("其他结果",),
    "pending": ("尚未审结", "未审结"),
    "total": ("总计", "合计"),
}


def _codes_by_label(variants: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalized header name → the (first) code it names."""
    out: dict[str, str] = {}
    for code, names in variants.items():
        for name in names:
            out.setdefault(normalize_label(name), code)
    return out


_RESULT_BY_LABEL = _codes_by_label(_RESULT_VARIANTS)


def read_tables(doc: Document, *, year_hint: int | None = None) -> Found:
    """Read the three statutory tables from a document's cell stream."""
    cells = doc.cells
    if doc.form != "flat" and cells and all(c.glued and c.table is None for c in cells):
        from parsers.cells.flat import expand_glued_lines

        cells = expand_glued_lines(cells)
    tokens = tokenize(cells)
    found = Found(template=None)
    app_start = _find_label(tokens, ("本年新收",), 0)
    appeals_from = app_start if app_start is not None else 0
    appeals_start = _find_appeals(tokens, appeals_from)
    if app_start is not None and _blanks_in_place(tokens[app_start:appeals_start]):
        tokens = _place_lone_bars(tokens)  # one for one: the indexes above still hold
    if app_start is not None:
        app_block = _block_start(tokens, app_start)
        proactive_tokens = tokens[:app_block]
        app_end = appeals_start if appeals_start is not None else len(tokens)
        app_tokens = tokens[app_block:app_end]
    else:
        proactive_tokens = tokens[: appeals_start if appeals_start is not None else len(tokens)]
        app_tokens = []
    appeals_tokens = tokens[appeals_start:] if appeals_start is not None else []

    votes = _template_votes(proactive_tokens)
    app_rows = read_rows(app_tokens, match_application_row) if app_tokens else []
    # Header cells before the first row (the column header 总计, say) are not rows.
    first = next((i for i, r in enumerate(app_rows) if r.code == "new"), 0)
    app_rows = app_rows[first:]
    codes = {r.code for r in app_rows}
    if codes & {"other_no_correction", "other_no_fee", "other_other"}:
        votes[schema.TEMPLATE_2021] = votes.get(schema.TEMPLATE_2021, 0) + 2
    elif "other" in codes:
        votes[schema.TEMPLATE_2019] = votes.get(schema.TEMPLATE_2019, 0) + 1
    found.template_votes = dict(votes)
    tables_seen = bool(app_rows) or appeals_start is not None
    template = _decide_template(votes, year_hint, found.warnings, tables_seen)
    found.template = template
    if template is None:
        return found

    splits = RowSplits()
    proactive = _read_proactive(proactive_tokens, template, found.warnings, doc.text, splits)
    if proactive is not None:
        found.tables[schema.SECTION_PROACTIVE] = proactive
    else:
        found.warnings.append("table 二 (proactive disclosure) not found in the document")
    if app_rows:
        found.tables[schema.SECTION_APPLICATIONS] = _read_applications(
            app_tokens, app_rows, template, found.warnings, splits
        )
    else:
        found.warnings.append("table 三 (applications) not found in the document")
    appeals = _read_appeals(appeals_tokens, found.warnings, splits) if appeals_tokens else None
    if appeals is not None:
        found.tables[schema.SECTION_APPEALS] = appeals
    else:
        found.warnings.append("table 四 (reconsideration and litigation) not found in the document")
    return found


_BLANK = Printed(None, BLANK, "")


def _blanks_in_place(tokens: Sequence[Token]) -> bool:
    """Whether this pipe text writes a blank cell in its place, as a lone ``|`` line.

    Under the pipe rule a run of empty positions closes its row, and every row of table 三
    starts with its label, so there a run is never followed by a number. Some page dumps
    write a cell that holds only a space (``&nbsp;``) as `` |`` in its place instead; they
    show a lone bar followed by a number, over and over, in table 三. Two sightings decide.
    """
    seen = 0
    for before, after in itertools.pairwise(tokens):
        if before.cell.empty_run == 1 and after.is_value and not after.is_blank:
            seen += 1
            if seen >= 2:
                return True
    return False


def _place_lone_bars(tokens: Sequence[Token]) -> list[Token]:
    """Each lone bar becomes a blank cell at its place in the row; longer runs (the positions a
    spanning label covers) stay runs. A lone bar that was in fact a one-position run at the end
    of its row is a blank past the row's last column, which :func:`place_row` drops."""
    out = []
    for token in tokens:
        if token.cell.empty_run == 1:
            out.append(Token(Cell(""), _BLANK))
        else:
            out.append(token)
    return out


def _find_label(tokens: Sequence[Token], keys: tuple[str, ...], start: int) -> int | None:
    normalized = tuple(normalize_label(k) for k in keys)
    for i in range(start, len(tokens)):
        if tokens[i].is_label and any(k in tokens[i].label for k in normalized):
            return i
    return None


def _find_appeals(tokens: Sequence[Token], start: int) -> int | None:
    """Where table 四 starts: its first 行政复议 or 结果维持 header cell, when the other follows
    close by (the usual layout heads with 行政复议; a transposed one with the result names)."""
    keys = (normalize_label("行政复议"), normalize_label("维持"))
    for i in range(start, len(tokens)):
        token = tokens[i]
        if not token.is_label:
            continue
        hit = [k for k in keys if k in token.label]
        if not hit:
            continue
        other = keys[1] if hit[0] == keys[0] else keys[0]
        if other in token.label or any(
            t.is_label and other in t.label for t in tokens[i + 1 : i + 60]
        ):
            return i
    return None


def _block_start(tokens: Sequence[Token], index: int) -> int:
    """Walk back from a row label over the header cells of its table."""
    anchor = tokens[index].cell.table
    i = index
    while i > 0:
        previous = tokens[i - 1]
        if anchor is not None and previous.cell.table != anchor:
            break
        if previous.is_value and not previous.is_blank:
            break
        i -= 1
    return i


def _template_votes(tokens: Sequence[Token]) -> dict[str, int]:
    votes: dict[str, int] = {}
    text = "".join(t.label for t in tokens if t.is_label)
    for template, markers in schema.PROACTIVE_MARKERS.items():
        hits = sum(1 for m in markers if normalize_label(m) in text)
        if hits:
            votes[template] = hits * 3
    return votes


def _decide_template(
    votes: dict[str, int], year_hint: int | None, warnings: list[str], tables_seen: bool = False
) -> str | None:
    if votes:
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            warnings.append(
                f"template signals conflict ({dict(ranked)}); decided by the report year"
            )
        else:
            return ranked[0][0]
    if year_hint is not None and (votes or tables_seen):
        if not votes:
            warnings.append(
                "no label tells the 2019 format from the 2021 one; decided by the report year"
            )
        if year_hint >= 2021:
            return schema.TEMPLATE_2021
        return schema.TEMPLATE_2019 if year_hint >= 2019 else None
    return None


@lru_cache(maxsize=16)
def _section_layout(template: str, section: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(row, columns) of a section, in printed order (the schema builds it on each call)."""
    return tuple(schema.shape(template).sections[section].items())


def _empty_section(template: str, section: str) -> dict[str, dict[str, CellValue]]:
    return {
        row: {col: CellValue(None, None, MISSING) for col in cols}
        for row, cols in _section_layout(template, section)
    }


def _read_proactive(
    tokens: Sequence[Token],
    template: str,
    warnings: list[str],
    text: str = "",
    splits: RowSplits | None = None,
) -> dict | None:
    start = _find_label(tokens, ("第二十条", "信息内容"), 0)
    if start is None:
        return None
    items = schema.PROACTIVE[template]
    by_code = {item.code: item for item in items}
    rows = read_rows(tokens[start:], match_item(items))
    if not rows:
        return None
    table = _empty_section(template, schema.SECTION_PROACTIVE)
    labels = _grid_labels(tokens)
    found_headers: dict[tuple, Headers | None] = {}  # rows of one sub-table share its headers
    seen: set[str] = set()
    for row in rows:
        if row.code in seen or row.code not in by_code:
            continue
        seen.add(row.code)
        item = by_code[row.code]
        measures = [m.code for m in item.measures]
        variants = _measure_variants(item)
        headers = _measure_headers(labels, row, variants, found_headers)
        placed = place_row(row.values, measures, headers, splits=splits)
        if len(placed.vectors) > 1 and text:
            placed = _corroborate(placed, row.code, measures, template, text, warnings)
        _settle(
            {row.code: placed},
            [],
            {row.code: measures},
            table,
            "table 二",
            warnings,
        )
    missing = [item.code for item in items if item.code not in seen]
    if missing:
        warnings.append(f"table 二: rows not found: {', '.join(missing)}")
    return table


def _corroborate(
    placed: Placed,
    code: str,
    measures: Sequence[str],
    template: str,
    text: str,
    warnings: list[str],
) -> Placed:
    """Pick the one reading of a table-二 row that the numbers stated in the report's text
    allow, when exactly one is left; otherwise leave the row undecided."""
    facts = {m: v for (item, m), v in _stated(text, template).items() if item == code}
    if not facts:
        return placed
    kept = corroborated(placed.vectors, measures, facts)
    if len(kept) != 1 or len(kept) == len(placed.vectors):
        return placed
    (i,) = kept
    stated = ", ".join(f"{m}={sorted(v)[0]}" for m, v in facts.items() if len(v) == 1)
    warnings.append(
        f"table 二 row {code}: the run-together cells {placed.shown!r} were split by numbers "
        f"the report states in its text ({stated}), not by arithmetic"
    )
    return Placed([placed.vectors[i]], [placed.prints[i]], "stated in the text", placed.shown)


@lru_cache(maxsize=32)
def _stated(text: str, template: str) -> dict:
    return stated_numbers(text, template)


def _grid_labels(tokens: Sequence[Token]) -> dict[int | None, dict[int, list[Token]]]:
    """The label cells with a grid row, by table and grid row (in reading order): the header
    cells every row of section 二 looks up, gathered once rather than once per row."""
    labels: dict[int | None, dict[int, list[Token]]] = {}
    for t in tokens:
        if t.is_label and t.cell.row is not None:
            labels.setdefault(t.cell.table, {}).setdefault(t.cell.row, []).append(t)
    return labels


@lru_cache(maxsize=64)
def _measure_variants(item: schema.Item) -> dict[str, tuple[str, ...]]:
    """Normalized header names of each measure of a section-二 item (read-only)."""
    return {m.code: tuple(normalize_label(k) for k in (m.label, *m.keys)) for m in item.measures}


def _measure_headers(
    labels: dict[int | None, dict[int, list[Token]]],
    row: RowRead,
    variants: dict[str, tuple[str, ...]],
    found: dict[tuple, Headers | None],
) -> Headers | None:
    """Header cells of a section-二 sub-table: the nearest header row above the item's row
    (``labels`` from :func:`_grid_labels`; ``found``: header rows already read)."""
    if not row.values or row.values[0].cell.table is None:
        return None
    table = row.values[0].cell.table
    by_row = labels.get(table, {})
    grid_row = row.values[0].cell.row
    names = [n for names in variants.values() for n in names if n]
    for r in sorted((r for r in by_row if r < grid_row), reverse=True):
        if any(n in t.label for t in by_row[r] for n in names):
            key = (table, r, tuple(variants.items()))
            if key not in found:
                found[key] = _header_ranges(by_row[r], variants, contains=True)
            return found[key]
    return None


def _application_rules(template: str, present: set[str]) -> list[Rule]:
    columns = [c.code for c in schema.APPLICATION_COLUMNS]
    total_col = columns.index("total")
    rules = []
    for row in present:
        rules.append(
            Rule(
                f"applications.columns:{row}",
                tuple(Term(row, i) for i in range(total_col)) + (Term(row, total_col, -1),),
            )
        )
    outcomes = [r for r in schema.OUTCOME_ROWS[template] if r in present]
    for i, col in enumerate(columns):
        if outcomes and "total" in present:
            rules.append(
                Rule(
                    f"applications.outcomes:{col}",
                    tuple(Term(r, i) for r in outcomes) + (Term("total", i, -1),),
                )
            )
        if {"new", "carried_over", "total", "carried_forward"} <= present:
            rules.append(
                Rule(
                    f"applications.balance:{col}",
                    (
                        Term("new", i),
                        Term("carried_over", i),
                        Term("total", i, -1),
                        Term("carried_forward", i, -1),
                    ),
                )
            )
    return rules


def _read_applications(
    tokens: Sequence[Token],
    rows: list[RowRead],
    template: str,
    warnings: list[str],
    splits: RowSplits | None = None,
) -> dict:
    table = _empty_section(template, schema.SECTION_APPLICATIONS)
    columns = [c.code for c in schema.APPLICATION_COLUMNS]
    # Column headers count only for the values of their own table: a table continued in a
    # second table (a page break in Word, a PDF fragment) may number its grid differently.
    variants = {k: tuple(normalize_label(n) for n in v) for k, v in _COLUMN_VARIANTS.items()}
    by_table: dict[int | None, list[Token]] = {}
    for token in tokens:
        if token.is_label and token.cell.col is not None:
            by_table.setdefault(token.cell.table, []).append(token)
    table_headers = {key: _header_ranges(found, variants) for key, found in by_table.items()}
    placed: dict[str, Placed] = {}
    row_sums = _row_sum(columns)
    for row in rows:
        code = row.code
        if code not in table and code == "other" and template == schema.TEMPLATE_2021:
            warnings.append(
                "table 三: （六）其他处理 is printed as one row although the report follows the 2021 "
                "format; its three sub-rows are left null"
            )
            continue
        if code not in table:
            warnings.append(
                f"table 三: row {code} does not belong to the {template} format; ignored"
            )
            continue
        if code in placed:
            if row.values:
                warnings.append(f"table 三: row {code} printed twice; the first is kept")
            continue
        tables_of_row = {t.cell.table for t in row.values}
        headers = table_headers.get(tables_of_row.pop()) if len(tables_of_row) == 1 else None
        placed[code] = place_row(row.values, columns, headers, row_sums, splits=splits)
    free = any(len(p.vectors) > 1 for p in placed.values())
    rules = _application_rules(template, set(placed)) if free else []
    _settle(placed, rules, {code: columns for code in placed}, table, "table 三", warnings)
    missing = [
        code
        for code in table
        if code not in placed
        and not (
            template == schema.TEMPLATE_2021
            and code.startswith("other_")
            and "other" in {r.code for r in rows}
        )
    ]
    if missing:
        warnings.append(f"table 三: rows not found: {', '.join(missing)}")
    return table


def _read_appeals(
    tokens: Sequence[Token], warnings: list[str], splits: RowSplits | None = None
) -> dict | None:
    groups = [g.code for g in schema.APPEAL_GROUPS]
    results = [r.code for r in schema.APPEAL_RESULTS]
    table: dict[str, dict[str, CellValue]] = {
        g: {r: CellValue(None, None, MISSING) for r in results} for g in groups
    }
    transposed = _read_appeals_by_group(tokens, results, warnings, splits)
    if transposed is not None:
        table.update(transposed)
        return table
    header_end = 0
    while header_end < len(tokens) and not (
        tokens[header_end].is_value and not tokens[header_end].is_blank
    ):
        header_end += 1
    # Blank cells just before the first number, in a source without positions, are the data
    # row's first cells written in their place (lone bars), not headers.
    while (
        header_end > 0
        and tokens[header_end - 1].is_blank
        and tokens[header_end - 1].grid_key is None
    ):
        header_end -= 1
    headers = tokens[:header_end]
    values: list[Token] = []
    for token in tokens[header_end:]:
        if token.is_label or token.cell.empty_run:
            break
        values.append(token)
    if values and values[0].cell.row is not None:
        first_row = values[0].grid_key
        values = [
            t
            for t in tokens[header_end:]
            if t.is_value and t.grid_key is not None and t.grid_key[0] == first_row[0]
        ]
        # blank cells of the data rows before the first number belong to them too
        leading = [
            t for t in headers if t.is_blank and t.grid_key is not None and t.grid_key == first_row
        ]
        values = leading + values
    if not values:
        return None
    flat_columns = [f"{g}.{r}" for g in groups for r in results]
    result_headers = _appeal_headers(headers)
    group_sums = [
        SumRule(tuple(range(gi * 5, gi * 5 + 4)), gi * 5 + 4) for gi in range(len(groups))
    ]
    placed = place_row(values, flat_columns, result_headers, group_sums, splits=splits)
    rules = [
        Rule(
            f"appeals.totals:{g}",
            tuple(Term("appeals", gi * 5 + i) for i in range(4))
            + (Term("appeals", gi * 5 + 4, -1),),
        )
        for gi, g in enumerate(groups)
    ]
    flat: dict[str, dict[str, CellValue]] = {
        "appeals": {c: CellValue(None, None, MISSING) for c in flat_columns}
    }
    _settle({"appeals": placed}, rules, {"appeals": flat_columns}, flat, "table 四", warnings)
    for key, cell in flat["appeals"].items():
        group, result = key.split(".")
        table[group][result] = cell
    return table


def _read_appeals_by_group(
    tokens: Sequence[Token],
    results: list[str],
    warnings: list[str],
    splits: RowSplits | None = None,
) -> dict[str, dict[str, CellValue]] | None:
    """Table 四 printed one row per group (行政复议 / 未经复议直接起诉 / 复议后起诉, five results
    each) instead of one row of fifteen; None when the table is not laid out that way."""
    rows = [
        r for r in read_rows(tokens, match_appeal_group) if any(not t.is_blank for t in r.values)
    ]
    codes = [r.code for r in rows]
    if len(set(codes)) < 2 or len(codes) != len(set(codes)):
        return None
    if any(len([t for t in r.values if not t.is_blank]) > len(results) for r in rows):
        return None
    out: dict[str, dict[str, CellValue]] = {}
    rule = SumRule(tuple(range(len(results) - 1)), len(results) - 1)
    placed = {}
    variants = {k: tuple(normalize_label(n) for n in v) for k, v in _RESULT_VARIANTS.items()}
    headers_of: dict[int | None, Headers | None] = {}  # by table
    for row in rows:
        table = row.values[0].cell.table
        if table not in headers_of:
            headers_of[table] = _header_ranges(
                [
                    t
                    for t in tokens
                    if t.is_label and t.cell.col is not None and t.cell.table == table
                ],
                variants,
            )
        placed[row.code] = place_row(row.values, results, headers_of[table], (rule,), splits=splits)
        out[row.code] = {r: CellValue(None, None, MISSING) for r in results}
    rules = [
        Rule(
            f"appeals.totals:{code}",
            tuple(Term(code, i) for i in range(len(results) - 1))
            + (Term(code, len(results) - 1, -1),),
        )
        for code in placed
    ]
    _settle(placed, rules, {code: results for code in placed}, out, "table 四", warnings)
    return out


def _result_of(label: str) -> str | None:
    """The table-四 result (维持, 纠正 …) a normalized header label names, if any."""
    return _RESULT_BY_LABEL.get(label)


def _appeal_headers(headers: Sequence[Token]) -> Headers | None:
    """Grid ranges of the 15 result header cells (the deepest header row of each column)."""
    cells = [t for t in headers if t.is_label and t.cell.col is not None and t.cell.colspan == 1]
    by_col: dict[int, Token] = {}
    for token in cells:
        if _result_of(token.label) is None:
            continue
        previous = by_col.get(token.cell.col)
        if previous is None or (token.cell.row or 0) > (previous.cell.row or 0):
            by_col[token.cell.col] = token
    if len(by_col) != 15:
        return None
    groups = [g.code for g in schema.APPEAL_GROUPS]
    results = [r.code for r in schema.APPEAL_RESULTS]
    ranges: dict[str, range] = {}
    for index, col in enumerate(sorted(by_col)):
        group = groups[index // 5]
        result = _result_of(by_col[col].label)
        if result != results[index % 5]:
            return None
        ranges[f"{group}.{result}"] = range(col, col + 1)
    return Headers(ranges)


# --------------------------------------------------------------------------------------------
# Settling: from candidate readings to cells
# --------------------------------------------------------------------------------------------


def _settle(
    placed: dict[str, Placed],
    rules: list[Rule],
    columns: dict[str, Sequence[str]],
    table: dict[str, dict[str, CellValue]],
    where: str,
    warnings: list[str],
) -> None:
    """Write each row's decided cells; undecided cells become UNCERTAIN with a warning."""
    options = {code: p.vectors for code, p in placed.items() if p.vectors}
    for code, p in placed.items():
        if not p.vectors:
            warnings.append(f"{where}: row {code}: {p.note}; its cells are left null")
            for col in columns[code]:
                table[code][col] = CellValue(None, None, UNCERTAIN)
    if not options:
        return
    if all(len(vectors) == 1 for vectors in options.values()):
        for code in options:  # every column known from positions or order: nothing to solve
            row = table[code]
            for col, printed in zip(columns[code], placed[code].prints[0], strict=True):
                row[col] = (
                    CellValue(None, "", BLANK)
                    if printed is None
                    else CellValue(printed.value, printed.raw, printed.status, printed.unit)
                )
        return
    solution = solve(options, rules)
    if solution.status in (INCONSISTENT, TOO_MANY):
        ambiguous = [c for c, v in options.items() if len(v) > 1]
        if ambiguous:
            reason = (
                "the printed numbers do not add up under any placement of the blank cells"
                if solution.status == INCONSISTENT
                else "too many possible placements of the blank cells"
            )
            warnings.append(
                f"{where}: {reason}; columns of rows {', '.join(ambiguous)} not decided"
            )
    for code, vectors in options.items():
        indexes = solution.viable.get(code)
        if not indexes or solution.status == INCONSISTENT:
            chosen = list(vectors)  # every reading
            first = placed[code].prints[0]
        else:
            chosen = [vectors[i] for i in indexes]
            first = placed[code].prints[indexes[0]]
        agree = agreed(chosen)
        undecided = []
        for position, col in enumerate(columns[code]):
            if agree[position]:
                printed = first[position]
                if printed is None:
                    table[code][col] = CellValue(None, "", BLANK)
                else:
                    table[code][col] = CellValue(
                        printed.value, printed.raw, printed.status, printed.unit
                    )
            else:
                table[code][col] = CellValue(None, None, UNCERTAIN)
                undecided.append(col)
        if undecided:
            shown = placed[code].shown or ", ".join(
                p.raw for p in (placed[code].prints[0]) if p is not None and p.status == NUMBER
            )
            warnings.append(
                f"{where}: row {code}: column of printed values ({shown}) not decided by the "
                f"table's arithmetic; left null: {', '.join(undecided)}"
            )


__all__ = ["Found", "read_tables", "MISSING"]
