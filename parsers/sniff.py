"""What a document is, from its bytes: the format, the text encoding, and what can be done.

Government sites label attachments badly (``.doc`` files that are HTML, ``.pdf`` links that
return an HTML error page, GBK pages declared as UTF-8), so the format is read from the bytes,
never from a file name. A ``content_type`` (from the HTTP response) is only a hint: its charset
is one candidate among others and it breaks ties between HTML and plain text.

The result is small and typed: ``Sniffed(kind, encoding, detail)``. ``kind`` is one of the
constants below; ``encoding`` is set for text kinds (a Python codec name; GB2312/GBK labels are
read as GB18030, their superset); ``detail`` says more where the bytes allow ("Kingsoft WPS",
"no text layer", "encrypted").
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from parsers import pdfbytes
from parsers.sniff_lines import LineMarks, TextLines, read_lines

# Kinds with a cell source.
PDF = "pdf"
DOCX = "docx"
HTML = "html"
MARKDOWN = "markdown"
PIPE = "pipe"
TEXT = "text"
# Kinds that are recognised, stored and flagged, not parsed.
DOC = "doc"
WPS = "wps"
OFD = "ofd"
XLS = "xls"
XLSX = "xlsx"
PPT = "ppt"
PPTX = "pptx"
ODF = "odf"  # OpenDocument (odt/ods/odp)
RTF = "rtf"
MHT = "mht"  # MIME web archive ("single file web page")
XML = "xml"  # other XML, e.g. Word 2003 XML
IMAGE = "image"
ARCHIVE = "archive"  # zip/rar/7z/gzip holding other files
ENCRYPTED = "encrypted"  # password-protected Office document (OLE EncryptedPackage)
EMPTY = "empty"
BINARY = "binary"  # none of the above

TEXT_KINDS = frozenset({HTML, MARKDOWN, PIPE, TEXT, MHT, XML, RTF})

# PDF details that make a PDF unreadable for us.
NO_TEXT_LAYER = "no text layer"
PASSWORD = "encrypted: password required"
UNMAPPED = "text layer without a character map"  # glyphs with no known characters

_NAMES = {
    PDF: "PDF",
    DOCX: "DOCX document",
    DOC: "DOC document",
    WPS: "WPS document",
    OFD: "OFD document",
    XLS: "XLS spreadsheet",
    XLSX: "XLSX spreadsheet",
    PPT: "PPT presentation",
    PPTX: "PPTX presentation",
    ODF: "OpenDocument file",
    RTF: "RTF document",
    MHT: "MHT web archive",
    XML: "XML document",
    IMAGE: "image",
    ARCHIVE: "archive",
    ENCRYPTED: "encrypted Office document",
    EMPTY: "empty file",
    BINARY: "unrecognised binary file",
    HTML: "HTML page",
    MARKDOWN: "markdown text",
    PIPE: "pipe text",
    TEXT: "plain text",
}


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are. ``encoding`` is set for text kinds only."""

    kind: str
    encoding: str | None = None
    detail: str = ""

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def supported(self) -> bool:
        """A cell source can read it (a PDF only with a text layer and no password)."""
        if self.kind == PDF:
            return self.detail not in (NO_TEXT_LAYER, PASSWORD, UNMAPPED)
        return self.kind in (DOCX, HTML, MARKDOWN, PIPE, TEXT)

    def describe(self) -> str:
        """Human name for warnings: "scanned PDF", "WPS document (Kingsoft WPS Writer)"."""
        if self.kind == PDF and self.detail == NO_TEXT_LAYER:
            return "scanned PDF"
        if self.kind == PDF and self.detail == PASSWORD:
            return "encrypted PDF"
        name = _NAMES.get(self.kind, self.kind)
        return f"{name} ({self.detail})" if self.detail else name


def sniff(data: bytes, content_type: str | None = None) -> Sniffed:
    """Recognise the format of ``data``; ``content_type`` is a hint for text only."""
    return examine(data, content_type).sniffed


class Examined(NamedTuple):
    """What :func:`examine` found."""

    sniffed: Sniffed
    text: str | None = None  # text kinds: the decoded text, as decode_text() gives it
    utf8: bool = False  # the bytes are exactly ``text`` in UTF-8 (valid, no byte-order mark)


def examine(data: bytes, content_type: str | None = None) -> Examined:
    """:func:`sniff`, plus the decoded text for the text kinds: recognising a text form needs
    its text, so a parse decodes the document once."""
    return examine_lines(data, content_type)[0]


