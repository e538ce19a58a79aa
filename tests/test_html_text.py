"""The text of a page read from its tree as parsed (:mod:`parsers.cells.html_text`): the same
cells and lines as the page's tree with a line feed written before every block tag (how the
reader read pages before), on generated pages of every style and on hostile markup."""

from __future__ import annotations

import random
import re

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.html import (
    _DROP_TAGS,
    _article_root,
    html_document,
    innermost_tables,
    reading_tree,
    statutory_tables,
)
from parsers.cells.html_grid import _CELL_TAG_IDS, table_rows
from parsers.cells.html_lines import ReportLines
from parsers.cells.html_marks import BLOCK_START
from parsers.cells.html_text import block_text, cell_texts, outer_text, text_backwards
from parsers.labels import normalize_cell, normalize_lines

# Markup where a block element's line feed matters, or where the parser moves or makes nodes.
_HOSTILE = (
    "<td><p>本年</p><p>新收</p></td>",
    "<td>1<br>2</td>",
    "<td>1<br><br/><br>2</td>",
    "<td><span>a</span><div>b<span>c</span></div>d</td>",
    "<td><span>本年</span><span>新收</span></td>",
    "<td>\n  <p>a</p>\n</td>",
    "<td><ul><li>一<li>二</ul>三</td>",
    "<td><pre>\n<div>x</div> y</pre>z</td>",
    "<td><table><tr><td>内</td></tr></table>外</td>",
    "<td>a<hr>b<h3>c</h3>d</td>",
    "<td>a<P class=x>b</P><DIV\tid=y>c</DIV></td>",
    "<td>e<p>\u0301</p></td>",
    "<td>&nbsp;</td>",
    "<td></td>",
    "<td>x<center>y</center><blockquote>z</blockquote></td>",
)


def _marked(page: str) -> LexborHTMLParser:
    return LexborHTMLParser(BLOCK_START.sub("\n<", page))


def _dropped(tree: LexborHTMLParser) -> LexborHTMLParser:
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    return tree


def _cells(table):
    return [
        node
        for row in table_rows(table, 1000)
        for node in row.iter()
        if node.tag_id in _CELL_TAG_IDS
    ]


def _pages():
    rng = random.Random(14)
    for style in HTML_STYLES:
        for template in ("2021", "2019"):
            yield render_html(random_record(rng, template), style, rng=rng)
    for k in range(40):
        page = render_html(random_record(rng, "2021"), rng.choice(HTML_STYLES), rng=rng)
        for _ in range(rng.randint(1, 6)):  # hostile cells put in place of printed ones
            at = page.find("<td", rng.randrange(len(page)))
            end = page.find("</td>", at)
            if at >= 0 and end >= 0:
                page = page[:at] + rng.choice(_HOSTILE) + page[end + 5 :]
        if k % 4 == 0:  # a list, a <pre> and <br> runs among the prose
            page = page.replace("</p>", "<br><br/>尾<br></p><ul><li>一<li>二</ul>", 2)
            page = page.replace("<table", "<pre>\n<div>预</div> 排</pre><table", 1)
        yield page


@pytest.mark.parametrize("page", list(_pages()), ids=lambda _: "")
def test_cells_and_lines_read_as_from_the_marked_page(page):
    raw, _ = reading_tree(page)
    raw, marked = _dropped(raw), _dropped(_marked(page))
    raw_tables, marked_tables = innermost_tables(raw.body), innermost_tables(marked.body)
    assert len(raw_tables) == len(marked_tables)
    for table, marked_table in zip(raw_tables, marked_tables, strict=True):
        read = [normalize_cell(t) for t in cell_texts(table, _cells(table))]
        assert read == [normalize_cell(c.text_lexbor()) for c in _cells(marked_table)]
    assert normalize_lines(block_text(raw.body)) == normalize_lines(marked.body.text())


def test_a_cell_of_blocks_reads_its_parts_apart():
    page = "<table><tr>" + "".join(_HOSTILE) + "</tr></table>"
    tree, _ = reading_tree(page)
    table = tree.css_first("table")
    texts = [normalize_cell(t) for t in cell_texts(table, _cells(table))]
    assert texts[:4] == ["本年 新收", "1 2", "1 2", "a bcd"]
    assert texts[4] == "本年新收"  # (inline runs: one word)


