"""Tables without rulings: rows of text whose numbers stand in columns.

Some PDFs draw no lines (borderless tables, "three-line" styles, rulings exported as an image),
so the table is only visible as alignment. Here a run of lines is read as a table when its
lines end in numbers separated by column-sized gaps: the numbers' horizontal centres cluster
into value columns, text left of them is the row label, and header lines above are mapped to
the columns they stand over. Geometry also repairs what the layout broke: a run of digits that
covers two value columns (``00`` where ``0`` and ``0`` touch) is cut where the columns are, and
a label printed on its own line above or below its numbers joins the nearest row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.cells.pdf_tables import _ENUMERATED, GridCell, is_value
from parsers.cells.pdf_text import Line, Segment, join_glyphs, join_lines, space_between
from parsers.labels import normalize_label
from parsers.schema import SECTION_HEADINGS

_HEADINGS = tuple(normalize_label(k) for keys in SECTION_HEADINGS.values() for k in keys)
MAX_SOFT_RUN = 4  # header-like lines allowed between two rows of numbers
MAX_LABEL_RUN = 12  # lines of label text only allowed between two rows of numbers
MAX_HEADER_LINES = 6


@dataclass
class UnruledTable:
    """A table read from alignment: the lines it used, its value columns and grid cells."""

    first: int  # index of its first line in the page's line list
    last: int  # index of its last line (inclusive)
    cells: list[GridCell] = field(default_factory=list)
    anchors: list[float] = field(default_factory=list)  # x of value columns 1, 2, …
    em: float = 10.0

    @property
    def n_rows(self) -> int:
        return max((c.row + 1 for c in self.cells), default=0)

    def text_lines(self) -> list[str]:
        rows: dict[int, list[GridCell]] = {}
        for c in self.cells:
            rows.setdefault(c.row, []).append(c)
        return [
            " | ".join(c.text for c in sorted(cells, key=lambda c: c.col) if c.text)
            for _, cells in sorted(rows.items())
        ]

    def continues_with(self, other: UnruledTable) -> bool:
        """The other table (at the top of the next page) has the same value columns."""
        if not self.anchors or not other.anchors:
            return False
        tol = max(self.em, other.em)
        matched = sum(1 for a in other.anchors if any(abs(a - b) <= tol for b in self.anchors))
        return matched >= max(1, (len(other.anchors) + 1) // 2)

    def extend(self, other: UnruledTable) -> None:
        """Append the rows of a continuation, on the union of both tables' value columns;
        header rows repeated at its top are dropped."""
        tol = max(self.em, other.em)
        union: list[float] = []
        for a in sorted([*self.anchors, *other.anchors]):
            if union and a - union[-1] <= tol:
                continue
            union.append(a)

        def remap(cells: list[GridCell], anchors: list[float]) -> None:
            def index(col: int) -> int:
                if col == 0:
                    return 0
                x = anchors[min(col, len(anchors)) - 1]
                return 1 + min(range(len(union)), key=lambda k: abs(union[k] - x))

            for c in cells:
                first, last = index(c.col), index(c.col + c.colspan - 1)
                c.col, c.colspan = first, max(1, last - first + 1)

        remap(self.cells, self.anchors)
        remap(other.cells, other.anchors)
        rows = _rows_of(other.cells)
        mine = _rows_of(self.cells)
        dropped = 0
        while (
            dropped < len(rows)
            and dropped < len(mine)
            and _row_key(rows[dropped]) == _row_key(mine[dropped])
        ):
            if any(is_value(c.text) for c in rows[dropped]):
                break
            dropped += 1
        base = self.n_rows - dropped
        for cells in rows[dropped:]:
            for c in cells:
                c.row += base
                self.cells.append(c)
        self.anchors = union
        self.last = other.last


def _rows_of(cells: list[GridCell]) -> list[list[GridCell]]:
    rows: dict[int, list[GridCell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)
    return [rows[r] for r in sorted(rows)]


def _row_key(cells: list[GridCell]) -> tuple[str, ...]:
    return tuple(normalize_label(c.text) for c in sorted(cells, key=lambda c: c.col) if c.text)


@lru_cache(maxsize=8192)
def is_value_run(text: str) -> bool:
    """One number, or numbers separated by spaces (cells the layout ran together).

    (Remembered by text: the table search asks it of the same segments again and again.)"""
    parts = text.split()
    return bool(parts) and all(is_value(p) for p in parts)


def _values(line: Line) -> list[Segment]:
    return [s for s in line.segments if is_value_run(s.text)]


def is_data_line(line: Line) -> bool:
    """A label (optional) followed by one or more numbers, each after a column-sized gap."""
    segs = line.segments
    if len(segs) < 2:
        return False
    flags = [is_value_run(s.text) for s in segs]
    if not any(flags):
        return False
    first_value = flags.index(True)
    return all(flags[first_value:])


def _is_row(line: Line) -> bool:
    """Inside a table: a row of numbers, or numbers alone (a row whose label wraps around
    its numbers, the label lines above and below)."""
    return is_data_line(line) or all(is_value_run(s.text) for s in line.segments)


def _is_stop(line: Line, body_width: float) -> bool:
    """A section heading (one run of text naming a section) or a line of running prose."""
    if len(line.segments) != 1:
        return False
    label = normalize_label(line.text)
    if any(h in label for h in _HEADINGS):
        return True
    return len(line.text) >= 15 and (line.x1 - line.x0) >= 0.6 * body_width


def find_unruled(lines: Sequence[Line], body_width: float) -> list[UnruledTable]:
    """Every unruled table among a page's lines (lines already outside ruled tables)."""
    tables: list[UnruledTable] = []
    i = 0
    n = len(lines)
    while i < n:
        if not is_data_line(lines[i]):
            i += 1
            continue
        start = i
        back = 0
        while (
            start - 1 >= 0
            and back < MAX_HEADER_LINES
            and not is_data_line(lines[start - 1])
            and not _is_stop(lines[start - 1], body_width)
            and (not tables or start - 1 > tables[-1].last)
        ):
            start -= 1
            back += 1
        end = i
        j = i + 1
        soft = labels = 0
        value_left = _values(lines[i])[0].x0
        while j < n and not _is_stop(lines[j], body_width):
            if _is_row(lines[j]):
                end = j
                soft = labels = 0
                value_left = min(value_left, _values(lines[j])[0].x0)
            elif lines[j].x1 < value_left:
                # Label text only: wrapped labels, group labels, rows whose cells are blank.
                labels += 1
                if labels > MAX_LABEL_RUN:
                    break
            else:
                soft += 1
                if soft > MAX_SOFT_RUN:
                    break
            j += 1
        # Lines after the last row up to the next heading or prose (or the page end): rows
        # whose cells are all blank, a last sub-table's header, a wrapped label.
        stop = next((k for k in range(end + 1, n) if _is_stop(lines[k], body_width)), n)
        if 0 < stop - end - 1 <= MAX_SOFT_RUN + 1 and not any(
            _is_row(x) for x in lines[end + 1 : stop]
        ):
            end = stop - 1
        table = _read(lines, start, end)
        if table is not None:
            tables.append(table)
        i = end + 1
    # Header lines that close a page with no row under them: the head of a table the next
    # page continues.
    last = tables[-1].last if tables else -1
    tail = range(last + 1, n)
    head_start = next((k for k in reversed(tail) if _is_stop(lines[k], body_width)), last) + 1
    if (
        head_start < n
        and n - head_start <= MAX_HEADER_LINES
        and any(len(lines[k].segments) >= 2 for k in range(head_start, n))
    ):
        header = _read_header(lines, head_start, n - 1)
        if header is not None:
            tables.append(header)
    return tables


