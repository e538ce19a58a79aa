"""An exclusive lock on a data folder, so two harvests never write the same files at once.

Why ``flock`` on a lock file and not a PID file: the kernel drops the lock the moment its holder
dies, however it dies (``kill -9``, OOM killer, power loss of a VM), so a crashed run never
blocks the next night, and there is no "is PID 1234 still ours?" guessing. The file also holds
who has the lock (PID, host, start time, command) — only to make the refusal message useful;
the lock itself is the ``flock``.

The file is never deleted: deleting a lock file while another process has it open lets a third
process lock a *new* file of the same name, and then two holders think they are alone.

The descriptor is opened close-on-exec and worker processes are started with ``forkserver`` or
``spawn`` (see :mod:`ogi.harvest`), so no child ever inherits the lock and outlives the holder
with it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ogi_errors import LockHeld as LockHeld

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_NAME = ".ogi-harvest.lock"


class DataLock:
    """``with DataLock(path): ...`` — raises :class:`LockHeld` at once if someone else has it."""

    def __init__(self, path: str | os.PathLike, *, info: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.info = info or {}
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> DataLock:
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise LockHeld(self.path, read_holder(self.path)) from None
        self._fd = fd
        payload = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv)[:500],
            **self.info,
        }
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, (json.dumps(payload, ensure_ascii=False) + "\n").encode())
        except OSError:  # the note is a courtesy; the flock is what counts
            pass
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> DataLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_holder(path: str | os.PathLike) -> dict[str, Any] | None:
    """What the current (or last) holder wrote in the lock file, if readable."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
        data = json.loads(text) if text else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def holder(path: str | os.PathLike) -> dict[str, Any] | None:
    """Who holds the lock now, or None when it is free (a stale file from a dead run is free).

    Probes by trying to take the lock for an instant, so it never disturbs the holder.
    """
    p = Path(path)
    if not p.exists():
        return None
    try:
        fd = os.open(p, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        try:
            _lock(fd)
        except OSError:
            return read_holder(p) or {}
        _unlock(fd)
        return None
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows: lock the first byte
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:  # pragma: no cover
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
