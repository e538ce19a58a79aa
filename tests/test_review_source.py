"""The archived source as the review app shows it: PDF pages rendered through PDFium under the
parser's lock (PDFium is not thread-safe, and the app serves requests on several threads)."""

from __future__ import annotations

import random
import threading

import pytest

from parsers.cells.pdfium import PDFIUM_LOCK
from review.source import pdf_page_png, pdf_pages


@pytest.fixture(scope="module")
def pdf() -> bytes:
    from fixtures.attachments.pdf_render import render_pdf
    from fixtures.reportgen import random_record

    return render_pdf(random_record(random.Random(3), "2021"), "ruled")


def test_pdf_pages_wait_for_the_parsers_pdfium_lock(pdf):
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append((pdf_pages(pdf), pdf_page_png(pdf, 1))))
    with PDFIUM_LOCK:  # a parse holds PDFium in this thread
        worker.start()
        worker.join(timeout=0.3)
        assert worker.is_alive() and done == []  # the page waits for it
    worker.join(timeout=20)
    pages, png = done[0]
    assert pages >= 2 and png.startswith(b"\x89PNG")
    with pytest.raises(IndexError):
        pdf_page_png(pdf, pages + 1)
