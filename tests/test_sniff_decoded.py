"""A page in another encoding than UTF-8 is decoded once: the text the encoding's check
decoded is the text the parser reads, the same as decoding the bytes with replacement."""

from __future__ import annotations

import random

import pytest

from fixtures.reportgen import random_record, render_html
from parsers import sniff


def _page(encoding: str, seed: int) -> bytes:
    rng = random.Random(seed)
    page = render_html(random_record(rng, "2021"), "trs_page", rng=rng)
    page = page.replace("utf-8", encoding).replace("UTF-8", encoding)
    return page.encode(encoding, errors="replace")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5"])
@pytest.mark.parametrize("cut", [0, 1, 2, 3])
def test_the_text_is_the_bytes_decoded_with_replacement(encoding, cut):
    data = _page(encoding, cut)
    data = data[: len(data) - cut] if cut else data  # (a download cut inside a character)
    examined = sniff.examine(data)
    assert examined.sniffed.kind == sniff.HTML and not examined.utf8
    expected = data.decode(examined.sniffed.encoding, errors="replace")
    assert examined.text == expected == sniff.decode_text(data, examined.sniffed)


def test_utf8_is_still_told_from_a_text_decoded_in_another_encoding():
    data = _page("gbk", 9)
    assert sniff.examine(data).utf8 is False
    assert sniff.examine(data.decode("gbk").encode()).utf8 is True
