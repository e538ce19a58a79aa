"""The lines of a report page's text: the report block's lines (the document's text) and the
page's first lines (where its title and labeled fields, 发布日期 …, sit).

The page's text holds the report block's text, so the page's first lines are mostly lines of
the page's header and navigation followed by the block's first lines. Where the block's text
stands on lines of its own, they are taken as that: the text before the block (a walk up
from the block over the elements before it, a few hundred characters) normalized, then the
block's lines, normalized once already; the page's whole text is read only when they do not
reach the page's first lines.
"""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from parsers.bounds import MAX_TEXT_CHARS
from parsers.cells.fields import labeled_fields, may_hold_fields
from parsers.cells.html_depth import count_tags
from parsers.cells.html_text import (
    BLOCK_TAG_IDS,
    block_text,
    outer_text,
    text_backwards,
    text_forwards,
)
from parsers.labels import MOST_NFKC_CHARS, normalize_lines

PAGE_HEAD_CHARS = 30_000
"""Characters of the page's text its first lines are looked for in."""
HEAD_LINES = 80
"""The page's first lines read for its title and labeled fields."""


def report_lines(
    root: LexborNode, article: LexborNode, article_text: str | None = None
) -> tuple[list[str], list[str]]:
    """The page's first lines and the report block's lines (``article``, under ``root``;
    ``article_text``: its text, when the caller has read it)."""
    found = ReportLines(root, article, article_text)
    return found.head, found.lines


