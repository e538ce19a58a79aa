"""The text of a page's elements with its line structure: a line feed before every block element.

The parser's own text of an element joins its text nodes, so the text of ``<p>a</p><p>b</p>``
reads ``ab``. A reader of report pages needs the lines a browser shows (``a`` and ``b``), and a
table cell of two paragraphs (``<td><p>本年</p><p>新收</p></td>``) the two words apart. This
module reads that text from the page's tree as the parser built it: a walk of an element's
nodes that puts a line feed before each block element (:data:`BLOCK_TAGS`). It gives the lines
that a line feed written into the source before every block tag gives (what the reader did
before), without rewriting the page and without the thousands of extra text nodes the parser
then builds; the walk is made only for what a record reads (a few table cells, the report's
text), where the rewriting cost every page its whole length.

Where the two differ, the walk follows the tree, which is what a browser shows:

- a block element the parser makes without a tag in the source (the ``<tbody>`` of a table
  written without one, the empty ``<p>`` of a stray ``</p>``, the ``<br>`` of ``</br>``) starts
  a line too;
- text that only looks like a tag (inside a ``<title>``, an attribute value or a comment) is
  read as written, not broken before its ``<p``;
- a line feed written before a tag is moved by the parser with the text around it (text
  directly in a ``<tr>`` goes before the table; the first line feed inside a ``<pre>`` is
  dropped), while the walk breaks the line where the element is.

Only the first changes the text of a page that a source without those oddities gives, and only
by adding a line feed next to another one: the lines are the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.cells.html_marks import BLOCK_TAGS

_TABLE_PARTS = {"td", "tr", "th", "thead", "tbody", "tfoot", "caption"}


def _tag_id(tag: str) -> int:
    page = f"<table><{tag}></{tag}></table>" if tag in _TABLE_PARTS else f"<{tag}></{tag}>"
    node = LexborHTMLParser(page).css_first(tag)
    assert node is not None
    return node.tag_id


BLOCK_TAG_IDS = frozenset(_tag_id(tag) for tag in BLOCK_TAGS)
"""The parser's ids of the block tags (an element's ``tag_id``, compared as a number)."""
_TEXT_NODE = LexborHTMLParser("<p>x</p>").css_first("p").child.tag_id  # type: ignore[union-attr]


def block_text(node: LexborNode) -> str:
    """The text of ``node``'s content with a line feed before each block element inside it
    (the line feed before ``node`` itself lies outside it: see :func:`outer_text`)."""
    parts: list[str] = []
    append = parts.append
    blocks, text_node = BLOCK_TAG_IDS, _TEXT_NODE
    walk = node.traverse(include_text=True)
    next(walk, None)  # (the node itself)
    for found in walk:
        tag = found.tag_id
        if tag == text_node:
            append(found.text_content)  # type: ignore[arg-type]
        elif tag in blocks:
            append("\n")
    return "".join(parts)


def text_forwards(node: LexborNode, blocks_per_piece: int = 64) -> Iterator[str]:
    """The text of :func:`block_text` of ``node`` in pieces, from its start on (joined, the
    whole text): a reader of the text's first lines stops the walk once it holds them,
    leaving the rest (a report's tables) unwalked. A piece ends before every
    ``blocks_per_piece``-th block element."""
    parts: list[str] = []
    append = parts.append
    blocks, text_node = BLOCK_TAG_IDS, _TEXT_NODE
    walk = node.traverse(include_text=True)
    next(walk, None)  # (the node itself)
    seen = 0
    for found in walk:
        tag = found.tag_id
        if tag == text_node:
            append(found.text_content)  # type: ignore[arg-type]
        elif tag in blocks:
            seen += 1
            if seen >= blocks_per_piece:
                yield "".join(parts)
                parts.clear()
                seen = 0
            append("\n")
    if parts:
        yield "".join(parts)


def text_backwards(node: LexborNode) -> Iterator[str]:
    """The pieces of :func:`block_text` of ``node``, from its end back to its start (joined in
    the reverse order, the whole text): a reader of the text's last lines walks only the
    last elements. A container (a ``<div>``, a table, a list …) is gone into, from its last
    child back; an element that holds a few lines (a paragraph, a table row, a list item) is
    read whole, forwards, in one walk (quicker than stepping back through its nodes)."""
    blocks, whole, text_node = BLOCK_TAG_IDS, _READ_WHOLE, _TEXT_NODE
    inside: list[tuple[LexborNode, int]] = []  # (the containers gone into, and their tags)
    child = node.last_child
    while True:
        while child is None:  # out of a container: its line feed, then what is before it
            if not inside:
                return
            container, tag = inside.pop()
            if tag in blocks:
                yield "\n"
            child = container.prev
        tag = child.tag_id
        if tag == text_node:
            yield child.text_content or ""
        elif tag in whole:
            yield outer_text(child)
        else:
            last = child.last_child
            if last is not None:
                inside.append((child, tag))
                child = last
                continue
            if tag in blocks:
                yield "\n"
        child = child.prev


_READ_WHOLE = frozenset(
    _tag_id(tag)
    for tag in ("p", "tr", "li", "dd", "dt", "td", "th", "pre", "caption", "br", "hr")
    + ("h1", "h2", "h3", "h4", "h5", "h6")
)
"""Elements :func:`text_backwards` reads whole: each holds a line or a few."""


def outer_text(node: LexborNode) -> str:
    """:func:`block_text` of ``node`` with the line feed before it when it is a block element,
    or the text of a text node (what ``node`` adds to the text of the element holding it)."""
    tag = node.tag_id
    if tag == _TEXT_NODE:
        return node.text_content or ""
    text = _lone_text(node)
    if text is None:
        text = block_text(node)
    return "\n" + text if tag in BLOCK_TAG_IDS else text


def _lone_text(node: LexborNode) -> str | None:
    """The text of an element that holds one text node, or one inline element holding one
    (``<p>text</p>``, ``<p><span>text</span></p>``): read without a walk; None for others."""
    child = node.child
    if child is None or child.next is not None:
        return None
    tag = child.tag_id
    if tag == _TEXT_NODE:
        return child.text_content or ""
    if tag in BLOCK_TAG_IDS:
        return None
    child = child.child
    if child is None or child.next is not None or child.tag_id != _TEXT_NODE:
        return None
    return child.text_content or ""


_JUNCTION = re.compile(r"[^\s\x00]\x00+[^\s\x00]")
"""Two text nodes meeting with no space between them (in a text joined by ``\\x00``): only
there can a block element starting between them change a cell's normalized text."""


def cell_texts(table: LexborNode, cells: list[LexborNode]) -> list[str]:
    """The text of each of ``table``'s cells (``cells``, the table holding no other table), as
    :func:`block_text` gives it once normalized (whitespace collapsed): a block element inside
    a cell (``<td>1<br>2</td>``, ``<td><p>a</p><p>b</p></td>``) parts the text before it from
    the text after it.

    A cell of one text node reads as the parser's own text of it. The table's text nodes,
    joined by ``\\x00`` (one call), say whether every cell with text is one of them; when not
    (a page laid out with spaces between its cells, cells of several runs of text), each
    cell's text nodes are read joined, and only a cell in which two meet with no space
    between them (where a block element may part them) is walked."""
    joined = table.text(separator="\x00")
    if joined.count("\x00") < len(cells):  # (no more text nodes than cells: maybe one each)
        texts = [cell.text_lexbor() for cell in cells]
        if joined == "\x00".join(filter(None, texts)):
            return texts  # (one text node in each cell with text, and no other in the table)
    out = []
    for cell in cells:
        parts = cell.text(separator="\x00")
        if "\x00" in parts:
            parts = block_text(cell) if _JUNCTION.search(parts) else parts.replace("\x00", "")
        out.append(parts)
    return out
