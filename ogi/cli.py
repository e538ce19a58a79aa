"""The `ogi` command line. Each command lives in ``ogi/commands/<name>.py`` as a thin wrapper
over a public library function, and registers itself on :data:`app` here."""

from __future__ import annotations

import contextlib

import typer
from rich.console import Console
from rich.status import Status

from ogi.exits import (
    EXIT_LOCKED,
    EXIT_NOTHING_DONE,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    exits_on_errors,
)
from ogi_errors import HarvestConfigError, LockHeld

__all__ = [
    "EXIT_LOCKED",
    "EXIT_NOTHING_DONE",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "app",
    "harvest_exits",
    "main",
]

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


def harvest_exits(
    err: Console, status: Status | None = None
) -> contextlib.AbstractContextManager[None]:
    """Run a harvest under the command line's exit codes: a bad sites file or option exits 2,
    a data folder held by another harvest exits 75; ``status`` (a live line on stderr) is
    shown for the duration."""
    return exits_on_errors(err, status, only=(HarvestConfigError, LockHeld))


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
