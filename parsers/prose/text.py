"""The text of a pre-2019 report, prepared for the prose patterns.

Three jobs, each kept small:

* :func:`normalize` maps the text one character for one (full-width → ASCII, traditional →
  simplified for the characters the patterns use, odd spaces → space), so a match in the
  normalized text points at the same characters in the original and the evidence quoted in the
  record is exactly what the report printed;
* :func:`sentence_at` / :func:`clause_start` find the sentence (evidence) and clause (qualifiers
  such as 累计, 各乡镇, 其中网上) around a match;
* :func:`sections` cuts the report at its top-level headings (一、概述 二、主动公开… 三、依申请…)
  and says what each section is about, so a count is read where the report states it
  (行政复议 under the appeals heading, not a 行政复议决定书 published proactively).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parsers.prose.numerals import parse_chinese

# Traditional → simplified, only the characters the prose patterns and labels use (reports
# reach us from mirrors that convert pages to traditional characters).
_TRAD = (
    "條条 開开 請请 復复 複复 議议 訴诉 訟讼 諮咨 詢询 資资 務务 動动 過过 網网 當当 傳传 電电 郵邮 圍围 範范 內内 數数 總总 "
    "計计 處处 發发 關关 機机 於于 與与 無无 費费 減减 萬万 億亿 兩两 為为 爲为 報报 統统 個个 類类 項项 書书 據据 應应 對对 "
    "會会 門门 戶户 從从 來来 歷历 曆历 積积 區区 縣县 鄉乡 鎮镇 級级 單单 實实 際际 現现 場场 話话 題题 問问 進进 況况 轉转 "
    "結结 辦办 審审 確确 認认 規规 說说 補补 沒没 稱称 員员 專专 職职 檢检 製制 護护 維维 糾纠 錯错 決决 駁驳 舉举 訪访 線线 "
    "讀读 點点 屬属 隱隐 國国 險险 穩稳 覆复 訊讯 產产 價价 號号 擬拟 響响 營营 彙汇 匯汇 幣币 圓圆 筆笔 貳贰 參参 陸陆 齊齐 "
    "絕绝 準准 礙碍 餘余 約约 達达 屆届 廳厅 濟济 紀纪 歲岁 週周 裡里 錄录 檔档 簡简 並并 體体 質质 標标 狀状 銷销 續续 辭辞 "
    "訂订 該该 負负 責责 證证 執执 綜综 預预 編编 組组 織织 構构 設设 調调 權权 稅税 衛卫 環环 態态 論论 讓让 談谈 觀观 傾倾 "
    "聽听 紛纷 聯联 絡络 係系 誤误 課课 講讲 訓训 師师 導导 領领 頭头 時时 間间 後后 們们 這这 樣样 麼么 幾几 隻只 張张 貼贴 "
    "欄栏 櫃柜 視视 廣广 頻频 聞闻 閱阅 覽览 圖图 館馆 遞递 寫写 滿满 擔担 節节 戰战 爭争 災灾 衝冲 邊边 遠远 罰罚 強强 許许 "
    "層层 獲获 懷怀 憑凭 廢废 畫画 劃划 鄰邻"
)
_TRAD_MAP = {pair[0]: pair[1] for pair in _TRAD.split() if len(pair) == 2}


_KEEP = frozenset("。、《》“”‘’〔〕【】")
_SPACES = "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff\t\r"
_COMPAT_RANGES = (
    (0x2000, 0x2BFF),  # punctuation, letterlike, number forms, circled digits
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals (PDF text layers use them for 一, 人 …)
    (0x3000, 0x33FF),  # CJK symbols, enclosed and compatibility forms
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # vertical and small forms
    (0xFF00, 0xFFEF),  # full-width ASCII and half-width forms
)


def _translation() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _COMPAT_RANGES:
        for code in range(low, high + 1):
            ch = chr(code)
            if ch in _KEEP:
                continue
            nfkc = unicodedata.normalize("NFKC", ch)
            if len(nfkc) == 1 and nfkc != ch:
                table[code] = nfkc
    for ch in _SPACES:
        table[ord(ch)] = " "
    for trad, simp in _TRAD_MAP.items():
        table[ord(trad)] = simp
    return table


_TABLE = _translation()


def normalize(text: str) -> str:
    """The text the patterns read: same length as ``text``, one character for one."""
    return text.translate(_TABLE)


# Sentence ends (evidence) and clause ends (qualifiers). NFKC turns ，；：！？ into ASCII.
_SENTENCE_END = re.compile(r"[。;!?\n；！？]")
_CLAUSE_END = re.compile(r"[。;!?\n,，；：:！？]")
MAX_EVIDENCE = 160
# How far to look for a sentence or clause boundary: flattened pages may have none for
# thousands of characters, and a figure's qualifiers are never that far from it.
_WINDOW = 600


def _last_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    low = max(0, pos - _WINDOW)
    last = low
    for match in pattern.finditer(text, low, pos):
        last = match.end()
    return last


def _next_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    high = min(len(text), pos + _WINDOW)
    match = pattern.search(text, pos, high)
    return match.start() if match else high


def sentence_at(text: str, start: int, end: int, *, limit: int = MAX_EVIDENCE) -> tuple[int, int]:
    """The span of the sentence holding ``text[start:end]``, cut to ``limit`` characters.

    Flattened pages may have no sentence ends for thousands of characters; the span is then
    cut around the match so the evidence stays readable.
    """
    left = _last_end(_SENTENCE_END, text, start)
    right = _next_end(_SENTENCE_END, text, end)
    if right < len(text):
        right += 1  # keep the full stop
    if right - left > limit:
        budget = max(limit - (end - start), 0)
        left = max(left, start - budget // 2)
        right = min(right, max(end, left + limit))
    return left, right


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins (after the last ，。；： before it)."""
    return _last_end(_CLAUSE_END, text, pos)


