"""Ruled tables of a PDF page: the visible rulings → the boxes of the table cells.

Only what is drawn visibly counts as a ruling: Word/WPS exports paint white, unstroked
rectangles behind paragraphs and cells, and their edges would turn prose into "tables"
(stroked paths and thin filled bars in a visible colour count). The cells are found by
pdfplumber's "lines" strategy — rulings snapped and joined within a tolerance, their
intersections, and for each intersection the smallest rectangle whose four corners are joined
by rulings — with pdfplumber's own functions for every step but the search for rectangles,
which is done here over indexes of the intersections (same result, in the same order,
without testing every pair of points against sets built anew each time).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

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


def find_tables(
    edges: list[dict],
    extra_h: Sequence[dict] = (),
    extra_v: Sequence[dict] = (),
) -> list[RuledTable]:
    """Ruled tables found from the rulings alone (``extra_h``/``extra_v``: rulings added where
    a table's sides are open, see :func:`closing_edges`)."""
    from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
    from pdfplumber.utils import filter_edges

    snap, join = TABLE_SETTINGS["snap_tolerance"], TABLE_SETTINGS["join_tolerance"]
    v = filter_edges(edges, "v", min_length=_PREFILTER_MIN_LENGTH) + list(extra_v)
    h = filter_edges(edges, "h", min_length=_PREFILTER_MIN_LENGTH) + list(extra_h)
    merged = merge_edges(v + h, snap, snap, join, join)
    merged = filter_edges(merged, min_length=TABLE_SETTINGS["edge_min_length"])
    tolerance = TABLE_SETTINGS["intersection_tolerance"]
    intersections = edges_to_intersections(merged, tolerance, tolerance)
    return [RuledTable(cells) for cells in cells_to_tables(intersections_to_cells(intersections))]


def intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """For each intersection (in sorted order), the smallest cell having it as its top-left
    corner: the nearest point below and the nearest point to the right joined to it by a
    ruling, whose bottom-right corner is joined to both — pdfplumber's
    ``intersections_to_cells``, with the rulings at each point as sets built once."""
    verticals = {p: frozenset(_bbox(e) for e in at["v"]) for p, at in intersections.items()}
    horizontals = {p: frozenset(_bbox(e) for e in at["h"]) for p, at in intersections.items()}
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
        if p1[0] == p2[0] and not verticals[p1].isdisjoint(verticals[p2]):
            return True
        return p1[1] == p2[1] and not horizontals[p1].isdisjoint(horizontals[p2])

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


def _bbox(edge: dict) -> tuple[float, float, float, float]:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])
