"""Derived indicators, with their formulas as data.

Each indicator is a sum of panel columns, optionally divided by another sum. Keeping the terms
as data (not as code) lets the codebook print the exact formula, lets ``ogi compare`` offer
them by name, and makes the null rule uniform: an indicator is null when any of its terms is
null (a blank cell is never read as 0) or when its denominator is 0.

The row groups (不予公开, 无法提供, 不予处理 …) are read from ``parsers.schema``, so a row added
to the format joins its group here without an edit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from output.prose import code_name
from parsers.schema import (
    APPEAL_GROUPS,
    APPLICATION_ROWS,
    SECTION_APPEALS,
    SECTION_APPLICATIONS,
)

_TOTAL = "total"


def _app(row: str, column: str = _TOTAL) -> str:
    return code_name(SECTION_APPLICATIONS, row, column)


def _appeal(group: str, result: str) -> str:
    return code_name(SECTION_APPEALS, group, result)


def _rows(prefix: str) -> tuple[str, ...]:
    return tuple(_app(r.code) for r in APPLICATION_ROWS if r.code.startswith(prefix))


_GROUPS = tuple(g.code for g in APPEAL_GROUPS)
_LITIGATION = tuple(g for g in _GROUPS if g.startswith("litigation"))


@dataclass(frozen=True, slots=True)
class Indicator:
    """``sum(numerator) / sum(denominator)``, or just ``sum(numerator)`` for counts."""

    code: str
    label_zh: str
    label_en: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    @property
    def formula(self) -> str:
        top = _sum_text(self.numerator)
        if not self.denominator:
            return top
        bottom = _sum_text(self.denominator)
        if len(self.numerator) > 1:
            top = f"({top})"
        if len(self.denominator) > 1:
            bottom = f"({bottom})"
        return f"{top} / {bottom}"

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.numerator + self.denominator))

    def compute(self, frame: pd.DataFrame) -> pd.Series:
        """The indicator for every row of ``frame`` (missing input columns count as null)."""
        top = _strict_sum(frame, self.numerator)
        if not self.denominator:
            return top
        bottom = _strict_sum(frame, self.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = top.astype("Float64") / bottom.astype("Float64")
        return ratio.mask(bottom == 0)


def _sum_text(terms: tuple[str, ...]) -> str:
    return " + ".join(terms)


def _strict_sum(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    total = pd.Series(0, index=frame.index, dtype="Float64")
    for column in columns:
        if column not in frame.columns:
            return pd.Series(pd.NA, index=frame.index, dtype="Float64")
        total = total + frame[column].astype("Float64")  # NA propagates: null stays null
    return total


_HANDLED = (_app(_TOTAL),)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "requests_received",
        "本年新收政府信息公开申请数量",
        "Requests received this year",
        (_app("new"),),
        description="Applications newly received in the report year (row 一, 总计 column).",
    ),
    Indicator(
        "requests_handled",
        "本年度办理结果总计",
        "Requests handled this year",
        _HANDLED,
        description="Applications whose handling concluded in the report year (（七）总计).",
    ),
    Indicator(
        "grant_rate",
        "公开率（予以公开与部分公开占办理总数）",
        "Grant rate",
        (_app("granted"), _app("partial")),
        _HANDLED,
        "Share of handled applications granted in full or in part.",
    ),
    Indicator(
        "refusal_rate",
        "不予公开率",
        "Refusal rate",
        _rows("denied_"),
        _HANDLED,
        "Share of handled applications refused (（三）不予公开, all eight grounds).",
    ),
    Indicator(
        "unable_rate",
        "无法提供率",
        "Could-not-provide rate",
        _rows("unable_"),
        _HANDLED,
        "Share of handled applications the agency could not provide (（四）无法提供).",
    ),
    Indicator(
        "not_processed_rate",
        "不予处理率",
        "Not-processed rate",
        _rows("rejected_"),
        _HANDLED,
        "Share of handled applications not processed (（五）不予处理).",
    ),
    Indicator(
        "reconsideration_cases",
        "行政复议总计",
        "Administrative reconsideration cases",
        (_appeal("reconsideration", _TOTAL),),
        description="Reconsideration cases about disclosure (table 四, 行政复议 总计).",
    ),
    Indicator(
        "litigation_cases",
        "行政诉讼总计",
        "Litigation cases",
        tuple(_appeal(g, _TOTAL) for g in _LITIGATION),
        description="Lawsuits about disclosure, with and without prior reconsideration.",
    ),
    Indicator(
        "appeals_total",
        "行政复议和行政诉讼总计",
        "Reconsideration and litigation cases",
        tuple(_appeal(g, _TOTAL) for g in _GROUPS),
        description="All reconsideration and litigation cases of table 四.",
    ),
    Indicator(
        "appeals_corrected_rate",
        "复议诉讼纠错率（结果纠正占已审结）",
        "Appeals corrected rate",
        tuple(_appeal(g, "corrected") for g in _GROUPS),
        tuple(_appeal(g, r) for g in _GROUPS for r in ("upheld", "corrected", "other")),
        "Share of concluded reconsideration and litigation cases (维持 + 纠正 + 其他, pending "
        "cases excluded) whose result corrected the agency (纠错率).",
    ),
)

INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}


def indicator(code: str) -> Indicator:
    """Look an indicator up by code, with a clear error listing the valid ones."""
    try:
        return INDICATOR_BY_CODE[code]
    except KeyError:
        valid = ", ".join(INDICATOR_BY_CODE)
        raise KeyError(f"unknown indicator {code!r}; choose from: {valid}") from None
