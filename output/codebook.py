"""The ``codebook`` dataset: every column of every dataset, described from its column spec.

Generated from the same :class:`~output.columns.Column` objects the writers use, so it always
matches the files exactly (including an integer column that had to hold fractions). Labels of
table cells come from ``parsers.schema``; formulas of derived columns from
``output.indicators``. The codebook describes itself too, so it can travel alone.
"""

from __future__ import annotations

from output.columns import CODE, INTEGER, TEXT, Column, typed_frame
from output.dataset import Dataset

COLUMNS = [
    Column("dataset", CODE, "数据集", "Dataset", "reports / cells / panel / codebook"),
    Column("column", CODE, "列名", "Column", "Column name in the dataset"),
    Column("position", INTEGER, "位置", "Position", "1-based position of the column"),
    Column("type", CODE, "类型", "Type",
           "text / code (identifier: keep as text) / integer / number / boolean / date / datetime"),
    Column("label_zh", TEXT, "中文标签", "Chinese label", "Official label for table cells"),
    Column("label_en", TEXT, "英文标签", "English label"),
    Column("templates", CODE, "适用格式", "Templates",
           "Report formats in which the column can be filled (2019, 2021, pre2019, all)"),
    Column("formula", TEXT, "计算公式", "Formula", "For derived columns"),
    Column("description", TEXT, "说明", "Description"),
    Column("section", CODE, "部分", "Section", "For table cells: the code triple"),
    Column("row", CODE, "行", "Row"),
    Column("col", CODE, "列", "Column code"),
]  # fmt: skip


def codebook_dataset(datasets: list[Dataset]) -> Dataset:
    rows: dict[str, list] = {c.name: [] for c in COLUMNS}
    described = [(d.name, d.columns) for d in datasets] + [("codebook", COLUMNS)]
    for name, columns in described:
        for position, column in enumerate(columns, start=1):
            values = {
                "dataset": name,
                "column": column.name,
                "position": position,
                "type": column.kind,
                "label_zh": column.label_zh or None,
                "label_en": column.label_en or None,
                "templates": column.templates or None,
                "formula": column.formula or None,
                "description": column.description or None,
                "section": column.section or None,
                "row": column.row or None,
                "col": column.col or None,
            }
            for key, value in values.items():
                rows[key].append(value)
    return Dataset(
        "codebook",
        typed_frame(rows, COLUMNS),
        list(COLUMNS),
        key=("dataset", "column"),
        description="Every column of every dataset: labels, type, templates and formulas.",
    )
