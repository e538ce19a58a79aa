"""Documents on disk: walk files and folders, parse each, never let one bad file stop the rest."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import parsers
from parsers.model import ParseError, Report

# Files a folder walk skips: hidden files, our own outputs, editor leftovers.
_SKIP_SUFFIXES = {".json", ".jsonl", ".tsv", ".csv", ".parquet", ".xlsx", ".sqlite", ".db", ".gz"}


@dataclass
class Parsed:
    """One document's outcome: a report, or the error that stopped it."""

    path: Path
    report: Report | None = None
    error: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and every file under named folders (recursively, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _skipped(child, path):
                    yield child
        else:
            yield path


def _skipped(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return any(p.startswith(".") for p in parts) or path.suffix.lower() in _SKIP_SUFFIXES


def parse_files(paths: Iterable[str | Path]) -> Iterator[Parsed]:
    """Parse every file; unreadable or non-report files give a :class:`Parsed` with an error."""
    for path in iter_files(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Parsed(path, error=f"cannot read: {exc.strerror or exc}", reason="unreadable")
            continue
        try:
            yield Parsed(path, report=parsers.parse(data, source=str(path)))
        except ParseError as exc:
            yield Parsed(path, error=str(exc), reason=exc.reason)
