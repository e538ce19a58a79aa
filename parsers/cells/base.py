"""The cell stream: what every input form is turned into before the one matcher reads it.

A cell source (HTML, pipe text, markdown, PDF, DOCX, flattened text) produces a
:class:`Document`: the report's plain text (for metadata and prose) and its table cells in
reading order. What a source knows about positions it records (table, grid row, grid column);
what it does not know stays ``None`` — pipe text, for instance, knows neither rows nor columns,
and flattened text may hold several cells run together in one (``glued``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # from them only when the general reader is needed.
    stream: list[tuple] | None = None
