"""PDF glyphs → text lines and gap-separated segments, with CJK-aware spacing.

PDFium gives every glyph with its box (:mod:`parsers.cells.pdfium`). Everything the PDF source
needs is built from those boxes: lines (glyphs sharing a baseline band), segments (runs of a
line separated by a gap wide enough to be a column gap), the text of a table cell (its lines
joined), and the running headers and page numbers to leave out. Spacing follows the script: Chinese text is
justified by spreading glyphs, so a gap between two Chinese characters is not a space unless it
is wide; between Latin letters or digits a quarter of an em already is.

The functions take plain glyph dicts (``text, x0, x1, top, bottom``) so they are testable
without a PDF.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
Glyph = dict  # text, x0, x1, top, bottom (points, top-left origin), as pdfplumber names them

# A segment boundary: a gap of this many ems between two glyphs of a line (Chinese text has
# no spaces, so two adjacent Chinese cells part at a smaller gap than Latin words or numbers).
SEGMENT_GAP = 1.2
SEGMENT_GAP_CJK = 0.6


def is_cjk(ch: str) -> bool:
    """Chinese characters and full-width punctuation (spacing there carries no meaning)."""
    if not ch:
        return False
    o = ord(ch[0])
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, punctuation, kana, CJK unified
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x2FA1F
        or ch in "“”‘’—…·"
    )


def _em(a: Glyph, b: Glyph) -> float:
    return max(a["bottom"] - a["top"], b["bottom"] - b["top"], 1.0)


def space_between(a: Glyph, b: Glyph) -> bool:
    """Whether the gap between two neighbouring glyphs of a line reads as a space."""
    gap = b["x0"] - a["x1"]
    em = _em(a, b)
    ca, cb = is_cjk(a["text"][-1:]), is_cjk(b["text"][:1])
    if ca and cb:
        return gap > 1.0 * em
    if ca or cb:
        return gap > 0.6 * em
    return gap > 0.2 * em


@dataclass
class Segment:
    """A run of glyphs on one line with no column-sized gap inside."""

    glyphs: list[Glyph]
    text: str = ""

    @property
    def x0(self) -> float:
        return self.glyphs[0]["x0"]

    @property
    def x1(self) -> float:
        return self.glyphs[-1]["x1"]

    @property
    def top(self) -> float:
        return min(g["top"] for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g["bottom"] for g in self.glyphs)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


class _Once(Generic[T]):
    """A value worked out on first read and kept in the instance (``functools.cached_property``
    without the lock it takes on every first read before Python 3.12: a page makes hundreds of
    lines and reads each of these once or twice)."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Once[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> T | _Once[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


