"""HTML cell source: a report page (or an article fragment) → :class:`Document`.

Tables are expanded to their real grid (rowspan/colspan), so every cell knows the grid column
it starts at; the matcher maps values to columns through the header cells above them. The
report is found among navigation and boilerplate by walking up from its tables to the block
that also holds the report's prose. Parsing uses selectolax's lexbor backend (fast, tolerant).
"""

from __future__ import annotations

import contextlib
import re

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from parsers.cells.base import Cell, Document, defer_cells
from parsers.cells.html_depth import MAX_DEPTH, SCAN_FROM, count_tags, limit_depth
from parsers.cells.html_grid import MAX_GRID_CELLS as MAX_GRID_CELLS  # the bounds, as before
from parsers.cells.html_grid import MAX_SPAN as MAX_SPAN
from parsers.cells.html_grid import (
    MAX_TABLE_ROWS,
    PageGrid,
    table_cells,
    table_rows,
    table_tokens,
)
from parsers.cells.html_lines import ReportLines
from parsers.cells.html_text import block_text
from parsers.cells.page_document import PageDocument
from parsers.cells.page_fields import PageFields
from parsers.labels import normalize_label, normalize_text

# Tags whose content never belongs to the report text.
_DROP_TAGS = "script, style, noscript, template, iframe, object, svg, select, button, textarea"
DROP_TAGS = frozenset(_DROP_TAGS.split(", "))
_CELL_TAGS = frozenset({"td", "th"})
# Containers CMSs put the article body in (TRS, Hanweb, VSB, NFCMS, generic).
_CONTENT_SELECTORS = (
    "div.TRS_Editor",
    "div.trs_editor_view",
    ".TRS_UEDITOR",
    "#UCAP-CONTENT",
    ".Custom_UnionStyle",
    "#zoom",
    "#Zoom",
    ".pages_content",
    "#fontzoom",
    ".article-content",
    ".v_news_content",
    ".news_cont_d_wrap",
    "article",
)
# Text that marks a table as part of the report (section 二, 三 or 四): first a word of each of
# the three tables' (a table holding none is searched for every one, twice).
_REPORT_TABLE_KEYS = tuple(
    normalize_label(k)
    for k in (
        "本年新收",
        "行政复议",
        "第二十条",
        "信息内容",
        "上年结转",
        "予以公开",
        "部分公开",
        "不予公开",
        "国家秘密",
        "无法提供",
        "不掌握",
        "另行制作",
        "不予处理",
        "重复申请",
        "其他处理",
        "结转下年",
        "结果维持",
        "结果纠正",
        "复议后起诉",
    )
)
# Characters of a table's text searched for those keys: a statutory table's text is a few
# thousand; in a longer one (a data dump) they must appear early to be read as a report table.
_TABLE_KEY_CHARS = 200_000
# A line that reads like a report title (the page may have no <h1> or ArticleTitle).
_TITLE_HINT = re.compile(r"政府信息公开.{0,6}(?:报告|年报)")
MAX_REPORT_TABLES = 100
"""Tables naming statutory rows read from one page (a report has three to a few dozen, when
a converter splits them at page breaks)."""
_META_NAMES = (
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "SiteName",
    "ColumnName",
    "Url",
    "firstpublishedtime",
    "publishdate",
)


