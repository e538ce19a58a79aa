"""Caps for hostile or oversized input: pages, decompressed bytes, time.

Attachments come from thousands of government sites and are parsed by a nightly job that must
never hang or run out of memory on one file. Every cell source that unpacks something (a ZIP
container, compressed PDF streams, page after page of layout analysis) checks these caps
*before* it does the expensive work, and either

- raises :class:`~parsers.model.ParseError` with a clear reason when nothing useful can be
  read within the caps (a zip bomb, a document larger than the input cap), or
- reads what fits and says in a warning what was left out ("stopped after 100 of 412 pages").

The checks look only at what the container itself declares (ZIP central directory, PDF stream
lengths) plus bounded trial decompression, so they cost little on normal documents.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from dataclasses import dataclass

from parsers import pdfbytes
from parsers.model import ParseError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource caps for parsing one document. The defaults suit a nightly harvest."""

    max_input_bytes: int = 64 * MB  # the raw attachment
    max_pages: int = 100  # PDF pages laid out (reports have 3–30; compendia can have hundreds)
    max_seconds: float = 60.0  # wall time for one document's layout analysis
    max_unpacked_bytes: int = 256 * MB  # sum of decompressed sizes (zip members, PDF streams)
    max_ratio: float = 200.0  # decompressed / compressed, per zip member (over 1 MB)
    max_members: int = 5000  # entries in a ZIP container
    max_member_bytes: int = 64 * MB  # one decompressed zip member (document.xml, OFD.xml…)
    max_chars_per_page: int = 200_000  # text objects laid out on one PDF page
    max_rulings_per_page: int = 5000  # drawn lines/rectangles searched for tables on a page


DEFAULT_LIMITS = Limits()


class Deadline:
    """A wall-clock budget, checked between units of work (pages, tables).

    Pure-Python layout analysis cannot be interrupted safely from inside, so sources check the
    deadline at every page boundary and stop there; one page is itself bounded by
    ``max_chars_per_page``.
    """

    def __init__(self, seconds: float, *, clock=time.monotonic):
        self._clock = clock
        self.seconds = seconds
        self.started = clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self.started

    def expired(self) -> bool:
        return self.elapsed > self.seconds


def check_input_size(data: bytes, limits: Limits = DEFAULT_LIMITS, *, what: str = "document"):
    """Refuse input larger than the input cap before anything reads it."""
    if len(data) > limits.max_input_bytes:
        raise ParseError(
            f"{what} is {len(data) / MB:.1f} MB, over the {limits.max_input_bytes / MB:.0f} MB cap",
            reason="too_large",
        )


def open_zip(data: bytes, limits: Limits = DEFAULT_LIMITS, *, what: str = "ZIP container"):
    """Open a ZIP container after checking its sizes (zip bomb check, before extracting).

    Checks the number of entries, the sum of declared uncompressed sizes and, for every member
    over 1 MB, the compression ratio. Declared sizes can lie, and ``ZipFile.read`` (which
    python-docx uses for every part) inflates a member's whole compressed stream in one call
    whatever its header says — so every member is then inflated once here, in bounded steps, to
    learn its true size: more than its header declares, or more than the caps, is refused.
    After this, reading any member costs at most what the caps allow.
    """
    check_input_size(data, limits, what=what)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(f"{what} is damaged: {exc}", reason="unreadable") from exc
    if len(infos) > limits.max_members:
        raise ParseError(
            f"{what} has {len(infos)} entries, over the cap of {limits.max_members}",
            reason="zip_bomb",
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_member_bytes:
            raise ParseError(
                f"{what}: {info.filename} unpacks to {info.file_size / MB:.0f} MB, over the "
                f"{limits.max_member_bytes / MB:.0f} MB cap per entry",
                reason="zip_bomb",
            )
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ParseError(
                f"{what}: {info.filename} is compressed {ratio:.0f}:1, over the "
                f"{limits.max_ratio:.0f}:1 cap (zip bomb)",
                reason="zip_bomb",
            )
    if total > limits.max_unpacked_bytes:
        raise ParseError(
            f"{what} unpacks to {total / MB:.0f} MB, over the "
            f"{limits.max_unpacked_bytes / MB:.0f} MB cap (zip bomb)",
            reason="zip_bomb",
        )
    _check_true_sizes(data, infos, limits, what)
    return zf


_STEP = MB


def _check_true_sizes(data: bytes, infos: list[zipfile.ZipInfo], limits: Limits, what: str):
    """Inflate every member once, a megabyte at a time, and compare with its header."""
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word and WPS write only these; bzip2/lzma members would inflate unbounded
            raise ParseError(
                f"{what}: {info.filename} uses compression method {info.compress_type}",
                reason="unreadable",
            )
        raw = _raw_member(data, info)
        if raw is None:
            raise ParseError(f"{what}: {info.filename} has a damaged header", reason="unreadable")
        cap = min(limits.max_member_bytes, limits.max_unpacked_bytes - total)
        size = _inflated_size(raw, info.compress_type, cap)
        if size is None:
            raise ParseError(f"{what}: {info.filename} is damaged", reason="unreadable")
        if size > info.file_size:
            raise ParseError(
                f"{what}: {info.filename} inflates beyond the {info.file_size} bytes its header "
                "declares (zip bomb)",
                reason="zip_bomb",
            )
        total += size


def _raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The compressed bytes of a member, found through its local header."""
    at = info.header_offset
    if data[at : at + 4] != b"PK\x03\x04" or at + 30 > len(data):
        return None
    start = at + 30 + int.from_bytes(data[at + 26 : at + 28], "little")
    start += int.from_bytes(data[at + 28 : at + 30], "little")
    raw = data[start : start + info.compress_size]
    return raw if len(raw) == info.compress_size else None


def _inflated_size(raw: bytes, method: int, cap: int) -> int | None:
    """How many bytes ``raw`` inflates to, counting no further than ``cap + 1``; None when the
    stream is damaged."""
    if method == zipfile.ZIP_STORED:
        return len(raw)
    d = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    try:
        out = d.decompress(raw, _STEP)
        size += len(out)
        while size <= cap and (d.unconsumed_tail or len(out) >= _STEP):
            out = d.decompress(d.unconsumed_tail, _STEP)
            size += len(out)
    except zlib.error:
        return None
    return size


def read_member(
    zf: zipfile.ZipFile, name: str, limits: Limits = DEFAULT_LIMITS, *, what: str = "ZIP container"
) -> bytes:
    """Read one member, stopping at the per-member cap even when its header understates it."""
    try:
        with zf.open(name) as fh:
            data = fh.read(limits.max_member_bytes + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise ParseError(f"{what}: {name} is damaged: {exc}", reason="unreadable") from exc
    if len(data) > limits.max_member_bytes:
        raise ParseError(
            f"{what}: {name} unpacks to more than {limits.max_member_bytes / MB:.0f} MB "
            "(its header understated the size)",
            reason="zip_bomb",
        )
    return data


def check_pdf_streams(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a PDF whose compressed streams inflate beyond the cap (checked before opening).

    PDFium inflates every content, font and object stream whole in memory, so a "flate bomb" (a
    few KB that inflate to gigabytes) must be caught first (:func:`pdfbytes.inflates_beyond`).
    """
    if pdfbytes.inflates_beyond(data, limits.max_unpacked_bytes):
        raise ParseError(
            f"PDF streams inflate to more than {limits.max_unpacked_bytes / MB:.0f} MB "
            "(compression bomb)",
            reason="zip_bomb",
        )
