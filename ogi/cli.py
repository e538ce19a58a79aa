"""The `ogi` command line: the entry point of the app in :mod:`ogi.app`. Each command lives in
``ogi/commands/<name>.py`` (the module is named as the command) as a thin wrapper over a public
library function, and registers itself on the app; exit codes and the errors they stand for
are mapped in :mod:`ogi.exits`.

The app is imported on first use of a name of this module, not with it: the ``ogi`` script
(``from ogi.cli import app``) is imported again by every parse worker process that starts
(Python's multiprocessing re-runs the main script there), and the workers need neither Typer
nor the commands. The fork server of ``ogi parse`` is started before any of them
(:mod:`ogi.early`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ogi import early

early.start(sys.argv)  # before Typer and the commands are imported

if TYPE_CHECKING:
    from ogi.app import COMMANDS, app
    from ogi.exits import (
        EXIT_LOCKED,
        EXIT_NOTHING_DONE,
        EXIT_OK,
        EXIT_SOME_FAILED,
        EXIT_USAGE,
        harvest_exits,
    )

__all__ = [
    "COMMANDS",
    "EXIT_LOCKED",
    "EXIT_NOTHING_DONE",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "app",
    "harvest_exits",
    "main",
]

_FROM_APP = ("COMMANDS", "app")


def __getattr__(name: str) -> Any:
    if name in _FROM_APP:
        import ogi.app

        return getattr(ogi.app, name)
    if name in __all__ and name != "main":
        import ogi.exits

        return getattr(ogi.exits, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:  # pragma: no cover - entry point
    from ogi.app import app

    app()


if __name__ == "__main__":  # pragma: no cover
    main()
