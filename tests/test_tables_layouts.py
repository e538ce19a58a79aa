"""Table layouts seen on real sites beyond the national form's own drawing."""

from __future__ import annotations

import random

import parsers
from fixtures.reportgen import random_record, render_html, strip_private
from parsers import schema
from tests.corpus import cell_differences

TITLE = "<h1>某某县2023年政府信息公开工作年度报告</h1>"


def _row(label: str, values) -> str:
    cells = "".join(f"<td>{'' if v is None else v}</td>" for v in values)
    return f"<tr><td>{label}</td>{cells}</tr>"


def test_appeals_printed_one_row_per_group():
    html = (
        f"<html><body>{TITLE}<p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
        "<tr><td></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
        + _row("行政复议", [3, 1, 0, 1, 5])
        + _row("行政诉讼（未经复议直接起诉）", [2, 0, 0, 0, 2])
        + _row("行政诉讼（复议后起诉）", [1, 0, 1, 0, 2])
        + "</table></body></html>"
    )
    report = parsers.parse(html.encode(), source="appeals.html")
    appeals = report.tables_dict()["appeals"]
    assert appeals["reconsideration"] == {
        "upheld": 3,
        "corrected": 1,
        "other": 0,
        "pending": 1,
        "total": 5,
    }
    assert appeals["litigation_direct"]["total"] == 2
    assert appeals["litigation_after_reconsideration"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 1,
        "pending": 0,
        "total": 2,
    }


def test_applications_table_continued_in_a_second_table_with_another_grid():
    record = random_record(random.Random(5), "2021", big=True)
    want = strip_private(record)
    apps = want["tables"]["applications"]
    columns = [c.code for c in schema.APPLICATION_COLUMNS]
    rows = schema.application_rows("2021")
    first, second = rows[:12], rows[12:]
    header = (
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan='7'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    )
    table1 = (
        "<table>"
        + header
        + "".join(
            f"<tr><td colspan='3'>{r.label}</td>"
            + "".join(f"<td>{apps[r.code][c]}</td>" for c in columns)
            + "</tr>"
            for r in first
        )
        + "</table>"
    )
    # The continuation has a one-column label: its values start at grid column 1, not 3.
    table2 = (
        "<table>"
        + "".join(
            f"<tr><td>{r.label}</td>"
            + "".join(f"<td>{apps[r.code][c]}</td>" for c in columns)
            + "</tr>"
            for r in second
        )
        + "</table>"
    )
    html = f"<html><body>{TITLE}<p>三、收到和处理政府信息公开申请情况</p>{table1}<p>续表</p>{table2}</body></html>"
    report = parsers.parse(html.encode(), source="split.html")
    got = {"tables": {"applications": report.tables_dict()["applications"]}}
    assert cell_differences({"tables": {"applications": apps}}, got) == []


def test_every_html_style_still_round_trips_after_layout_rules():
    for seed in range(6):
        rng = random.Random(seed)
        record = random_record(rng, rng.choice(["2019", "2021"]), blank_rate=0.1)
        for style in ("clean", "word"):
            got = parsers.parse(
                render_html(record, style, rng=random.Random(seed)).encode()
            ).to_dict()
            assert cell_differences(strip_private(record), got) == []