def html_document(html: str | bytes) -> Document:
    """Turn an HTML page or fragment into a cell stream with the report's text.

    ``html`` is the page's text, or its bytes when they are UTF-8 (the parser then reads them
    as they are, instead of a UTF-8 copy of the text).
    """
    if isinstance(html, str):  # (a page in GBK …): read as its UTF-8 bytes, as lexbor reads it
        # (a lone surrogate: read as text)
        with contextlib.suppress(UnicodeEncodeError):
            html = html.encode("utf-8")
    # the source's < (the depth bound and the bound on the block's text both read them)
    tags_in_source = count_tags(html) if len(html) > SCAN_FROM else None
    tree, dropped = reading_tree(html, tags_in_source)
    warnings: list[str] = []
    if dropped:
        warnings.append(
            f"page nested more than {MAX_DEPTH} elements deep: {dropped} tags below that "
            "depth ignored (their text kept)"
        )
    scanned = tree.css(_SCAN)  # one walk of the page for its meta tags, drops and tables
    tags = [node.tag for node in scanned]
    meta = _page_meta([node for node, tag in zip(scanned, tags, strict=True) if tag == "meta"])
    # a page that names its title in a meta tag (most CMS pages) is not searched for one
    title = meta.get("ArticleTitle") or _page_title(tree.css(_TITLE_TAG_SCAN), meta, tree)
    tables = kept_tables(scanned, tags)
    spanning = {node.mem_id for node, tag in zip(scanned, tags, strict=True) if tag in _CELL_TAGS}
    for node, tag in zip(scanned, tags, strict=True):
        if tag in DROP_TAGS:
            node.decompose()
    body = tree.body
    root = body or tree.root
    if root is None:
        return Document(text="", form="html", title=title, meta=meta)
    report_tables = statutory_tables(root, tables if body is not None else None)
    if len(report_tables) > MAX_REPORT_TABLES:
        warnings.append(
            f"{len(report_tables)} tables name statutory rows; only the first "
            f"{MAX_REPORT_TABLES} read"
        )
        report_tables = report_tables[:MAX_REPORT_TABLES]
    lengths: dict[int, int] = {}
    article = _article_root(root, report_tables, tree, lengths)
    lines = ReportLines(
        root,
        article,
        source=html,
        raw_chars=lengths.get(article.mem_id),
        source_tags=tags_in_source,
    )
    meta = PageFields(meta, lines.head_fields)  # (read when asked for)
    if title is None or not _TITLE_HINT.search(title):
        title = next((line for line in lines.head if _TITLE_HINT.search(line)), title)
    grid = PageGrid()
    for index, table in enumerate(report_tables):
        tokens, places, warning, shape = table_tokens(table, index, spanning)
        grid.add_table(tokens, places, shape)
        if warning:
            warnings.append(warning)
    doc = PageDocument(lines, form="html", title=title, meta=meta, warnings=warnings)
    return defer_cells(doc, grid)  # (its cells made when first read)


def reading_tree(html: str | bytes, tags: int | None = None) -> tuple[LexborHTMLParser, int]:
    """The page's tree as the parser reads it, and how many tags were below the depth limit
    (``tags``: the ``<`` of the page's source, when the caller counted them).

    The page is parsed as it is: its lines are read from the tree (:mod:`.html_text`, a line
    feed before every block element), where they are read.

    The tree is built without lexbor's DOM events: what they change in a tree (a ``<select>``'s
    chosen option copied into its ``<selectedcontent>``) lies inside an element the reader
    drops, and the parse is a little quicker without them."""
    html, dropped = limit_depth(html, tags)
    return LexborHTMLParser(html, options=_NO_EVENTS), dropped


_NO_EVENTS = int(LexborDocumentOptions.WO_EVENTS)


def kept_tables(scanned: list[LexborNode], tags: list[str | None]) -> list[LexborNode]:
    """The tables among the elements :data:`_SCAN` found (``tags``: their tag names) that stay
    once the elements to drop are removed: the tables inside one (a table in a <noscript> …)
    go with it. Called before they are removed."""
    held = {
        table.mem_id
        for node, tag in zip(scanned, tags, strict=True)
        if tag in _TABLE_HOLDERS
        for table in node.css("table")
    }
    return [
        node
        for node, tag in zip(scanned, tags, strict=True)
        if tag == "table" and node.mem_id not in held
    ]


def statutory_tables(root: LexborNode, tables: list[LexborNode] | None = None) -> list[LexborNode]:
    """The innermost tables that name statutory rows, in page order: what a cell's ``table``
    index counts (once the tags in :data:`DROP_TAGS` are removed). ``tables``: the tables
    under ``root`` in page order, when the caller has them."""
    return [t for t in innermost_tables(root, tables) if _is_report_table(t)]


def innermost_tables(root: LexborNode, tables: list[LexborNode] | None = None) -> list[LexborNode]:
    """The tables holding no other table, in page order. A table's descendants follow it in
    page order, so it holds another exactly when the next table lies inside it: one walk up
    from each next table instead of a search of every table's subtree."""
    if tables is None:
        tables = root.css("table")
    out = []
    for i, table in enumerate(tables):
        if i + 1 == len(tables) or not _inside(tables[i + 1], table):
            out.append(table)
    return out


