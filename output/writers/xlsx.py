"""xlsx: one workbook, one sheet per dataset plus the codebook, for people who open Excel.

- Identifier columns (the codebook's ``code`` type: report ids, division codes, hashes) are
  written as text cells, in columns formatted ``@``; a value that Excel would read as a number
  or a date (``220581108000``, ``2024-01-17``) carries the ``@`` format itself, so Excel never
  turns it into ``2.20581E+11`` or drops a leading zero, even after an edit.
- The header row is bold and frozen, with an autofilter; numbers are numbers, nulls are empty.
- Text that would start a formula (``=…``) is stored as text, never evaluated; characters XML
  cannot hold are dropped; text beyond Excel's 32,767-character cell limit is cut with a mark.
- A sheet holds at most 1,048,575 data rows. ``panel`` and ``reports`` continue on numbered
  sheets (``panel (2)``); the long ``cells`` table is left out of the workbook when it does not
  fit one sheet (its sheet then says where to find it) — use CSV, Parquet or SQLite for it.
- The file is deterministic: fixed document dates and zip timestamps, so an unchanged export
  produces the same bytes and is not rewritten.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pyarrow as pa
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from output.columns import BOOLEAN, CODE, DATE, DATETIME, INTEGER, NUMBER, Column
from output.dataset import Dataset, Datasets
from output.writers.arrow import as_table, select, values
from output.writers.atomic import TEMP_PREFIX, Staging
from output.writers.base import Sink, feed
from output.writers.xlsx_rows import rows_xml

FILE_NAME = "datasets.xlsx"
MAX_ROWS = 1_048_575  # data rows per sheet (Excel's limit minus the header)
MAX_TEXT = 32_767
SHEET_ORDER = ("panel", "reports", "cells", "codebook")
LONG_DATASETS = ("cells",)  # left out (with a note) rather than split across sheets
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_TRUNCATED = "…[truncated]"
_TEXT_KINDS = (CODE, DATE, DATETIME)
# Text Excel would read as a number, a date or a time if it were typed in.
_NUMBER_LIKE = re.compile(r"^[\s+\-]*[\d.,:/\-TtEe+\s]*\d[\d.,:/\-TtEe+\s]*$")


class XlsxSink(Sink):
    """Sheets are created as their dataset arrives and put in :data:`SHEET_ORDER` at the end.

    openpyxl writes each sheet's frame (columns, frozen header, autofilter) and its header
    row; the data rows, millions of cells, are written here as the XML openpyxl's write-only
    writer would produce (:mod:`output.writers.xlsx_rows`), to a file per sheet that :func:`normalize`
    splices into the sheet — the same bytes, several times faster.
    """

    def __init__(
        self,
        out_dir: Path,
        staging: Staging,
        *,
        xlsx_max_rows: int = MAX_ROWS,
        scratch: Path | None = None,
        **_options,
    ) -> None:
        super().__init__(out_dir, staging)
        self.max_rows = xlsx_max_rows
        self.target = out_dir / FILE_NAME
        self.workbook = openpyxl.Workbook(write_only=True)
        self.workbook.properties.creator = "ogi"
        self.folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "xlsx-", dir=scratch or out_dir))
        self._rows: dict[int, Path] = {}  # id(sheet) → its data rows
        self._sheet = None
        self._out: BinaryIO | None = None
        self._sheet_rows = 0
        self._number = 0
        self._written = 0
        self._widths: list[list] = []
        self._texts: list = []  # per column: how a text value is written (None: not text)
        self._letters: list[str] = []
        self._left_out = False

    def begin(self, dataset: Dataset) -> None:
        super().begin(dataset)
        self._left_out = _left_out(dataset, self.max_rows)
        self._sheet, self._number, self._written, self._sheet_rows = None, 0, 0, 0
        self._widths = [[] for _ in dataset.columns]
        self._pending: list[pa.Table] = []
        if self._left_out:
            _note_sheet(self.workbook, dataset)

    def wants_rows(self, dataset: Dataset) -> bool:
        return not _left_out(dataset, self.max_rows)

    def write(self, chunk) -> None:
        if self._left_out or not len(chunk):
            return
        table = as_table(chunk, self.current)
        if self._sheet is None:  # the first rows set the column widths: collect them first
            self._pending.append(table)
            if sum(t.num_rows for t in self._pending) < _SAMPLE:
                return
            self._flush_pending()
        else:
            self._append(table)

    def _flush_pending(self) -> None:
        """The rows held back for the column widths: their first rows sampled, then written."""
        if not self._pending:
            return
        columns = list(self.current.columns)
        table = pa.concat_tables([select(t, columns) for t in self._pending])
        self._pending = []
        head = table.slice(0, _SAMPLE)
        for sample, column in zip(self._widths, columns, strict=True):
            sample.extend(values(head.column(column.name)))
        self._append(table)

    def _append(self, table: pa.Table) -> None:
        """Rows written as sheet XML (:mod:`output.writers.xlsx_rows`), continuing on a new
        sheet when one is full."""
        start = 0
        while start < table.num_rows:
            if self._sheet is None or self._sheet_rows >= self.max_rows:
                self._new_sheet()
            part = table.slice(start, self.max_rows - self._sheet_rows)
            assert self._out is not None  # opened by _new_sheet
            first = self._sheet_rows + 2  # the header is row 1
            columns = list(self.current.columns)
            for xml in rows_xml(part, columns, self._letters, self._texts, first):
                self._out.write(xml)
            self._sheet_rows += part.num_rows
            self._written += part.num_rows
            start += part.num_rows

    def _new_sheet(self) -> None:
        self._close_rows()
        dataset = self.current
        self._number += 1
        title = dataset.name if self._number == 1 else f"{dataset.name} ({self._number})"
        sheet = self.workbook.create_sheet(title)
        n_rows = min(self.max_rows, len(dataset) - self._written)
        _prepare(sheet, dataset.columns, self._widths, n_rows)
        sheet.append([_header(sheet, c) for c in dataset.columns])
        self._texts = [_text_tail(c, _pinned_style(sheet)) for c in dataset.columns]
        self._letters = [get_column_letter(i) for i in range(1, len(dataset.columns) + 1)]
        path = self.folder / f"rows-{len(self._rows)}.xml"
        self._rows[id(sheet)] = path
        self._out = path.open("wb")
        self._sheet, self._sheet_rows = sheet, 0

    def _close_rows(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def end(self) -> None:
        if not self._left_out:
            self._flush_pending()
            if self._sheet is None:  # no rows: the header alone
                self._new_sheet()
            self._close_rows()
            if self._written != len(self.current):
                raise RuntimeError(
                    f"xlsx: {self.current.name} announced {len(self.current)} rows, "
                    f"got {self._written}"
                )
        super().end()

    def close(self) -> None:
        self._close_rows()
        self.workbook._sheets.sort(key=lambda sheet: _order(_dataset_of(sheet.title)))
        temp = self.staging.temp_for(self.target, format="xlsx", dataset="all")
        try:
            self.workbook.save(temp)
            rows = {
                sheet.path.lstrip("/"): self._rows[id(sheet)]
                for sheet in self.workbook.worksheets
                if id(sheet) in self._rows
            }
            normalize(temp, rows)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def abort(self) -> None:
        self._close_rows()
        shutil.rmtree(self.folder, ignore_errors=True)


_SAMPLE = 200  # rows whose text sets the column widths


def _dataset_of(title: str) -> str:
    return title.split(" (", 1)[0]


def write(
    datasets: Datasets,
    out_dir: Path,
    staging: Staging,
    *,
    xlsx_max_rows: int = MAX_ROWS,
    **_options,
) -> None:
    feed(XlsxSink(out_dir, staging, xlsx_max_rows=xlsx_max_rows), datasets)


def notes(datasets: Datasets, *, xlsx_max_rows: int = MAX_ROWS, **_options) -> list[str]:
    """What the workbook leaves out, for the export's notes."""
    return [
        f"xlsx: {d.name} has {len(d):,} rows, more than one sheet holds; "
        f"it is in the CSV, Parquet and SQLite outputs"
        for d in datasets
        if _left_out(d, xlsx_max_rows)
    ]