@dataclass
class Line:
    """Glyphs sharing a baseline band, left to right.

    Its text is joined when it is made, its extent and size on first use (a line is read many
    times over: furniture, margins, reflow, unruled tables, reading order); its glyphs and
    segments are not changed once it is made."""

    glyphs: list[Glyph]
    segments: list[Segment] = field(default_factory=list)
    page: int = 0
    text: str = field(init=False)  # the segments' texts, a space between two

    def __post_init__(self) -> None:
        self.text = " ".join(s.text for s in self.segments)

    @property
    def x0(self) -> float:
        return self.glyphs[0]["x0"]

    @_Once
    def x1(self) -> float:
        return max(g["x1"] for g in self.glyphs)

    @_Once
    def top(self) -> float:
        return min(g["top"] for g in self.glyphs)

    @_Once
    def bottom(self) -> float:
        return max(g["bottom"] for g in self.glyphs)

    @_Once
    def size(self) -> float:
        heights = sorted(g["bottom"] - g["top"] for g in self.glyphs)
        return heights[len(heights) // 2]


def _visible(glyphs: Iterable[Glyph]) -> list[Glyph]:
    return [g for g in glyphs if g["text"] and not g["text"].isspace() and g["x1"] > g["x0"] - 0.01]


_TOP_LEFT = itemgetter("top", "x0")
_LEFT = itemgetter("x0")


def group_lines(glyphs: Iterable[Glyph], *, page: int = 0) -> list[Line]:
    """Cluster glyphs into lines by vertical overlap, top to bottom; spaces are dropped (the
    geometry says where the gaps are) and glyphs drawn twice (fake bold) are kept once."""
    lines: list[list[Glyph]] = []
    current: list[Glyph] = []
    band_top = band_bottom = 0.0
    for g in sorted(_visible(glyphs), key=_TOP_LEFT):
        top, bottom = g["top"], g["bottom"]
        if current and band_top <= (top + bottom) / 2 <= band_bottom:
            current.append(g)
            reach = band_top + 2 * (bottom - top)
            reach = reach if reach < bottom else bottom
            if reach > band_bottom:
                band_bottom = reach
            continue
        current = [g]
        lines.append(current)
        band_top, band_bottom = top, bottom
    out = []
    for glyph_list in lines:
        glyph_list.sort(key=_LEFT)
        last = glyph_list[0]
        kept = [last]
        for g in glyph_list[1:]:
            if (
                g["text"] == last["text"]
                and abs(g["x0"] - last["x0"]) < 1.0
                and abs(g["top"] - last["top"]) < 1.0
            ):
                continue
            kept.append(g)
            last = g
        out.append(Line(kept, split_segments(kept), page))
    return out


def split_segments(glyphs: Sequence[Glyph], gap: float = SEGMENT_GAP) -> list[Segment]:
    """Split a line's glyphs where the gap is at least ``gap`` ems; each segment gets its text
    (as :func:`join_glyphs` writes it).

    (One pass: every glyph's script and height are looked up once, and the same gap that
    decides a segment boundary decides a space inside a segment — this runs for every line and
    every table cell of every page.)"""
    segments: list[Segment] = []
    current: list[Glyph] = []
    parts: list[str] = []
    cjk_gap = min(gap, SEGMENT_GAP_CJK)
    last_x1 = 0.0
    last_cjk = False
    last_height = 0.0
    for g in glyphs:
        text = g["text"]
        height = g["bottom"] - g["top"]
        first_cjk = _cjk(text[:1])
        if current:
            both = last_cjk and first_cjk
            space = g["x0"] - last_x1
            em = max(last_height, height, 1.0)
            if space >= (cjk_gap if both else gap) * em:
                segments.append(Segment(current, "".join(parts)))
                current, parts = [], []
            elif both:
                if space > 1.0 * em:
                    parts.append(" ")
            elif space > (0.6 if last_cjk or first_cjk else 0.2) * em:
                parts.append(" ")
        current.append(g)
        parts.append(text)
        last_x1, last_height = g["x1"], height
        last_cjk = first_cjk if len(text) == 1 else _cjk(text[-1:])
    if current:
        segments.append(Segment(current, "".join(parts)))
    return segments


def join_glyphs(glyphs: Sequence[Glyph]) -> str:
    """The text of a run of glyphs on one line, with spaces where the gaps read as spaces
    (:func:`space_between`)."""
    parts: list[str] = []
    prev: Glyph | None = None
    prev_cjk = False
    prev_height = 0.0
    for g in glyphs:
        text = g["text"]
        height = g["bottom"] - g["top"]
        if prev is not None:
            gap = g["x0"] - prev["x1"]
            em = max(prev_height, height, 1.0)
            cjk = _cjk(text[:1])
            if prev_cjk and cjk:
                space = gap > 1.0 * em
            elif prev_cjk or cjk:
                space = gap > 0.6 * em
            else:
                space = gap > 0.2 * em
            if space:
                parts.append(" ")
        parts.append(text)
        prev, prev_cjk, prev_height = g, _cjk(text[-1:]), height
    return "".join(parts)


_CJK: dict[str, bool] = {}


def _cjk(ch: str) -> bool:
    """:func:`is_cjk` of one character, remembered (a page repeats a few hundred)."""
    found = _CJK.get(ch)
    if found is None:
        if len(_CJK) > 65536:  # a hostile file's every code point: start over
            _CJK.clear()
        found = _CJK[ch] = is_cjk(ch)
    return found


def join_lines(texts: Sequence[str]) -> str:
    """Join the lines of one block (a table cell, a paragraph): no separator, except a space
    between two Latin letters (a wrapped English word boundary). Digits wrapped inside a cell
    (``41`` / ``19``) join into one number."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if (
            out
            and out[-1].isascii()
            and out[-1].isalpha()
            and text[0].isascii()
            and text[0].isalpha()
        ):
            out += " "
        out += text
    return out


# --------------------------------------------------------------------------------------------
# Page furniture: page numbers and running headers/footers
# --------------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:"
    r"[-—–－_~·•\s]*\d{1,4}[-—–－_~·•\s]*"  # — 3 —, - 3 -, 3
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 / 第3页 共9页
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/9
    r"|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r")$",
    re.I,
)
# Margins of the page (fractions of its height) where page furniture lives.
TOP_BAND = 0.09
BOTTOM_BAND = 0.12


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(unicodedata.normalize("NFKC", text).strip()))


def furniture_key(text: str) -> str:
    """A running header/footer compared across pages: digits blanked, spaces dropped."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def find_furniture(pages: Sequence[tuple[float, Sequence[Line]]]) -> set[tuple[int, int]]:
    """(page, line index) of page numbers and running headers/footers.

    A line counts when it sits in the top or bottom band of its page and either reads as a
    page number or repeats (digits aside) in the same band on at least half the pages (and on
    two or more).
    """
    out: set[tuple[int, int]] = set()
    repeated: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for p, (height, lines) in enumerate(pages):
        for i, line in enumerate(lines):
            if line.bottom > height * (1 - BOTTOM_BAND):
                band = "bottom"
            elif line.top < height * TOP_BAND:
                band = "top"
            else:
                continue
            if is_page_number(line.text):
                out.add((p, i))
                continue
            repeated.setdefault((band, furniture_key(line.text)), []).append((p, i))
    need = max(2, (len(pages) + 1) // 2)
    for spots in repeated.values():
        if len({p for p, _ in spots}) >= need:
            out.update(spots)
    return out


# --------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------


def margins(lines: Sequence[Line]) -> tuple[float, float]:
    """The body's left and right edges: the most common line start and a high line end."""
    if not lines:
        return 0.0, 0.0
    starts = Counter(round(line.x0) for line in lines)
    left = float(starts.most_common(1)[0][0])
    ends = sorted(line.x1 for line in lines)
    right = ends[int(len(ends) * 0.9)] if len(ends) > 1 else ends[0]
    return left, right


def reflow(lines: Sequence[Line], left: float, right: float) -> list[str]:
    """Join wrapped lines back into paragraphs (one output line per paragraph).

    A line continues the previous one when the previous reached the right edge (within two
    ems) and this one starts at the left edge (no first-line indent, not centred). Headings,
    indented paragraph starts and short last lines therefore keep their own lines.
    """
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        text = line.text
        em = line.size
        if (
            prev is not None
            and out
            and prev.x1 >= right - 2 * em
            and abs(line.x0 - left) <= 0.6 * em
            and abs(line.size - prev.size) <= 0.25 * em
        ):
            out[-1] = join_lines([out[-1], text])
        else:
            out.append(text)
        prev = line
    return out
