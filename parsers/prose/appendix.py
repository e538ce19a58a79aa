"""Appendix statistics tables of pre-2019 reports (附表 / 政府信息公开情况统计表).

Before the national format, many reports end with a statistics table of a provincial or
national design, one indicator per row:

* Fujian / Putian (2009–2018): 指标名称 | 计量单位 | <year>年度 | 历年累计 — 主动公开信息数,
  其中 1.政府网站 2.政府公报, 受理依申请公开信息总数 (当面/传真/电子邮件/网上/信函/其它), 对申请的
  答复数 (同意公开 / 同意部分公开 / 否决·不予公开 / 其他类型), 收费, 行政复议数, 行政诉讼数, 行政申诉数;
* 定西 统计报表: 指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计, 35 numbered indicators including
  the 否决公开 reasons (非《规定》所指 / 信息不存在 / 非本部门掌握 / 申请内容不明确 / 免予公开范围1–6);
* the national statistics table used 2010–2018 (Shanghai and most provinces): 统计指标 | 单位 |
  统计数 — 主动公开政府信息数, 收到申请数 (当面/传真/网络/信函), 申请办结数, 申请答复数 (属于已主动公开范围 /
  同意公开 / 同意部分公开 / 不同意公开 (+ six reasons) / 不属于本行政机关 / 申请信息不存在 / 告知更改补充 /
  告知其他途径), 行政复议数量, 行政诉讼数量, 举报投诉数量, 依申请公开信息收取的费用 (万元), 机构与经费, 培训.

Page text often runs the cells together (``主动公开文件数条294981916`` is 2949 this year and
81916 in all years; ``…数条2949819162、政府公报…`` ends with the next row's number 2). The
table's own arithmetic — the parent row is the sum of its 其中 rows, this year's figure is at
most the all-years figure, a number has no leading zero — decides a split; a split that is not
unique is left absent with a warning, never guessed.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import cast

from parsers.prose import appendix_header as header
from parsers.prose.appendix_rows import ROW_BY_CODE, ROWS, RowDef
from parsers.prose.numerals import Number
from parsers.prose.text import normalize

_QUOTES = "“”\"'‘’「」"


def _label_regex(label: str) -> str:
    parts = []
    for ch in normalize(label):
        if ch in _QUOTES:
            parts.append(f"[{_QUOTES}]?")
        elif ch == "、":
            parts.append("[、,，]?")
        else:
            parts.append(re.escape(ch))
    return r"\s*".join(parts)


def _label_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    entries = [(label, row.code) for row in ROWS for label in row.labels]
    entries.sort(key=lambda e: len(e[0]), reverse=True)
    names: dict[str, str] = {}
    alts = []
    firsts: set[str] = set()
    for i, (label, code) in enumerate(entries):
        name = f"g{i}"
        names[name] = code
        alts.append(f"(?P<{name}>{_label_regex(label)})")
        first = normalize(label)[0]
        firsts.update(_QUOTES if first in _QUOTES else first)
        if first in _QUOTES:
            firsts.add(normalize(label)[1])
    # The lookahead lets the engine skip, in one step, positions no label can start at.
    lead = "".join(sorted(re.escape(ch) for ch in firsts))
    return re.compile(f"(?=[{lead}])(?:{'|'.join(alts)})"), names


LABELS, _GROUP_CODE = _label_pattern()

_ROW_GAP = 120  # characters between one row label and the next, at most

_PAREN = re.compile(r"^\s*[（(][^）)]{0,40}[）)]")
_LEAD = re.compile(r"^[\s|:：”\"*]*")
_UNIT = re.compile(r"^(万元|元|人次|条|件|个|人|次|项|篇|份|起)")
_TOKEN = re.compile(r"^[\s|]*(\d[\d,]*(?:\.\d+)?|[—–\-－/]+|无)")
_ENUM_TAIL = re.compile(
    r"(?:其中)?\s*[:：]?\s*(?:[（(]\s*(?P<paren>\d{1,2})\s*[）)]|(?P<digits>\d{1,2})\s*[、.．]"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*$"
)


@dataclass
class Row:
    """One row found in the text, with the value tuples it may hold."""

    code: str
    start: int
    end: int  # end of its value text
    unit: str | None
    tokens: list[str]
    enum: int | None = None
    options: list[tuple[Number | None, ...]] = field(default_factory=list)

    @property
    def definition(self) -> RowDef:
        return ROW_BY_CODE[self.code]


@dataclass
class AppendixResult:
    """What the appendix says this year, per prose key."""

    values: dict[str, Number] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    # Keys whose cells could not be split uniquely: the this-year values still possible.
    ambiguous: dict[str, set[Number]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None  # the table's extent in the text


def find_table(text: str) -> tuple[int, int] | None:
    """Where the statistics table starts (its header) and its first row label, or None."""
    return header.find_table(text, LABELS)


def read_appendix(text: str, original: str | None = None) -> AppendixResult:
    """Read the appendix table of a normalized report text (``original`` for evidence)."""
    original = text if original is None else original
    result = AppendixResult()
    found = find_table(text)
    if found is None:
        return result
    start, first_label = found
    columns, has_code = header.header_columns(text[start:first_label])
    rows = _read_rows(text, first_label, len(columns), has_code)
    if not rows:
        return result
    believed = header.believe_rows(columns, [len(r.tokens) for r in rows])
    if believed != columns:
        columns = believed
        rows = _read_rows(text, first_label, len(columns), has_code)
    this = next((columns.index(c) for c in header.THIS_PRIORITY if c in columns), None)
    result.span = (start, max(r.end for r in rows))
    if this is None:
        result.warnings.append("appendix table has only all-years columns: no figures for the year")
        return result
    solutions = _solve(rows, columns, result.warnings)
    for i, row in enumerate(rows):
        key = row.definition.key
        if key is None:
            continue
        if not row.options:
            continue
        possible = {v for sol in solutions[i] if i in sol and (v := sol[i][this]) is not None}
        label = original[row.start : row.end].strip()
        if len(possible) == 1:
            value = possible.pop()
            if key == "fees_yuan":
                fees = _fees_in_yuan(value, row, text, result)
                if fees is None:
                    continue
                value = fees
            if key in result.values and result.values[key] != value:
                result.warnings.append(
                    f"appendix: {key} given twice ({result.values[key]} and {value}); first kept"
                )
                continue
            result.values.setdefault(key, value)
            result.evidence.setdefault(key, f"附表: {_squash(label)}")
        elif len(possible) > 1 and key not in result.values:
            result.ambiguous.setdefault(key, set()).update(possible)
    return result


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)[:160]


def _fees_in_yuan(value: Number, row: Row, text: str, result: AppendixResult) -> Number | None:
    unit = row.unit
    if unit is None:
        paren = re.search(r"[（(]\s*(万元|元)\s*[）)]", text[row.start : row.end])
        unit = paren.group(1) if paren else None
    if unit == "元":
        return value
    if unit == "万元":
        out = round(value * 10_000, 2)
        return int(out) if float(out).is_integer() else out
    result.warnings.append("appendix: fee row without a unit (元 or 万元); not recorded")
    return None


# ------------------------------------------------------------------------------------------
# Rows and their possible values
# ------------------------------------------------------------------------------------------


def _read_rows(text: str, first_label: int, k: int, has_code: bool) -> list[Row]:
    rows: list[Row] = []
    next_enum: int | None = None
    match = LABELS.search(text, first_label)
    while match is not None:
        code = _GROUP_CODE[match.lastgroup or ""]
        # A label's own parenthetical (…（不包括用于政府公报…的经费）) is not the next row.
        paren = _PAREN.match(text, match.end())
        after = paren.end() if paren else match.end()
        # The table ends where no row label follows within a row's length.
        following = LABELS.search(text, after, min(len(text), after + _ROW_GAP))
        region_end = following.start() if following else min(len(text), match.end() + 80)
        region = text[match.end() : region_end]
        this_enum = next_enum
        expected = (this_enum + 1) if this_enum is not None else 1
        if following is not None:
            region, next_enum = _cut_enumerator(region, expected)
        unit, tokens, used = _value_tokens(region, has_code)
        row = Row(code, match.start(), match.end() + used, unit, tokens, this_enum)
        row.options = _options(tokens, k)
        rows.append(row)
        match = following
    return rows


def _cut_enumerator(region: str, expected: int) -> tuple[str, int | None]:
    """Split the next row's enumerator (``2、`` ``(3)``) off the end of this row's text.

    In run-together text the enumerator follows this row's last number directly
    (``…条2949819162、政府公报…``): the digits before ``、`` are then the number and the
    enumerator together, and the enumerator we expect (the previous one plus one) is cut off.
    """
    match = _ENUM_TAIL.search(region)
    if match is None:
        return region, None
    if match["paren"]:
        return region[: match.start()], int(match["paren"])
    if match["digits"] is None:
        return region[: match.start()], None
    run_start, run_end = match.start("digits"), match.end("digits")
    while run_start > 0 and region[run_start - 1].isdigit():
        run_start -= 1
    run = region[run_start:run_end]
    before = region[run_start - 1] if run_start > 0 else " "
    if before.isspace() or before in "|:：" or before == "." or len(run) == 1 and before in "中":
        return region[: min(match.start(), run_start)], int(run[-2:]) if len(run) <= 2 else None
    wanted = str(expected)
    cut = len(wanted) if run.endswith(wanted) and len(run) > len(wanted) else 1
    if len(run) <= cut:
        return region[:run_start], int(run)
    return region[: run_end - cut], int(run[-cut:])


def _value_tokens(region: str, has_code: bool) -> tuple[str | None, list[str], int]:
    """The unit and the number tokens right after a label; how many characters they use."""
    pos = 0
    unit = None
    paren = _PAREN.match(region)
    if paren:
        pos = paren.end()
    lead = _LEAD.match(region[pos:])
    assert lead is not None  # _LEAD matches the empty string
    pos += lead.end()
    match = _UNIT.match(region[pos:])
    if match:
        unit = match.group(1)
        pos += match.end()
    tokens: list[str] = []
    if has_code:
        code = re.match(r"^[\s|]*(\d{2})", region[pos:])
        if code:
            pos += code.end()
    while True:
        match = _TOKEN.match(region[pos:])
        if not match:
            break
        tokens.append(match.group(1))
        pos += match.end()
    return unit, tokens, pos


def _options(tokens: list[str], k: int) -> list[tuple[Number | None, ...]]:
    """Every k-tuple of values the tokens can stand for (cells may have run together)."""
    if not tokens:
        return []
    if len(tokens) >= k:
        values = tuple(_value(t) for t in tokens[:k])
        return [cast(tuple[Number | None, ...], values)] if _BAD not in values else []
    out: list[tuple[Number | None, ...]] = []
    for parts in _split_tokens(tokens, k):
        values = tuple(_value(p) for p in parts)
        if _BAD not in values:
            out.append(cast(tuple[Number | None, ...], values))
    return out


_BAD = object()


def _value(token: str) -> Number | None | object:
    if not token[0].isdigit():
        return None  # a dash or 无: a blank cell
    if len(token) > 1 and token[0] == "0" and token[1] != ".":
        return _BAD  # no leading zeros: 01 is two cells
    clean = token.replace(",", "")
    try:
        return float(clean) if "." in clean else int(clean)
    except ValueError:
        return _BAD


def _split_tokens(tokens: list[str], k: int):
    """Ways to cut digit tokens into k parts in order (each token into one or more parts)."""
    extra = k - len(tokens)

    def cuts(token: str, pieces: int):
        if pieces == 1:
            yield [token]
            return
        if not token.isdigit():
            return
        for positions in itertools.combinations(range(1, len(token)), pieces - 1):
            bounds = (0, *positions, len(token))
            yield [token[a:b] for a, b in itertools.pairwise(bounds)]

    for distribution in _distributions(len(tokens), extra):
        per_token = [list(cuts(t, 1 + d)) for t, d in zip(tokens, distribution, strict=True)]
        for combo in itertools.product(*per_token):
            yield [p for parts in combo for p in parts]


def _distributions(n: int, extra: int):
    if n == 0:
        if extra == 0:
            yield ()
        return
    for first in range(extra + 1):
        for rest in _distributions(n - 1, extra - first):
            yield (first, *rest)


# ------------------------------------------------------------------------------------------
# The table's arithmetic
# ------------------------------------------------------------------------------------------

_MAX_NODES = 200_000
_MAX_SOLUTIONS = 5_000


def _solve(
    rows: list[Row], columns: list[str], warnings: list[str]
) -> list[list[list[tuple[Number | None, ...]]]]:
    """For each row, the solutions (full assignments of its component) it takes part in.

    Returns ``per_row[i]`` = the assignments of row i's component (each a dict row index →
    value tuple). A row with no consistent option gets an empty list.
    """
    order_ok = _order_rule(columns)
    for row in rows:
        row.options = [o for o in row.options if order_ok(o)]
    groups = _sum_groups(rows)
    # Connected components over the sum groups.
    parent_of = list(range(len(rows)))

    def find(i: int) -> int:
        while parent_of[i] != i:
            parent_of[i] = parent_of[parent_of[i]]
            i = parent_of[i]
        return i

    for parent, children in groups:
        for child in children:
            parent_of[find(child)] = find(parent)
    components: dict[int, list[int]] = {}
    for i in range(len(rows)):
        components.setdefault(find(i), []).append(i)
    groups_of: dict[int, list[tuple[int, list[int]]]] = {}
    for group in groups:
        groups_of.setdefault(find(group[0]), []).append(group)
    per_row: list[list] = [[] for _ in rows]
    for root, members in components.items():
        member_groups = groups_of.get(root, [])
        sols = _enumerate(rows, members, member_groups)
        if sols is None:
            names = ", ".join(rows[i].definition.labels[0] for i in members)
            warnings.append(f"appendix: too many ways to split the cells of {names}; left unread")
            continue
        if not sols and member_groups:
            names = ", ".join(rows[i].definition.labels[0] for i in members)
            warnings.append(
                f"appendix: the totals of {names} do not add up as printed; read without them"
            )
            sols = _enumerate(rows, members, [])
            if sols is None:
                continue
        for i in members:
            per_row[i] = sols
    return per_row


def _order_rule(columns: list[str]):
    """This year's figure is at most the all-years (or year-to-date) figure."""
    pairs = []
    for small, big in (
        ("year", "hist"),
        ("plain", "hist"),
        ("thiscum", "hist"),
        ("period", "thiscum"),
    ):
        if small in columns and big in columns:
            pairs.append((columns.index(small), columns.index(big)))

    def ok(option: tuple[Number | None, ...]) -> bool:
        for a, b in pairs:
            low, high = option[a], option[b]
            if low is not None and high is not None and low > high:
                return False
        return True

    return ok


