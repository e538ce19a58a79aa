"""The HTML source builds its tree without lexbor's DOM events
(:func:`parsers.cells.html.reading_tree`): on markup of every kind the tree is the one built
with them, once the elements the reader drops are gone (the events copy a ``<select>``'s
chosen option into its ``<selectedcontent>``, inside the dropped ``<select>``)."""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.cells import html as html_source

_PIECES = (
    "<select><button><selectedcontent></selectedcontent></button><option selected>甲</option>"
    "<option>乙</option></select>",
    "<selectedcontent>x</selectedcontent>", "<style>td { color: red }</style>",
    '<td style="width: 3px">1</td>', "<table><tr><td>本年新收</td>", "</table>", "<tr>", "<td>",
    "<template><p>t</p></template>", "<noscript><p>n</p></noscript>", "<p>段</p>", "<div>",
    "</div>", "<svg><title>s</title></svg>", "<math><mi>m</mi></math>", "<script>x</script>",
    "<form><input value=1></form>", "<iframe>i</iframe>", "<br>", "文字", " ",
)  # fmt: skip


def _without_drops(tree: LexborHTMLParser) -> str:
    for node in tree.css(html_source._DROP_TAGS):
        node.decompose()
    return tree.html or ""


@pytest.mark.parametrize("seed", range(150))
def test_the_tree_without_events_is_the_tree_with_them(seed):
    rng = random.Random(seed)
    page = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 30)))
    without, _dropped = html_source.reading_tree(page)
    assert _without_drops(without) == _without_drops(LexborHTMLParser(page))


def test_the_events_change_only_what_is_dropped():
    """What the events do is seen in the tree, inside the ``<select>`` (so the test above
    compares trees that could differ)."""
    page = _PIECES[0]
    without, _dropped = html_source.reading_tree(page)
    with_events = LexborHTMLParser(page)
    assert without.html != with_events.html
    assert _without_drops(without) == _without_drops(with_events)
