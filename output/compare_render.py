"""How a comparison (:class:`~output.compare_table.RankedTable`) is shown: a rich table, an
xlsx sheet, an HTML page.

The HTML page is one self-contained file (inline CSS and inline SVG, no script, no font or
network request), so it opens anywhere — a laptop offline, an email attachment, a CMS upload.
Each indicator gets a horizontal bar chart with this year's bar beside last year's; flagged
agencies are drawn in a warning colour and marked ⚠ with the reason underneath the table.
"""

from __future__ import annotations

import html
import math
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

from output.compare_table import CHANGE, PREV, RankedTable
from output.indicators import Indicator
from output.writers.atomic import replace_if_changed
from output.writers.xlsx import normalize

CURRENT_COLOUR = "#1f6fb2"
PREVIOUS_COLOUR = "#a9bfd6"
FLAGGED_COLOUR = "#d9822b"
WARN = "⚠"


def format_value(ind: Indicator, value) -> str:
    if _missing(value):
        return "–"
    if ind.is_rate:
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def format_change(ind: Indicator, value) -> str:
    if _missing(value):
        return "–"
    if ind.is_rate:
        return f"{value * 100:+.1f} pp"
    return f"{value:+,.0f}" if float(value).is_integer() else f"{value:+,.2f}"


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


# --------------------------------------------------------------------------------------------
# Terminal
# --------------------------------------------------------------------------------------------


