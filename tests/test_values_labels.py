"""Reading printed cells and normalizing labels: the variants real reports print."""

from __future__ import annotations

import unicodedata

import pytest

from parsers import schema
from parsers.labels import MOST_NFKC_CHARS, normalize_label
from parsers.model import BLANK, DASH, NUMBER
from parsers.tables import match_application_row
from parsers.values import read_value


@pytest.mark.parametrize(
    ("text", "value", "status"),
    [
        ("0", 0, NUMBER),
        ("１２３", 123, NUMBER),
        ("1,234", 1234, NUMBER),
        ("\u00a012\u00a0", 12, NUMBER),
        ("251000元", 251000, NUMBER),
        ("73802895.90元", 73802895.90, NUMBER),
        ("+1036", 1036, NUMBER),
        ("-18", -18, NUMBER),
        ("55（含自然失效29件）", 55, NUMBER),
        ("", None, BLANK),
        ("\u00a0", None, BLANK),
        ("—", None, DASH),
        ("-", None, DASH),
        ("/", None, DASH),
        ("无", None, DASH),
    ],
)
def test_printed_values(text, value, status):
    printed = read_value(text)
    assert printed is not None
    assert printed.value == value
    assert printed.status == status
    assert printed.raw == text.strip()


@pytest.mark.parametrize("text", ["1.属于国家秘密", "规章", "2023年", "总计", "第二十条第（一）项"])
def test_labels_are_not_values(text):
    assert read_value(text) is None


def test_unit_is_kept():
    assert read_value("251000元").unit == "元"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3.危及“三安全一稳定”", '3.危及"三安全一稳定"'),
        ("（二）部分公开", "(二)部分公开"),
        ("其它", "其他"),
        ("(六)其 它处理", "（六）其他处理"),
        ("本年新 制作数量", "本年新制作数量"),
        ("索  引  号：", "索引号"),
    ],
)
def test_label_variants_normalize_equal(a, b):
    assert normalize_label(a) == normalize_label(b)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("一、本年新收政府信息公开申请数量", "new"),
        ("二、上年结转政府信息公开申请数量", "carried_over"),
        ("三、本年度办理结果（一）予以公开", "granted"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
        ("(二)部分公开", "partial"),
        ("（三）不予公开1.属于国家秘密", "denied_state_secret"),
        ("2.其他法律行政止公开", "denied_prohibited"),
        ('3.危及"三安全一稳定"', "denied_three_safety"),
        ("5.属于三类内容事务信息", "denied_internal_affairs"),
        ("（四）无法提供 1.本机关不掌握相关政府信息", "unable_not_held"),
        ("（五）不予处理 1.信访举报投诉类申请", "rejected_complaint"),
        (
            "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "other_no_correction",
        ),
        (
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "other_no_fee",
        ),
        ("（六）其它处理", "other"),
        ("（七）总计", "total"),
        ("四、结转下年度继续办理", "carried_forward"),
    ],
)
def test_application_row_synonyms(label, code):
    assert match_application_row(normalize_label(label), None) == code


def test_bare_other_is_a_row_only_after_the_other_handling_rows():
    assert match_application_row(normalize_label("3.其他"), "other_no_fee") == "other_other"
    assert match_application_row(normalize_label("3.其他"), "granted") is None


def test_column_header_total_is_not_the_total_row():
    assert match_application_row(normalize_label("自然人法人或其他组织总计"), None) is None


def test_every_schema_row_matches_its_own_official_label():
    previous = None
    for template in (schema.TEMPLATE_2019, schema.TEMPLATE_2021):
        for row in schema.application_rows(template):
            assert match_application_row(normalize_label(row.label), previous) == row.code
            previous = row.code


def test_nfkc_makes_no_more_characters_of_one_than_the_bound():
    """The bound the HTML and pipe documents give on their text's length without making it."""
    most = max(len(unicodedata.normalize("NFKC", chr(c))) for c in range(0x110000))
    assert most == MOST_NFKC_CHARS
