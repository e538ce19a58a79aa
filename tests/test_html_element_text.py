"""The HTML source reads an element's text with lexbor's own text content
(``text_lexbor``), which is quicker than selectolax's walk (``text(separator="")``): the two
give the same text for every element, on markup of every kind of node (comments, CDATA in
foreign content, raw text, entities, bytes that are not UTF-8)."""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

_PIECES = (
    "本年新收", "<p>", "</p>", "<td>", "<tr>", "<table>", "</table>", "<div>", "</div>",
    "<!-- 注释 -->", "<svg><![CDATA[甲<乙]]></svg>", "<math><mi>x</mi><![CDATA[y]]></math>",
    "<script>var a = '<td>';</script>", "<textarea>t<p>x</textarea>", "&amp;&lt;&#x4e00;&nbsp;",
    "<template><td>模板</td></template>", "<noscript><b>n</b></noscript>", " ", "\n", "1",
    "<span>半</span>", "<br>", "<title>标<题</title>", "<!DOCTYPE html>", "<?xml x?>",
)  # fmt: skip
_BYTES = (b"\xff", b"\xe4\xb8", b"\xc3", b"\x00")


@pytest.mark.parametrize("seed", range(150))
def test_an_elements_lexbor_text_is_its_walked_text(seed):
    rng = random.Random(seed)
    parts = [rng.choice(_PIECES).encode() for _ in range(rng.randint(1, 40))]
    for _ in range(rng.randint(0, 3)):
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(_BYTES))
    tree = LexborHTMLParser(b"".join(parts))
    for node in tree.root.traverse():
        if node.is_element_node:
            assert node.text_lexbor() == node.text(separator=""), node.tag
