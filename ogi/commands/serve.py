"""`ogi serve`: the review app — check every number against its archived source, and correct
it. A thin wrapper over :func:`review.serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ogi.app import app
from ogi.exits import EXIT_NOTHING_DONE, EXIT_USAGE


@app.command("serve")
def serve_command(
    data: Annotated[Path, typer.Option("--data", help="Data folder of the harvest.")] = Path(
        "data"
    ),
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to bind [default: 127.0.0.1, this machine only]. Anyone who can "
            "reach it can write corrections.",
        ),
    ] = "127.0.0.1",
) -> None:
    """Open the review app: agencies and years, each report beside its archived source,
    the review queue, and a correction form on every cell (Ctrl-C stops it)."""
    from review import serve

    if not data.is_dir():
        typer.echo(f"error: no data folder {data}", err=True)
        raise typer.Exit(EXIT_NOTHING_DONE)
    if not 0 <= port <= 65535:
        typer.echo("error: --port must be between 0 and 65535", err=True)
        raise typer.Exit(EXIT_USAGE)
    serve(data, host=host, port=port, on_ready=lambda url: typer.echo(f"review app on {url}"))
