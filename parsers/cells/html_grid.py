"""An HTML table expanded to its grid: every cell at the grid row and column it starts at.

Rowspans and colspans push later cells to the right, so a value finds its column through the
header cells above it (their grid positions), not by counting cells. A statutory table has a
few hundred cells and a report page several such tables: the walk over them compares tag ids
(numbers), not tag names made into strings for every node.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.cells.base import Cell
from parsers.cells.html_text import cell_texts
from parsers.fastpath.stream import TEXT, Token, cell_token
from parsers.labels import CELL_TEXTS, normalize_cell

MAX_SPAN = 200
"""A span larger than this is treated as a typo (rowspan="99999") and clamped."""
MAX_GRID_CELLS = 200_000
MAX_TABLE_ROWS = 1000
"""Rows read from one table: a statutory table has a few dozen; the rest of a longer one (a
list of thousands of documents that also names a statutory row) is not read."""

_SAMPLE = LexborHTMLParser("<table><tr><td>1</td><th>2</th></tr></table>")
_TD = _SAMPLE.css_first("td").tag_id  # type: ignore[union-attr]
_TH = _SAMPLE.css_first("th").tag_id  # type: ignore[union-attr]
_CELL_TAG_IDS = frozenset((_TD, _TH))
_TR = _SAMPLE.css_first("tr").tag_id  # type: ignore[union-attr]
_SECTIONS = frozenset(
    node.tag_id
    for node in LexborHTMLParser(
        "<table><thead><tr><td>1</td></tr></thead><tbody><tr><td>2</td></tr></tbody>"
        "<tfoot><tr><td>3</td></tr></tfoot></table>"
    ).css("thead, tbody, tfoot")
)
_SPAN_DIGITS = re.compile(r"\s*(\d+)")


def table_rows(table: LexborNode, limit: int) -> list[LexborNode]:
    """The table's rows, at most ``limit + 1`` of them (one more says there were more)."""
    rows = []
    row, sections = _TR, _SECTIONS
    for child in table.iter():
        tag = child.tag_id
        if tag == row:
            rows.append(child)
        elif tag in sections:
            rows.extend([c for c in child.iter() if c.tag_id == row])
        if len(rows) > limit:
            return rows[: limit + 1]
    return rows


_PLAIN_SPANS: dict[str | None, int] = {None: 1, "": 1} | {str(n): n for n in range(1, MAX_SPAN + 1)}
"""What :func:`span` reads from an attribute absent, empty or a number within bounds as
printed (nearly every one), looked up instead of worked out."""


def span(attributes: dict[str, str | None], name: str) -> int:
    """A cell's rowspan or colspan as a browser reads it (leading digits), within bounds."""
    raw = attributes.get(name)
    plain = _PLAIN_SPANS.get(raw)
    if plain is not None:
        return plain
    if raw is None:  # (absent: in the table above; for the type checker)
        return 1
    if raw.isdigit():
        return max(1, min(int(raw), MAX_SPAN))
    match = _SPAN_DIGITS.match(raw)
    if not match:
        return 1
    return max(1, min(int(match.group(1)), MAX_SPAN))


Shape = tuple[tuple[int, ...], tuple[tuple[int, int, int], ...]]
"""A table's shape: the number of cells of each row, and (place, rowspan, colspan) of each cell
that spans (see :func:`grid_places`)."""


class GridCells(list[Cell]):
    """The cells of a page's tables, table after table, with the shape of each table.

    Every cell's table, grid row, column and spans follow from the shapes (and the order of
    the tables), so what a reader decides from the positions alone can be keyed by the
    shapes instead of by every cell's position (:func:`parsers.fastpath.htmlplan.layout_key`).
    """

    __slots__ = ("shapes", "read")

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[tuple[int, Shape]] = []  # (cells of the table, its shape)
        self.read: tuple[list, tuple, bool] | None = None
        """The cells' tokens and layout key, when a reader worked them out from the texts
        before the cells were made (:class:`PageGrid`): the next reader takes them; and
        whether that reader found the page off its common case (the next need not look)."""

    def add_table(self, cells: list[Cell], shape: Shape) -> None:
        self.extend(cells)
        self.shapes.append((len(cells), shape))

    def layout(self) -> tuple[tuple[int, Shape], ...] | None:
        """The shapes of the tables, when they still describe the cells (None: the list was
        changed since)."""
        if sum(count for count, _shape in self.shapes) != len(self):
            return None
        return tuple(self.shapes)


