"""Row labels: which row of the form a label names (normalized keys, never exact strings)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from parsers import schema
from parsers.labels import find_key, normalize_label


def _best(label: str, fields: Sequence[schema.Field], previous: str | None) -> str | None:
    """The field whose key ends last in the label: labels of rows printed without values run
    into the next row's label (flattened text, pipe text), and the values belong to the last."""
    best_code, best_pos = None, -1
    for f in fields:
        pos = find_key(label, f.keys) if f.keys else -1
        if f.after:
            pos = max(pos, _after_pos(label, f, fields, previous))
        if pos > best_pos:
            best_code, best_pos = f.code, pos
    return best_code


def _after_pos(
    label: str, f: schema.Field, fields: Sequence[schema.Field], previous: str | None
) -> int:
    """Where a key of a field named only after certain rows (``3.其他`` after ``2.…缴纳费用``)
    ends: right after such a row, or later in one label that names such a row first."""
    end = find_key(label, f.after_keys)
    if end < 0 or previous in f.after:
        return end
    named = max(
        (find_key(label, other.keys) for other in fields if other.code in f.after and other.keys),
        default=-1,
    )
    return end if 0 <= named < end else -1


_COLUMN_HEADER_KEYS = tuple(
    normalize_label(k) for k in ("自然人", "商业企业", "科研机构", "法律服务机构", "申请人情况")
)


@lru_cache(maxsize=16384)
def match_application_row(label: str, previous: str | None) -> str | None:
    if not label:
        return None
    code = _best(label, schema.APPLICATION_ROWS, previous)
    if code == "total" and any(k in label for k in _COLUMN_HEADER_KEYS):
        return None  # the column header "总计", not the （七）总计 row
    return code


def match_item(items: tuple[schema.Item, ...]) -> Callable[[str, str | None], str | None]:
    """The matcher of table 二's rows among ``items`` (one of the schema's own tuples: it is
    kept by identity, as hashing the items again — their labels, keys and measures — took
    longer than matching a row)."""
    found = _item_matchers.get(id(items))
    if found is None or found[0] is not items:
        if len(_item_matchers) >= 64:  # (the schema has a few: any other tuple is not kept long)
            _item_matchers.clear()
        found = _item_matchers[id(items)] = (items, _item_matcher(items))
    return found[1]


_item_matchers: dict[int, tuple[tuple[schema.Item, ...], Callable]] = {}


def _item_matcher(items: tuple[schema.Item, ...]) -> Callable[[str, str | None], str | None]:
    @lru_cache(maxsize=8192)
    def match(label: str, previous: str | None) -> str | None:
        best_code, best_pos = None, -1
        for item in items:
            pos = find_key(label, item.keys)
            if pos > best_pos:
                best_code, best_pos = item.code, pos
        return best_code

    return match


@lru_cache(maxsize=4096)
def match_appeal_group(label: str, previous: str | None) -> str | None:
    return _best(label, schema.APPEAL_GROUPS, previous)
