"""Ruled tables of a PDF page: the visible rulings → the boxes of the table cells.

Only what is drawn visibly counts as a ruling: Word/WPS exports paint white, unstroked
rectangles behind paragraphs and cells, and their edges would turn prose into "tables"
(stroked paths and thin filled bars in a visible colour count). The cells are found by
pdfplumber's "lines" strategy — rulings snapped and joined within a tolerance, their
intersections, and for each intersection the smallest rectangle whose four corners are joined
by rulings, then the cells touching corner to corner grouped into tables — written here on
tuples, step by step as pdfplumber does them and with the same arithmetic, so the cells are
the ones its table finder gives (a test holds them to it), without its copying of a dict for
every ruling moved or its comparing of every pair of points and cells again on each pass.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

TABLE_SETTINGS = {
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
_PREFILTER_MIN_LENGTH = 1  # pdfplumber's edge_min_length_prefilter


def _white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, int | float):
        return color >= 0.95
    if isinstance(color, tuple | list):
        values = [v for v in color if isinstance(v, int | float)]
        if not values or len(values) != len(color):
            return False
        if len(values) == 4:  # CMYK: white is no ink
            return all(v <= 0.05 for v in values)
        return all(v >= 0.95 for v in values)
    return False


def visible(obj: dict) -> bool:
    """page.filter predicate: keep glyphs and graphics that are actually drawn as rulings."""
    kind = obj.get("object_type")
    if kind == "unpainted":
        return False
    if kind in ("rect", "curve"):
        thin = min(obj.get("width", 0), obj.get("height", 0)) <= 2.0
        if obj.get("stroke") and not _white(obj.get("stroking_color")):
            return True
        return bool(obj.get("fill")) and thin and not _white(obj.get("non_stroking_color"))
    if kind == "line":
        return not _white(obj.get("stroking_color"))
    return True


def ruling_edges(shapes: Sequence[dict]) -> list[dict]:
    """The edges of drawn shapes, as pdfplumber's table finder takes them (the geometry of its
    ``obj_to_edges``, without copying every other key of the shape): a line gives one, a
    rectangle its four sides, a curve one per step between its points."""
    out: list[dict] = []
    for shape in shapes:
        kind = shape["object_type"]
        x0, x1, top, bottom = shape["x0"], shape["x1"], shape["top"], shape["bottom"]
        if kind == "line":
            out.append(_edge("h" if top == bottom else "v", x0, x1, top, bottom, "line"))
        elif kind == "rect":
            out.append(_edge("h", x0, x1, top, top, "rect_edge"))
            out.append(_edge("h", x0, x1, bottom, bottom, "rect_edge"))
            out.append(_edge("v", x0, x0, top, bottom, "rect_edge"))
            out.append(_edge("v", x1, x1, top, bottom, "rect_edge"))
        else:
            for (ax, ay), (bx, by) in itertools.pairwise(shape["pts"]):
                orientation = "v" if ax == bx else ("h" if ay == by else None)
                edge = _edge(orientation, min(ax, bx), max(ax, bx), min(ay, by), max(ay, by))
                edge["object_type"] = "curve_edge"
                out.append(edge)
    return out


def closing_edges(bboxes, edges) -> tuple[list[dict], list[dict]]:
    """Rulings that close a table's open sides: (horizontal, vertical) synthetic edges.

    Where a table runs on past a page break its last row has no bottom rule (and the first
    row on the next page no top rule); the side rulings still run to the break. A horizontal
    edge is added where the vertical rulings end, and a vertical one where the horizontal
    rulings end, so the open row becomes cells instead of loose text.
    """
    hs_out: list[dict] = []
    vs_out: list[dict] = []
    for x0, top, x1, bottom in bboxes:
        vs = [
            e
            for e in edges
            if e["orientation"] == "v"
            and x0 - 3 <= e["x0"] <= x1 + 3
            and e["bottom"] > top - 3
            and e["top"] < bottom + 3
        ]
        hs = [
            e
            for e in edges
            if e["orientation"] == "h"
            and top - 3 <= e["top"] <= bottom + 3
            and e["x1"] > x0 - 3
            and e["x0"] < x1 + 3
        ]
        if vs:
            left, right = min(e["x0"] for e in vs), max(e["x0"] for e in vs)
            low, high = max(e["bottom"] for e in vs), min(e["top"] for e in vs)
            for y, beyond in ((low, low > bottom + 2), (high, high < top - 2)):
                if beyond and right - left > 2:
                    hs_out.append(_edge("h", left, right, y, y))
        if hs:
            left, right = min(e["x0"] for e in hs), max(e["x1"] for e in hs)
            t, b = min(top, *(e["top"] for e in hs)), max(bottom, *(e["top"] for e in hs))
            for x, beyond in ((left, left < x0 - 2), (right, right > x1 + 2)):
                if beyond and b - t > 2:
                    vs_out.append(_edge("v", x, x, t, b))
    return hs_out, vs_out


def _edge(
    orientation: str | None,
    x0: float,
    x1: float,
    top: float,
    bottom: float,
    kind: str = "synthetic_edge",
) -> dict:
    return {
        "object_type": kind,
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


@dataclass
class RuledTable:
    """A table's cell boxes ``(x0, top, x1, bottom)`` and the box around them."""

    cells: list[tuple[float, float, float, float]]

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        return (
            min(c[0] for c in self.cells),
            min(c[1] for c in self.cells),
            max(c[2] for c in self.cells),
            max(c[3] for c in self.cells),
        )


