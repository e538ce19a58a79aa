"""Re-parsing the archive after a parser upgrade: touch only what changed, and say what moved.

``ogi harvest --reparse`` parses again every archived document whose record was made by another
parser (its fingerprint, :func:`ogi.book.parser_fingerprint`, differs) — on every core, with the
harvest's process pool — and leaves the records of the current parser alone, so a second
``--reparse`` with the same code parses nothing. Before a re-parsed record replaces the stored
one, the two are compared cell by cell: the run report (and the summary the command prints)
says how many reports changed and how many cells moved, with the reports that moved most.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TOP = 20
"""Reports listed by name in the summary (those whose cells moved most)."""


class StoredRecords:
    """What the records store holds for a document: is it there, and which parser made it.
    (A read connection of its own, beside the harvest's writer.)"""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, timeout=60)
        self.current = 0  # documents skipped because the current parser made their record

    def __call__(self, url: str, sha256: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM records WHERE url=? AND sha256=? LIMIT 1", (url or "", sha256)
        ).fetchone()
        return row is not None

    def parsed_by(self, url: str, sha256: str, parser: str) -> bool:
        """True when the document's record was made by ``parser`` (nothing to re-parse)."""
        row = self.db.execute(
            "SELECT parser FROM records WHERE url=? AND sha256=? LIMIT 1", (url or "", sha256)
        ).fetchone()
        if row is not None and row[0] == parser:
            self.current += 1
            return True
        return False

    def records(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """The stored records (decoded JSON) of ``(url, sha256)`` pairs that have one."""
        out = {}
        for url, sha256 in pairs:
            row = self.db.execute(
                "SELECT record FROM records WHERE url=? AND sha256=?", (url or "", sha256)
            ).fetchone()
            if row is not None:
                out[(url or "", sha256)] = json.loads(row[0])
        return out

    def close(self) -> None:
        self.db.close()


def cell_states(record: dict[str, Any]) -> dict[tuple[str, str, str], tuple]:
    """Every cell of an encoded record (``output.store.encode_report``) as (value, status)."""
    detail = record.get("_cells") or {}
    states: dict[tuple[str, str, str], tuple] = {}
    for section, rows in (record.get("tables") or {}).items():
        for row, columns in rows.items():
            for column, value in columns.items():
                cell = ((detail.get(section) or {}).get(row) or {}).get(column)
                states[(section, row, column)] = (value, cell[1] if cell else None)
    for section, rows in detail.items():
        for row, columns in rows.items():
            for column, (_raw, status, _unit) in columns.items():
                states.setdefault((section, row, column), (None, status))
    return states


def moved_cells(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Cells whose value or status differs between two encodings of the same document (a cell
    only one of them has counts)."""
    old, new = cell_states(before), cell_states(after)
    return sum(1 for key in old.keys() | new.keys() if old.get(key) != new.get(key))


class ReparseTally:
    """What a re-parse changed, gathered as records are replaced."""

    def __init__(self) -> None:
        self.reparsed = 0  # documents whose stored record was made by another parser
        self.changed = 0  # … whose cells now read differently
        self.cells_moved = 0
        self.other_fields = 0  # … whose cells are the same but something else changed
        self.top: list[tuple[int, str]] = []

    def compare(self, stored: StoredRecords, items: list) -> None:
        """Compare the records about to be stored (``ReportInput``) with those they replace."""
        from output.store import encode_report

        old = stored.records((item.url or "", item.sha256 or "") for item in items)
        for item in items:
            before = old.get((item.url or "", item.sha256 or ""))
            if before is None:
                continue
            self.reparsed += 1
            after = json.loads(json.dumps(encode_report(item.report), ensure_ascii=False))
            moved = moved_cells(before, after)
            if moved:
                self.changed += 1
                self.cells_moved += moved
                self.top.append((moved, item.url or ""))
                self.top = sorted(self.top, key=lambda t: (-t[0], t[1]))[:TOP]
            elif before != after:
                self.other_fields += 1

    def to_dict(self, skipped_current: int) -> dict[str, Any]:
        return {
            "reparsed": self.reparsed,
            "reports_changed": self.changed,
            "cells_moved": self.cells_moved,
            "other_fields_changed": self.other_fields,
            "unchanged": self.reparsed - self.changed - self.other_fields,
            "skipped_current": skipped_current,
            "most_moved": [{"url": url, "cells_moved": n} for n, url in self.top],
        }


def summary_lines(parse: dict[str, Any]) -> list[str]:
    """The run summary's lines about a re-parse (none when the run did not re-parse)."""
    tally = parse.get("reparse")
    if not tally:
        return []
    lines = [
        f"  reparse    {tally['reparsed']} record(s) re-parsed, "
        f"{tally['skipped_current']} already by this parser: "
        f"{tally['reports_changed']} report(s) changed ({tally['cells_moved']} cells moved), "
        f"{tally['other_fields_changed']} changed elsewhere, {tally['unchanged']} unchanged"
    ]
    for item in tally.get("most_moved", [])[:5]:
        lines.append(f"    {item['cells_moved']:>5} cells  {item['url']}")
    return lines
