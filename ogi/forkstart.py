"""Start multiprocessing's helper processes as forks of a command that has barely begun.

multiprocessing starts its fork server, and the resource tracker beside it, as new Python
interpreters, each running one line of code (``python -c "from multiprocessing.forkserver
import main; main(…)"``). A new interpreter has its own start-up to pay — the interpreter,
site-packages' path hooks, multiprocessing's imports — and the fork server's is on the way of
every worker's first report (forked instead, ``ogi parse --workers 2`` on a few reports ended
about 50 ms sooner, on two cores). When ``ogi parse`` starts its fork server ahead
(:mod:`ogi.early`), the command has imported only the standard library and the pool's light
modules, holds no lock and runs one thread: a fork of it is as clean as a new interpreter, and
ready at once. So, within :func:`helpers_forked`, such a helper is a fork of this process that
closes every file descriptor but those multiprocessing hands the helper, then makes the very
call the new interpreter would have made. Only that shape of line is run: ``from
multiprocessing.<module> import main; main(<literals>)``, read with :mod:`ast` (the project
runs no code it is handed); any other line starts the stock way.

A fork carries what a new interpreter would not have, and each is dealt with:

- file descriptors, and with them any lock held through one (a harvest's data-folder lock):
  closed in the child, but the standard streams and the descriptors given to the helper;
- text waiting in this process's output buffers, which the helper's workers would write out
  again: flushed before the fork;
- the locks multiprocessing holds while it starts a helper: the child gets fresh ones, so a
  worker that started a pool of its own would not wait for a lock held by nobody;
- threads: none may run but this one (a fork keeps only the thread that forks, and any lock
  another thread held stays held); with more, the helper is started the stock way.

Where that cannot be checked (no ``/proc/self/fd`` to list the descriptors: not Linux), or
the helper is not started as ``-c CODE``, or the fork fails, the helper starts the stock way.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import os
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

_FDS = "/proc/self/fd"


@contextlib.contextmanager
def helpers_forked() -> Iterator[None]:
    """Within the block, the helper processes multiprocessing starts (the fork server, the
    resource tracker) are forks of this process wherever that is safe (see the module)."""
    from multiprocessing import util

    stock = util.spawnv_passfds

    def spawn(path: Any, args: Sequence[Any], passfds: Sequence[int]) -> int:
        code = inline_code(args)
        call = helper_call(code) if code is not None else None
        if call is not None and can_fork():
            with contextlib.suppress(OSError):  # no fork (out of memory, too many processes)
                return _fork_calling(call, passfds)
        return stock(path, args, passfds)

    util.spawnv_passfds = spawn
    try:
        yield
    finally:
        util.spawnv_passfds = stock


def inline_code(args: Sequence[object]) -> str | None:
    """The code of a command line that runs ``python [flags] -c CODE``, or None."""
    if len(args) >= 3 and args[-2] == "-c" and isinstance(args[-1], str):
        return args[-1]
    return None


HelperCall = tuple[str, list[Any], dict[str, Any]]
"""A helper's module (``multiprocessing.forkserver`` …) and the arguments of its ``main``."""


def helper_call(code: str) -> HelperCall | None:
    """What a helper's line of code does, when it is ``from multiprocessing.<module> import
    main; main(…)`` with literals for arguments (as every version of multiprocessing writes
    it); None for any other code."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return None
    if len(body) != 2:
        return None
    imported, called = body
    if not (
        isinstance(imported, ast.ImportFrom)
        and imported.level == 0
        and (imported.module or "").startswith("multiprocessing.")
        and [(a.name, a.asname) for a in imported.names] == [("main", None)]
        and isinstance(called, ast.Expr)
        and isinstance(called.value, ast.Call)
        and isinstance(called.value.func, ast.Name)
        and called.value.func.id == "main"
    ):
        return None
    try:
        args = [ast.literal_eval(arg) for arg in called.value.args]
        kwargs: dict[str, Any] = {}
        for keyword in called.value.keywords:
            value = ast.literal_eval(keyword.value)
            if keyword.arg is not None:
                kwargs[keyword.arg] = value
            elif isinstance(value, dict) and all(isinstance(k, str) for k in value):
                kwargs.update(value)  # (``**{…}``)
            else:
                return None
    except (ValueError, TypeError, RecursionError):
        return None  # (not literals)
    return str(imported.module), args, kwargs


def can_fork() -> bool:
    """Whether a fork of this process can stand in for a new interpreter: one thread, and
    the descriptors to close can be listed."""
    return hasattr(os, "fork") and threading.active_count() == 1 and os.path.isdir(_FDS)


def _fork_calling(call: HelperCall, passfds: Sequence[int]) -> int:
    """Fork; the child makes the helper's call as a new interpreter's ``-c`` would, and exits
    with its status. Returns the child's pid."""
    module, args, kwargs = call
    _flush_streams()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        _close_all_but({0, 1, 2, *passfds})
        _fresh_locks()
        importlib.import_module(module).main(*args, **kwargs)
        status = 0
    except SystemExit as exc:
        status = _exit_status(exc)
    except BaseException:
        traceback.print_exc()
    finally:
        _flush_streams()
        os._exit(status)  # never the parent's atexit handlers, nor its teardown


def _close_all_but(keep: set[int]) -> None:
    for name in os.listdir(_FDS):
        fd = int(name)
        if fd not in keep:
            with contextlib.suppress(OSError):  # (the listing's own descriptor, closed already)
                os.close(fd)


def _fresh_locks() -> None:
    """multiprocessing's helper singletons as a new interpreter has them: unlocked (the
    parent forked while holding their locks, as it starts a helper)."""
    from multiprocessing import forkserver, resource_tracker

    for helper in (
        getattr(forkserver, "_forkserver", None),
        getattr(resource_tracker, "_resource_tracker", None),
    ):
        lock = getattr(helper, "_lock", None)
        if lock is None:
            continue
        fresh = threading.RLock() if isinstance(lock, type(threading.RLock())) else threading.Lock()
        helper._lock = fresh  # type: ignore[union-attr]


def _exit_status(exc: SystemExit) -> int:
    """The status an interpreter exits with for ``exc`` (a message: printed, and 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # (closed, or None under pythonw)
            if stream is not None:
                stream.flush()
