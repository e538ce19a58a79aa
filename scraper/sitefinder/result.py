"""What a discovery run found: the columns (grouped into registry entries), the start pages'
outcomes, and the notes a person must read — navigation only JavaScript builds, platforms on
other domains, pages robots.txt forbids, sub-platforms without a column of their own."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ogi_errors import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED


@dataclass
class FoundColumn:
    url: str
    agency: str
    level: str | None
    parent: str | None
    evidence: str
    """``titles``: its list shows annual-report titles; ``label``: empty, but the link to it
    names the annual report."""
    titles: int = 0
    newest: int | None = None
    trail: tuple[str, ...] = ()
    """The labels followed from the start page."""
    start: str = ""
    order: tuple[int, ...] = ()

    def comment(self) -> str:
        via = " › ".join(t for t in self.trail if t)
        if self.evidence == "titles":
            what = f"{self.titles} report title{'s' if self.titles != 1 else ''}"
            what += f", newest {self.newest}" if self.newest else ""
        else:
            what = "empty column, accepted because its label names the annual report"
        return f"{what}{f' (via {via})' if via else ''}"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["level"], out["parent"], out["start"], out["order"]  # said by its entry
        return out | {"trail": list(self.trail)}


@dataclass
class SiteEntry:
    """One ``[[site]]`` of the registry: an agency and its columns."""

    agency: str
    level: str | None
    parent: str | None
    division_code: str | None
    columns: list[FoundColumn]
    id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "id": self.id,
            "level": self.level,
            "parent": self.parent,
            "division_code": self.division_code,
            "columns": [c.as_dict() for c in self.columns],
        }


@dataclass
class Note:
    kind: str
    """needs_js | external | disallowed | failed | blocked | moved | budget | no_column | dead"""
    url: str
    agency: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StartOutcome:
    url: str
    agency: str
    status: str = "nothing"
    """ok (columns found) | nothing (walked, no column) | needs_js | failed | blocked | moved"""
    columns: int = 0
    pages: int = 0
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_NOTE_HEADINGS = {
    "needs_js": "navigation built by JavaScript (find the column in a browser):",
    "external": "on another domain, not followed (start from it to include it):",
    "disallowed": "robots.txt forbids (not fetched):",
    "no_column": "sub-platforms without a report column of their own:",
    "moved": "moved:",
    "blocked": "blocked (anti-bot challenge, not bypassed):",
    "failed": "could not be fetched:",
    "budget": "page budget spent (some links not followed):",
    "dead": "in the registry but dead now:",
}


@dataclass
class DiscoveryResult:
    sites: list[SiteEntry]
    starts: list[StartOutcome]
    notes: list[Note] = field(default_factory=list)
    host_requests: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    """Pages asked for (the page budget counts these; robots.txt files are not pages)."""
    budget: int = 0
    delay: float = 0.0
    seconds: float = 0.0

    @property
    def columns(self) -> list[FoundColumn]:
        return [c for s in self.sites for c in s.columns]

    @property
    def requests(self) -> int:
        return sum(self.host_requests.values())

    @property
    def exit_code(self) -> int:
        """0 every start page led to columns, 1 some did not, 3 none did."""
        if not self.starts:
            return EXIT_NOTHING_DONE
        ok = sum(s.status == "ok" for s in self.starts)
        if ok == 0:
            return EXIT_NOTHING_DONE
        return EXIT_OK if ok == len(self.starts) else EXIT_SOME_FAILED

    def summary(self) -> str:
        cols = self.columns
        agencies = len(self.sites)
        lines = [
            f"discovered {len(cols)} report column{'s' if len(cols) != 1 else ''} of {agencies} "
            f"agenc{'ies' if agencies != 1 else 'y'} from {len(self.starts)} start page"
            f"{'s' if len(self.starts) != 1 else ''} in {self.seconds:.1f}s",
        ]
        busiest = max(self.host_requests.items(), key=lambda kv: kv[1], default=None)
        per = f", {self.requests / len(cols):.1f} requests per column" if cols else ""
        lines.append(
            f"  {self.requests} requests ({self.pages} pages) on {len(self.host_requests)} hosts"
            f"{per}; page budget {self.budget} per host"
            + (f", busiest {busiest[0]} {busiest[1]}" if busiest else "")
            + f"; delay {self.delay:g}s per host"
        )
        levels = Counter(s.level or "unknown" for s in self.sites)
        if levels:
            lines.append("  by level: " + ", ".join(f"{k} {v}" for k, v in levels.most_common()))
        by_label = sum(c.evidence == "label" for c in cols)
        if by_label:
            lines.append(
                f"  {by_label} empty column(s) accepted because their label names the annual report"
            )
        for s in self.starts:
            if s.status != "ok":
                lines.append(
                    f"  start {s.url} ({s.agency}): {s.status}{f' — {s.detail}' if s.detail else ''}"
                )
        for kind, heading in _NOTE_HEADINGS.items():
            notes = [n for n in self.notes if n.kind == kind]
            if not notes:
                continue
            lines.append(heading)
            for n in notes[:30]:
                who = f"{n.agency} " if n.agency else ""
                lines.append(f"  {who}{n.url}{f' — {n.detail}' if n.detail else ''}")
            if len(notes) > 30:
                lines.append(f"  … and {len(notes) - 30} more (see --json)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": len(self.columns),
            "agencies": len(self.sites),
            "requests": self.requests,
            "pages": self.pages,
            "budget": self.budget,
            "delay": self.delay,
            "seconds": round(self.seconds, 3),
            "host_requests": self.host_requests,
            "sites": [s.as_dict() for s in self.sites],
            "starts": [s.as_dict() for s in self.starts],
            "notes": [n.as_dict() for n in self.notes],
            "exit_code": self.exit_code,
        }
