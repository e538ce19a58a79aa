"""Column headers found once per header layout: the pages of a template repeat them.

The grid fast path (:mod:`parsers.fastpath.grid`) finds a table's column headers with the
general reader's functions (:func:`parsers.tables.placing.header_ranges`,
:func:`parsers.tables.appeals.appeal_headers`), which compare every header cell's label with
every name a column may print. What they find depends on the header cells alone — each one's
normalized label, table, grid row, column and spans — and those repeat on every page of a
template while the numbers under them change. So the result is kept by that layout: the
columns' grid ranges, and which of the header cells each column printed, as their places in
the list of header cells; a page of the same header layout gets :class:`Headers` of its own
cells from them (the ranges, and the columns worked out under them, shared).

Only the header cells' layout is looked at, so a page whose headers differ in any way is
read afresh; the layouts kept are bounded.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from contextlib import suppress
from typing import Any

from parsers.tables.placing import Headers

MAX_HEADER_LAYOUTS = 512
"""Header layouts kept (a few per template: one per header row of table 二, table 三's, and
table 四's)."""

_NONE = "no headers"
"""Kept for a layout in which the function found no headers."""

_kept: OrderedDict[Hashable, Any] = OrderedDict()


def cached_headers(
    kind: Hashable, find: Callable[[Sequence[Any]], Headers | None], labels: Sequence[Any]
) -> Headers | None:
    """``find(labels)``, taken from the last page of the same header layout when there was
    one. ``labels``: the header cells as the general reader's functions read them (each with
    ``.label`` and ``.cell``); ``kind``: what ``find`` is (the same kind must always mean the
    same function with the same names)."""
    layout = tuple([(t.label, *_place(t.cell)) for t in labels])
    return cached_headers_at(kind, find, layout, lambda: labels, lambda k: labels[k].cell)


def cached_headers_at(
    kind: Hashable,
    find: Callable[[Sequence[Any]], Headers | None],
    layout: tuple,
    labels: Callable[[], Sequence[Any]],
    cell: Callable[[int], Any],
) -> Headers | None:
    """:func:`cached_headers` where the caller gives the header layout itself (a hashable
    item per header cell, in their order, that says its label and place the same way for
    every page of ``kind``) and makes the header cells only when they are read: ``labels()``
    all of them, for ``find``, when the layout was never met; ``cell(k)`` the ``k``-th one's
    cell, for the few cells a column printed, when it was (a page's header cells are several
    dozen objects, and most pages meet a layout met before)."""
    key = (kind, layout)
    entry = _kept.get(key)
    if entry is None:
        found = labels()
        headers = find(found)
        _keep(key, headers, found)
        return headers
    with suppress(KeyError):  # let go of by another thread meanwhile: it still holds
        _kept.move_to_end(key)
    if entry == _NONE:
        return None
    ranges, under, printed = entry
    return Headers(ranges, under, {code: [cell(k) for k in at] for code, at in printed})


def _place(cell: Any) -> tuple:
    return (cell.table, cell.row, cell.col, cell.colspan, cell.rowspan)


def _keep(key: Hashable, headers: Headers | None, labels: Sequence[Any]) -> None:
    if headers is None:
        entry: Any = _NONE
    else:
        where = {id(t.cell): k for k, t in enumerate(labels)}
        try:
            printed = tuple(
                (code, tuple(where[id(cell)] for cell in cells))
                for code, cells in headers.cells.items()
            )
        except KeyError:  # a header cell not among the labels: nothing to keep
            return
        entry = (headers.ranges, headers._under, printed)
    _kept[key] = entry
    with suppress(KeyError):  # emptied by another thread meanwhile: nothing left to let go of
        while len(_kept) > MAX_HEADER_LAYOUTS:
            _kept.popitem(last=False)


def clear() -> None:
    """Forget the header layouts kept."""
    _kept.clear()