def table_cells(table: LexborNode, index: int) -> tuple[list[Cell], str | None]:
    """Expand a table (one holding no other table) to its grid: each cell at the grid
    position it starts at, and a warning when the table was cut at a bound."""
    cells, warning, _shape = shaped_table_cells(table, index)
    return cells, warning


def shaped_table_cells(
    table: LexborNode, index: int, spanning: Container[int] | None = None
) -> tuple[list[Cell], str | None, Shape]:
    """:func:`table_cells`, and the table's shape (which gives every cell's place).
    ``spanning``: the ``mem_id`` of every cell with a rowspan or colspan attribute, when the
    caller found them in its own walk of the page (else the table is searched for them)."""
    printed, places, warning, shape = _printed(table, index, spanning)
    known = CELL_TEXTS.get
    texts = [text if (text := known(raw)) is not None else normalize_cell(raw) for raw in printed]
    return _made(texts, places, index), warning, shape


def table_tokens(
    table: LexborNode, index: int, spanning: Container[int] | None = None
) -> tuple[list[Token], tuple[Place, ...], str | None, Shape]:
    """What :func:`shaped_table_cells` makes its cells from, with each cell's token
    (:func:`parsers.fastpath.stream.cell_token` of its normalized text, which the token holds)
    in place of a cell: its place (grid row, column, colspan, rowspan), a warning, and the
    table's shape. A printed text met before gives its token in one look-up (cell texts repeat
    from page to page)."""
    printed, places, warning, shape = _printed(table, index, spanning)
    known = _TOKENS.get
    tokens = [token if (token := known(raw)) is not None else _token(raw) for raw in printed]
    return tokens, places, warning, shape


_TOKENS: dict[str, Token] = {}
"""The token of each cell-sized printed text met (a bounded memory: cleared when full)."""
_TOKENS_KEPT = 32768


def _token(printed: str) -> Token:
    token = cell_token(normalize_cell(printed))
    if len(printed) <= 200:
        if len(_TOKENS) >= _TOKENS_KEPT:
            _TOKENS.clear()
        _TOKENS[printed] = token
    return token


def _printed(
    table: LexborNode, index: int, spanning: Container[int] | None = None
) -> tuple[list[str], tuple[Place, ...], str | None, Shape]:
    """Each cell's text as printed, its place, a warning, and the table's shape."""
    rows = table_rows(table, MAX_TABLE_ROWS)
    warning = None
    if len(rows) > MAX_TABLE_ROWS:
        rows = rows[:MAX_TABLE_ROWS]
        warning = f"table {index}: more than {MAX_TABLE_ROWS} rows, only the first read"
    cell_tags = _CELL_TAG_IDS
    by_row = [[node for node in row.iter() if node.tag_id in cell_tags] for row in rows]
    nodes = [node for row in by_row for node in row]
    shape = (tuple(map(len, by_row)), _spans(table, nodes, spanning))
    places, cut = (_known_places if len(nodes) <= _KNOWN_SHAPE_CELLS else grid_places)(*shape)
    if cut:
        warning = f"table {index}: grid larger than {MAX_GRID_CELLS} cells, truncated"
        nodes = nodes[: len(places)]
    return cell_texts(table, nodes), places, warning, shape


def _made(texts: list[str], places: tuple[Place, ...], index: int) -> list[Cell]:
    """The cells of one table: each text at its place.

    Each cell is made empty and its slots filled here: the same cell as
    ``Cell(text, index, row, col, colspan, rowspan)`` at about two thirds of the cost (the
    dataclass's ``__init__`` is a call of its own per cell), for the few hundred cells of a
    page (``tests/test_html_grid.py`` compares every field with cells made by the class)."""
    new, cell_type = object.__new__, Cell
    out = []
    for text, (r, col, colspan, rowspan) in zip(texts, places, strict=True):
        cell = new(cell_type)
        cell.text = text
        cell.table = index
        cell.row = r
        cell.col = col
        cell.colspan = colspan
        cell.rowspan = rowspan
        cell.glued = False
        cell.empty_run = 0
        cell.line = None
        cell.box = None
        out.append(cell)
    return out