def _inside(node: LexborNode, ancestor: LexborNode) -> bool:
    wanted = ancestor.mem_id
    current = node.parent
    while current is not None:
        if current.mem_id == wanted:
            return True
        current = current.parent
    return False


def table_elements(table: LexborNode, index: int) -> list[tuple[Cell, LexborNode]]:
    """Each cell of a statutory table with the element it was read from (the review app marks
    the element a number came from in the archived page)."""
    cells, _warning = table_cells(table, index)
    rows = table_rows(table, MAX_TABLE_ROWS)[:MAX_TABLE_ROWS]
    elements = (node for row in rows for node in row.iter() if node.tag in _CELL_TAGS)
    return list(zip(cells, elements, strict=False))


_TITLE_SELECTORS = ("h1", "h2", ".article-title", ".title", "title")
"""Where a page's title is looked for, in this order (the first of each, in page order)."""
_TITLE_SCAN = ", ".join(_TITLE_SELECTORS)
"""The elements any of :data:`_TITLE_SELECTORS` finds, in one walk of the page (each selector
alone would walk it once)."""
_TITLE_TAGS = tuple(s for s in _TITLE_SELECTORS if not s.startswith("."))
_TITLE_TAG_SCAN = ", ".join(_TITLE_TAGS)
"""The title's tags, in one walk made only for a page whose meta tags do not name its title:
each selector of a walk costs every element of the page a test, so they are left out of
:data:`_SCAN`."""
_TITLE_CLASSES = ", ".join(s for s in _TITLE_SELECTORS if s.startswith("."))
"""The title's class selectors: a class costs the page's walk several times what a tag name
does, so they are looked for in a walk of their own, made only when no tag finds a title."""
_SCAN = ", ".join(("meta", _DROP_TAGS, "table", "[rowspan], [colspan]"))
"""The meta tags, the elements to drop, the tables and the elements with a rowspan or colspan
(the table cells among them span), in one walk of the page: each walk of a report page costs
about as much as the text of all its table cells, a search of the report's tables for their
spanning cells alone four times what the two attributes add to this walk. The walk tests
every element against each selector (a report page: about 8 us a selector), so the title's
tags, which a page naming its title in a meta tag does not need, have a walk of their own
(:data:`_TITLE_TAG_SCAN`)."""
_TABLE_HOLDERS = DROP_TAGS - {"script", "style", "textarea", "iframe"}
"""Dropped elements that may hold a table (the others hold only text): the tables inside one
are dropped with it."""


def _page_meta(nodes: list[LexborNode]) -> dict[str, str]:
    """The page's meta tags named in :data:`_META_NAMES` (``nodes``: its ``<meta>``s)."""
    meta: dict[str, str] = {}
    for node in nodes:
        attributes = node.attributes  # (a dict of them all, built at each reading)
        name = (attributes.get("name") or attributes.get("property") or "").strip()
        key = _META_KEYS.get(name.lower())
        if key is not None:
            content = (attributes.get("content") or "").strip()
            if content:
                meta.setdefault(key, normalize_text(content))
    return meta


_META_KEYS = {name.lower(): name for name in _META_NAMES}
"""The meta names read, by their lower-case form (a page may write them in any case)."""


def _page_title(
    scanned: list[LexborNode],
    meta: dict[str, str],
    tree: LexborHTMLParser | None = None,
    tags: list[str | None] | None = None,
) -> str | None:
    """The page's title: its ArticleTitle, or the text of the first element each of
    :data:`_TITLE_SELECTORS` finds. ``scanned``: elements in page order among which are all
    that the selectors of tag names find (``tags``: their tag names, when known); the class
    selectors are matched on them too, or, given the ``tree``, looked for in a walk of it."""
    if meta.get("ArticleTitle"):
        return meta["ArticleTitle"]
    if tags is None:
        tags = [node.tag for node in scanned]
    classed: list[LexborNode] | None = None
    for selector in _TITLE_SELECTORS:
        if selector.startswith("."):
            if classed is None:
                classed = scanned if tree is None else tree.css(_TITLE_CLASSES)
            node = next((n for n in classed if n.css_matches(selector)), None)
        else:
            node = next((n for n, tag in zip(scanned, tags, strict=True) if tag == selector), None)
        if node is not None:
            text = normalize_text(block_text(node))
            if text:
                return re.split(r"[_|]| - ", text)[0].strip() or text
    return None


