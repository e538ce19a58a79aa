"""`ogi demo`: serve the built-in fake government web on 127.0.0.1 and harvest it (a thin wrapper
over :func:`ogi.demo.demo`)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ogi.app import app
from ogi.demo import DEFAULT_DIR, DemoUnavailable, demo
from ogi.exits import EXIT_USAGE, exits_on_errors
from ogi.logs import setup_logging
from ogi.runs import print_report
from ogi_errors import HarvestConfigError, LockHeld


@app.command("demo")
def demo_command(
    data: Annotated[
        Path, typer.Option("--data", help="Where the demo harvest goes.")
    ] = DEFAULT_DIR,
    day: Annotated[
        str | None,
        typer.Option(
            "--day",
            help="The fake web's date (YYYY-MM-DD); 2024-04-20 shows a changed, a moved, a "
            "deleted report and a correction.",
        ),
    ] = None,
    faults: Annotated[
        bool, typer.Option("--faults", help="Add the misbehaving hosts (slower; some fail).")
    ] = False,
    port: Annotated[
        int | None, typer.Option("--port", help="Port of the fake web (default: as last time).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Parse processes (default: every core).")
    ] = None,
    formats: Annotated[
        str | None, typer.Option("--format", help="csv,parquet,xlsx,sqlite (default: all).")
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log detail (-v, -vv).")
    ] = 0,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Log records as JSON lines on stderr.")
    ] = False,
) -> None:
    """See the whole pipeline work: a local fake government web, crawled, parsed, exported.

    No network is needed. Run it twice: the second run is the nightly case (nothing new,
    nothing downloaded or rewritten).
    """
    setup_logging(verbose, json_lines=log_json)
    err = Console(stderr=True, highlight=False)
    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        err.print(f"[red]error:[/red] --day must be YYYY-MM-DD, got {day!r}")
        raise typer.Exit(EXIT_USAGE) from None
    show = sys.stderr.isatty() and not log_json
    status = err.status("demo: serving the fake government web on 127.0.0.1…") if show else None

    def on_event(event: str, info: dict) -> None:
        if status is not None and event == "phase":
            status.update(f"demo: {info.get('name')}…")

    with exits_on_errors(err, status, only=(HarvestConfigError, LockHeld, DemoUnavailable)):
        result = demo(
            data, day=when, faults=faults, port=port, workers=workers, formats=formats,
            progress=on_event,
        )  # fmt: skip
    out = Console(highlight=False, soft_wrap=True)
    out.print(
        f"fake government web on 127.0.0.1:{result.port} (day {result.day}), "
        f"sites file {result.sites_file}"
    )
    found = result.discovery
    if found is not None:
        out.print(
            f"discovery from {len(found.starts)} home pages: {len(found.columns)} report columns "
            f"of {len(found.sites)} agencies ({found.requests} requests)",
            markup=False,
        )
        for note in found.notes:
            if note.kind in ("needs_js", "external", "no_column"):
                out.print(f"  {note.kind}: {note.agency or ''} {note.url}", markup=False)
    print_report(result.report)
    files = result.dataset_files()
    if files:
        out.print(f"\n[bold]datasets[/bold] in {result.datasets_dir}/:")
        out.print("  " + "  ".join(p.name for p in files))
        out.print("\nnext:")
        out.print(f"  ogi status --data {result.data_dir}")
        out.print(
            f"  ogi demo --data {result.data_dir}                    # again: the nightly case"
        )
        out.print(f"  ogi demo --data {result.data_dir} --day 2024-04-20   # a later night")
        out.print(f"  datasette {result.datasets_dir / 'datasets.sqlite'}")
    raise typer.Exit(result.report.exit_code or 0)
