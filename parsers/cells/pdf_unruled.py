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

from parsers.cells.pdf_tables import GridCell, is_value
from parsers.cells.pdf_text import Line, Segment, join_glyphs, join_lines
from parsers.labels import normalize_label
from parsers.schema import SECTION_HEADINGS

_HEADINGS = tuple(normalize_label(k) for keys in SECTION_HEADINGS.values() for k in keys)
MAX_SOFT_RUN = 4  # label or header lines allowed between two rows of numbers
MAX_HEADER_LINES = 6


@dataclass
class UnruledTable:
    """A table read from alignment: the lines it used and its grid cells."""

    first: int  # index of its first line in the page's line list
    last: int  # index of its last line (inclusive)
    cells: list[GridCell] = field(default_factory=list)

    def text_lines(self) -> list[str]:
        rows: dict[int, list[GridCell]] = {}
        for c in self.cells:
            rows.setdefault(c.row, []).append(c)
        return [
            " | ".join(c.text for c in sorted(cells, key=lambda c: c.col) if c.text)
            for _, cells in sorted(rows.items())
        ]


def _values(line: Line) -> list[Segment]:
    return [s for s in line.segments if is_value(s.text)]


def is_data_line(line: Line) -> bool:
    """A label (optional) followed by one or more numbers, each after a column-sized gap."""
    segs = line.segments
    if len(segs) < 2:
        return False
    flags = [is_value(s.text) for s in segs]
    if not any(flags):
        return False
    first_value = flags.index(True)
    return all(flags[first_value:])


def _is_stop(line: Line, body_width: float) -> bool:
    label = normalize_label(line.text)
    if any(h in label for h in _HEADINGS) and not _values(line):
        return True
    long_prose = len(line.segments) == 1 and len(line.text) >= 15
    return long_prose and (line.x1 - line.x0) >= 0.6 * body_width


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
        soft = 0
        while j < n and not _is_stop(lines[j], body_width):
            if is_data_line(lines[j]):
                end = j
                soft = 0
            else:
                soft += 1
                if soft > MAX_SOFT_RUN:
                    break
            j += 1
        # A label printed under the last row's numbers (vertically centred wrapped label).
        if end + 1 < n and _label_only_near(lines[end + 1], lines[end]):
            end += 1
        table = _read(lines, start, end)
        if table is not None:
            tables.append(table)
        i = end + 1
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


