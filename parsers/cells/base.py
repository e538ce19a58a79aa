"""The cell stream: what every input form is turned into before the one matcher reads it.

A cell source (HTML, pipe text, markdown, PDF, DOCX, flattened text) produces a
:class:`Document`: the report's plain text (for metadata and prose) and its table cells in
reading order. What a source knows about positions it records (table, grid row, grid column;
the line of a text source; the page and box of a PDF); what it does not know stays ``None`` —
pipe text, for instance, knows neither rows nor columns, and flattened text may hold several
cells run together in one (``glued``). The positions travel with the values the matcher places
into the record (:attr:`parsers.model.CellValue.source`), so a reviewer can find each number in
the document it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from parsers.deferred import made_on_first_read


@dataclass(slots=True)
class Cell:
    """One table cell as the source saw it."""

    text: str
    table: int | None = None  # index of the table in the document (None: unknown)
    row: int | None = None  # grid row within its table (None: unknown)
    col: int | None = None  # grid column of the cell's first position (None: unknown)
    colspan: int = 1
    rowspan: int = 1
    # The text may hold several adjacent cells run together ("801000081"), as in text taken
    # from PDFs and some page dumps; only the table's arithmetic can split it.
    glued: bool = False
    # Pipe text: this "cell" stands for ``empty_run`` empty grid positions at the end of a row.
    empty_run: int = 0
    line: int | None = None  # text sources: the line of the document's text (1-based)
    # PDF: (page (1-based), x0, top, x1, bottom) in points from the page's top-left corner
    box: tuple[int, float, float, float, float] | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Records cross process boundaries with the cells their values came from: built back
        # through the constructor, as CellValue is, not slot by slot.
        args = (self.text, self.table, self.row, self.col, self.colspan, self.rowspan,
                self.glued, self.empty_run, self.line, self.box)  # fmt: skip
        end = len(args)
        while end > 1 and args[end - 1] == _DEFAULTS[end - 1]:
            end -= 1  # the defaults at the end are left out (most cells have several)
        return (Cell, args[:end])


_DEFAULTS = ("", None, None, None, 1, 1, False, 0, None, None)


@dataclass
class Document:
    """A report as a cell stream plus the text around it."""

    text: str  # the readable text of the report, tables included, one block per line
    cells: list[Cell] = field(default_factory=list)
    form: str = "text"  # html / pipe / flat / markdown / pdf / docx / text
    title: str | None = None  # the page title or heading, when the source has one
    meta: dict[str, str] = field(default_factory=dict)  # e.g. ArticleTitle, PubDate, 发布机构
    warnings: list[str] = field(default_factory=list)
    # The cells as compact tokens (:mod:`parsers.fastpath.stream`), when a source made those
    # instead of ``cells``: the fast path reads them, and :func:`parsers.parse` makes ``cells``
    # from them only when the general reader is needed. Pipe text may give a token per line of
    # its text, a line with no cell as a ``PROSE`` token that stands for no cell.
    stream: list[tuple] | None = None
    # The text line (1-based) of each token of ``stream`` (a range when a token per line).
    stream_lines: Sequence[int] | None = None

    def __getattr__(self, name: str) -> Any:
        # Called only for an attribute the document does not hold: ``cells`` left to be made
        # when first read (see defer_cells), made now and kept.
        if name == "cells":
            return made_on_first_read(self, "cells", "_deferred_cells", _make_cells)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def deferred_cells(self) -> DeferredCells | None:
        """What the document's cells are left to while they are not made (see
        :func:`defer_cells`): a reader that needs only their texts and places asks it."""
        state = self.__dict__
        return None if "cells" in state else state.get("_deferred_cells")


class DeferredCells(Protocol):
    """A document's cells not made yet (see :func:`defer_cells`)."""

    def cells(self) -> list[Cell]:
        """The cells, made (each call makes them afresh)."""
        ...

    def __len__(self) -> int:
        """How many cells :meth:`cells` makes."""
        ...


def _make_cells(deferred: DeferredCells) -> list[Cell]:
    """A page's deferred cells, made (see :meth:`Document.__getattr__`)."""
    return deferred.cells()


def defer_cells(doc: Document, deferred: DeferredCells) -> Document:
    """Leave ``doc.cells`` to be made by ``deferred`` when it is first read.

    An HTML page's cells (a few hundred :class:`Cell` objects) are what its tables' reading
    keeps as the values' sources, but a page whose table layout was read before is read from
    the cells' texts and the layout's plan, and its record made from them only when asked
    (:mod:`parsers.fastpath.htmlreading`): reading ``doc.cells`` makes them then, the same
    cells as made at once."""
    doc.__dict__.pop("cells", None)
    doc.__dict__["_deferred_cells"] = deferred
    return doc
