"""Is this a free-form report from before the national format (template ``pre2019``)?

Decided from the content, never from the year alone: a report carrying the national tables
(本年新收政府信息公开申请数量, 上年结转…, 结转下年度继续办理, 本年制发件数 …) is not pre-2019, whatever
its year; one carrying the old headings (依申请公开政府信息情况, 政府信息公开的收费及减免情况,
因政府信息公开申请行政复议…) or an old appendix design is. The report year (< 2019) only decides
when neither kind of marker is present.
"""

from __future__ import annotations

import re

from parsers.prose.text import normalize, report_year

# Labels and headings of the national format (2019/2021 templates).
NATIONAL_MARKERS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "结转下年度继续办理",
    "本年度办理结果",
    "本年制发件数",
    "本年新制作数量",
    "三安全一稳定",
    "未经复议直接起诉",
    "复议后起诉",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "信访举报投诉类申请",
)

# Headings and appendix labels of the 2008 regulations' reports.
OLD_MARKERS = (
    "依申请公开政府信息情况",
    "依申请公开政府信息的情况",
    "政府信息依申请公开工作情况",
    "政府信息依申请公开办理情况",
    "依申请公开和不予公开",
    "不予公开政府信息的情况",
    "不予公开政府信息情况",
    "收费及减免情况",
    "收费及减免的情况",
    "收费和减免情况",
    "因政府信息公开申请行政复议",
    "因政府信息公开申请提起行政复议",
    "因政府信息公开申请提起行政诉讼",
    "咨询处理情况",
    "政府信息公开情况统计表",
    "需要说明的事项与附表",
    "受理依申请公开信息总数",
    "同意部分公开答复数",
    "否决公开答复",
    "属于已主动公开范围数",
    "告知通过其他途径办理数",
    "告知作出更改补充数",
)

_SPACE = re.compile(r"[\s|]+")
_DISCLOSURE = re.compile(r"政府信息公开|信息公开")
_REPORTISH = re.compile(r"年度报告|年报|主动公开")


def _squash(text: str) -> str:
    return _SPACE.sub("", normalize(text)).replace("（", "(").replace("）", ")")


def national_markers(text: str) -> int:
    """How many distinct labels of the national (2019/2021) format the text holds."""
    flat = _squash(text)
    return sum(1 for marker in NATIONAL_MARKERS if marker in flat)


def old_markers(text: str) -> int:
    """How many distinct headings/labels of the pre-2019 reports the text holds."""
    flat = _squash(text)
    return sum(1 for marker in OLD_MARKERS if marker in flat)


def is_pre2019(text: str) -> bool:
    """True for a free-form report of the 2008 regulations (report years 2008–2018).

    No national table labels, and either an old-format heading/appendix label, or a report
    year before 2019 together with the vocabulary of a disclosure report. A report that says
    it covers 2019 or later needs two old-format markers (an agency that kept the old layout),
    since one old phrase (收费及减免情况) also turns up in section 六 of national reports.
    """
    if not text:
        return False
    national = national_markers(text)
    if national >= 2:
        return False
    old = old_markers(text)
    year = report_year(normalize(text))
    if year is not None and year >= 2019:
        return national == 0 and old >= 2
    if old >= 1:
        return True
    return bool(
        year is not None and year < 2019 and _DISCLOSURE.search(text) and _REPORTISH.search(text)
    )
