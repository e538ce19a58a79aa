"""The sentences that state a count, as data: one :class:`Rule` per wording family
(:mod:`parsers.prose.patterns` reads the text with them).

Every rule is a regular expression over the normalized text (see :mod:`parsers.prose.text`)
plus the conditions under which its match really is the report's own figure for the year:

* ``where`` — the sections (by heading) where the rule reads freely; elsewhere the sentence
  must contain ``needs`` (行政复议 in a sentence about 政府信息公开 is read anywhere, a bare
  "受理申请 N 件" only under the applications heading — a 行政服务中心's 受理申请 136437 件 is
  not a disclosure request);
* ``subset`` — a clause that names a part (各乡镇…, 其中网上…, 现场咨询…) is not the whole;
* ``veto`` — a clause about something else (经费/支出 is the agency's spending, not a fee;
  复议决定书 is a published document, not a case);
* every match is also checked for approximation (约, 多, 余, 左右 …: never recorded as an exact
  count), for cumulative figures (历年累计, 截至…累计, 自《条例》施行以来) and for figures of
  another year (去年, 2011年 in a 2012 report).

Rules with ``zero=True`` state zero in words (未收到…申请, 暂不收费, 未发生行政复议). Zero is
only ever read from such a statement; a count that is simply not mentioned stays absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.prose import text as T
from parsers.prose.numerals import NUMBER

# ------------------------------------------------------------------------------------------
# Building blocks
# ------------------------------------------------------------------------------------------


def _num(name: str = "n") -> str:
    return rf"(?<![\d.,第])(?P<{name}>{NUMBER})"


def _gap(n: int, name: str | None = None) -> str:
    body = rf"[^,，。;；:：!?\n]{{0,{n}}}?"
    return rf"(?P<{name}>{body})" if name else body


N = _num()
Q = r"[“”\"'‘’「」]?"
# 多/余 between a number and its unit (3000多人次, 100余件) make it approximate: matched here,
# then refused by the approximation check with a warning.
_ABOUT = r"(?:多|余)?\s*"
U_ITEMS = _ABOUT + r"(?P<u>条|件|项|篇|个|份)"
U_APPS = _ABOUT + r"(?P<u>人次|批次|件|条|份|宗|个|次|项)"
U_CASES = _ABOUT + r"(?P<u>件|起|宗|次|个|例|案)"
U_CONS = _ABOUT + r"(?P<u>人次|件次|批次|件|次|个|条|人|位)"
U_FEES = _ABOUT + r"(?P<u>万元|元)"
NEG = r"(?:未|没有|没|无(?![法论须需关正])|暂无|尚未|均未|从未|并未|未曾)"

SUBUNIT = re.compile(
    r"各(?:乡镇|街道|镇|乡|县区|县市区|县|区|市|部门|单位|委办局|科室|处室|直属单位|分局|所)"
    r"|(?:区|县|市|省)直(?:各)?(?:部门|单位)?|下属|所属"
    r"|其中[^,，]{0,10}(?:部门|乡镇|街道|单位|局|委|办)"
)
WHOLE = re.compile(
    r"全市|全区|全县|全省|全镇|全乡|全局|全系统|全委|(?<!公)共(?![享同建])|合计|总计|总共"
)
CHANNEL_PART = re.compile(
    r"(?:通过|在|经|于)(?![^,，]{0,3}(?:各种|多种|各类|不同|各|多))[^,，]{0,20}?"
    r"(?:网站|网|公报|微博|微信|报纸|报刊|电视|广播|公开栏|显示屏|客户端|APP|平台|栏目|专栏)"
)
APP_CHANNEL = re.compile(r"当面|现场|网上|网络|在线|信函|邮寄|传真|电子邮件|邮件|电话")
CONS_CHANNEL = re.compile(
    r"现场|电话|网上|网络|在线|来电|来访|信函|当面|窗口|热线|邮件|微博|微信|短信|留言"
)

STRONG_CUMULATIVE = re.compile(
    r"历年|总累计|累计至今|至今|迄今|自《|(?:施行|实施|颁布|公布|实行)以来"
)
SINCE_YEAR = re.compile(r"自\s*((?:19|20)\d\d|[一二][〇○零O一二三四五六七八九]{3})\s*年")
SINCE = re.compile(r"以来")
UNTIL = re.compile(r"截至|截止")
YEAR_TOKEN = re.compile(
    r"(?<![\d〇○零一二三四五六七八九])((?:19|20)\d\d|[一二][〇○零O一二三四五六七八九]{3})\s*年"
)
ACCUMULATED = re.compile(r"累计")
ANCHOR = re.compile(r"本年|全年|今年|年内|本年度|当年|年度内")
OTHER_YEAR = re.compile(r"上年|去年|上一年|前年|上年度")
APPROX_BEFORE = re.compile(r"(?:约|近|逾|超过|大约|将近|不到|不足|近乎|多达)\s*$")
APPROX_AFTER = re.compile(r"^\s*(?:多|余|来)")
APPROX_AFTER_UNIT = re.compile(r"^\s*(?:左右|以上|上下|多|余)")
MODAL = re.compile(r"可以|可依法|有权|应当|可向|依法申请|告知|如对|若对|不服")

APP_NOUN = (
    r"(?:(?:政府信息公开|信息公开|公开政府信息)(?:的)?申请(?:书)?"
    r"|依申请公开(?:政府信息)?(?:的)?(?:申请|事项|信息)?|政府信息申请)"
)
OUT_TAIL = rf"{Q}(?:的|类)?(?:答复|申请)?(?:共|为|有|是)?(?:约)?\s*{N}\s*{U_APPS}"


@dataclass(frozen=True)
class Rule:
    """One wording family for one or more keys."""

    name: str
    keys: tuple[str, ...]
    regex: re.Pattern[str]
    zero: bool = False
    where: frozenset[str] = frozenset()
    needs: re.Pattern[str] | None = None
    must: re.Pattern[str] | None = None  # the sentence must contain this wherever it is
    subset: tuple[re.Pattern[str], ...] = ()
    weaker: tuple[re.Pattern[str], ...] = ()  # a part-looking clause: ranked after the others
    veto: re.Pattern[str] | None = None
    lead_veto: re.Pattern[str] | None = None  # checked on the few characters before the match
    tail_veto: re.Pattern[str] | None = None  # checked on the rest of the clause after the match
    gap_veto: re.Pattern[str] | None = None
    # Extra keys a zero statement also covers when the rest of its clause names them
    # (未收到…行政复议、提起行政诉讼的申请 is zero for both).
    also: tuple[tuple[str, re.Pattern[str]], ...] = ()
    groups: tuple[str, ...] = ("n",)  # number groups, one per key when there are several


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_PRO = frozenset({T.PROACTIVE, T.OVERVIEW})
_APP = frozenset({T.APPLICATIONS, T.OVERVIEW})
_OUT = frozenset({T.APPLICATIONS})
_FEE = frozenset({T.FEES})
_APL = frozenset({T.APPEALS})
_CON = frozenset({T.CONSULTATIONS, T.APPLICATIONS})

_NOT_APP = _r(r"复议|诉讼|申诉|咨询|行政许可|审批|投诉|举报|信访")
_SPENDING = _r(r"经费|支出|投入|预算|行政事业性|收费项目|罚没|花费|开支")
_APPEAL_VETO = _r(r"决定书|复议决定|应诉|代理|出庭|法律顾问|复议机关")
_DISCLOSURE = _r(r"信息公开|公开申请|依申请|政府信息")
_LIT = _r(r"诉讼|起诉")
# 因政府信息公开申请行政复议: here 申请 is the verb "apply for", the clause is about appeals.
_APPEAL_TAIL = _r(
    r"^\s*(?:而|并|后)?(?:被)?(?:申请|提出|提起)?(?:行政复议|复议|行政诉讼|诉讼|起诉)"
)
# 其他应主动公开的信息 N 条 / 可主动公开 is a category of information, not the year's total.
_CATEGORY = _r(r"(?:其他|其它|应当?|可以?|需要?|依法|不)$")
_REC = _r(r"复议")

RULES: tuple[Rule, ...] = (
    # -------------------------------------------------------------- proactive_items
    Rule(
        "proactive",
        ("proactive_items",),
        _r(
            r"主动(?:向社会公众|向社会|向公众|对外)?公开(?:了)?(?:各类|各种|各项|的)?(?:政府)?信息(?:资源)?"
            r"(?:共|总数|总量|数量|数|量|条目)?(?:共计|共|合计|总计|累计)?"
            rf"(?:为|达到|达|有|计)?(?:约)?\s*{N}\s*{U_ITEMS}"
        ),
        where=_PRO,
        needs=_r("主动公开"),
        subset=(SUBUNIT,),
        weaker=(CHANNEL_PART,),
        lead_veto=_CATEGORY,
    ),
    Rule(
        "proactive_number_first",
        ("proactive_items",),
        _r(
            rf"主动公开(?:了)?(?:各类|各种|的)?(?:约)?\s*{N}\s*{U_ITEMS}(?:的)?(?:各类)?(?:政府)?信息"
        ),
        where=_PRO,
        needs=_r("主动公开"),
        subset=(SUBUNIT,),
        weaker=(CHANNEL_PART,),
        lead_veto=_CATEGORY,
    ),
    Rule(
        "proactive_bare",
        ("proactive_items",),
        _r(
            r"(?:共|全年|本年度?|今年|年内)(?:共|累计)?(?:主动)?公开(?:了)?(?:各类)?"
            rf"(?:政府信息)?(?:共)?\s*{N}\s*{U_ITEMS}"
        ),
        where=frozenset({T.PROACTIVE}),
        subset=(SUBUNIT,),
        weaker=(CHANNEL_PART,),
    ),
    # -------------------------------------------------------------- applications_received
    Rule(
        "received",
        ("applications_received",),
        _r(
            rf"(?:收到|受理|接到|接收|接受)(?:了)?{_gap(24, 'gap')}{APP_NOUN}"
            r"(?:共计|共|总数|总量|数量|数|件数)?(?:共|合计|总计)?"
            rf"(?:为|达到|达|有|计)?(?:约)?\s*{N}\s*{U_APPS}"
        ),
        where=_APP,
        needs=_r("申请"),
        subset=(SUBUNIT, APP_CHANNEL),
        gap_veto=_NOT_APP,
        tail_veto=_APPEAL_TAIL,
    ),
    Rule(
        "received_number_first",
        ("applications_received",),
        _r(
            rf"(?:收到|受理|接到|接收|接受)(?:了)?(?:各类)?(?:约)?\s*{N}\s*{U_APPS}"
            rf"{_gap(16, 'gap')}{APP_NOUN}"
        ),
        where=_APP,
        needs=_r("申请"),
        subset=(SUBUNIT, APP_CHANNEL),
        gap_veto=_NOT_APP,
        tail_veto=_APPEAL_TAIL,
    ),
    Rule(
        "received_noun",
        ("applications_received",),
        _r(
            r"(?:政府信息公开申请|信息公开申请|依申请公开申请|公开申请)"
            r"(?:共计|共|总数|总量|数量|数|件数)(?:共|合计|总计)?"
            rf"(?:为|达到|达|有|计|是)?\s*{N}\s*{U_APPS}?"
        ),
        where=_APP,
        needs=_r("申请"),
        subset=(SUBUNIT, APP_CHANNEL),
        tail_veto=_APPEAL_TAIL,
    ),
    Rule(
        "received_in_section",
        ("applications_received",),
        _r(
            r"(?:收到|受理|接到|接收)(?:了)?(?:各类|各项|有关)?"
            rf"申请(?:件)?(?:共|总数|数)?(?:为|达|有|计)?\s*{N}\s*{U_APPS}"
        ),
        where=frozenset({T.APPLICATIONS}),
        subset=(SUBUNIT, APP_CHANNEL),
        veto=_r(r"复议|诉讼|申诉|咨询"),
    ),
    Rule(
        "received_in_section_number_first",
        ("applications_received",),
        _r(rf"(?:收到|受理|接到|接收)(?:了)?(?:各类|各项|有关)?\s*{N}\s*{U_APPS}(?:的)?申请"),
        where=frozenset({T.APPLICATIONS}),
        subset=(SUBUNIT, APP_CHANNEL),
        veto=_r(r"复议|诉讼|申诉|咨询"),
    ),
    Rule(
        "received_none",
        ("applications_received",),
        _r(
            rf"{NEG}(?:收到|受理|接到|接收|发生|出现|有|产生)(?:过|任何)?{_gap(24, 'gap')}"
            r"(?:政府信息公开|信息公开|依申请公开|公开|政府信息)(?:的)?(?:申请|事项)"
        ),
        zero=True,
        where=_APP,
        needs=_r("申请"),
        subset=(SUBUNIT,),
        gap_veto=_NOT_APP,
        tail_veto=_APPEAL_TAIL,
    ),
    Rule(
        "received_none_applicant",
        ("applications_received",),
        _r(
            r"(?:无|没有|暂无|未有)(?:公民|法人|个人|单位|群众|申请人|社会公众|任何)"
            rf"{_gap(24, 'gap')}(?:提出|提交|递交)(?:的)?(?:政府信息公开|信息公开|依申请公开)?(?:的)?申请"
        ),
        zero=True,
        where=_APP,
        needs=_r("公开"),
        gap_veto=_NOT_APP,
        tail_veto=_APPEAL_TAIL,
    ),
    Rule(
        "received_none_noun",
        ("applications_received",),
        _r(
            r"(?:无|没有|暂无)(?:依申请公开|政府信息公开申请)(?:事项|情况|件|申请)?(?=[,，。;；\s]|$)"
            r"|(?:未发生|未有|没有|无)(?:任何)?依申请公开(?:政府信息)?(?:的)?(?:申请|事项|情况|行为)"
            rf"|{APP_NOUN}(?:数量?|件数|总数)?(?:均|都)?为(?:零|0|〇)(?![\d.])"
        ),
        zero=True,
        where=_APP,
        needs=_r("申请"),
        subset=(SUBUNIT,),
        tail_veto=_APPEAL_TAIL,
    ),
    # -------------------------------------------------------------- outcomes
    Rule(
        "granted",
        ("applications_granted",),
        _r(
            r"(?<!部分)(?<!不)(?:同意公开|予以公开|全部公开|准予公开|同意全部公开|全部予以公开)"
            + OUT_TAIL
        ),
        where=_OUT,
        needs=_r(r"申请|答复"),
    ),
    Rule(
        "partial",
        ("applications_partial",),
        _r(r"(?:同意部分公开|部分同意公开|部分予以公开|部分公开)" + OUT_TAIL),
        where=_OUT,
        needs=_r(r"申请|答复"),
    ),
    Rule(
        "denied",
        ("applications_denied",),
        _r(r"(?<!部分)(?:不予公开|不同意公开|否决公开|不予以公开|不公开|拒绝公开)" + OUT_TAIL),
        where=_OUT,
        needs=_r(r"申请|答复"),
    ),
    Rule(
        "nonexistent",
        ("applications_nonexistent",),
        _r(r"(?:所申请的?信息不存在|申请信息不存在|政府信息不存在|信息不存在)" + OUT_TAIL),
        where=_OUT,
        needs=_r(r"申请|答复"),
    ),
    Rule(
        "not_held",
        ("applications_not_held",),
        _r(
            r"(?:非本(?:行政)?机关(?:职责权限范围|职责范围|掌握|政府信息|公开)?(?:的)?(?:政府信息)?"
            r"|不属于本(?:行政)?机关(?:公开|职责|掌握)?(?:范围|职责)?(?:数)?"
            r"|非本部门(?:掌握)?(?:政府信息)?|非本单位(?:掌握)?)" + OUT_TAIL
        ),
        where=_OUT,
        needs=_r(r"申请|答复"),
    ),
    Rule(
        "unclear",
        ("applications_unclear",),
        _r(r"(?:申请内容不明确|内容不明确|申请内容不清|申请不明确)" + OUT_TAIL),
        where=_OUT,
        needs=_r(r"申请|答复"),
    ),
    # -------------------------------------------------------------- fees_yuan
    Rule(
        "fees_collected",
        ("fees_yuan",),
        _r(
            rf"(?:共|合计|累计)?收取(?:了)?{_gap(16, 'gap')}(?:费用|费|工本费)"
            rf"(?:共计|共|合计|总计)?(?:为|计)?(?:约)?\s*{N}\s*{U_FEES}"
        ),
        where=_FEE,
        needs=_r(r"申请"),
        veto=_SPENDING,
        gap_veto=_r(r"减免|免收|减收|税"),
    ),
    Rule(
        "fees_amount",
        ("fees_yuan",),
        _r(
            r"(?<!减免)(?<!免)(?:收费|收取费用)(?:金额|总额|总计|合计|共计|共)?(?:为|计)?"
            rf"\s*{N}\s*{U_FEES}"
        ),
        where=_FEE,
        needs=_r(r"申请"),
        veto=_SPENDING,
    ),
    Rule(
        "fees_none",
        ("fees_yuan",),
        _r(
            r"(?:未|没有|没|不|暂不|暂未|均未|均不|从未|并未|无)(?:向[^,，。;；]{0,12}?)?"
            r"(?:收取|收费|产生(?:任何)?(?:费用|收费)|发生(?:任何)?(?:费用|收费))"
            r"|(?:收费|收取(?:的)?费用|费用)(?:金额|总额)?(?:均|都)?为(?:零|0)(?![\d.])"
            r"|收费(?:及减免)?(?:情况)?[:：\s]*(?:无|没有)(?=[,，。;；\s]|$)"
        ),
        zero=True,
        where=_FEE,
        needs=_r(r"申请"),
        veto=_SPENDING,
    ),
    Rule(
        "fees_free",
        ("fees_yuan",),
        _r(r"免费(?:提供|答复|办理|向申请人提供)"),
        zero=True,
        where=frozenset({T.FEES, T.APPLICATIONS}),
        must=_r(r"申请"),
        veto=_SPENDING,
    ),
    # -------------------------------------------------------------- appeals
    Rule(
        "appeals_each",
        ("reconsideration_cases", "litigation_cases"),
        _r(
            r"行政复议(?:[和、及与或]|以及)(?:提起)?(?:行政)?诉讼(?:案件|的情况|情况)?(?:数量?)?"
            rf"(?:均|都|各)(?:为|是|有)?\s*{_num('n1')}\s*(?:件|起|宗|次|个|例)?"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        groups=("n1", "n1"),
    ),
    Rule(
        "appeals_respectively",
        ("reconsideration_cases", "litigation_cases"),
        _r(
            r"行政复议(?:[和、及与]|以及)(?:提起)?(?:行政)?诉讼(?:案件)?(?:数量?)?分别(?:为|是|有)?"
            rf"\s*{_num('n1')}\s*(?:件|起|宗|次|个|例)?\s*[、和,，及]\s*{_num('n2')}\s*(?:件|起|宗|次|个|例)"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        groups=("n1", "n2"),
    ),
    Rule(
        "appeals_zero_list",
        ("reconsideration_cases", "litigation_cases"),
        _r(
            r"行政复议(?:[和、及与]|以及)(?:提起)?(?:行政)?诉讼(?:案件)?(?:数量?)?(?:为)?"
            r"\s*(?P<n1>0|零)\s*(?:件|起|宗|次|个|例)"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        groups=("n1", "n1"),
    ),
    Rule(
        "reconsideration",
        ("reconsideration_cases",),
        _r(
            r"(?:行政复议|申请复议|提起复议)(?:案件|申请|案)?(?:共计|共|数量|数|总数|件数)?(?:共|合计)?"
            rf"(?:为|有|达|计|是)?\s*{N}\s*{U_CASES}"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        subset=(SUBUNIT,),
    ),
    Rule(
        "reconsideration_number_first",
        ("reconsideration_cases",),
        _r(
            rf"(?:收到|发生|受理|接到|出现|提起|有|被申请)(?:了)?\s*{N}\s*{U_CASES}"
            rf"{_gap(14, 'gap')}行政复议"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        subset=(SUBUNIT,),
        gap_veto=_r(r"诉讼|申请(?!行政复议)"),
    ),
    Rule(
        "litigation",
        ("litigation_cases",),
        _r(
            r"(?<!接受)(?:行政诉讼|提起诉讼)(?:案件|案)?(?:共计|共|数量|数|总数|件数)?(?:共|合计)?"
            rf"(?:为|有|达|计|是)?\s*{N}\s*{U_CASES}"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        subset=(SUBUNIT,),
    ),
    Rule(
        "litigation_number_first",
        ("litigation_cases",),
        _r(
            rf"(?:收到|发生|受理|接到|出现|提起|有|被)(?:了)?\s*{N}\s*{U_CASES}"
            rf"{_gap(14, 'gap')}行政诉讼"
        ),
        where=_APL,
        needs=_DISCLOSURE,
        veto=_APPEAL_VETO,
        subset=(SUBUNIT,),
        gap_veto=_r(r"复议"),
    ),
    Rule(
        "reconsideration_none",
        ("reconsideration_cases",),
        _r(
            rf"{NEG}(?:收到|发生|出现|接到|受理|有|被|产生)?(?:过|任何)?{_gap(30, 'gap')}"
            r"(?:行政复议|复议)"
        ),
        zero=True,
        where=_APL,
        needs=_DISCLOSURE,
        veto=MODAL,
        subset=(SUBUNIT,),
        also=(("litigation_cases", _LIT),),
    ),
    Rule(
        "litigation_none",
        ("litigation_cases",),
        _r(
            rf"{NEG}(?:收到|发生|出现|接到|受理|有|被|产生)?(?:过|任何)?{_gap(30, 'gap')}"
            r"(?:行政诉讼|提起诉讼|起诉)"
        ),
        zero=True,
        where=_APL,
        needs=_DISCLOSURE,
        veto=MODAL,
        subset=(SUBUNIT,),
        also=(("reconsideration_cases", _REC),),
    ),
    Rule(
        "appeals_heading_none",
        ("reconsideration_cases",),
        _r(
            r"(?P<what>(?:申请)?行政复议[^。;；\n]{0,30}?)情况[:：\s]*"
            r"(?:(?:本年度?|今年|全年|(?:19|20)\d\d年(?:度)?)[,，]?\s*)?(?:均为|为|均)?"
            r"(?:无|零|0件)(?=[,，。;；\s]|$)"
        ),
        zero=True,
        where=_APL,
        needs=_DISCLOSURE,
        also=(("litigation_cases", _LIT),),
    ),
    Rule(
        "litigation_heading_none",
        ("litigation_cases",),
        _r(
            r"(?<!复议)(?<!复议、)(?P<what>(?:提起)?行政诉讼[^。;；\n]{0,20}?)情况[:：\s]*"
            r"(?:(?:本年度?|今年|全年|(?:19|20)\d\d年(?:度)?)[,，]?\s*)?(?:均为|为|均)?"
            r"(?:无|零|0件)(?=[,，。;；\s]|$)"
        ),
        zero=True,
        where=_APL,
        needs=_DISCLOSURE,
    ),
    # -------------------------------------------------------------- consultations
    Rule(
        "consultations",
        ("consultations",),
        _r(
            rf"(?:接受|受理|解答|答复|处理|接待|办理|提供|收到|接到|回复)(?:了)?{_gap(16, 'gap')}咨询"
            r"(?:服务|事项|件)?(?:共计|共|总数|总量|数量|量)?(?:共|合计)?"
            rf"(?:为|达到|达|有|计|约)?\s*{N}\s*{U_CONS}"
        ),
        where=_CON,
        needs=_r(r"信息公开|政府信息"),
        subset=(SUBUNIT,),
        gap_veto=_r(r"申请"),
    ),
    Rule(
        "consultations_noun",
        ("consultations",),
        _r(
            r"(?:(?:政府信息公开|信息公开|政府信息)(?:类)?咨询(?:服务|事项)?(?:共计|共|总数|总量|数量|量)?"
            r"|咨询(?:服务|事项)?(?:共计|共|总数|总量|数量|量))"
            rf"(?:为|达到|达|有|计)?\s*{N}\s*{U_CONS}"
        ),
        where=_CON,
        needs=_r(r"信息公开|政府信息"),
        subset=(SUBUNIT,),
    ),
    Rule(
        "consultations_number_first",
        ("consultations",),
        _r(
            r"(?:接受|受理|解答|答复|处理|接待|办理|收到|接到|回复)(?:了)?(?:公众|群众|市民|社会公众)?"
            rf"\s*{N}\s*{U_CONS}(?:的)?{_gap(8, 'gap')}咨询"
        ),
        where=_CON,
        needs=_r(r"信息公开|政府信息"),
        subset=(SUBUNIT,),
    ),
)
