"""Parsers: bytes of a report (HTML page, pipe text, markdown, PDF, DOCX, …) → one record.

The public surface is :func:`parse`, :class:`Report` and :class:`ParseError`. Everything
else is reached through these.
"""

from parsers.model import CellValue, Check, ParseError, Report
from parsers.parse import parse

__all__ = ["CellValue", "Check", "ParseError", "Report", "parse"]
