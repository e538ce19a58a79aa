"""`ogi parse PATH... [--json]`: parse report files or folders into records."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ogi.cli import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, app
from ogi.documents import Parsed, parse_files
from parsers.model import NUMBER, UNCERTAIN, Report


@app.command("parse")
def parse_command(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders (recursive).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON record per line (the record contract).")
    ] = False,
) -> None:
    """Parse report files (HTML, pipe text, markdown, PDF, DOCX, …) into records."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    out = Console(highlight=False, soft_wrap=True)
    parsed = failed = 0
    for outcome in parse_files(paths):
        if not outcome.ok:
            failed += 1
            typer.echo(f"{outcome.path}: error: {outcome.error}", err=True)
            continue
        parsed += 1
        if as_json:
            sys.stdout.write(json.dumps(outcome.report.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.print(summary(outcome))
    if failed and not parsed:
        raise typer.Exit(EXIT_NOTHING_DONE)
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def summary(outcome: Parsed) -> str:
    """A few readable lines about one parsed report."""
    report: Report = outcome.report
    cells = report.cells()
    numbers = sum(1 for *_, c in cells if c.status == NUMBER)
    uncertain = sum(1 for *_, c in cells if c.status == UNCERTAIN)
    failed = [c.rule for c in report.checks if not c.ok]
    lines = [
        f"[bold]{outcome.path}[/bold]",
        f"  {report.agency or '?'} · {report.year or '?'} · template {report.template}"
        f" · published {report.published or '?'}",
        f"  {len(cells)} cells: {numbers} numbers, {uncertain} undecided"
        f" · checks {len(report.checks) - len(failed)}/{len(report.checks)} pass"
        + (f" (failed: {', '.join(failed)})" if failed else ""),
    ]
    if report.prose:
        lines.append("  prose: " + ", ".join(f"{k}={v}" for k, v in report.prose.items()))
    for warning in report.warnings[:5]:
        lines.append(f"  [yellow]warning[/yellow]: {warning}")
    if len(report.warnings) > 5:
        lines.append(f"  … {len(report.warnings) - 5} more warnings (see --json)")
    return "\n".join(lines)
