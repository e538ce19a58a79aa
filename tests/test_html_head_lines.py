"""The page's head lines are normalized piece by piece (:func:`parsers.cells.html_lines.head_lines`):
the same lines as normalizing the whole text, whatever the text and wherever a piece ends."""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.bounds import MAX_TEXT_CHARS
from parsers.cells.html import _DROP_TAGS, _article_root, reading_tree, statutory_tables
from parsers.cells.html_lines import (
    HEAD_LINES,
    PAGE_HEAD_CHARS,
    ReportLines,
    head_lines,
    report_lines,
)
from parsers.cells.html_marks import BLOCK_START
from parsers.cells.html_text import block_text
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
    from parsers.cells.html_lines import _head_around

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


def _navigation(rng: random.Random) -> str:
    """Page chrome before the report: lines of links, some text run into what follows."""
    items = "".join(f"<li><a href='#'>栏目{k}</a></li>" for k in range(rng.randint(0, 120)))
    tail = rng.choice(["", "<span>当前位置：首页</span>", "首页 > 信息公开", "<br>"])
    return f"<div class='nav'><ul>{items}</ul></div>{tail}"


def _marked(page: str) -> LexborHTMLParser:
    """The page's tree with a line feed written before every block tag: the lines the tree
    of the page as it is reads (:mod:`parsers.cells.html_text`) are this tree's text's."""
    return LexborHTMLParser(BLOCK_START.sub("\n<", page))


@pytest.mark.parametrize("style", HTML_STYLES)
def test_report_lines_are_the_page_head_lines_and_the_block_lines(style):
    rng = random.Random(style)
    for template in ("2021", "2019"):
        for _ in range(6):
            page = render_html(random_record(rng, template), style, rng=rng)
            cut = page.index("<body") + page[page.index("<body") :].index(">") + 1
            page = page[:cut] + _navigation(rng) + page[cut:]
            tree, _ = reading_tree(page)
            marked = _marked(page)
            for node in tree.css(_DROP_TAGS) + marked.css(_DROP_TAGS):
                node.decompose()
            root, marked_root = tree.body, marked.body
            article = _article_root(root, statutory_tables(root), tree)
            marked_article = _article_root(marked_root, statutory_tables(marked_root), marked)
            assert (article is root) == (marked_article is marked_root)
            page_text = marked_root.text(separator="")
            body = page_text if article is root else marked_article.text(separator="")
            expected = (
                head_lines(page_text[:PAGE_HEAD_CHARS], HEAD_LINES),
                normalize_lines(body[: MAX_TEXT_CHARS + 1]),
            )
            if article is root and len(page_text) <= PAGE_HEAD_CHARS:
                expected = (normalize_lines(page_text)[:HEAD_LINES], normalize_lines(page_text))
            assert report_lines(root, article) == expected


@pytest.mark.parametrize(
    "before", ["", "<p>导航</p>", "<p>导航</p>当前位置", "<ul><li>a</li><li>b</li></ul>"]
)
@pytest.mark.parametrize("lines", [1, 40, 79, 80, 81, 200])
@pytest.mark.parametrize("after", ["", "尾注", "<p>尾注</p>", " 续"])
@pytest.mark.parametrize("tag", ["div", "span"])  # a block starts a line, an inline one not
def test_report_lines_of_a_block_and_the_text_around_it(before, lines, after, tag):
    block = "首行" + "".join(f"<p>第{k}行</p>" for k in range(lines)) + "末行"
    page = f"<html><body>{before}<{tag} id='report'>{block}</{tag}>{after}</body></html>"
    tree, _ = reading_tree(page)
    root = tree.body
    article = root.css_first("#report")
    marked = _marked(page).body
    page_text = marked.text(separator="")
    expected_head = head_lines(page_text[:PAGE_HEAD_CHARS], HEAD_LINES)
    expected_lines = normalize_lines(marked.css_first("#report").text())
    assert report_lines(root, article) == (expected_head, expected_lines)


def _head_cases():
    """Pages of every style, with and without a title meta tag and page chrome before the
    report (the block a part of the page, or the page its block), short and long blocks."""
    rng = random.Random(1414)
    for style in HTML_STYLES:
        for k in range(4):
            record = random_record(rng, ("2021", "2019")[k % 2], big=k == 3)
            page = render_html(record, style, rng=rng)
            if k % 2:
                page = page.replace("<head>", '<head><meta name="ArticleTitle" content="报告">', 1)
            yield page
            cut = page.index("<body") + page[page.index("<body") :].index(">") + 1
            yield page[:cut] + _navigation(rng) + page[cut:]
            filler = "".join(f"<p>说明第{j}段。</p>" for j in range(rng.choice((5, 900, 3000))))
            yield page.replace("</table>", "</table>" + filler, 1)  # a block that is long


@pytest.mark.parametrize("page", list(_head_cases()), ids=lambda _: "")
def test_head_lines_walked_from_the_start_are_the_head_of_the_whole_text(page):
    """The head read by a walk that stops once it holds the page's first lines is the head
    read from the whole text of the block and of the page."""
    tree, _ = reading_tree(page)
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    root = tree.body
    article = _article_root(root, statutory_tables(root), tree)
    walked = ReportLines(root, article, source=page.encode()).head
    assert walked == head_lines(block_text(root)[:PAGE_HEAD_CHARS], HEAD_LINES)
    if article is not root:  # (given the block's whole text, the head is read from it)
        assert walked == ReportLines(root, article, block_text(article)).head


@pytest.mark.parametrize(
    "before",
    ["", "<p>导航</p>", "<p>导航</p>当前位置", "<p>长</p>" * 4000, "<p>" + "长" * 29_990 + "</p>"],
)
@pytest.mark.parametrize("lines", [1, 79, 80, 81, 200])
@pytest.mark.parametrize("tag", ["div", "span"])
def test_head_lines_walked_of_short_blocks_and_long_text_before_them(before, lines, tag):
    block = "首行" + "".join(f"<p>第{k}行</p>" for k in range(lines)) + "末行"
    page = f"<html><body>{before}<{tag} id='report'>{block}</{tag}>尾注</body></html>"
    tree, _ = reading_tree(page)
    root = tree.body
    article = root.css_first("#report")
    found = ReportLines(root, article, source=page)
    assert found.head == head_lines(block_text(root)[:PAGE_HEAD_CHARS], HEAD_LINES)
    assert found.lines == normalize_lines(block_text(article))
