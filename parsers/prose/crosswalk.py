"""The prose keys as dataset columns, and how they continue the 2019/2021 table codes.

Each prose key becomes the dataset column ``prose__<key>``. Where a prose count means the same
as a cell (or a sum of cells) of the national tables, ``codes`` names those cells and
``formula`` writes the sum out, so the ``panel`` can carry one series across the 2019 break with
a column saying which source each value came from. Where the meaning differs, ``codes`` is empty
and ``note`` says why (joining such series would be wrong, not merely approximate).

``code`` repeats ``codes`` when it is a single cell, for readers that take one cell only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Code = tuple[str, str, str]

PREFIX = "prose__"


def _entry(
    key: str,
    label_zh: str,
    label_en: str,
    unit: str,
    codes: tuple[Code, ...] = (),
    note: str = "",
    *,
    extra: bool = False,
) -> dict[str, Any]:
    return {
        "key": key,
        "column": PREFIX + key,
        "label_zh": label_zh,
        "label_en": label_en,
        "unit": unit,
        "codes": codes,
        "code": codes[0] if len(codes) == 1 else None,
        "formula": " + ".join(".".join(c) for c in codes) if codes else None,
        "templates": ("2019", "2021") if codes else (),
        "note": note,
        "extra": extra,  # True: not a key of the record's ``prose`` object (see ProseResult.extra)
    }


_ENTRIES = (
    _entry(
        "proactive_items",
        "主动公开政府信息数（条）",
        "Items of government information published proactively",
        "items",
        note="No table code: the 2019/2021 table 二 counts documents and decisions by type "
        "(规章, 规范性文件, 行政许可…), not all items published.",
    ),
    _entry(
        "applications_received",
        "收到（受理）政府信息公开申请数（件）",
        "Disclosure applications received",
        "applications",
        (("applications", "new", "total"),),
        note="本年新收 only; applications carried over from the previous year are not included.",
    ),
    _entry(
        "applications_granted",
        "同意公开（予以公开）答复数（件）",
        "Applications granted in full",
        "applications",
        (("applications", "granted", "total"),),
    ),
    _entry(
        "applications_partial",
        "同意部分公开答复数（件）",
        "Applications granted in part",
        "applications",
        (("applications", "partial", "total"),),
    ),
    _entry(
        "applications_denied",
        "不予公开（不同意公开、否决公开）答复数（件）",
        "Applications denied",
        "applications",
        note="No table code: before 2019 不予公开 had other grounds (commercial secrets, privacy) "
        "and some designs (定西 否决公开) also counted 信息不存在 and 非本部门掌握; the 2019/2021 "
        "（三）不予公开 rows are a different partition.",
    ),
    _entry(
        "fees_yuan",
        "依申请公开收取的费用（元）",
        "Fees charged to applicants (yuan)",
        "yuan",
        note="No table code: the 2021 table 二 行政事业性收费 is the agency's administrative "
        "fees (万元), not fees charged for disclosure; an agency's own spending on "
        "disclosure work is never a fee.",
    ),
    _entry(
        "reconsideration_cases",
        "因政府信息公开申请行政复议数（件）",
        "Administrative reconsideration cases",
        "cases",
        (("appeals", "reconsideration", "total"),),
    ),
    _entry(
        "litigation_cases",
        "因政府信息公开提起行政诉讼数（件）",
        "Administrative litigation cases",
        "cases",
        (
            ("appeals", "litigation_direct", "total"),
            ("appeals", "litigation_after_reconsideration", "total"),
        ),
        note="The 2019/2021 tables split litigation into 未经复议直接起诉 and 复议后起诉; the "
        "prose count is their sum.",
    ),
    _entry(
        "consultations",
        "政府信息公开咨询数（人次/件）",
        "Enquiries about government information",
        "enquiries",
        note="No table code: the national format does not count enquiries.",
    ),
    _entry(
        "applications_nonexistent",
        "“信息不存在”答复数（件）",
        "Answered: information does not exist",
        "applications",
        note="No single table code: 2019/2021 本机关不掌握相关政府信息 (applications.unable_not_held) "
        "covers both this and 非本机关.",
        extra=True,
    ),
    _entry(
        "applications_not_held",
        "“非本机关（部门）掌握”答复数（件）",
        "Answered: not held by this agency",
        "applications",
        note="No single table code: see applications_nonexistent.",
        extra=True,
    ),
    _entry(
        "applications_unclear",
        "“申请内容不明确”答复数（件）",
        "Answered: request unclear",
        "applications",
        note="No table code: 2019/2021 补正后申请内容仍不明确 counts only requests still unclear "
        "after the applicant was asked to correct them.",
        extra=True,
    ),
)

# The nine keys of the record's ``prose`` object (the record spec), in the spec's order.
CROSSWALK: dict[str, dict[str, Any]] = {e["key"]: e for e in _ENTRIES if not e["extra"]}
# Further outcomes the issue lists (信息不存在, 非本机关, 申请内容不明确): read, reported in
# ``ProseResult.extra``, not part of the record until the spec names them.
EXTRA_FIELDS: dict[str, dict[str, Any]] = {e["key"]: e for e in _ENTRIES if e["extra"]}

# Chinese and English labels, for codebooks.
LABELS: dict[str, tuple[str, str]] = {
    k: (e["label_zh"], e["label_en"]) for k, e in CROSSWALK.items()
}


def table_equivalent(tables: Mapping[str, Any] | Any, key: str) -> int | float | None:
    """The value a 2019/2021 record holds for a prose key (the crosswalk's sum), or None.

    ``tables`` is a :class:`parsers.model.Report`, its ``tables_dict()``, or the ``tables``
    object of a record. None when the key has no same-meaning code or a cell is missing/null.
    """
    entry = CROSSWALK.get(key) or EXTRA_FIELDS.get(key)
    if entry is None or not entry["codes"]:
        return None
    if hasattr(tables, "tables_dict"):
        tables = tables.tables_dict()
    total: int | float = 0
    for section, row, column in entry["codes"]:
        try:
            value = tables[section][row][column]
        except (KeyError, TypeError):
            return None
        value = getattr(value, "value", value)
        if value is None:
            return None
        total += value
    return total
