"""A PDF's pages through PDFium (``pypdfium2``): every character with its box, and the paths
drawn on the page, in the shapes the PDF source reads.

PDFium is the PDF engine of Chrome, in C++: opening a document, laying out a page's text and
giving each character's box costs a few milliseconds a page, where pdfminer's layout in
Python costs a hundred. What the source needs from a page is small and is built here:

- **glyphs**: a dict per character, ``text, x0, x1, top, bottom`` (top-left origin, points,
  as pdfplumber gives them), from PDFium's loose character boxes (the advance and the font's
  ascent and descent, not the ink); characters PDFium generates (spaces and line breaks it
  infers) are left out, and a character whose font has no map to Unicode is marked;
- **shapes**: the path objects, form XObjects included, split into subpaths and classified
  as pdfminer does (``line``: two points; ``rect``: an axis-aligned rectangle; ``curve``:
  anything else, with its points), with whether they are stroked or filled and in which
  colour — the PDF source keeps the visible ones as table rulings; a path painted only in
  white (a page background, Word's paragraph shading) is counted as an ``unpainted`` shape,
  without its geometry;
- the document info strings (title, author, dates …).

Opening refuses what cannot be read: a PDF that needs a password raises
:class:`~parsers.unsupported.UnsupportedDocument`, a damaged one ``ParseError``.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.model import ParseError
from parsers.sniff import PASSWORD, PDF, Sniffed
from parsers.unsupported import UnsupportedDocument

Glyph = dict
Shape = dict

# No glyph to read: nothing, PDFium's "no character", and whitespace.
_SKIPPED = frozenset({0, 0xFFFE, 0xFFFF, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x3000})


@dataclass
class PageContent:
    """What one page holds for the PDF source."""

    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)


PDFIUM_LOCK = threading.RLock()
"""Held while a document is open: PDFium is not thread-safe, and a program may parse from
several threads (a web app, a notebook) — one PDF at a time goes through it."""


class PdfFile:
    """An open PDF (a context manager: PDFium's memory is released on leaving it)."""

    def __init__(self, data: bytes) -> None:
        PDFIUM_LOCK.acquire()
        try:
            self._doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            PDFIUM_LOCK.release()
            code = getattr(exc, "err_code", None)
            if code == pdfium_c.FPDF_ERR_PASSWORD:
                raise UnsupportedDocument(Sniffed(PDF, None, PASSWORD)) from exc
            if code == pdfium_c.FPDF_ERR_SECURITY:
                raise UnsupportedDocument(
                    Sniffed(PDF, None, PASSWORD), f"encrypted PDF: {exc}"
                ) from exc
            raise ParseError(f"{_damaged(data)}: {exc}", reason="unreadable") from exc
        except BaseException:
            PDFIUM_LOCK.release()
            raise

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None
            PDFIUM_LOCK.release()

    def __len__(self) -> int:
        return len(self._doc)

    def metadata(self) -> dict[str, str]:
        """The document info strings by their PDF names (Title, Author, CreationDate …).

        Each is read on its own and decoded leniently: an info string that is not valid
        UTF-16 (a lone surrogate from a damaged or mis-encoded title) keeps its readable
        characters, U+FFFD where it breaks, instead of taking the other strings, and the
        document's text, down with it (pypdfium2's own decoding raises)."""
        out: dict[str, str] = {}
        for key in INFO_KEYS:
            try:
                value = _info_string(self._doc, key)
            except pdfium.PdfiumError:
                continue
            if value:
                out[key] = value
        return out

    def pages(self) -> Iterator[tuple[int, PageContent | Exception]]:
        """Each page's content, or the error that made it unreadable (the others still come)."""
        for number in range(len(self._doc)):
            try:
                page = self._doc[number]
            except pdfium.PdfiumError as exc:
                yield number, exc
                continue
            try:
                yield number, read_page(page)
            except Exception as exc:  # one bad page must not lose the others
                yield number, exc
            finally:
                page.close()


INFO_KEYS = (
    "Title",
    "Author",
    "Subject",
    "Keywords",
    "Creator",
    "Producer",
    "CreationDate",
    "ModDate",
)
"""The document info strings PDFium reads."""


def _info_string(doc: pdfium.PdfDocument, key: str) -> str:
    """One document info string, as PDFium gives it (UTF-16LE, ending in a NUL character)."""
    name = (key + "\x00").encode("ascii")
    size = pdfium_c.FPDF_GetMetaText(doc, name, None, 0)
    if size <= 2:  # the NUL alone: absent or empty
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_GetMetaText(doc, name, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def _damaged(data: bytes) -> str:
    """How to name an unreadable PDF: a cut-off download ends without its %%EOF marker."""
    return "PDF is damaged" if b"%%EOF" in data[-1024:] else "PDF is truncated (no %%EOF)"


def read_page(page: pdfium.PdfPage) -> PageContent:
    left, bottom, right, top = page.get_bbox()
    content = PageContent(height=float(top - bottom))
    content.glyphs = _glyphs(page, left, top)
    content.shapes = _shapes(page, left, top, content.height)
    return content


class _Handle(ctypes.c_void_p):
    """A PDFium handle returned as itself: ctypes turns a plain ``c_void_p`` result into an
    int, which an unconverted call would pass as a 32-bit C int."""


def _unchecked(bound, restype):
    """``bound`` (a pypdfium2 binding) as a bare function pointer, with no argument types: a
    call then costs half as much (no conversion of each argument through its declared
    pointer type), so the callers pass handles, ints and ``byref`` pointers as C wants them.
    A page's characters take several calls each, and these calls were most of its reading."""
    fn = type(bound)(ctypes.cast(bound, ctypes.c_void_p).value)
    fn.restype = restype
    return fn


_get_unicode = _unchecked(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_map_error = _unchecked(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int)
_loose_box = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_char_matrix = _unchecked(pdfium_c.FPDFText_GetMatrix, ctypes.c_int)
_font_size = _unchecked(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_char_origin = _unchecked(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)


def _glyphs(page: pdfium.PdfPage, left: float, top: float) -> list[Glyph]:
    textpage = page.get_textpage()
    try:
        raw = ctypes.cast(textpage.raw, ctypes.c_void_p)
        count = pdfium_c.FPDFText_CountChars(textpage.raw)
        box = pdfium_c.FS_RECTF()
        matrix = pdfium_c.FS_MATRIX()
        box_at, matrix_at = ctypes.byref(box), ctypes.byref(matrix)
        get_unicode, map_error, loose_box = _get_unicode, _map_error, _loose_box
        get_matrix, font_size = _char_matrix, _font_size
        skipped = _SKIPPED
        out: list[Glyph] = []
        for i in range(count):
            code = get_unicode(raw, i)
            if code in skipped:  # spaces and line breaks (PDFium's own, or printed) carry
                continue  # nothing: the boxes say where the gaps are
            unmapped = map_error(raw, i) == 1
            if not loose_box(raw, i, box_at):
                continue
            x0, x1 = box.left - left, box.right - left
            glyph_top, glyph_bottom = top - box.top, top - box.bottom
            if get_matrix(raw, i, matrix_at) and matrix.b == 0 and matrix.c == 0 and matrix.d > 0:
                em = font_size(raw, i) * matrix.d
                if em > 0 and (x1 - x0 > 2 * em or glyph_bottom - glyph_top > 2 * em):
                    # vertical writing: PDFium's loose box is wrong there; one em square
                    # from the glyph's origin, as pdfminer boxes it
                    x0, glyph_bottom = _origin(raw, i, left, top)
                    x1 = x0 + em
                    glyph_top = glyph_bottom - em
                elif 0 < em < glyph_bottom - glyph_top:
                    # upright text: one em above the descent, as pdfminer boxes a glyph (the
                    # font's ascent and descent span more than an em, and the one-character
                    # lines of a label written downwards would overlap)
                    glyph_top = glyph_bottom - em
            if not (
                -_FAR < x0 < _FAR
                and -_FAR < x1 < _FAR
                and -_FAR < glyph_top < _FAR
                and -_FAR < glyph_bottom < _FAR
            ):
                continue  # a glyph placed by an absurd matrix is nowhere on the page
            out.append(
                {
                    "text": "\ufffd" if unmapped or code > 0x10FFFF else chr(code),
                    "x0": x0,
                    "x1": x1,
                    "top": glyph_top,
                    "bottom": glyph_bottom,
                    "unmapped": unmapped,
                }
            )
        return out
    finally:
        textpage.close()


def _origin(raw: ctypes.c_void_p, index: int, left: float, top: float) -> tuple[float, float]:
    """A character's origin (x from the left edge, y from the top)."""
    x, y = ctypes.c_double(), ctypes.c_double()
    _char_origin(raw, index, ctypes.byref(x), ctypes.byref(y))
    return x.value - left, top - y.value


# --- paths ------------------------------------------------------------------------------------


_count_objects = _unchecked(pdfium_c.FPDFPage_CountObjects, ctypes.c_int)
_page_object = _unchecked(pdfium_c.FPDFPage_GetObject, _Handle)
_object_type = _unchecked(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
_form_count = _unchecked(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int)
_form_object = _unchecked(pdfium_c.FPDFFormObj_GetObject, _Handle)
_object_matrix = _unchecked(pdfium_c.FPDFPageObj_GetMatrix, ctypes.c_int)
_draw_mode = _unchecked(pdfium_c.FPDFPath_GetDrawMode, ctypes.c_int)
_stroke_color = _unchecked(pdfium_c.FPDFPageObj_GetStrokeColor, ctypes.c_int)
_fill_color = _unchecked(pdfium_c.FPDFPageObj_GetFillColor, ctypes.c_int)
_count_segments = _unchecked(pdfium_c.FPDFPath_CountSegments, ctypes.c_int)
_segment = _unchecked(pdfium_c.FPDFPath_GetPathSegment, _Handle)
_segment_point = _unchecked(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int)
_segment_type = _unchecked(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int)
_segment_close = _unchecked(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int)
_PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
_MOVETO, _NO_FILL = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_FILLMODE_NONE


def _shapes(page: pdfium.PdfPage, left: float, top: float, height: float) -> list[Shape]:
    reader = _PathReader(left, top)
    raw = ctypes.cast(page.raw, ctypes.c_void_p)
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    path, walk, page_object, object_type = reader.path, reader.walk, _page_object, _object_type
    for i in range(_count_objects(raw)):
        obj = page_object(raw, i)
        kind = object_type(obj)  # most are text: only paths and forms are read
        if kind == _PATH:
            path(obj, identity)
        elif kind == _FORM:
            walk(obj, identity, 0)
    return reader.out


_MAX_FORM_DEPTH = 8


class _PathReader:
    """The shapes of a page's path objects (in form XObjects too), with PDFium's out-values
    allocated once: a page of a Word table holds thousands of paths."""

    def __init__(self, left: float, top: float) -> None:
        self.left, self.top = left, top
        self.out: list[Shape] = []
        self._matrix = pdfium_c.FS_MATRIX()
        self._fill_mode, self._stroke = ctypes.c_int(), ctypes.c_int()
        self._rgba = tuple(ctypes.c_uint() for _ in range(4))
        self._rgba_at = tuple(ctypes.byref(v) for v in self._rgba)
        self._x, self._y = ctypes.c_float(), ctypes.c_float()

    def walk(self, obj: _Handle, outer: tuple[float, ...], depth: int) -> None:
        kind = _object_type(obj)
        if kind == _PATH:
            self.path(obj, outer)
        elif kind == _FORM and depth < _MAX_FORM_DEPTH:
            matrix = _compose(self.matrix(obj), outer)
            for k in range(_form_count(obj)):
                self.walk(_form_object(obj, ctypes.c_ulong(k)), matrix, depth + 1)

    def matrix(self, obj: _Handle) -> tuple[float, ...]:
        m = self._matrix
        if not _object_matrix(obj, ctypes.byref(m)):
            return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def color(self, getter, obj: _Handle) -> tuple[float, float, float] | None:
        if not getter(obj, *self._rgba_at):
            return None
        r, g, b, _ = self._rgba
        return (r.value / 255, g.value / 255, b.value / 255)

    def path(self, obj: _Handle, outer: tuple[float, ...]) -> None:
        if not _draw_mode(obj, ctypes.byref(self._fill_mode), ctypes.byref(self._stroke)):
            return
        stroke = bool(self._stroke.value)
        fill = self._fill_mode.value != _NO_FILL
        stroking = self.color(_stroke_color, obj) if stroke else None
        filling = self.color(_fill_color, obj) if fill else None
        if not ((stroke and not _white(stroking)) or (fill and not _white(filling))):
            self.out.append({"object_type": "unpainted"})  # white on white: never a ruling
            return
        style = {
            "stroke": stroke,
            "fill": fill,
            "stroking_color": stroking,
            "non_stroking_color": filling,
        }
        a, b, c, d, e, f = _compose(self.matrix(obj), outer)
        left, top, x, y = self.left, self.top, self._x, self._y
        x_at, y_at = ctypes.byref(x), ctypes.byref(y)
        subpath: list[tuple[float, float]] = []
        closed = False
        for k in range(_count_segments(obj)):
            segment = _segment(obj, k)
            if not _segment_point(segment, x_at, y_at):
                continue
            px, py = x.value, y.value
            point = (a * px + c * py + e - left, top - (b * px + d * py + f))
            if _segment_type(segment) == _MOVETO:
                _add_shape(subpath, closed, style, self.out)
                subpath, closed = [point], False
            else:
                subpath.append(point)
            if _segment_close(segment):
                closed = True
        _add_shape(subpath, closed, style, self.out)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _finite(value: float) -> bool:
    return -_FAR < value < _FAR


_FAR = 1e9  # points: far beyond any page (and excluding infinities and NaN)


def _white(color: tuple[float, float, float] | None) -> bool:
    return color is not None and min(color) >= 0.95


def _add_shape(points: list[tuple[float, float]], closed: bool, style: dict, out: list) -> None:
    """One subpath as pdfminer classifies it: a line, an axis-aligned rectangle or a curve."""
    if len(points) < 2:
        return
    if closed and points[-1] != points[0]:
        points = [*points, points[0]]
    if not all(_finite(x) and _finite(y) for x, y in points):
        return  # a path placed by an absurd matrix is nowhere on the page
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    shape = {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        **style,
    }
    if len(points) == 2:
        shape["object_type"] = "line"
    elif _is_rect(points):
        shape["object_type"] = "rect"
    else:
        shape["object_type"] = "curve"
        shape["pts"] = points
    out.append(shape)


def _is_rect(points: list[tuple[float, float]]) -> bool:
    """Four corners (the first repeated at the end, or not) joined by horizontal and vertical
    sides only."""
    corners = points[:-1] if len(points) == 5 and points[-1] == points[0] else points
    if len(corners) != 4:
        return False
    for (xa, ya), (xb, yb) in zip(corners, [*corners[1:], corners[0]], strict=True):
        if xa != xb and ya != yb:
            return False
    return True
