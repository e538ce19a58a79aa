"""The stored provenance (``_origins``) of an HTML page read by a plan, written from the plan's
indexes and the page's cell texts and places, without making the page's cells or the record's.

What :func:`parsers.provenance.encode` writes of the record the plan's replay makes
(:meth:`parsers.fastpath.htmlplan.Plan.replay`) depends only on the plan, each cell's text and
place, and each value's status: an HTML page's cell is stored as its table, grid row and column
(it has no line, box or glued text), a row's origin is the one its columns share, and the
replay makes one header map per map of the plan (so the identity by which the store writes
each map once is the map's index). So the JSON text is written here piece by piece, each cell's
place once: a page read afresh is spared the few hundred cells and values the replay would make
only to be walked once, and the nested lists :func:`json.dumps` would walk again
(``tests/test_fastpath_planorigins.py`` compares the two texts on generated pages of every
style).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from json.encoder import encode_basestring

from parsers.cells.html_grid import PageGrid, Place
from parsers.fastpath.htmlplan import Plan, PlanOrigin
from parsers.fastpath.stream import TEXT, Token
from parsers.model import UNCERTAIN
from parsers.provenance import packed

_quoted = encode_basestring
"""A string as ``json.dumps(..., ensure_ascii=False)`` writes it."""


def plan_origins(plan: Plan, tokens: Sequence[Token], grid: PageGrid) -> str | None:
    """The ``_origins`` text of the page ``grid`` (its cells' ``tokens``) read by ``plan``:
    byte for byte what :func:`parsers.provenance.encode` writes of the record the plan's
    replay makes."""
    tables_of, places = grid.places()
    at = [f"[{t},{r},{c}]" for t, (r, c, _colspan, _rowspan) in zip(tables_of, places, strict=True)]

    def text_and_place(i: int) -> str:
        return f"[{_quoted(tokens[i][TEXT])},{at[i]}]"

    def listed(indexes: Iterable[int]) -> str:
        return f"[{','.join([text_and_place(i) for i in indexes])}]"

    cells: dict[str, list[str]] = {}
    rows: dict[str, list[str]] = {}
    headers: list[str] = []
    header_index: dict[int, str] = {}  # the plan's header map → its index as stored
    origins = plan.origins
    for section, table in _replayed(plan).items():
        for code, columns in table.items():
            if not columns:
                continue
            values = columns.values()
            row_key = _quoted(code)
            if any(i >= 0 for i, _o in values):
                places_text = ",".join([at[i] if i >= 0 else "null" for i, _o in values])
                cells.setdefault(section, []).append(f"{row_key}:[{places_text}]")
            origin = origins[next(iter(values))[1]]
            index = "null"
            h = origin.headers
            if h is not None and plan.headers[h]:
                found = header_index.get(h)
                if found is None:
                    found = header_index[h] = str(len(headers))
                    by_code = dict(plan.headers[h])  # (a code met twice: its last cells)
                    headers.append(
                        _object(
                            [(column, listed(at_cells)) for column, at_cells in by_code.items()]
                        )
                    )
                index = found
            label = listed(_label(origin, tokens, tables_of, places))
            entry = f"[{_quoted(origin.how)},{label},{index}"
            if origin.printed and any(
                i >= 0 and tokens[i][3].status == UNCERTAIN for i, _o in values
            ):
                entry += "," + listed(origin.printed)
            rows.setdefault(section, []).append(f"{row_key}:{entry}]")
    if not cells and not rows:
        return None
    text = (
        f'{{"cells":{_sections(cells)},"rows":{_sections(rows)},"headers":[{",".join(headers)}]}}'
    )
    return packed(text)


def _replayed(plan: Plan) -> dict[str, dict[str, dict[str, tuple[int, int]]]]:
    """The plan's tables as the replay's dicts hold them (a section, row or column met twice
    is where it was first met, read as it was last): each column's cell index and origin."""
    replayed: dict[str, dict[str, dict[str, tuple[int, int]]]] = {}
    for section, planned in plan.tables:
        table = replayed[section] = {}
        for code, columns in planned:
            table[code] = {column: (i, o) for column, i, o in columns}
    return replayed


def _object(members: Iterable[tuple[str, str]]) -> str:
    """A JSON object of keys and member texts already written."""
    return "{" + ",".join([f"{_quoted(key)}:{text}" for key, text in members]) + "}"


def _sections(written: Mapping[str, list[str]]) -> str:
    """A JSON object of sections, each an object of the row members already written."""
    return _object(
        [(section, "{" + ",".join(members) + "}") for section, members in written.items()]
    )


def _label(
    origin: PlanOrigin, tokens: Sequence[Token], tables_of: list[int], places: list[Place]
) -> list[int]:
    """The indexes of the row's own label cells (:attr:`parsers.model.RowOrigin.label_cells`:
    those with a text whose grid rows cover the last one's)."""
    found = [i for i in origin.label if tokens[i][TEXT]]
    if not found:
        return []
    last = found[-1]
    table, row = tables_of[last], places[last][0]
    return [
        i
        for i in found
        if tables_of[i] == table and places[i][0] <= row < places[i][0] + places[i][3]
    ]
