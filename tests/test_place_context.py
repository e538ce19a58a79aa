"""Context text normalised for place names (places.context): exactly NFKC without whitespace,
on report texts and on random text full of what normalisation changes."""

from __future__ import annotations

import random
import unicodedata

from bench.parse import distinct_inputs
from places.context import context_text


def _reference(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_report_texts_read_as_nfkc_reads_them():
    for _form, data in distinct_inputs(6):
        text = data.decode("utf-8", errors="replace")
        for start in range(0, len(text), 3000):
            assert context_text(text[start : start + 4000]) == _reference(
                text[start : start + 4000]
            )


def test_random_text_of_every_kind_reads_as_nfkc_reads_it():
    rng = random.Random(14)
    pools = [
        [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\u2026", "\xa0", " ", "\n"],
        [chr(c) for c in range(0x0300, 0x0370)],  # combining marks
        [chr(c) for c in range(0x1100, 0x1200)],  # Hangul jamo, which compose
        [chr(c) for c in range(0x3099, 0x309D)] + [chr(c) for c in range(0xFF61, 0xFFA0)],
        [chr(c) for c in range(0x2F00, 0x2FD6)] + [chr(c) for c in range(0xF900, 0xFA6E)],
        [chr(c) for c in range(0x4E00, 0x4E40)] + [chr(c) for c in range(0x9FE0, 0xA000)],
        list("梅河口市进化镇人民政府aAeéü，。（）１２３"),
        [chr(rng.randrange(0x20, 0x30000)) for _ in range(3000)],
    ]
    for _ in range(5000):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(0, 40)))
        assert context_text(text) == _reference(text), [hex(ord(c)) for c in text]
