"""A long UTF-8 HTML page is told from its first bytes and checked as UTF-8 a piece at a time,
without its text: the answer (kind, encoding, detail, strict UTF-8, lines) is the one the
whole decoded text gives, on every input; only the text is left for the HTML reader's bytes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.reportgen import HTML_STYLES, random_record, render_html, render_pipe
from parsers import sniff as S


def _read_whole(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[S.Examined, object]:
    """What :func:`sniff.examine_lines` gives from the whole decoded text."""
    with monkeypatch.context() as patch:
        patch.setattr(S, "_utf8_html", lambda data: False)
        return S.examine_lines(data)


def _assert_same_answer(data: bytes, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The answer equals the whole text's; True when the page was told from its head."""
    (found, text, utf8), lines = S.examine_lines(data)
    (whole, whole_text, whole_utf8), whole_lines = _read_whole(data, monkeypatch)
    assert (found, utf8, lines) == (whole, whole_utf8, whole_lines)
    if text is None and whole_text is not None:
        assert (found.kind, found.encoding, utf8) == (S.HTML, "utf-8", True)
        assert whole_text == data.decode("utf-8") == S.decode_text(data, found)
        return True
    assert text == whole_text
    return False


def _page(seed: int) -> bytes:
    rng = random.Random(seed)
    record = random_record(rng, rng.choice(["2019", "2021"]))
    return render_html(record, HTML_STYLES[seed % len(HTML_STYLES)], rng=rng).encode("utf-8")


_PAGES = [_page(seed) for seed in range(len(HTML_STYLES))]


def test_a_long_utf8_page_is_told_from_its_head(monkeypatch):
    assert all(len(page) > S._LONG_PAGE for page in _PAGES)
    assert all(_assert_same_answer(page, monkeypatch) for page in _PAGES)
    short = "<html><body><table><tr><td>一</td></tr></table></body></html>".encode()
    assert not _assert_same_answer(short, monkeypatch)
    late = b"<div>" + "政务公开\n".encode() * 9000 + b"<table><tr><td>1</td></tr></table>"
    assert not _assert_same_answer(late, monkeypatch)  # its tag past 64 KB, in 64 K characters


def test_checked_a_piece_at_a_time_as_decoded_whole():
    rng = random.Random(3)
    text = "".join(rng.choice("a<>中文\u3000é😀\n") for _ in range(3 * S._CHECK_BYTES))
    data = text.encode("utf-8")
    assert S._strict_utf8(data)
    for at in (S._CHECK_BYTES - 1, S._CHECK_BYTES, 2 * S._CHECK_BYTES + 1, len(data) - 1):
        for bad in (b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf0\x9f"):
            damaged = data[:at] + bad + data[at:]
            try:
                damaged.decode("utf-8")
            except UnicodeDecodeError:
                assert not S._strict_utf8(damaged)
            else:
                assert S._strict_utf8(damaged)
        assert not S._strict_utf8(data[: len(data) - 1]) or data[-1] < 0x80


_MUTATIONS = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=1, allow_nan=False),
        st.sampled_from(
            [
                b"\xff",  # invalid anywhere
                b"\xe4\xb8",  # a character cut short
                b"\xed\xa0\x80",  # an encoded surrogate
                b"\xc0\xaf",  # an overlong form
                "中".encode(),
                "\u3000".encode(),  # ideographic space
                b"\xef\xbb\xbf",  # a byte-order mark inside the page
                b" " * 5000,  # leading blanks
                b"<?xml version='1.0'?>",
                b"MIME-Version: 1.0\n",
                b"multipart/related Content-Type:",
                b"<html>",
                b"<HTML\t",
                b"<!DOCTYPE\n html>",
                b"<html\xe3\x80\x80",  # a tag ended by an ideographic space
                b"<",
                b"\x01\x02\x03",  # control bytes
                b"|",
            ]
        ),
        st.booleans(),  # insert, or replace as many bytes
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    page=st.sampled_from(range(len(_PAGES))),
    mutations=_MUTATIONS,
    cut=st.integers(min_value=0, max_value=4),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\n", b"<?xml version='1.0'?>\n"]),
)
def test_mutated_pages_get_the_whole_texts_answer(page, mutations, cut, prefix):
    data = bytearray(_PAGES[page])
    for where, piece, insert in mutations:
        at = int(where * len(data))
        data[at : at if insert else at + len(piece)] = piece
    data = bytes(prefix + data[: len(data) - cut])
    with pytest.MonkeyPatch.context() as monkeypatch:
        _assert_same_answer(data, monkeypatch)


@settings(max_examples=200, deadline=None)
@given(
    head=st.one_of(st.binary(max_size=64), st.sampled_from([b"<html>", b"<body ", b" <table>"])),
    body=st.text(alphabet="<>ahtmlbody!DOCTYPE中文 \n\t\u3000", max_size=400),
    repeat=st.integers(min_value=1, max_value=200),
    tail=st.binary(max_size=8),
)
def test_random_long_texts_get_the_whole_texts_answer(head, body, repeat, tail):
    data = head + (body * repeat).encode("utf-8") + tail
    with pytest.MonkeyPatch.context() as monkeypatch:
        _assert_same_answer(data, monkeypatch)


def test_long_pipe_text_and_gbk_pages_are_read_whole(monkeypatch):
    record = random_record(random.Random(5), "2021")
    pipe = (render_pipe(record) * 4).encode("utf-8")
    assert len(pipe) > S._LONG_PAGE
    assert not _assert_same_answer(pipe, monkeypatch)
    gbk = _PAGES[0].decode("utf-8").replace("utf-8", "gbk").encode("gbk", errors="replace")
    assert not _assert_same_answer(gbk, monkeypatch)