def test_outer_text_has_the_line_feed_before_a_block():
    tree = LexborHTMLParser("<div>a<p>b<b>c</b></p><span>d<br>e</span>f</div>")
    div = tree.css_first("div")
    assert block_text(div) == "a\nbcd\nef"
    assert [outer_text(n) for n in div.iter(include_text=True)] == ["a", "\nbc", "d\ne", "f"]


def test_text_that_only_looks_like_a_tag_is_read_as_written():
    """Inside a <title> or an attribute value, ``<p`` is text: it starts no line (the marked
    page had a line feed written into it)."""
    page = (
        '<html><head><title>某某县<p>年度报告</title><meta name="ContentSource" '
        'content="来源<br>某某局"></head><body><p>正文</p></body></html>'
    )
    doc = html_document(page)
    assert doc.title == "某某县<p>年度报告"
    assert doc.meta["ContentSource"] == "来源<br>某某局"


def test_text_the_parser_moves_out_of_a_row_reads_where_it_stands():
    """Text written directly in a <tr> goes before the table: with the text before it, on the
    line a browser shows it on."""
    page = "<body><p>前</p><table><tr>甲<td>1</td></tr><tr>乙<td>2</td></tr></table></body>"
    tree, _ = reading_tree(page)
    assert normalize_lines(block_text(tree.body)) == ["前甲乙", "1", "2"]
    table = tree.css_first("table")
    assert cell_texts(table, _cells(table)) == ["1", "2"]


@pytest.mark.parametrize("page", list(_pages())[::3], ids=lambda _: "")
def test_the_text_read_backwards_is_the_text(page):
    tree, _ = reading_tree(page)
    tree = _dropped(tree)
    for node in [tree.body, *tree.css("div, table, tr, td, p, ul")[:60]]:
        assert "".join(reversed(list(text_backwards(node)))) == block_text(node)


def _report_block(page: str) -> tuple[LexborNode, LexborNode]:
    """The page's body and its report block, in the tree the reader reads (drops removed)."""
    tree = _dropped(reading_tree(page)[0])
    root = tree.body
    assert root is not None
    return root, _article_root(root, statutory_tables(root), tree)


@pytest.mark.parametrize("page", list(_pages())[::2], ids=lambda _: "")
def test_the_end_of_the_text_read_backwards_is_the_end_of_the_whole_text(page):
    """The end of the report block's text walked back to (the sign-off's lines) is what the
    whole text gives; the bound on its length made without it bounds it."""
    root, article = _report_block(page)
    for lines, chars in ((15, 0), (3, 200), (80, 0), (400, 5000)):
        walked = ReportLines(root, article, source=page.encode())
        whole = ReportLines(root, article)
        end = walked.text_end(lines, chars)
        assert end == whole.text_end(lines, chars)
        text = "\n".join(whole.lines)
        assert end == text or text.endswith("\n" + end)
        assert end == text or (len(end.split("\n")) >= lines and len(end) > chars)
    bounded = ReportLines(root, article, source=page.encode())
    most = bounded.most_chars()
    assert not bounded.made
    assert most >= len("\n".join(bounded.lines))


def _ends_after_tables(rng: random.Random):
    """Generated pages whose report block closes with at most a few short lines after its
    tables (no sign-off: a report that stops there): the end walked back reaches into the
    tables' rows, past the first cut of the text's end."""
    for k in range(12):
        page = render_html(random_record(rng, ("2021", "2019")[k % 2]), HTML_STYLES[k % 5], rng=rng)
        at = page.rfind("</table>")
        kept = iter(range(k % 6))
        tail = re.sub(
            r"(<p[^>]*>)(.*?)(</p>)",
            lambda m, kept=kept, blank="\u00a0" * (k % 3): (
                m[0] if next(kept, None) is not None else m[1] + blank + m[3]
            ),
            page[at:],
            flags=re.S,
        )
        yield page[:at] + tail


@pytest.mark.parametrize("page", list(_ends_after_tables(random.Random(41))), ids=lambda _: "")
def test_the_end_of_a_text_ending_in_its_tables_read_backwards_is_the_whole_texts(page):
    root, article = _report_block(page)
    for lines, chars in ((15, 0), (15, 400), (40, 0), (3, 0)):
        walked = ReportLines(root, article, source=page.encode())
        end = walked.text_end(lines, chars)
        assert end == ReportLines(root, article).text_end(lines, chars)
        assert not walked.made  # read from the end, not from the whole text