def examine_lines(
    data: bytes, content_type: str | None = None
) -> tuple[Examined, list[str] | None]:
    """:func:`examine`, and the lines of its text (``str.splitlines()``) where telling a text
    form split them: the cell source of a text form reads the same lines."""
    if not data or (data[:1].isspace() and not data.strip()):  # strip() copies: only if needed
        return Examined(Sniffed(EMPTY)), None
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Examined(_sniff_ole(data)), None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Examined(_sniff_zip(data)), None
    pdf_at = data.find(b"%PDF-", 0, 1024)
    if pdf_at >= 0:
        return Examined(_sniff_pdf(data)), None
    if data[0] in _MAGIC_FIRST_BYTES:  # (no text form starts as these magic numbers do)
        if data.startswith(b"{\\rtf"):
            return Examined(Sniffed(RTF, "ascii")), None
        image = _image_kind(data)
        if image:
            return Examined(Sniffed(IMAGE, None, image)), None
        archive = _archive_kind(data)
        if archive:
            return Examined(Sniffed(ARCHIVE, None, archive)), None
    return _sniff_text(data, content_type)


# --------------------------------------------------------------------------------------------
# Binary containers
# --------------------------------------------------------------------------------------------


def _sniff_pdf(data: bytes) -> Sniffed:
    text = pdfbytes.has_text_layer(data)
    if pdfbytes.is_encrypted(data):
        # Many official PDFs carry an owner password only (no editing) and open fine; the
        # PDF source finds out whether a user password is needed.
        return Sniffed(PDF, None, "encrypted")
    if text is False:
        return Sniffed(PDF, None, NO_TEXT_LAYER)
    return Sniffed(PDF)


def _sniff_zip(data: bytes) -> Sniffed:
    names = _zip_names(data)
    lower = {n.lower() for n in names}
    if "word/document.xml" in lower:
        return Sniffed(DOCX, None, "Kingsoft WPS" if _wps_docx(data, names) else "")
    if "ofd.xml" in lower:
        return Sniffed(OFD)
    if "xl/workbook.xml" in lower or "xl/workbook.bin" in lower:
        return Sniffed(XLSX)
    if "ppt/presentation.xml" in lower:
        return Sniffed(PPTX)
    if "mimetype" in lower and b"application/vnd.oasis.opendocument" in data[:200]:
        return Sniffed(ODF, None, data[38:120].split(b"PK")[0].decode("ascii", "replace"))
    return Sniffed(ARCHIVE, None, "zip")


def _zip_names(data: bytes) -> list[str]:
    """Member names from the central directory, or from local headers when it is missing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        pass
    names = []
    for m in re.finditer(rb"PK\x03\x04", data):
        at = m.start()
        if at + 30 > len(data):
            break
        n = int.from_bytes(data[at + 26 : at + 28], "little")
        names.append(data[at + 30 : at + 30 + n].decode("utf-8", "replace"))
        if len(names) > 5000:
            break
    return names


def _wps_docx(data: bytes, names: list[str]) -> bool:
    """A DOCX written by Kingsoft WPS (it stamps KSOProductBuildVer in docProps/custom.xml)."""
    if "docProps/custom.xml" not in names:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("docProps/custom.xml")
            if info.file_size > 1 << 20:
                return False
            return b"KSOProductBuildVer" in zf.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return False


_KINGSOFT_MARKS = ("KSOProductBuildVer", "Kingsoft", "WPS Office", "WPS 文字", "KWPS")
# Property names and values are stored in the file's code page or in UTF-16: look for both.
_KINGSOFT = re.compile(
    b"|".join(
        re.escape(mark.encode(codec))
        for mark in _KINGSOFT_MARKS
        for codec in ("utf-8", "utf-16-le", "gb18030")
    )
)


def _sniff_ole(data: bytes) -> Sniffed:
    """OLE2 compound files: Word (DOC), Kingsoft WPS, Excel, PowerPoint, encrypted OOXML."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile raises many kinds on damaged input
        return Sniffed(DOC, None, "damaged compound file")
    try:
        streams = {"/".join(path) for path in ole.listdir(streams=True, storages=True)}
        lower = {s.lower() for s in streams}
        kingsoft = _ole_is_kingsoft(ole, lower)
    except Exception:
        return Sniffed(DOC, None, "damaged compound file")
    finally:
        ole.close()
    if "encryptedpackage" in lower or "encryptioninfo" in lower:
        return Sniffed(ENCRYPTED, None, "password-protected OOXML")
    if "worddocument" in lower:
        if kingsoft:
            return Sniffed(WPS, None, "Kingsoft WPS Writer")
        return Sniffed(DOC)
    if lower & {"workbook", "book"}:
        return Sniffed(XLS, None, "Kingsoft ET" if kingsoft else "")
    if "powerpoint document" in lower:
        return Sniffed(PPT, None, "Kingsoft WPP" if kingsoft else "")
    if "contents" in lower and (
        "matost" in lower or "spellingwords" in lower or "nativecontent" in lower
    ):
        return Sniffed(WPS, None, "Microsoft Works")
    if kingsoft:
        return Sniffed(WPS, None, "Kingsoft WPS")
    return Sniffed(DOC, None, "unknown compound file")


