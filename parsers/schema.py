"""The report format, once: every code, official label, English label and label variant.

Both national formats are described here — 国办公开办函〔2019〕60号 (report years 2019–2020) and
国办公开办函〔2021〕30号 (from report year 2021). Everything else in the project (the matcher,
the checks, the datasets' codebook, the fixture generator) reads the format from this module,
so a new label variant seen in the wild is added in one place.

Matching keys (``keys``) are *normalized* fragments (see :func:`parsers.labels.normalize_label`):
a label matches a field when one of its keys occurs in the normalized label text. Keys are chosen
to survive real variants: quotes “” vs "", （）vs (), 其他 vs 其它, stray spaces, typos seen in
published reports (三类内容事务信息, 其他法律行政止公开).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATE_2019 = "2019"
TEMPLATE_2021 = "2021"
TEMPLATE_PRE2019 = "pre2019"
TEMPLATE_UNKNOWN = "unknown"
TEMPLATES = (TEMPLATE_2021, TEMPLATE_2019, TEMPLATE_PRE2019, TEMPLATE_UNKNOWN)

SECTION_PROACTIVE = "proactive"
SECTION_APPLICATIONS = "applications"
SECTION_APPEALS = "appeals"
SECTIONS = (SECTION_PROACTIVE, SECTION_APPLICATIONS, SECTION_APPEALS)

SECTION_LABELS = {
    SECTION_PROACTIVE: ("二、主动公开政府信息情况", "Proactive disclosure"),
    SECTION_APPLICATIONS: (
        "三、收到和处理政府信息公开申请情况",
        "Applications received and handled",
    ),
    SECTION_APPEALS: (
        "四、政府信息公开行政复议、行政诉讼情况",
        "Administrative reconsideration and litigation",
    ),
}


@dataclass(frozen=True)
class Field:
    """One code of the format: a row, a column, an item or a measure."""

    code: str
    label: str
    en: str
    keys: tuple[str, ...] = ()
    templates: tuple[str, ...] = (TEMPLATE_2019, TEMPLATE_2021)
    # Keys that identify the field only right after one of these fields (e.g. "3.其他" after
    # "2.申请人逾期未按收费通知…"), because the bare text is ambiguous elsewhere.
    after: tuple[str, ...] = ()
    after_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """A row of the proactive-disclosure table (section 二) with its measures."""

    code: str
    label: str
    en: str
    keys: tuple[str, ...]
    measures: tuple[Field, ...]
    # Keys that must NOT occur for the item to match (规章 vs 规范性文件 share no text, but
    # 行政许可 must not swallow a header such as "行政许可事项数量").
    exclude: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Section 二 — proactive disclosure
# --------------------------------------------------------------------------------------------

_M21_DOCS = (
    Field("issued", "本年制发件数", "Issued this year", ("本年制发", "制发件数", "本年新制发")),
    Field("repealed", "本年废止件数", "Repealed this year", ("本年废止", "废止件数")),
    Field("in_force", "现行有效件数", "In force", ("现行有效",)),
)
_M21_DECISIONS = (Field("decisions", "本年处理决定数量", "Decisions this year", ("处理决定",)),)
_M21_FEES = (
    Field(
        "amount",
        "本年收费金额（单位：万元）",
        "Fees collected this year (10,000 yuan)",
        ("收费金额",),
    ),
)

PROACTIVE_2021: tuple[Item, ...] = (
    Item("regulations", "规章", "Regulations (规章)", ("规章",), _M21_DOCS),
    Item(
        "normative_documents",
        "行政规范性文件",
        "Normative documents",
        ("规范性文件",),
        _M21_DOCS,
    ),
    Item("licensing", "行政许可", "Administrative licensing", ("行政许可",), _M21_DECISIONS),
    Item("penalty", "行政处罚", "Administrative penalties", ("行政处罚",), _M21_DECISIONS),
    Item(
        "enforcement",
        "行政强制",
        "Administrative compulsory measures",
        ("行政强制",),
        _M21_DECISIONS,
    ),
    Item(
        "fees",
        "行政事业性收费",
        "Administrative fees",
        ("行政事业性收费", "事业性收费"),
        _M21_FEES,
    ),
)

_M19_DOCS = (
    Field("made", "本年新制作数量", "Made this year", ("新制作", "制作数量")),
    Field("published", "本年新公开数量", "Published this year", ("新公开", "公开数量")),
    Field("total_public", "对外公开总数量", "Total public", ("对外公开总", "公开总数")),
)
_M19_ITEMS = (
    Field(
        "previous_items", "上一年项目数量", "Items the previous year", ("上一年项目", "上年项目")
    ),
    Field("change", "本年增/减", "Change this year", ("本年增", "增/减", "增减")),
    Field("decisions", "处理决定数量", "Decisions", ("处理决定",)),
)
_M19_FEES = _M19_ITEMS[:2]
_M19_PROCUREMENT = (
    Field("items", "采购项目数量", "Procurement items", ("采购项目",)),
    Field("amount", "采购总金额", "Procurement amount (as printed)", ("采购总金额", "总金额")),
)

PROACTIVE_2019: tuple[Item, ...] = (
    Item("regulations", "规章", "Regulations (规章)", ("规章",), _M19_DOCS),
    Item("normative_documents", "规范性文件", "Normative documents", ("规范性文件",), _M19_DOCS),
    Item("licensing", "行政许可", "Administrative licensing", ("行政许可",), _M19_ITEMS),
    Item(
        "other_services",
        "其他对外管理服务事项",
        "Other external management services",
        ("对外管理服务", "其他对外管理"),
        _M19_ITEMS,
    ),
    Item("penalty", "行政处罚", "Administrative penalties", ("行政处罚",), _M19_ITEMS),
    Item(
        "enforcement", "行政强制", "Administrative compulsory measures", ("行政强制",), _M19_ITEMS
    ),
    Item(
        "fees",
        "行政事业性收费",
        "Administrative fees",
        ("行政事业性收费", "事业性收费"),
        _M19_FEES,
    ),
    Item(
        "procurement",
        "政府集中采购",
        "Government centralised procurement",
        ("集中采购",),
        _M19_PROCUREMENT,
    ),
)

PROACTIVE = {TEMPLATE_2021: PROACTIVE_2021, TEMPLATE_2019: PROACTIVE_2019}

# Header texts that show which template section 二 follows.
PROACTIVE_MARKERS = {
    TEMPLATE_2021: ("本年制发", "本年废止", "现行有效", "收费金额"),
    TEMPLATE_2019: ("新制作", "新公开", "对外公开总", "上一年项目", "集中采购", "采购总金额"),
}

# --------------------------------------------------------------------------------------------
# Section 三 — applications
# --------------------------------------------------------------------------------------------

APPLICATION_COLUMNS: tuple[Field, ...] = (
    Field("natural_person", "自然人", "Natural persons", ("自然人",)),
    Field("commercial", "商业企业", "Commercial enterprises", ("商业企业",)),
    Field("research", "科研机构", "Research institutions", ("科研机构",)),
    Field(
        "social_org", "社会公益组织", "Social welfare organisations", ("社会公益组织", "公益组织")
    ),
    Field("legal_service", "法律服务机构", "Legal service institutions", ("法律服务机构",)),
    Field("other_org", "其他", "Other organisations", ("其他",)),
    Field("total", "总计", "Total", ("总计", "合计")),
)
APPLICANT_COLUMNS = tuple(c.code for c in APPLICATION_COLUMNS[:-1])

_BOTH = (TEMPLATE_2019, TEMPLATE_2021)
_ONLY_2021 = (TEMPLATE_2021,)
_ONLY_2019 = (TEMPLATE_2019,)

APPLICATION_ROWS: tuple[Field, ...] = (
    Field("new", "一、本年新收政府信息公开申请数量", "New applications this year", ("本年新收",)),
    Field(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        "Carried over from last year",
        ("上年结转",),
    ),
    Field("granted", "三、本年度办理结果（一）予以公开", "Granted", ("予以公开",)),
    Field(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "Partially granted",
        ("部分公开",),
    ),
    Field(
        "denied_state_secret",
        "（三）不予公开 1.属于国家秘密",
        "Denied: state secret",
        ("国家秘密",),
    ),
    Field(
        "denied_prohibited",
        "2.其他法律行政法规禁止公开",
        "Denied: prohibited by other laws",
        ("禁止公开", "法规禁止", "其他法律行政"),
    ),
    Field(
        "denied_three_safety",
        "3.危及“三安全一稳定”",
        "Denied: endangers the 'three securities, one stability'",
        ("三安全一稳定", "三安全", "危及"),
    ),
    Field(
        "denied_third_party",
        "4.保护第三方合法权益",
        "Denied: third-party rights",
        ("第三方合法权益", "第三方"),
    ),
    Field(
        "denied_internal_affairs",
        "5.属于三类内部事务信息",
        "Denied: internal affairs",
        ("内部事务", "三类内", "事务信息"),
    ),
    Field(
        "denied_process_info",
        "6.属于四类过程性信息",
        "Denied: process information",
        ("过程性信息", "过程性"),
    ),
    Field(
        "denied_enforcement_file",
        "7.属于行政执法案卷",
        "Denied: law-enforcement files",
        ("执法案卷",),
    ),
    Field(
        "denied_query",
        "8.属于行政查询事项",
        "Denied: administrative query",
        ("行政查询", "查询事项"),
    ),
    Field(
        "unable_not_held",
        "（四）无法提供 1.本机关不掌握相关政府信息",
        "Unable: not held",
        ("不掌握",),
    ),
    Field(
        "unable_need_creation",
        "2.没有现成信息需要另行制作",
        "Unable: would need creating",
        ("另行制作", "没有现成", "现成信息"),
    ),
    Field(
        "unable_unclear",
        "3.补正后申请内容仍不明确",
        "Unable: still unclear after correction",
        ("仍不明确", "内容不明确", "补正后"),
    ),
    Field(
        "rejected_complaint",
        "（五）不予处理 1.信访举报投诉类申请",
        "Not processed: petitions and complaints",
        ("信访举报", "投诉类", "信访", "举报投诉"),
    ),
    Field("rejected_duplicate", "2.重复申请", "Not processed: duplicate", ("重复申请",)),
    Field(
        "rejected_publication",
        "3.要求提供公开出版物",
        "Not processed: publications",
        ("公开出版物", "出版物"),
    ),
    Field(
        "rejected_excessive",
        "4.无正当理由大量反复申请",
        "Not processed: excessive repeated applications",
        ("大量反复", "反复申请"),
    ),
    Field(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        "Not processed: confirmation of information already obtained",
        ("重新出具", "确认或重新", "已获取信息"),
    ),
    Field(
        "other_no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not correct in time",
        ("逾期不补正", "不补正"),
        _ONLY_2021,
    ),
    Field(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not pay the fee",
        ("缴纳费用", "收费通知", "缴费"),
        _ONLY_2021,
    ),
    Field(
        "other_other",
        "3.其他",
        "Other: other",
        (),
        _ONLY_2021,
        after=("other_no_fee", "other_no_correction"),
        after_keys=("其他",),
    ),
    Field("other", "（六）其他处理", "Other handling", ("其他处理",), _ONLY_2019),
    Field("total", "（七）总计", "Total handled", ("总计", "合计")),
    Field(
        "carried_forward",
        "四、结转下年度继续办理",
        "Carried forward to next year",
        ("结转下年", "转下年", "转下一年", "继续办理"),
    ),
)
APPLICATION_ROW_BY_CODE = {r.code: r for r in APPLICATION_ROWS}


def application_rows(template: str) -> tuple[Field, ...]:
    """Rows of table 三 in printed order for one template (2019 has a single （六） row)."""
    return tuple(r for r in APPLICATION_ROWS if template in r.templates)


# Rows whose sum is （七）总计 (the outcomes of this year's handling).
OUTCOME_ROWS = {
    TEMPLATE_2021: tuple(
        r.code
        for r in APPLICATION_ROWS
        if TEMPLATE_2021 in r.templates
        and r.code not in ("new", "carried_over", "total", "carried_forward")
    ),
    TEMPLATE_2019: tuple(
        r.code
        for r in APPLICATION_ROWS
        if TEMPLATE_2019 in r.templates
        and r.code not in ("new", "carried_over", "total", "carried_forward")
    ),
}

# Group headings of table 三 that prefix a row label without being a row themselves.
APPLICATION_GROUP_KEYS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")

# --------------------------------------------------------------------------------------------
# Section 四 — reconsideration and litigation
# --------------------------------------------------------------------------------------------

APPEAL_GROUPS: tuple[Field, ...] = (
    Field("reconsideration", "行政复议", "Administrative reconsideration", ("行政复议", "复议")),
    Field(
        "litigation_direct",
        "行政诉讼·未经复议直接起诉",
        "Litigation without prior reconsideration",
        ("未经复议", "直接起诉"),
    ),
    Field(
        "litigation_after_reconsideration",
        "行政诉讼·复议后起诉",
        "Litigation after reconsideration",
        ("复议后起诉", "复议后"),
    ),
)
APPEAL_RESULTS: tuple[Field, ...] = (
    Field("upheld", "结果维持", "Upheld", ("维持",)),
    Field("corrected", "结果纠正", "Corrected", ("纠正",)),
    Field("other", "其他结果", "Other result", ("其他结果", "其他")),
    Field("pending", "尚未审结", "Pending", ("尚未审结", "未审结", "审结")),
    Field("total", "总计", "Total", ("总计", "合计")),
)
APPEAL_HEADER_KEYS = (
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "未经复议",
    "复议后起诉",
    "总计",
    "维持",
    "纠正",
    "审结",
    "结果",
)

# --------------------------------------------------------------------------------------------
# Section anchors
# --------------------------------------------------------------------------------------------

SECTION_HEADINGS = {
    SECTION_PROACTIVE: ("主动公开政府信息情况", "主动公开政府信息"),
    SECTION_APPLICATIONS: ("收到和处理政府信息公开申请", "政府信息公开申请情况"),
    SECTION_APPEALS: (
        "行政复议、行政诉讼",
        "行政复议和行政诉讼",
        "行政复议行政诉讼",
        "复议、行政诉讼",
        "行政法复议",
    ),
    "problems": ("存在的主要问题", "主要问题及改进"),
}


@dataclass(frozen=True)
class TemplateShape:
    """The cells a template's record holds: ``{section: {row: (column, ...)}}``."""

    template: str
    sections: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def codes(self) -> list[tuple[str, str, str]]:
        return [
            (section, row, col)
            for section, rows in self.sections.items()
            for row, cols in rows.items()
            for col in cols
        ]


