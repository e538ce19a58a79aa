"""A pipe text's :class:`~parsers.cells.base.Document`, its text made when first read.

A pipe text read a token per line (:func:`parsers.cells.pipe.pipe_stream_document`) holds its
text's lines already, as the texts of its tokens: the document's text is those that are not
empty, joined by line feeds. A record whose tables the fast path reads asks only for the first
lines (the title and the page's fields, taken when the document is made; the title's words:
:meth:`PipeDocument.head_lines`), the last ones (the sign-off: :meth:`PipeDocument.text_end`)
and whether the text is over the text limit (:meth:`PipeDocument.most_text_chars`); gathering and joining every line costs about a tenth
of such a parse, so the whole text is made only for the records that read more of it (prose
before 2019, a title found only in the text, a place chosen by the text).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

from parsers.cells.lazy_document import LazyTextDocument
from parsers.fastpath.stream import TEXT, Token
from parsers.labels import MOST_NFKC_CHARS

_TEXT_OF = itemgetter(TEXT)


def token_texts(tokens: Iterable[Token]) -> Iterator[str]:
    """The text lines of a stream of a token per line, in order (runs of empty positions and
    blank lines have no text)."""
    return filter(None, map(_TEXT_OF, tokens))


def first_lines(tokens: Sequence[Token], count: int) -> list[str]:
    """The first ``count`` text lines of a stream of a token per line (all, when fewer)."""
    return list(islice(token_texts(tokens), count))


class PipeDocument(LazyTextDocument):
    """A :class:`Document` whose :attr:`text` is its tokens' text lines joined by line feeds,
    made when first read; :meth:`text_end` and :meth:`most_text_chars` read what they need of
    it without making it. Equal to (and pickled as) the plain Document it stands for.

    ``tokens``: the stream, a token per line of the source text; ``source_chars``: the length
    of that text (a bound on the text's length is worked out from it)."""

    def __init__(self, tokens: Sequence[Token], source_chars: int, **fields: Any) -> None:
        self._tokens = tokens
        self._source_chars = source_chars
        super().__init__(**fields)

    def _make_text(self) -> str:
        return "\n".join(token_texts(self._tokens))

    def most_text_chars(self) -> int:
        """A bound on ``len(self.text)``, made without the text when it is not yet made: each
        line's text is its source line normalized, which NFKC makes at most
        :data:`~parsers.labels.MOST_NFKC_CHARS` times as long and the rest only shortens, and
        a line feed joins each to the next (fewer of them than the source's characters)."""
        if self._text is not None:
            return len(self._text)
        return (MOST_NFKC_CHARS + 1) * self._source_chars

    def head_lines(self, count: int) -> list[str]:
        """The text's first ``count`` lines that are not blank (all, when fewer), as
        ``str.splitlines`` cuts them: its tokens' text lines, which hold no line break and are
        never blank (a normalized text holds no white space at either end, and a line break is
        white space: normalizing made it a space)."""
        if self._text is not None:
            return list(filter(str.strip, self._text.splitlines()))[:count]
        return first_lines(self._tokens, count)

    def text_end(self, lines: int, chars: int) -> str:
        """The text after one of its line feeds (or all of it): at least ``lines`` lines and
        more than ``chars`` characters, read from the last tokens back."""
        if self._text is not None:
            return self._text
        texts = token_texts(reversed(self._tokens))
        end = list(islice(texts, lines))
        size = sum(map(len, end)) + len(end) - 1  # (joined: a line feed between two lines)
        for line in texts:  # (more lines, only while the characters are too few)
            if size > chars:
                end.reverse()
                return "\n".join(end)
            end.append(line)
            size += len(line) + 1
        return self.text  # (all of it)
