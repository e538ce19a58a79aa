"""`parse()`: bytes → Report. Sniffs the form, runs its cell source, then the one matcher."""

from __future__ import annotations

from parsers.model import ParseError, Report


def parse(data: bytes, *, source: str | None = None, content_type: str | None = None) -> Report:
    """Parse one report. Raises :class:`ParseError` when the bytes are not a readable report."""
    raise ParseError("parser not implemented yet", reason="unsupported", where=source)
