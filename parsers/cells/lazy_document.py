"""A :class:`~parsers.cells.base.Document` whose text is made only when first read.

A report whose tables the fast path reads asks little of its text: its first lines (the
title), its last ones (the sign-off) and a bound on its length (the text limit). Joining
hundreds of lines for that costs a tenth of such a parse, so the HTML and pipe sources hand
out documents that keep what the text is made of and make it on first read. Such a document
must still behave as the plain Document it stands for wherever records are compared or sent
to another process: that part is shared here, the sources say only how their text is made.
"""

from __future__ import annotations

from typing import Any

from parsers.cells.base import Document


class LazyTextDocument(Document):
    """A :class:`Document` whose :attr:`text` is :meth:`_make_text`'s, made when first read.
    Equal to (and pickled as) the plain Document it stands for."""

    _text: str | None

    def __init__(self, **fields: Any) -> None:
        self._text = None
        super().__init__(text="", **fields)
        self._text = None  # (the dataclass's __init__ set it)

    def _make_text(self) -> str:
        """The whole text, from what the document keeps instead of it."""
        raise NotImplementedError

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._make_text()
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:  # across processes: the plain Document
        return (_plain, ({name: getattr(self, name) for name in _FIELDS},))


_FIELDS = tuple(Document.__dataclass_fields__)


def _plain(fields: dict[str, Any]) -> Document:
    return Document(**fields)