class ReportLines:
    """The report block's lines (:attr:`lines`), the page's first lines (:attr:`head`) and
    the end of the block's text (:meth:`text_end`), each read when first asked for.

    A record reads the block's lines only in part (the sign-off at their end), and the page's
    first lines only for a title the page does not name and the labeled fields (发布日期 …)
    its report does not print: normalizing the whole block (hundreds of table cells, a line
    each) and walking the page before it are left for the records that need them."""

    def __init__(
        self,
        root: LexborNode,
        article: LexborNode,
        article_text: str | None = None,
        *,
        source: str | bytes | None = None,
        raw_chars: int | None = None,
        source_tags: int | None = None,
    ) -> None:
        # the page's tree, while the page's first lines may still need it (its text before
        # the block); the block, until its text is read
        self._nodes: tuple[LexborNode, LexborNode] | None = None
        self._head: list[str] | None = None
        self._lines: list[str] | None = None
        self._page_text: str | None = None
        self._article: LexborNode | None = article
        self._whole = article is root
        if not self._whole:
            self._nodes = root, article
        self._body: str | None = None if self._whole else article_text
        self._cut: str | None = None
        # what bounds the block's text before it is read: the page's source (no text of it
        # is longer; its tags bound the line feeds) and the block's text nodes' length
        self._source = source
        self._raw_chars = raw_chars
        self._source_tags = source_tags  # (the source's ``<``, when the caller counted them)
        self._most_body: int | None = None

    @property
    def _body_text(self) -> str:
        """The report block's text, with a line feed before each block element in it."""
        if self._body is None:
            article, self._article = self._article, None
            assert article is not None
            self._body = block_text(article)
        if self._whole:
            self._page_text = self._body
        return self._body

    @property
    def _read(self) -> str:
        """The block's text read: no more than the matcher reads (parsers.bounds), so that a
        data dump's megabytes stay unread."""
        if self._cut is None:
            self._cut = self._body_text[: MAX_TEXT_CHARS + 1]
        return self._cut

    @property
    def lines(self) -> list[str]:
        """The report block's lines: the document's text."""
        if self._lines is None:
            self._lines = normalize_lines(self._read)
        return self._lines

    @property
    def head(self) -> list[str]:
        """The page's first :data:`HEAD_LINES` lines."""
        if self._head is None:
            self._head = self._read_head()
        return self._head

    def head_fields(self) -> dict[str, str]:
        """``labeled_fields(self.head)``: the labeled fields (发布日期：…) of the page's first
        lines. Most report pages print none above their report, and showing that from the
        first lines costs a walk of the page down into its tables (a line per cell); the
        page's text nodes, joined by the parser, are searched first, and the first lines read
        only when a label followed by a colon lies within the characters they are read from."""
        if self._head is None:
            text = self._page_text_nodes()
            if text is not None and not may_hold_fields(text, PAGE_HEAD_CHARS):
                return {}
        return labeled_fields(self.head)

    def _page_text_nodes(self) -> str | None:
        """The page's text as the parser joins its text nodes: every character of its first
        lines in order, without the line feeds of its block elements (text on one of its lines
        is the same there); or its text once read; None when the tree is let go."""
        if self._nodes is not None:
            return self._nodes[0].text_lexbor()
        if self._whole:
            if self._article is not None:
                return self._article.text_lexbor()
            return self._body
        return None

    def most_chars(self) -> int:
        """A bound on the length of the text the lines make (``"\\n".join(self.lines)``),
        without making them: NFKC makes at most :data:`~parsers.labels.MOST_NFKC_CHARS` characters of one,
        and the rest of the normalization only removes characters."""
        if self._lines is not None:  # (the length of the text they make, exactly)
            return sum(map(len, self._lines)) + max(len(self._lines) - 1, 0)
        if self._body is not None or self._source is None:
            return MOST_NFKC_CHARS * len(self._read)
        return MOST_NFKC_CHARS * min(self._most_body_chars(), MAX_TEXT_CHARS + 1)

    def _most_body_chars(self) -> int:
        """A bound on the length of the block's text, without walking it: its text nodes'
        length and a line feed for each block element, of which no tag of the source makes
        more than three (``<td>`` right in a ``<table>``: a ``<tbody>``, a ``<tr>`` and
        itself); and no longer than the source, whose every character of text and line feed
        takes at least a character of it (a tag, ``<p>``, three)."""
        if self._most_body is None:
            assert self._source is not None
            most = len(self._source)
            if self._article is not None and most > MAX_TEXT_CHARS // MOST_NFKC_CHARS:
                raw = self._raw_chars
                if raw is None:
                    raw = len(self._article.text_lexbor())
                tags = self._source_tags
                if tags is None:
                    tags = count_tags(self._source)
                most = min(most, raw + 3 * tags)
            self._most_body = most
        return self._most_body

    @property
    def made(self) -> bool:
        """Whether :attr:`lines` are made (the text's end is then cut from them)."""
        return self._lines is not None

    def text_end(self, lines: int, chars: int) -> str:
        """The end of the text the lines make, from a line feed of it on: at least ``lines``
        lines and more than ``chars`` characters, or the whole text when it has no shorter
        such end. Only the end of the block's text is normalized for it: NFKC never works
        across a line feed, so the last lines of a piece cut at one are the text's last lines.

        Before the block's text is read, only its end is (a walk back from the block's last
        element), when the whole of it is within what is read (:data:`MAX_TEXT_CHARS`)."""
        if self._walks_end():
            walked = self._end_walked(lines, chars)
            if walked is not None:
                return walked
        text = self._read
        if self._lines is None:
            end = _last_lines(text, lines, chars)
            if end is not None:
                return end
        size = 320  # (a report's last lines: its sign-off, a few of its cells)
        while self._lines is None and size < len(text):
            cut = text.find("\n", len(text) - size)
            if cut < 0:
                break
            found = normalize_lines(text[cut:])
            if len(found) >= lines:
                end = "\n".join(found)
                if len(end) > chars:
                    return end
            size *= 4
        return "\n".join(self.lines)

    def _walks_end(self) -> bool:
        """Whether the end of the block's text is to be read by a walk back (its text is not
        read yet, and all of it lies within what is read)."""
        if self._lines is not None or self._body is not None or self._article is None:
            return False
        return self._source is not None and self._most_body_chars() <= MAX_TEXT_CHARS + 1

    def _end_walked(self, lines: int, chars: int) -> str | None:
        """:meth:`text_end` from the end of the block's text, walked back as far as it needs
        (the same pieces cut at the same line feeds); None where it needs the whole text
        (which is then kept: the block is not walked again)."""
        assert self._article is not None
        pieces = text_backwards(self._article)
        parts: list[str] = []
        length, whole = 0, False
        size = 320
        counting: int | None = None  # (lines counted in the pieces read after the first cut)
        while True:
            while length < size and not whole:
                piece = next(pieces, None)
                if piece is None:
                    whole = True
                    continue
                parts.append(piece)
                length += len(piece)
                if counting is not None:
                    counting += _lines_opened(piece)
                    if counting >= lines:
                        counting = None  # (tried once: the cuts below take it from here)
                        end = _last_lines("".join(reversed(parts)), lines, chars)
                        if end is not None:
                            return end
            text = "".join(reversed(parts))
            end = _last_lines(text, lines, chars)
            if end is not None:
                return end
            if size == 320:  # too few lines yet, most often: read on only until there are
                counting = _lines_opened(text)
            if whole and size >= length:
                break
            cut = text.find("\n", length - size)
            if cut < 0:
                break
            # (a line feed before each of its lines: fewer feeds, fewer lines than asked for)
            found = normalize_lines(text[cut:]) if text.count("\n", cut) >= lines else []
            if len(found) >= lines:
                end = "\n".join(found)
                if len(end) > chars:
                    return end
            size *= 4
        if whole:
            self._body, self._article = text, None
        return None

    def _body_head(self, count: int) -> list[str]:
        """The block's first ``count`` lines: of its text normalized no further than they
        need, when it is long; a short block's first lines are most of it (and a record
        asking for them reads its end too), so it is normalized whole, once."""
        if self._lines is None and len(self._read) > WHOLE_FOR_HEAD:
            return head_lines(self._read, count)
        return self.lines[:count]

    def _read_head(self) -> list[str]:
        walked = self._head_walked()
        if walked is not None:
            return walked
        body_text, nodes = self._body_text, self._nodes
        page_text = self._page_text
        self._nodes = None  # (read once: the tree is let go)
        if nodes is not None:  # the block is a part of the page: the text before it first
            root, article = nodes
            found = _head_before(root, article, body_text, self._body_head(HEAD_LINES + 1))
            if found is not None:
                return found
            page_text = block_text(root)
        elif page_text is None or len(page_text) <= PAGE_HEAD_CHARS:  # the page is the block
            return self._body_head(HEAD_LINES)
        around = _head_around(page_text, body_text, self._body_head(HEAD_LINES), HEAD_LINES)
        if around is None:
            around = head_lines(page_text[:PAGE_HEAD_CHARS], HEAD_LINES)
        return around

    def _head_walked(self) -> list[str] | None:
        """:meth:`_read_head` from a walk of the block's first elements, before its text is
        read: no further than the page's first lines need (the tables of a report after its
        first lines stay unwalked); None where the head needs the whole text.

        The head is the first lines of the page's text cut at :data:`PAGE_HEAD_CHARS`; when
        the block is a part of the page and the two together are no longer than that (the
        block's length bounded from the page's source, or else walked), the lines of the
        text before the block and then the block's first lines."""
        article = self._article
        if article is None or self._body is not None:
            return None
        if self._nodes is None:  # the page is the block
            walk = _first_lines(text_forwards(article), HEAD_LINES, PAGE_HEAD_CHARS)
            if walk.whole is not None:
                self._body, self._article = walk.whole, None
            return walk.lines
        if self._source is None:
            return None
        root, _ = self._nodes
        before = text_before(root, article)
        room = PAGE_HEAD_CHARS - len(before)
        if self._most_body_chars() > room:  # walked: when longer, the head is the page's
            walk = _first_lines(text_forwards(article), 0, room + 1)
            if walk.whole is None:
                self._nodes = None
                return _first_lines(text_forwards(root), HEAD_LINES, PAGE_HEAD_CHARS).lines
            self._body, self._article = walk.whole, None
            return None
        lines = normalize_lines(before, HEAD_LINES + 1)
        walk = _first_lines(text_forwards(article), HEAD_LINES + 1 - len(lines), room + 1)
        if before and before[-1] != "\n" and walk.first != "\n":
            return None  # a line runs from the text before the block into it
        lines.extend(walk.lines)
        if len(lines) <= HEAD_LINES:
            return None
        self._nodes = None
        if walk.whole is not None:
            self._body, self._article = walk.whole, None
        return lines[:HEAD_LINES]