Ruling = tuple[float, float, float, float, float]
"""A ruling as the table finder works on it: ``x0, x1, top, bottom`` and its length (its
height when vertical, its width when horizontal), kept as pdfplumber keeps it: snapping moves
a ruling without changing its length, joining adds the added part to it."""

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def find_tables(
    edges: list[dict],
    extra_h: Sequence[dict] = (),
    extra_v: Sequence[dict] = (),
) -> list[RuledTable]:
    """Ruled tables found from the rulings alone (``extra_h``/``extra_v``: rulings added where
    a table's sides are open, see :func:`closing_edges`).

    pdfplumber's "lines" strategy step by step — rulings snapped to the mean of their
    neighbours, joined where they meet, their intersections, the cells, the tables — on
    tuples, with the same arithmetic in the same order, so the cells are the ones its table
    finder gives (its functions copy a dict for every ruling they move and compare every pair
    of cells again on each pass)."""
    least = _PREFILTER_MIN_LENGTH
    v = [_ruling(e, "height") for e in edges if e["orientation"] == "v" and e["height"] >= least]
    h = [_ruling(e, "width") for e in edges if e["orientation"] == "h" and e["width"] >= least]
    v += [_ruling(e, "height") for e in extra_v]
    h += [_ruling(e, "width") for e in extra_h]
    snap, join = TABLE_SETTINGS["snap_tolerance"], TABLE_SETTINGS["join_tolerance"]
    shortest = TABLE_SETTINGS["edge_min_length"]
    horizontals = [r for r in _joined(_snapped(h, 2, snap), 0, join) if r[4] >= shortest]
    verticals = [r for r in _joined(_snapped(v, 0, snap), 2, join) if r[4] >= shortest]
    crossings = _intersections(verticals, horizontals, TABLE_SETTINGS["intersection_tolerance"])
    return [RuledTable(cells) for cells in cells_to_tables(intersections_to_cells(crossings))]


def _ruling(edge: dict, length: str) -> Ruling:
    return (edge["x0"], edge["x1"], edge["top"], edge["bottom"], edge[length])


def _snapped(rulings: list[Ruling], at: int, tolerance: float) -> list[Ruling]:
    """Rulings whose position (``at``: 0 for x0, 2 for top) lies within ``tolerance`` of the
    next one's, chained, moved to their mean position (pdfplumber's ``snap_objects``: the
    clusters in order of position, each in the rulings' order)."""
    cluster: dict[float, int] = {}
    last: float | None = None
    k = -1
    for value in sorted({r[at] for r in rulings}):
        if last is None or not value <= last + tolerance:
            k += 1
        cluster[value] = k
        last = value
    groups: dict[int, list[Ruling]] = {}
    for r in rulings:
        groups.setdefault(cluster[r[at]], []).append(r)
    out: list[Ruling] = []
    for k in sorted(groups):
        group = groups[k]
        mean = sum(r[at] for r in group) / len(group)
        for r in group:
            shift = mean - r[at]
            if at == 0:
                out.append((r[0] + shift, r[1] + shift, r[2], r[3], r[4]))
            else:
                out.append((r[0], r[1], r[2] + shift, r[3] + shift, r[4]))
    return out


