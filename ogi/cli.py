"""The `ogi` command line. Each command lives in ``ogi/commands/<name>.py`` as a thin wrapper
over a public library function, and registers itself on :data:`app` here."""

from __future__ import annotations

import typer

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


def _register() -> None:
    """Import the command modules; each adds its commands to :data:`app`."""
    from ogi.commands import (
        compare,  # noqa: F401
        crawl,  # noqa: F401
        demo,  # noqa: F401
        export,  # noqa: F401
        harvest,  # noqa: F401
        parse,  # noqa: F401
        place,  # noqa: F401
        status,  # noqa: F401
    )


_register()


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
