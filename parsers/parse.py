"""`parse()`: bytes → Report.

The stages run one way: sniff the format from the bytes → its cell source builds a
:class:`~parsers.cells.base.Document` → the one matcher reads the tables → metadata, checks,
prose (before 2019) and place are added. Formats we recognise but cannot read (DOC, WPS, OFD,
scanned PDFs …) still give a record, with ``template: "unknown"`` and a warning naming the
format, so the datasets list them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import cache

from parsers import schema, sniff
from parsers.bounds import bound_document, bound_warnings
from parsers.cells.base import Document
from parsers.cells.pipe import pipe_stream_document
from parsers.checks import run_checks
from parsers.fastpath.htmlreading import GridReading, planned_grid_reading
from parsers.fastpath.reading import PlannedReading
from parsers.fastpath.tables import planned_reading
from parsers.meta import read_meta
from parsers.model import ParseError, Report, defer_tables
from parsers.tables import read_tables
from parsers.tables.stream_reading import StreamReading
from parsers.unsupported import UnsupportedDocument, unsupported_report

log = logging.getLogger(__name__)

MAX_INPUT_BYTES = 200 * 1024 * 1024


def parse(data: bytes, *, source: str | None = None, content_type: str | None = None) -> Report:
    """Parse one report. Raises :class:`ParseError` when the bytes are not a readable report."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse() takes the document's bytes")
    data = bytes(data)
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(
            f"document of {len(data)} bytes exceeds the {MAX_INPUT_BYTES}-byte limit",
            reason="too_large",
            where=source,
        )
    (sniffed, text, utf8), lines = sniff.examine_lines(data, content_type)
    if sniffed.kind == sniff.EMPTY:
        raise ParseError("empty document", reason="empty", where=source)
    if sniffed.kind == sniff.BINARY:
        raise ParseError(
            "not a report: unrecognised binary data", reason="not_a_report", where=source
        )
    if not sniffed.supported:
        return _unsupported(sniffed, data, source)
    try:
        if sniffed.kind == sniff.PIPE:  # its cells as compact tokens, for the fast path
            if text is None:
                text, lines = sniff.decode_text(data, sniffed), None
            doc = pipe_stream_document(text, lines)
        else:
            doc = build_document(data, sniffed, text, utf8=utf8)
        return report_from_document(doc, data, source=source, content_type=content_type)
    except UnsupportedDocument as exc:  # found unreadable only once opened (password, no text)
        return _unsupported(exc.sniffed, data, source)
    except ParseError:
        raise
    except Exception as exc:  # one bad document must never stop a harvest
        log.exception("parser failure on %s", source or "<bytes>")
        raise ParseError(
            f"could not read the {sniffed.describe()}: {type(exc).__name__}: {exc}",
            reason="internal_error",
            where=source,
        ) from exc


def build_document(
    data: bytes, sniffed: sniff.Sniffed, text: str | None = None, *, utf8: bool = False
) -> Document:
    """Run the cell source for the sniffed format (``text``, ``utf8``: the decoded text and
    whether the bytes are exactly that text in UTF-8, when the caller has them from
    :func:`parsers.sniff.examine`)."""
    kind = sniffed.kind
    if kind in (sniff.PDF, sniff.DOCX):
        source = _BINARY_SOURCES[kind]()
        return source(data)
    if kind == sniff.HTML and utf8:
        from parsers.cells.html import html_document

        return html_document(data)  # the HTML parser reads UTF-8 bytes as they are
    if text is None:
        text = sniff.decode_text(data, sniffed)
    if kind == sniff.HTML:
        from parsers.cells.html import html_document

        return html_document(text)
    if kind == sniff.PIPE:
        from parsers.cells.pipe import pipe_document

        return pipe_document(text)
    if kind == sniff.MARKDOWN:
        from parsers.cells.markdown import markdown_document

        return markdown_document(text)
    return _text_source()(text)


def _pdf_source() -> Callable[[bytes], Document]:
    from parsers.cells.pdf import pdf_document

    return pdf_document


