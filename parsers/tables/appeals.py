"""Table 四 (reconsideration and litigation): three groups of five results, printed as one
row of fifteen values, one row per group, or transposed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import cast

from parsers import schema
from parsers.labels import normalize_label
from parsers.model import BLANK, MISSING, CellValue
from parsers.recover import (
    SumRule,
)
from parsers.solver import Rule, Term
from parsers.tables.placing import Headers, Placed, RowSplits, header_ranges, place_row
from parsers.tables.rowlabels import match_appeal_group
from parsers.tables.settle import settle
from parsers.tables.tokens import Token, read_rows

_RESULT_VARIANTS = {
    "upheld": ("结果维持", "维持"),
    "corrected": ("结果纠正", "纠正"),
    "other": ("其他结果",),
    "pending": ("尚未审结", "未审结"),
    "total": ("总计", "合计"),
}


def _codes_by_label(variants: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalized header name → the (first) code it names."""
    out: dict[str, str] = {}
    for code, names in variants.items():
        for name in names:
            out.setdefault(normalize_label(name), code)
    return out


_RESULT_BY_LABEL = _codes_by_label(_RESULT_VARIANTS)


def read_appeals(
    tokens: Sequence[Token],
    warnings: list[str],
    splits: RowSplits | None = None,
    *,
    prints_zeros: bool = False,
) -> dict | None:
    """Table 四. ``prints_zeros``: the document's other tables print every empty cell as 0, so
    a run of digits here is split into every cell (no blank cells among them) where it can."""
    groups = [g.code for g in schema.APPEAL_GROUPS]
    results = [r.code for r in schema.APPEAL_RESULTS]
    table: dict[str, dict[str, CellValue]] = {
        g: {r: CellValue(None, None, MISSING) for r in results} for g in groups
    }
    transposed = _read_appeals_by_group(tokens, results, warnings, splits)
    if transposed is not None:
        table.update(transposed)
        return table
    header_end = 0
    while header_end < len(tokens) and not (
        tokens[header_end].is_value and not tokens[header_end].is_blank
    ):
        header_end += 1
    # Blank cells just before the first number, in a source without positions, are the data
    # row's first cells written in their place (lone bars), not headers.
    while (
        header_end > 0
        and tokens[header_end - 1].is_blank
        and tokens[header_end - 1].grid_key is None
    ):
        header_end -= 1
    headers = tokens[:header_end]
    values: list[Token] = []
    for token in tokens[header_end:]:
        if token.is_label or token.cell.empty_run:
            break
        values.append(token)
    if values and values[0].cell.row is not None:
        first_row = values[0].grid_key
        values = [
            t
            for t in tokens[header_end:]
            if t.is_value and t.grid_key is not None and t.grid_key[0] == cast(tuple, first_row)[0]
        ]
        # blank cells of the data rows before the first number belong to them too
        leading = [
            t for t in headers if t.is_blank and t.grid_key is not None and t.grid_key == first_row
        ]
        values = leading + values
    if not values:
        return _printed_blank(tokens, table)
    flat_columns = [f"{g}.{r}" for g in groups for r in results]
    result_headers = appeal_headers(headers)
    group_sums = [
        SumRule(tuple(range(gi * 5, gi * 5 + 4)), gi * 5 + 4) for gi in range(len(groups))
    ]
    placed = _place(
        values, flat_columns, result_headers, group_sums, splits, prints_zeros, warnings
    )
    if not any(t.is_label and names_result(t.label) for t in headers):
        placed = _checked_by_totals(placed, group_sums, warnings)
    flat: dict[str, dict[str, CellValue]] = {"appeals": {}}
    settle({"appeals": placed}, _row_rules(), {"appeals": flat_columns}, flat, "table 四", warnings)
    for key, cell in flat["appeals"].items():
        group, result = key.split(".")
        table[group][result] = cell
    return table


@lru_cache(maxsize=1)
def _row_rules() -> tuple[Rule, ...]:
    """Each group's total, over table 四 printed as one row of fifteen (made once; read only)."""
    groups = [g.code for g in schema.APPEAL_GROUPS]
    return tuple(
        Rule(
            f"appeals.totals:{g}",
            tuple(Term("appeals", gi * 5 + i) for i in range(4))
            + (Term("appeals", gi * 5 + 4, -1),),
        )
        for gi, g in enumerate(groups)
    )


def _place(
    values: Sequence[Token],
    columns: list[str],
    headers: Headers | None,
    sums: Sequence[SumRule],
    splits: RowSplits | None,
    prints_zeros: bool,
    warnings: list[str],
) -> Placed:
    """Place a row's values; cells run together are split into every cell when the document
    prints its empty cells as 0 (and such a split exists), else with blank cells allowed."""
    if prints_zeros and any(t.cell.glued for t in values):
        full = place_row(values, columns, headers, sums, blanks=False, splits=splits)
        if full.vectors:
            warnings.append(
                f"table 四: the run-together numbers {full.shown!r} were split into every cell, "
                "as the document's other tables print each empty cell as 0"
            )
            return full
    return place_row(values, columns, headers, sums, splits=splits)


def names_result(label: str) -> bool:
    """Whether a header cell names a result column (结果维持, 纠正, 尚未审结 …)."""
    return any(key in label for key in _RESULT_BY_LABEL)