def _is_report_table(table: LexborNode) -> bool:
    text = table.text_lexbor()[:_TABLE_KEY_CHARS]  # an element's text: text() without its walk
    if any(key in text for key in _REPORT_TABLE_KEYS):
        return True  # printed as the key itself: normalizing never takes a key's words apart
    label = normalize_label(text)
    return any(key in label for key in _REPORT_TABLE_KEYS)


def _article_root(
    root: LexborNode,
    tables: list[LexborNode],
    tree: LexborHTMLParser,
    lengths: dict[int, int] | None = None,
) -> LexborNode:
    """The smallest block holding the report: its tables and its prose (总体情况 …).
    ``lengths`` receives the length of the text of each block read (by its ``mem_id``): its
    text nodes joined, without line feeds for its block elements (the page reader bounds the
    length of its text with it)."""
    if lengths is None:
        lengths = {}
    if tables:
        node = _common_ancestor(tables)
        if node is None or node.parent is None or node.tag in ("body", "html"):
            return root
        # an element holding the tables: its text nodes, joined (selectolax's own walk of a
        # block this large is quicker than lexbor's text_content, which a cell's text is not)
        text = node.text(separator="")  # (its normalized form: no line feeds needed)
        lengths[node.mem_id] = length = len(text)
        if any(key in text for key in _OPENINGS):
            return node  # as the normalized text would say, without normalizing a page of it
        label = normalize_label(text)
        if _opens_report(label):
            return node
        # Up from there, each block's text is its child's with the text around it: only that
        # is read (and the seams), so a page nested thousands of levels deep costs its size once.
        head, tail = label[:_SEAM], label[-_SEAM:]
        child, node = node, node.parent
        while node is not None and node.parent is not None and node.tag not in ("body", "html"):
            before, after, around = _around(node, child)
            lengths[node.mem_id] = length = length + around
            if _opens_report(before) or _opens_report(after):
                return node
            if _opens_report(before[-_SEAM:] + head) or _opens_report(tail + after[:_SEAM]):
                return node
            head, tail = (before + head)[:_SEAM], (tail + after)[-_SEAM:]
            child, node = node, node.parent
        return root
    best: LexborNode | None = None
    best_length = 0
    for selector in _CONTENT_SELECTORS:
        for node in tree.css(selector):
            length = len(block_text(node))  # (the text's length with its line feeds)
            if best is None or length > best_length:
                best, best_length = node, length
    return best or root


_SEAM = 16
"""Characters of a label kept at each end, for a key word split between a block's text and
the text around it (keys are a few characters)."""


_OPENINGS = ("总体情况", "概述", "一,", "一，", "一、")
"""Printed forms whose normalized text :func:`_opens_report` finds (NFKC and the label
substitutions turn ``，`` and ``、`` into ``,``; nothing removes or changes the ideographs)."""


def _opens_report(label: str) -> bool:
    """Whether a block's normalized text holds the opening of the report (its overview)."""
    return "总体情况" in label or "概述" in label or "一," in label


def _around(node: LexborNode, child: LexborNode) -> tuple[str, str, int]:
    """Normalized text of ``node``'s children before and after ``child``, and the length of
    the two texts (before normalizing)."""
    before: list[str] = []
    after: list[str] = []
    side = before
    for kid in node.iter(include_text=True):
        if kid.mem_id == child.mem_id:
            side = after
        else:
            side.append(kid.text(separator=""))
    before_text, after_text = "".join(before), "".join(after)
    around = len(before_text) + len(after_text)
    return normalize_label(before_text), normalize_label(after_text), around


def _common_ancestor(nodes: list[LexborNode]) -> LexborNode | None:
    def chain(node: LexborNode) -> list[LexborNode]:
        out = []
        current: LexborNode | None = node
        while current is not None:
            out.append(current)
            current = current.parent
        return out[::-1]

    chains = [chain(n) for n in nodes]
    common: LexborNode | None = None
    for level in zip(*chains, strict=False):
        first = level[0]
        if all(n.mem_id == first.mem_id for n in level):
            common = first
        else:
            break
    return common