def _label_only_near(line: Line, data: Line) -> bool:
    values = _values(data)
    if not values or is_data_line(line) or _values(line):
        return False
    return line.x1 < values[0].x0 and line.top - data.bottom < 0.8 * data.size


# --------------------------------------------------------------------------------------------
# Reading one table
# --------------------------------------------------------------------------------------------


def _cluster(centers: list[float], tol: float) -> list[list[float]]:
    groups: list[list[float]] = []
    for c in sorted(centers):
        if groups and c - groups[-1][-1] <= tol:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _tokens(seg: Segment) -> list[Segment]:
    """The runs of a segment between gaps that read as spaces (``80 1 0`` → three runs)."""
    out: list[Segment] = []
    current: list = []
    for g in seg.glyphs:
        if current and space_between(current[-1], g):
            out.append(Segment(current, join_glyphs(current)))
            current = []
        current.append(g)
    if current:
        out.append(Segment(current, join_glyphs(current)))
    return out


def _columns(data_lines: Sequence[Line]) -> list[float]:
    """Value-column centres: clusters of number centres; runs of digits that cover two
    well-attested columns (numbers the layout ran together) do not make a column."""
    runs = [t for line in data_lines for s in _values(line) for t in _tokens(s)]
    if not runs:
        return []
    em = sorted(line.size for line in data_lines)[len(data_lines) // 2]
    groups = _cluster([r.center for r in runs], 0.8 * em)
    anchors = [sum(g) / len(g) for g in groups]
    support = [len(g) for g in groups]
    least = max(2, len(data_lines) // 4)
    strong = [a for a, k in zip(anchors, support, strict=True) if k >= least]
    kept = []
    for a, k in zip(anchors, support, strict=True):
        if k < least:
            covering = [
                r for r in runs if abs(r.center - a) <= 0.8 * em and _covers(r, strong) >= 2
            ]
            if covering and len(covering) == k:
                continue
        kept.append(a)
    return kept


def _covers(seg: Segment, anchors: Sequence[float]) -> int:
    return sum(1 for a in anchors if seg.x0 - 1 <= a <= seg.x1 + 1)


def _nearest(anchors: Sequence[float], x: float) -> int:
    return min(range(len(anchors)), key=lambda k: abs(anchors[k] - x))


def _place_values(
    seg: Segment, anchors: Sequence[float]
) -> list[tuple[int, str, bool, float, float]]:
    """(column, text, glued, x0, x1) for one segment of numbers.

    Each run of digits goes to the nearest value column; a run covering several columns is cut
    where its glyphs fall to different columns (numbers the layout ran together), and runs that
    fall to one column are one number split by the layout (``1 136``). When the pieces do not
    read as numbers in left-to-right columns, the segment is kept whole and marked glued.
    """
    pieces: list[tuple[int, list]] = []
    for run in _tokens(seg):
        if _covers(run, anchors) < 2:
            pieces.append((_nearest(anchors, run.center), list(run.glyphs)))
            continue
        pieces.extend((_nearest(anchors, (g["x0"] + g["x1"]) / 2), [g]) for g in run.glyphs)
    merged: list[tuple[int, list]] = []
    for k, glyphs in pieces:
        if merged and merged[-1][0] == k:
            merged[-1][1].extend(glyphs)
        else:
            merged.append((k, list(glyphs)))
    columns = [k for k, _ in merged]
    texts = ["".join(g["text"] for g in glyphs) for _, glyphs in merged]
    if columns == sorted(set(columns)) and all(is_value(t) for t in texts):
        return [
            (k, text, False, glyphs[0]["x0"], glyphs[-1]["x1"])
            for (k, glyphs), text in zip(merged, texts, strict=True)
        ]
    return [(_nearest(anchors, seg.center), seg.text, True, seg.x0, seg.x1)]


@dataclass
class _Box:
    """A header cell's text, possibly wrapped over several lines of the same cell."""

    text: str
    x0: float
    x1: float
    bottom: float
    size: float
    line: int  # index (in the block) of the line where it starts

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def _header_boxes(block: Sequence[Line], header_idx: Sequence[int]) -> list[_Box]:
    """Header segments, with the lines of a wrapped header cell stacked back into one box:
    a segment right under another (same centre or same left edge, no line between) continues it."""
    boxes: list[_Box] = []
    for k in header_idx:
        line = block[k]
        for seg in line.segments:
            em = line.size
            above = [
                b
                for b in boxes
                if 0 <= seg.top - b.bottom < 0.6 * em
                and (abs(b.center - seg.center) < 0.6 * em or abs(b.x0 - seg.x0) < 0.6 * em)
                and seg.x1 - seg.x0 <= (b.x1 - b.x0) + 2 * em
            ]
            if above:
                b = max(above, key=lambda b: b.bottom)
                b.text = join_lines([b.text, seg.text])
                b.x0, b.x1, b.bottom = min(b.x0, seg.x0), max(b.x1, seg.x1), seg.bottom
                continue
            boxes.append(_Box(seg.text, seg.x0, seg.x1, seg.bottom, em, k))
    return boxes


def _is_leaf(box: _Box, boxes: Sequence[_Box], block: Sequence[Line], data_idx) -> bool:
    """No other header stands under this one before the next row of numbers."""
    next_data = next((block[k].top for k in data_idx if block[k].top > box.bottom), None)
    for other in boxes:
        if other is box or other.line <= box.line:
            continue
        below = other.bottom > box.bottom and (next_data is None or other.bottom < next_data)
        if below and other.x0 < box.x1 and other.x1 > box.x0:
            return False
    return True


def _place_header(box: _Box, anchors: Sequence[float], label_edge: float) -> tuple[int, int]:
    """(column, colspan) of a header box; column 0 is the label column."""
    if box.x1 < label_edge or box.center < label_edge:
        return 0, 1
    covered = [k for k, a in enumerate(anchors) if box.x0 - 1 <= a <= box.x1 + 1]
    if covered:
        return covered[0] + 1, covered[-1] - covered[0] + 1
    return _nearest(anchors, box.center) + 1, 1


def _label_edge(data_lines: Sequence[Line]) -> float:
    """Where the label column ends: right of every row label, left of every number. (The
    first numbers alone would misplace it when the first value column is blank throughout.)"""
    value_left = min(_values(line)[0].x0 for line in data_lines)
    label_right = [
        seg.x1 for line in data_lines for seg in line.segments if not is_value_run(seg.text)
    ]
    if not label_right:
        return float("-inf")  # no row labels (table 四's one row): every column holds values
    if max(label_right) < value_left:
        return max(label_right) + 1
    return value_left - 1


def _has_label(line: Line) -> bool:
    return any(not is_value_run(seg.text) for seg in line.segments)


def _own_label(line: Line) -> str:
    """The row label proper: the last text before the numbers (group labels stand left of it)."""
    labels = [seg.text for seg in line.segments if not is_value_run(seg.text)]
    return labels[-1] if labels else ""


def _mid(line: Line) -> float:
    return (line.top + line.bottom) / 2


def _read(lines: Sequence[Line], start: int, end: int) -> UnruledTable | None:
    block = lines[start : end + 1]
    data_idx = [k for k, line in enumerate(block) if _is_row(line)]
    anchors = _columns([block[k] for k in data_idx])
    if not anchors:
        return None
    label_edge = _label_edge([block[k] for k in data_idx])
    value_left = min(_values(block[k])[0].x0 for k in data_idx)
    # A line holding only label text joins the row of numbers nearest to it (labels are
    # often centred on, or wrapped around, their row); other lines are header rows.
    before: dict[int, list[Line]] = {k: [] for k in data_idx}
    after: dict[int, list[Line]] = {k: [] for k in data_idx}
    attached: set[int] = set()
    mids = [_mid(block[k]) for k in data_idx]
    steps = sorted(b - a for a, b in zip(mids, mids[1:], strict=False) if b > a)
    pitch = steps[len(steps) // 2] if steps else 2.5 * block[data_idx[0]].size
    blank_rows: set[int] = set()  # a row label standing alone: a row whose cells are all blank
    for k, line in enumerate(block):
        if k in before or line.x1 >= value_left:
            continue
        # A label that starts an enumerated item ("2.", "（四）") begins a row: it joins a row of
        # numbers below it whose own label continues it (or which has none), else it is a row
        # of its own.
        enumerated = any(_ENUMERATED.match(seg.text) for seg in line.segments)
        candidates = [
            d
            for d in data_idx
            if not enumerated
            or not _has_label(block[d])
            or (d > k and not _ENUMERATED.match(_own_label(block[d])))
        ]
        if not candidates:
            if k > data_idx[0]:
                blank_rows.add(k)
            continue
        near = min(candidates, key=lambda d: abs(_mid(block[d]) - _mid(line)))
        distance = abs(_mid(block[near]) - _mid(line))
        # The row on the other side of the line, if any: a wrapped label is clearly nearer to
        # its own row; a label about a row's pitch from any numbers is a row of its own.
        other = [d for d in candidates if (d < k) != (near < k)]
        far_side = min((abs(_mid(block[d]) - _mid(line)) for d in other), default=None)
        if (
            distance <= 0.75 * pitch
            and distance <= 1.6 * max(line.size, block[near].size)
            and (far_side is None or distance <= 0.8 * far_side)
        ):
            (before if k < near else after)[near].append(line)
            attached.add(k)
        elif k > data_idx[0]:
            blank_rows.add(k)
    header_idx = [
        k
        for k in range(len(block))
        if k not in before and k not in attached and k not in blank_rows
    ]
    boxes = _header_boxes(block, header_idx)
    # A lowest-level header standing over no column of numbers names a column left blank in
    # every row (a title row spanning the table is not lowest-level: headers stand under it).
    for box in boxes:
        over_none = not any(box.x0 - 1 <= a <= box.x1 + 1 for a in anchors)
        far = all(abs(a - box.center) > box.size for a in anchors)
        in_values = box.center >= label_edge
        if in_values and over_none and far and _is_leaf(box, boxes, block, data_idx):
            anchors = sorted([*anchors, box.center])
    by_line: dict[int, list[_Box]] = {}
    for box in boxes:
        by_line.setdefault(box.line, []).append(box)
    cells: list[GridCell] = []
    r = 0
    for k in range(len(block)):
        if k in attached:
            continue
        if k in blank_rows:
            cells.append(GridCell(r, 0, 1, 1, block[k].text, box=_box(block[k])))
            cells.extend(GridCell(r, col, 1, 1, "") for col in range(1, len(anchors) + 1))
            r += 1
            continue
        if k not in before:
            if k in by_line:
                for box in sorted(by_line[k], key=lambda b: b.x0):
                    col, span = _place_header(box, anchors, label_edge)
                    cells.append(GridCell(r, col, 1, span, box.text, box=_header_box(box, block)))
                r += 1
            continue
        line = block[k]
        label_segs = [s.text for s in line.segments if not is_value_run(s.text)]
        label = join_lines(
            [x.text for x in before[k]] + [" ".join(label_segs)] + [x.text for x in after[k]]
        )
        if label:
            cells.append(GridCell(r, 0, 1, 1, label, box=_box(line)))
        for seg in _values(line):
            for col, text, glued, x0, x1 in _place_values(seg, anchors):
                where = (line.page + 1, x0, seg.top, x1, seg.bottom)
                cells.append(GridCell(r, col + 1, 1, 1, text, glued, where))
        r += 1
    em = sorted(block[k].size for k in data_idx)[len(data_idx) // 2]
    return UnruledTable(start, end, cells, anchors, em)


def _read_header(lines: Sequence[Line], start: int, end: int) -> UnruledTable | None:
    """A table head with no rows under it on this page: its columns are the lowest headers."""
    block = lines[start : end + 1]
    boxes = _header_boxes(block, range(len(block)))
    if len(boxes) < 2:
        return None
    label_edge = min(b.x1 for b in boxes) + 1  # the leftmost header names the label column
    leaves = [b for b in boxes if b.center >= label_edge and _is_leaf(b, boxes, block, [])]
    anchors = sorted(b.center for b in leaves)
    if not anchors:
        return None
    cells: list[GridCell] = []
    by_line: dict[int, list[_Box]] = {}
    for box in boxes:
        by_line.setdefault(box.line, []).append(box)
    for r, k in enumerate(sorted(by_line)):
        for box in sorted(by_line[k], key=lambda b: b.x0):
            col, span = _place_header(box, anchors, label_edge)
            cells.append(GridCell(r, col, 1, span, box.text, box=_header_box(box, block)))
    em = sorted(line.size for line in block)[len(block) // 2]
    return UnruledTable(start, end, cells, anchors, em)


def _box(line: Line) -> tuple[int, float, float, float, float]:
    """Where a line is printed: page (1-based), x0, top, x1, bottom."""
    return (line.page + 1, line.x0, line.top, line.x1, line.bottom)


def _header_box(box: _Box, block: Sequence[Line]) -> tuple[int, float, float, float, float]:
    """Where a header cell is printed (from the top of the line it starts on)."""
    line = block[box.line]
    return (line.page + 1, box.x0, line.top, box.x1, box.bottom)
