"""What reaches the matcher is bounded: a document's cells and text are capped.

A report has a few hundred table cells and tens of thousands of characters of text; a page
that shows hundreds of thousands of cells (a data dump, a generated attack) holds no more
report than its first part, and every stage after the cell source (labels, rows, the table's
arithmetic, metadata, prose) then runs on bounded input. Sources stop early at the same caps
where they can (the HTML source stops reading tables, the text sources stop making cells), so
that they too stay linear in their input; what is left out is named in a warning.
"""

from __future__ import annotations

from parsers.cells.base import Document

MAX_CELLS = 20_000
"""Table cells handed to the matcher (a report has a few hundred)."""
MAX_TEXT_CHARS = 1_000_000
"""Characters of text read for metadata and prose (a long report has about 100,000)."""
MAX_WARNINGS = 100
"""Warnings kept on one record (a report has a handful; a broken dump can raise thousands)."""


def bound_document(doc: Document) -> Document:
    """The document with its cells and text cut to the caps, and a warning for each cut."""
    if doc.stream is not None and len(doc.stream) > MAX_CELLS:
        from parsers.fastpath.stream import to_cells

        doc.cells, doc.stream = to_cells(doc.stream), None
    deferred = doc.deferred_cells()  # (not made: counted without making them)
    if (len(deferred) if deferred is not None else len(doc.cells)) > MAX_CELLS:
        doc.warnings.append(
            f"{len(doc.cells)} table cells: only the first {MAX_CELLS} read (cell limit)"
        )
        del doc.cells[MAX_CELLS:]
    # a bound first, when the text is made on demand (looked up on the class: a document's
    # own look-up of a name it lacks goes through its __getattr__, an exception each time)
    most = getattr(type(doc), "most_text_chars", None)
    if (most is None or most(doc) > MAX_TEXT_CHARS) and len(doc.text) > MAX_TEXT_CHARS:
        doc.warnings.append(
            f"text of {len(doc.text)} characters: only the first {MAX_TEXT_CHARS} read (text limit)"
        )
        doc.text = doc.text[:MAX_TEXT_CHARS]
    return doc


def bound_warnings(warnings: list[str]) -> None:
    """Keep the first :data:`MAX_WARNINGS` warnings and say how many more there were."""
    if len(warnings) > MAX_WARNINGS:
        more = len(warnings) - MAX_WARNINGS
        del warnings[MAX_WARNINGS:]
        warnings.append(f"… and {more} more warnings (warning limit)")