def _ole_is_kingsoft(ole, lower_streams: set[str]) -> bool:
    """Kingsoft marks its files in the summary streams or the CompObj program name."""
    if any(s.startswith(("wps", "kso", "kingsoft")) for s in lower_streams):
        return True
    for name in ("\x05DocumentSummaryInformation", "\x05SummaryInformation", "\x01CompObj"):
        if ole.exists(name):
            size = ole.get_size(name)
            if size > 1 << 20:
                continue
            if _KINGSOFT.search(ole.openstream(name).read()):
                return True
    return False


_MAGIC_FIRST_BYTES = frozenset(b"{\xff\x89GIMRB7\x1f")
"""The first byte of each signature below (RTF, images, archives): the rest of the bytes are
looked at only after one of them."""


def _image_kind(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"BM") and len(data) > 26 and data[14] in (12, 40, 56, 108, 124):
        return "bmp"
    return ""


def _archive_kind(data: bytes) -> str:
    if data.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    return ""


# --------------------------------------------------------------------------------------------
# Text: encoding, then HTML / markdown / pipe text / plain text
# --------------------------------------------------------------------------------------------

# Labels read as GB18030: every GB2312/GBK byte sequence means the same in GB18030, and pages
# declared GB2312 routinely hold GBK-only characters (rare surnames, place names).
_GB_LABELS = {
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "gb2312-80",
    "gbk",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "csgb2312",
    "euc-cn",
    "euccn",
    "x-euc-cn",
    "chinese",
    "iso-ir-58",
    "gb18030",
}


def normalize_encoding(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_BOM_STARTS = tuple(bom for bom, _ in _BOMS)


def declared_encodings(data: bytes, content_type: str | None = None) -> list[str]:
    """Encodings the document or its HTTP header declare, most authoritative first."""
    out: list[str] = []
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m:
            out.append(m.group(1))
    head = data[:8192]
    for rx in (_META_CHARSET, _XML_ENCODING):
        declared = rx.search(head)
        if declared:
            out.append(declared.group(1).decode("ascii", "replace"))
    return [e for e in (normalize_encoding(x) for x in out) if e]


def _decodes(data: bytes, encoding: str) -> bool:
    """Strict decode that forgives a character cut off at the very end (truncated download)."""
    return _decoded(data, encoding) is not False


def _decoded(data: bytes, encoding: str) -> str | bool:
    """:func:`_decodes`, giving the text when the bytes decode whole (no character cut off
    at the end: it is then the text ``data.decode(encoding, errors="replace")`` gives), True
    when they decode but for a cut character, False when they do not."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        text = decoder.decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    pending, _flags = decoder.getstate()
    return True if pending else text


def detect_encoding(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The encoding of a text document and how it was decided: (codec, how).

    Order: a byte-order mark; valid UTF-8 (random GBK text is practically never valid UTF-8,
    so this beats a wrong declaration); a declared charset that decodes cleanly; GB18030;
    charset-normalizer's best guess; finally the declared charset or UTF-8 with replacement.
    """
    encoding, how, _ = _detect(data, content_type)
    return encoding, how


def _detect(data: bytes, content_type: str | None) -> tuple[str, str, str | None]:
    """:func:`detect_encoding`, plus the decoded text when telling the encoding decoded it
    (valid UTF-8, the usual case), else None."""
    if data.startswith(_BOM_STARTS):
        for bom, name in _BOMS:
            if data.startswith(bom):
                return name, "bom", None
    if data.isascii():
        return "utf-8", "ascii", None
    try:
        return "utf-8", "valid utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _decodes(data, "utf-8"):  # cut inside its last character
        return "utf-8", "valid utf-8", None
    return _detect_not_utf8(data, content_type)


def _detect_not_utf8(data: bytes, content_type: str | None) -> tuple[str, str, str | None]:
    """The rest of :func:`_detect`'s order, once UTF-8 is ruled out (with the text, when
    deciding the encoding decoded the whole of it: a GBK page is not decoded twice)."""
    declared = declared_encodings(data, content_type)
    for enc in declared:
        if enc not in ("utf-8", "utf-8-sig"):
            decoded = _decoded(data, enc)
            if decoded is not False:
                return enc, "declared", decoded if isinstance(decoded, str) else None
    decoded = _decoded(data, "gb18030")
    if decoded is not False:
        return "gb18030", "valid gb18030", decoded if isinstance(decoded, str) else None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 1 << 20]).best()
        if best is not None and best.encoding:
            enc = normalize_encoding(best.encoding) or best.encoding
            return enc, "guessed", None
    except Exception:  # a detector failure must not stop the parse
        pass
    return (declared[0] if declared else "gb18030"), "undecodable bytes replaced", None


