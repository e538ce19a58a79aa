"""The archived source of a document: its bytes as fetched, read from the WARC archive only.

A document is found by its sha256 in the crawl state of the folder (and of every shard), whose
rows say which WARC file and offset hold the response; failing that (an older version whose row
now points at newer bytes), the archive is scanned once for the record's ``WARC-Record-ID``.
Nothing a request says is ever used as a path: the file names come from the crawl state and
must name files inside the archive folder (:func:`scraper.filenames.path_inside`), and the bytes
are checked against the sha256 before they are served.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from ogi.layout import Layout, layouts
from scraper.archive import read_response
from scraper.filenames import path_inside

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """An archived response: what the agency's server sent, and when."""

    url: str
    content_type: str
    body: bytes
    date: str | None

    @property
    def kind(self) -> str:
        """``html``, ``pdf``, ``text`` or ``other`` (from the type sent and the bytes)."""
        ctype = self.content_type.lower()
        head = self.body[:1024].lstrip().lower()
        if self.body.startswith(b"%PDF") or "pdf" in ctype:
            return "pdf"
        if "html" in ctype or head.startswith((b"<!doctype html", b"<html")):
            return "html"
        if ctype.startswith("text/"):
            return "text"
        return "other"


class Archive:
    """The WARC archives of a data folder (one per harvest partition)."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self._by_id: dict[str, tuple[Path, str, int]] | None = None
        self._lock = threading.Lock()

    def _parts(self) -> list[tuple[Path, Path]]:
        """(state database, archive folder) of each partition."""
        parts = layouts(self.data_dir) or [Layout(self.data_dir)]
        return [(part.state_path, part.root / "raw") for part in parts]

    def find(self, sha256: str, warc_record_id: str | None = None) -> Source | None:
        """The archived response whose body has this sha256, or None."""
        for state_path, raw in self._parts():
            if not state_path.exists():
                continue
            try:
                db = sqlite3.connect(f"{state_path.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    rows = db.execute(
                        "SELECT warc_file, warc_offset FROM urls WHERE sha256 = ? AND "
                        "warc_file IS NOT NULL",
                        (sha256,),
                    ).fetchall()
                finally:
                    db.close()
            except sqlite3.Error:
                continue
            for file, offset in rows:
                found = self._read(raw, file, offset, sha256)
                if found is not None:
                    return found
        if warc_record_id:
            located = self._index().get(warc_record_id)
            if located is not None:
                raw, file, offset = located
                return self._read(raw, file, offset, sha256)
        return None

    def _read(self, raw: Path, file: str, offset: int, sha256: str) -> Source | None:
        try:
            response = read_response(raw, file, offset)
        except (OSError, ValueError) as exc:
            log.warning("archived record %s:%s unreadable: %s", file, offset, exc)
            return None
        body = response.body
        if hashlib.sha256(body).hexdigest() != sha256 or len(body) > MAX_SOURCE_BYTES:
            return None
        ctype = next((v for k, v in response.headers if k.lower() == "content-type"), "")
        return Source(response.url, ctype, body, response.date)

    def _index(self) -> dict[str, tuple[Path, str, int]]:
        """WARC-Record-ID → where the response is, over every archive file (read once)."""
        with self._lock:
            if self._by_id is None:
                found: dict[str, tuple[Path, str, int]] = {}
                for _state, raw in self._parts():
                    if not raw.is_dir():
                        continue
                    for path in sorted(raw.glob("*.warc.gz")):
                        name = path.name
                        try:
                            with open(path_inside(raw, name), "rb") as handle:
                                records = ArchiveIterator(handle)
                                for record in records:
                                    if record.rec_type == "response":
                                        rid = record.rec_headers.get_header("WARC-Record-ID")
                                        found[rid] = (raw, name, records.get_record_offset())
                        except (OSError, ValueError) as exc:
                            log.warning("archive file %s unreadable: %s", path, exc)
                self._by_id = found
            return self._by_id


def source_text(source: Source) -> str:
    """An archived HTML or text body decoded as the parser decodes it (the charset it sniffs:
    the header may lie, or only a ``<meta>`` may tell)."""
    from parsers import sniff

    examined = sniff.examine(source.body, source.content_type or None)
    sniffed, text = examined[0], examined[1]
    return text if text is not None else sniff.decode_text(source.body, sniffed)


def pdf_pages(body: bytes) -> int:
    import pypdfium2

    from parsers.cells.pdfium import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe: the parser's lock, held while it is open
        document = pypdfium2.PdfDocument(body)
        try:
            return len(document)
        finally:
            document.close()


BOX_COLOURS = {
    "cell": ((37, 99, 235), (253, 230, 138, 110), 3),
    "printed": ((37, 99, 235), (253, 230, 138, 110), 3),
    "row": ((96, 165, 250), (219, 234, 254, 90), 2),
    "column": ((96, 165, 250), (219, 234, 254, 90), 2),
}
"""Outline, fill (with alpha) and width of a drawn box, by what it marks (review.spots)."""


def pdf_page_png(
    body: bytes,
    number: int,
    *,
    scale: float = 1.5,
    boxes: Sequence[tuple[str, tuple[float, ...]]] = (),
) -> bytes:
    """Page ``number`` (1-based) of a PDF as a PNG image, with ``boxes`` drawn on it:
    ``(kind, (x0, top, x1, bottom))`` in points from the page's top-left corner, as the parser
    gives a cell's box. Raises IndexError when the page is absent."""
    import io

    import pypdfium2

    from parsers.cells.pdfium import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe: the parser's lock, held while it is open
        document = pypdfium2.PdfDocument(body)
        try:
            if not 1 <= number <= len(document):
                raise IndexError(number)
            page = document[number - 1]
            try:
                image = page.render(scale=scale).to_pil()
                rotated = page.get_rotation() % 360 != 0
            finally:
                page.close()
        finally:
            document.close()
    if boxes and not rotated:  # a rotated page's image is turned: the boxes would not be
        from PIL import Image, ImageDraw

        image = image.convert("RGBA")
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for kind, (x0, top, x1, bottom) in sorted(boxes, key=lambda b: b[0] == "cell"):
            outline, fill, width = BOX_COLOURS.get(kind, BOX_COLOURS["row"])
            pad = 2
            draw.rectangle(
                (x0 * scale - pad, top * scale - pad, x1 * scale + pad, bottom * scale + pad),
                outline=outline,
                fill=fill,
                width=width,
            )
        image = Image.alpha_composite(image, layer).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def document_text(body: bytes, content_type: str) -> str:
    """The readable text of an archived document, as the parser sees it (for formats the
    browser cannot show: DOCX, plain text, flattened text)."""
    from parsers import sniff
    from parsers.parse import build_document

    sniffed, text, utf8 = sniff.examine(body, content_type or None)
    if not sniffed.supported or sniffed.kind in (sniff.EMPTY, sniff.BINARY):
        return ""
    try:
        return build_document(body, sniffed, text, utf8=utf8).text
    except Exception as exc:  # a damaged document still gets a page, with the reason
        return f"（无法读取原文文本：{type(exc).__name__}: {exc}）"
