"""Ruled tables of a PDF page → grid fragments, and fragments → tables across pages.

The cells are found from the ruling lines (:mod:`parsers.cells.pdf_rulings`). Three things about real report PDFs make its raw
output unfit for the matcher, and are handled here:

- **Invisible rectangles** (see :mod:`parsers.cells.pdf_rulings`, which finds the cells).
- **Open borders.** A table continued on a new page often lacks part of its top rule, and some
  styles omit outer borders, so grid positions holding text belong to no cell. Such a position
  becomes a cell of its own; nothing printed is dropped.
- **Page breaks.** A table split over pages is one table: fragments whose outer edges line up
  are joined, header rows repeated on the next page are dropped, a cell merged vertically
  across the break continues, and a row broken by the page whose two parts fill each other's
  cells is put back together (a label-only row is left alone: it may be a row whose values
  are all blank).

A merged cell keeps its first grid position with its spans; the positions it covers get no
cell, exactly as the HTML source does.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from parsers.cells.pdf_text import Glyph, Line, group_lines, join_lines

EDGE_TOLERANCE = 2.0  # points: rulings closer than this are the same grid line
_VALUE = re.compile(
    r"^[-+]?\d[\d,]*(?:\.\d+)?\s*(?:%|元|万元|亿元|件|条|个|项|次|人次)?$|^[—\-/–―]+$|^无$"
)
_ENUMERATED = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]+[）)、.．]|[（(]?\d{1,2}[）)、.．])")


@lru_cache(maxsize=8192)
def is_value(text: str) -> bool:
    """A printed number or a dash standing for no number (remembered by text: a page's cells
    and segments repeat a few hundred)."""
    return bool(_VALUE.match(unicodedata.normalize("NFKC", text).strip()))


# --------------------------------------------------------------------------------------------
# Fragments: one ruled table on one page
# --------------------------------------------------------------------------------------------


@dataclass
class FragCell:
    """A cell of a fragment, in the fragment's own grid."""

    row: int
    col: int
    rowspan: int
    colspan: int
    x0: float
    x1: float
    text: str = ""
    glued: bool = False
    top: float = 0.0
    bottom: float = 0.0
    page: int = 0  # 0-based, as the fragment's


