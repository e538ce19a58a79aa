"""A UTF-8 page read as bytes (which the HTML parser reads without a copy) gives exactly what
its decoded text gives."""

from __future__ import annotations

import random

from fixtures.reportgen import HTML_STYLES, random_record, render_html
from parsers.cells.html import html_document


def test_a_page_read_as_bytes_equals_the_page_read_as_text():
    rng = random.Random(11)
    for template in ("2019", "2021"):
        record = random_record(rng, template, blank_rate=0.1)
        for style in HTML_STYLES:
            page = render_html(record, style, rng=random.Random(5))
            from_text, from_bytes = html_document(page), html_document(page.encode())
            assert from_bytes.cells == from_text.cells
            assert from_bytes.text == from_text.text
            assert (from_bytes.title, from_bytes.meta, from_bytes.warnings) == (
                from_text.title,
                from_text.meta,
                from_text.warnings,
            )