class _FirstLines:
    """The first lines of a text read in pieces (:func:`_first_lines`): ``lines``, its first
    character (``first``) and, when the pieces were all read, the whole text (``whole``)."""

    __slots__ = ("first", "lines", "whole")

    def __init__(self, lines: list[str], first: str, whole: str | None) -> None:
        self.lines, self.first, self.whole = lines, first, whole


def _first_lines(pieces: Iterator[str], limit: int, most: int) -> _FirstLines:
    """``head_lines(text[:most], limit)`` of the text the ``pieces`` make, reading no more of
    them than it needs: the lines before the last line feed read so far are the text's
    lines (NFKC never works across a line feed), so once ``limit`` of them are made the
    rest is left unread. With ``limit`` 0, the pieces are read up to ``most`` characters."""
    out: list[str] = []
    parts: list[str] = []
    tail, first = "", None
    length = done = feeds = 0  # (characters read; of them, normalized; line feeds not yet)
    for piece in pieces:
        if first is None and piece:
            first = piece[0]
        parts.append(piece)
        length += len(piece)
        if length >= most:
            text = tail + "".join(parts)
            out.extend(head_lines(text[: most - done], limit - len(out)))
            return _FirstLines(out[:limit], first or "", None)
        feeds += piece.count("\n")
        if limit and feeds > limit - len(out):
            text = tail + "".join(parts)
            parts.clear()
            cut = text.rfind("\n")
            out.extend(normalize_lines(text[:cut], limit - len(out)))
            if len(out) >= limit:
                return _FirstLines(out, first or "", None)
            tail, done, feeds = text[cut:], done + cut, 1
    text = tail + "".join(parts)
    out.extend(head_lines(text, limit - len(out)))
    whole = None if done else text
    return _FirstLines(out[:limit], first or "", whole)