def decode_text(data: bytes, sniffed: Sniffed | None = None) -> str:
    """Decode a text document with its sniffed encoding; undecodable bytes become U+FFFD."""
    encoding = (sniffed.encoding if sniffed else None) or detect_encoding(data)[0]
    return _without_bom(data.decode(encoding, errors="replace"))


def _without_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


_HTML_STRONG = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<table[\s>]|<head[\s>]", re.I)
_HTML_TAG = re.compile(
    r"<(?:p|div|span|br|td|tr|th|a|img|h[1-6]|ul|li|font|strong|b|meta|title|script|style)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


BINARY_SAMPLE = 8192
"""Bytes from the start in which control characters mark a file as binary (as git and most
sniffers decide: what is not a text form in its first kilobytes is not one)."""


def _control_ratio(data: bytes) -> float:
    sample = data[:BINARY_SAMPLE]
    if not any(map(sample.__contains__, _CONTROL_BYTES)):  # (the usual text: one memchr each)
        return 0.0
    bad = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bad / max(len(sample), 1)


def _sniff_text(data: bytes, content_type: str | None) -> tuple[Examined, list[str] | None]:
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and _control_ratio(data) > 0.01:
        return Examined(Sniffed(BINARY)), None
    encoding, how, decoded = _detect(data, content_type)
    utf8 = how == "ascii" or (encoding == "utf-8" and decoded is not None)  # strictly UTF-8
    if decoded is None:
        decoded = data.decode(encoding, errors="replace")
    text = decoded[:_TEXT_READ]
    detail = "" if how in ("bom", "ascii", "valid utf-8", "declared", "valid gb18030") else how
    start = _start(text)
    lines = None
    if start.startswith("MIME-Version:") or (
        "multipart/related" in start[:2048] and "Content-Type:" in start[:2048]
    ):
        kind = MHT
    elif start.startswith("<?xml") and not _HTML_STRONG.search(start):
        if "<w:wordDocument" in text[:20000] or "Word.Document" in start:
            kind, detail = XML, "Word 2003 XML"
        else:
            kind = XML
    else:
        kind, lines = _text_form(text, content_type)
        if len(decoded) > _TEXT_READ or decoded.startswith("\ufeff"):
            lines = None  # (the lines of a part of the text, or with its byte-order mark)
    return Examined(_text_sniffed(kind, encoding, detail), _without_bom(decoded), utf8), lines


_text_sniffed = lru_cache(maxsize=256)(Sniffed)
"""A text's :class:`Sniffed` (immutable: the few of them are made once and shared)."""


_TEXT_READ = 200_000
"""Characters of a text read to tell its form."""

_LEADING = "\ufeff \t\r\n"


def _start(text: str) -> str:
    """The first 4,096 characters after the leading blanks (without copying the whole text
    to strip them)."""
    head = text[:8192]
    start = head.lstrip(_LEADING)
    if len(head) - len(start) > 4096 and len(head) < len(text):
        start = text.lstrip(_LEADING)  # more than 4,096 leading blanks
    return start[:4096]


def _text_form(text: str, content_type: str | None) -> tuple[str, TextLines | None]:
    """HTML, markdown, pipe text or plain text, by counting the marks each leaves; and the
    text's lines, when they were split to count them (with what counting them looked up: a
    pipe text's source reads its tokens there)."""
    tags = 0
    if text.find("<", 0, 65536) >= 0:  # (no tag in most pipe and flattened text)
        if _HTML_STRONG.search(text, 0, 65536):
            return HTML, None
        tags = len(_HTML_TAG.findall(text, 0, 65536))
    lines = read_lines(text.splitlines())
    return _counted_form(lines.counts, tags, content_type), lines


def _counted_form(marks: LineMarks, tags: int, content_type: str | None) -> str:
    """:func:`_text_form` from the count of each mark the lines leave (``tags``: the HTML tags
    in the text's first 64 K characters)."""
    md_rules, md_rows, md_heads, pipe_cells, pipe_empty = marks
    ct = (content_type or "").lower()
    if tags >= 5 and tags * 4 >= md_rows + pipe_cells:
        return HTML
    if md_rules and md_rows >= 2 and md_rows >= pipe_cells:
        return MARKDOWN
    if pipe_cells >= 5 and pipe_cells + pipe_empty >= 2 * max(md_rows, 1):
        return PIPE
    if md_rows >= 3 or (md_heads >= 2 and md_rows):
        return MARKDOWN
    if "html" in ct and tags:
        return HTML
    if "markdown" in ct:
        return MARKDOWN
    return TEXT
