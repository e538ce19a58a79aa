"""Table 三 (applications): 26 (2021) or 21 (2019) rows of seven columns, and the rules
that tie them together (row totals, outcome sums, the balance of the year)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from parsers import schema
from parsers.labels import normalize_label
from parsers.model import MISSING, CellValue
from parsers.recover.stated import stated_totals
from parsers.solver import Rule, Term
from parsers.tables.layout import section_layout
from parsers.tables.placing import Placed, RowSplits, header_ranges, place_row, row_sum_rules
from parsers.tables.settle import settle
from parsers.tables.statements import narrow
from parsers.tables.tokens import RowRead, Token

_COLUMN_VARIANTS = {
    "natural_person": ("自然人",),
    "commercial": ("商业企业",),
    "research": ("科研机构",),
    "social_org": ("社会公益组织", "公益组织"),
    "legal_service": ("法律服务机构",),
    "other_org": ("其他", "其他组织"),
    "total": ("总计", "合计"),
}


@lru_cache(maxsize=1)
def column_variants() -> dict[str, tuple[str, ...]]:
    """Each column's header names, normalized (made once; read only)."""
    return {k: tuple(normalize_label(n) for n in v) for k, v in _COLUMN_VARIANTS.items()}


def application_rules(template: str, present: set[str]) -> list[Rule]:
    """The form's rules of table 三 among the rows ``present``: each row's total, the outcome
    rows' sum, the balance (also used across years, in :mod:`output.across_years`)."""
    return list(_application_rules(template, frozenset(present)))


@lru_cache(maxsize=256)
def _application_rules(template: str, present: frozenset[str]) -> tuple[Rule, ...]:
    """:func:`application_rules`, made once per template and set of rows (documents of one
    form print the same rows: a few sets serve a whole harvest)."""
    columns = [c.code for c in schema.APPLICATION_COLUMNS]
    total_col = columns.index("total")
    rules = []
    for row in present:
        rules.append(
            Rule(
                f"applications.columns:{row}",
                tuple(Term(row, i) for i in range(total_col)) + (Term(row, total_col, -1),),
            )
        )
    outcomes = [r for r in schema.OUTCOME_ROWS[template] if r in present]
    for i, col in enumerate(columns):
        if outcomes and "total" in present:
            rules.append(
                Rule(
                    f"applications.outcomes:{col}",
                    tuple(Term(r, i) for r in outcomes) + (Term("total", i, -1),),
                )
            )
        if {"new", "carried_over", "total", "carried_forward"} <= present:
            rules.append(
                Rule(
                    f"applications.balance:{col}",
                    (
                        Term("new", i),
                        Term("carried_over", i),
                        Term("total", i, -1),
                        Term("carried_forward", i, -1),
                    ),
                )
            )
    return tuple(rules)


def read_applications(
    tokens: Sequence[Token],
    rows: list[RowRead],
    template: str,
    warnings: list[str],
    splits: RowSplits | None = None,
    merged: dict[str, dict[str, CellValue]] | None = None,
    text: str = "",
) -> dict:
    """Table 三 of ``template`` from its rows. ``merged`` receives rows printed in place of
    several rows of the template (the 2019 single （六）其他处理 row in a 2021 table), read on
    their own: the checks use them, the record does not hold them. ``text``: the report's
    text, whose statements of the rows' totals narrow rows the printed numbers leave open."""
    # Rows are filled by settling; only those not found get cells of their own, missing
    # (most documents print every row: their missing cells would be made to be replaced).
    layout = section_layout(template, schema.SECTION_APPLICATIONS)
    table: dict[str, dict[str, CellValue]] = {row: {} for row, _ in layout}
    columns = [c.code for c in schema.APPLICATION_COLUMNS]
    # Column headers count only for the values of their own table: a table continued in a
    # second table (a page break in Word, a PDF fragment) may number its grid differently.
    variants = column_variants()
    by_table: dict[int | None, list[Token]] = {}
    for token in tokens:
        if token.is_label and token.cell.col is not None:
            by_table.setdefault(token.cell.table, []).append(token)
    table_headers = {key: header_ranges(found, variants) for key, found in by_table.items()}
    placed: dict[str, Placed] = {}
    row_sums = row_sum_rules(columns)
    for row in rows:
        code = row.code
        if code not in table and code == "other" and template == schema.TEMPLATE_2021:
            warnings.append(
                "table 三: （六）其他处理 is printed as one row although the report follows the 2021 "
                "format; its three sub-rows are left null"
            )
            if merged is not None and code not in merged:
                merged[code] = _merged_row(row, columns, splits)
            continue
        if code not in table:
            warnings.append(
                f"table 三: row {code} does not belong to the {template} format; ignored"
            )
            continue
        if code in placed:
            if row.values:
                warnings.append(f"table 三: row {code} printed twice; the first is kept")
            continue
        headers = None
        if table_headers:  # (sources that know no grid columns have none)
            tables_of_row = {t.cell.table for t in row.values}
            if len(tables_of_row) == 1:
                headers = table_headers.get(tables_of_row.pop())
        placed[code] = place_row(
            row.values, columns, headers, row_sums, splits=splits, label=row.header
        )
    free = any(len(p.vectors) > 1 for p in placed.values())
    if text and free:
        for code, facts in _stated_totals(text).items():
            if code in placed and len(placed[code].vectors) > 1:
                placed[code] = narrow(
                    placed[code], columns, {"total": facts}, f"table 三 row {code}", warnings
                )
        free = any(len(p.vectors) > 1 for p in placed.values())
    rules = application_rules(template, set(placed)) if free else []
    settle(placed, rules, {code: columns for code in placed}, table, "table 三", warnings)
    for code, row_columns in layout:
        if not table[code]:
            table[code] = {col: CellValue(None, None, MISSING) for col in row_columns}
    missing = [
        code
        for code in table
        if code not in placed
        and not (
            template == schema.TEMPLATE_2021
            and code.startswith("other_")
            and "other" in {r.code for r in rows}
        )
    ]
    if missing:
        warnings.append(f"table 三: rows not found: {', '.join(missing)}")
    return table


def _merged_row(row: RowRead, columns: list[str], splits: RowSplits | None) -> dict[str, CellValue]:
    """A row the template has no place for, read by its own row sum only."""
    cells = {col: CellValue(None, None, MISSING) for col in columns}
    placed = place_row(row.values, columns, None, row_sum_rules(columns), splits=splits)
    rules = [
        Rule(
            "merged",
            tuple(Term("merged", i) for i in range(len(columns) - 1))
            + (Term("merged", len(columns) - 1, -1),),
        )
    ]
    settle({"merged": placed}, rules, {"merged": columns}, {"merged": cells}, "table 三", [])
    return cells


@lru_cache(maxsize=32)
def _stated_totals(text: str) -> dict[str, set[int]]:
    return stated_totals(text)
