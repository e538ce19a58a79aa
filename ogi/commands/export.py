"""`ogi export`: build the datasets (reports, cells, panel, codebook) and write them.

A thin wrapper over :func:`output.export.export`; see that function for the library use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ogi.cli import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, app
from output.export import DEFAULT_FORMATS, export, parse_formats
from output.inputs import ReportInput
from output.store import load_records


@app.command("export")
def export_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="With --from-files: report files or folders to parse."),
    ] = None,
    data: Annotated[
        Path, typer.Option("--data", help="Data folder (records*.sqlite) or a record file.")
    ] = Path("data"),
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder [default: DATA/datasets].")
    ] = None,
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: csv,parquet,xlsx,sqlite.")
    ] = ",".join(DEFAULT_FORMATS),
    from_files: Annotated[
        bool, typer.Option("--from-files", help="Parse the PATHs instead of reading --data.")
    ] = False,
    partition_by_year: Annotated[
        bool, typer.Option("--partition-by-year", help="Parquet: one folder per year (Hive).")
    ] = False,
) -> None:
    """Write the datasets; files whose content did not change are left untouched."""
    console = Console(highlight=False, soft_wrap=True)
    try:
        chosen = parse_formats(formats)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    failed = 0
    corrections = None
    if from_files:
        if not paths:
            typer.echo("error: --from-files needs at least one file or folder", err=True)
            raise typer.Exit(EXIT_USAGE)
        records, failed = _parse(paths)
        out = out or data / "datasets"
    else:
        if paths:
            typer.echo("error: file arguments need --from-files", err=True)
            raise typer.Exit(EXIT_USAGE)
        try:
            records = list(load_records(data))
        except (FileNotFoundError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_NOTHING_DONE) from None
        out = out or (data if data.is_dir() else data.parent) / "datasets"
        corrections = data if data.is_dir() else None  # DATA/corrections.csv
    if not records:
        typer.echo("error: no records to export", err=True)
        raise typer.Exit(EXIT_NOTHING_DONE)
    with console.status("exporting…") as status:
        result = export(
            records,
            out,
            chosen,
            partition_by_year=partition_by_year,
            keep_datasets=False,
            on_stage=lambda text: status.update(f"{text}…"),
            corrections=corrections,
        )
    console.print(_summary(result))
    for note in result.notes:
        console.print(f"[yellow]note[/yellow]: {note}")
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _parse(paths: list[Path]) -> tuple[list[ReportInput], int]:
    from ogi.documents import parse_files

    records, failed = [], 0
    for outcome in parse_files(paths):
        if outcome.ok:
            records.append(ReportInput(outcome.report))
        else:
            failed += 1
            typer.echo(f"{outcome.path}: error: {outcome.error}", err=True)
    return records, failed


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
