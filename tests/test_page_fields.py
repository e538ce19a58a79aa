"""A page's meta fields with its labeled fields read when first needed
(:class:`parsers.cells.page_fields.PageFields`): every read gives what the dict made at once
gives, and the labeled fields are read only by a read that needs them."""

from __future__ import annotations

import copy
import json
import pickle
import random

import pytest

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.fields import labeled_fields
from parsers.cells.html import html_document
from parsers.cells.page_fields import PageFields

TAGS = {"ArticleTitle": "某县2023年政府信息公开工作年度报告", "PubDate": "2024-01-20"}
LABELED = {"发布日期": "2024-01-21", "PubDate": "1999-01-01", "来源": "某县人民政府"}


def eager() -> dict[str, str]:
    out = dict(TAGS)
    for key, value in LABELED.items():
        out.setdefault(key, value)
    return out


def lazy(calls: list[int]) -> PageFields:
    def labeled() -> dict[str, str]:
        calls.append(1)
        return dict(LABELED)

    return PageFields(dict(TAGS), labeled)


def test_a_tag_is_read_without_the_labeled_fields():
    calls: list[int] = []
    fields = lazy(calls)
    assert fields.get("ArticleTitle") == TAGS["ArticleTitle"]
    assert fields["PubDate"] == "2024-01-20"  # a labeled field never replaces a tag
    assert "PubDate" in fields
    assert calls == []
    assert fields.get("发布日期") == "2024-01-21"
    assert fields.get("发布机构") is None and "发布机构" not in fields
    assert calls == [1]  # once


READS = {
    "items": lambda f: list(f.items()),
    "keys": lambda f: list(f),
    "values": lambda f: list(f.values()),
    "len": len,
    "repr": repr,
    "equal": lambda f: (f == eager(), eager() == f, f != eager()),
    "dict": dict,
    "merge": lambda f: {**f},
    "or": lambda f: f | {"x": "y"},
    "ror": lambda f: {"x": "y"} | f,
    "copy": lambda f: f.copy(),
    "deepcopy": copy.deepcopy,
    "pickle": lambda f: pickle.loads(pickle.dumps(f)),
    "json": lambda f: json.dumps(f, ensure_ascii=False),
    "missing": lambda f: f.get("来源"),
    "getitem": lambda f: f["来源"],
    "reversed": lambda f: list(reversed(f)),
}


@pytest.mark.parametrize("read", READS)
def test_every_read_of_the_whole_gives_the_dict_made_at_once(read):
    calls: list[int] = []
    assert READS[read](lazy(calls)) == READS[read](eager())
    assert calls == [1]


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.pop("来源"),
        lambda f: f.__delitem__("来源"),
        lambda f: f.setdefault("来源", "x"),
        lambda f: f.update({"来源": "y"}),
        lambda f: f.__setitem__("来源", "z"),
        lambda f: f.popitem(),
        lambda f: f.clear(),
    ],
)
def test_changes_act_on_the_whole(change):
    fields, expected = lazy([]), eager()
    assert change(fields) == change(expected)
    assert dict(fields) == expected and list(fields) == list(expected)


def test_two_pages_compare_by_their_whole_fields():
    assert lazy([]) == lazy([])
    other = PageFields(dict(TAGS), lambda: {"发布日期": "2000-01-01"})
    assert lazy([]) != other


@pytest.mark.parametrize("style", HTML_STYLES)
def test_a_page_gives_its_tags_and_the_labeled_fields_of_its_first_lines(style):
    """What html_document reads equals the tags with each labeled field of the page's first
    lines added where the tags lack it (as reading them at once did)."""
    from parsers.cells import html as source

    rng = random.Random(style)
    for template in ("2021", "2019"):
        page = render_html(random_record(rng, template), style, rng=rng)
        doc = html_document(page)
        tree, _ = source.reading_tree(page)
        scanned = tree.css(source._SCAN)
        tags = source._page_meta([n for n in scanned if n.tag == "meta"])
        for node in scanned:
            if node.tag in source.DROP_TAGS:
                node.decompose()
        root = tree.body
        tables = source.statutory_tables(root)
        article = source._article_root(root, tables, tree)
        from parsers.cells.html_lines import report_lines

        head, _lines = report_lines(root, article)
        expected = dict(tags)
        for key, value in labeled_fields(head).items():
            expected.setdefault(key, value)
        assert dict(doc.meta.items()) == expected
