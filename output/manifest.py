"""The export manifest: skip a writer whose inputs and outputs are exactly as last time.

Replacing only changed files already keeps unchanged files untouched, but it still has to write
every format in full to find out. The nightly job usually has nothing new, and writing a large
workbook just to throw it away costs minutes. So each export records, per format, a key of
everything its files depend on — the datasets' content, the options, the writer's code and the
library versions — and the size and modification time of the files it produced. When the key
is the same and the files are still as recorded, the writer is not run at all.

The manifest is ``.ogi-export.json`` in the output folder; deleting it only costs one full
write. It holds no clock readings of its own, only the files' recorded stats.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from output.dataset import Dataset

FILE_NAME = ".ogi-export.json"
_VERSION = 1
_LIBRARIES = ("pandas", "pyarrow", "openpyxl")


def dataset_fingerprint(dataset: Dataset) -> str:
    """A digest of a dataset's rows and column specs (order included); a streamed dataset's
    own fingerprint (what its rows are made from)."""
    if dataset.frame is None:
        return dataset.fingerprint
    digest = hashlib.sha256()
    spec = {
        "columns": [
            [c.name, c.kind, c.label_zh, c.label_en, c.description, c.templates, c.formula]
            for c in dataset.columns
        ],
        "key": dataset.key,
        "indexes": dataset.indexes,
        "foreign_keys": dataset.foreign_keys,
        "search": dataset.search,
        "partition": dataset.partition,
        "rows": len(dataset.frame),
    }
    digest.update(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode())
    if len(dataset.frame):
        hashes = pd.util.hash_pandas_object(dataset.frame, index=False)
        digest.update(hashes.to_numpy().tobytes())
    return digest.hexdigest()


def input_key(fmt: str, datasets: list, options: dict[str, Any], writer_file: str) -> str:
    """Everything the files of one format depend on, as one digest.

    ``datasets``: ``[name, fingerprint]`` of each dataset written — :func:`dataset_fingerprint`
    of a dataset held in memory, or the build's key (the records it read and the code that
    shapes the rows: :attr:`output.build.Build.key`) for streamed ones.
    """
    parts = {
        "format": fmt,
        "datasets": [list(d) for d in datasets],
        "options": {k: repr(v) for k, v in sorted(options.items())},
        "writer": _file_digest(writer_file),
        "support": [_file_digest(p) for p in _support_files()],
        "libraries": [_version(name) for name in _LIBRARIES],
        "sqlite": sqlite3.sqlite_version,
        "python": sys.version_info[:2],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class Manifest:
    """What each format wrote last time, and from which inputs."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / FILE_NAME
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if data.get("version") != _VERSION:
            data = {"version": _VERSION, "formats": {}}
        self.data = data

    def intact(self, fmt: str, key: str) -> list[Path] | None:
        """The files of ``fmt`` if they were made from ``key`` and are untouched since."""
        entry = self.data["formats"].get(fmt)
        if not entry or entry.get("key") != key or not entry.get("files"):
            return None
        paths = []
        for name, (size, mtime) in sorted(entry["files"].items()):
            path = self.folder / name
            try:
                stat = path.stat()
            except OSError:
                return None
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return None
            paths.append(path)
        return paths

    def record(
        self,
        fmt: str,
        key: str,
        paths: list[Path],
        *,
        rows: dict[str, int] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        files = {}
        for path in paths:
            stat = path.stat()
            files[path.relative_to(self.folder).as_posix()] = [stat.st_size, stat.st_mtime_ns]
        entry: dict[str, Any] = {"key": key, "files": files}
        if rows is not None:
            entry["rows"] = dict(rows)
            entry["notes"] = list(notes or [])
        self.data["formats"][fmt] = entry

    def summary(self, fmt: str) -> tuple[dict[str, int], list[str]] | None:
        """Rows per dataset and notes of the export that wrote ``fmt`` (if recorded)."""
        entry = self.data["formats"].get(fmt)
        if not entry or "rows" not in entry or not entry.get("files"):
            return None
        return dict(entry["rows"]), list(entry.get("notes") or [])

    def forget(self, fmt: str) -> None:
        self.data["formats"].pop(fmt, None)

    def text(self) -> str:
        return json.dumps(self.data, indent=1, sort_keys=True) + "\n"


def _file_digest(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def _support_files() -> list[Path]:
    here = Path(__file__).parent
    writers = here / "writers"
    return [here / "columns.py", writers / "values.py", writers / "atomic.py", writers / "base.py"]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""
