"""The rows of the pre-2019 appendix statistics tables: every design's labels, the prose key
each row feeds, and the 其中 parent each part adds up to (see :mod:`parsers.prose.appendix`).

Labels are the wording printed in the designs known (Fujian/Putian, 定西, the national table of
2010–2018) and the variants and misprints seen in published tables (行政复试数 for 行政复议数,
行政申述数 for 行政申诉数).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowDef:
    """A row of some appendix design: its labels, the prose key it feeds, and its parent."""

    code: str
    labels: tuple[str, ...]
    key: str | None = None
    parent: str | None = None  # the row this one is a 其中 part of (their sum is the parent)


def _rows() -> tuple[RowDef, ...]:
    rows = [
        # ---- proactive
        RowDef(
            "pro_total",
            (
                "主动公开政府信息数",
                "主动公开信息数",
                "主动公开文件数",
                "主动公开信息总数",
                "主动公开政府信息总数",
                "主动公开政府信息条数",
                "主动公开信息条数",
                "本年度主动公开政府信息数",
                "主动公开数",
            ),
            "proactive_items",
        ),
        RowDef(
            "pro_fulltext",
            (
                "全文电子化的主动公开信息数",
                "全文电子化主动公开政府信息数",
                "全文电子化的主动公开政府信息数",
                "全文电子化主动公开信息数",
                "全文电子化率",
            ),
        ),
        RowDef(
            "pro_documents",
            (
                "主动公开规范性文件数",
                "制发规范性文件总数",
                "新增的行政规范性文件数",
                "新增行政规范性文件数",
                "提供服务类信息数",
            ),
        ),
        RowDef(
            "pro_web",
            ("政府网站公开数", "政府网站公开", "网站公开数", "网站公开", "政府网站"),
            parent="pro_total",
        ),
        RowDef("pro_gazette", ("政府公报公开数", "政府公报公开", "政府公报"), parent="pro_total"),
        RowDef(
            "pro_channels",
            (
                "政府公报公开政府信息数",
                "政府网站公开政府信息数",
                "政务微博公开政府信息数",
                "政务微信公开政府信息数",
                "其他方式公开政府信息数",
                "通过不同渠道和方式公开政府信息的情况",
            ),
        ),
        RowDef(
            "responses",
            (
                "回应公众关注热点或重大舆情数",
                "通过不同渠道和方式回应解读的情况",
                "参加或举办新闻发布会总次数",
                "主要负责同志参加新闻发布会次数",
                "政府网站在线访谈次数",
                "主要负责同志参加政府网站在线访谈次数",
                "政策解读稿件发布数",
                "微博微信回应事件数",
                "其他方式回应事件数",
            ),
        ),
        RowDef(
            "service",
            (
                "网站专栏页面访问量",
                "现场接待人数",
                "网上咨询数",
                "咨询电话接听数",
                "依申请公开信息目录数",
            ),
        ),
        # ---- applications
        RowDef(
            "app_total",
            (
                "受理依申请公开信息总数",
                "受理依申请公开申请总数",
                "受理依申请公开总数",
                "依申请公开申请总数",
                "收到申请数",
                "收到申请总数",
                "受理申请总数",
                "受理申请数",
                "申请总数",
                "受理总数",
                "政府信息公开申请数",
            ),
            "applications_received",
        ),
        RowDef("app_in_person", ("当面申请数",), parent="app_total"),
        RowDef("app_fax", ("传真申请数",), parent="app_total"),
        RowDef("app_email", ("电子邮件申请数",), parent="app_total"),
        RowDef("app_web", ("网上申请数", "网络申请数"), parent="app_total"),
        RowDef("app_letter", ("信函申请数",), parent="app_total"),
        RowDef("app_letter_fax", ("信函、传真申请数", "信函传真申请数"), parent="app_total"),
        RowDef("app_other", ("其它形式申请数", "其他形式申请数"), parent="app_total"),
        RowDef("app_done", ("申请办结数",)),
        RowDef("app_done_on_time", ("按时办结数",), parent="app_done"),
        RowDef("app_done_late", ("延期办结数",), parent="app_done"),
        RowDef(
            "rep_total",
            (
                "本年度对申请的答复总数",
                "对申请的答复总数",
                "对申请的答复数",
                "申请答复数",
                "答复总数",
            ),
        ),
        RowDef("rep_published", ("属于已主动公开范围数",), parent="rep_total"),
        RowDef(
            "rep_granted", ("同意公开答复数", "同意公开数"), "applications_granted", "rep_total"
        ),
        RowDef(
            "rep_partial",
            ("同意部分公开答复数", "同意部分公开数", "部分公开答复数"),
            "applications_partial",
            "rep_total",
        ),
        RowDef(
            "rep_denied",
            (
                "否决公开答复总数",
                "否决公开答复数",
                "不予公开答复数",
                "不同意公开答复数",
                "不同意公开数",
                "不予公开数",
            ),
            "applications_denied",
            "rep_total",
        ),
        RowDef("rep_other", ("其他类型答复数", "其它类型答复数"), parent="rep_total"),
        RowDef(
            "rep_not_held",
            ("不属于本行政机关公开数", "不属于本机关公开数"),
            "applications_not_held",
            "rep_total",
        ),
        RowDef("rep_nonexistent", ("申请信息不存在数",), "applications_nonexistent", "rep_total"),
        RowDef("rep_amend", ("告知作出更改补充数",), parent="rep_total"),
        RowDef("rep_elsewhere", ("告知通过其他途径办理数",), parent="rep_total"),
        # national: the six reasons of 不同意公开
        RowDef(
            "den_reason",
            (
                "涉及国家秘密",
                "涉及商业秘密",
                "涉及个人隐私",
                "危及国家安全、公共安全、经济安全和社会稳定",
                "不是《条例》所指政府信息",
                "法律法规规定的其他情形",
            ),
        ),
        # 定西: the eleven reasons of 否决公开 (their sum is 否决公开答复总数)
        RowDef(
            "den_not_info",
            ("“非《规定》所指政府信息”数", "“非《条例》所指政府信息”数"),
            parent="rep_denied",
        ),
        RowDef("den_nonexistent", ("“信息不存在”数",), "applications_nonexistent", "rep_denied"),
        RowDef("den_not_held", ("“非本部门掌握”数",), "applications_not_held", "rep_denied"),
        RowDef("den_unclear", ("“申请内容不明确”数",), "applications_unclear", "rep_denied"),
        *(
            RowDef(
                f"den_exempt_{i}",
                (f"“免予公开范围{i}”数", f"“不予公开范围{i}”数"),
                parent="rep_denied",
            )
            for i in range(1, 9)
        ),
        RowDef("den_other", ("其它原因", "其他原因"), parent="rep_denied"),
        # ---- fees (收费减免金额 is left unmapped: it may be the amount waived)
        RowDef(
            "fees",
            (
                "依申请公开信息收取的费用",
                "依申请公开收取的费用",
                "依申请公开信息收费",
                "收取费用金额",
                "收费金额",
                "收取的费用",
                "收取费用",
                "收费数额",
            ),
            "fees_yuan",
        ),
        RowDef("fees_waived", ("政府信息公开收费减免金额", "收费减免金额", "减免金额", "减免费用")),
        # ---- appeals
        RowDef(
            "recon",
            (
                "行政复议数量",
                "行政复议数",
                "行政复议案件数",
                "行政复议件数",
                "行政复试数",  # a misprint seen in published tables
                "复议数",
            ),
            "reconsideration_cases",
        ),
        RowDef(
            "litig",
            ("行政诉讼数量", "行政诉讼数", "行政诉讼案件数", "行政诉讼件数", "诉讼数"),
            "litigation_cases",
        ),
        RowDef(
            "complaints",
            (
                "接受行政诉讼、举报数",
                "对本部门首次处理不满意的行政申诉数",
                "行政申诉（举报）数",
                "行政申诉(举报)数",
                "行政申诉数",
                "行政申述数",  # a misprint seen in published tables
                "举报投诉数量",
                "被举报投诉数量",
                "举报投诉数",
                "申诉数",
            ),
        ),
        RowDef(
            "appeal_result",
            (
                "维持具体行政行为或者驳回原告诉讼请求数",
                "维持具体行政行为数",
                "被依法纠错数",
                "被纠错数",
                "其他情形数",
            ),
        ),
        # ---- consultations
        RowDef(
            "cons",
            ("政府信息公开咨询数", "接受咨询数", "咨询总数", "咨询数", "咨询量", "咨询人次"),
            "consultations",
        ),
        # ---- organisation and training (segmenting only)
        RowDef(
            "organisation",
            (
                "政府信息公开工作专门机构数",
                "设置政府信息公开查阅点数",
                "从事政府信息公开工作人员数",
                "专职人员数",
                "兼职人员数",
                "政府信息公开专项经费",
                "召开政府信息公开工作会议或专题会议数",
                "举办各类培训班数",
                "接受培训人员数",
            ),
        ),
    ]
    return tuple(rows)


ROWS = _rows()
ROW_BY_CODE = {r.code: r for r in ROWS}
