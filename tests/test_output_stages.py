"""Record stages: a change made at export reaches reports, cells and panel alike, adds its cell
columns to the cells dataset and the codebook, and is part of the export's key."""

from __future__ import annotations

import dataclasses
import random

import pandas as pd

from fixtures.townships import generated_inputs
from output.columns import NUMBER, TEXT, Column
from output.export import export
from output.frames import build_datasets
from output.stages import RecordStage
from parsers.model import CellValue

CODE = ("applications", "new", "natural_person")


class Overrule(RecordStage):
    """Sets one cell of one report to a new value, keeping the old one and a note."""

    name = "overrule"
    cell_columns = (
        Column("overruled_value", NUMBER, "原值", "Old value", "The value before the change"),
        Column("overrule_note", TEXT, "说明", "Note"),
    )

    def __init__(self, sha256: str, value: int) -> None:
        self.sha256, self.value = sha256, value

    def fingerprint(self) -> str:
        return f"{self.sha256}={self.value}"

    def apply(self, item):
        if item.report.sha256 != self.sha256:
            return item
        section, row, column = CODE
        report = dataclasses.replace(item.report)
        tables = {
            s: {r: dict(cols) for r, cols in rows.items()} for s, rows in report.tables.items()
        }
        tables[section][row][column] = CellValue(self.value, str(self.value), "corrected")
        report.tables = tables
        return dataclasses.replace(item, report=report)

    def cell_values(self, item, section, row, column, cell):
        if cell.status == "corrected":
            return (None, f"set to {self.value}")
        return (None, None)


def test_a_stage_changes_a_cell_everywhere_and_adds_its_columns(tmp_path):
    records = generated_inputs(random.Random(3), 6)
    target = records[2].report.sha256
    stage = Overrule(target, 987654)
    data = build_datasets(records, stages=[stage])
    cells = data["cells"].frame
    assert list(cells.columns)[-2:] == ["overruled_value", "overrule_note"]
    changed = cells[cells["status"] == "corrected"]
    assert len(changed) == 1 and changed["value"].iloc[0] == 987654
    assert changed["overrule_note"].iloc[0] == "set to 987654"
    assert changed["report_id"].iloc[0] == target[:16]
    panel = data["panel"].frame.set_index("report_id")
    assert panel.loc[target[:16], "__".join(CODE)] == 987654
    codebook = data["codebook"].frame
    assert ((codebook["dataset"] == "cells") & (codebook["column"] == "overrule_note")).any()

    first = export(records, tmp_path, ["csv"], stages=[stage], keep_datasets=False)
    assert first.changed
    again = export(records, tmp_path, ["csv"], stages=[stage], keep_datasets=False)
    assert not again.changed
    other = export(records, tmp_path, ["csv"], stages=[Overrule(target, 5)], keep_datasets=False)
    assert tmp_path / "cells.csv" in other.changed
    written = pd.read_csv(tmp_path / "cells.csv", dtype=str, encoding="utf-8-sig")
    assert written.loc[written["status"] == "corrected", "value"].tolist() == ["5"]
