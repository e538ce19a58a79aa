"""`ogi export`: build the datasets (reports, cells, panel, codebook) and write them.

A thin wrapper over :func:`output.export.export`; see that function for the library use.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ogi.app import app
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from ogi_errors import DataNotFound, FormatError, RecordError
from output.buildinputs import StoredRecords
from output.export import DEFAULT_FORMATS, export, parse_formats, parse_partition


@app.command("export")
def export_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="With --from-files: report files or folders to parse."),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            help="Data folder (records*.sqlite) or a record file; repeat it to merge the data "
            "folders of a harvest run as shards on several machines [default: data].",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder [default: DATA/datasets].")
    ] = None,
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: csv,parquet,xlsx,sqlite.")
    ] = ",".join(DEFAULT_FORMATS),
    from_files: Annotated[
        bool, typer.Option("--from-files", help="Parse the PATHs instead of reading --data.")
    ] = False,
    partition_by: Annotated[
        str | None,
        typer.Option(
            "--partition-by",
            help="Parquet in the Hive layout, one folder level per key: year, province "
            "(e.g. year,province).",
        ),
    ] = None,
    partition_by_year: Annotated[
        bool, typer.Option("--partition-by-year", help="The same as --partition-by year.")
    ] = False,
) -> None:
    """Write the datasets; files whose content did not change are left untouched."""
    console = Console(highlight=False, soft_wrap=True)
    folders = data or [Path("data")]
    try:
        chosen = parse_formats(formats)
        keys = parse_partition(partition_by) or (("year",) if partition_by_year else ())
    except FormatError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    failed = 0
    corrections = None
    spilled = None
    if from_files:
        if not paths:
            typer.echo("error: --from-files needs at least one file or folder", err=True)
            raise typer.Exit(EXIT_USAGE)
        spilled = Path(tempfile.mkdtemp(prefix="ogi-files-"))
        records: StoredRecords | list[Any]
        records, failed = _parse(paths, spilled, console)
        out = out or folders[0] / "datasets"
    else:
        if paths:
            typer.echo("error: file arguments need --from-files", err=True)
            raise typer.Exit(EXIT_USAGE)
        try:
            records = StoredRecords(folders)  # read lazily: nothing per record is held
            bool(records)  # a folder without records fails here
        except (DataNotFound, RecordError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_NOTHING_DONE) from None
        first = folders[0]
        out = out or (first if first.is_dir() else first.parent) / "datasets"
        corrections = first if first.is_dir() else None  # DATA/corrections.csv
    try:
        if not records:
            typer.echo("error: no records to export", err=True)
            raise typer.Exit(EXIT_NOTHING_DONE)
        with console.status("exporting…") as status:
            result = export(
                records,
                out,
                chosen,
                partition_by=keys,
                keep_datasets=False,
                on_stage=lambda text: status.update(f"{text}…"),
                corrections=corrections,
            )
    finally:
        if spilled is not None:
            shutil.rmtree(spilled, ignore_errors=True)
    console.print(_summary(result))
    for note in result.notes:
        console.print(f"[yellow]note[/yellow]: {note}")
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _parse(
    paths: list[Path], folder: Path, console: Console
) -> tuple[StoredRecords | list[Any], int]:
    """Parse the files on every core into a records store in ``folder`` (reports are stored as
    they come, never gathered); its record handles and the number of files that failed."""
    from ogi.documents import spill_files

    def report(outcome) -> None:
        if not outcome.ok:
            typer.echo(f"{outcome.path}: error: {outcome.error}", err=True)

    with console.status("parsing…"):
        stored, failed = spill_files(paths, folder, on_outcome=report)
    return (StoredRecords(folder) if stored else []), failed


def _summary(result) -> Table:
    table = Table(title=f"datasets in {result.out_dir}")
    table.add_column("dataset")
    table.add_column("rows", justify="right")
    for name, rows in result.rows.items():
        table.add_row(name, f"{rows:,}")
    table.caption = f"{len(result.changed)} file(s) written, {len(result.unchanged)} unchanged" + (
        f", {len(result.removed)} removed" if result.removed else ""
    )
    return table