def _columns(data_lines: Sequence[Line]) -> list[float]:
    """Value-column centres: clusters of number centres; runs of digits that cover two
    well-attested columns (numbers the layout ran together) do not make a column."""
    segs = [s for line in data_lines for s in _values(line)]
    if not segs:
        return []
    em = sorted(line.size for line in data_lines)[len(data_lines) // 2]
    groups = _cluster([s.center for s in segs], 0.8 * em)
    anchors = [sum(g) / len(g) for g in groups]
    support = [len(g) for g in groups]
    strong = [a for a, k in zip(anchors, support, strict=True) if k >= max(2, len(data_lines) // 4)]
    kept = []
    for a, k in zip(anchors, support, strict=True):
        if k < max(2, len(data_lines) // 4):
            covering = [
                s for s in segs if abs(s.center - a) <= 0.8 * em and _covers(s, strong) >= 2
            ]
            if covering and len(covering) == k:
                continue
        kept.append(a)
    return kept


def _covers(seg: Segment, anchors: Sequence[float]) -> int:
    return sum(1 for a in anchors if seg.x0 - 1 <= a <= seg.x1 + 1)


def _nearest(anchors: Sequence[float], x: float) -> int:
    return min(range(len(anchors)), key=lambda k: abs(anchors[k] - x))


def _place_values(seg: Segment, anchors: Sequence[float]) -> list[tuple[int, str, bool]]:
    """(column, text, glued) for one value segment; a segment over several columns is cut at
    the columns when its glyphs fall to them unambiguously, else kept whole and marked glued."""
    if _covers(seg, anchors) < 2:
        return [(_nearest(anchors, seg.center), seg.text, False)]
    parts: list[tuple[int, list]] = []
    for g in seg.glyphs:
        k = _nearest(anchors, (g["x0"] + g["x1"]) / 2)
        if parts and parts[-1][0] == k:
            parts[-1][1].append(g)
        else:
            parts.append((k, [g]))
    columns = [k for k, _ in parts]
    if len(set(columns)) == len(columns) and all(is_value(join_glyphs(gl)) for _, gl in parts):
        return [(k, join_glyphs(gl), False) for k, gl in parts]
    return [(_nearest(anchors, seg.center), seg.text, True)]


def _header_cells(
    line: Line, anchors: Sequence[float], label_edge: float
) -> list[tuple[int, int, str]]:
    """(column, colspan, text) of a header line's segments; column 0 is the label column."""
    out = []
    for seg in line.segments:
        if seg.x1 < label_edge:
            out.append((0, 1, seg.text))
            continue
        covered = [k for k, a in enumerate(anchors) if seg.x0 - 1 <= a <= seg.x1 + 1]
        if covered:
            out.append((covered[0] + 1, covered[-1] - covered[0] + 1, seg.text))
        else:
            out.append((_nearest(anchors, seg.center) + 1, 1, seg.text))
    return out


def _mid(line: Line) -> float:
    return (line.top + line.bottom) / 2


def _read(lines: Sequence[Line], start: int, end: int) -> UnruledTable | None:
    block = lines[start : end + 1]
    data_idx = [k for k, line in enumerate(block) if is_data_line(line)]
    anchors = _columns([block[k] for k in data_idx])
    if not anchors:
        return None
    label_edge = min(_values(block[k])[0].x0 for k in data_idx) - 1
    # A line holding only label text joins the row of numbers nearest to it (labels are
    # often centred on, or wrapped around, their row); other lines are header rows.
    before: dict[int, list[Line]] = {k: [] for k in data_idx}
    after: dict[int, list[Line]] = {k: [] for k in data_idx}
    attached: set[int] = set()
    for k, line in enumerate(block):
        if k in before or line.x1 >= label_edge:
            continue
        near = min(data_idx, key=lambda d: abs(_mid(block[d]) - _mid(line)))
        if abs(_mid(block[near]) - _mid(line)) <= 1.6 * max(line.size, block[near].size):
            (before if k < near else after)[near].append(line)
            attached.add(k)
    cells: list[GridCell] = []
    r = 0
    last_header: list[GridCell] | None = None
    last_line: Line | None = None
    for k, line in enumerate(block):
        if k in attached:
            continue
        if k not in before:
            placed = _header_cells(line, anchors, label_edge)
            if (
                last_header is not None
                and last_line is not None
                and line.top - last_line.bottom < 0.5 * line.size
                and _same_columns(placed, last_header)
            ):
                # The header's text wraps inside its cell: one header row, not two.
                for col, span, text in placed:
                    target = next(c for c in last_header if c.col == col and c.colspan == span)
                    target.text = join_lines([target.text, text])
            else:
                last_header = [GridCell(r, col, 1, span, text) for col, span, text in placed]
                cells.extend(last_header)
                r += 1
            last_line = line
            continue
        last_header = None
        label_segs = [s.text for s in line.segments if not is_value(s.text)]
        label = join_lines(
            [x.text for x in before[k]] + [" ".join(label_segs)] + [x.text for x in after[k]]
        )
        if label:
            cells.append(GridCell(r, 0, 1, 1, label))
        for seg in _values(line):
            for col, text, glued in _place_values(seg, anchors):
                cells.append(GridCell(r, col + 1, 1, 1, text, glued))
        r += 1
    return UnruledTable(start, end, cells)


def _same_columns(placed: list[tuple[int, int, str]], header: list[GridCell]) -> bool:
    spots = {(c.col, c.colspan) for c in header}
    return bool(placed) and all((col, span) in spots for col, span, _ in placed)
