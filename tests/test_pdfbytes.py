"""The flate-bomb count of a PDF's streams: the answer inflating every stream gives, reached by
inflating only the streams whose bound does not already settle it."""

from __future__ import annotations

import base64
import random
import zlib

import pytest

from parsers import pdfbytes


def _stream(body: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    head = b"<< /Filter " + filters if filters else b"<<"
    return head + b" /Length %d >>\nstream\n" % len(body) + body + b"\nendstream\n"


def _file(streams: list[bytes]) -> bytes:
    objects = [b"%d 0 obj\n" % n + s + b"endobj\n" for n, s in enumerate(streams, start=1)]
    return b"%PDF-1.4\n" + b"".join(objects) + b"%%EOF\n"


def _contents(rng: random.Random) -> list[bytes]:
    """Inflated stream contents from nearly incompressible to a long run of one byte."""
    out = []
    for _ in range(rng.randint(1, 6)):
        size = rng.choice([10, 1_000, 50_000, 400_000])
        alphabet = rng.choice([b" ", b"01", bytes(range(256))])
        out.append(
            bytes(rng.choice(alphabet) for _ in range(min(size, 2_000))) * (size // 2_000 + 1)
        )
    return out


def _pdf_of(contents: list[bytes], rng: random.Random) -> tuple[bytes, int]:
    """A file holding the contents as Flate, ASCII85-then-Flate, hex-then-Flate and plain streams, and the
    size they inflate to in all."""
    streams = []
    for content in contents:
        kind = rng.choice(["flate", "a85", "hex", "plain"])
        if kind == "flate":
            streams.append(_stream(zlib.compress(content, 9)))
        elif kind == "a85":
            packed = base64.a85encode(zlib.compress(content, 9), adobe=True)
            streams.append(_stream(packed, b"[/ASCII85Decode /FlateDecode]"))
        elif kind == "hex":
            packed = zlib.compress(content, 9).hex().encode() + b">"
            streams.append(_stream(packed, b"[/AHx /Fl]"))
        else:
            streams.append(_stream(content, b""))
    return _file(streams), sum(len(c) for c in contents)


@pytest.mark.parametrize("seed", range(12))
def test_the_answer_is_the_one_every_stream_inflated_gives(seed):
    rng = random.Random(seed)
    data, total = _pdf_of(_contents(rng), rng)
    for cap in (0, total // 3, total - 1, total, total + 1, 10 * total):
        assert pdfbytes.inflates_beyond(data, cap) == (total > cap), cap


def test_streams_bounded_under_the_cap_are_not_inflated(monkeypatch):
    def refuse(body: bytes, cap: int) -> int:
        raise AssertionError("inflated")

    data = _file([_stream(zlib.compress(b"BT /F1 12 Tf (x) Tj ET" * 50))] * 3)
    monkeypatch.setattr(pdfbytes, "inflated_size", refuse)
    assert not pdfbytes.inflates_beyond(data, 256 << 20)


def _noise(size: int, seed: int) -> bytes:
    """Bytes that do not compress, compressed."""
    return zlib.compress(random.Random(seed).randbytes(size), 9)


def _inflating_recorded(monkeypatch) -> list[int]:
    inflated: list[int] = []
    real = pdfbytes.inflated_size

    def counted(body: bytes, cap: int) -> int:
        inflated.append(len(body))
        return real(body, cap)

    monkeypatch.setattr(pdfbytes, "inflated_size", counted)
    return inflated


def test_the_smallest_stream_that_can_settle_the_count_is_inflated_alone(monkeypatch):
    small, medium, big = _noise(1_000, 1), _noise(10_000, 2), _noise(30_000, 3)
    data = _file([_stream(big), _stream(small), _stream(medium)])
    bounds = pdfbytes.DEFLATE_MAX_RATIO * (len(small) + len(medium) + len(big))
    inflated = _inflating_recorded(monkeypatch)
    # beyond the cap by more than the small stream's bound, less than the medium one's
    cap = bounds - pdfbytes.DEFLATE_MAX_RATIO * (len(small) + len(medium)) // 2
    assert not pdfbytes.inflates_beyond(data, cap)
    assert inflated == [len(medium)]


def test_the_largest_stream_is_inflated_first_when_none_can_settle_it_alone(monkeypatch):
    small, medium, big = _noise(1_000, 1), _noise(10_000, 2), _noise(30_000, 3)
    data = _file([_stream(small), _stream(big), _stream(medium)])
    inflated = _inflating_recorded(monkeypatch)
    cap = 50_000  # all three must be inflated to tell
    assert not pdfbytes.inflates_beyond(data, cap)
    assert inflated[0] == len(big) and sorted(inflated) == sorted(map(len, (small, medium, big)))


def test_a_flate_bomb_is_counted_beyond_the_cap():
    data = _file([_stream(zlib.compress(b" " * (40 << 20), 9))])
    assert pdfbytes.inflates_beyond(data, 16 << 20)
    assert not pdfbytes.inflates_beyond(data, 40 << 20)
