"""The Typer app every command registers on (``@app.command()`` in ``ogi/commands/<name>.py``).

Command modules are imported when the app is run or inspected, and a run imports only the
module of the command it runs: ``ogi parse`` needs the parsers, not pandas, the HTTP client
and the review app, whose imports would cost it a second and more of start-up (in every
worker process too, when the script is imported again there). The commands import this
module, never :mod:`ogi.cli` (the entry point), so no module imports one that imports it.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

__all__ = ["COMMANDS", "app"]

COMMANDS = (
    "compare",
    "correct",
    "crawl",
    "demo",
    "export",
    "harvest",
    "parse",
    "place",
    "serve",
    "sites",
    "status",
)
"""The command modules under ``ogi/commands``, named as their commands."""


class _LazyTyper(typer.Typer):
    """A Typer app whose commands are imported on first use: all of them when the app is
    inspected (``--help``, a test runner), only the one named on the command line when it is
    run."""

    _loaded = False  # every command module imported (or being imported)
    _running: str | None = None  # the one command a run needs

    # Typer reads the callback first whenever it builds the command line (running it, its
    # help, a test runner) and only the callback decorator writes it: the place to load.
    @property
    def registered_callback(self) -> Any:
        self._load_all()
        return self._callback

    @registered_callback.setter
    def registered_callback(self, value: Any) -> None:
        self._callback = value

    def _load_all(self) -> None:
        if self._loaded or self._running:
            return
        self._loaded = True
        for name in COMMANDS:
            importlib.import_module(f"ogi.commands.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = _command_named(kwargs.get("args", sys.argv[1:]))
        if name is not None and not self._loaded:
            self._running = name
            importlib.import_module(f"ogi.commands.{name}")
        return super().__call__(*args, **kwargs)


def _command_named(argv: list[str]) -> str | None:
    """The command a command line runs (its first word), when it is one of :data:`COMMANDS`."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS and argv and argv[0] == first else None


app = _LazyTyper(
    name="ogi",
    help="Harvest government information disclosure annual reports into datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Harvest 政府信息公开工作年度报告 into clean multi-year datasets."""
