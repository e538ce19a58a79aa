"""Cell sources: one module per input form, each turning bytes or text into a
:class:`~parsers.cells.base.Document` (a cell stream) for the one matcher."""

from parsers.cells.base import Cell, Document

__all__ = ["Cell", "Document"]
