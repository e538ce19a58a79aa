"""The page's meta tags and dropped elements are found in one walk of the page
(:data:`parsers.cells.html._SCAN`), its title tags in another (:data:`._TITLE_TAG_SCAN`, made
only when no meta tag names the title) and the title's classes in a third, made only when no
title tag gives a title: the same elements, in the same order of preference, as a search per
selector finds (and as one walk for every title selector, :data:`parsers.cells.html._TITLE_SCAN`)."""

from __future__ import annotations

import random
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.cells import html as html_source
from parsers.labels import normalize_text

_PARTS = (
    "<h1>{}</h1>", "<h1> </h1>", "<h2>{}</h2>", '<div class="title">{}</div>',
    '<p class="article-title main">{}</p>', '<span class="Title">{}</span>',
    '<h2 class="title">{}</h2>', "<title>{}</title>", '<meta name="ArticleTitle" content="{}">',
    '<meta name="PubDate" content="2024-01-0{}">', "<script>var t = '<h1>{}</h1>';</script>",
    "<noscript><h1>{}</h1></noscript>", "<p>{}</p>", '<select><option>{}</option></select>',
    '<svg><title>{}</title></svg>', "<style>.title{{}}</style>",
)  # fmt: skip


def _title_per_selector(tree: LexborHTMLParser) -> str | None:
    """The title as a search per selector finds it."""
    for selector in html_source._TITLE_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            text = normalize_text(node.text(separator=""))
            if text:
                return re.split(r"[_|]| - ", text)[0].strip() or text
    return None


@pytest.mark.parametrize("seed", range(300))
def test_one_walk_finds_what_a_search_per_selector_finds(seed):
    rng = random.Random(seed)
    doctype = rng.choice(("<!DOCTYPE html>", ""))  # quirks mode matches classes case-blind
    head = "".join(rng.choice(_PARTS).format(rng.randint(1, 9)) for _ in range(rng.randint(0, 3)))
    body = "".join(rng.choice(_PARTS).format(rng.randint(1, 9)) for _ in range(rng.randint(0, 8)))
    page = f"{doctype}<html><head>{head}</head><body>{body}</body></html>"
    tree = LexborHTMLParser(page)
    scanned = tree.css(html_source._SCAN)
    metas = [n for n in scanned if n.tag == "meta"]
    assert [n.mem_id for n in metas] == [n.mem_id for n in tree.css("meta")]
    drops = [n.mem_id for n in scanned if n.tag in html_source.DROP_TAGS]
    assert drops == [n.mem_id for n in tree.css(html_source._DROP_TAGS)]
    titled = tree.css(html_source._TITLE_SCAN)
    assert html_source._page_title(titled, {}) == _title_per_selector(tree)
    title_tags = tree.css(html_source._TITLE_TAG_SCAN)
    assert html_source._page_title(title_tags, {}, tree) == _title_per_selector(tree)


_TABLE = "<table><tr><td>本年新收</td><td>{}</td></tr></table>"
_HOLDING = (
    "<noscript>{}</noscript>", "<button>{}</button>", "<object>{}</object>",
    "<select>{}</select>", "<svg>{}</svg>", "<template>{}</template>", "<div>{}</div>",
    "<script>var t = '{}';</script>", "<textarea>{}</textarea>", "<p>{}</p>", "{}",
    "<table><tr><td>{}</td></tr></table>",
)  # fmt: skip


@pytest.mark.parametrize("seed", range(200))
def test_tables_found_in_the_walk_are_those_left_once_the_drops_are_gone(seed):
    rng = random.Random(seed)
    parts = []
    for k in range(rng.randint(1, 6)):
        inner = _TABLE.format(k)
        for _ in range(rng.randint(0, 2)):
            inner = rng.choice(_HOLDING).format(inner)
        parts.append(inner)
    page = f"<html><head><title>t</title></head><body>{''.join(parts)}</body></html>"
    tree, _ = html_source.reading_tree(page)
    scanned = tree.css(html_source._SCAN)
    tags = [node.tag for node in scanned]
    kept = [table.mem_id for table in html_source.kept_tables(scanned, tags)]
    for node in tree.css(html_source._DROP_TAGS):
        node.decompose()
    assert kept == [table.mem_id for table in tree.body.css("table")]
