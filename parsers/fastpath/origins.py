"""The stored provenance (``_origins``) of a pipe-text record read by its shape's plan, written
from the plan without making the record's cells.

:func:`parsers.provenance.encode` walks a record's cells: for each a place, for each row its
origin's label cells, then one JSON text, compressed. For a planned reading
(:class:`~parsers.fastpath.reading.PlannedReading`) that text is known but for its numbers:
every value's place is its text line (``[null,null,null,line]``), every row is read by
``order`` with no headers, and its label is the cells at the plan's label indexes. So the text
is written once per plan and set of label texts, as a template with a ``%d`` where each line
goes (:func:`_template`), and a record fills it with its lines: the same text as
:func:`~parsers.provenance.encode` writes from the cells (``tests/test_fastpath_reading.py``),
at a fraction of the cost. A template is kept per shape and its label texts, and the last texts
written from it per first line (a bounded memory).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import NamedTuple

from parsers.fastpath.plan import Plan
from parsers.model import _NUMBERED
from parsers.provenance import packed

Template = tuple[str, Callable[[Sequence[int]], tuple[int, ...]]]
"""The JSON text with ``%d`` where each line goes, and what takes those lines, in that
order, from a reading's lines."""


class _Kept(NamedTuple):
    """What is kept of a plan: the getter of its label cells' tokens, and for each set of
    label texts its template and the texts last written from it (by the first line of the
    reading's lines, when those are a range: a document read a token per line)."""

    plan: Plan
    labels: Callable[[Sequence[tuple]], tuple]
    templates: dict[tuple[str, ...], tuple[Template, dict[int, str]]]


_kept: dict[int, _Kept] = {}
_PLANS_KEPT = 512
_TEMPLATES_KEPT = 16  # per plan
_WRITTEN_KEPT = 16  # per template
_TEXT = itemgetter(1)


def planned_origins(plan: Plan, tokens: Sequence[tuple], lines: Sequence[int] | None) -> str | None:
    """The ``_origins`` text of the record of a document of ``plan``'s shape (its tokens and
    their lines, as :class:`~parsers.fastpath.reading.PlannedReading` holds them; see
    :func:`parsers.provenance.encode`), or None when it keeps no lines.

    Reports of one site print the same form the same way, often with as many lines before
    their tables: the text written for such a report (its lines a range from the same first
    line) is the one written for the last of them, and is kept."""
    if lines is None:
        return None
    kept = _kept.get(id(plan))
    if kept is None or kept.plan is not plan:
        if len(_kept) >= _PLANS_KEPT:
            _kept.clear()
        kept = _kept[id(plan)] = _Kept(plan, _taker(_label_indexes(plan)), {})
    texts = tuple(map(_TEXT, kept.labels(tokens)))
    found = kept.templates.get(texts)
    if found is None:
        if len(kept.templates) >= _TEMPLATES_KEPT:
            kept.templates.clear()
        found = kept.templates[texts] = (_template(plan, tokens), {})
    (template, take), written = found
    first = lines.start if type(lines) is range and lines.step == 1 else None
    if first is not None and first in written:
        return written[first]
    text = template % take(lines)
    out = packed(text)
    if first is not None:
        if len(written) >= _WRITTEN_KEPT:
            written.clear()
        written[first] = out
    return out


def _label_indexes(plan: Plan) -> list[int]:
    """The stream indexes of every label cell of the plan's rows, in order."""
    out: list[int] = []
    for _section, rows in plan.rows:
        for row in rows:
            if row[3] is not None:
                out.extend(row[3])
    return out


def _template(plan: Plan, tokens: Sequence[tuple]) -> Template:
    """The plan's ``_origins`` JSON (as :func:`parsers.provenance.encode` writes it: compact
    separators, text as printed) with ``%d`` for each line, and the indexes of those lines."""
    order: list[int] = []  # the cells' lines, in the text's order
    label_order: list[int] = []  # then the label cells' lines
    place = "[null,null,null,%d]"

    def string(text: str) -> str:
        return json.dumps(text, ensure_ascii=False).replace("%", "%%")

    cells: list[str] = []
    rows: list[str] = []
    for section, planned in plan.rows:
        section_cells: list[str] = []
        section_rows: list[str] = []
        for code, _columns, pairs, label in planned:
            if pairs:
                order.extend(i for _col, i in pairs)
                section_cells.append(f"{string(code)}:[{','.join([place] * len(pairs))}]")
            label_json = []
            for i in _own_label(label or (), tokens):
                label_order.append(i)
                label_json.append(f"[{string(tokens[i][1])},{place}]")
            section_rows.append(f'{string(code)}:["order",[{",".join(label_json)}],null]')
        if section_cells:
            cells.append(f"{string(section)}:{{{','.join(section_cells)}}}")
        rows.append(f"{string(section)}:{{{','.join(section_rows)}}}")
    text = f'{{"cells":{{{",".join(cells)}}},"rows":{{{",".join(rows)}}},"headers":[]}}'
    return text, _taker(order + label_order)


def _own_label(label: Sequence[int], tokens: Sequence[tuple]) -> list[int]:
    """The indexes of a row's own label cells, as :attr:`parsers.model.RowOrigin.label_cells`
    keeps them from the cells of a source that knows no rows: from the first numbered heading
    on (else the last cell), cells with no text left out."""
    found = [i for i in label if tokens[i][1]]
    if not found:
        return []
    start = next((k for k, i in enumerate(found) if _NUMBERED.match(tokens[i][1])), len(found) - 1)
    return found[start:]


def _taker(order: list[int]) -> Callable[[Sequence], tuple]:
    """What takes the items at ``order`` from a sequence, as a tuple (``itemgetter`` gives a
    bare item for one index)."""
    if len(order) >= 2:
        return itemgetter(*order)
    return lambda lines: tuple(lines[i] for i in order)
