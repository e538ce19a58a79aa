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
