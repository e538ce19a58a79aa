"""Pagination: which links are a list's other pages (下一页, page numbers, sub-columns), and
the pages a list announces only by a count written in the page (``createPageHTML(7, …)``,
``共7页``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scraper.anchors import Anchor, Link
from scraper.canonical import canonical_url

LISTLIKE = re.compile(
    r"(?:index|list|default|more)(?:[_-]\d+)?\.(?:s?html?|jsp|aspx?|php)$|^\d+\.s?html?$|^$", re.I
)

_PAGER_TEXT = re.compile(
    r"^(?:下一?页|下页|后一?页|上一?页|上页|前一?页|尾页|末页|最后一?页|"
    r"next(?:page)?|prev(?:ious)?(?:page)?|last(?:page)?|第?\d{1,4}页?)$",
    re.I,
)
_PREV_TEXT = re.compile(r"上一?页|上页|前一?页|prev", re.I)
_PAGER_JUNK = re.compile(r"[\s\u3000\xa0\[\]【】<>《》«»‹›()（）|.·]+")


def is_pager_text(text: str) -> bool:
    """Link text of a pagination control: 下一页, [下一页], 下页>>, 上一页, 尾 页, 末页, »,
    a page number (``3``, ``[3]``, ``第3页``)."""
    t = text.strip()
    if t in (">", ">>", "»", "›", ">|", "→", "<", "«", "‹", "←"):
        return True
    return bool(_PAGER_TEXT.match(_PAGER_JUNK.sub("", t)))


def is_pager_link(a: Anchor, target, here, cdir: str) -> bool:
    if not is_pager_text(a.text):
        return False
    if target.path == here.path:
        return target.query != here.query and bool(
            re.search(r"page|pageindex|pageno|cur_page|p=|start", target.query, re.I)
        )
    tdir = target.path.rsplit("/", 1)[0] + "/"
    cpath = urlsplit(cdir).path
    return tdir.startswith(cpath) and bool(LISTLIKE.search(target.path.rsplit("/", 1)[1]))


_PAGE_PARAM = re.compile(
    r"^(?:page|pageno|page_no|pagenum|pagenumber|pageindex|page_index|cur_?page|currentpage|"
    r"pn|p|ipage|pagenow|startpage|pageid)$",
    re.I,
)
_TOTAL_PAGES = (
    re.compile(r"共\s*(\d{1,4})\s*页"),
    re.compile(r"第?\s*\d{1,4}\s*/\s*(\d{1,4})\s*页"),
    re.compile(r"页次\s*[:：]?\s*\d{1,4}\s*/\s*(\d{1,4})"),
    re.compile(
        r"\b(?:totalPages?|pageCount|page_count|pagecount|maxPage|totalpage|pageTotal)"
        r"\s*[:=]\s*['\"]?(\d{1,4})\b",
        re.I,
    ),
)
_CURRENT_PAGE = (
    re.compile(r"第\s*(\d{1,4})\s*(?:/\s*\d{1,4}\s*)?页"),
    re.compile(r"当前\s*第?\s*(\d{1,4})\s*页"),
    re.compile(r"页次\s*[:：]?\s*(\d{1,4})\s*/"),
    re.compile(r"(\d{1,4})\s*/\s*\d{1,4}\s*页"),
)
_NUMBERED_FILE = re.compile(r"^(.*?)(\d{1,5})(\.[A-Za-z]{2,5})$")
_TAGS = re.compile(r"<[^>]{0,2000}>")
MAX_COUNTED_PAGES = 500


def _first_int(patterns, text: str) -> int | None:
    for pat in patterns:
        m = pat.search(text)
        if m:
            return int(m.group(1))
    return None


def _page_value(url: str, param: str | None) -> int | None:
    """The page number a URL carries: in query parameter ``param``, or (``param`` None) at the
    end of its file name (``list-3.html``, ``3.html``)."""
    parts = urlsplit(url)
    if param is not None:
        v = dict(parse_qsl(parts.query, keep_blank_values=True)).get(param)
        return int(v) if v is not None and v.isdigit() else None
    m = _NUMBERED_FILE.match(parts.path.rsplit("/", 1)[-1])
    return int(m.group(2)) if m else None


def _with_value(template: str, param: str | None, value: int, here: str) -> str:
    parts = urlsplit(template)
    if param is not None:
        q = [(k, str(value) if k == param else v) for k, v in parse_qsl(parts.query, True)]
        if param not in dict(q):
            q.append((param, str(value)))
        return urlunsplit(parts._replace(query=urlencode(q), fragment=""))
    head, name = parts.path.rsplit("/", 1)
    m = _NUMBERED_FILE.match(name)
    if m is None:  # pragma: no cover - templates are chosen for matching
        return here
    return urlunsplit(parts._replace(path=f"{head}/{m.group(1)}{value}{m.group(3)}", fragment=""))


def counted_pages(text: str, url: str, pagers: list[Anchor]) -> list[Link]:
    """Every page of a list whose page count is written in the page (共12页, 第1/12页,
    页次：1/12, ``totalPage = 12``) while its pagination links show only a few pages or only
    下一页. The page address comes from the list's own URL or one of its pagination links:
    a page parameter (``?page=2``, ``&cur_page=2``, ``pageIndex=1``) or a number ending the file
    name (``list-2.html``, ``2.html``). Whether numbering starts at 0 or 1 is read from a
    numbered pagination link (text ``3`` → value 3 or 2) or from the page's own number and the
    current page it names, never assumed. At most ``MAX_COUNTED_PAGES`` links."""
    if "页" not in text and "page" not in text.lower():
        return []
    plain = _TAGS.sub(" ", text)
    total = _first_int(_TOTAL_PAGES, plain)
    if not total or total < 2:
        return []
    total = min(total, MAX_COUNTED_PAGES)
    here = urlsplit(url)
    here_q = dict(parse_qsl(here.query, keep_blank_values=True))
    here_dir = here.path.rsplit("/", 1)[0]
    param: str | None = next((k for k in here_q if _PAGE_PARAM.match(k)), None)
    template: str | None = url if param is not None else None
    numbered: list[tuple[int, int]] = []  # (shown number, page value) of numbered links
    nexts: list[int] = []
    prevs: list[int] = []
    for a in pagers:
        t = urlsplit(a.url)
        if template is None and t.path == here.path:
            q = dict(parse_qsl(t.query, keep_blank_values=True))
            diff = [k for k in q if here_q.get(k) != q[k]]
            if len(diff) == 1 and _PAGE_PARAM.match(diff[0]) and q[diff[0]].isdigit():
                template, param = a.url, diff[0]
        elif template is None and t.path != here.path and t.path.rsplit("/", 1)[0] == here_dir:
            mine = _NUMBERED_FILE.match(here.path.rsplit("/", 1)[-1])
            theirs = _NUMBERED_FILE.match(t.path.rsplit("/", 1)[-1])
            if theirs and (mine is None or mine.group(1, 3) == theirs.group(1, 3)):
                template, param = a.url, None
    if template is None:
        return []
    for a in pagers:
        value = _page_value(a.url, param)
        if value is None or (param is None and not _same_series(a.url, template)):
            continue
        shown = re.sub(r"\D", "", a.text)
        if shown and a.text.strip().strip("[]【】第页 ").isdigit():
            numbered.append((int(shown), value))
        elif re.search(r"下一?页|下页|后一?页|next", a.text, re.I):
            nexts.append(value)
        elif _PREV_TEXT.search(a.text):
            prevs.append(value)
    own = _page_value(url, param)
    if own is not None and (any(v <= own for v in nexts) or any(v >= own for v in prevs)):
        return []  # numbered downwards (VSB): not a series to count up
    if len({value - shown for shown, value in numbered}) > 1:
        return []  # the links disagree about the numbering: nothing safe to plan
    current = _first_int(_CURRENT_PAGE, plain)
    shown_here = current if current is not None else 1 if own is None else None
    if numbered:  # a link showing "3" carries page value 3 (1-based) or 2 (0-based)
        offset = numbered[0][1] - numbered[0][0]
    elif own is not None and current is not None:
        offset = own - current
    elif nexts and shown_here is not None:
        offset = nexts[0] - (shown_here + 1)
    else:
        offset = -1 if own == 0 else 0
    out: list[Link] = []
    own_key = canonical_url(url)
    for shown_page in range(1, total + 1):
        value = shown_page + offset
        if shown_page == shown_here or value < 0 or (param is None and value == 0 and own is None):
            continue
        link = Link(_with_value(template, param, value, url), "list")
        if link.key != own_key:
            out.append(link)
    return out


def _same_series(url: str, template: str) -> bool:
    a = _NUMBERED_FILE.match(urlsplit(url).path.rsplit("/", 1)[-1])
    b = _NUMBERED_FILE.match(urlsplit(template).path.rsplit("/", 1)[-1])
    return bool(a and b and a.group(1, 3) == b.group(1, 3))


def is_sub_column(a: Anchor, target, cdir: str, page_url: str) -> bool:
    """A deeper list under the column (year ``2023n/``, township ``xzjd/`` sub-columns)."""
    cpath = urlsplit(cdir).path
    if not target.path.startswith(cpath) or target.query or cpath == "/":
        return False  # a list at the site root (``/iList.jsp?…``) has no folder of its own
    rest = target.path[len(cpath) :]
    if not rest or rest.count("/") > 2 or "/" not in rest:
        return False
    name = rest.rsplit("/", 1)[1]
    if not LISTLIKE.search(name):
        return False
    # TRS article dirs are YYYYMM; they hold articles, not lists.
    return not re.fullmatch(r"\d{6}/.*", rest)
