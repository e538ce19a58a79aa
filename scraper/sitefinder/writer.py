"""Writing what discovery found as a sites registry (TOML), or adding it to one by hand.

Every entry carries a comment saying why its column was accepted (how many report titles its
list shows and the newest year, or that it is empty but its label names the annual report) and
the labels followed to it. Merging into an existing registry never touches what is there: the
file's text is kept byte for byte and new entries are appended after it, so comments, order,
``enabled = false`` and every other hand edit survive. A column already in the registry (under
any entry) is not added again.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scraper.registry import Registry, parse_registry
from scraper.sitefinder.columns import column_key
from scraper.sitefinder.result import Note, SiteEntry


def _str(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def entry_text(e: SiteEntry) -> str:
    lines = [f"# {e.agency}: {c.comment()}" for c in e.columns]
    lines.append("[[site]]")
    lines.append(f"agency = {_str(e.agency)}")
    if e.id:
        lines.append(f"id = {_str(e.id)}")
    if e.level:
        lines.append(f"level = {_str(e.level)}")
    if e.parent:
        lines.append(f"parent = {_str(e.parent)}")
    if e.division_code:
        lines.append(f"division_code = {_str(e.division_code)}")
    cols = ", ".join(_str(c.url) for c in e.columns)
    lines.append(f"columns = [{cols}]")
    return "\n".join(lines) + "\n"


def notes_text(notes: list[Note]) -> str:
    """The findings a person must act on, as comments at the end of the file."""
    wanted = [n for n in notes if n.kind in ("needs_js", "external", "no_column", "dead")]
    if not wanted:
        return ""
    titles = {
        "needs_js": "navigation built by JavaScript: find the column in a browser and add it",
        "external": "on another domain, not followed: start from it to include it",
        "no_column": "sub-platforms with no report column of their own",
        "dead": "dead columns",
    }
    out = ["", "# -- to look at ------------------------------------------------------------"]
    for kind, title in titles.items():
        group = [n for n in wanted if n.kind == kind]
        if group:
            out.append(f"# {title}:")
            out.extend(f"#   {n.agency + ' ' if n.agency else ''}{n.url}" for n in group)
    return "\n".join(out) + "\n"


def registry_text(
    entries: list[SiteEntry], notes: Sequence[Note] = (), *, starts: int | None = None
) -> str:
    """A complete sites file for ``entries`` (valid for :func:`scraper.registry.load_registry`)."""
    head = [
        f"# Sites registry written by `ogi sites discover` on {date.today().isoformat()}"
        + (f" from {starts} start page{'s' if starts != 1 else ''}." if starts else "."),
        "# Each entry says why its column was accepted. Check them with `ogi sites check`;",
        "# edit freely: a later `ogi sites discover … --merge` keeps hand edits.",
        "",
    ]
    body = "\n".join(entry_text(e) for e in entries)
    return "\n".join(head) + "\n" + body + notes_text(list(notes))


@dataclass
class MergePlan:
    """What a merge adds to an existing registry."""

    added: list[SiteEntry] = field(default_factory=list)
    known: int = 0
    """Columns found again that the registry already lists."""
    text: str = ""
    """The registry's text with the new entries appended."""


def merge_plan(text: str, registry: Registry, entries: list[SiteEntry]) -> MergePlan:
    """The registry ``text`` (already parsed as ``registry``) with the columns of ``entries``
    that it does not list yet appended as new entries (nothing else: a merge that finds
    nothing new leaves the text as it was)."""
    known = {column_key(c) for s in registry.sites for c in s.columns}
    keys = {s.key for s in registry.sites}
    plan = MergePlan()
    for e in entries:
        new = [c for c in e.columns if column_key(c.url) not in known]
        plan.known += len(e.columns) - len(new)
        if not new:
            continue
        entry = SiteEntry(e.agency, e.level, e.parent, e.division_code, new, e.id)
        key = entry.id or entry.agency
        n = 2
        while key in keys:  # the agency is in the registry already, under another column
            key = f"{entry.agency}-{n}"
            n += 1
        if key != entry.agency:
            entry.id = key
        keys.add(key)
        known.update(column_key(c.url) for c in new)
        plan.added.append(entry)
    plan.text = text
    if plan.added:
        block = [
            "",
            f"# -- added by `ogi sites discover --merge` on {date.today().isoformat()} " + "-" * 20,
            "",
        ]
        body = "\n".join(entry_text(e) for e in plan.added)
        plan.text = text.rstrip("\n") + "\n" + "\n".join(block) + body
    parse_registry(plan.text, source="<merged registry>")  # never write a file that cannot load
    return plan


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
