"""Re-issues: which document is the current report of an agency-year, and which are superseded.

An agency-year can reach us as several documents:

- the same report in several forms (the HTML page and its PDF attachment): their numbers agree
  wherever both have one. They form one *version*; its most complete document is the primary,
  the others are marked ``duplicate``;
- a re-issue: a corrected report (更正/修订版 in its title), or the same agency-year fetched
  later with different numbers. Each starts a new version.

Versions are ordered by date (published, else fetched), a correction mark, then quality (fewer
failed checks, more numbers) and fetch time; the last one is ``current`` and the earlier ones
stay in the datasets marked ``superseded`` with a pointer to the current report. Nothing is
dropped: a researcher can always see what the agency first published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from output.entries import Entry

CURRENT = "current"
SUPERSEDED = "superseded"
DUPLICATE = "duplicate"
STATUSES = (CURRENT, SUPERSEDED, DUPLICATE)


Numbers = dict[str, float]


def assign_versions(entries: list[Entry], numbers_of: Callable[[Entry], Numbers]) -> None:
    """Set version, n_versions, status, superseded_by, duplicate_of and changed_cells.

    ``numbers_of(entry)`` gives a document's non-null values by code; it is asked only for the
    documents of agency-years that have more than one (a single document is its own current
    version), and those numbers are dropped once the group is decided.
    """
    groups: dict[tuple[str, int | None], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.agency_id, entry.year)].append(entry)
    for docs in groups.values():
        if len(docs) == 1:
            _alone(docs[0])
        else:
            _version_group(docs, {id(doc): numbers_of(doc) for doc in docs})


def _alone(entry: Entry) -> None:
    entry.version = entry.n_versions = 1
    entry.status = CURRENT
    entry.superseded_by = entry.duplicate_of = entry.changed_cells = None


def _date(entry: Entry) -> str:
    return entry.published or (entry.fetched_at or "")[:10]


def _chronological(entry: Entry) -> tuple:
    return (_date(entry), entry.correction, entry.fetched_at or "", entry.report_id)


def _quality(entry: Entry) -> tuple:
    """Higher is better: fewer undecided cells (they also hide failed checks), more printed
    numbers, fewer failed checks, fewer warnings."""
    return (-entry.n_uncertain, entry.n_numbers, -len(entry.failed_checks), -entry.n_warnings)


def _consistent(merged: dict[str, float], numbers: dict[str, float]) -> bool:
    small, large = (merged, numbers) if len(merged) < len(numbers) else (numbers, merged)
    return all(large.get(code, value) == value for code, value in small.items())


def _version_group(docs: list[Entry], numbers: dict[int, Numbers]) -> None:
    versions: list[list[Entry]] = []
    merged: list[dict[str, float]] = []
    corrected: list[bool] = []
    for doc in sorted(docs, key=_chronological):
        target = None
        for index in range(len(versions) - 1, -1, -1):
            if doc.correction and not corrected[index]:
                continue
            if _consistent(merged[index], numbers[id(doc)]):
                target = index
                break
        if target is None:
            versions.append([doc])
            merged.append(dict(numbers[id(doc)]))
            corrected.append(doc.correction)
        else:
            versions[target].append(doc)
            merged[target].update(numbers[id(doc)])
            corrected[target] = corrected[target] or doc.correction

    primaries = []
    for members in versions:
        members.sort(key=lambda e: (_quality(e), _neg(e.fetched_at), _neg(e.report_id)))
        primaries.append(members[-1])  # best quality; among equals the first fetched
    order = sorted(
        range(len(versions)),
        key=lambda i: (
            _date(primaries[i]),
            primaries[i].correction or any(e.correction for e in versions[i]),
            _quality(primaries[i]),
            primaries[i].fetched_at or "",
            primaries[i].report_id,
        ),
    )
    current = primaries[order[-1]]
    previous: Entry | None = None
    for number, index in enumerate(order, start=1):
        primary = primaries[index]
        changed = (
            None if previous is None else _differences(numbers[id(previous)], numbers[id(primary)])
        )
        for member in versions[index]:
            member.version = number
            member.n_versions = len(versions)
            member.changed_cells = changed
            member.superseded_by = None if primary is current else current.report_id
            if member is primary:
                member.status = CURRENT if primary is current else SUPERSEDED
                member.duplicate_of = None
            else:
                member.status = DUPLICATE
                member.duplicate_of = primary.report_id
        previous = primary


def _differences(before: dict[str, float], after: dict[str, float]) -> int:
    """How many cells differ between two versions (a value that appears or disappears counts)."""
    return sum(1 for code in before.keys() | after.keys() if before.get(code) != after.get(code))


def _neg(text: str | None) -> tuple:
    """Sort key that puts earlier strings last (so ``max`` picks the earliest)."""
    return tuple(-ord(ch) for ch in (text or "\uffff"))
