"""Counts from pre-2019 prose reports, and the crosswalk that joins them to the table codes.

The prose reader (``parsers.prose``) owns the list of prose keys and a ``CROSSWALK`` saying,
for each key, its dataset column (``prose__<key>``) and — where the meaning is the same — the
table code it continues (``applications_received`` ↔ ``applications__new__total``). This
module reads that crosswalk lazily and tolerantly (a tuple, a mapping or an object per entry),
so the datasets work before the prose reader exists: without it every prose key seen in the
records still becomes a ``prose__<key>`` column, and no table column is filled from prose.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

PREFIX = "prose__"


@dataclass(frozen=True, slots=True)
class ProseField:
    """One prose key: its dataset column and, when the meaning is the same, a table code."""

    key: str
    column: str
    code: str | None = None  # ``section__row__column`` of the one table cell it continues
    label_zh: str = ""
    label_en: str = ""
    codes: tuple[str, ...] = ()  # the cells whose sum it continues (``code`` when just one)
    note: str = ""

    @property
    def cells(self) -> tuple[str, ...]:
        return self.codes or ((self.code,) if self.code else ())


def code_name(section: str, row: str, column: str) -> str:
    """The dataset column of a table cell: ``applications__new__total``."""
    return f"{section}__{row}__{column}"


def load_crosswalk(module: str = "parsers.prose") -> dict[str, ProseField] | None:
    """The prose reader's crosswalk, or None when that module (or its CROSSWALK) is absent."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    crosswalk = getattr(mod, "CROSSWALK", None)
    if not isinstance(crosswalk, Mapping):
        return None
    labels = _labels(mod)
    out: dict[str, ProseField] = {}
    for key, entry in crosswalk.items():
        try:
            out[str(key)] = _entry(str(key), entry, labels.get(str(key), ("", "")))
        except (TypeError, ValueError) as exc:
            log.warning("ignoring prose crosswalk entry %r: %s", key, exc)
    return out


def prose_fields(
    crosswalk: Mapping[str, ProseField] | None, seen_keys: Iterable[str]
) -> list[ProseField]:
    """The prose columns of a dataset: the crosswalk's (stable), plus any key seen but unknown."""
    fields = list((crosswalk or {}).values())
    known = {f.key for f in fields}
    for key in sorted(set(seen_keys) - known):
        fields.append(ProseField(key, PREFIX + key))
    return fields


def _entry(key: str, entry: Any, labels: tuple[str, str]) -> ProseField:
    column, code, zh, en = PREFIX + key, None, labels[0], labels[1]
    codes: tuple[str, ...] = ()
    note = ""
    if entry is None:
        pass
    elif isinstance(entry, str):
        column, code = _classify(entry, column)
    elif isinstance(entry, Mapping):
        column = str(entry.get("column") or entry.get("name") or column)
        code = _code(
            entry.get("code") or entry.get("table_code") or entry.get("table") or entry.get("cell")
        )
        zh = str(entry.get("label_zh") or entry.get("label") or zh)
        en = str(entry.get("label_en") or entry.get("en") or en)
        codes = tuple(one for c in (entry.get("codes") or ()) if c and (one := _code(c)))
        note = str(entry.get("note") or "")
    elif isinstance(entry, tuple | list):
        parts = list(entry)
        if len(parts) == 3 and all(isinstance(p, str) and "__" not in p for p in parts):
            code = _code(tuple(parts))  # a bare (section, row, column) triple
        else:
            for part in parts:
                if isinstance(part, str) and part.startswith(PREFIX):
                    column = part
                elif part is not None and code is None:
                    code = _code(part)
    else:  # an object with attributes
        column = str(getattr(entry, "column", None) or column)
        code = _code(getattr(entry, "code", None) or getattr(entry, "table_code", None))
        zh = str(getattr(entry, "label_zh", None) or getattr(entry, "label", None) or zh)
        en = str(getattr(entry, "label_en", None) or getattr(entry, "en", None) or en)
    if not column.startswith(PREFIX):
        raise ValueError(f"prose column {column!r} does not start with {PREFIX!r}")
    if code is None and len(codes) == 1:
        code = codes[0]
    if code is not None and not codes:
        codes = (code,)
    return ProseField(key, column, code, zh, en, codes, note)


def _classify(text: str, default_column: str) -> tuple[str, str | None]:
    if text.startswith(PREFIX):
        return text, None
    return default_column, _code(text)


def _code(value: Any) -> str | None:
    """A table code from ``"a__b__c"``, ``"a.b.c"`` or ``("a", "b", "c")``."""
    if value is None or value == "":
        return None
    if isinstance(value, tuple | list):
        parts = [str(p) for p in value]
    else:
        text = str(value)
        parts = text.split("__") if "__" in text else text.split(".")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"not a table code: {value!r}")
    return code_name(*parts)


def _labels(mod: Any) -> dict[str, tuple[str, str]]:
    """Chinese/English labels of the prose keys, if the prose module publishes them."""
    for name in ("LABELS", "PROSE_LABELS", "FIELDS", "PROSE_FIELDS", "KEYS"):
        table = getattr(mod, name, None)
        if not isinstance(table, Mapping):
            continue
        out = {}
        for key, value in table.items():
            if isinstance(value, str):
                out[str(key)] = (value, "")
            elif isinstance(value, tuple | list) and value:
                out[str(key)] = (str(value[0]), str(value[1]) if len(value) > 1 else "")
            elif isinstance(value, Mapping):
                out[str(key)] = (
                    str(value.get("label_zh") or value.get("label") or ""),
                    str(value.get("label_en") or value.get("en") or ""),
                )
            else:
                out[str(key)] = (
                    str(getattr(value, "label", "") or ""),
                    str(getattr(value, "en", "") or ""),
                )
        return out
    return {}