def _sum_groups(rows: list[Row]) -> list[tuple[int, list[int]]]:
    """(parent index, child indexes) for each parent row followed by its 其中 rows."""
    groups: list[tuple[int, list[int]]] = []
    for i, row in enumerate(rows):
        below = _descendants(row.code)
        if not below:
            continue
        children = []
        for j in range(i + 1, len(rows)):
            if rows[j].code not in below:
                break
            if rows[j].definition.parent == row.code:
                children.append(j)
        if children:
            groups.append((i, children))
    return groups


@functools.cache
def _descendants(code: str) -> frozenset[str]:
    out: set[str] = set()
    frontier = [code]
    while frontier:
        current = frontier.pop()
        for row in ROWS:
            if row.parent == current and row.code not in out:
                out.add(row.code)
                frontier.append(row.code)
    return frozenset(out)


def _enumerate(rows: list[Row], members: list[int], groups: list[tuple[int, list[int]]]):
    """All assignments of the members' options satisfying the groups; None past the cap."""
    if any(not rows[i].options for i in members):
        # A row with nothing readable does not block its neighbours: it stays unknown.
        members = [i for i in members if rows[i].options]
        groups = [g for g in groups if g[0] in members and all(c in members for c in g[1])]
    order = sorted(members, key=lambda i: len(rows[i].options))
    position = {i: n for n, i in enumerate(order)}
    checks_at: dict[int, list[tuple[int, list[int]]]] = {}
    for parent, children in groups:
        last = max(position[m] for m in (parent, *children))
        checks_at.setdefault(last, []).append((parent, children))
    solutions: list[dict[int, tuple[Number | None, ...]]] = []
    assignment: dict[int, tuple[Number | None, ...]] = {}
    nodes = 0
    capped = False

    def holds(parent: int, children: list[int]) -> bool:
        total = assignment[parent]
        for col in range(len(total)):
            whole, parts = total[col], [assignment[c][col] for c in children]
            if whole is None or any(p is None for p in parts):
                continue
            if abs(sum(p for p in parts if p is not None) - whole) > 1e-6:
                return False
        return True

    def walk(depth: int) -> bool:
        nonlocal nodes, capped
        if depth == len(order):
            solutions.append(dict(assignment))
            capped = len(solutions) >= _MAX_SOLUTIONS
            return not capped
        i = order[depth]
        for option in rows[i].options:
            nodes += 1
            if nodes > _MAX_NODES:
                capped = True
                return False
            assignment[i] = option
            if all(holds(p, c) for p, c in checks_at.get(depth, [])) and not walk(depth + 1):
                return False
        assignment.pop(i, None)
        return True

    walk(0)
    return None if capped else solutions
