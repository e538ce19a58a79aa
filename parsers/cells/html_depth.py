"""Bounded nesting for HTML: tags nested deeper than any real page are dropped before parsing.

An HTML5 tree builder checks, at many start and end tags, whether an element is "in scope" by
walking its stack of open elements; on a page of 20,000 nested ``<div>``s every tag walks
thousands of them, and parsing turns quadratic (lexbor needs minutes for 100,000 levels,
inside one C call nothing can interrupt). Real report pages nest a few dozen levels.

So a page with many start tags is first scanned with a small model of the tree builder's stack
(void elements, the end tags it implies for ``<p>``, ``<li>``, table cells …, end tags that only
close what is in scope). A start tag that would open an element deeper than :data:`MAX_DEPTH`
is dropped, with its end tag; its text stays where it is, in the enclosing element. Table
structure (``table``, ``tr``, ``td`` …) is kept for :data:`TABLE_HEADROOM` levels more, so a
report's tables at the bottom of a deep wrapper still read as tables. Pages with fewer start
tags than :data:`SCAN_FROM` are never scanned: the parser's worst case on them is small, and a
normal page costs nothing here.
"""

from __future__ import annotations

import re
from typing import overload

MAX_DEPTH = 256
"""Elements open at once beyond which a start tag is dropped (real pages: a few dozen)."""
TABLE_HEADROOM = 64
"""Further levels granted to table structure, so the tables of a deeply wrapped report stay."""
SCAN_FROM = 4000
"""Pages with at most this many start tags are parsed as they are (worst case: tens of ms)."""

_VOID = frozenset(
    b"area base br col embed hr img input link meta param source track wbr basefont bgsound "
    b"frame keygen image command".split()
)
_IGNORED = frozenset(b"html head body".split())  # never pushed: the builder has one of each
_TABLE = frozenset(b"table caption colgroup thead tbody tfoot tr td th".split())
# Elements that stop the search for an element "in scope" (the default scope and button scope).
_SCOPE: tuple[bytes, ...] = (
    b"applet",
    b"caption",
    b"html",
    b"table",
    b"td",
    b"th",
    b"marquee",
    b"object",
)
_SCOPE += (b"template", b"button")
# The spec's "special" elements other than address, div and p: one of them above an open
# <li> (say) means a new <li> does not close it, and an end tag of an ordinary element
# does not close past it.
_BLOCKERS = frozenset(
    b"applet area article aside base basefont bgsound blockquote body br button caption center "
    b"col colgroup dd details dir dl dt embed fieldset figcaption figure footer form frame "
    b"frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link "
    b"listing main marquee menu meta nav noembed noframes noscript object ol param plaintext "
    b"pre script search section select source style summary table tbody td template textarea "
    b"tfoot th thead title tr track ul wbr xmp".split()
)
_SPECIAL = _BLOCKERS | {b"address", b"div", b"p"}
# A start tag of one of these closes an open <p> in button scope.
_CLOSES_P = frozenset(
    b"address article aside blockquote center details dialog dir div dl fieldset figcaption "
    b"figure footer header hgroup main menu nav ol p section summary ul h1 h2 h3 h4 h5 h6 pre "
    b"listing form hr li dd dt plaintext xmp table".split()
)
# A start tag of a list item closes the nearest open one unless a blocker lies above it.
_LIST_ITEMS = {b"li": (b"li",), b"dd": (b"dd", b"dt"), b"dt": (b"dd", b"dt")}
# A start tag of a table part closes the parts open inside the current table.
_TABLE_PARTS = {
    b"td": (b"td", b"th"),
    b"th": (b"td", b"th"),
    b"tr": (b"tr", b"td", b"th"),
    b"tbody": (b"tbody", b"thead", b"tfoot", b"tr", b"td", b"th"),
    b"thead": (b"tbody", b"thead", b"tfoot", b"tr", b"td", b"th"),
    b"tfoot": (b"tbody", b"thead", b"tfoot", b"tr", b"td", b"th"),
}

# A tag, ``<name …>`` or ``</name …>``, or a whole element whose content holds no tags
# (<script> … </script>: the parser reads it as text). ``[^<>]*`` stops at the next ``<``, so a
# ``<`` that never closes costs only the text up to the next one: linear in the page.
_RAW = b"script|style|textarea|title|xmp|iframe|noembed|noframes"
_TAG = re.compile(
    rb"<(?:(" + _RAW + rb")(?=[\s/>])[^<>]*>.*?(?:</\1|\Z)|(/?)([A-Za-z][^\s/<>]*)[^<>]*>)",
    re.I | re.S,
)


