"""`ogi parse PATH... [--json] [--workers N]`: parse report files or folders into records."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ogi.app import app
from ogi.documents import Parsed, iter_files, parse_files
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE


@app.command("parse")
def parse_command(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders (recursive).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON record per line (the record contract).")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Parse processes (default: every core, for more than a few files); 1 = no pool.",
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds one document may take; then reported and skipped."),
    ] = 600.0,
) -> None:
    """Parse report files (HTML, pipe text, markdown, PDF, DOCX, …) into records, in the order
    of the files, on every core."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True)
    files = list(iter_files(paths))
    parsed = failed = 0
    with _progress(err, len(files), redirect_stdout=out.is_terminal) as advance:
        outcomes = parse_files(files, workers=workers, timeout=timeout or None, as_json=as_json)
        for outcome in outcomes:
            advance()
            if not outcome.ok:
                failed += 1
                typer.echo(f"{outcome.path}: error: {outcome.error}", err=True)
                continue
            parsed += 1
            if as_json:  # made by the worker that parsed it
                sys.stdout.write(f"{outcome.record_json}\n")
            else:
                out.print(summary(outcome))
    if failed and not parsed:
        raise typer.Exit(EXIT_NOTHING_DONE)
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@contextlib.contextmanager
def _progress(err: Console, total: int, *, redirect_stdout: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal and there is more than one file (what
    the records go to, stdout, is left alone unless it is the same terminal)."""
    if not err.is_terminal or total < 2:
        yield lambda: None
        return
    with Progress(
        TextColumn("parsing"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        redirect_stdout=redirect_stdout,
        transient=True,
    ) as bar:
        task = bar.add_task("parse", total=total)
        yield lambda: bar.advance(task)


def summary(outcome: Parsed) -> str:
    """A few readable lines about one parsed report."""
    from parsers.model import NUMBER, UNCERTAIN

    report = outcome.report
    assert report is not None  # only parsed outcomes are summarised
    cells = report.cells()
    numbers = sum(1 for *_, c in cells if c.status == NUMBER)
    uncertain = sum(1 for *_, c in cells if c.status == UNCERTAIN)
    failed = [c.rule for c in report.checks if c.ok is False]
    passed = sum(1 for c in report.checks if c.ok is True)
    open_ = len(report.checks) - passed - len(failed)
    lines = [
        f"[bold]{outcome.path}[/bold]",
        f"  {report.agency or '?'} · {report.year or '?'} · template {report.template}"
        f" · published {report.published or '?'}",
        f"  {len(cells)} cells: {numbers} numbers, {uncertain} undecided"
        f" · checks {passed}/{len(report.checks)} pass"
        + (f" (failed: {', '.join(failed)})" if failed else "")
        + (f", {open_} not computable" if open_ else ""),
    ]
    if report.prose:
        lines.append("  prose: " + ", ".join(f"{k}={v}" for k, v in report.prose.items()))
    for warning in report.warnings[:5]:
        lines.append(f"  [yellow]warning[/yellow]: {warning}")
    if len(report.warnings) > 5:
        lines.append(f"  … {len(report.warnings) - 5} more warnings (see --json)")
    return "\n".join(lines)
