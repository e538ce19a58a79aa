"""What one harvest run holds, shared by its stages (:mod:`ogi.harvest` runs them:
the crawl, :mod:`ogi.harvest_parse`, :mod:`ogi.harvest_export`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ogi.book import Book
from ogi.layout import (
    Layout,
)
from ogi.runs import (
    RunReport,
)
from scraper.crawl import CrawlOptions
from scraper.registry import Registry, Site

log = logging.getLogger(__name__)

Progress = Callable[[str, dict[str, Any]], None]
"""``progress(event, info)``: ``phase`` (info: name), ``fetch``, ``parsed``, ``export_stage``."""


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass
class RunBase:
    """One harvest run's settings, its report and its bookkeeping."""

    layout: Layout
    registry: Registry
    chosen: list[Site]
    sites_file: str
    workers: int | None
    export: bool
    formats: tuple[str, ...]
    resolve: Any
    crawl_options: CrawlOptions | None
    clock: Callable[[], datetime] | None
    reparse: bool
    parse_timeout: float | None
    progress: Progress | None
    report: RunReport = field(init=False, repr=False, compare=False)
    book: Book | None = field(init=False, repr=False, compare=False, default=None)

    def _phase(self, name: str) -> None:
        self.report.phase = name
        self.report.write()
        log.info("%s stage", name, extra={"event": f"{name}_start", "run": self.report.id})
        self._emit("phase", name=name)

    def _emit(self, event: str, **info: Any) -> None:
        if self.progress is not None:
            try:
                self.progress(event, info)
            except Exception:  # a broken display never stops the harvest
                log.exception("progress callback failed")

    @property
    def _open_book(self) -> Book:
        """The bookkeeping, for the stages (they run only when it opened)."""
        assert self.book is not None
        return self.book