def _joined(rulings: list[Ruling], start: int, tolerance: float) -> list[Ruling]:
    """Rulings on one line (same top when horizontal, ``start`` 0; same x0 when vertical,
    ``start`` 2) that overlap or lie within ``tolerance`` end to start, joined into one
    (pdfplumber's ``merge_edges``: lines in order of position, along each in order of start)."""
    at = 2 if start == 0 else 0  # where the line is
    lines: dict[float, list[Ruling]] = {}
    for r in rulings:
        lines.setdefault(r[at], []).append(r)
    end = start + 1
    out: list[Ruling] = []
    for position in sorted(lines):
        along = sorted(lines[position], key=itemgetter(start))
        joined = along[0]
        for r in along[1:]:
            if r[start] <= joined[end] + tolerance:
                if r[end] > joined[end]:
                    joined = _extended(joined, r[end], start)
            else:
                out.append(joined)
                joined = r
        out.append(joined)
    return out


def _extended(r: Ruling, value: float, start: int) -> Ruling:
    """The ruling with its end moved to ``value`` (pdfplumber's ``resize_object``: a width is
    worked out anew, a height has the added part added)."""
    if start == 0:
        return (r[0], value, r[2], r[3], value - r[0])
    return (r[0], r[1], r[2], value, r[4] + (value - r[3]))


def _intersections(
    verticals: list[Ruling], horizontals: list[Ruling], tolerance: float
) -> dict[tuple[float, float], tuple[set[Box], set[Box]]]:
    """Where a vertical and a horizontal ruling meet (within ``tolerance``): the point, and the
    boxes of the vertical and of the horizontal rulings through it."""
    out: dict[tuple[float, float], tuple[set[Box], set[Box]]] = {}
    across = [((r[0], r[2], r[1], r[3]), r[2], r[0], r[1]) for r in horizontals]
    for x0, x1, top, bottom, _ in verticals:
        for box, y, left, right in across:
            if (
                top <= y + tolerance
                and bottom >= y - tolerance
                and x0 >= left - tolerance
                and x0 <= right + tolerance
            ):
                point = (x0, y)
                if point not in out:
                    out[point] = (set(), set())
                out[point][0].add((x0, top, x1, bottom))
                out[point][1].add(box)
    return out


def intersections_to_cells(
    intersections: dict[tuple[float, float], tuple[set[Box], set[Box]]],
) -> list[Box]:
    """For each intersection (in sorted order), the smallest cell having it as its top-left
    corner: the nearest point below and the nearest point to the right joined to it by a
    ruling, whose bottom-right corner is joined to both — pdfplumber's
    ``intersections_to_cells``, with the rulings at each point as sets built once."""
    points = sorted(intersections)
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    at_x: dict[tuple[float, float], int] = {}  # a point's place in its column
    at_y: dict[tuple[float, float], int] = {}  # and in its row
    for point in points:  # in sorted order: below a point, then to its right
        at_x[point] = len(by_x.setdefault(point[0], []))
        by_x[point[0]].append(point)
        at_y[point] = len(by_y.setdefault(point[1], []))
        by_y[point[1]].append(point)

    def joined(p1, p2) -> bool:
        if p1[0] == p2[0] and not intersections[p1][0].isdisjoint(intersections[p2][0]):
            return True
        return p1[1] == p2[1] and not intersections[p1][1].isdisjoint(intersections[p2][1])

    cells = []
    for point in points[:-1]:
        below = by_x[point[0]][at_x[point] + 1 :]
        right = by_y[point[1]][at_y[point] + 1 :]
        cell = _smallest_cell(point, below, right, intersections, joined)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point, below, right, intersections, joined):
    for below_point in below:
        if not joined(point, below_point):
            continue
        for right_point in right:
            if not joined(point, right_point):
                continue
            corner = (right_point[0], below_point[1])
            if (
                corner in intersections
                and joined(corner, right_point)
                and joined(corner, below_point)
            ):
                return (point[0], point[1], corner[0], corner[1])
    return None


def cells_to_tables(cells: list[Box]) -> list[list[Box]]:
    """The cells grouped into tables, top to bottom, a table being the cells that touch corner
    to corner (one cell alone is no table) — pdfplumber's ``cells_to_tables``, same tables
    with their cells in the same order (passes over the cells left, each taking every cell
    that touches the table so far), with each cell's corners made once and the cells left
    listed anew on each pass instead of removed one by one."""
    remaining = [(cell, _corners(cell)) for cell in cells]
    tables: list[list[Box]] = []
    table: list[Box] = []
    corners: set[tuple[float, float]] = set()
    while remaining:
        before = len(table)
        left = []
        for cell, its_corners in remaining:
            if not table or not corners.isdisjoint(its_corners):
                corners.update(its_corners)
                table.append(cell)
            else:
                left.append((cell, its_corners))
        remaining = left
        if len(table) == before:
            tables.append(table)
            table, corners = [], set()
    if table:
        tables.append(table)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _corners(cell: Box) -> tuple[tuple[float, float], ...]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