def _last_lines(text: str, lines: int, chars: int) -> str | None:
    """The end of ``text`` from the line feed before its last ``lines`` lines that are not
    blank, normalized (a cut of it as :meth:`ReportLines.text_end` gives: the sign-off's
    lines, without normalizing the table cells before them), when it makes ``lines`` lines
    and more than ``chars`` characters; None otherwise (``text`` may be the text's end)."""
    cut, seen = len(text), 0
    while seen < lines:
        start = text.rfind("\n", 0, cut)
        if start < 0:
            return None
        if start + 1 < cut and not text[start + 1 : cut].isspace():
            seen += 1
        cut = start
    found = normalize_lines(text[cut:])
    if len(found) >= lines:
        end = "\n".join(found)
        if len(end) > chars:
            return end
    return None


def _lines_opened(piece: str) -> int:
    """The lines that are not blank among those a line feed of ``piece`` opens (no more than
    such lines of any text that ends with ``piece``: a line the next piece goes on with is
    counted only when its part here is not blank)."""
    return sum(1 for line in piece.split("\n")[1:] if line and not line.isspace())


WHOLE_FOR_HEAD = 16_384
"""Characters of a report block's text up to which its lines are all normalized when the
page's first lines are asked for."""


def _head_before(
    root: LexborNode, article: LexborNode, body_text: str, body_lines: list[str]
) -> list[str] | None:
    """The page's first lines from the text before the report block and the block's lines,
    when a line feed parts the two and they hold more lines than the head (so that its last
    line is whole, whatever follows the block); None otherwise."""
    if len(body_text) > MAX_TEXT_CHARS:
        return None
    before = text_before(root, article)
    if len(before) + len(body_text) > PAGE_HEAD_CHARS:
        return None
    if before and before[-1] != "\n" and body_text[:1] != "\n":
        return None  # a line runs from the text before the block into it
    lines = normalize_lines(before, HEAD_LINES + 1)
    lines.extend(body_lines[: HEAD_LINES + 1 - len(lines)])
    return lines[:HEAD_LINES] if len(lines) > HEAD_LINES else None


def text_before(root: LexborNode, node: LexborNode) -> str:
    """The text of ``root`` before ``node`` (one of its descendants): the text of the elements
    and text before it at each level up to ``root``, outermost first."""
    parts: list[str] = []
    current: LexborNode | None = node
    wanted = root.mem_id
    while current is not None and current.mem_id != wanted:
        if current.tag_id in BLOCK_TAG_IDS:
            parts.append("\n")  # (the line feed before it)
        sibling = current.prev
        while sibling is not None:
            parts.append(outer_text(sibling))
            sibling = sibling.prev
        current = current.parent
    parts.reverse()
    return "".join(parts)


def head_lines(text: str, limit: int) -> list[str]:
    """``normalize_lines(text, limit)``, normalizing no more of ``text`` than its first
    ``limit`` lines need (the page's head lines are a few hundred characters of thousands).

    The text is normalized in pieces cut at line feeds, each twice the one before: NFKC never
    works across a line feed, so the lines are the ones the whole text gives."""
    out: list[str] = []
    start, size, end_of_text = 0, 2048, len(text)
    while start < end_of_text and len(out) < limit:
        end = text.find("\n", start + size)
        if end < 0:
            end = end_of_text
        out.extend(normalize_lines(text[start:end], limit - len(out)))
        start, size = end, size * 2
    return out


def _head_around(
    page_text: str, body_text: str, body_lines: list[str], limit: int
) -> list[str] | None:
    """``head_lines(page_text, limit)`` from the lines of the report's block (``body_lines``,
    those of ``body_text``) and of the text around it, when the block's text stands in the
    page's text on lines of its own; None otherwise.

    The block's text is a piece of the page's text: where the page's text has a line feed
    just before it and just after it, the page's lines are the lines before it, the block's
    and the lines after it (NFKC never works across a line feed), so only the text before
    it (a page's header and navigation: a few hundred characters) is normalized again."""
    if len(page_text) > PAGE_HEAD_CHARS or len(body_text) > MAX_TEXT_CHARS:
        return None
    start = page_text.find(body_text) if body_text is not page_text else -1
    end = start + len(body_text)
    if start < 0 or (start and page_text[start - 1] != "\n"):
        return None
    if end < len(page_text) and page_text[end] != "\n":
        return None
    lines = normalize_lines(page_text[:start], limit)
    lines.extend(body_lines[: limit - len(lines)])
    if len(lines) < limit:
        lines.extend(normalize_lines(page_text[end:], limit - len(lines)))
    return lines
