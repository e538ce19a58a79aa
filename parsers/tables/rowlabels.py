"""Row labels: which row of the form a label names (normalized keys, never exact strings)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from parsers import schema
from parsers.labels import find_key, normalize_label


def _best(label: str, fields: Sequence[schema.Field], previous: str | None) -> str | None:
    best_code, best_pos = None, -1
    for f in fields:
        pos = find_key(label, f.keys) if f.keys else -1
        if f.after and previous in f.after:
            pos = max(pos, find_key(label, f.after_keys))
        if pos > best_pos:
            best_code, best_pos = f.code, pos
    return best_code


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


@lru_cache(maxsize=8)
def match_item(items: tuple[schema.Item, ...]) -> Callable[[str, str | None], str | None]:
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
