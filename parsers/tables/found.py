"""What the table reader hands back, and the header words of table 三, in a module of their own:
both the general reader (:mod:`parsers.tables.read`) and the fast path (:mod:`parsers.fastpath`)
use them, and the general reader calls the fast path, so they live below both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsers.labels import normalize_label
from parsers.model import CellValue, Tables


@dataclass
class Found:
    """What the matcher read: the template it saw and the three tables (when present)."""

    template: str | None
    tables: Tables = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    template_votes: dict[str, int] = field(default_factory=dict)
    # Rows printed in place of several rows of the template (not in the record; for checks).
    merged: dict[str, dict[str, CellValue]] = field(default_factory=dict)
    # The tables left to be made when first read, with the checks and the record store's
    # views of them (pipe text read from table 三 on: parsers.tables.stream_reading).
    reading: Any = None

    def defer(self, reading: Any) -> None:
        """Leave :attr:`tables` to ``reading`` (its ``tables()``), made when first read."""
        self.reading = reading
        self.__dict__.pop("tables", None)

    def __getattr__(self, name: str) -> Any:
        # Called only for an attribute not held: ``tables`` left to the reading (see defer).
        if name == "tables" and "reading" in self.__dict__:
            tables = self.__dict__["tables"] = self.reading.tables()
            return tables
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# Words of table 三's header block (applicant kinds, totals): a row holding one is header, not data.
APPLICATION_HEADER_KEYS = tuple(
    normalize_label(k)
    for k in (
        "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "公益组织",
        "法律服务机构", "其他", "总计", "合计", "勾稽关系", "第一项加第二项", "信息公开申请",
    )
)  # fmt: skip