def _left_out(dataset: Dataset, max_rows: int) -> bool:
    return dataset.name in LONG_DATASETS and len(dataset) > max_rows


def _order(name: str) -> tuple[int, str]:
    return (SHEET_ORDER.index(name) if name in SHEET_ORDER else len(SHEET_ORDER), name)


def _prepare(sheet, columns: list[Column], samples: list[list], n_rows: int) -> None:
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{n_rows + 1}"
    for index, (column, column_values) in enumerate(zip(columns, samples, strict=True), start=1):
        sample = [v for v in column_values[:_SAMPLE] if v is not None]
        width = max([len(column.name)] + [_display_width(v) for v in sample])
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = min(max(width + 2, 6), 60)
        if column.kind in _TEXT_KINDS:
            dimension.number_format = "@"


def _display_width(value) -> int:
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text[:60])


def _header(sheet, column: Column):
    cell = WriteOnlyCell(sheet, value=_clean(column.name))
    cell.font = Font(bold=True)
    return cell


def _pinned_style(sheet):
    """The style id of a text cell formatted ``@``, registered when first needed (as openpyxl
    registers a style when the first cell using it is written)."""
    found: list[str] = []

    def style() -> str:
        if not found:
            cell = WriteOnlyCell(sheet, value="0")
            cell.number_format = "@"
            found.append(f' s="{cell.style_id}"')
        return found[0]

    return style


