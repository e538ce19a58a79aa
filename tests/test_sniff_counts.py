"""Pipe text is recognised from whole-text counts of its marks where those prove what the
count of each line's marks decides: on texts made of the lines real pages show (cells, runs of
empty cells, markdown rows, bars in prose, blank cells, tags), whenever the counts say pipe
text, the lines say so too; and the pipe texts the generator writes are proved so."""

from __future__ import annotations

import random

from fixtures.reportgen import HTML_STYLES, random_record, render_pipe
from parsers import sniff as S

LINES = [
    "规章 |",
    "0 |",
    "12 |",
    "行政许可 | 0 | ||",
    "|",
    "||",
    "||||",
    "|| ",
    " |",
    "\u3000 |",
    "\t|",
    "| 项目 | 数量 |",
    "| a | b | c |",
    "|---|---|",
    "a | b |",
    "甲|乙 |",
    "x|",
    "|x |",
    "一、总体情况",
    "2024年,我局认真落实政务公开工作。",
    "<p>段落</p>",
    "<div>",
    "# 标题",
    "",
    "   ",
    "电话:0495-3193009",
]


PIPE_LINES = ["规章 |", "0 |", "12 |", "||", "|||", "一、总体情况"]


def _texts(count: int, seed: int):
    """Pipe text with a few other lines among its own, and texts of any lines."""
    rng = random.Random(seed)
    for _ in range(count):
        lines = rng.choices(PIPE_LINES, k=rng.randint(0, 40))
        for _ in range(rng.choice([0, 1, 2, 4, 8, 30])):
            lines.insert(rng.randint(0, len(lines)), rng.choice(LINES))
        end = rng.choice(["\n"] * 6 + ["\r\n", "\x0c", "\u2028"])
        yield end.join(lines) + rng.choice(["", "\n"])


def test_pipe_text_proved_from_counts_is_pipe_text_line_by_line():
    proved = 0
    for text in _texts(3000, 14):
        tags = len(S._HTML_TAG.findall(text, 0, 65536))
        if S._surely_pipe(text, tags):
            proved += 1
            assert S._counted_form(text, tags, None) == S.PIPE, text
    assert proved > 300


def test_generated_pipe_text_is_proved_from_counts():
    rng = random.Random(15)
    for i in range(40):
        record = random_record(rng, ("2019", "2021")[i % 2], blank_rate=rng.choice([0, 0.2]))
        text = render_pipe(record, HTML_STYLES[i % len(HTML_STYLES)], rng=rng)
        tags = len(S._HTML_TAG.findall(text, 0, 65536))
        assert S._surely_pipe(text, tags)
        assert S._counted_form(text, tags, None) == S.PIPE


def test_the_start_is_the_text_after_its_leading_blanks():
    for text in (
        "",
        " \n",
        "\ufeff\n<html>",
        " " * 5000 + "abc",
        "\n" * 9000 + "x" * 10,
        "a" * 9000,
    ):
        assert S._start(text) == text.lstrip("\ufeff \t\r\n")[:4096]