class PageGrid:
    """A page's report tables as their cells' tokens and places, the cells not made: a page
    read from a plan (:mod:`parsers.fastpath.htmlreading`) needs only the tokens, and makes
    the cells (:meth:`cells`, the same :class:`GridCells` as made at once) only when its
    record's cells are asked for."""

    __slots__ = ("tokens", "tables", "count", "read")

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        """Every cell's token (which holds its normalized text), table after table."""
        self.tables: list[tuple[tuple[Place, ...], Shape]] = []
        """The places of each table's cells, and its shape."""
        self.count = 0
        self.read: tuple[list, tuple, bool] | None = None
        """The cells' tokens and layout key, once a reader worked them out, and whether it
        found the page off its common case (handed on to the cells made:
        :attr:`GridCells.read`)."""

    def add_table(self, tokens: list[Token], places: tuple[Place, ...], shape: Shape) -> None:
        self.tokens.extend(tokens)
        self.tables.append((places[: len(tokens)], shape))
        self.count += len(tokens)

    def __len__(self) -> int:
        return self.count

    def text(self, index: int) -> str:
        """The normalized text of the cell at ``index``."""
        return self.tokens[index][TEXT]

    def layout(self) -> tuple[tuple[int, Shape], ...]:
        """:meth:`GridCells.layout` of the cells made."""
        return tuple([(len(places), shape) for places, shape in self.tables])

    def places(self) -> tuple[list[int], list[Place]]:
        """Each cell's table, and its place (grid row, column, colspan, rowspan): what a
        reader of the cells' texts and places reads instead of the cells."""
        tables: list[int] = []
        places: list[Place] = []
        for index, (found, _shape) in enumerate(self.tables):
            tables.extend([index] * len(found))
            places.extend(found)
        return tables, places

    def cells(self) -> GridCells:
        out = GridCells()
        start = 0
        texts = [token[TEXT] for token in self.tokens]
        for index, (places, shape) in enumerate(self.tables):
            end = start + len(places)
            out.add_table(_made(texts[start:end], places, index), shape)
            start = end
        out.read = self.read
        return out


def _spans(
    table: LexborNode, nodes: list[LexborNode], spanning: Container[int] | None = None
) -> tuple[tuple[int, int, int], ...]:
    """(place, rowspan, colspan) of each of the table's cells (``nodes``) that spans.

    Reading a node's attributes builds a dict of them all (Word's cells carry a dozen), so
    only the cells with either attribute are read: those in ``spanning`` (``mem_id``s), or
    those a search of the table finds."""
    if spanning is None:
        spanning = {node.mem_id for node in table.css("[rowspan], [colspan]")}
        if not spanning:
            return ()
    out = []
    for k, node in enumerate(nodes):
        if node.mem_id in spanning:
            attributes = node.attributes
            out.append((k, span(attributes, "rowspan"), span(attributes, "colspan")))
    return tuple(out)


Place = tuple[int, int, int, int]  # grid row, column, colspan, rowspan


def grid_places(
    widths: tuple[int, ...], spans: tuple[tuple[int, int, int], ...]
) -> tuple[tuple[Place, ...], bool]:
    """Where each cell of a table starts in its grid, and whether the grid was cut at
    :data:`MAX_GRID_CELLS` (then only the cells before the cut have a place).

    ``widths``: the number of cells of each row; ``spans``: (the cell's place in the table,
    its rowspan, its colspan) of each cell that spans, the rest spanning one position. A
    function of the table's shape alone, so the pages of one template work it out once."""
    span_of = {k: (rowspan, colspan) for k, rowspan, colspan in spans}
    below: dict[int, set[int]] = {}  # grid row → its columns taken by cells spanning rows
    filled = 0  # grid positions covered so far
    places: list[Place] = []
    n_rows = len(widths)
    start = 0
    for r, width in enumerate(widths):
        taken = below.pop(r, None)
        col = 0
        for k in range(start, start + width):
            if taken:
                while col in taken:
                    col += 1
            found = span_of.get(k)
            if found is not None:
                rowspan = min(found[0], max(1, n_rows - r))
                colspan = found[1]
                if filled + rowspan * colspan > MAX_GRID_CELLS:
                    return tuple(places), True
                for dr in range(1, rowspan):
                    below.setdefault(r + dr, set()).update(range(col, col + colspan))
                filled += rowspan * colspan
                places.append((r, col, colspan, rowspan))
                col += colspan
                continue
            filled += 1
            if filled > MAX_GRID_CELLS:
                return tuple(places), True
            places.append((r, col, 1, 1))
            col += 1
        start += width
    return tuple(places), False


_KNOWN_SHAPE_CELLS = 2000
"""Tables of at most this many cells have their places kept by shape (a statutory table has
a few hundred; a data dump's are worked out each time, not kept)."""
_known_places = lru_cache(maxsize=256)(grid_places)
