"""Who published the report, for which year, and when.

Sources, most trusted first: the report title (``<agency><year>年…政府信息公开工作年度报告`` or
``<year>年<agency>…``), from the page's ArticleTitle/heading or the first lines of the text
(titles are often broken over two lines); the sentence that names the report
(``编制完成<agency><year>年…报告``); the sign-off (agency and date closing the report); the
page's labeled fields (发布日期, 时间, PubDate …). ``year`` is the year the report covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from parsers.cells.base import Document
from parsers.prose.numerals import parse_chinese

_CN_YEAR = r"[二][〇○零Ｏ0O][一二三四五六七八九〇○零Ｏ0O]{2}"
YEAR = rf"(?P<year>(?:19|20)\d{{2}}|{_CN_YEAR})"
_PRE_CHARS = "。；;，,：:!！?？\n"  # what the words before a title's year cannot hold
_PRE_MAX = 60
_TITLE_REST = (
    rf"{YEAR}\s*年\s*(?:度)?\s*"
    r"(?P<mid>[^。；;，,\n]{0,40}?)(?:政府)?(?:信息公开|政务公开)(?:工作)?\s*(?:年度)?\s*(?:报告|年报)"
)
_TITLE = re.compile(rf"(?P<pre>[^{_PRE_CHARS}]{{0,{_PRE_MAX}}}?){_TITLE_REST}")
_TITLE_FROM_YEAR = re.compile(_TITLE_REST)
_PRE_MARK = re.compile(f"[{re.escape(_PRE_CHARS)}]")
_LEAD = re.compile(
    r"^.*?(?:编制完成了?|编制了|编制|现将|现予|予以|特发布|发布|公布|印发|关于|形成了?|完成了?)"
)
_NOISE = re.compile(r"^(?:标题|题目|名称|当前位置|首页)[:：\s]*")
_AGENCY_SUFFIX = re.compile(
    r"(?:政府|办公厅|办公室|局|委员会|委|办|区|县|市|镇|乡|街道|办事处|中心|院|所|厅|部|署|会|处|队|站|管委会|公司|集团|馆)$"
)
_DATE_NUM = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?"
)
_DATE_CN = re.compile(
    rf"(?P<y>{_CN_YEAR})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,2}})\s*月\s*(?P<d>[一二三四五六七八九十]{{1,3}})\s*日"
)
_PERIOD = re.compile(r"(?:19|20)(\d{2})\s*年\s*1\s*月\s*1\s*日")
_LABELED_DATES = (
    "PubDate",
    "发布日期",
    "发布时间",
    "发文日期",
    "成文日期",
    "时间",
    "日期",
    "上载日期",
)


@dataclass
class Meta:
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


def _year(text: str) -> int:
    """Arabic or Chinese numerals (二〇二三 → 2023, 二十 → 20)."""
    if text.isdigit():
        return int(text)
    value = parse_chinese(text)
    if value is None:
        raise ValueError(f"not a number: {text}")
    return value


def parse_date(text: str) -> date | None:
    """The first date in ``text`` (2024年1月17日, 2024-01-17, 二〇二四年一月十七日)."""
    for pattern in (_DATE_NUM, _DATE_CN):
        match = pattern.search(text)
        if match:
            try:
                return date(_year(match["y"]), _year(match["m"]), _year(match["d"]))
            except (ValueError, KeyError):
                continue
    return None


# Page furniture that sits above a title and runs into it when lines are joined: breadcrumbs
# (首页 > 政务公开 > …), bracketed buttons (【打印】【关闭】), the font-size switch, a dump's
# body marker (正文). Everything up to the last of them is not the agency.
_FURNITURE = re.compile(
    r"^.*(?:>|»|›|→|】|字[号体][:：]?(?:大中小)?|(?<![\u4e00-\u9fff])正文|^正文)"
)


_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=4096)
def _clean_agency(text: str) -> str | None:
    """The agency name in ``text`` (the words before a title's year, a sign-off line), or None.
    Cached: a report asks for its agency's name from its title and its sign-off, and a harvest
    meets each agency's reports year after year."""
    text = _SPACES.sub("", text)
    text = _FURNITURE.sub("", text)
    text = _NOISE.sub("", text)
    while True:  # 关于印发… : strip every leading verb, not just the first
        stripped = _LEAD.sub("", text, count=1)
        if stripped == text or len(stripped) < 2:
            break
        text = stripped
    text = text.strip("　 \t“”\"'《》()（）[]【】-—_|：:·")
    if not (2 <= len(text) <= 40) or not _CJK.search(text):
        return None
    if _DIGIT.search(text):
        return None
    return text


@dataclass
class _Title:
    agency: str | None
    year: int
    text: str


def parse_title(text: str) -> _Title | None:
    """Agency and year from a report title (or the sentence that names the report): the
    first match of :data:`_TITLE`, found from its year (see :func:`_title_match`)."""
    found = _title_match(text)
    if found is None:
        return None
    pre, rest = found
    year = _year(rest["year"])
    if not 1990 <= year <= 2100:
        return None
    agency = _clean_agency(pre) or _clean_agency(rest["mid"])
    return _Title(agency, year, pre + rest.group(0))


def _title_match(text: str, pos: int = 0) -> tuple[str, re.Match[str]] | None:
    """The first match of :data:`_TITLE` in ``text`` from ``pos``, as its ``pre`` group and
    the match of the rest (:data:`_TITLE_FROM_YEAR`), in time linear in the text.

    ``_TITLE`` tries up to sixty words before a year at every position of the text (a long
    first line — a sentence of 200 characters — takes a tenth of a millisecond; a megabyte,
    seconds). Its leftmost match is the first place where the year and what follows it match
    (:func:`_from_year`), extended back over the words allowed before it (up to sixty, not
    before ``pos``): no earlier start can reach a later year over sixty words or a mark they
    cannot hold. The words end after the last such mark, looked for in them read backwards.
    """
    rest = _from_year(text, pos)
    if rest is None:
        return None
    start = rest.start()
    floor = max(pos, start - _PRE_MAX)
    mark = _PRE_MARK.search(text[floor:start][::-1])
    start = floor if mark is None else start - mark.start()
    return text[start : rest.start()], rest


def _from_year(text: str, pos: int) -> re.Match[str] | None:
    """``_TITLE_FROM_YEAR.search(text, pos)``, tried only where it can begin: four characters
    (a year, Arabic or Chinese) before a 年 and any white space before it. Lines of prose
    hold few 年: finding each is quicker than trying the year's pattern at every position."""
    at = text.find("年", pos)
    while at >= 0:
        year_end = at
        while year_end > pos and text[year_end - 1].isspace():  # (what \s* takes)
            year_end -= 1
        if year_end - 4 >= pos:
            found = _TITLE_FROM_YEAR.match(text, year_end - 4)
            if found is not None:
                return found
        at = text.find("年", at + 1)
    return None


def _titles_in(text: str) -> Iterator[str]:
    """``match.group(0)`` of each match of :data:`_TITLE` in ``text``, in order, as
    ``_TITLE.finditer`` gives them (each found by :func:`_title_match` from the end of the
    previous one)."""
    pos = 0
    while True:
        found = _title_match(text, pos)
        if found is None:
            return
        pre, rest = found
        yield pre + rest.group(0)
        pos = rest.end()


def _title_candidates(doc: Document) -> Iterator[str]:
    """Where a title may be, most trusted first: the page's title fields, then each of the
    first lines and each pair of them (titles are often broken over two lines). A generator:
    the title is usually found among the first few (and the lines are cut only if asked)."""
    for key in ("ArticleTitle", "标题"):
        if doc.meta.get(key):
            yield doc.meta[key]
    if doc.title:
        yield doc.title
    i = 0
    for head, whole in _document_head(doc):
        # ``head``: the first lines; ``whole``: all the first :data:`_HEAD_LINES` (or all
        # there are). A line and the next are asked for together, so each line waits for
        # the next before it is given.
        while i < len(head) and (whole or i + 1 < len(head)):
            line = head[i]
            yield line[:200]
            if i + 1 < len(head) and not _names_agency(head[i + 1][:200]):
                yield line[-80:] + head[i + 1][:80]
            i += 1


def _names_agency(line: str) -> bool:
    """Whether a line is a whole title naming its agency: then it is never joined to the line
    above (a stray 正文, 索引号 or breadcrumb line, or the agency's name printed above its title)."""
    title = parse_title(line)
    return title is not None and title.agency is not None


def read_meta(doc: Document) -> Meta:
    meta = Meta()
    found: _Title | None = None
    for candidate in _title_candidates(doc):
        title = parse_title(candidate)
        if title is None:
            continue
        if found is None:
            found = title
        if title.agency:
            found = title if found.agency is None or found.year == title.year else found
            break
    if found is None:
        for text in _titles_in(doc.text):
            title = parse_title(text)
            if title:
                found = title
                break
    signoff_agency, signoff_date = _signoff(*_tail_lines(_text_end(doc)))
    if found is not None:
        meta.title = found.text
        meta.year = found.year
        meta.agency = found.agency
    if meta.agency is None:
        meta.agency = signoff_agency or _clean_agency(
            doc.meta.get("发布机构", "") or doc.meta.get("ContentSource", "")
        )
    published = None
    if signoff_date and (meta.year is None or signoff_date.year >= meta.year):
        published = signoff_date
    if published is None:
        for key in _LABELED_DATES:
            if doc.meta.get(key):
                published = parse_date(doc.meta[key])
                if published:
                    break
    if published is not None and meta.year is not None and published.year < meta.year:
        meta.warnings.append(f"publication date {published} is before the report year {meta.year}")
    meta.published = published.isoformat() if published else None
    if meta.year is None:
        period = _PERIOD.search(doc.text)
        if period:
            meta.year = (
                2000 + int(period.group(1))
                if period.group(0).startswith("20")
                else 1900 + int(period.group(1))
            )
            meta.warnings.append("report year taken from the statistics period (no title found)")
        elif published is not None:
            meta.year = published.year - 1
            meta.warnings.append("report year inferred from the publication date (no title found)")
    if meta.agency is None:
        meta.warnings.append("agency not found in the title, text or page metadata")
    return meta


_HEAD_LINES = 60  # lines that may hold the title
_TAIL_LINES = 15  # lines that may hold the sign-off
_CHUNK = 256  # characters first cut from either end of the text for them
_WHOLE_SPLIT = 2048
"""Characters of a text that are all split into lines to find its last ones: up to about this
length a whole split is quicker than finding line feeds from its end and splitting the cut
(a pipe text's last fifteen lines, some 700 characters: 1.4 against 4.4 µs)."""


def _head_lines(text: str) -> Iterator[tuple[list[str], bool]]:
    """The first non-blank lines of ``text`` from growing cuts of its start (a report has
    hundreds of lines and its title is in the first few), each time with whether they are all
    the first :data:`_HEAD_LINES` (or all the text has)."""
    size = _CHUNK
    while size * 2 < len(text):
        lines = text[:size].splitlines()
        lines.pop()  # it may go on past the cut
        head = list(filter(str.strip, lines))
        if len(head) >= _HEAD_LINES:
            yield head[:_HEAD_LINES], True
            return
        yield head, False
        size *= 4
    yield list(filter(str.strip, text.splitlines()))[:_HEAD_LINES], True


def _document_head(doc: Document) -> Iterator[tuple[list[str], bool]]:
    """:func:`_head_lines` of ``doc.text``, or, when the document holds its lines (see
    :meth:`parsers.cells.pipe_document.PipeDocument.head_lines`), its first lines at once."""
    if getattr(type(doc), "head_lines", None) is None:  # (the class: no instance look-up)
        return _head_lines(doc.text)
    return iter(((doc.head_lines(_HEAD_LINES), True),))


def _text_end(doc: Document) -> str:
    """``doc.text``, or, when the document makes its text on demand (see
    :meth:`parsers.cells.page_document.PageDocument.text_end`), the end of it after one of
    its line feeds holding at least :data:`_TAIL_LINES` lines. :func:`_tail_lines` gives the
    same last lines of either (its lines are not blank: the document's lines never are), and
    a count of lines above 3 for both, which is all :func:`_signoff` asks of the count."""
    if getattr(type(doc), "text_end", None) is None:  # (the class: no instance look-up)
        return doc.text
    return doc.text_end(_TAIL_LINES, 0)


def _tail_lines(text: str) -> tuple[list[str], int]:
    """The last :data:`_TAIL_LINES` lines of ``text`` that are not blank, and how many such
    lines the text has (exactly when it is short; else a number no smaller than those)."""
    tail = _end_lines(text, _TAIL_LINES)
    if tail is None:
        lines = list(filter(str.strip, text.splitlines()))
        return lines[-_TAIL_LINES:], len(lines)
    return tail, _TAIL_LINES


def _end_lines(text: str, count: int) -> list[str] | None:
    """The last ``count`` non-blank lines of ``text``, as ``str.splitlines`` cuts them, read
    from cuts of its end; None when the text is too short to be worth cutting.

    The first cut tried begins at the ``count + 1``-th line feed from the end (most texts break
    their lines with line feeds alone and print no blank line at their end: it holds just the
    lines wanted), then cuts of growing size. A text of up to :data:`_WHOLE_SPLIT` characters is
    left to the caller to split whole."""
    if len(text) <= _WHOLE_SPLIT:
        return None
    at = len(text)
    for _ in range(count + 1):
        at = text.rfind("\n", 0, at)
        if at < 0:
            break
    kept = _whole_lines(text[at:], count) if at > 0 else None
    size = _CHUNK
    while kept is None and size * 2 < len(text):
        kept = _whole_lines(text[-size:], count)
        size *= 4
    return kept


def _whole_lines(cut: str, count: int) -> list[str] | None:
    """The last ``count`` non-blank lines of a cut of a text's end, or None when it holds fewer.
    Its first line is left out: the cut may begin inside a line (or between a ``\r`` and its
    ``\n``), and the lines after it are the text's own."""
    lines = cut.splitlines()
    del lines[0]
    kept = list(filter(str.strip, lines))
    return kept[-count:] if len(kept) >= count else None


_SIGNOFF_OPEN = r"[。；;\s]"  # what a sign-off opens with, when it does not open a line
_SIGNOFF_REST = (
    rf"(?:(?P<agency>[\u4e00-\u9fff（）()]{{2,40}})\s*)?"
    rf"(?P<date>(?:(?:19|20)\d{{2}}|{_CN_YEAR})\s*年\s*[\d一二三四五六七八九十]{{1,2}}\s*月\s*[\d一二三四五六七八九十]{{1,3}}\s*日)"
    r"\s*(?=$|附件|附表|附[:：]|\n)"
)
_SIGNOFF = re.compile(rf"(?:^|{_SIGNOFF_OPEN}){_SIGNOFF_REST}", re.M)
# The same, opening with a mark only: the search then skips to the marks (a pattern opening
# with ``^`` is tried at every position of the text).
_SIGNOFF_AT_MARK = re.compile(rf"{_SIGNOFF_OPEN}{_SIGNOFF_REST}", re.M)
_SIGNOFF_END = re.compile(r"日\s*(?=$|附件|附表|附[:：]|\n)", re.M)
# A character no match of _SIGNOFF can hold: not a mark that may open it, not white space, not
# a character of its agency (CJK, brackets) or of its date (digits, the Chinese numerals).
_NOT_IN_SIGNOFF = re.compile(r"[^。；;\s\u4e00-\u9fff（）()\d〇○Ｏ0O]")


def _last_signoff(text: str) -> tuple[str | None, str, int] | None:
    """The last match of :data:`_SIGNOFF` in ``text`` as ``finditer`` gives it: its agency and
    date, and where the date begins; found in a fraction of the time.

    - The last match ends with the last date of the text that can end one. The matches that
      begin after a character none of them can hold are the same in the text and in the rest
      of the text after that character (none spans it), so the search starts after the last
      such character before that date (and reads the whole text only when nothing is found
      there).
    - A match opening a line (``^``) holds what a match opening at the line break before it
      holds (a break is white space), and finditer finds that one first — unless the previous
      match took the line break: that is the only place ``^`` is tried. The text is searched
      with a line break before it, which opens its first line the same way.
    """
    end = text.rfind("日")
    while end >= 0 and not _SIGNOFF_END.match(text, end):
        end = text.rfind("日", 0, end)
    if end < 0:
        return None  # every match ends with such a date
    start = _after_last_foreign(text, end)
    padded = "\n" + text
    match = _last_match_from(padded, start + 1 if start else 0)
    if match is None and start:
        match = _last_match_from(padded, 0)
    if match is None:
        return None
    return match["agency"], match["date"], match.start("date") - 1


def _last_match_from(padded: str, pos: int) -> re.Match[str] | None:
    """The last of the matches :data:`_SIGNOFF`'s finditer gives from ``pos`` (see above)."""
    last = None
    while True:
        found = None
        if last is not None and padded[pos - 1] == "\n":
            found = _SIGNOFF.match(padded, pos)  # a line the previous match took the break of
        if found is None:
            found = _SIGNOFF_AT_MARK.search(padded, pos)
        if found is None:
            return last
        last, pos = found, found.end()


def _after_last_foreign(text: str, end: int) -> int:
    """The position after the last character before ``end`` that no sign-off can hold (0 when
    there is none), looked for backwards in growing steps."""
    step = 64
    stop = end
    while stop > 0:
        start = max(0, stop - step)
        found = _NOT_IN_SIGNOFF.search(text[start:stop][::-1])
        if found is not None:
            return stop - found.start()
        stop, step = start, step * 4
    return 0


def _signoff(tail: list[str], lines: int) -> tuple[str | None, date | None]:
    """The agency name and date that close a report: a date on its own at the end of the text
    (possibly after the agency's name, possibly followed only by the appendix). ``tail``: the
    last :data:`_TAIL_LINES` of the text's ``lines`` lines that are not blank."""
    tail_text = "\n".join(tail)
    tail_text = tail_text[-3000:] if lines > 3 else tail_text[-(len(tail_text) // 3 + 400) :]
    found = _last_signoff(tail_text)
    if found is None:
        return None, None
    named, printed, date_at = found
    when = parse_date(printed)
    agency = None
    if named:
        agency = _clean_agency(named)
    else:
        before = tail_text[:date_at].rstrip().splitlines()
        if before:
            agency = _clean_agency(before[-1])
    if agency and not (_AGENCY_SUFFIX.search(agency) and len(agency) <= 30):
        agency = None
    return agency, when
