"""The harvest's export stage: the datasets written again only when a record store changed
since the last export, the corrections changed, or the files are missing or edited."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from pathlib import Path

from ogi.harvest_base import RunBase
from output.correct import corrections_fingerprint

log = logging.getLogger(__name__)


class ExportStage(RunBase):
    """Exporting the datasets (see the module docstring)."""

    def _export(self) -> None:
        r = self.report
        if not self.export:
            r.export = {
                "ran": False,
                "reason": "sharded run: merge the partitions with `ogi export --data DIR`"
                if self.layout.shard
                else "export disabled",
            }
            return
        reason = self._export_reason()
        if reason is None:
            r.export = {"ran": False, "reason": "nothing changed since the last export"}
            log.info("datasets unchanged: not rewritten", extra={"event": "export_skipped"})
            return
        if not any(count for _name, count, _top in _store_stats(self.layout.data_dir)):
            r.export = {"ran": False, "reason": "no records yet"}
            return
        from output.buildinputs import StoredRecords
        from output.export import export

        self._phase("export")
        t0 = time.monotonic()
        fingerprint = stores_fingerprint(self.layout.data_dir)

        def on_stage(text: str) -> None:
            log.info("export: %s", text, extra={"event": "export_stage", "stage": text})
            self._emit("export_stage", stage=text)

        out = self.layout.datasets_dir
        result = export(
            StoredRecords(self.layout.data_dir),
            out,
            self.formats,
            keep_datasets=False,
            on_stage=on_stage,
            corrections=self.layout.data_dir,
        )
        self._open_book.set(
            export_pending=0,
            exported_stores=fingerprint,
            export_formats=",".join(self.formats),
            exported_corrections=corrections_fingerprint(self.layout.data_dir),
        )
        r.export = {
            "ran": True,
            "reason": reason,
            "out_dir": str(out),
            "changed": [str(p.relative_to(out)) for p in result.changed],
            "unchanged": len(result.unchanged),
            "rows": result.rows,
            "notes": result.notes[:20],
            "seconds": round(time.monotonic() - t0, 3),
        }
        log.info(
            "datasets written to %s: %d file(s) changed, %d unchanged",
            out,
            len(result.changed),
            len(result.unchanged),
            extra={"event": "export_done", "changed": len(result.changed)},
        )

    def _export_reason(self) -> str | None:
        book = self._open_book
        if book.get("export_pending") == "1":
            return "new records"
        if book.get("exported_stores") != stores_fingerprint(self.layout.data_dir):
            return "record stores changed"
        if book.get("export_formats") != ",".join(self.formats):
            return "formats changed"
        if book.get("exported_corrections", "none") != corrections_fingerprint(
            self.layout.data_dir
        ):
            return "corrections changed"
        return _datasets_missing(self.layout.datasets_dir, self.formats)


def _store_stats(data_dir: Path) -> list[tuple[str, int, int]]:
    """(file name, rows, a number that grows with every write) of every record store."""
    from output.store import store_files

    out: list[tuple[str, int, int]] = []
    try:
        files = store_files(data_dir)
    except FileNotFoundError:
        return out
    for path in files:
        if path.suffix == ".sqlite":
            try:
                db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
                try:
                    count, top = db.execute(
                        "SELECT count(*), coalesce(max(rowid), 0) FROM records"
                    ).fetchone()
                finally:
                    db.close()
            except sqlite3.Error:
                count, top = 0, 0
        else:
            stat = path.stat()
            count, top = 1 if stat.st_size else 0, stat.st_mtime_ns ^ stat.st_size
        out.append((path.name, int(count), int(top)))
    return out


def stores_fingerprint(data_dir: str | os.PathLike) -> str:
    """A digest that changes whenever any record store of the folder gains, loses or replaces
    a record (or a store appears or goes): what the datasets were last built from."""
    stats = _store_stats(Path(data_dir))
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:24]


def _datasets_missing(out: Path, formats: tuple[str, ...]) -> str | None:
    """Why the datasets must be written although no record changed (missing or edited files),
    read from the export manifest (``output.manifest``); None when they are intact."""
    import json

    from output.manifest import FILE_NAME

    try:
        manifest = json.loads((out / FILE_NAME).read_text(encoding="utf-8"))
        entries = manifest["formats"]
    except (OSError, ValueError, KeyError, TypeError):
        return "datasets missing"
    for fmt in formats:
        entry = entries.get(fmt)
        if not entry or not entry.get("files"):
            return f"{fmt} datasets missing"
        for name, (size, mtime) in entry["files"].items():
            try:
                stat = (out / name).stat()
            except OSError:
                return f"{name} missing"
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return f"{name} modified since the last export"
    return None
