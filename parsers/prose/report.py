"""How often each count is found across a folder of reports (and whether it is right).

``python -m parsers.prose --report DIR`` reads every document under ``DIR`` (text, markdown,
HTML, PDF with a text layer), keeps those :func:`is_pre2019` accepts, extracts their counts,
and prints, for each key, the share of those reports where it was found. When ``DIR`` holds
``expected/*.json`` records with a ``prose`` object (the project's corpus layout, matched through
``cases.tsv`` or by file name), each report is also compared with its expected counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from parsers.prose.crosswalk import CROSSWALK
from parsers.prose.detect import is_pre2019
from parsers.prose.extract import ProseResult, extract_prose

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml"}


@dataclass
class DocumentResult:
    path: str
    pre2019: bool
    result: ProseResult | None = None
    expected: dict | None = None
    error: str | None = None

    @property
    def matches(self) -> bool | None:
        if self.expected is None or self.result is None:
            return None
        return self.result.values == self.expected


@dataclass
class CorpusReport:
    documents: list[DocumentResult] = field(default_factory=list)

    @property
    def pre2019(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.pre2019 and d.result is not None]

    def found(self, key: str) -> int:
        return sum(1 for d in self.pre2019 if d.result is not None and key in d.result.values)

    def to_dict(self) -> dict:
        pre = self.pre2019
        return {
            "documents": len(self.documents),
            "pre2019": len(pre),
            "found": {k: self.found(k) for k in CROSSWALK},
            "share": {k: (self.found(k) / len(pre) if pre else None) for k in CROSSWALK},
            "compared": sum(1 for d in pre if d.matches is not None),
            "exact": sum(1 for d in pre if d.matches),
            "mismatches": [
                {"path": d.path, "expected": d.expected, "got": d.result and d.result.values}
                for d in pre
                if d.matches is False
            ],
            "errors": [{"path": d.path, "error": d.error} for d in self.documents if d.error],
        }

    def render(self) -> str:
        data = self.to_dict()
        lines = [
            f"documents read: {data['documents']}; pre-2019 reports: {data['pre2019']}",
            "",
            f"{'count':<24}{'found':>8}{'share':>9}",
        ]
        for key in CROSSWALK:
            share = data["share"][key]
            shown = "-" if share is None else f"{share:.0%}"
            lines.append(f"{key:<24}{data['found'][key]:>8}{shown:>9}")
        if data["compared"]:
            lines.append("")
            lines.append(
                f"expected counts reproduced exactly: {data['exact']}/{data['compared']} reports"
            )
            for miss in data["mismatches"]:
                lines.append(f"  {miss['path']}: expected {miss['expected']}, got {miss['got']}")
        for err in data["errors"]:
            lines.append(f"  could not read {err['path']}: {err['error']}")
        return "\n".join(lines)


def read_text(path: Path) -> str:
    """The readable text of one document (text, markdown, HTML, PDF text layer)."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in HTML_SUFFIXES:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(data.decode("utf-8", errors="replace"))
        root = tree.body or tree.root
        return root.text(separator="\n") if root is not None else ""
    if suffix == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(data)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in pdf)
        finally:
            pdf.close()
    return data.decode("utf-8", errors="replace")


def _expected_records(folder: Path) -> dict[str, dict]:
    """Document path (relative to ``folder``) → expected ``prose`` object."""
    out: dict[str, dict] = {}
    cases = folder / "cases.tsv"
    pairs: list[tuple[str, str]] = []
    if cases.is_file():
        for line in cases.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                pairs.append((parts[0], parts[1]))
    elif (folder / "expected").is_dir():
        for expected in (folder / "expected").glob("*.json"):
            for document in (folder / "docs").glob(expected.stem + ".*"):
                pairs.append((str(document.relative_to(folder)), str(expected.relative_to(folder))))
    for doc, exp in pairs:
        try:
            record = json.loads((folder / exp).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record.get("prose"), dict):
            out[doc] = record["prose"]
    return out


def corpus_report(folder: str | Path) -> CorpusReport:
    """Read every document under ``folder`` and measure the counts found."""
    folder = Path(folder)
    expected = _expected_records(folder)
    root = folder / "docs" if (folder / "docs").is_dir() else folder
    report = CorpusReport()
    suffixes = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf"}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in suffixes):
        rel = str(path.relative_to(folder))
        try:
            text = read_text(path)
        except Exception as exc:  # one unreadable file must not stop the measurement
            report.documents.append(DocumentResult(rel, False, error=str(exc)))
            continue
        pre = is_pre2019(text)
        doc = DocumentResult(rel, pre, expected=expected.get(rel))
        if pre:
            doc.result = extract_prose(text)
        report.documents.append(doc)
    return report
