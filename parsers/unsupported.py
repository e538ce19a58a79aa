"""Records for documents we recognise but do not parse (DOC, WPS, OFD, XLS, scans, …).

The dataset must still list them — a researcher needs to know that an agency published its
report, and in which form, even when the numbers cannot be read — so they get a record with
``template: "unknown"``, no tables and a warning naming the format.
"""

from __future__ import annotations

import hashlib

from parsers.model import ParseError, Report
from parsers.schema import TEMPLATE_UNKNOWN
from parsers.sniff import NO_TEXT_LAYER, PASSWORD, PDF, Sniffed


class UnsupportedDocument(ParseError):
    """A cell source found, after opening it, that the document cannot be read (a PDF with no
    text layer, a PDF that needs a password). The entry point turns it into a record with
    :func:`unsupported_report` instead of failing."""

    def __init__(self, sniffed: Sniffed, message: str | None = None, *, where: str | None = None):
        super().__init__(message or unsupported_warning(sniffed), reason="unsupported", where=where)
        self.sniffed = sniffed


def unsupported_warning(sniffed: Sniffed) -> str:
    """The warning that names the format: "scanned PDF: no text layer", "WPS document: not parsed"."""
    if sniffed.kind == PDF and sniffed.detail == NO_TEXT_LAYER:
        return "scanned PDF: no text layer"
    if sniffed.kind == PDF and sniffed.detail == PASSWORD:
        return "encrypted PDF: password required"
    name = sniffed.describe().split(" (")[0]
    detail = f" ({sniffed.detail})" if sniffed.detail else ""
    return f"{name}: not parsed{detail}"


def unsupported_report(
    sniffed: Sniffed, data: bytes, source: str | None = None, *, content_type: str | None = None
) -> Report:
    """A record for a recognised but unparsed document: template unknown, no tables, a warning."""
    return Report(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        template=TEMPLATE_UNKNOWN,
        tables={},
        checks=[],
        warnings=[unsupported_warning(sniffed)],
        form=sniffed.kind,
        content_type=content_type,
    )
