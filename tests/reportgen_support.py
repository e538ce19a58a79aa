"""What the tests of the report generator share: records to render, and ways to read printed text
back independently of the generator."""

from __future__ import annotations

import random
import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser

from fixtures.reportgen import labels as L
from fixtures.reportgen import (
    random_record,
)
from fixtures.reportgen.pipe import table_grid
from parsers import schema

TEMPLATES = (schema.TEMPLATE_2019, schema.TEMPLATE_2021)
CONTRACT_KEYS = [
    "source",
    "sha256",
    "agency",
    "year",
    "published",
    "template",
    "tables",
    "checks",
    "warnings",
]


# ---------------------------------------------------------------------------------------------
# helpers: reading printed text back, independently of the generator
# ---------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Label text with the variations seen in the wild folded away (for presence checks)."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    t = t.replace("其它", "其他")
    for q in "“”\"'‘’":
        t = t.replace(q, "")
    t = re.sub(r"部分公开\([^)]*\)", "部分公开", t)
    return t.replace("行政规范性文件", "规范性文件")


def read_value(text: str) -> float | str:
    """A printed cell as a number (units, separators, signs, full width undone) or its raw text."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = t.removesuffix("万元").removesuffix("元").replace(",", "")
    try:
        return float(t)
    except ValueError:
        return text.strip()


def expected_row(record: dict, section: str, row: str) -> list[float | str]:
    """What a row must show after its label: numbers, and dash texts, blank cells left out."""
    out: list[float | str] = []
    values = record["tables"][section][row]
    for column, value in values.items():
        if value is None:
            printed = record["_print"].get(f"{section}.{row}.{column}", "")
            if printed:
                out.append(printed)
        else:
            out.append(float(value))
    return out


def row_labels(record: dict) -> list[tuple[str, str, str]]:
    """(section, row code, the row's own printed label) for every labelled row of the template."""
    template = record["template"]
    out = [(schema.SECTION_PROACTIVE, item.code, item.label) for item in schema.PROACTIVE[template]]
    out += [
        (schema.SECTION_APPLICATIONS, r.code, r.text) for r in L.application_row_labels(template)
    ]
    return out


def html_grids(html: str) -> list[list[list[str]]]:
    """Every table of the page as rows of non-empty cell texts (grid order)."""
    tree = LexborHTMLParser(html)
    grids = []
    for table in tree.css("table"):
        grid = table_grid(table)
        grids.append([[c.text for c in row if c is not None and c.text] for row in grid])
    return grids


def find_row(rows: list[list[str]], label: str) -> list[str] | None:
    """The cells after ``label`` in the first row holding it."""
    want = fold(label)
    for row in rows:
        for i, text in enumerate(row):
            if fold(text) == want:
                return row[i + 1 :]
    return None


def records_for_rendering() -> list[dict]:
    out = []
    for seed in range(6):
        for template in TEMPLATES:
            out.append(
                random_record(
                    random.Random(seed),
                    template,
                    blank_rate=(0.0, 0.15, 0.3)[seed % 3],
                    dash_rate=(0.0, 0.05, 0.1)[seed % 3],
                    big=seed % 2 == 1,
                )
            )
    return out


RECORDS = records_for_rendering()


def record_id(record: dict) -> str:
    return f"{record['template']}-{record['agency']}"