@overload
def limit_depth(html: bytes, tags: int | None = None) -> tuple[bytes, int]: ...
@overload
def limit_depth(html: str, tags: int | None = None) -> tuple[str, int]: ...


def limit_depth(html: str | bytes, tags: int | None = None) -> tuple[str | bytes, int]:
    """The page with start tags nested beyond :data:`MAX_DEPTH` dropped (with their end tags),
    and how many tags were dropped (0: the page is returned as it is). ``tags``: the page's
    ``<`` (:func:`count_tags`), when the caller counted them (no more start tags than these)."""
    if tags is not None and tags <= SCAN_FROM:
        return html, 0
    if isinstance(html, str):
        if html.count("<") <= SCAN_FROM or html.count("<") - html.count("</") <= SCAN_FROM:
            return html, 0
        data = html.encode("utf-8", errors="surrogatepass")
        cuts = _cuts(data) if _may_be_deep(data) else []
        if not cuts:
            return html, 0
        return _without(data, cuts).decode("utf-8", errors="surrogatepass"), len(cuts)
    if len(html) <= SCAN_FROM or _start_tags_at_most(html, SCAN_FROM) or not _may_be_deep(html):
        return html, 0  # (most pages stop at the count)
    cuts = _cuts(html)
    return (_without(html, cuts), len(cuts)) if cuts else (html, 0)


def count_tags(source: str | bytes) -> int:
    """The ``<`` of a page's source (no more tags than these): counted with numpy, a few
    times quicker than ``bytes.count`` (which loops over the bytes one by one)."""
    if isinstance(source, str):
        return source.count("<")
    import numpy  # (see _start_tags_at_most)

    return int(numpy.count_nonzero(numpy.frombuffer(source, dtype=numpy.uint8) == _LT))


def _start_tags_at_most(data: bytes, limit: int) -> bool:
    """Whether ``data`` holds at most ``limit`` ``<`` not followed by ``/`` (start tags, and a
    few others). Counted with numpy: ``bytes.count`` loops over the bytes one by one (about four
    times as long on a report page), and is slower still for the two-byte ``</``."""
    import numpy  # (imported by the first page longer than the limit; parse workers have it
    # from parsers.warm, so that each new worker does not import it again)

    chars = numpy.frombuffer(data, dtype=numpy.uint8)
    opens = chars == _LT
    tags = int(numpy.count_nonzero(opens))
    if tags <= limit:
        return True
    ends = numpy.count_nonzero(opens[:-1] & (chars[1:] == _SLASH))
    return tags - int(ends) <= limit


_LT, _SLASH = ord("<"), ord("/")
_VOID_START = re.compile(rb"<(?:" + b"|".join(sorted(_VOID)) + rb")(?=[\s/>])", re.I)
_EVENTS = bytes.maketrans(b"<\x01", b"\x02\x00")  # start tag: +2, end tag: 0 (less 1 a tag)
_NOT_EVENTS = bytes(b for b in range(256) if b not in b"<\x01")


def _may_be_deep(data: bytes) -> bool:
    """Whether start tags less end tags ever exceed :data:`MAX_DEPTH` at some point of the
    page: when they never do, no element can be that deep, whatever the tags. Counted in a few
    passes of C over the bytes, first taking every ``<`` but ``</`` and ``<!`` for a start tag,
    then (only when that count is high) leaving out void elements (``<br>``, ``<img>`` …)."""
    data = data.translate(None, b"\x01").replace(b"<!", b"")
    return _deepest(data) > MAX_DEPTH and _deepest(_VOID_START.sub(b"", data)) > MAX_DEPTH


def _deepest(data: bytes) -> int:
    """The most start tags less end tags over the prefixes of ``data``."""
    steps = data.replace(b"</", b"\x01").translate(_EVENTS, _NOT_EVENTS)
    if not steps:
        return 0
    import numpy  # a running sum over a million tags: C, not a Python loop

    # 2 × (start tags so far) − (tags so far) = start tags − end tags so far
    balance = numpy.cumsum(numpy.frombuffer(steps, dtype=numpy.uint8), dtype=numpy.int64)
    balance -= numpy.arange(1, len(steps) + 1, dtype=numpy.int64)
    return int(balance.max())


