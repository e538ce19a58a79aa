"""Work a command can begin before its command line is read.

``ogi parse`` on a folder parses on a pool of worker processes, which fork from a server that
first imports the parsers and loads the place table (about a quarter of a second). Reading the
command line takes the CLI about as long (Typer, Rich, the command's module), so the server is
started first, from a glance at the raw arguments, and both start-ups overlap; the pool then
finds it ready. A wrong guess costs only an idle process, which exits with this one: the
command's real options decide everything else. Nothing here imports more than the standard
library and the pool's own light modules, so that it delays nothing it is meant to speed up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

log = logging.getLogger(__name__)


def parse_will_pool(argv: Sequence[str]) -> bool:
    """Whether ``argv`` (the arguments after the program's name) runs ``ogi parse`` on enough
    files for a pool of workers: not ``--workers 1``, and a folder or as many files named as
    :func:`ogi.documents.parse_files` starts a pool for by default."""
    if not argv or argv[0] != "parse":
        return False
    from ogi.documents import POOL_MIN_FILES

    paths: list[str] = []
    words = iter(argv[1:])
    for word in words:
        if word == "--workers":
            if next(words, "") == "1":
                return False
        elif word.startswith("--workers="):
            if word.split("=", 1)[1] == "1":
                return False
        elif word == "--timeout":
            next(words, None)
        elif not word.startswith("-"):
            paths.append(word)
    return len(paths) >= POOL_MIN_FILES or any(os.path.isdir(p) for p in paths)


def is_ogi(program: str) -> bool:
    """Whether ``program`` (``sys.argv[0]``) is the ``ogi`` command or ``python -m ogi``, not
    another program that imports the CLI (a test runner)."""
    name = os.path.basename(program)
    if name == "__main__.py":
        name = os.path.basename(os.path.dirname(program))
    return os.path.splitext(name)[0] == "ogi"


def start(argv: Sequence[str]) -> None:
    """Begin what the command line ``argv`` (``sys.argv``) runs can use before its options
    are read. Never raises: a head start that fails is only no head start."""
    if not argv or not is_ogi(argv[0]) or _starting_worker():
        return
    if parse_will_pool(argv[1:]):
        try:
            from ogi.documents import start_workers_server

            start_workers_server()
        except Exception as exc:  # the pool starts its server itself, later
            log.debug("fork server not started early: %s", exc)


def _starting_worker() -> bool:
    """Whether this is a worker process re-running the main script as it starts (with the
    parent's ``sys.argv``): multiprocessing marks the process as inheriting meanwhile."""
    import multiprocessing

    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))
