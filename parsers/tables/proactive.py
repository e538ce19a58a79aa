"""Table 二 (proactive disclosure): items and their measures, which vary by template.

The table has no arithmetic, so a row whose columns stay ambiguous is decided only by the
numbers the report states in its own text (corroboration), or left null."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import cast

from parsers import schema
from parsers.labels import normalize_label
from parsers.model import MISSING, CellValue
from parsers.recover import stated_numbers
from parsers.tables.layout import section_layout
from parsers.tables.placing import Headers, Placed, RowSplits, header_ranges, place_row
from parsers.tables.rowlabels import match_item
from parsers.tables.settle import settle
from parsers.tables.statements import narrow
from parsers.tables.tokens import RowRead, Token, find_label, read_rows


def read_proactive(
    tokens: Sequence[Token],
    template: str,
    warnings: list[str],
    text: str = "",
    splits: RowSplits | None = None,
) -> dict | None:
    start = find_label(tokens, ("第二十条", "信息内容"), 0)
    if start is None:
        return None
    items = schema.PROACTIVE[template]
    by_code = {item.code: item for item in items}
    rows = read_rows(tokens[start:], match_item(items))
    if not rows:
        return None
    # Rows are filled by settling; only those not found get cells of their own, missing.
    layout = section_layout(template, schema.SECTION_PROACTIVE)
    table: dict[str, dict[str, CellValue]] = {code: {} for code, _ in layout}
    labels = None  # the label cells by grid row, gathered when a row first has a grid row
    found_headers: dict[tuple, Headers | None] = {}  # rows of one sub-table share its headers
    seen: set[str] = set()
    for row in rows:
        if row.code in seen or row.code not in by_code:
            continue
        seen.add(row.code)
        item = by_code[row.code]
        measures = [m.code for m in item.measures]
        variants = _measure_variants(item)
        headers = None
        if row.values and row.values[0].cell.table is not None:
            if labels is None:
                labels = _grid_labels(tokens)
            headers = _measure_headers(labels, row, variants, found_headers)
        placed = place_row(row.values, measures, headers, splits=splits, label=row.header)
        if len(placed.vectors) > 1 and text:
            placed = _corroborate(placed, row.code, measures, template, text, warnings)
        settle(
            {row.code: placed},
            [],
            {row.code: measures},
            table,
            "table 二",
            warnings,
        )
    for code, columns in layout:
        if code not in seen:
            table[code] = {col: CellValue(None, None, MISSING) for col in columns}
    missing = [item.code for item in items if item.code not in seen]
    if missing:
        warnings.append(f"table 二: rows not found: {', '.join(missing)}")
    return table


def _corroborate(
    placed: Placed,
    code: str,
    measures: Sequence[str],
    template: str,
    text: str,
    warnings: list[str],
) -> Placed:
    """The readings of a table-二 row that the numbers stated in the report's text allow."""
    facts = {m: v for (item, m), v in _stated(text, template).items() if item == code}
    if not facts:
        return placed
    return narrow(placed, measures, facts, f"table 二 row {code}", warnings)


@lru_cache(maxsize=32)
def _stated(text: str, template: str) -> dict:
    return stated_numbers(text, template)


def _grid_labels(tokens: Sequence[Token]) -> dict[int | None, dict[int, list[Token]]]:
    """The label cells with a grid row, by table and grid row (in reading order): the header
    cells every row of section 二 looks up, gathered once rather than once per row."""
    labels: dict[int | None, dict[int, list[Token]]] = {}
    for t in tokens:
        if t.is_label and t.cell.row is not None:
            labels.setdefault(t.cell.table, {}).setdefault(t.cell.row, []).append(t)
    return labels


def _measure_variants(item: schema.Item) -> dict[str, tuple[str, ...]]:
    """Normalized header names of each measure of a section-二 item (read-only; kept by the
    item's identity: hashing an item hashes all its measures)."""
    found = _variants.get(id(item))
    if found is None or found[0] is not item:
        variants = {
            m.code: tuple(normalize_label(k) for k in (m.label, *m.keys)) for m in item.measures
        }
        if len(_variants) >= 64:  # (the schema has a few: any other tuple is not kept long)
            _variants.clear()
        found = _variants[id(item)] = (item, variants)
    return found[1]


_variants: dict[int, tuple[schema.Item, dict[str, tuple[str, ...]]]] = {}


def _measure_headers(
    labels: dict[int | None, dict[int, list[Token]]],
    row: RowRead,
    variants: dict[str, tuple[str, ...]],
    found: dict[tuple, Headers | None],
) -> Headers | None:
    """Header cells of a section-二 sub-table: the nearest header row above the item's row
    (``labels`` from :func:`_grid_labels`; ``found``: header rows already read)."""
    if not row.values or row.values[0].cell.table is None:
        return None
    table = row.values[0].cell.table
    by_row = labels.get(table, {})
    grid_row = row.values[0].cell.row
    names = [n for names in variants.values() for n in names if n]
    for r in sorted((r for r in by_row if r < cast(int, grid_row)), reverse=True):
        if any(n in t.label for t in by_row[r] for n in names):
            key = (table, r, tuple(variants.items()))
            if key not in found:
                found[key] = header_ranges(by_row[r], variants, contains=True)
            return found[key]
    return None