def shape(template: str) -> TemplateShape:
    """The full set of cells a record of ``template`` contains, in printed order."""
    if template not in (TEMPLATE_2019, TEMPLATE_2021):
        return TemplateShape(template, {})
    app_cols = tuple(c.code for c in APPLICATION_COLUMNS)
    return TemplateShape(
        template,
        {
            SECTION_PROACTIVE: {
                item.code: tuple(m.code for m in item.measures) for item in PROACTIVE[template]
            },
            SECTION_APPLICATIONS: {r.code: app_cols for r in application_rows(template)},
            SECTION_APPEALS: {g.code: tuple(r.code for r in APPEAL_RESULTS) for g in APPEAL_GROUPS},
        },
    )


def official_label(template: str, section: str, row: str, column: str | None = None) -> str:
    """The Chinese label of a cell (row label, and column label when given)."""
    if section == SECTION_PROACTIVE:
        item = next(i for i in PROACTIVE[template] if i.code == row)
        if column is None:
            return item.label
        measure = next(m for m in item.measures if m.code == column)
        return f"{item.label}·{measure.label}"
    if section == SECTION_APPLICATIONS:
        label = APPLICATION_ROW_BY_CODE[row].label
        if column is None:
            return label
        col = next(c for c in APPLICATION_COLUMNS if c.code == column)
        return f"{label}·{col.label}"
    group = next(g for g in APPEAL_GROUPS if g.code == row)
    if column is None:
        return group.label
    result = next(r for r in APPEAL_RESULTS if r.code == column)
    return f"{group.label}·{result.label}"


def english_label(template: str, section: str, row: str, column: str | None = None) -> str:
    """The English label of a cell, for codebooks."""
    if section == SECTION_PROACTIVE:
        item = next(i for i in PROACTIVE[template] if i.code == row)
        if column is None:
            return item.en
        return f"{item.en}: {next(m for m in item.measures if m.code == column).en}"
    if section == SECTION_APPLICATIONS:
        en = APPLICATION_ROW_BY_CODE[row].en
        if column is None:
            return en
        return f"{en}: {next(c for c in APPLICATION_COLUMNS if c.code == column).en}"
    en = next(g for g in APPEAL_GROUPS if g.code == row).en
    if column is None:
        return en
    return f"{en}: {next(r for r in APPEAL_RESULTS if r.code == column).en}"
