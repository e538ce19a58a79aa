"""Plans of one table of a page: table 二 and table 四 taken from a plan of their own on a page
whose layout as a whole was never met.

The pages of one site's template differ most in table 三: its rows and header cells are
where a pasted Word table gains a row, splits a label over two cells or spans a header, while
table 二 and table 四 keep their layout from page to page. A plan of the whole page
(:mod:`parsers.fastpath.htmlplan`) then misses, and its tables 二 and 四 were read afresh
although a page of the same layout of that table had been read before. Each of those two
tables is read from its own cells alone:

- table 二 from the page's first cell up to table 三's block, and the template;
- table 四 from its first header cell to the page's last cell,

and what its reading decides depends on those cells' kinds, labels and places alone (their
values only give the numbers, and the sums of a table 四 read by order, checked again on
every page as a whole page's plan checks them). So a table's reading is kept as a plan of
its own cells (indexes from the table's first cell), keyed by the shapes of the HTML tables
that hold them, where the first cell lies in the first of them and each cell's kind or label;
a page whose table 二 or 四 has a layout met before takes its reading from the plan, moved to
where the table starts on the page (:meth:`parsers.fastpath.planbuild.PlanBuilder.take`).

Table 三 is kept the same way, for the pages whose table 二 or 四 is what changes: its cells
from its block's first cell to table 四's first header, with the template's votes from the
labels before it; its rows add their votes, so its plan holds the template and the votes the
page then has, and a page that takes it reads neither its rows nor its headers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from parsers import schema
from parsers.fastpath.htmlplan import BY_SHAPES, LayoutKey, Plans
from parsers.fastpath.planbuild import PlanBuilder, PlannedTable
from parsers.fastpath.stream import Token
from parsers.recover import SumRule


def section_key(
    page_key: LayoutKey | None, start: int, end: int, *also: object
) -> LayoutKey | None:
    """The layout of the cells ``start`` to ``end`` of a page whose layout is ``page_key``
    (a key by table shapes; None for any other key, or no cells): the shapes of the tables
    that hold them, where the first lies in the first of those tables, and each cell's kind
    or label (with ``also``: what else the reading depends on)."""
    if not page_key or page_key[0] != BY_SHAPES or start >= end:
        return None
    _, layout, kinds = page_key
    first = last = -1
    offset = 0
    at = 0  # cells of the tables before the current one
    for k, (count, _shape) in enumerate(layout):
        if first < 0 and start < at + count:
            first, offset = k, start - at
        if end <= at + count:
            last = k
            break
        at += count
    if first < 0 or last < 0:
        return None
    return (also, offset, layout[first : last + 1], kinds[start:end])


def read_section(
    plans: Plans,
    key: LayoutKey | None,
    section: str,
    template: str,
    start: int,
    tokens: Sequence[Token],
    builder: PlanBuilder,
    read: Callable[[], PlannedTable | None],
    sums_of: Callable[[], tuple[SumRule, ...] | None],
) -> tuple[PlannedTable | None, bool]:
    """A table's reading — ``read()``, or the plan kept for its layout ``key`` — written into
    the page's plan (``builder``), and whether its values had to add up (a plan checks them
    again on every page). ``start``: the table's first cell on the page; ``tokens``: the
    table's own, from there; ``sums_of()``: once ``read()`` has read the table, the rules its
    values had to meet (None: none)."""
    plan = plans.get(key) if key is not None else None
    if plan is not None:
        if not plan.adds_up(tokens):
            return None, plan.check_sums is not None
        return builder.take(plan, start), plan.check_sums is not None
    return read_and_keep(plans, key, section, template, start, builder, read, sums_of)


def read_and_keep(
    plans: Plans,
    key: LayoutKey | None,
    section: str,
    template: str,
    start: int,
    builder: PlanBuilder,
    read: Callable[[], PlannedTable | None],
    sums_of: Callable[[], tuple[SumRule, ...] | None],
    votes: dict[str, int] | None = None,
) -> tuple[PlannedTable | None, bool]:
    """:func:`read_section` of a table whose layout has no plan kept: ``read()``, written into
    the page's plan, and kept as a plan of its own when its layout is met a second time
    (with ``votes``, the template's votes once the table was read, when they are the table's
    to give: see :func:`applications_plan_key`)."""
    since = (len(builder.origins), len(builder.headers))
    table = read()
    sums = sums_of()
    if table is not None and key is not None and plans.met_before(key):
        made = builder.table_plan(section, template, table, start, since, sums, votes)
        if made is not None:
            plans.put(key, made)
    return table, sums is not None


def proactive_plan_key(page_key: LayoutKey | None, end: int, template: str) -> LayoutKey | None:
    """The key of table 二's layout: the cells before table 三's block, and the template."""
    return section_key(page_key, 0, end, schema.SECTION_PROACTIVE, template)


def applications_plan_key(
    page_key: LayoutKey | None, start: int, end: int, votes: dict[str, int]
) -> LayoutKey | None:
    """The key of table 三's layout: its block's cells up to table 四's first header, and the
    template's votes from the labels before the block. Its rows add their own votes to those,
    so the template — which says what rows the table has — is the layout's too: a plan of
    this key holds the template and the votes as the table's reading left them."""
    return section_key(page_key, start, end, schema.SECTION_APPLICATIONS, tuple(votes.items()))


def appeals_plan_key(page_key: LayoutKey | None, start: int, end: int) -> LayoutKey | None:
    """The key of table 四's layout: its cells to the page's end."""
    return section_key(page_key, start, end, schema.SECTION_APPEALS)
