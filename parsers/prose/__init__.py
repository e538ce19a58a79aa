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

from parsers.prose.crosswalk import CROSSWALK, EXTRA_FIELDS, LABELS, table_equivalent
from parsers.prose.detect import is_pre2019
from parsers.prose.extract import EXTRA_KEYS, PROSE_KEYS, ProseResult, extract_prose
from parsers.prose.numerals import parse_number

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
