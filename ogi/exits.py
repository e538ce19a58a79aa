"""Exit codes of the command line, and the one place that maps the error tree onto them.

Cron habits (see the design notes): 0 everything done; 1 some sites or documents failed;
2 usage — an option or a file the user gave cannot be used (:class:`ogi_errors.ConfigError`);
3 nothing could be done (any other :class:`ogi_errors.OgiError`: no data folder, no such
report, an empty region …); 75 another harvest holds the data folder, try later
(:class:`ogi_errors.LockHeld`, sysexits' EX_TEMPFAIL).

Commands wrap their library call in :func:`exits_on_errors`; an error outside the tree is a
bug and keeps its traceback instead of passing for bad input.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.markup import escape
from rich.status import Status

from ogi_errors import (
    EXIT_LOCKED,
    EXIT_NOTHING_DONE,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    ConfigError,
    HarvestConfigError,
    LockHeld,
    OgiError,
)

__all__ = [
    "EXIT_LOCKED",
    "EXIT_NOTHING_DONE",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "exit_code",
    "exits_on_errors",
    "fail",
    "harvest_exits",
]


def exit_code(error: OgiError) -> int:
    """The exit code for an error of the tree: by its branch."""
    if isinstance(error, LockHeld):
        return EXIT_LOCKED
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    return EXIT_NOTHING_DONE


def fail(error: OgiError, err: Console | None = None, *, prefix: str = "") -> typer.Exit:
    """Say what went wrong on stderr (``error: …``, or ``busy: …`` when another harvest holds
    the folder) and return the :class:`typer.Exit` to raise, with the error's exit code."""
    err = err or Console(stderr=True, highlight=False, soft_wrap=True)
    label = "[yellow]busy:[/yellow]" if isinstance(error, LockHeld) else "[red]error:[/red]"
    err.print(f"{label} {escape(prefix + str(error))}")
    return typer.Exit(exit_code(error))


@contextlib.contextmanager
def exits_on_errors(
    err: Console | None = None,
    status: Status | None = None,
    *,
    only: tuple[type[OgiError], ...] = (OgiError,),
) -> Iterator[None]:
    """Run a command's library call: an error of the tree (of the ``only`` branches) exits
    with its message and code (see :func:`exit_code`); ``status`` (a live line on stderr) is
    shown for the duration."""
    try:
        if status is not None:
            status.start()
        yield
    except only as exc:
        if status is not None:
            status.stop()
            status = None
        raise fail(exc, err) from None
    finally:
        if status is not None:
            status.stop()


def harvest_exits(
    err: Console, status: Status | None = None
) -> contextlib.AbstractContextManager[None]:
    """Run a harvest under the command line's exit codes: a bad sites file or option exits 2,
    a data folder held by another harvest exits 75; ``status`` (a live line on stderr) is
    shown for the duration."""
    return exits_on_errors(err, status, only=(HarvestConfigError, LockHeld))
