"""The records a build reads, and the keys that say whether its datasets changed.

A build reads its records in one pass, a batch at a time (:func:`read_records`), and reads a few
of them again later (the reports of agencies whose cells an identity across years decides).
Records of a data folder are :class:`StoredRecords`: the folder's stores, merged and read
lazily every time they are iterated, so nothing per record is held — not even the small
handles — however big the harvest. Any other sequence of records is read as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from output.corrections import CorrectionSet
from output.inputs import ReportInput, as_input
from output.prose import ProseField, load_crosswalk
from output.stages import RecordStage, stages_key

_DEFAULT = object()
_LOAD_BATCH = 256
_DIGEST_BATCH = 4096


class StoredRecords:
    """Every record of one or more data folders (or record files), read when iterated.

    Iterating yields :class:`output.store.StoredInput` handles from
    :func:`output.store.load_records`, afresh each time; the handles are read in batches by
    :func:`read_records`."""

    all_stored = True

    def __init__(self, paths: str | Path | Iterable[str | Path]) -> None:
        from output.store import store_files

        self.paths = [paths] if isinstance(paths, str | Path) else list(paths)
        for path in self.paths:
            store_files(path)  # raises now for a folder that does not exist

    def __iter__(self) -> Iterator[Any]:
        from output.store import load_records

        return load_records(self.paths)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None


def load_item(raw: Any, *, digest: bool = True) -> tuple[ReportInput, bytes]:
    """A record as a plain :class:`ReportInput`, with a digest of everything it says.

    Handles from a records store are read from it (and digested from the stored row); other
    records are digested from their stored form (:func:`output.store.input_to_line`).
    """
    loader = getattr(raw, "load_with_digest", None)
    if loader is not None:
        return loader(digest=digest)
    item = as_input(raw)
    if not digest:
        return item, b""
    from output.store import input_to_line

    text = json.dumps(input_to_line(item), ensure_ascii=False, sort_keys=True, default=repr)
    return item, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def read_records(
    items: Iterable[Any], *, digest: bool = True
) -> Iterator[tuple[Any, ReportInput, bytes]]:
    """``(raw, record, digest)`` of every item, in order; records in a store are read a batch
    at a time."""
    batch: list[Any] = []
    for raw in items:
        batch.append(raw)
        if len(batch) >= _LOAD_BATCH:
            yield from _load_batch(batch, digest)
            batch = []
    yield from _load_batch(batch, digest)


def load_items(
    items: Sequence[Any], positions: Iterable[int] | None = None, *, digest: bool = True
) -> Iterator[tuple[ReportInput, bytes]]:
    """:func:`load_item` for ``items[p]`` of each position (all, in order, by default)."""
    chosen = items if positions is None else (items[p] for p in positions)
    for _raw, item, hashed in read_records(chosen, digest=digest):
        yield item, hashed


def _load_batch(batch: list[Any], digest: bool) -> Iterator[tuple[Any, ReportInput, bytes]]:
    from output.store import StoredInput

    handles = [raw for raw in batch if isinstance(raw, StoredInput)]
    if len(handles) < 2:
        for raw in batch:
            yield (raw, *load_item(raw, digest=digest))
        return
    stored = StoredInput.load_many(handles, digest=digest)
    for raw in batch:
        yield (
            raw,
            *(next(stored) if isinstance(raw, StoredInput) else load_item(raw, digest=digest)),
        )


def source_key(
    items: Iterable[Any],
    crosswalk: Mapping[str, ProseField] | None | object = _DEFAULT,
    fill_from_prose: bool = True,
    corrections: CorrectionSet | None = None,
    stages: Sequence[RecordStage] = (),
) -> str | None:
    """For records that all sit in stores (:class:`StoredRecords`, or handles from
    :func:`output.store.load_records`): a key of every stored row, in order, read without
    decoding any record — what ``Build.source_key`` will be. An export whose files were made
    from the same key has nothing to do, and finds out in a fraction of the time a build
    takes. None otherwise."""
    from output.store import StoredInput

    if not all_stored(items):
        return None
    every = hashlib.sha256()
    batch: list[Any] = []
    for handle in items:
        batch.append(handle)
        if len(batch) >= _DIGEST_BATCH:
            for digest in StoredInput.digests(batch):
                every.update(digest)
            batch = []
    for digest in StoredInput.digests(batch):
        every.update(digest)
    if crosswalk is _DEFAULT:
        crosswalk = load_crosswalk()
    return finish_key(every, crosswalk, fill_from_prose, corrections, stages)


def all_stored(items: Iterable[Any]) -> bool:
    from output.store import StoredInput

    if getattr(items, "all_stored", False):
        return bool(items)
    return bool(items) and all(isinstance(item, StoredInput) for item in items)


def finish_key(
    digest: Any,
    crosswalk: Any,
    fill_from_prose: bool,
    corrections: CorrectionSet | None = None,
    stages: Sequence[RecordStage] = (),
) -> str:
    """Add what shapes the rows besides the records: the prose crosswalk, the reviewers'
    corrections, the record stages and the code."""
    pairs = sorted((k, repr(v)) for k, v in (crosswalk or {}).items())
    digest.update(repr((pairs, crosswalk is None, fill_from_prose)).encode())
    if corrections:
        digest.update(corrections.digest().encode())
    if stages:
        digest.update(stages_key(stages).encode())
    digest.update(code_digest().encode())
    return digest.hexdigest()


def source_items(records: Iterable[Any]) -> Sequence[Any] | StoredRecords:
    """Records as something the build can read several times: :class:`StoredRecords` and
    sequences as they are (a one-shot iterator is listed)."""
    if isinstance(records, StoredRecords):
        return records
    if isinstance(records, Sequence) and not isinstance(records, str | bytes):
        return records
    return list(records)


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of the code that shapes the datasets (this package and the schema's labels)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        here = Path(__file__).parent
        files = sorted(here.rglob("*.py"))
        import parsers.schema

        files.append(Path(parsers.schema.__file__))
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        _CODE_DIGEST = digest.hexdigest()
    return _CODE_DIGEST