def _text_tail(column: Column, pinned_style):
    """How a text value of ``column`` is written: the rest of the ``<c>`` element (after its
    reference) openpyxl's write-only writer makes of it — text inline, code-like text pinned
    as text with the ``@`` format, text that looks like a formula stored as text, Excel's
    error words as errors. None for numbers and booleans (formatted by Arrow)."""
    if column.kind in (INTEGER, BOOLEAN, NUMBER):
        return None
    text_typed = column.kind in _TEXT_KINDS

    def tail(value) -> str:
        text = _clean(value)
        if text_typed and _NUMBER_LIKE.match(text) is not None:
            return _string_tail(text, pinned_style())
        if text in ERROR_CODES:  # as openpyxl types them (never a formula: see above)
            return f' t="e"><v>{_escape(text)}</v></c>'
        return _string_tail(text, "")

    return tail


def _string_tail(text: str, style: str) -> str:
    if not text:
        return f'{style} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _escape(text: str) -> str:
    """Text as libxml2 writes it (non-ASCII becomes character references when encoded)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _clean(value) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - len(_TRUNCATED)] + _TRUNCATED
    return text


def _note_sheet(workbook, dataset: Dataset) -> None:
    sheet = workbook.create_sheet(dataset.name)
    sheet.append(
        [
            f"{dataset.name}: {len(dataset):,} rows — more than an Excel sheet holds. "
            f"See {dataset.name}.csv, {dataset.name}.parquet or datasets.sqlite."
        ]
    )


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize(path: Path, rows: dict[str, Path] | None = None) -> None:
    """Rewrite the zip with fixed timestamps and document dates, so equal content → equal bytes,
    splicing each sheet's data rows (``rows``: entry name → file) after its header row.

    Entries are copied in pieces (a sheet of a million rows is gigabytes of XML)."""
    rows = rows or {}
    fixed_path = path.with_name(path.name + ".zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fixed_path, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", source.read(info))
                target.writestr(fixed, data)
                continue
            extra = rows.get(info.filename)
            if extra is not None:
                head, tail = source.read(info).split(b"</sheetData>", 1)
                fixed.file_size = len(head) + extra.stat().st_size + len(tail) + 12
                with target.open(fixed, "w") as out, extra.open("rb") as rows_file:
                    out.write(head)
                    shutil.copyfileobj(rows_file, out, _COPY)
                    out.write(b"</sheetData>" + tail)
                continue
            fixed.file_size = info.file_size  # the same ZIP64 decision as writing it whole
            with source.open(info) as reader, target.open(fixed, "w") as out:
                shutil.copyfileobj(reader, out, _COPY)
    os.replace(fixed_path, path)


_COPY = 1 << 20
