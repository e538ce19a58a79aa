"""Turning fetched bytes into text, the way Chinese government pages actually need it.

Chain: BOM → charset in the HTTP header → ``<meta>`` charset in the first bytes → strict UTF-8 →
gb18030 → charset-normalizer → gb18030 with replacement. Every candidate is tried *strictly*, so a
header that says UTF-8 over a GBK body falls through to the next candidate instead of producing
mojibake. Every GB label (gb2312, gbk, x-gbk, cp936, …) means gb18030, its superset: pages
declared GB2312 routinely contain GBK and GB18030-only characters. The raw bytes are always kept
by the caller, so decoding can be redone later.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote_to_bytes

_GB_LABELS = {
    "gb2312",
    "gbk",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "gb_2312-80",
    "csgb2312",
    "euc-cn",
    "gb18030",
    "x-euc-cn",
    "chinese",
    "iso-ir-58",
    "csiso58gb231280",
}

_META_SNIFF = 4096

# Tolerant of attribute order, quoting and the malformed `httpequiv="ContentType"` seen in the wild.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x84\x31\x95\x33", "gb18030"),
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """The Python codec that produced ``text``."""
    source: str
    """Where the encoding came from: bom, header, meta, utf-8, gb18030, detected, fallback."""


def normalize_label(label: str | None) -> str | None:
    """A charset label as a Python codec name; every GB label becomes ``gb18030``.

    Returns None for labels Python does not know.
    """
    if not label:
        return None
    lab = label.strip().strip("\"'").lower()
    if lab in _GB_LABELS or lab.startswith("gb2312") or lab.startswith("gbk"):
        return "gb18030"
    if lab in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    if lab in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        # WHATWG: these labels mean windows-1252 in practice.
        return "cp1252"
    try:
        return codecs.lookup(lab).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    msg = Message()
    msg["content-type"] = content_type
    cs = msg.get_param("charset")
    return cs if isinstance(cs, str) else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared in ``<meta>`` (or an XML declaration) within the first 4 kB."""
    head = body[:_META_SNIFF]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def _strict(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML/XML/text body with the chain described in the module docstring."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            # utf-16/utf-32 codecs read their own BOM; the others need it stripped.
            text = _strict(body if enc in ("utf-16", "utf-32") else body[len(bom) :], enc)
            if text is not None:
                return Decoded(text, enc, "bom")
    tried: set[str] = set()
    for source, label in (("header", header_charset(content_type)), ("meta", meta_charset(body))):
        named = normalize_label(label)
        if named and named not in tried:
            tried.add(named)
            text = _strict(body, named)
            if text is not None:
                return Decoded(text, named, source)
    for enc in ("utf-8", "gb18030"):
        if enc not in tried:
            text = _strict(body, enc)
            if text is not None:
                return Decoded(text, enc, enc)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
    except Exception:  # the detector is a last resort; never let it break a crawl
        best = None
    if best is not None and best.encoding:
        enc = normalize_label(best.encoding) or best.encoding
        text = _strict(body, enc)
        if text is not None:
            return Decoded(text, enc, "detected")
    return Decoded(body.decode("gb18030", errors="replace"), "gb18030", "fallback")


def decode_url_component(raw: str) -> str:
    """Percent-decode a URL part (e.g. a ``showname=`` file name) that may be UTF-8 or GBK."""
    data = unquote_to_bytes(raw)
    for enc in ("utf-8", "gb18030"):
        text = _strict(data, enc)
        if text is not None:
            return text
    return data.decode("utf-8", errors="replace")


def filename_from_disposition(value: str | None) -> str | None:
    """The file name of a Content-Disposition header; RFC 5987 ``filename*``, percent-encoded
    UTF-8/GBK, or raw GBK bytes smuggled through latin-1 are all understood."""
    if not value:
        return None
    m = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", value, re.I)
    if m:
        data = unquote_to_bytes(m.group(2).strip().strip('"'))
        enc = normalize_label(m.group(1)) or "utf-8"
        return _strict(data, enc) or decode_url_component(m.group(2).strip().strip('"'))
    m = re.search(r"filename\s*=\s*\"?([^\";]+)\"?", value, re.I)
    if not m:
        return None
    name = m.group(1).strip()
    if "%" in name:
        return decode_url_component(name)
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name
    for enc in ("utf-8", "gb18030"):
        text = _strict(raw, enc)
        if text is not None:
            return text
    return name