def _docx_source() -> Callable[[bytes], Document]:
    from parsers.cells.docx import docx_document

    return docx_document


_BINARY_SOURCES = {sniff.PDF: _pdf_source, sniff.DOCX: _docx_source}


def _text_source() -> Callable[[str], Document]:
    """Flattened-text source when available (cells run together), else plain text."""
    try:
        from parsers.cells.flat import flat_document

        return flat_document
    except ImportError:
        from parsers.cells.text import text_document

        return text_document


def report_from_document(
    doc: Document, data: bytes, *, source: str | None = None, content_type: str | None = None
) -> Report:
    """The record of one document: metadata, tables, checks, prose and place."""
    doc = bound_document(doc)
    meta = read_meta(doc)
    planned: PlannedReading | GridReading | StreamReading | None = None
    if doc.stream is not None:  # compact tokens: the fast path, else the general reader
        planned = planned_reading(doc.stream, doc.stream_lines)
    elif (grid := doc.deferred_cells()) is not None:  # a page's cells: by their layout's plan
        planned = planned_grid_reading(grid)
    found = (
        None
        if planned is not None
        else read_tables(doc, year_hint=meta.year, fast=doc.stream is None)
    )
    if found is not None and found.reading is not None:  # (its cells made when first read)
        planned, found = found.reading, None
    report = Report(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        agency=meta.agency,
        year=meta.year,
        published=meta.published,
        title=meta.title or doc.title,
        form=doc.form,
        content_type=content_type,
    )
    report.warnings.extend(doc.warnings)
    report.warnings.extend(meta.warnings)
    if planned is not None:  # checked on its printed values; its cells made when first read
        report.template = planned.template
        defer_tables(report, planned)
        report.warnings.extend(planned.warnings)
        report.checks = planned.checks()
    elif found is not None and found.template is not None and found.tables:
        report.template = found.template
        report.tables = found.tables
        report.warnings.extend(found.warnings)
        report.checks = run_checks(report.tables, report.template, merged=found.merged)
    elif _is_pre2019(doc, meta.year):
        report.template = schema.TEMPLATE_PRE2019
        report.warnings.append("report before the 2019 national format: no statutory tables")
    elif meta.title is None:
        raise ParseError(
            "not a report: no report title and no statutory tables found",
            reason="not_a_report",
            where=source,
        )
    else:
        report.warnings.append(
            "no statutory tables found (the tables may be an image or an attachment)"
        )
    if report.template == schema.TEMPLATE_PRE2019:
        _add_prose(report, doc)
    _add_place(report, doc)
    bound_warnings(report.warnings)
    return report


def _is_pre2019(doc: Document, year: int | None) -> bool:
    from parsers.prose import is_pre2019

    return is_pre2019(doc.text) or (year is not None and year < 2019)


def _add_prose(report: Report, doc: Document) -> None:
    from parsers.prose import extract_prose

    try:
        result = extract_prose(doc.text, year=report.year)
    except Exception as exc:  # a prose failure must not lose the record
        log.warning("prose extraction failed for %s: %s", report.source, exc)
        report.warnings.append(f"prose counts not extracted: {exc}")
        return
    report.prose = dict(result.values)
    report.prose_evidence = dict(result.evidence)
    report.warnings.extend(result.warnings)


def _add_place(report: Report, doc: Document) -> None:
    """Resolve the agency to its place; the report's opening text names the places it covers."""
    if not report.agency:
        return
    try:
        report.place = _record_place()(
            report.agency, context=lambda: doc.text[:4000], year=report.year
        )  # (the text is read only when places that share the name tie: a few in a hundred)
    except Exception as exc:  # a place failure must not lose the record
        log.warning("place resolution failed for %s: %s", report.agency, exc)


@cache
def _record_place() -> Callable[..., dict]:
    """:func:`places.record_place`, imported on the first record with an agency (the places
    package and its table are not needed before)."""
    from places import record_place

    return record_place


def _unsupported(sniffed: sniff.Sniffed, data: bytes, source: str | None) -> Report:
    return unsupported_report(sniffed, data, source)
