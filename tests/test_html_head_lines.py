"""The page's head lines are normalized piece by piece (:func:`parsers.cells.html.head_lines`):
the same lines as normalizing the whole text, whatever the text and wherever a piece ends."""

from __future__ import annotations

import random

import pytest

from parsers.cells.html import head_lines
from parsers.labels import normalize_lines

_PIECES = (
    "\n", "\n\n", " ", "\u3000", "\u00a0", "　\n", "２０２４年", "（一）", "发布日期：", "本年新收",
    "ﬁ", "Ａ", "e\u0301", "\r", "\t", "abc", "政府信息公开工作年度报告", "x" * 3000, "\n" * 50,
)  # fmt: skip


@pytest.mark.parametrize("seed", range(60))
def test_head_lines_are_the_first_lines_of_the_whole_text(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 400)))
    for limit in (0, 1, 5, 80, 10_000):
        assert head_lines(text, limit) == normalize_lines(text, limit=limit)


@pytest.mark.parametrize("seed", range(200))
def test_head_lines_around_the_report_block_are_the_page_head_lines(seed):
    from parsers.cells.html import _head_around

    rng = random.Random(seed)
    pieces = [p for p in _PIECES if len(p) < 100] + ["\u0301", "\u3099", "\n\u0301", "ｶ"]
    page = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 300)))
    start = rng.randint(0, len(page))
    end = rng.randint(start, len(page))
    if rng.random() < 0.5:  # the block on lines of its own, most often on real pages
        page = page[:start] + "\n" + page[start:end] + "\n" + page[end:]
        start, end = start + 1, end + 1
    body = page[start:end]
    limit = rng.choice((1, 5, 80))
    found = _head_around(page, body, normalize_lines(body), limit)
    if found is not None:
        assert found == head_lines(page, limit)
