"""The metadata reader reads only the two ends of a report's text: the first lines (its title)
and the last (its sign-off). What it finds there is what reading every line finds: the same
lines, and the same last sign-off as the pattern's every match gives."""

from __future__ import annotations

import random

from parsers import meta

PIECES = [
    "金寨县林业局",
    "平潭综合实验区管委会",
    "2025年1月22日",
    "二〇二三年一月十日",
    "二〇二四年二月二十日",
    "附件",
    "附件：",
    "附表",
    "。",
    "；",
    ";",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u3000",
    "\u2028",
    "\x0b",
    "第二",
    "二是加强",
    "2023年",
    "1月",
    "12日",
    "（盖章）",
    "(",
    "县人民政府办公室",
    "abc",
    "，",
    "、",
    "2024-01-02",
    "发布日期：2024年1月2日",
    "某某县人民政府2023年政府信息公开工作年度报告",
    "年",
    "日",
    "0",
    "〇",
]


def _texts(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(0, 40))]
        if rng.random() < 0.3:
            parts.insert(0, "正文内容。\n" * rng.randint(1, 600))
        if rng.random() < 0.3:
            parts.append("\n0" * rng.randint(0, 400))
        yield "".join(parts)


def test_the_ends_are_the_lines_every_line_gives():
    for text in _texts(1500, 1):
        lines = list(filter(str.strip, text.splitlines()))
        *_, (head, whole) = meta._head_lines(text)
        assert whole and head == lines[: meta._HEAD_LINES]
        tail, count = meta._tail_lines(text)
        assert tail == lines[-meta._TAIL_LINES :]
        assert count == len(lines) or count == meta._TAIL_LINES <= len(lines)


def test_the_last_sign_off_is_the_last_match_of_the_pattern():
    found = 0
    for text in _texts(3000, 2):
        matches = list(meta._SIGNOFF.finditer(text))
        expected = None
        if matches:
            last = matches[-1]
            expected = (last["agency"], last["date"], last.start("date"))
            found += 1
        assert meta._last_signoff(text) == expected, text
    assert found > 300  # the texts do end in sign-offs


FIELD_PIECES = [
    "发布日期：2024-01-02",
    "发布时间: 2024-01-02 10:30",
    "来 源：平潭县人民政府",
    "来源:金寨县人民政府办公室",
    "标  题：某某县2023年报告",
    "时 间:2023-02-20 15:07",
    "日\u3000期：2024年1月2日",
    "发布机构",
    "：金寨县",
    "|",
    " ",
    "正文",
    "(电话:0495-3193009)",
    "索引号：123|发布机构：某局",
]


def test_every_key_of_a_labeled_field_is_read():
    from parsers.cells.fields import LABELED_FIELD, labeled_fields

    keys = LABELED_FIELD.pattern.split("(?P<key>", 1)[1].split(")", 1)[0].split("|")
    assert len(keys) > 10
    for key in keys:
        for spaced in (key.replace(r"\s*", ""), key.replace(r"\s*", " ")):
            line = f"正文 {spaced}：某某县人民政府 |"
            assert labeled_fields([line]) == {key.replace(r"\s*", ""): "某某县人民政府"}, line


def test_labeled_fields_are_the_fields_of_each_line_in_turn():
    import re

    from parsers.cells.fields import LABELED_FIELD, labeled_fields

    rng = random.Random(3)
    for _ in range(2000):
        lines = ["".join(rng.choices(FIELD_PIECES, k=rng.randint(0, 4))) for _ in range(8)]
        expected: dict[str, str] = {}
        for line in lines:
            for match in LABELED_FIELD.finditer(line):
                key = re.sub(r"\s+", "", match.group("key"))
                expected.setdefault(key, match.group("value").strip())
        assert labeled_fields(lines) == expected, lines