def _without(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    parts = []
    at = 0
    for start, end in cuts:
        parts.append(data[at:start])
        at = end
    parts.append(data[at:])
    return b"".join(parts)


class _Stack:
    """The model of the open elements: names, and for each name where it is open."""

    def __init__(self) -> None:
        self.names: list[bytes] = []
        self.where: dict[bytes, list[int]] = {}  # name → its positions, innermost last
        self.blockers: list[int] = []  # positions of the open blockers

    def push(self, name: bytes) -> None:
        depth = len(self.names)
        self.where.setdefault(name, []).append(depth)
        if name in _BLOCKERS:
            self.blockers.append(depth)
        self.names.append(name)

    def pop_to(self, position: int) -> None:
        """Close the element at ``position`` and everything opened inside it."""
        names, where, blockers = self.names, self.where, self.blockers
        while len(names) > position:
            where[names.pop()].pop()
        while blockers and blockers[-1] >= position:
            blockers.pop()

    def last(self, names) -> int:
        """Position of the innermost open element among ``names`` (-1: none)."""
        best = -1
        for name in names:
            found = self.where.get(name)
            if found and found[-1] > best:
                best = found[-1]
        return best

    def in_scope(self, names, bounds) -> int:
        """Position of the innermost of ``names`` when no element of ``bounds`` is open inside
        it (-1 otherwise)."""
        at = self.last(names)
        if at >= 0 and self.last(bounds) > at:
            return -1
        return at


def _cuts(data: bytes) -> list[tuple[int, int]]:
    """Spans of the tags to drop, in order."""
    stack = _Stack()
    names = stack.names
    dropped: dict[bytes, int] = {}  # start tags dropped, per name, whose end tag is pending
    cuts: list[tuple[int, int]] = []
    for match in _TAG.finditer(data):
        raw, end, name = match.groups()
        if raw is not None:
            continue  # <script> … </script>: no tags inside, nothing opened
        name = name.lower()
        if end:
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append(match.span())
            else:
                _end_tag(stack, name)
            continue
        if name in _IGNORED:
            continue
        if name in _IMPLYING:
            _implied_ends(stack, name)
        if name in _VOID:
            continue
        if name in _ROW_PARTS:
            _implied_starts(stack, name)
        depth = len(names)
        if depth >= MAX_DEPTH and (name not in _TABLE or depth >= MAX_DEPTH + TABLE_HEADROOM):
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append(match.span())
            continue
        stack.push(name)
    return cuts


_IMPLYING = _CLOSES_P | _LIST_ITEMS.keys() | _TABLE_PARTS.keys() | {b"option", b"optgroup"}


def _implied_ends(stack: _Stack, name: bytes) -> None:
    """Close what a start tag closes by itself (an open <p>, the previous <li> or <td> …)."""
    if name in _CLOSES_P:
        at = stack.in_scope((b"p",), _SCOPE)
        if at >= 0:
            stack.pop_to(at)
    items = _LIST_ITEMS.get(name)
    if items is not None and stack.blockers:
        at = stack.blockers[-1]
        if stack.names[at] in items:
            stack.pop_to(at)
    parts = _TABLE_PARTS.get(name)
    if parts is not None:
        at = stack.in_scope(parts, (b"table",))
        if at >= 0:
            stack.pop_to(at)
    if name in (b"option", b"optgroup") and stack.names and stack.names[-1] == b"option":
        stack.pop_to(len(stack.names) - 1)


_ROW_PARTS = frozenset((b"tr", b"td", b"th"))


def _implied_starts(stack: _Stack, name: bytes) -> None:
    """The row group (and row) a table cell or row opens when its table has none open: the
    parser inserts them, one level deeper each."""
    if stack.last((b"table",)) < 0:
        return
    if stack.in_scope((b"tbody", b"thead", b"tfoot"), (b"table",)) < 0:
        stack.push(b"tbody")
    if name != b"tr" and stack.in_scope((b"tr",), (b"table",)) < 0:
        stack.push(b"tr")


def _end_tag(stack: _Stack, name: bytes) -> None:
    """Close what an end tag closes; one that closes nothing is ignored, as the parser does."""
    if name in _TABLE:
        at = stack.last((name,)) if name == b"table" else stack.in_scope((name,), (b"table",))
    elif name in _SPECIAL:
        bounds = _SCOPE + (b"ol", b"ul") if name == b"li" else _SCOPE
        at = stack.in_scope((name,), bounds)
    else:  # an ordinary element closes only when no special element is open inside it
        at = stack.last((name,))
        if at >= 0 and stack.blockers and stack.blockers[-1] > at:
            at = -1
    if at >= 0:
        stack.pop_to(at)
