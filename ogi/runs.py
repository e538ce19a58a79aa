"""The account a harvest leaves behind: one JSON run report per run under ``data/runs/``.

A cron job has no one watching, so each run writes what it did and what failed — when it
started and ended, sites crawled and failed (with the kinds of failure), documents new /
changed / unchanged / gone and how parsing went, records added, failed arithmetic checks,
warnings by kind, and whether the datasets were rewritten. The file is written when the run
starts and again at each stage, so a run killed at any point still leaves a report saying where
it stopped (``status: running`` with a dead holder is shown as *interrupted* by ``ogi status``).

Writes are atomic (temp file + rename). :func:`summary` is the one-screen text the command
prints; ``ogi status`` reads the reports back with :func:`load_runs`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ogi.reparse import summary_lines

RUNS_DIR = "runs"

RUNNING = "running"
OK = "ok"
SOME_FAILED = "some_failed"
NOTHING_DONE = "nothing_done"
INTERRUPTED = "interrupted"

STATUS_TEXT = {
    RUNNING: "running",
    OK: "ok",
    SOME_FAILED: "some sites or documents failed",
    NOTHING_DONE: "nothing could be done",
    INTERRUPTED: "interrupted (killed or crashed)",
}


@dataclass
class RunReport:
    """What one harvest did. Plain data: :meth:`to_dict` is the JSON file."""

    id: str
    started_at: str
    kind: str = "harvest"
    status: str = RUNNING
    exit_code: int | None = None
    phase: str = "start"
    """The stage it is in (or stopped in): start, crawl, parse, export, done."""
    finished_at: str | None = None
    seconds: float | None = None
    pid: int | None = None
    host: str | None = None
    version: str | None = None
    shard: str | None = None
    sites_file: str | None = None
    data_dir: str | None = None
    sites: dict[str, Any] = field(
        default_factory=lambda: {"total": 0, "ok": 0, "failed": 0, "failed_sites": []}
    )
    crawl: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, int] = field(
        default_factory=lambda: {
            "new": 0,
            "changed": 0,
            "unchanged": 0,
            "gone": 0,
            "moved": 0,
            "parsed": 0,
            "not_reports": 0,
            "failed": 0,
            "retry": 0,
        }
    )
    records_added: int = 0
    failed_checks: dict[str, Any] = field(default_factory=lambda: {"reports": 0, "by_rule": {}})
    warnings: dict[str, Any] = field(default_factory=lambda: {"total": 0, "by_kind": {}})
    parse: dict[str, Any] = field(default_factory=dict)
    export: dict[str, Any] = field(default_factory=lambda: {"ran": False})
    errors: list[str] = field(default_factory=list)
    path: Path | None = field(default=None, repr=False, compare=False)

    # -- building ----------------------------------------------------------------------------

    def add_warnings(self, warnings: list[str]) -> None:
        by_kind = Counter(self.warnings.get("by_kind") or {})
        for text in warnings:
            by_kind[warning_kind(text)] += 1
        self.warnings = {"total": sum(by_kind.values()), "by_kind": dict(by_kind.most_common())}

    def add_failed_checks(self, rules: list[str]) -> None:
        if not rules:
            return
        by_rule = Counter(self.failed_checks.get("by_rule") or {})
        by_rule.update(rules)
        self.failed_checks = {
            "reports": int(self.failed_checks.get("reports", 0)) + 1,
            "by_rule": dict(by_rule.most_common()),
        }

    # -- files -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("path", None)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> RunReport:
        known = {f for f in cls.__dataclass_fields__ if f != "path"}
        values = {k: v for k, v in data.items() if k in known}
        report = cls(**{"id": "?", "started_at": "", **values})
        report.path = path
        return report

    def write(self, runs_dir: str | os.PathLike | None = None) -> Path:
        """Write (or rewrite) the report atomically; returns its path."""
        if self.path is None:
            if runs_dir is None:
                raise ValueError("a new run report needs the runs folder")
            self.path = Path(runs_dir) / f"{self.id}.json"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".run-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.to_dict(), handle, ensure_ascii=False, indent=2)
                handle.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return self.path


def runs_dir(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / RUNS_DIR


def new_run_id(runs: Path, started: datetime, shard: str | None = None) -> str:
    """``20240401T020000Z`` (+ ``-shard-1-of-4``), made unique within the folder."""
    base = started.strftime("%Y%m%dT%H%M%SZ") + (f"-shard-{shard}" if shard else "")
    candidate, n = base, 1
    while (runs / f"{candidate}.json").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def load_runs(data_dir: str | os.PathLike, limit: int | None = None) -> list[RunReport]:
    """Run reports of a data folder, oldest first (the last ``limit`` if given)."""
    folder = runs_dir(data_dir)
    reports = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("kind", "harvest") == "harvest":
            reports.append(RunReport.from_dict(data, path))
    reports.sort(key=lambda r: (r.started_at, r.id))
    return reports[-limit:] if limit else reports


# -- warnings by kind ---------------------------------------------------------------------------

# A number, except a template's name ("the 2019 national format" is a kind, not a value).
_NUMBER = re.compile(r"(?<!\d)\d+(?:[.,:/-]\d+)*(?![\d.,:/-]|\s(?:national format|template))")
_LOCATION = re.compile(r"table [一二三四五六七八九十]+|appendix|pdf|docx|html|prose", re.I)


def warning_kind(text: str) -> str:
    """Group a parser warning with others of its kind: numbers, codes and quoted names out.

    ``"table 三: rows not found: granted, partial"`` → ``"table 三: rows not found"``;
    ``"PDF page 3 unreadable: ValueError: …"`` → ``"PDF page # unreadable"``.
    """
    t = " ".join(text.split())
    t = re.sub(r"[「『“\"'《].*?[」』”\"'》]", "…", t)
    t = re.sub(r"\b[a-z]+(?:_{1,2}[a-z0-9]+)+\b", "<code>", t)
    t = _NUMBER.sub("#", t)
    t = re.split(r"[;；(（]", t, maxsplit=1)[0].strip()
    parts = [p.strip() for p in t.split(":")]
    if len(parts) > 1:
        keep = 2 if _LOCATION.fullmatch(parts[0]) else 1
        t = ": ".join(p for p in parts[:keep] if p)
    return t[:80] or "other"


# -- the one-screen summary -----------------------------------------------------------------------


def summary(report: RunReport, *, max_sites: int = 10) -> str:
    """The text a run prints on stdout: fits one screen whatever the size of the registry."""
    d = report.documents
    head = f"harvest {report.id}" + (f" (shard {report.shard})" if report.shard else "")
    took = f" in {report.seconds:.1f}s" if report.seconds is not None else ""
    code = f", exit {report.exit_code}" if report.exit_code is not None else ""
    lines = [f"{head}: {STATUS_TEXT.get(report.status, report.status)}{code}{took}"]
    s = report.sites
    lines.append(
        f"  sites      {s.get('total', 0)} crawled: {s.get('ok', 0)} ok, {s.get('failed', 0)} failed"
    )
    lines.append(
        f"  documents  {d.get('new', 0)} new, {d.get('changed', 0)} changed, "
        f"{d.get('unchanged', 0)} unchanged, {d.get('gone', 0)} gone, {d.get('moved', 0)} moved"
    )
    lines.append(
        f"  parsed     {d.get('parsed', 0)} reports ({report.records_added} records added), "
        f"{d.get('not_reports', 0)} not reports, {d.get('failed', 0)} unreadable, "
        f"{d.get('retry', 0)} to retry"
    )
    bad = report.crawl.get("bad_links") or 0
    if bad:
        lines.append(
            f"  bad links  {bad} malformed link(s) left out, each costing only itself "
            "(with their pages in the crawl state; examples in the run report)"
        )
    lines += summary_lines(report.parse)
    fc = report.failed_checks
    if fc.get("reports"):
        rules = ", ".join(f"{k} {v}" for k, v in list(fc.get("by_rule", {}).items())[:4])
        lines.append(f"  checks     {fc['reports']} new report(s) with failed checks ({rules})")
    w = report.warnings
    if w.get("total"):
        kinds = ", ".join(f"{k} {v}" for k, v in list(w.get("by_kind", {}).items())[:3])
        lines.append(f"  warnings   {w['total']} ({kinds})")
    e = report.export
    if e.get("ran"):
        lines.append(
            f"  datasets   {e.get('out_dir')}: {len(e.get('changed', []))} file(s) written, "
            f"{e.get('unchanged', 0)} unchanged"
        )
    elif e.get("reason"):
        lines.append(f"  datasets   not rewritten: {e['reason']}")
    if e.get("error"):
        lines.append(f"  datasets   FAILED: {e['error']}")
    failed = s.get("failed_sites") or []
    if failed:
        lines.append("  failed sites:")
        for item in failed[:max_sites]:
            kinds = ", ".join(item.get("kinds") or []) or "failed"
            lines.append(f"    {item.get('agency') or item.get('site')}: {kinds}")
        if len(failed) > max_sites:
            lines.append(f"    … and {len(failed) - max_sites} more (see the run report)")
    for error in report.errors[:5]:
        lines.append(f"  error      {error}")
    if report.path is not None:
        lines.append(f"  report     {report.path}")
    return "\n".join(lines)


def print_report(report: RunReport, *, as_json: bool = False) -> None:
    """The run's account on stdout: the one-screen summary, or the JSON run report."""
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(summary(report) + "\n")
    sys.stdout.flush()
