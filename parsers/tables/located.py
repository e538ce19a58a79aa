"""The tables of a document once table 三 is found: where table 四 starts, which template the
document follows, and each table read by its own module (the general reader's steps after
:func:`parsers.tables.read.read_tables` has found table 三, shared with the reading of pipe text
from table 三 on, :mod:`parsers.tables.stream_read`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from parsers import schema
from parsers.labels import normalize_label
from parsers.model import NUMBER, Tables
from parsers.tables.appeals import read_appeals
from parsers.tables.applications import read_applications
from parsers.tables.found import Found
from parsers.tables.placing import RowSplits
from parsers.tables.rowlabels import match_application_row
from parsers.tables.tokens import Token, read_rows

ProactiveReader = Callable[[str, list[str], RowSplits], dict | None]
"""Reads table 二 of a template, with the document's warnings and row splits."""


def read_located(
    votes: dict[str, int],
    app_tokens: list[Token],
    appeals_tokens: list[Token],
    proactive: ProactiveReader,
    *,
    year_hint: int | None,
    text: str,
) -> Found:
    """The tables of a document whose tables are found: the template decided from table
    二's ``votes`` and table 三's rows, then each table read (table 二 by ``proactive``).
    ``app_tokens``: table 三 from its header cells on; ``appeals_tokens``: table 四."""
    found = Found(template=None)
    app_rows = read_rows(app_tokens, match_application_row) if app_tokens else []
    # Header cells before the first row (the column header 总计, say) are not rows.
    first = next((i for i, r in enumerate(app_rows) if r.code == "new"), 0)
    app_rows = app_rows[first:]
    codes = {r.code for r in app_rows}
    if codes & {"other_no_correction", "other_no_fee", "other_other"}:
        votes[schema.TEMPLATE_2021] = votes.get(schema.TEMPLATE_2021, 0) + 2
    elif "other" in codes:
        votes[schema.TEMPLATE_2019] = votes.get(schema.TEMPLATE_2019, 0) + 1
    found.template_votes = dict(votes)
    tables_seen = bool(app_rows) or bool(appeals_tokens)
    template = _decide_template(votes, year_hint, found.warnings, tables_seen)
    found.template = template
    if template is None:
        return found

    splits = RowSplits()
    table = proactive(template, found.warnings, splits)
    if table is not None:
        found.tables[schema.SECTION_PROACTIVE] = table
    else:
        found.warnings.append("table 二 (proactive disclosure) not found in the document")
    if app_rows:
        found.tables[schema.SECTION_APPLICATIONS] = read_applications(
            app_tokens, app_rows, template, found.warnings, splits, found.merged, text
        )
    else:
        found.warnings.append("table 三 (applications) not found in the document")
    appeals = None
    if appeals_tokens:
        # (asked of run-together cells alone: none, and it does not matter)
        glued = any(t.cell.glued for t in appeals_tokens)
        zeros = glued and _prints_every_cell(found.tables)
        appeals = read_appeals(appeals_tokens, found.warnings, splits, prints_zeros=zeros)
    if appeals is not None:
        found.tables[schema.SECTION_APPEALS] = appeals
    else:
        found.warnings.append("table 四 (reconsideration and litigation) not found in the document")
    return found


_APPEALS_HEADING = (normalize_label("行政复议"), normalize_label("行政诉讼"))
_ROW_OF_FIFTEEN = 10  # digits a row of table 四 printed without its headers holds at least


def _prints_every_cell(tables: Tables) -> bool:
    """Whether table 三 was read in full with every empty cell printed as 0: each cell
    decided, none blank or a dash, some zero. A document that prints its empty cells so does
    not leave cells of table 四 blank."""
    apps = tables.get(schema.SECTION_APPLICATIONS)
    if not apps:
        return False
    cells = [cell for row in apps.values() for cell in row.values()]
    return all(c.status == NUMBER for c in cells) and any(c.value == 0 for c in cells)


def find_appeals(tokens: Sequence[Token], start: int) -> int | None:
    """Where table 四 starts: its first 行政复议 or 结果维持 header cell, when the other follows
    close by (the usual layout heads with 行政复议; a transposed one with the result names).

    A table 四 that lost its result headers (a converter kept only the row of numbers) starts
    at the section's heading or its group words (行政复议 … 行政诉讼) when a row of numbers
    follows them directly."""
    found = _find_appeal_headers(tokens, start)
    return found if found is not None else _find_appeals_heading(tokens, start)


def _find_appeals_heading(tokens: Sequence[Token], start: int) -> int | None:
    for i in range(start, len(tokens)):
        token = tokens[i]
        if not (token.is_label and all(k in token.label for k in _APPEALS_HEADING)):
            continue
        # group words on lines of their own (行政诉讼 / 复议后起诉 …) and generic headers
        # (数据1 …) may come between the heading and the numbers, or between the groups
        digits = 0
        for token in tokens[i + 1 : i + 80]:
            if token.is_label and len(token.label) >= 40:
                break
            if token.is_value:
                digits += sum(ch.isdigit() for ch in token.cell.text)
        if digits >= _ROW_OF_FIFTEEN:
            return i
    return None


_APPEAL_HEADER_KEYS = (normalize_label("行政复议"), normalize_label("维持"))


def _find_appeal_headers(tokens: Sequence[Token], start: int) -> int | None:
    keys = _APPEAL_HEADER_KEYS
    for i in range(start, len(tokens)):
        token = tokens[i]
        if not token.is_label:
            continue
        label = token.label
        if keys[0] not in label and keys[1] not in label:
            continue
        hit = [k for k in keys if k in label]
        other = keys[1] if hit[0] == keys[0] else keys[0]
        if other in token.label or any(
            t.is_label and other in t.label for t in tokens[i + 1 : i + 60]
        ):
            return i
    return None


def _decide_template(
    votes: dict[str, int], year_hint: int | None, warnings: list[str], tables_seen: bool = False
) -> str | None:
    if votes:
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            warnings.append(
                f"template signals conflict ({dict(ranked)}); decided by the report year"
            )
        else:
            return ranked[0][0]
    if year_hint is not None and (votes or tables_seen):
        if not votes:
            warnings.append(
                "no label tells the 2019 format from the 2021 one; decided by the report year"
            )
        if year_hint >= 2021:
            return schema.TEMPLATE_2021
        return schema.TEMPLATE_2019 if year_hint >= 2019 else None
    return None
