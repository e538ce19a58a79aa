"""`ogi correct`: record a correction of one cell, checked against the source, for scripts.

A thin wrapper over :func:`output.correct.correct`; the review app (``ogi serve``) writes the
same rows from its per-cell form.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ogi.app import app
from ogi.exits import EXIT_OK, exits_on_errors
from output.correct import ReportNotFound, correct
from output.corrections import CorrectionError, corrections_path

BLANK_WORDS = ("", "blank", "null", "none")


@app.command("correct")
def correct_command(
    report_id: Annotated[str, typer.Argument(help="The report's report_id (or its sha256).")],
    cell: Annotated[
        str, typer.Argument(help="section.row.column, e.g. applications.granted.total.")
    ],
    value: Annotated[
        str, typer.Argument(help="The number the source shows; 'blank' for an empty cell.")
    ],
    note: Annotated[
        str, typer.Option("--note", help="What the source shows and where (page, row).")
    ] = "",
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Who checked it [default: $OGI_REVIEWER or $USER]."),
    ] = None,
    data: Annotated[Path, typer.Option("--data", help="Data folder of the harvest.")] = Path(
        "data"
    ),
) -> None:
    """Correct one cell of a harvested report; `ogi export` applies it (status `corrected`).

    Exit codes: 0 recorded; 2 bad cell or value; 3 no such report in the data folder.
    """
    who = reviewer or os.environ.get("OGI_REVIEWER") or os.environ.get("USER") or ""
    text = "" if value.strip().lower() in BLANK_WORDS else value
    with exits_on_errors(only=(CorrectionError, ReportNotFound)):
        done = correct(data, report_id, cell, text, note=note, reviewer=who)
    old = "null" if done.old_value is None else done.old_value
    new = "blank" if done.new_value is None else done.new_value
    typer.echo(
        f"{done.report_id} {done.cell}: {old} → {new} recorded in {corrections_path(data)} "
        "(applied at the next `ogi export`)"
    )
    raise typer.Exit(EXIT_OK)
