"""PDF speed: pages/s of the PDF cell source and of the whole parse, against a floor.

The floor is what reading a PDF's text costs at least: PDFium (``pypdfium2``) opens the file,
loads every page and gives every character with its box. The PDF source does that too, then
reads the drawn paths, finds ruled tables, joins them across pages, reads unruled ones and
reflows the text; the ratio says what that adds (goal: at most 2.5). Inputs: the corpus PDFs
(when the shared corpus is present) and generated reports in every PDF style (ruled,
WPS-like, unruled).

    python -m bench.pdf [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c

import parsers
from bench.timing import interleaved
from parsers.cells.pdf import pdf_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "docs"


def floor(data: bytes) -> None:
    """Open the PDF and read every page's characters with their boxes, through PDFium."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        box = pdfium_c.FS_RECTF()
        for page in pdf:
            text = page.get_textpage()
            raw = text.raw
            for i in range(pdfium_c.FPDFText_CountChars(raw)):
                pdfium_c.FPDFText_GetUnicode(raw, i)
                pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
            text.close()
            page.close()
    finally:
        pdf.close()


def pages(data: bytes) -> int:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def inputs() -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    if CORPUS.exists():
        out.extend((p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.pdf")))
    try:
        from fixtures.attachments.pdf_render import PDF_STYLES, render_pdf
        from fixtures.reportgen import random_record
    except ImportError:  # reportlab is a dev dependency
        return out
    rng = random.Random(20240226)
    for style in PDF_STYLES:
        record = random_record(rng, rng.choice(["2019", "2021"]), blank_rate=0.05)
        out.append((f"generated-{style}.pdf", render_pdf(record, style)))
    return out


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--rounds", type=int, default=5)
    opts = args.parse_args(argv)
    rows = []
    total_pages = 0
    sums = [0.0, 0.0, 0.0]  # source, parse, floor (seconds for one pass over all inputs)
    for name, data in inputs():
        n = pages(data)
        source, base = interleaved(
            lambda d=data: pdf_document(d), lambda d=data: floor(d), rounds=opts.rounds, number=3
        )
        whole, _ = interleaved(
            lambda d=data: parsers.parse(d), lambda d=data: floor(d), rounds=opts.rounds, number=3
        )
        rows.append((name, n, n / source, n / whole, n / base, source / base, whole / base))
        total_pages += n
        for i, v in enumerate((source, whole, base)):
            sums[i] += v
    if not rows:
        print("no inputs (corpus absent and reportlab not installed)", file=sys.stderr)
        return 1
    width = max(len(r[0]) for r in rows)
    print(f"{'input':<{width}}  pages  source p/s  parse p/s  floor p/s  source/floor  parse/floor")
    for name, n, sp, pp, fp, sr, pr in rows:
        print(f"{name:<{width}}  {n:5d}  {sp:10.1f}  {pp:9.1f}  {fp:9.1f}  {sr:12.2f}  {pr:11.2f}")
    source, whole, base = sums
    print(
        f"overall: {total_pages} pages; PDF source {total_pages / source:.1f} pages/s "
        f"({1000 * source / total_pages:.1f} ms/page), whole parse {total_pages / whole:.1f} pages/s, "
        f"floor (PDFium text and boxes) {total_pages / base:.1f} pages/s; "
        f"ratio source/floor {source / base:.2f}, parse/floor {whole / base:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
