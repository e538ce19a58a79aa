"""Reports before 2019: the key counts from their prose and appendix tables.

Before report year 2019 there was no national table format: reports are prose (概述 / 主动公开 /
依申请公开 / 收费及减免 / 行政复议和行政诉讼 / 问题与改进) with optional appendix statistics tables.
This package reads the counts researchers follow across the 2019 break:

* :func:`is_pre2019` — is a text such a report (template ``"pre2019"``)?
* :func:`extract_prose` — the counts it states (:class:`ProseResult`: ``values``, ``evidence``,
  ``warnings``), keys exactly those of the record's ``prose`` object, absent when not stated;
* :data:`CROSSWALK` — each key's dataset column (``prose__<key>``), labels, and the 2019/2021
  table cells it continues where the meaning is the same (:func:`table_equivalent` computes it).

``python -m parsers.prose FILE`` prints one report's counts; ``python -m parsers.prose --report
DIR`` measures how often each count is found across a folder of reports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parsers.prose.crosswalk import CROSSWALK, EXTRA_FIELDS, LABELS, table_equivalent
    from parsers.prose.detect import is_pre2019
    from parsers.prose.extract import EXTRA_KEYS, PROSE_KEYS, ProseResult, extract_prose
    from parsers.prose.numerals import parse_number

_HOMES = {
    "CROSSWALK": "crosswalk",
    "EXTRA_FIELDS": "crosswalk",
    "LABELS": "crosswalk",
    "table_equivalent": "crosswalk",
    "is_pre2019": "detect",
    "EXTRA_KEYS": "extract",
    "PROSE_KEYS": "extract",
    "ProseResult": "extract",
    "extract_prose": "extract",
    "parse_number": "numerals",
}
"""The module each name lives in. They are imported on first use, not with the package: the
readers' wording is a few hundred compiled patterns (about 50 ms), and a process that only
parses reports in the 2019 and 2021 formats — every parse worker, as it starts — imports the
package for its numerals alone."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "CROSSWALK",
    "EXTRA_FIELDS",
    "EXTRA_KEYS",
    "LABELS",
    "PROSE_KEYS",
    "ProseResult",
    "extract_prose",
    "is_pre2019",
    "parse_number",
    "table_equivalent",
]