@dataclass
class Fragment:
    """One ruled table as found on one page."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]  # column edges, left to right
    n_rows: int
    cells: list[FragCell] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    def row_cells(self, row: int) -> list[FragCell]:
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def is_table(self) -> bool:
        """At least two columns, and some row shows two non-empty cells."""
        if len(self.xs) < 3:
            return False
        return any(sum(1 for c in self.row_cells(r) if c.text) >= 2 for r in range(self.n_rows))


def _edges(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= EDGE_TOLERANCE:
            continue
        out.append(v)
    return out


def _index(edges: Sequence[float], v: float) -> int:
    i = bisect.bisect_left(edges, v)
    if i == len(edges):
        return i - 1
    if i > 0 and v - edges[i - 1] < edges[i] - v:
        return i - 1
    return i


def build_fragment(
    page: int, bbox, cell_boxes: Sequence[tuple], glyphs: Sequence[Glyph]
) -> Fragment:
    """A fragment from the table's cell boxes and the page glyphs inside the table.

    Each glyph goes to the cell holding its centre. Grid positions covered by no cell but
    holding glyphs (open borders) become cells of their own. A merged cell whose text is a run
    of numbers standing over distinct grid columns (a ruling missing between value cells) is
    split into one cell per column, as the geometry shows.
    """
    xs = _edges([b[0] for b in cell_boxes] + [b[2] for b in cell_boxes])
    ys = _edges([b[1] for b in cell_boxes] + [b[3] for b in cell_boxes])
    n_rows = max(len(ys) - 1, 0)
    owner: dict[tuple[int, int], int] = {}
    cells: list[FragCell] = []
    for box in cell_boxes:
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        k = len(cells)
        cells.append(
            FragCell(r0, c0, r1 - r0, c1 - c0, box[0], box[2], top=box[1], bottom=box[3], page=page)
        )
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), k)
    inside: dict[int, list[Glyph]] = {}
    holes: dict[tuple[int, int], list[Glyph]] = {}
    for g in glyphs:
        cx, cy = (g["x0"] + g["x1"]) / 2, (g["top"] + g["bottom"]) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = min(bisect.bisect_right(xs, cx) - 1, len(xs) - 2)
        r = min(bisect.bisect_right(ys, cy) - 1, len(ys) - 2)
        at_cell = owner.get((r, c))
        if at_cell is None:
            holes.setdefault((r, c), []).append(g)
        else:
            inside.setdefault(at_cell, []).append(g)
    for (r, c), gl in holes.items():
        inside[len(cells)] = gl
        cells.append(FragCell(r, c, 1, 1, xs[c], xs[c + 1], top=ys[r], bottom=ys[r + 1], page=page))
    out: list[FragCell] = []
    for k, cell in enumerate(cells):
        held = inside.get(k)
        if not held:  # an empty cell (most blanks of a table)
            out.append(cell)
            continue
        lines = group_lines(held)
        cell.text = join_lines([line.text for line in lines])  # as cell_text reads them
        if cell.colspan > 1:
            split = _split_values(cell, lines, xs)
            if split:
                out.extend(split)
                continue
        out.append(cell)
    return Fragment(page, tuple(bbox), xs, n_rows, out)


def _split_values(cell: FragCell, lines: Sequence[Line], xs: Sequence[float]) -> list[FragCell]:
    """The cell's one line of numbers, one cell per grid column the numbers stand over (no
    cells when the line is not numbers alone, or they do not stand over distinct columns)."""
    if len(lines) != 1 or len(lines[0].segments) < 2:
        return []
    segments = lines[0].segments
    if not all(is_value(s.text) for s in segments):
        return []
    cols = [min(bisect.bisect_right(xs, s.center) - 1, len(xs) - 2) for s in segments]
    if len(set(cols)) != len(cols) or not all(
        cell.col <= c < cell.col + cell.colspan for c in cols
    ):
        return []
    return [
        FragCell(
            cell.row,
            c,
            cell.rowspan,
            1,
            xs[c],
            xs[c + 1],
            s.text,
            top=cell.top,
            bottom=cell.bottom,
            page=cell.page,
        )  # fmt: skip
        for c, s in zip(cols, segments, strict=True)
    ]


# --------------------------------------------------------------------------------------------
# Tables: fragments joined across pages
# --------------------------------------------------------------------------------------------


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    glued: bool = False
    box: tuple[int, float, float, float, float] | None = None  # page (1-based), x0, top, x1, bottom


@dataclass
class Table:
    """One logical table: fragments from consecutive pages on a common column grid."""

    fragments: list[Fragment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _rows: list[list[FragCell]] = field(default_factory=list)  # per row, cells in grid order
    _xs: list[float] = field(default_factory=list)

    @property
    def left(self) -> float:
        return self.fragments[0].xs[0]

    @property
    def right(self) -> float:
        return self.fragments[0].xs[-1]

    def continues_with(self, frag: Fragment) -> bool:
        """The fragment's outer edges line up with this table's (a table broken by a page)."""
        tol = 3 * EDGE_TOLERANCE
        if abs(frag.xs[0] - self.left) > tol or abs(frag.xs[-1] - self.right) > tol:
            return False
        # Most inner column edges line up too (another table of the same width does not).
        known = [x for f in self.fragments for x in f.xs]
        inner = frag.xs[1:-1]
        matched = sum(1 for x in inner if any(abs(x - k) <= tol for k in known))
        return matched * 2 >= len(inner)

    def add(self, frag: Fragment) -> None:
        rows = [frag.row_cells(r) for r in range(frag.n_rows)]
        if self.fragments:
            rows = self._drop_repeated_header(rows)
            rows = self._join_broken_row(rows)
        base = len(self._rows)
        for r, cells in enumerate(rows):
            for cell in cells:
                cell.row = base + r
            self._rows.append(cells)
        self.fragments.append(frag)

    def _drop_repeated_header(self, rows: list[list[FragCell]]) -> list[list[FragCell]]:
        def key(cells: list[FragCell]) -> tuple[str, ...]:
            return tuple(re.sub(r"\s+", "", c.text) for c in cells if c.text)

        dropped = 0
        while (
            dropped < len(rows)
            and dropped < len(self._rows)
            and key(rows[dropped])
            and key(rows[dropped]) == key(self._rows[dropped])
        ):
            dropped += 1
        if dropped:
            self.notes.append(f"{dropped} header row(s) repeated after a page break dropped")
        return rows[dropped:]

    def _join_broken_row(self, rows: list[list[FragCell]]) -> list[list[FragCell]]:
        """Put back a row the page break cut in two, and continue vertical merges."""
        if not rows or not self._rows:
            return rows
        last, first = self._rows[-1], rows[0]

        def at(cells: list[FragCell], cell: FragCell) -> FragCell | None:
            for c in cells:
                if (
                    abs(c.x0 - cell.x0) <= 2 * EDGE_TOLERANCE
                    and abs(c.x1 - cell.x1) <= 2 * EDGE_TOLERANCE
                ):
                    return c
            return None

        filled_first = [c for c in first if c.text]
        if not filled_first:
            self._continue_merged(rows)
            return rows
        # Only when the two rows fill each other's gaps: a label-only row at the top of a page
        # may be the tail of a broken label or a row whose values are all blank, and the two
        # cannot be told apart — joining the second kind would move values to another row.
        complementary = all((m := at(last, c)) is not None and not m.text for c in filled_first)
        if complementary:
            for c in filled_first:
                joined = cast(FragCell, at(last, c))  # present: checked just above
                joined.text = c.text  # where it is printed: the part on the new page
                joined.page, joined.top, joined.bottom = c.page, c.top, c.bottom
            self.notes.append("a row broken by a page break joined")
            rows = rows[1:]
        self._continue_merged(rows)
        return rows

    def _continue_merged(self, rows: list[list[FragCell]]) -> None:
        """A vertically merged cell that runs on past the page break: the next page shows no
        cell (or an empty one) in its place, for as many rows as the merge lasts there."""
        end = len(self._rows)
        open_cells = [  # labels only: a number never spans rows
            c
            for cells in self._rows
            for c in cells
            if c.text and not is_value(c.text) and c.row + c.rowspan == end
        ]
        for owner in open_cells:
            extra = 0
            for cells in rows:
                overlapping = [c for c in cells if c.x0 < owner.x1 - 1 and c.x1 > owner.x0 + 1]
                aligned_empty = [
                    c
                    for c in overlapping
                    if not c.text
                    and abs(c.x0 - owner.x0) <= 2 * EDGE_TOLERANCE
                    and abs(c.x1 - owner.x1) <= 2 * EDGE_TOLERANCE
                ]
                if overlapping and aligned_empty != overlapping:
                    break
                for c in aligned_empty:
                    cells.remove(c)
                extra += 1
            if extra:
                owner.rowspan += extra

    def grid(self) -> list[GridCell]:
        """Every cell on the table's common column grid (union of the fragments' edges)."""
        xs = _edges([x for f in self.fragments for x in f.xs])
        out = []
        for cells in self._rows:
            for c in cells:
                c0, c1 = _index(xs, c.x0), _index(xs, c.x1)
                box = (c.page + 1, c.x0, c.top, c.x1, c.bottom)
                out.append(GridCell(c.row, c0, c.rowspan, max(c1 - c0, 1), c.text, c.glued, box))
        out.sort(key=lambda g: (g.row, g.col))
        return out

    def text_lines(self) -> list[str]:
        """The table as text: a line per row, non-empty cells joined by `` | ``."""
        lines = []
        for cells in self._rows:
            texts = [c.text for c in sorted(cells, key=lambda c: c.x0) if c.text]
            if texts:
                lines.append(" | ".join(texts))
        return lines


def glyphs_in(glyphs: Sequence[Glyph], bbox) -> list[Glyph]:
    x0, top, x1, bottom = bbox
    return [
        g
        for g in glyphs
        if x0 - 1 <= (g["x0"] + g["x1"]) / 2 <= x1 + 1
        and top - 1 <= (g["top"] + g["bottom"]) / 2 <= bottom + 1
    ]


__all__ = [
    "Fragment",
    "GridCell",
    "Table",
    "build_fragment",
    "glyphs_in",
    "group_lines",
    "is_value",
]
