"""Scratch space for one build: blobs written once and read back by offset, then deleted.

The datasets are built in passes over the records (see :mod:`output.build`); what a later pass
needs from an earlier one — the fields of each report row, the numbers of each document — is
written here instead of being held in memory, so memory grows with the number of reports only
by a few small fields per report, never by their cells. The folder lives beside the outputs
(same disk, a name :func:`output.writers.atomic.cleanup_temps` removes after a killed run), or
in the system's temporary folder when nothing is written.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from output.writers.atomic import TEMP_PREFIX

# LZ4: a payload (a pickle of some 1.5 kB) shrinks by a fifth, twenty times faster than zlib
# at its fastest level (which shrinks it by half); each blob starts with its pickle's length
_CODEC = "lz4"
_SIZE = 4


class Scratch:
    """A private temporary folder with an append-only blob file."""

    def __init__(self, near: str | os.PathLike | None = None) -> None:
        base = Path(near) if near is not None else None
        if base is not None:
            base.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "build-", dir=base))
        self._blobs = open(self.folder / "blobs.bin", "w+b")  # noqa: SIM115 - closed in close()
        self._end = 0

    def path(self, name: str) -> Path:
        """A file name inside the scratch folder."""
        return self.folder / name

    def put(self, value: Any) -> int:
        """Store ``value``; returns where it is, for :meth:`get` (one int: a million of them
        are kept in memory)."""
        raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        data = len(raw).to_bytes(_SIZE, "little") + pa.compress(raw, codec=_CODEC, asbytes=True)
        offset = self._end
        self._blobs.seek(offset)
        self._blobs.write(data)
        self._end += len(data)
        return offset << 32 | len(data)

    def get(self, where: int) -> Any:
        offset, length = where >> 32, where & 0xFFFFFFFF
        self._blobs.seek(offset)
        data = self._blobs.read(length)
        size = int.from_bytes(data[:_SIZE], "little")
        return pickle.loads(pa.decompress(data[_SIZE:], size, codec=_CODEC, asbytes=True))

    def close(self) -> None:
        if not self._blobs.closed:
            self._blobs.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