def rich_table(comparison: RankedTable):
    """A rich Table: rank, agency, and for each indicator this year, last year and change."""
    from rich.table import Table

    year, prev = comparison.year, comparison.previous_year
    table = Table(title=f"{comparison.region} · {year} vs {prev}", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("agency")
    for ind in comparison.indicators:
        table.add_column(f"{ind.label_en}\n{year}", justify="right")
        table.add_column(str(prev), justify="right", style="dim")
        table.add_column("change", justify="right")
    table.add_column("")
    for row in comparison.table.itertuples(index=False):
        record = row._asdict()
        cells = ["" if _missing(record["rank"]) else str(record["rank"]), str(record["agency"])]
        for ind in comparison.indicators:
            cells += [
                format_value(ind, record[ind.code]),
                format_value(ind, record[ind.code + PREV]),
                format_change(ind, record[ind.code + CHANGE]),
            ]
        cells.append(f"[yellow]{WARN}[/yellow]" if record["flagged"] else "")
        table.add_row(*cells)
    return table


# --------------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------------

_FLAG_FILL = PatternFill("solid", start_color="FCE4D6", end_color="FCE4D6")


def write_xlsx(comparison: RankedTable, path: Path) -> bool:
    """One sheet with the ranking (rates as percentages, flagged rows shaded) and one 'about'."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "ranking"
    year, prev = comparison.year, comparison.previous_year
    header = ["rank", "agency", "division_code"]
    for ind in comparison.indicators:
        header += [f"{ind.code} {year}", f"{ind.code} {prev}", f"{ind.code} change"]
    header += ["caution", "url", "report_id"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in comparison.table.itertuples(index=False):
        record = row._asdict()
        values = [_plain(record["rank"]), record["agency"], _plain(record["division_code"])]
        for ind in comparison.indicators:
            values += [_plain(record[ind.code + s]) for s in ("", PREV, CHANGE)]
        values += [record["caution"] or None, _plain(record["url"]), _plain(record["report_id"])]
        sheet.append([_text_safe(v) for v in values])
        excel_row = sheet.max_row
        sheet.cell(excel_row, 3).number_format = "@"
        for index, ind in enumerate(comparison.indicators):
            if ind.is_rate:
                for offset in range(3):
                    sheet.cell(excel_row, 4 + index * 3 + offset).number_format = "0.0%"
        if record["flagged"]:
            for cell in sheet[excel_row]:
                cell.fill = _FLAG_FILL
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 36
    about = workbook.create_sheet("about")
    about.append(["region", comparison.region])
    about.append(["year", comparison.year])
    about.append(["compared with", comparison.previous_year])
    about.append(["ranked by", comparison.indicators[0].code])
    for ind in comparison.indicators:
        about.append([ind.code, f"{ind.label_zh} / {ind.label_en}", ind.formula])
    for note in comparison.notes:
        about.append(["note", note])
    about.append(["caution", "Rows shaded: read the source before quoting their numbers."])
    return _save(workbook, path)


def _plain(value):
    if _missing(value) and not isinstance(value, str):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _text_safe(value):
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def _save(workbook, path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=path.suffix, delete=False) as tmp:
        temp = Path(tmp.name)
    try:
        workbook.save(temp)
        normalize(temp)
        return replace_if_changed(temp, path)
    finally:
        if temp.exists():
            temp.unlink()


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;margin:2rem auto;max-width:1000px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
.sub{color:#57606a;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.3rem .5rem;border-bottom:1px solid #d0d7de;text-align:right}
th:nth-child(2),td:nth-child(2){text-align:left}
tr.flagged td{background:#fcefe3}.warn{color:#b3541e;font-weight:bold}
.legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;
vertical-align:middle}
.notes{color:#57606a;font-size:.85rem}
svg text{font-size:12px;fill:#1b1f24}svg .value{fill:#57606a}
"""


def render_html(comparison: RankedTable) -> str:
    year, prev = comparison.year, comparison.previous_year
    esc = html.escape
    title = f"{comparison.region}: {year} vs {prev}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(comparison.region)}</h1>",
        f'<p class="sub">政府信息公开工作年度报告 · {year} compared with {prev} · '
        f"ranked by {esc(comparison.indicators[0].label_en)}</p>",
        '<p class="legend">'
        f'<span style="background:{CURRENT_COLOUR}"></span>{year}'
        f'<span style="background:{PREVIOUS_COLOUR}"></span>{prev}'
        f'<span style="background:{FLAGGED_COLOUR}"></span>{WARN} check the source</p>',
    ]
    parts.append(_html_table(comparison))
    for ind in comparison.indicators:
        parts.append(
            f'<h2 id="chart-{esc(ind.code)}">{esc(ind.label_zh)} · {esc(ind.label_en)}</h2>'
        )
        parts.append(_chart(comparison, ind))
        parts.append(f'<p class="notes">{esc(ind.code)} = {esc(ind.formula)}</p>')
    flagged = comparison.flagged
    if len(flagged):
        parts.append(f"<h2>{WARN} Read the source before quoting</h2><ul class='notes'>")
        for row in flagged.itertuples(index=False):
            parts.append(f"<li>{esc(str(row.agency))}: {esc(row.caution)}</li>")
        parts.append("</ul>")
    for note in comparison.notes:
        parts.append(f'<p class="notes">{esc(note)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_table(comparison: RankedTable) -> str:
    esc = html.escape
    year, prev = comparison.year, comparison.previous_year
    head = ["<th>#</th><th>agency</th>"]
    for ind in comparison.indicators:
        head.append(f"<th>{esc(ind.label_en)} {year}</th><th>{prev}</th><th>change</th>")
    head.append("<th></th>")
    rows = [f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>"]
    for row in comparison.table.itertuples(index=False):
        record = row._asdict()
        cls = ' class="flagged"' if record["flagged"] else ""
        rank = "" if _missing(record["rank"]) else str(record["rank"])
        cells = [f"<td>{rank}</td><td>{esc(str(record['agency']))}</td>"]
        for ind in comparison.indicators:
            cells.append(
                f"<td>{format_value(ind, record[ind.code])}</td>"
                f"<td>{format_value(ind, record[ind.code + PREV])}</td>"
                f"<td>{format_change(ind, record[ind.code + CHANGE])}</td>"
            )
        mark = (
            f'<span class="warn" title="{esc(record["caution"])}">{WARN}</span>'
            if record["flagged"]
            else ""
        )
        cells.append(f"<td>{mark}</td>")
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _chart(comparison: RankedTable, ind: Indicator) -> str:
    """Horizontal bars: per agency, this year's bar over last year's, scaled to the maximum."""
    esc = html.escape
    label_w, bar_w, value_w, bar_h, gap = 230, 560, 90, 11, 10
    rows = comparison.table
    values = [v for c in (ind.code, ind.code + PREV) for v in rows[c].tolist() if not _missing(v)]
    top = max([abs(float(v)) for v in values] + [0.0]) or 1.0
    height = len(rows) * (2 * bar_h + gap) + gap
    width = label_w + bar_w + value_w
    out = [
        f'<svg class="chart" role="img" aria-label="{esc(ind.label_en)}" '
        f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    y = gap
    for row in rows.itertuples(index=False):
        record = row._asdict()
        name = str(record["agency"])
        flag = record["flagged"]
        out.append(
            f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end">'
            f"{esc(name)}{' ' + WARN if flag else ''}</text>"
        )
        for offset, column, colour, css in (
            (0, ind.code, FLAGGED_COLOUR if flag else CURRENT_COLOUR, "bar current"),
            (bar_h, ind.code + PREV, PREVIOUS_COLOUR, "bar previous"),
        ):
            value = record[column]
            top_y = y + offset
            if _missing(value):
                out.append(
                    f'<text class="value" x="{label_w + 4}" y="{top_y + bar_h - 1}">no data</text>'
                )
                continue
            length = abs(float(value)) / top * bar_w
            out.append(
                f'<rect class="{css}" data-agency="{esc(name)}" x="{label_w}" y="{top_y}" '
                f'width="{length:.1f}" height="{bar_h - 1}" fill="{colour}"/>'
            )
            out.append(
                f'<text class="value" x="{label_w + length + 4:.1f}" y="{top_y + bar_h - 1}">'
                f"{format_value(ind, value)}</text>"
            )
        y += 2 * bar_h + gap
    out.append("</svg>")
    return "\n".join(out)


def write_html(comparison: RankedTable, path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".html", delete=False
    ) as tmp:
        tmp.write(render_html(comparison))
        temp = Path(tmp.name)
    return replace_if_changed(temp, path)
