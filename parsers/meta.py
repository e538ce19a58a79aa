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


def _clean_agency(text: str) -> str | None:
    text = re.sub(r"\s+", "", text)
    text = _FURNITURE.sub("", text)
    text = _NOISE.sub("", text)
    while True:  # 关于印发… : strip every leading verb, not just the first
        stripped = _LEAD.sub("", text, count=1)
        if stripped == text or len(stripped) < 2:
            break
        text = stripped
    text = text.strip("　 \t“”\"'《》()（）[]【】-—_|：:·")
    if not (2 <= len(text) <= 40) or not re.search(r"[\u4e00-\u9fff]", text):
        return None
    if re.search(r"\d", text):
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
    seconds). Its leftmost match is the first place where the year and what follows it match,
    extended back over the words allowed before it (up to sixty, not before ``pos``): no
    earlier start can reach a later year over sixty words or a mark they cannot hold.
    """
    rest = _TITLE_FROM_YEAR.search(text, pos)
    if rest is None:
        return None
    start = rest.start()
    floor = max(pos, start - _PRE_MAX)
    while start > floor and text[start - 1] not in _PRE_CHARS:
        start -= 1
    return text[start : rest.start()], rest


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


def _title_candidates(doc: Document, head: list[str]) -> Iterator[str]:
    """Where a title may be, most trusted first: the page's title fields, then each of the
    first lines and each pair of them (titles are often broken over two lines). A generator:
    the title is usually found among the first few."""
    for key in ("ArticleTitle", "标题"):
        if doc.meta.get(key):
            yield doc.meta[key]
    if doc.title:
        yield doc.title
    for i, line in enumerate(head):
        yield line[:200]
        if i + 1 < len(head) and not _names_agency(head[i + 1][:200]):
            yield line[-80:] + head[i + 1][:80]


def _names_agency(line: str) -> bool:
    """Whether a line is a whole title naming its agency: then it is never joined to the line
    above (a stray 正文, 索引号 or breadcrumb line, or the agency's name printed above its title)."""
    title = parse_title(line)
    return title is not None and title.agency is not None


def read_meta(doc: Document) -> Meta:
    meta = Meta()
    lines = list(filter(str.strip, doc.text.splitlines()))
    found: _Title | None = None
    for candidate in _title_candidates(doc, lines[:60]):
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
    signoff_agency, signoff_date = _signoff(lines)
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


_SIGNOFF = re.compile(
    rf"(?:^|[。；;\s])(?:(?P<agency>[\u4e00-\u9fff（）()]{{2,40}})\s*)?"
    rf"(?P<date>(?:(?:19|20)\d{{2}}|{_CN_YEAR})\s*年\s*[\d一二三四五六七八九十]{{1,2}}\s*月\s*[\d一二三四五六七八九十]{{1,3}}\s*日)"
    r"\s*(?=$|附件|附表|附[:：]|\n)",
    re.M,
)


def _signoff(lines: list[str]) -> tuple[str | None, date | None]:
    """The agency name and date that close a report: a date on its own at the end of the text
    (possibly after the agency's name, possibly followed only by the appendix)."""
    tail_text = "\n".join(lines[-15:])
    tail_text = tail_text[-3000:] if len(lines) > 3 else tail_text[-(len(tail_text) // 3 + 400) :]
    matches = list(_SIGNOFF.finditer(tail_text))
    if not matches:
        return None, None
    match = matches[-1]
    when = parse_date(match["date"])
    agency = None
    if match["agency"]:
        agency = _clean_agency(match["agency"])
    else:
        before = tail_text[: match.start("date")].rstrip().splitlines()
        if before:
            agency = _clean_agency(before[-1])
    if agency and not (_AGENCY_SUFFIX.search(agency) and len(agency) <= 30):
        agency = None
    return agency, when
