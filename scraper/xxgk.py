"""The xxgk metadata table above an article (索引号, 发布机构, 发文日期, 名称 …), read
into a dict of stable keys; labels in table cells or inline (``索 引 号：…``)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from scraper.anchors import clean_text, short_text

_LABELS = {
    "index_no": ("索引号", "索引编号"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发文单位",
        "发布单位",
        "发布机关",
        "公开主体",
        "制发机关",
        "公开机构",
        "信息来源",
    ),
    "published": ("发布日期", "公开日期", "发布时间", "上载日期", "生成日期"),
    "issued": ("发文日期", "成文日期", "印发日期"),
    "title": ("名称", "标题", "文件名称", "信息名称", "文章标题"),
    "doc_no": ("文号", "发文字号", "文件编号"),
    "category": ("分类", "主题分类", "组配分类", "体裁分类", "信息分类"),
}
_LABEL_OF = {label: key for key, labels in _LABELS.items() for label in labels}
_LABEL_JUNK = re.compile(r"[\s\u3000\xa0:：\[\]【】]+")
_GAP = r"[\s\u3000\xa0]*"
_INLINE_LABEL = re.compile(
    "("
    + "|".join(_GAP.join(map(re.escape, lab)) for lab in sorted(_LABEL_OF, key=len, reverse=True))
    + f"){_GAP}[:：]"
)
_LABEL_BEFORE = " \u3000\xa0|｜;；,，、)）]】"
_MAX_META_NODES = 400


def _label(text: str) -> str | None:
    """The metadata key of a label cell (``索 引 号：``, ``名&nbsp;&nbsp;称``, ``发文机关:``)."""
    t = _LABEL_JUNK.sub("", text)
    return _LABEL_OF.get(t) if 2 <= len(t) <= 8 else None


def xxgk_metadata(tree: LexborHTMLParser) -> dict[str, str]:
    """The label/value block an open-government (xxgk) article page shows above its body:
    索引号, 发布机构, 发文日期, 名称, 文号 … in a table (label cell, value cell), or as
    ``<li><b>索引号：</b>…</li>`` lines. Labels are matched whatever their spacing (``索 引 号``,
    full-width spaces, ``&nbsp;``) or colon; keys are those of ``_LABELS``. Only the first few
    hundred rows are read, so a huge table costs little."""
    out: dict[str, str] = {}
    for i, row in enumerate(tree.css("tr")):
        if i >= _MAX_META_NODES:
            break
        cells = [c for c in row.iter() if c.tag in ("td", "th")]
        if len(cells) > 12:
            continue
        for k in range(len(cells) - 1):
            key = _label(cells[k].text() or "")
            if key and key not in out:
                value = clean_text(cells[k + 1].text())
                if value and _label(value) is None:
                    out[key] = value
    for i, node in enumerate(tree.css("li, p, span, dd, td")):
        if i >= _MAX_META_NODES * 4:
            break
        text = short_text(node)
        if text and len(text) <= 300:
            _inline_labels(text, out)
    return out


def _inline_labels(text: str, out: dict[str, str]) -> None:
    """``索引号：… 发布机构：… 发文日期：…`` written in one line: each value runs to the next
    label."""
    found = [
        m
        for m in _INLINE_LABEL.finditer(text)
        if m.start() == 0 or text[m.start() - 1] in _LABEL_BEFORE
    ]
    for m, nxt in zip(found, [*found[1:], None], strict=False):
        key = _label(m.group(1))
        value = text[m.end() : nxt.start() if nxt else len(text)].strip(" \u3000\xa0|｜;；,，")
        if key and value and key not in out:
            out[key] = value
