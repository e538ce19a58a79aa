"""An HTML page's :class:`~parsers.cells.base.Document`, its text made when first read.

The text of a report page's document is the report block's lines: hundreds of them, a table
cell each. A record of a report whose tables were read reads only the text's end (its
sign-off) and asks whether the text is over the text limit; the whole text is made for the
records that read more of it (prose before 2019, a title found only in the text, a place
chosen by the text).
"""

from __future__ import annotations

from typing import Any

from parsers.cells.html_lines import ReportLines
from parsers.cells.lazy_document import LazyTextDocument


class PageDocument(LazyTextDocument):
    """A :class:`Document` whose :attr:`text` is ``"\\n".join(lines.lines)``, made when first
    read; :meth:`text_end` and :meth:`most_text_chars` read what they need of it without
    making it. Equal to (and pickled as) the plain Document it stands for."""

    def __init__(self, lines: ReportLines, **fields: Any) -> None:
        self._lines = lines
        super().__init__(**fields)

    def _make_text(self) -> str:
        return "\n".join(self._lines.lines)

    def most_text_chars(self) -> int:
        """A bound on ``len(self.text)``, made without the text when it is not yet made."""
        return len(self._text) if self._text is not None else self._lines.most_chars()

    def text_end(self, lines: int, chars: int) -> str:
        """The text after one of its line feeds (or all of it): at least ``lines`` lines and
        more than ``chars`` characters (see :meth:`ReportLines.text_end`)."""
        if self._text is not None or self._lines.made:
            return self.text
        return self._lines.text_end(lines, chars)
