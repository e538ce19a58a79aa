"""The synthetic report generator's text renderings: pipe text, markdown and flattened text carry
the record's values, read back independently of the generator."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.reportgen import (
    DASHES,
    HTML_STYLES,
    html_to_pipe,
    render_flat,
    render_markdown,
    render_pipe,
)
from parsers import schema
from tests.corpus import CORPUS
from tests.reportgen_support import (
    RECORDS,
    expected_row,
    find_row,
    fold,
    read_value,
    record_id,
    row_labels,
)

# ---------------------------------------------------------------------------------------------
# pipe text
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("record", RECORDS[:6], ids=record_id)
def test_pipe_rows_carry_the_record_values(style, record):
    lines = render_pipe(record, style).splitlines()
    for section, code, label in row_labels(record):
        want = expected_row(record, section, code)
        idx = next(
            (
                i
                for i, line in enumerate(lines)
                if line.endswith(" |") and fold(line[:-2]) == fold(label)
            ),
            None,
        )
        assert idx is not None, f"{style}: no line {label!r}"
        got = []
        for line in lines[idx + 1 : idx + 1 + len(want)]:
            assert line.endswith(" |"), (label, line)
            got.append(read_value(line[:-2]))
        assert got == want, (style, label)


def test_pipe_rule_colspan_and_blank_cells():
    html = (
        "<table><tr><td colspan=2>A</td><td>B</td></tr>"
        "<tr><td>1</td><td>&nbsp;</td><td>3</td></tr></table>"
    )
    assert html_to_pipe(html) == "A |\nB |\n|\n1 |\n3 |\n|\n"


def test_pipe_rule_rowspan_blank_cells_move_to_row_end():
    html = (
        "<table><tr><td rowspan=3>G</td><td>821</td><td></td><td></td><td>2</td></tr>"
        "<tr><td>x</td><td>5</td><td> </td><td>6</td></tr>"
        "<tr><td>y</td><td>7</td><td>8</td><td>9</td></tr></table>"
    )
    expected = "G |\n821 |\n2 |\n||\nx |\n5 |\n6 |\n||\ny |\n7 |\n8 |\n9 |\n|\n"
    assert html_to_pipe(html) == expected


def test_pipe_rule_short_rows_are_padded_and_spans_clipped():
    html = (
        "<table><tbody><tr><td>a</td><td>b</td><td>c</td><td>d</td></tr>"
        "<tr><td rowspan=5>e</td></tr>"
        "<tr><td>f</td><td rowspan=0>g</td></tr></tbody></table>"
    )
    # row 2: e + three missing positions; row 3: (covered) f g + one missing
    assert html_to_pipe(html) == "a |\nb |\nc |\nd |\ne |\n|||\nf |\ng |\n||\n"


def test_pipe_text_outside_tables_and_cell_text():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<div>第一行<br>第二行</div>\t<p>　<span>内联</span>文字&nbsp;</p><script>var x=1;</script>"
        "<table><tr><td><span>12</span><span>3</span></td><td>本年新<br/>制作数量</td>"
        "<td><p>上</p><p>下</p></td></tr></table><p>后文</p></body></html>"
    )
    assert (
        html_to_pipe(html) == "第一行\n第二行\n内联文字\n123 |\n本年新 制作数量 |\n上 下 |\n后文\n"
    )


@st.composite
def span_tables(draw):
    """A random table of width w built from rectangles: (html, expected pipe text)."""
    width = draw(st.integers(1, 6))
    height = draw(st.integers(1, 6))
    taken = [[False] * width for _ in range(height)]
    anchors: dict[int, list[tuple[int, int, int, str]]] = {r: [] for r in range(height)}
    for r in range(height):
        for c in range(width):
            if taken[r][c]:
                continue
            max_w = 1
            while c + max_w < width and not taken[r][c + max_w]:
                max_w += 1
            cs = draw(st.integers(1, max_w))
            rs = draw(st.integers(1, height - r))
            while any(taken[r + dr][c + dc] for dr in range(rs) for dc in range(cs)):
                rs -= 1
            for dr in range(rs):
                for dc in range(cs):
                    taken[r + dr][c + dc] = True
            text = draw(st.sampled_from(["", "", "0", "12", "标签", "x y"]))
            anchors[r].append((c, cs, rs, text))
    html = "<table>"
    lines = []
    for r in range(height):
        cells = sorted(anchors[r])
        html += (
            "<tr>"
            + "".join(f'<td colspan="{cs}" rowspan="{rs}">{t}</td>' for _c, cs, rs, t in cells)
            + "</tr>"
        )
        filled = [t for _c, _cs, _rs, t in cells if t]
        lines += [f"{t} |" for t in filled]
        if width - len(filled):
            lines.append("|" * (width - len(filled)))
    return html + "</table>", "".join(line + "\n" for line in lines)


@settings(max_examples=200, deadline=None)
@given(span_tables())
def test_pipe_rule_on_random_span_tables(case):
    html, expected = case
    assert html_to_pipe(html) == expected


PAIRS = [
    ("2019_shanghai-bgt.fragment.html", "2019_shanghai-bgt.pipe.txt"),
    ("2022_pingtan-syq.article.html", "2022_pingtan-syq.pipe.txt"),
]


@pytest.mark.parametrize(("html_name", "pipe_name"), PAIRS)
def test_html_to_pipe_reproduces_real_pipe_text(html_name, pipe_name):
    html_path = CORPUS / "docs" / html_name
    pipe_path = CORPUS / "docs" / pipe_name
    if not (html_path.exists() and pipe_path.exists()):
        pytest.skip("corpus not available")
    got = html_to_pipe(html_path.read_text(encoding="utf-8"))
    want = pipe_path.read_text(encoding="utf-8")

    def table_lines(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.endswith("|")]

    assert table_lines(want), "the pair has tables"
    assert table_lines(got) == table_lines(want)
    # the text around the tables is the same too, line for line, once the page chrome is cut
    first = want.splitlines()[0]
    assert got[got.index(first) :].rstrip("\n") == want.rstrip("\n")


# ---------------------------------------------------------------------------------------------
# markdown and flattened text
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("record", RECORDS, ids=record_id)
def test_markdown_tables_carry_the_record_values(record):
    md = render_markdown(record)
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")
            cells = [c.strip() for c in line[1:-1].split(" | ")]
            if current is None:
                current = []
                tables.append(current)
            if not re.fullmatch(r"\|(---\|)+", line):
                current.append(cells)
            else:
                assert len(current) == 1, "separator right after the first row"
        else:
            current = None
    assert len(tables) == 3  # one per section
    for table in tables:
        assert len({len(row) for row in table}) == 1
    rows = [[c for c in row if c] for table in tables for row in table]
    for section, code, label in row_labels(record):
        after = find_row(rows, label)
        assert after is not None, label
        got = [read_value(t) for t in after if read_value(t) != t or t in DASHES]
        assert got == expected_row(record, section, code), label
    assert [read_value(t) for t in rows[-1]] == [
        v
        for g in schema.APPEAL_GROUPS
        for v in expected_row(record, schema.SECTION_APPEALS, g.code)
    ]


def _plain(value: int | float, column: str, template: str) -> str:
    text = f"{value:.2f}" if isinstance(value, float) and value != int(value) else str(int(value))
    if column == "amount" and template == schema.TEMPLATE_2019 and value:
        text += "元"
    return text


@pytest.mark.parametrize("record", RECORDS, ids=record_id)
def test_flat_text_runs_each_label_into_its_numbers(record):
    flat = render_flat(record)
    header, body = flat.split("==================== 正文 ====================\n")
    assert header.startswith("标题: ") and "\n原文链接: https://" in header
    assert "\n" not in body
    for section, code, label in row_labels(record):
        printed = []
        for column, value in record["tables"][section][code].items():
            if value is None:
                printed.append(record["_print"].get(f"{section}.{code}.{column}", ""))
            else:
                printed.append(_plain(value, column, record["template"]))
        assert re.search(re.escape(label) + " ?" + re.escape("".join(printed)), body), label
    appeals = [
        t
        for g in schema.APPEAL_GROUPS
        for c, v in record["tables"]["appeals"][g.code].items()
        if (t := (record["_print"].get(f"appeals.{g.code}.{c}", "") if v is None else str(v)))
    ]
    assert "".join(appeals) in body or " ".join(appeals) in body
