"""The `ogi` command line: the entry point of the app in :mod:`ogi.app`. Each command lives in
``ogi/commands/<name>.py`` (the module is named as the command) as a thin wrapper over a public
library function, and registers itself on the app; exit codes and the errors they stand for
are mapped in :mod:`ogi.exits`.
"""

from __future__ import annotations

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


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
