"""Cheap scans of a PDF's raw bytes, done before (or instead of) a full parse.

Two questions are answered from the bytes alone, with bounded work: how much do the
compressed streams inflate to (a "flate bomb" must be refused before PDFium inflates every
stream whole in memory), and does the file have a text layer at all (a scanned report holds
only images, so laying its pages out would be wasted time). Both walk the ``stream`` …
``endstream`` sections; nothing here builds the object graph.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ENDSTREAM = b"endstream"
# A direct length (``/Length 1234``), not a reference (``/Length 12 0 R``).
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/\w+)")
_FILTER_NAME = re.compile(rb"/(\w+)")
# Filters undone here, by their full and abbreviated names.
_FLATE_NAMES = {b"FlateDecode", b"Fl"}
_A85_NAMES = {b"ASCII85Decode", b"A85"}
_HEX_NAMES = {b"ASCIIHexDecode", b"AHx"}
_BT = re.compile(rb"(?:^|[\s\]\)>])BT[\s/\[]")
_SHOW = re.compile(rb"[\)>\]]\s*(?:Tj|TJ|'|\")")
_ENCRYPT = re.compile(rb"/Encrypt\s+(?:\d+\s+\d+\s+R|<<)")

CHUNK = 1 << 20


@dataclass(slots=True)
class RawStream:
    """One ``stream`` section: its dictionary text and raw (still encoded) bytes."""

    head: bytes
    body: bytes

    @property
    def is_image(self) -> bool:
        return _IMAGE.search(self.head) is not None

    @property
    def filters(self) -> list[bytes]:
        m = _FILTERS.search(self.head)
        return _FILTER_NAME.findall(m.group(1)) if m else []

    @property
    def is_plain(self) -> bool:
        return not self.filters

    def decoded(self, cap: int) -> bytes | None:
        """The stream with its filters undone (up to ``cap`` bytes), or None when one of its
        filters is not one of Flate / ASCII85 / ASCIIHex."""
        data = self.body
        for name in self.filters:
            step: bytes | None
            if name in _FLATE_NAMES:
                step, _ = inflate(data, cap)
            elif name in _A85_NAMES:
                step = _a85(data)
            elif name in _HEX_NAMES:
                step = _hex(data)
            else:
                return None
            if step is None:
                return None
            data = step
        return data[:cap]


def _a85(data: bytes) -> bytes | None:
    body = re.sub(rb"\s+", b"", data)
    end = body.find(b"~>")
    if end >= 0:
        body = body[:end]
    if body.startswith(b"<~"):
        body = body[2:]
    try:
        return base64.a85decode(body)
    except ValueError:
        return None


def _hex(data: bytes) -> bytes | None:
    body = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    if len(body) % 2:
        body += b"0"
    try:
        return bytes.fromhex(body.decode("ascii"))
    except ValueError:
        return None


def iter_streams(data: bytes) -> Iterator[RawStream]:
    """Every stream section of the file, in file order (including unreferenced ones)."""
    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return
        start = m.end()
        head_start = max(0, m.start() - 2000)
        head_start = max(head_start, data.rfind(b"obj", head_start, m.start()))
        head = data[head_start : m.start()]
        lengths = _LENGTH.findall(head)
        # The dictionary's direct /Length says where the stream ends (compressed bytes may
        # hold "endstream" by chance); otherwise fall back to the keyword.
        end = start + int(lengths[-1]) if lengths else -1
        if not start <= end <= len(data):
            end = data.find(_ENDSTREAM, start)
            if end < 0:
                end = len(data)
        pos = max(end, start + 1)
        yield RawStream(head, data[start:end])


def inflate(body: bytes, cap: int) -> tuple[bytes, bool]:
    """Inflate a Flate stream up to ``cap`` bytes. Returns (output, complete)."""
    inflater = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    try:
        out = inflater.decompress(body, CHUNK)
        while True:
            parts.append(out)
            size += len(out)
            if size > cap:
                return b"".join(parts)[:cap], False
            if not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
    except zlib.error:
        return b"".join(parts), False
    return b"".join(parts), True


def inflated_size(body: bytes, cap: int) -> int:
    """How many bytes a Flate stream inflates to, counted up to just over ``cap``, output dropped."""
    inflater = zlib.decompressobj()
    size = 0
    try:
        out = inflater.decompress(body, CHUNK)
        while True:
            size += len(out)
            if size > cap or not inflater.unconsumed_tail:
                return size
            out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
    except zlib.error:
        return size


DEFLATE_MAX_RATIO = 1032
"""The most a deflate stream can inflate per compressed byte: a length/distance pair codes at
most 258 bytes and takes at least two bits (one for each code)."""


@dataclass(slots=True)
class _Counted:
    """A stream as the flate-bomb count takes it: its text encodings (ASCII85, ASCIIHex) to
    undo, whether Flate follows them, and a bound on what it unpacks to."""

    body: bytes
    encodings: list[bytes]
    flate: bool
    bound: int

    def size(self, cap: int) -> int:
        """What it unpacks to, counted up to just over ``cap`` (0 when a text encoding is
        broken)."""
        body: bytes | None = self.body
        for name in self.encodings:
            if body is None:
                break
            body = _a85(body) if name in _A85_NAMES else _hex(body)
        if body is None:
            return 0
        return inflated_size(body, cap) if self.flate else len(body)


def _counted(stream: RawStream) -> _Counted | None:
    """The stream to count, or None when a filter the count does not undo comes first."""
    filters = stream.filters
    encodings = 0
    while encodings < len(filters) and filters[encodings] in (_A85_NAMES | _HEX_NAMES):
        encodings += 1
    rest = filters[encodings:]
    if rest and rest[0] not in _FLATE_NAMES:
        return None
    bound = len(stream.body)
    for k, name in enumerate(filters[:encodings]):
        if name in _HEX_NAMES:
            bound = bound // 2 + 1  # two digits give a byte
        elif k == 0:  # five characters give four bytes, "z" alone four zero bytes
            bound = 4 * stream.body.count(b"z") + 4 * bound // 5 + 4
        else:  # the "z" of a decoded body are not known without decoding it
            bound *= 4
    flate = bool(rest)
    return _Counted(
        stream.body, filters[:encodings], flate, bound * DEFLATE_MAX_RATIO if flate else bound
    )


def inflates_beyond(data: bytes, cap: int) -> bool:
    """Whether the file's Flate streams inflate to more than ``cap`` bytes in total.

    Streams whose filter chain puts ASCII85/ASCIIHex before Flate are counted too (the text
    encodings are undone first; they only shrink). Unfiltered streams count as their length.
    Each stream is first counted at a bound (a deflate stream inflates to at most
    :data:`DEFLATE_MAX_RATIO` times its size), and streams are unpacked only while the count is
    beyond the cap, each time the smallest that can bring it under: an ordinary report's
    streams are bounded well under the cap and none need unpacking, where a file of a few
    hundred KB (embedded fonts) needs one or two. The answer is the one unpacking every stream
    gives; the counting stops once it passes the cap.
    """
    streams = [c for c in map(_counted, iter_streams(data)) if c is not None]
    streams.sort(key=lambda c: c.bound)
    exact = 0
    bound = sum(c.bound for c in streams)
    while streams:
        excess = exact + bound - cap
        if excess <= 0:
            return False
        # the smallest stream whose bound alone covers the excess (a font inflates to a few
        # times its size, far under its bound), else the largest
        pick = next((k for k, c in enumerate(streams) if c.bound > excess), len(streams) - 1)
        stream = streams.pop(pick)
        bound -= stream.bound
        exact += stream.size(cap - exact + 1)
        if exact > cap:
            return True
    return exact > cap


def is_encrypted(data: bytes) -> bool:
    """The trailer names an /Encrypt dictionary (the file may still open without a password)."""
    return _ENCRYPT.search(data) is not None


def has_text_layer(data: bytes, *, budget: int = 32 << 20) -> bool | None:
    """Does any content stream show text? True / False / None (cannot tell from the bytes).

    ``False`` is returned only when every non-image stream could be read (plain or Flate)
    and none holds a text-showing operator, while the file does hold images or streams —
    the signature of a scan. Encrypted files and exotic filters give ``None``.
    """
    if is_encrypted(data):
        return None
    unreadable = False
    seen = False
    spent = 0
    for stream in iter_streams(data):
        seen = True
        if stream.is_image:
            continue
        content = stream.decoded(min(8 << 20, max(budget - spent, 0)))
        if content is None:
            unreadable = True
            continue
        spent += len(content)
        if spent >= budget:
            return None
        if _BT.search(content) and _SHOW.search(content):
            return True
    if unreadable or not seen:
        return None
    return False
