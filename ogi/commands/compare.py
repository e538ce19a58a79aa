"""`ogi compare`: rank the agencies of a region, this year beside last year.

A thin wrapper over :func:`output.compare.compare`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ogi.app import app
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, EXIT_USAGE
from ogi_errors import DataNotFound
from output.compare import DEFAULT_INDICATORS, RegionError, compare
from output.compare_render import rich_table
from output.indicators import INDICATOR_BY_CODE


@app.command("compare")
def compare_command(
    region: Annotated[str, typer.Option("--region", help="County/city name or division code.")],
    year: Annotated[int, typer.Option("--year", help="Report year to rank.")],
    indicators: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            help="Indicator (repeatable; the first ranks): " + ", ".join(INDICATOR_BY_CODE),
        ),
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="Only agencies of this level (e.g. township).")
    ] = None,
    data: Annotated[
        Path, typer.Option("--data", help="Data folder (records*.sqlite) or a record file.")
    ] = Path("data"),
    from_files: Annotated[
        bool, typer.Option("--from-files", help="Parse the PATHs instead of reading --data.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write FILE.xlsx or FILE.html.")
    ] = None,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="With --from-files: report files or folders to parse."),
    ] = None,
) -> None:
    """Rank agencies by indicators; flag those whose numbers need a look at the source."""
    chosen = [i for item in (indicators or DEFAULT_INDICATORS) for i in item.split(",") if i]
    unknown = [i for i in chosen if i not in INDICATOR_BY_CODE]
    if unknown:
        typer.echo(
            f"error: unknown indicator(s) {', '.join(unknown)}; "
            f"choose from {', '.join(INDICATOR_BY_CODE)}",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE)
    if out is not None and out.suffix.lower() not in (".xlsx", ".html", ".htm"):
        typer.echo("error: --out must end in .xlsx or .html", err=True)
        raise typer.Exit(EXIT_USAGE)
    if from_files != bool(paths):
        typer.echo("error: give report files with --from-files (and only then)", err=True)
        raise typer.Exit(EXIT_USAGE)
    console = Console(highlight=False, soft_wrap=True)
    source: Any = data
    spilled = None
    try:
        if from_files:
            from ogi.commands.export import _parse

            spilled = Path(tempfile.mkdtemp(prefix="ogi-files-"))
            source, _failed = _parse(paths or [], spilled, console)
        try:
            result = compare(source, region, year, chosen, level=level)
        except (RegionError, DataNotFound) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_NOTHING_DONE) from None
    finally:
        if spilled is not None:
            shutil.rmtree(spilled, ignore_errors=True)
    console.print(rich_table(result))
    flagged = result.flagged
    for row in flagged.itertuples(index=False):
        console.print(f"[yellow]⚠[/yellow] {row.agency}: {row.caution}")
    for note in result.notes:
        console.print(f"note: {note}")
    if out is not None:
        result.write(out)
        console.print(f"written: {out}")
    raise typer.Exit(EXIT_OK)
