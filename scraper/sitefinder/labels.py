"""Link ranking: which links of a government portal lead towards the annual-report columns.

A link is judged by its label (the text a reader sees, or for a bare "更多>>" the heading of
the box it sits in) and by the words of its URL. Real navigation comes in a handful of forms:

- the report column itself: 政府信息公开年报, 政府信息公开工作年度报告, 信息公开年报, 年度报告,
  年报; URL words ``zfxxgknb``, ``xxgknb``, ``gknb``, ``ndbg`` …;
- the way there: 政府信息公开 (the platform), 信息公开目录, 法定主动公开内容, 政务公开,
  信息公开; URL words ``zfxxgk``, ``xxgk``, ``zwgk``, ``gkml`` …;
- the lists of sub-platforms a county runs for its departments (部门信息公开, 部门名单,
  地方部门平台链接, 部门网站) and townships (乡镇（街道）信息公开, 镇街, 片区).

Some places are never entered, whatever their words: news archives, search pages, calendars,
interaction sections (互动交流, 信箱), external service platforms (政务服务 ``zwfw``, 12345),
log-ins, foreign-language versions — they page on forever or lead off the site. So are texts
that name the annual report but are something else: 统计年报, 决算, 企业年报 (a market
regulator's service), 年报解读, 年报查询.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COLUMN = "column"
"""A link to (probably) a report column."""
NAV = "nav"
"""A link on the way to the columns."""
SUBINDEX = "subindex"
"""A link to a list of sub-platforms (departments, townships, 片区 of townships)."""
NEVER = "never"
"""A link never to be followed."""
OTHER = "other"
"""Nothing to say for or against: not followed."""

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_DECOR = re.compile(r"^[>»›·•\-–—|【\[（(<«‹\s]+|[>»›·•\-–—|】\]）)<«‹\s]+$")
_GENERIC = re.compile(
    r"^(?:更多|更多信息|更多内容|查看更多|查看全部|全部|进入|点击进入|进入专栏|详细|详情|more|查看|>+|»+)$",
    re.I,
)

_COLUMN_WORDS = re.compile(r"年报|年度报告|年度工作报告|工作年度报告")
_NOT_COLUMN = re.compile(
    r"统计|决算|预算|财务|企业|工商|公示|申报|年鉴|查询|系统|填报|报送|模板|格式|通知|解读|图解|"
    r"编制|要点|评估|考核|检查|征求|专项|审计|年检"
)
_REPORT_ITEM = re.compile(r"(?:19|20)\d{2}\s*年|[二〇零○][〇○零一二三四五六七八九]{3}\s*年")
_SUBINDEX = re.compile(
    r"部门信息公开|部门政务公开|部门公开|部门名单|部门平台|部门网站|部门目录|部门链接|信息公开部门|"
    r"地方部门|政府部门|[县市区旗]直部门|[县市区旗]级部门|组成部门|工作部门|直属单位|"
    r"乡镇[（(]?街道[）)]?|乡镇街道|乡镇信息公开|乡镇政务公开|街道信息公开|镇街|乡镇政府|"
    r"乡[（(]?镇[）)]|片区|苏木"
)
_NAV = (
    (re.compile(r"政府信息公开(?:平台|专栏|网)?$|^信息公开(?:平台|专栏)$"), 70),
    (re.compile(r"信息公开目录|政府信息公开目录|公开目录"), 65),
    (re.compile(r"法定主动公开"), 60),
    (re.compile(r"政府信息公开"), 55),
    (re.compile(r"信息公开"), 55),
    (re.compile(r"政务公开"), 50),
    (re.compile(r"主动公开"), 40),
    (re.compile(r"网站地图|站点地图"), 25),
)
_NOT_NAV = re.compile(
    r"指南|制度|申请|规定|办法|意见|要点|考核|培训|会议|解读|政策|文件|规划|计划|动态|通知|公告|"
    r"工作|监督|保障|清单|标准|目录编制|人事|财政|预决算|机构|职能|领导|概况"
)
_NEVER_LABEL = re.compile(
    r"新闻|要闻|动态|资讯|图片|视频|直播|专题|搜索|检索|查询|日历|日程|互动|交流|留言|信箱|咨询|"
    r"投诉|建议|征集|访谈|调查|办事|服务|登录|注册|english|无障碍|长者|关怀|rss|下载|招聘|招标|"
    r"采购|12345|热线|微博|微信|客户端|app|手机|网上|在线|论坛|博客",
    re.I,
)
_NEVER_URL = re.compile(
    r"zwfw|//12345\.|/12345(?:/|$)|hdjl|zmhd|gzhd|search|sousuo|jsearch|/so/|calendar|/rl/|rili|xwzx|/news|xwdt|"
    r"gzdt|/login|/user|/member|wsbs|bsfw|/en/|english|/ywdt/|/tpxw/|/spxw/|mailto:|\.(?:jpg|png|"
    r"gif|css|js|ico|mp4|flv|zip|rar|pdf|docx?|xlsx?|wps|ofd)(?:$|\?)",
    re.I,
)
_COLUMN_URL = re.compile(
    r"zfxxgknb|xxgknb|gknb|ndbg|nianbao|ndgzbg|xxgkndbg|gzndbg|/nb/|_nb/", re.I
)
_NAV_URL = re.compile(r"zfxxgk|xxgk|zwgk|gkml|fdzdgk|gongkai|xxgkzl|zfgk|/gk/", re.I)
_ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/art/\d{4}/|post_\d+\.html$|/info/\d+/\d+\.htm$|"
    r"(?:show|content|detail|view|article)\w*\.(?:asp|aspx|jsp|php|html?)\?|/content_\d+|"
    r"/\d{6}/[\w-]+\.s?html?$",
    re.I,
)


def normalise(label: str | None) -> str:
    """A label as compared: no spaces (labels come split by ``<br>``, full-width and
    non-breaking spaces), no arrows or brackets around it."""
    t = _SPACE.sub("", label or "")
    return _DECOR.sub("", t)


def is_generic(label: str | None) -> bool:
    """A label that says nothing by itself (更多, 进入, >>): its box heading must speak."""
    t = normalise(label)
    return not t or bool(_GENERIC.match(t))


def is_article_url(url: str) -> bool:
    """An article (a report page), not a list: ``t20240125_123.html``, ``art_…``, ``post_…``."""
    return bool(_ARTICLE_URL.search(url.split("#", 1)[0]))


def names_column(label: str | None) -> bool:
    """Whether a label (a link's, or a page's title) names an annual-report column."""
    t = normalise(label)
    if not t or len(t) > 30:
        return False
    return bool(_COLUMN_WORDS.search(t)) and not _NOT_COLUMN.search(t)


@dataclass(frozen=True)
class Rank:
    kind: str
    score: int

    @property
    def followed(self) -> bool:
        return self.kind in (COLUMN, NAV, SUBINDEX) and self.score > 0


def rank(label: str | None, url: str, context: str | None = None) -> Rank:
    """How much a link promises. ``context`` is the heading of the box a generic link
    (更多>>) sits in; it speaks for the link when the label says nothing."""
    t = normalise(label)
    low = url.lower()
    if _NEVER_URL.search(low.split("#", 1)[0]) or (t and _NEVER_LABEL.search(t)):
        return Rank(NEVER, 0)
    if is_article_url(url):
        return Rank(OTHER, 0)  # an article (a report itself, or news): not navigation
    if is_generic(label) and context:
        t = normalise(context)
        if _NEVER_LABEL.search(t):
            return Rank(NEVER, 0)
        if t and not names_column(t) and not _SUBINDEX.search(t):
            t = ""  # a box of anything else: its 更多 leads nowhere we go
    url_bonus = 30 if _COLUMN_URL.search(low) else 10 if _NAV_URL.search(low) else 0
    if t and names_column(t):
        if _REPORT_ITEM.search(t) and len(t) > 12:
            return Rank(OTHER, 0)  # "XX县2023年…年度报告": one report, not the column
        return Rank(COLUMN, 100 + url_bonus)
    if t and _SUBINDEX.search(t) and len(t) <= 16:
        return Rank(SUBINDEX, 75)
    if t and len(t) <= 14 and not _NOT_NAV.search(t):
        for pattern, score in _NAV:
            if pattern.search(t):
                return Rank(NAV, score + url_bonus // 3)
    if url_bonus >= 30 and (not t or is_generic(t)):
        return Rank(COLUMN, 60)  # an unlabelled link whose address says annual report
    if url_bonus and (not t or is_generic(t)):
        return Rank(NAV, 30)
    return Rank(OTHER, 0)


def is_subindex_context(text: str | None) -> bool:
    """A box heading or ``<select>`` caption that introduces a list of sub-platforms."""
    t = normalise(text)
    return bool(t) and len(t) <= 16 and bool(_SUBINDEX.search(t))