def _checked_by_totals(placed: Placed, sums: Sequence[SumRule], warnings: list[str]) -> Placed:
    """A row of table 四 printed without its result headers is read by the form's order only
    where every group's total checks it; otherwise its cells are left undecided."""
    if len(placed.vectors) != 1 or placed.note != "order":
        return placed
    vector = placed.vectors[0]
    if all(sum(vector[i] or 0 for i in s.parts) == (vector[s.total] or 0) for s in sums):
        return placed
    warnings.append(
        "table 四: a row printed without the result headers does not add up in the form's "
        "order; its cells are left undecided"
    )
    return Placed(
        [], [], "no header, and the groups do not add up in the form's order",
        label=placed.label, values=placed.values,
    )  # fmt: skip


def _printed_blank(
    tokens: Sequence[Token], table: dict[str, dict[str, CellValue]]
) -> dict[str, dict[str, CellValue]] | None:
    """Table 四 with its headers and only blank cells (an unfilled template): every cell
    blank. None when no blank cell is printed either (the values are not in the document)."""
    if not any(t.is_blank or t.cell.empty_run for t in tokens):
        return None
    if not any(t.is_label and _result_of(t.label) for t in tokens):
        return None
    for cells in table.values():
        for result in cells:
            cells[result] = CellValue(None, "", BLANK)
    return table


def _read_appeals_by_group(
    tokens: Sequence[Token],
    results: list[str],
    warnings: list[str],
    splits: RowSplits | None = None,
) -> dict[str, dict[str, CellValue]] | None:
    """Table 四 printed one row per group (行政复议 / 未经复议直接起诉 / 复议后起诉, five results
    each) instead of one row of fifteen; None when the table is not laid out that way."""
    rows = [
        r for r in read_rows(tokens, match_appeal_group) if any(not t.is_blank for t in r.values)
    ]
    codes = [cast(str, r.code) for r in rows]  # rows of the groups the matcher names
    if len(set(codes)) < 2 or len(codes) != len(set(codes)):
        return None
    if any(len([t for t in r.values if not t.is_blank]) > len(results) for r in rows):
        return None
    out: dict[str, dict[str, CellValue]] = {}
    rule = SumRule(tuple(range(len(results) - 1)), len(results) - 1)
    placed: dict[str, Placed] = {}
    variants = {k: tuple(normalize_label(n) for n in v) for k, v in _RESULT_VARIANTS.items()}
    headers_of: dict[int | None, Headers | None] = {}  # by table
    for row in rows:
        code = cast(str, row.code)
        table = row.values[0].cell.table
        if table not in headers_of:
            headers_of[table] = header_ranges(
                [
                    t
                    for t in tokens
                    if t.is_label and t.cell.col is not None and t.cell.table == table
                ],
                variants,
            )
        placed[code] = place_row(
            row.values, results, headers_of[table], (rule,), splits=splits, label=row.header
        )
        if headers_of[table] is None:
            placed[code] = _checked_by_totals(placed[code], (rule,), warnings)
        out[code] = {r: CellValue(None, None, MISSING) for r in results}
    rules = [
        Rule(
            f"appeals.totals:{code}",
            tuple(Term(code, i) for i in range(len(results) - 1))
            + (Term(code, len(results) - 1, -1),),
        )
        for code in placed
    ]
    settle(placed, rules, {code: results for code in placed}, out, "table 四", warnings)
    return out


def _result_of(label: str) -> str | None:
    """The table-四 result (维持, 纠正 …) a normalized header label names, if any."""
    return _RESULT_BY_LABEL.get(label)


def appeal_headers(headers: Sequence[Token]) -> Headers | None:
    """Grid ranges of the 15 result header cells (the deepest header row of each column)."""
    cells = [t for t in headers if t.is_label and t.cell.col is not None and t.cell.colspan == 1]
    by_col: dict[int, Token] = {}
    for token in cells:
        if _result_of(token.label) is None:
            continue
        col = cast(int, token.cell.col)  # header cells with a column (filtered above)
        previous = by_col.get(col)
        if previous is None or (token.cell.row or 0) > (previous.cell.row or 0):
            by_col[col] = token
    if len(by_col) != 15:
        return None
    groups = [g.code for g in schema.APPEAL_GROUPS]
    results = [r.code for r in schema.APPEAL_RESULTS]
    ranges: dict[str, range] = {}
    printed: dict[str, list] = {}
    top = max((t.cell.row or 0) for t in by_col.values())
    upper = [t.cell for t in headers if t.is_label and t.cell.col is not None]
    upper = [c for c in upper if (c.row or 0) < top]
    for index, col in enumerate(sorted(by_col)):
        group = groups[index // 5]
        result = _result_of(by_col[col].label)
        if result != results[index % 5]:
            return None
        ranges[f"{group}.{result}"] = range(col, col + 1)
        leaf = by_col[col].cell
        above = [  # the group's header cells printed over the result's (行政复议, 行政诉讼 …)
            c
            for c in upper
            if c.table == leaf.table
            and (c.row or 0) < (leaf.row or 0)
            and cast(int, c.col) <= col < cast(int, c.col) + c.colspan
        ]
        printed[f"{group}.{result}"] = [*above, leaf]
    return Headers(ranges, cells=printed)
