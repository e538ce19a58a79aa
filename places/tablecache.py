"""The packaged division table, built once per machine and kept in the user's cache.

Building the table from its text (``divisions.tsv.gz``: some 55,000 rows, every name
normalised, short forms and aliases derived) takes about a quarter of a second, and every
process that parses pays it: each run of ``ogi parse``, each parse worker's fork server. The
built indexes are plain dicts of strings (each row and each name's references packed in one:
:mod:`places.packed`), which :mod:`marshal` reads back in about a fifth of that time, so the
first process builds them and writes them to
``$XDG_CACHE_HOME/ogi/places/`` (``~/.cache`` by default; ``OGI_CACHE_DIR`` overrides the
folder, and an empty ``OGI_CACHE_DIR`` turns the cache off), and later ones load them.

A cache can never change a lookup: its file name carries a digest of the packaged table, of
this module's layout version and of the interpreter's marshal format, and its content a
digest of itself, checked before it is read; anything that does not match (another ogi, a
half-written or damaged file) is ignored and the table built from its text again. A cache
folder that cannot be written (a read-only home under cron) only means every process builds.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LAYOUT = 3
"""Raised whenever what is stored changes shape (the fields of Division, the index tuples)."""

_MAGIC = b"ogi-divisions\n"
_DIGEST = 32  # sha256


def cache_dir() -> Path | None:
    """The folder the built table is kept in, or None when the cache is turned off."""
    chosen = os.environ.get("OGI_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) / "places" if chosen else None
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "ogi" / "places"


def cache_path(source: bytes) -> Path | None:
    """Where the table built from ``source`` (the packaged file's bytes) is kept."""
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(source)
    key.update(f"{LAYOUT}:{marshal.version}:{sys.version_info[:2]}".encode())
    return folder / f"divisions-{key.hexdigest()[:24]}.marshal"


def read(path: Path) -> Any | None:
    """The state stored at ``path``, or None when there is none or it is not intact."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST
    if not blob.startswith(_MAGIC) or len(blob) <= head:
        return None
    payload = memoryview(blob)[head:]
    if hashlib.sha256(payload).digest() != blob[len(_MAGIC) : head]:
        log.info("division table cache %s is damaged; building the table again", path)
        return None
    paused = gc.isenabled()
    gc.disable()  # some 200,000 small objects: collections meanwhile would only waste time
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    finally:
        if paused:
            gc.enable()


def write(path: Path, state: Any) -> None:
    """Store ``state`` at ``path`` atomically (a temporary file renamed into place), so a
    process reading it meanwhile sees the old file or the new one, never half of one. Any
    failure to write is only logged."""
    try:
        payload = marshal.dumps(state)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".divisions-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError) as exc:
        log.debug("division table cache not written (%s): every process builds the table", exc)
