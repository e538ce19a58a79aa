"""Atomic, change-aware file replacement.

Every writer writes into a temporary file beside its target, then :class:`Staging` commits all
of them at the end: a file whose new content equals the old one is left untouched (same inode,
same mtime — so ``make``, rsync and the nightly job see nothing changed), any other is moved into
place with ``os.replace`` after an fsync. A run that dies before the commit leaves every previous
file intact, and the renames of one commit happen back to back, so readers never see a mix of
half-written files.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

TEMP_PREFIX = ".ogi-tmp-"


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one output file."""

    path: Path
    changed: bool  # False: the existing file already had these bytes and was left alone
    format: str = ""
    dataset: str = ""
    removed: bool = False  # a stale file this writer owned (an old partition) was deleted


@dataclass
class Staging:
    """Temporary files waiting to replace their targets; commit them all, or none."""

    pending: list[tuple[Path, Path, str, str]] = field(default_factory=list)
    stale: list[tuple[Path, Path, str, str]] = field(default_factory=list)

    def temp_for(self, target: Path | str, *, format: str = "", dataset: str = "") -> Path:
        """A fresh temporary path in the target's folder (same filesystem: rename is atomic)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent)
        os.close(fd)
        temp = Path(name)
        self.pending.append((temp, target, format, dataset))
        return temp

    def remove(
        self, target: Path | str, *, root: Path | str, format: str = "", dataset: str = ""
    ) -> None:
        """Delete ``target`` at commit time (a partition that no longer has rows), and the
        folders under ``root`` that this leaves empty."""
        self.stale.append((Path(target), Path(root), format, dataset))

    def commit(self) -> list[FileResult]:
        results = []
        for temp, target, fmt, dataset in self.pending:
            results.append(FileResult(target, replace_if_changed(temp, target), fmt, dataset))
        for target, root, fmt, dataset in self.stale:
            if target.exists():
                target.unlink()
                results.append(FileResult(target, True, fmt, dataset, removed=True))
                _remove_empty_dirs(target.parent, root)
        self.pending.clear()
        self.stale.clear()
        return results

    def rollback(self) -> None:
        for temp, *_ in self.pending:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        self.pending.clear()
        self.stale.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.rollback()


def replace_if_changed(temp: Path, target: Path) -> bool:
    """Move ``temp`` onto ``target`` unless the bytes are the same; True when replaced."""
    if target.exists() and filecmp.cmp(temp, target, shallow=False):
        temp.unlink()
        return False
    _fsync(temp)
    mode = target.stat().st_mode & 0o777 if target.exists() else _default_mode()
    os.chmod(temp, mode)
    os.replace(temp, target)
    _fsync_dir(target.parent)
    return True


def write_bytes(staging: Staging, target: Path | str, data: bytes, **labels: str) -> None:
    temp = staging.temp_for(target, **labels)
    temp.write_bytes(data)


def cleanup_temps(folder: Path) -> None:
    """Remove temporary files left by a run that was killed before its commit."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob(TEMP_PREFIX + "*"), reverse=True):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove_empty_dirs(folder: Path, root: Path) -> None:
    folder, root = folder.resolve(), root.resolve()
    with contextlib.suppress(OSError):
        while folder != root and root in folder.parents and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
