"""Is this a report? Answered from a link's title (``2023年…政府信息公开工作年度报告``,
``二〇二三年…``, ``…年报``, 更正/修订版 re-issues) and from a column's URL: the crawler's only
knowledge of the report format."""

from __future__ import annotations

import re

_CN_DIGIT = "〇○零Ｏ一二三四五六七八九"
_YEAR = rf"(?:(?:19|20)\d{{2}}|[１２][０-９]{{3}}|[二两][{_CN_DIGIT}]{{3}})"
_OGI = r"(?:政府信息公开|政务信息公开|信息公开|政务公开)"
_REPORT_CORE = re.compile(
    rf"{_YEAR}\s*年\s*度?.{{0,40}}?{_OGI}.{{0,16}}?(?:年度?报告|年报|工作报告|报告)"
    rf"|{_OGI}.{{0,16}}?(?:年度?报告|年报)"
    rf"|{_YEAR}\s*年\s*度?.{{0,40}}?(?:年度?报告|年报)"
)
_SUFFIX = re.compile(
    r"(?:[（(【\[][^（）()【】\[\]]{0,12}[）)】\]]|\.(?:pdf|docx?|wps|ofd|xlsx?)|\s|[-—_:：]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})+$",
    re.I,
)
_NOT_REPORT = re.compile(
    r"通知|公告|的函|要点|通报|编制|培训|评估|考核|指引|模板|格式|征求|意见|方案|解读|说明|目录|指南|制度|规定|办法|统计年报|决算|预算"
)
_REISSUE = re.compile(r"更正|修订|修正|重新发布|更新版")


MAX_TITLE = 300
"""Longest link title read as a report title (real ones are under 100 characters)."""


def is_report_title(title: str | None, *, in_report_column: bool = False) -> bool:
    """Whether a link title names an annual OGI report.

    The title (after stripping trailing ``（更正）``/``（图片版）``/``.pdf``/dates) must end with
    报告 or 年报 and mention information disclosure; inside a known report column (whose URL says
    ``zfxxgknb``/``xxgknb``/``gknb``) a year plus 年度报告/年报 is enough.
    """
    if not title:
        return False
    t = re.sub(r"\s+", "", title)
    if len(t) > MAX_TITLE:
        return False  # not a title; and _SUFFIX is quadratic on long runs of its characters
    core = _SUFFIX.sub("", t)
    if not (core.endswith("报告") or core.endswith("年报")):
        return False
    if _NOT_REPORT.search(core):
        return False
    m = _REPORT_CORE.search(core)
    if not m:
        return False
    return bool(re.search(_OGI, core)) or in_report_column


def is_reissue(title: str | None) -> bool:
    """A corrected or revised re-issue (更正/修订版) of a report."""
    return bool(title and _REISSUE.search(title))


_COLUMN_URL = re.compile(r"zfxxgknb|xxgknb|gknb|ndbg|nianbao|gongkainianbao", re.I)


def is_report_column(url: str) -> bool:
    return bool(_COLUMN_URL.search(url))
