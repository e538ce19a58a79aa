"""Access to the shared corpus of real reports (read-only; tests skip when it is absent)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(
    os.environ.get("OGI_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)


@dataclass(frozen=True)
class Case:
    document: Path
    expected: dict
    form: str

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def uncertain(self) -> set[str]:
        return set(self.expected.get("_uncertain", []))


def cases(*forms: str) -> list[Case]:
    """Corpus documents with their expected records, optionally only some forms."""
    index = CORPUS / "cases.tsv"
    if not index.exists():
        return []
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        document, expected, form = line.split("\t")[:3]
        if forms and form not in forms:
            continue
        out.append(
            Case(
                CORPUS / document,
                json.loads((CORPUS / expected).read_text(encoding="utf-8")),
                form,
            )
        )
    return out


def cell_differences(expected: dict, actual: dict, uncertain: set[str] = frozenset()) -> list[str]:
    """Every cell where the parsed tables differ from the expected ones.

    A cell listed as uncertain may be null; when it holds a number, that number must be right.
    """
    problems = []
    for section, rows in (expected.get("tables") or {}).items():
        for row, columns in rows.items():
            for column, want in columns.items():
                path = f"{section}.{row}.{column}"
                got = (((actual.get("tables") or {}).get(section) or {}).get(row) or {}).get(
                    column, "absent"
                )
                if got == want:
                    continue
                if path in uncertain and got is None:
                    continue
                problems.append(f"{path}: expected {want!r}, got {got!r}")
    for section in actual.get("tables") or {}:
        if section not in (expected.get("tables") or {}):
            problems.append(f"{section}: not expected in this record")
    return problems


def cell_count(expected: dict) -> int:
    return sum(
        len(cols) for rows in (expected.get("tables") or {}).values() for cols in rows.values()
    )
