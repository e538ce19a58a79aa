"""Undoing ``Content-Encoding`` (gzip, deflate, br, stacked) with bounded output per step.

Why not the HTTP library's own decoders: they inflate each network chunk whole, so 64 KB of a
gzip bomb become 64 MB in one call and 500 bytes of brotli can become gigabytes — before any
size cap gets to count them. Here every step yields about :data:`STEP` bytes, so the caller's
cap (which counts *decompressed* bytes) stops a bomb within a step of the cap.

Only the codings in :data:`ACCEPT_ENCODING` are ever asked for; a body in another coding is a
:class:`ContentDecodingError`, never silently kept as if it were decoded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import brotli
import httpx

from ogi_errors import ContentDecodingError as ContentDecodingError

STEP = 256 * 1024
"""Output asked for per decoding step (brotli may round a step up to about twice this)."""

ACCEPT_ENCODING = "gzip, deflate, br"
"""What the client advertises: exactly the codings :class:`Decoder` undoes."""

_IDENTITY = {"", "identity", "none"}
_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate"}


class _Stage:
    def feed(self, data: bytes) -> Iterator[bytes]:
        raise NotImplementedError

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zlib(_Stage):
    """gzip (possibly several members) or deflate (zlib-wrapped, or raw as some servers send)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.started = False
        self.done = False
        self.d = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        more = True
        while more:
            if self.done:
                if not (self.coding == "gzip" and data.startswith(b"\x1f\x8b")):
                    return  # trailing bytes after the stream are ignored, as browsers do
                self.d = zlib.decompressobj(zlib.MAX_WBITS | 16)  # the next gzip member
                self.done = False
            try:
                out = self.d.decompress(data, STEP)
            except zlib.error as exc:
                if self.coding == "deflate" and not self.started:
                    self.d = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no zlib header
                    self.started = True
                    continue
                raise ContentDecodingError(f"{self.coding} body does not decode: {exc}") from exc
            self.started = True
            if self.d.eof:
                self.done = True
                data = self.d.unused_data
            else:
                data = self.d.unconsumed_tail
            # a full step may leave output inside the decompressor: ask again, with no input
            more = bool(data) or len(out) >= STEP
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        if not self.done:
            out = self.d.flush(STEP)
            if out:
                yield out


class _Brotli(_Stage):
    def __init__(self) -> None:
        self.d = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self.d.process(data, output_buffer_limit=STEP)
            while out:
                yield out
                if self.d.is_finished():
                    return
                # drain what the limit held back (empty input is always allowed)
                out = self.d.process(b"", output_buffer_limit=STEP)
        except brotli.error as exc:
            raise ContentDecodingError(f"br body does not decode: {exc}") from exc


def _stage(coding: str) -> _Stage:
    if coding in ("gzip", "deflate"):
        return _Zlib(coding)
    if coding == "br":
        return _Brotli()
    raise ContentDecodingError(f"unsupported Content-Encoding {coding!r} (not asked for)")


class Decoder:
    """Decodes a body sent with ``Content-Encoding: <codings>`` step by bounded step.

    ``codings`` are in the order they were applied (the header's order); they are undone in
    reverse. Feed raw chunks with :meth:`feed`, then call :meth:`finish`; both yield decoded
    pieces of about :data:`STEP` bytes, lazily — stop iterating and nothing more is inflated.
    """

    def __init__(self, content_encoding: str | None) -> None:
        codings = [
            _ALIASES.get(c.strip().lower(), c.strip().lower())
            for c in (content_encoding or "").split(",")
        ]
        self.codings = [c for c in codings if c not in _IDENTITY]
        self.stages = [_stage(c) for c in reversed(self.codings)]

    @property
    def identity(self) -> bool:
        return not self.stages

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def finish(self) -> Iterator[bytes]:
        for i, stage in enumerate(self.stages):
            for piece in stage.finish():
                yield from self._through(i + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.stages):
            if data:
                yield data
            return
        for piece in self.stages[index].feed(data):
            yield from self._through(index + 1, piece)


async def read_capped(resp: httpx.Response, max_body: int) -> tuple[bytes, bool]:
    """(body, truncated): the body with its Content-Encoding undone, read until ``max_body``
    *decoded* bytes. Decoding is ours, in bounded steps (:mod:`scraper.inflate`): a gzip or
    brotli bomb is cut at the cap instead of being inflated chunk by chunk in memory."""
    decoder = Decoder(resp.headers.get("content-encoding"))
    chunks: list[bytes] = []
    size = raw = 0

    def take(pieces) -> bool:
        nonlocal size
        for piece in pieces:
            size += len(piece)
            if size > max_body:
                return False
            chunks.append(piece)
        return True

    async for chunk in resp.aiter_raw():
        raw += len(chunk)
        if raw > max_body or not take(decoder.feed(chunk)):
            return b"", True
    if not take(decoder.finish()):
        return b"", True
    return b"".join(chunks), False
