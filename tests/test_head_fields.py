"""The labeled fields of a page's first lines, looked for in its text nodes before the lines are
read (:meth:`parsers.cells.html_lines.ReportLines.head_fields`,
:func:`parsers.cells.fields.may_hold_fields`): the same fields as read from the lines, and the
lines left unread when the text holds no label followed by a colon."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells import html as source
from parsers.cells.fields import (
    COLON_SOURCES,
    FIELD_KEYS,
    MADE_BY_NFKC,
    labeled_fields,
    may_hold_fields,
)
from parsers.cells.html_lines import ReportLines
from parsers.cells.html_text import block_text
from parsers.labels import normalize_lines


def _key_characters() -> set[str]:
    return {char for key in FIELD_KEYS for char in key.replace(r"\s*", "")}


def test_nfkc_makes_colons_label_characters_and_white_space_as_the_search_assumes():
    """Over every code point: a colon is made only of COLON_SOURCES, a label's character only
    of itself, and white space (or nothing) only of white space."""
    keys = _key_characters()
    colons, blank = set(), set()
    makers: dict[str, set[str]] = {}
    for code in range(0x110000):
        char = chr(code)
        form = unicodedata.normalize("NFKC", char)
        if ":" in form or "：" in form:
            colons.add(char)
        made = [made for made in form if made in keys]
        if made and char not in keys:
            assert len(made) == 1, char  # (one character of a label, at most)
            makers.setdefault(made[0], set()).add(char)
        if not char.isspace() and (form == "" or form.isspace()):
            blank.add(char)
    assert colons == set(COLON_SOURCES)
    assert {key: _expanded(chars) for key, chars in MADE_BY_NFKC.items()} == makers
    assert blank == set()


def _expanded(chars: str) -> set[str]:
    """The characters of a regular-expression class's content (single characters, ranges)."""
    out: set[str] = set()
    for first, last, single in re.findall(r"(.)-(.)|(.)", chars):
        if single:
            out.add(single)
        else:
            out.update(map(chr, range(ord(first), ord(last) + 1)))
    return out


_PIECES = (
    *("标题", "标 题", "发布日期", "日\u3000期", "来 源", "发文单位", "时间", "上载日期", "单位"),
    *(":", "：", "\ufe55", "\ufe13", "\u2a74", " ", "\u3000", "\u00a0", "\n", "\t"),
    *("2024-01-17", "某县人民政府", "2023年", "（", "）", "|", "标", "期", "x", "\u0301", "Ａ"),
    *("⽇期", "㏠期", "发布㊐期", "发⽂单位", "㆖载日期", "\U0002f8b2文日期", "㈰期", "发布日"),
)


@pytest.mark.parametrize("seed", range(4))
def test_no_field_is_found_in_lines_whose_text_the_search_passes(seed):
    rng = random.Random(seed)
    passed = 0
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        found = labeled_fields(normalize_lines(text))
        if not may_hold_fields(text, len(text)):
            passed += 1
            assert found == {}, text
        elif found:
            assert may_hold_fields(text, len(text))
    assert passed > 300  # (the search does pass texts)


def _lines_of(page: str) -> tuple[ReportLines, str]:
    """The page's lines as html_document makes them, and the page's text."""
    tree, _ = source.reading_tree(page)
    scanned = tree.css(source._SCAN)
    for node in scanned:
        if node.tag in source.DROP_TAGS:
            node.decompose()
    root = tree.body or tree.root
    assert root is not None
    article = source._article_root(root, source.statutory_tables(root), tree)
    encoded = page.encode("utf-8")
    return ReportLines(root, article, source=encoded), block_text(root)


_FIELDS = (
    "<p>发布日期：2024-01-17</p>",
    "<p>日 期:2023年2月1日</p>",
    "<div><span>来\u3000源</span>&#65306;<b>某县人民政府</b></div>",
    "<p>标 题﹕某县2023年政府信息公开工作年度报告</p>",
    "<p>发文单位</p><p>：某县人民政府</p>",  # (label and colon on two lines: no field)
    "<td>时间 ︓ 2024-02-03 10:20</td>",
    "<p>发布&#x2f47;期：2024-01-17</p>",
)


@pytest.mark.parametrize("style", HTML_STYLES)
def test_head_fields_are_the_labeled_fields_of_the_first_lines(style):
    rng = random.Random(style)
    for round_ in range(12):
        page = render_html(random_record(rng, rng.choice(("2019", "2021"))), style, rng=rng)
        injected = bool(round_ % 3)
        if injected:
            field = rng.choice(_FIELDS)
            marks = [m.end() for m in re.finditer(r"<(?:body|p|div|table|tr)[^>]*>", page)]
            at = rng.choice(marks) if marks else 0
            page = page[:at] + field + page[at:]
        lines, text = _lines_of(page)
        fields = lines.head_fields()
        unread = lines._head is None
        assert fields == labeled_fields(_lines_of(page)[0].head)
        if unread:
            assert fields == {}
        if not injected and not labeled_fields(normalize_lines(text)):
            assert unread  # (a page printing no field is answered without its first lines)
