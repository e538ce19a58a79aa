"""Output: records → pandas frames (reports, cells, panel, codebook) → dataset files.

The public surface::

    from output import build_datasets, export, compare, load_records, RecordStore, ReportInput

    data = build_datasets(records)          # frames, for a notebook: data["panel"].frame
    export(records_or_data_dir, "out/", formats=("csv", "parquet", "xlsx", "sqlite"))
    compare(records_or_data_dir, "梅河口市", 2023, ["requests_received", "grant_rate"]).write("r.html")

Records are ``parsers.Report`` objects, ``ReportInput`` (a report with its provenance: URL,
fetch time, WARC record id, registry agency/level/code), contract dicts, or
``(report, provenance_dict)`` pairs. ``INDICATORS`` lists the derived indicators with their
formulas; ``output.store`` documents the parse results store the harvest writes.

Exports stream (``output.build``): memory grows by a few hundred bytes per report, never with
the cells, so the nightly job exports every record ever harvested. ``build_datasets`` gathers
whole frames (ask for ``datasets=["panel"]`` to hold one row per agency-year only).
"""

from output.compare import Comparison, RegionError, compare
from output.dataset import Dataset, Datasets
from output.export import DEFAULT_FORMATS, ExportResult, export
from output.frames import DATASETS, build_datasets
from output.indicators import INDICATORS, Indicator, indicator
from output.inputs import ReportInput, as_input
from output.store import RecordStore, StoredInput, decode_report, encode_report, load_records

__all__ = [
    "DATASETS",
    "DEFAULT_FORMATS",
    "INDICATORS",
    "Comparison",
    "Dataset",
    "Datasets",
    "ExportResult",
    "Indicator",
    "RecordStore",
    "RegionError",
    "ReportInput",
    "StoredInput",
    "as_input",
    "build_datasets",
    "compare",
    "decode_report",
    "encode_report",
    "export",
    "indicator",
    "load_records",
]
