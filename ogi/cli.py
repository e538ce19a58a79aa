"""The `ogi` command line. Each command lives in ``ogi/commands/<name>.py`` as a thin wrapper
over a public library function, and registers itself on :data:`app` here."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.status import Status

app = typer.Typer(
    name="ogi",
    help="Harvest government information disclosure annual reports into datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Harvest 政府信息公开工作年度报告 into clean multi-year datasets."""


# Exit codes, following cron habits (see the design notes).
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING_DONE = 3
EXIT_LOCKED = 75  # another harvest holds the data folder (sysexits EX_TEMPFAIL: try later)


@contextlib.contextmanager
def harvest_exits(err: Console, status: Status | None = None) -> Iterator[None]:
    """Run a harvest under the command line's exit codes: a bad sites file or option exits 2,
    a data folder held by another harvest exits 75; ``status`` (a live line on stderr) is
    shown for the duration."""
    from ogi.harvest import HarvestConfigError
    from ogi.lock import LockHeld

    try:
        if status is not None:
            status.start()
        yield
    except HarvestConfigError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except LockHeld as exc:
        err.print(f"[yellow]busy:[/yellow] {exc}")
        raise typer.Exit(EXIT_LOCKED) from None
    finally:
        if status is not None:
            status.stop()


def _register() -> None:
    """Import the command modules; each adds its commands to :data:`app`."""
    from ogi.commands import (
        compare,  # noqa: F401
        correct,  # noqa: F401
        crawl,  # noqa: F401
        demo,  # noqa: F401
        export,  # noqa: F401
        harvest,  # noqa: F401
        parse,  # noqa: F401
        place,  # noqa: F401
        serve,  # noqa: F401
        sites,  # noqa: F401
        status,  # noqa: F401
    )


_register()


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
