"""CSV fields formatted by DuckDB are the bytes Python's csv module writes for the same values.

The CSV writer lets DuckDB's COPY format and write the rows (:mod:`output.writers.csv`), with
Python's dialect spelled out in SQL: minimal quoting, numbers in their shortest exact form,
booleans as True/False, nulls as empty fields. The files were written through :mod:`csv`
before, and users diff them across exports, so any value must come out as it did.
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from output.columns import BOOLEAN, CODE, INTEGER, NUMBER, TEXT, Column
from output.dataset import Dataset
from output.writers.arrow import ARROW_TYPES
from output.writers.atomic import Staging
from output.writers.csv import CsvSink
from output.writers.values import format_number

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_VALUES = {
    TEXT: _TEXT | st.sampled_from(["a,b", 'say "hi"', "line\nbreak", "cr\rhere", " ", ""]),
    CODE: _TEXT,
    INTEGER: st.integers(-(2**63), 2**63 - 1),
    NUMBER: st.floats() | st.integers(-(10**17), 10**17).map(float),
    BOOLEAN: st.booleans(),
}
_KINDS = list(_VALUES)


def _python_field(value, column: Column):
    """What the previous writer handed to :mod:`csv` for one value."""
    if value is None:
        return None
    if column.kind == NUMBER:
        return format_number(value)
    return value


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_csv_fields_are_the_bytes_pythons_csv_writes(tmp_path_factory, data):
    kinds = data.draw(st.lists(st.sampled_from(_KINDS), min_size=2, max_size=4))
    columns = [Column(f"c{i}", kind) for i, kind in enumerate(kinds)]
    n = data.draw(st.integers(1, 6))
    rows = [[data.draw(st.none() | _VALUES[c.kind]) for c in columns] for _ in range(n)]
    folder = tmp_path_factory.mktemp("csv")
    spec = Dataset("t", None, columns, n_rows=n)
    table = pa.table(
        {
            c.name: pa.array([row[i] for row in rows], type=ARROW_TYPES[c.kind])
            for i, c in enumerate(columns)
        }
    )
    staging = Staging()
    sink = CsvSink(folder, staging)
    sink.begin(spec)
    sink.write(table)
    sink.end()
    staging.commit()
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(
        [[_python_field(v, c) for v, c in zip(row, columns, strict=True)] for row in rows]
    )
    got = (folder / "t.csv").read_bytes()
    assert got == ("\ufeff" + expected.getvalue()).encode("utf-8"), rows