def clause_end(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` ends (the next ，。；： or the end of the text)."""
    return _next_end(_CLAUSE_END, text, pos)


def sentence_start(text: str, pos: int) -> int:
    return _last_end(_SENTENCE_END, text, pos)


# ------------------------------------------------------------------------------------------
# Sections
# ------------------------------------------------------------------------------------------

OVERVIEW = "overview"
PROACTIVE = "proactive"
APPLICATIONS = "applications"
FEES = "fees"
APPEALS = "appeals"
CONSULTATIONS = "consultations"
PROBLEMS = "problems"
APPENDIX = "appendix"
OTHER = "other"

_HEADING = re.compile(
    r"(?:^|(?<=[\s。;:!?”」)\]|]))(?P<num>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?=\S)"
)
_HEADING_TEXT_END = re.compile(r"[(（。;!?]|\d|\s{2,}|\n")


@dataclass(frozen=True, slots=True)
class Section:
    """One top-level section: its span in the text, its heading and what it is about."""

    start: int
    end: int
    heading: str
    kinds: frozenset[str]


def classify_heading(heading: str) -> frozenset[str]:
    """What a top-level heading is about (a heading may name two things)."""
    kinds: set[str] = set()
    if re.search(r"复议|诉讼|申诉", heading):
        kinds.add(APPEALS)
    elif re.search(r"收费|费用|减免", heading):
        kinds.add(FEES)
    else:
        if re.search(r"申请|不予公开", heading):
            kinds.add(APPLICATIONS)
        if "咨询" in heading:
            kinds.add(CONSULTATIONS)
        if not kinds:
            if "主动公开" in heading:
                kinds.add(PROACTIVE)
            elif re.search(r"问题|改进|不足", heading):
                kinds.add(PROBLEMS)
            elif re.search(r"概述|概况|总体|基本情况|引言|前言", heading):
                kinds.add(OVERVIEW)
            elif re.search(r"附表|统计表|报表|需要说明|说明的事项|其他需要报告", heading):
                kinds.add(APPENDIX)
            else:
                kinds.add(OTHER)
    return frozenset(kinds)


def sections(text: str) -> list[Section]:
    """Top-level sections in order (一、… 二、… with rising numbers); [] when none are found.

    A heading counts only when its number follows the previous one (allowing one skipped
    number), which keeps the sub-lists inside appendix tables and the 一是/二是 of the prose
    out of the outline.
    """
    found: list[tuple[int, int, str]] = []
    last = 0
    for match in _HEADING.finditer(text):
        value = parse_chinese(match["num"])
        if value is None or not (last < value <= last + 2):
            continue
        if value != 1 and not found:
            continue
        body = text[match.end() : match.end() + 40]
        cut = _HEADING_TEXT_END.search(body)
        heading = body[: cut.start()] if cut else body
        if len(heading.strip()) < 2:
            continue
        found.append((match.start(), value, heading.strip()))
        last = value
    out: list[Section] = []
    for i, (start, _value, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.append(Section(start, end, heading, classify_heading(heading)))
    return out


def kinds_at(secs: list[Section], pos: int) -> frozenset[str]:
    """The kinds of the section holding ``pos`` (empty before the first heading)."""
    for sec in secs:
        if sec.start <= pos < sec.end:
            return sec.kinds
    return frozenset()


# ------------------------------------------------------------------------------------------
# The year a report covers (used only to tell this year's figures from other years')
# ------------------------------------------------------------------------------------------

_YEAR_TOKEN = r"(?:(?:19|20)\d{2}|[一二][〇○零O一二三四五六七八九]{3})"
_REPORT_YEAR = (
    re.compile(
        rf"(?P<y>{_YEAR_TOKEN})\s*年\s*度?[^。\n]{{0,24}}?信息公开[^。\n]{{0,6}}?年\s*度?\s*报\s*告"
    ),
    re.compile(
        rf"统计(?:期限|时限|时间|区间)[^。\n]{{0,6}}?(?P<y>{_YEAR_TOKEN})\s*年\s*1\s*月\s*1\s*日"
    ),
    re.compile(rf"(?P<y>{_YEAR_TOKEN})\s*年\s*度?\s*(?:政府)?信息公开(?:工作)?(?:年度)?报告"),
)


def year_value(token: str) -> int | None:
    """``2011`` or ``二〇一一`` → 2011 (None for anything else)."""
    if token.isdigit():
        return int(token)
    return parse_chinese(token)


def report_year(text: str) -> int | None:
    """The year the report covers, read from its title or statistics period (or None)."""
    head = text[:6000]
    for pattern in _REPORT_YEAR:
        match = pattern.search(head)
        if match:
            year = year_value(match["y"])
            if year is not None and 2000 <= year <= 2100:
                return year
    return None


YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
